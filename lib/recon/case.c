/*
 * Error cases (差错, R-7.9.c) and adjustments (调账, R-7.9.d).
 *
 * A case: open -> investigating -> resolved_adjustment | resolved_timing | written_off; every
 * step is an event naming who did it. An adjustment is a journal entry one person proposes and
 * another approves (four eyes, by the actor's name); approval posts it through the ledger with
 * ref_kind "recon_case" and resolves the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "recon/recon.h"

#define NOTE_MAX 1000
#define MAX_POSTINGS 100

const char *const fw__recon_outcome_names[] = { "", "matched", "missing_in_ledger",
                                                "missing_in_statement", "amount_differs",
                                                "duplicate", "late" };
const char *const fw__recon_rule_names[] = { "", "reference", "amount_date", "one_to_many",
                                             "many_to_one", "funding", "adjustment" };
const char *const fw__recon_case_state_names[] = { "", "open", "investigating",
                                                   "resolved_adjustment", "resolved_timing",
                                                   "written_off" };
static const char *const adj_state_names[] = { "", "proposed", "posted", "rejected" };

const char *fw__recon_case_kind_name(int64_t kind)
{
    if (kind >= 1 && kind <= FW_RECON_OUTCOME_COUNT)
        return fw__recon_outcome_names[kind];
    return kind == FW_RECON_CASE_FEE_DIFFERENCE ? "fee_difference" : "unknown";
}

static const char *state_name(int64_t s)
{
    return s >= 1 && s <= 5 ? fw__recon_case_state_names[s] : "unknown";
}

int fw__recon_audit(fw_ctx *ctx, const char *action, const char *type, fw_id id, cJSON *d,
                    fw_error **err)
{
    char *text = d ? cJSON_PrintUnformatted(d) : NULL;
    int rc = text ? fw__audit_append(ctx, action, type, id, text, strlen(text), err)
                  : fw__error_nomem(err);
    cJSON_free(text);
    cJSON_Delete(d);
    return rc;
}

int fw__recon_case_event(fw_ctx *ctx, fw_id case_id, const char *action, int64_t from_state,
                         int64_t to_state, const char *note, fw_error **err)
{
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_recon_case_event(case_id, at_ms, actor, role, action, "
                         "from_state, to_state, note) VALUES (?,?,?,?,?,?,?,?)",
                         "iitttiit", case_id, fw_ctx_now(ctx), ctx->actor_name,
                         fw__role_name(ctx->role), action, from_state, to_state, note);
    if (rc == FW_OK && from_state != to_state)
        rc = fw__db_exec(ctx, err, "UPDATE fw_recon_case SET state=?, updated_ms=? WHERE id=?", "iii",
                         to_state, fw_ctx_now(ctx), case_id);
    return rc;
}

int fw__recon_case_open(fw_ctx *ctx, fw_id run_id, int64_t kind, int64_t amount, fw_id line_id,
                        fw_id entry_id, fw_id enterprise_id, const char *summary, fw_id *out_id,
                        fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    fw_id id;
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_recon_case(run_id, kind, state, amount, line_id, entry_id, "
                         "enterprise_id, summary, created_ms, updated_ms) VALUES "
                         "(NULLIF(?, 0), ?, 1, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?)",
                         "iiiiiitii", run_id, kind, amount, line_id, entry_id, enterprise_id, summary,
                         now, now);
    if (rc != FW_OK)
        return rc;
    id = fw__db_last_id(ctx);
    rc = fw__recon_case_event(ctx, id, "open", FW_RECON_CASE_OPEN, FW_RECON_CASE_OPEN, summary, err);
    if (rc == FW_OK && out_id)
        *out_id = id;
    return rc;
}

struct case_row {
    fw_id id, run_id, line_id, entry_id, enterprise_id;
    int64_t kind, state, amount;
};

static int load_case(fw_ctx *ctx, fw_id id, struct case_row *c, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT id, coalesce(run_id, 0), coalesce(line_id, 0), coalesce(entry_id, 0), "
                          "coalesce(enterprise_id, 0), kind, state, amount FROM fw_recon_case WHERE id=?",
                          "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        c->id = fw__db_col_i64(s, 0);
        c->run_id = fw__db_col_i64(s, 1);
        c->line_id = fw__db_col_i64(s, 2);
        c->entry_id = fw__db_col_i64(s, 3);
        c->enterprise_id = fw__db_col_i64(s, 4);
        c->kind = fw__db_col_i64(s, 5);
        c->state = fw__db_col_i64(s, 6);
        c->amount = fw__db_col_i64(s, 7);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "case_id", "no reconciliation case %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int require_unresolved(const struct case_row *c, fw_error **err)
{
    if (c->state == FW_RECON_CASE_OPEN || c->state == FW_RECON_CASE_INVESTIGATING)
        return FW_OK;
    return fw__error_set(err, FW_ESTATE, "case_id", "case %lld is %s; it can no longer change",
                         (long long)c->id, state_name(c->state));
}

static int require_name(fw_ctx *ctx, const char *action, fw_error **err)
{
    if (!ctx->actor_name || !*ctx->actor_name)
        return fw__error_set(err, FW_EPERM, NULL,
                             "%s: four eyes need to know who acts; set the actor's name with "
                             "fw_ctx_set_actor()", action);
    return FW_OK;
}

int fw_recon_case_act(fw_ctx *ctx, fw_id case_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "action", "note", NULL };
    static const char *const actions[] = { "investigate", "note", "resolve_timing", "write_off", NULL };
    struct case_row c;
    cJSON *root = NULL, *d;
    const char *note = NULL;
    int action = 0, rc;
    int64_t to;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "recon.case", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "action", FW__REQUIRED, actions, &action, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "note", action == 0 ? FW__OPTIONAL : FW__REQUIRED, 1, NOTE_MAX,
                          &note, err);
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = load_case(ctx, case_id, &c, err);
    if (rc == FW_OK)
        rc = require_unresolved(&c, err);
    to = c.state;
    if (rc == FW_OK) {
        switch (action) {
        case 0:
            if (c.state != FW_RECON_CASE_OPEN)
                rc = fw__error_set(err, FW_ESTATE, "$.action", "case %lld is already %s",
                                   (long long)case_id, state_name(c.state));
            to = FW_RECON_CASE_INVESTIGATING;
            break;
        case 2: to = FW_RECON_CASE_RESOLVED_TIMING; break;
        case 3: to = FW_RECON_CASE_WRITTEN_OFF; break;
        default: break;
        }
    }
    if (rc == FW_OK)
        rc = fw__recon_case_event(ctx, case_id, actions[action], c.state, to, note, err);
    if (rc == FW_OK && (d = cJSON_CreateObject()) != NULL) {
        cJSON_AddStringToObject(d, "action", actions[action]);
        cJSON_AddStringToObject(d, "from", state_name(c.state));
        cJSON_AddStringToObject(d, "to", state_name(to));
        rc = fw__recon_audit(ctx, "recon.case", "recon_case", case_id, d, err);
    }
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

/* ---- adjustments ---- */

struct proposal {
    const char *key, *reason, *memo;
    struct fw__posting p[MAX_POSTINGS];
    size_t n;
};

static int parse_proposal(fw_ctx *ctx, const cJSON *root, struct proposal *pr, fw_error **err)
{
    static const char *const fields[] = { "idempotency_key", "reason", "memo", "postings", NULL };
    static const char *const pfields[] = { "account_id", "debit_fen", "credit_fen", NULL };
    const cJSON *arr = NULL, *it;
    int64_t sum = 0;
    int rc;

    memset(pr, 0, sizeof(*pr));
    pr->reason = "recon.adjust";
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &pr->key, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__OPTIONAL, 1, FW__LEDGER_REASON_MAX, &pr->reason, err);
    if (rc == FW_OK)
        rc = fw__ledger_check_reason(pr->reason, "$.reason", err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "memo", FW__OPTIONAL, 1, FW__LEDGER_MEMO_MAX, &pr->memo, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "postings", FW__REQUIRED, MAX_POSTINGS, &arr, err);
    if (rc == FW_OK && cJSON_GetArraySize(arr) < 2)
        rc = fw__error_set(err, FW_EINVAL, "$.postings", "needs at least two postings, got %d",
                           cJSON_GetArraySize(arr));
    cJSON_ArrayForEach(it, arr) {
        char path[64];
        int64_t acct = 0, debit = 0, credit = 0;
        struct fw__account a;
        if (rc != FW_OK)
            break;
        fw__json_path_index(path, sizeof(path), "$.postings", pr->n);
        if (!cJSON_IsObject(it)) {
            rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
            break;
        }
        rc = fw__json_only(it, path, pfields, err);
        if (rc == FW_OK)
            rc = fw__json_i64(it, path, "account_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &acct, err);
        if (rc == FW_OK)
            rc = fw__json_i64(it, path, "debit_fen", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &debit, err);
        if (rc == FW_OK)
            rc = fw__json_i64(it, path, "credit_fen", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &credit, err);
        if (rc == FW_OK && (!debit) == (!credit))
            rc = fw__error_set(err, FW_EINVAL, path, "needs exactly one of debit_fen and credit_fen");
        if (rc == FW_OK) {
            char apath[80];
            snprintf(apath, sizeof(apath), "%s.account_id", path);
            rc = fw__ledger_account_load(ctx, acct, apath, &a, err);
            if (rc == FW_ENOTFOUND)
                rc = fw__error_set(err, FW_EINVAL, apath, "no ledger account %lld", (long long)acct);
        }
        if (rc == FW_OK) {
            pr->p[pr->n].account_id = acct;
            pr->p[pr->n].amount = debit ? debit : -credit;
            if (fw__money_add(sum, pr->p[pr->n].amount, &sum) != FW_OK)
                rc = fw__error_set(err, FW_EOVERFLOW, path, "the postings' sum leaves the int64 range");
            pr->n++;
        }
    }
    if (rc == FW_OK && sum != 0)
        rc = fw__error_set(err, FW_EINVAL, "$.postings", "debits must equal credits; they differ by %lld fen",
                           (long long)sum);
    return rc;
}

static cJSON *proposal_json(const struct proposal *pr)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    size_t i;
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "reason", pr->reason);
    if (pr->memo)
        cJSON_AddStringToObject(o, "memo", pr->memo);
    arr = cJSON_AddArrayToObject(o, "postings");
    for (i = 0; i < pr->n; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, p);
        fw__json_add_i64(p, "account_id", pr->p[i].account_id);
        fw__json_add_i64(p, pr->p[i].amount > 0 ? "debit_fen" : "credit_fen",
                         pr->p[i].amount > 0 ? pr->p[i].amount : -pr->p[i].amount);
    }
    return o;
}

int fw_recon_adjust_propose(fw_ctx *ctx, fw_id *out_id, fw_id case_id, const char *json,
                            size_t json_len, fw_error **err)
{
    struct proposal pr;
    struct case_row c;
    cJSON *root = NULL, *canon = NULL, *d;
    char *request = NULL, *idem_req = NULL;
    fw__idem idem;
    int64_t waiting = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_id and json are required");
    if ((rc = fw__authz_require(ctx, "recon.adjust_propose", err)) != FW_OK ||
        (rc = require_name(ctx, "recon.adjust_propose", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = parse_proposal(ctx, root, &pr, err);
    if (rc == FW_OK && (!(canon = proposal_json(&pr)) || !(request = cJSON_PrintUnformatted(canon))))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        fw__json_add_i64(canon, "case_id", case_id);
        if (!(idem_req = cJSON_PrintUnformatted(canon)))
            rc = fw__error_nomem(err);
    }
    if (rc != FW_OK) {
        cJSON_Delete(canon);
        cJSON_Delete(root);
        cJSON_free(request);
        return fw__tx_end(ctx, rc, err);
    }
    rc = fw__idem_begin(ctx, &idem, "recon.adjust_propose", pr.key, idem_req, strlen(idem_req), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = load_case(ctx, case_id, &c, err);
        if (rc == FW_OK)
            rc = require_unresolved(&c, err);
        if (rc == FW_OK)
            rc = fw__db_i64(ctx, &waiting, err,
                            "SELECT count(*) FROM fw_recon_adjustment WHERE case_id=? AND state=1", "i",
                            case_id);
        if (rc == FW_OK && waiting)
            rc = fw__error_set(err, FW_ESTATE, "case_id",
                               "case %lld already has an adjustment waiting for approval",
                               (long long)case_id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_recon_adjustment(case_id, state, request, proposed_by, "
                             "proposed_ms) VALUES (?, 1, ?, ?, ?)",
                             "itti", case_id, request, ctx->actor_name, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            char note[64];
            id = fw__db_last_id(ctx);
            snprintf(note, sizeof(note), "adjustment %lld proposed", (long long)id);
            rc = fw__recon_case_event(ctx, case_id, "adjust_propose", c.state,
                                      FW_RECON_CASE_INVESTIGATING, note, err);
        }
        if (rc == FW_OK && (d = cJSON_CreateObject()) != NULL) {
            fw__json_add_i64(d, "case_id", case_id);
            cJSON_AddItemToObject(d, "entry", proposal_json(&pr));
            rc = fw__recon_audit(ctx, "recon.adjust_propose", "recon_adjustment", id, d, err);
        }
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    cJSON_Delete(canon);
    cJSON_Delete(root);
    cJSON_free(request);
    cJSON_free(idem_req);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

struct adj_row {
    fw_id id, case_id;
    int64_t state;
    char *request, *proposed_by;
};

static int load_adj(fw_ctx *ctx, fw_id id, struct adj_row *a, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT case_id, state, request, proposed_by FROM fw_recon_adjustment WHERE id=?",
                          "i", id);
    memset(a, 0, sizeof(*a));
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        a->id = id;
        a->case_id = fw__db_col_i64(s, 0);
        a->state = fw__db_col_i64(s, 1);
        a->request = strdup(fw__db_col_text(s, 2));
        a->proposed_by = strdup(fw__db_col_text(s, 3));
        rc = a->request && a->proposed_by ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "adjustment_id", "no adjustment %lld", (long long)id);
    }
    fw__db_done(s);
    if (rc == FW_OK && a->state != FW_RECON_ADJ_PROPOSED)
        rc = fw__error_set(err, FW_ESTATE, "adjustment_id", "adjustment %lld is already %s",
                           (long long)id, adj_state_names[a->state >= 1 && a->state <= 3 ? a->state : 0]);
    return rc;
}

static void free_adj(struct adj_row *a)
{
    free(a->request);
    free(a->proposed_by);
}

static int post_adjustment(fw_ctx *ctx, const struct adj_row *a, const struct case_row *c,
                           fw_id *entry, fw_error **err)
{
    struct fw__posting p[MAX_POSTINGS];
    struct fw__entry_meta m;
    const cJSON *arr, *it, *reason, *memo;
    cJSON *req = NULL;
    char ref[32];
    size_t n = 0;
    int touches_bank = 0, rc;
    fw_id bank = 0;

    if ((rc = fw__json_parse(&req, a->request, (size_t)-1, err)) != FW_OK)
        return rc;
    reason = cJSON_GetObjectItemCaseSensitive(req, "reason");
    memo = cJSON_GetObjectItemCaseSensitive(req, "memo");
    arr = cJSON_GetObjectItemCaseSensitive(req, "postings");
    if (fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL, 0, &bank,
                           NULL) != FW_OK)
        bank = 0;
    cJSON_ArrayForEach(it, arr) {
        const cJSON *acct = cJSON_GetObjectItemCaseSensitive(it, "account_id");
        const cJSON *dr = cJSON_GetObjectItemCaseSensitive(it, "debit_fen");
        const cJSON *cr = cJSON_GetObjectItemCaseSensitive(it, "credit_fen");
        if (n >= MAX_POSTINGS)
            break;
        p[n].account_id = (fw_id)acct->valuedouble;
        p[n].amount = dr ? (int64_t)dr->valuedouble : -(int64_t)cr->valuedouble;
        touches_bank |= bank && p[n].account_id == bank;
        n++;
    }
    snprintf(ref, sizeof(ref), "%lld", (long long)c->id);
    memset(&m, 0, sizeof(m));
    m.kind = FW_LEDGER_ENTRY_POSTED;
    m.reason = reason->valuestring;
    m.ref_kind = "recon_case";
    m.ref_id = ref;
    m.memo = cJSON_IsString(memo) ? memo->valuestring : NULL;
    rc = fw__ledger_post(ctx, p, n, &m, entry, err);
    /* A line only on the statement is reconciled by the entry that books it. */
    if (rc == FW_OK && touches_bank && c->line_id && c->run_id &&
        (c->kind == FW_RECON_MISSING_IN_LEDGER || c->kind == FW_RECON_AMOUNT_DIFFERS))
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_recon_result(run_id, line_id, entry_id, outcome, rule, difference) "
                         "VALUES (?, ?, ?, 1, 6, 0)", "iii", c->run_id, c->line_id, *entry);
    cJSON_Delete(req);
    return rc;
}

static int decide(fw_ctx *ctx, fw_id adjustment_id, int approve, const char *note, fw_id *out_entry,
                  fw_error **err)
{
    struct adj_row a;
    struct case_row c;
    fw_id entry = 0;
    cJSON *d;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (note && strlen(note) > NOTE_MAX)
        return fw__error_set(err, FW_EINVAL, "note", "must be at most %d bytes", NOTE_MAX);
    if (!approve && (!note || !*note))
        return fw__error_set(err, FW_EINVAL, "note", "a rejection needs a reason (1..%d bytes)", NOTE_MAX);
    if ((rc = fw__authz_require(ctx, "recon.adjust_approve", err)) != FW_OK ||
        (rc = require_name(ctx, "recon.adjust_approve", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = load_adj(ctx, adjustment_id, &a, err);
    if (rc == FW_OK)
        rc = load_case(ctx, a.case_id, &c, err);
    if (rc == FW_OK)
        rc = require_unresolved(&c, err);
    if (rc == FW_OK && approve && strcmp(a.proposed_by, ctx->actor_name) == 0)
        rc = fw__error_set(err, FW_EDENIED, "adjustment_id",
                           "four eyes: %s proposed adjustment %lld and may not approve it; another "
                           "person must", a.proposed_by, (long long)adjustment_id);
    if (rc == FW_OK && approve)
        rc = post_adjustment(ctx, &a, &c, &entry, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "UPDATE fw_recon_adjustment SET state=?, decided_by=?, decided_ms=?, note=?, "
                         "entry_id=NULLIF(?, 0) WHERE id=?",
                         "ititii", (int64_t)(approve ? FW_RECON_ADJ_POSTED : FW_RECON_ADJ_REJECTED),
                         ctx->actor_name, fw_ctx_now(ctx), note, entry, adjustment_id);
    if (rc == FW_OK) {
        char text[128];
        snprintf(text, sizeof(text), "adjustment %lld %s", (long long)adjustment_id,
                 approve ? "approved and posted" : "rejected");
        rc = fw__recon_case_event(ctx, c.id, approve ? "adjust_approve" : "adjust_reject", c.state,
                                  approve ? FW_RECON_CASE_RESOLVED_ADJUSTMENT : c.state,
                                  text, err);
        if (rc == FW_OK && note && *note)
            rc = fw__recon_case_event(ctx, c.id, "note", approve ? FW_RECON_CASE_RESOLVED_ADJUSTMENT : c.state,
                                      approve ? FW_RECON_CASE_RESOLVED_ADJUSTMENT : c.state, note, err);
    }
    if (rc == FW_OK && (d = cJSON_CreateObject()) != NULL) {
        fw__json_add_i64(d, "case_id", c.id);
        cJSON_AddStringToObject(d, "decision", approve ? "approved" : "rejected");
        cJSON_AddStringToObject(d, "proposed_by", a.proposed_by);
        if (entry)
            fw__json_add_i64(d, "entry_id", entry);
        rc = fw__recon_audit(ctx, approve ? "recon.adjust_approve" : "recon.adjust_reject",
                             "recon_adjustment", adjustment_id, d, err);
    }
    free_adj(&a);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_entry)
        *out_entry = entry;
    return rc;
}

int fw_recon_adjust_approve(fw_ctx *ctx, fw_id adjustment_id, const char *note, fw_id *out_entry_id,
                            fw_error **err)
{
    return decide(ctx, adjustment_id, 1, note, out_entry_id, err);
}

int fw_recon_adjust_reject(fw_ctx *ctx, fw_id adjustment_id, const char *note, fw_error **err)
{
    return decide(ctx, adjustment_id, 0, note, NULL, err);
}

/* ---- reading ---- */

#define CASE_COLUMNS "id, run_id, kind, state, amount, line_id, entry_id, enterprise_id, summary, created_ms, updated_ms"

static cJSON *case_json(fw__stmt *s)
{
    cJSON *o = cJSON_CreateObject();
    static const int nullable[] = { 1, 5, 6, 7 };
    static const char *const names[] = { "id", "run_id", "", "", "", "line_id", "entry_id", "enterprise_id" };
    size_t i;
    if (!o)
        return NULL;
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    for (i = 0; i < sizeof(nullable) / sizeof(nullable[0]); i++) {
        int c = nullable[i];
        if (fw__db_col_is_null(s, c))
            cJSON_AddNullToObject(o, names[c]);
        else
            fw__json_add_i64(o, names[c], fw__db_col_i64(s, c));
    }
    cJSON_AddStringToObject(o, "kind", fw__recon_case_kind_name(fw__db_col_i64(s, 2)));
    cJSON_AddStringToObject(o, "state", state_name(fw__db_col_i64(s, 3)));
    fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 4));
    cJSON_AddStringToObject(o, "summary", fw__db_col_text(s, 8));
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 9));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 10));
    return o;
}

static void add_text(cJSON *o, const char *name, fw__stmt *s, int col)
{
    if (fw__db_col_is_null(s, col))
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, fw__db_col_text(s, col));
}

int fw_recon_case_get(fw_ctx *ctx, fw_id case_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *o = NULL, *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "recon.read", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT " CASE_COLUMNS " FROM fw_recon_case WHERE id=?", "i", case_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        rc = (o = case_json(s)) ? FW_OK : fw__error_nomem(err);
    else if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, "case_id", "no reconciliation case %lld", (long long)case_id);
    fw__db_done(s);
    if (rc == FW_OK) {
        arr = cJSON_AddArrayToObject(o, "events");
        rc = fw__db_query(ctx, &s, err,
                          "SELECT at_ms, actor, role, action, from_state, to_state, note FROM "
                          "fw_recon_case_event WHERE case_id=? ORDER BY id", "i", case_id);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, e);
            fw__json_add_i64(e, "at_ms", fw__db_col_i64(s, 0));
            add_text(e, "actor", s, 1);
            add_text(e, "role", s, 2);
            add_text(e, "action", s, 3);
            cJSON_AddStringToObject(e, "from", state_name(fw__db_col_i64(s, 4)));
            cJSON_AddStringToObject(e, "to", state_name(fw__db_col_i64(s, 5)));
            add_text(e, "note", s, 6);
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    }
    if (rc == FW_OK) {
        arr = cJSON_AddArrayToObject(o, "adjustments");
        rc = fw__db_query(ctx, &s, err,
                          "SELECT id, state, request, proposed_by, decided_by, entry_id, note FROM "
                          "fw_recon_adjustment WHERE case_id=? ORDER BY id", "i", case_id);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *e = cJSON_CreateObject(), *req = NULL;
            int64_t st = fw__db_col_i64(s, 1);
            cJSON_AddItemToArray(arr, e);
            fw__json_add_i64(e, "id", fw__db_col_i64(s, 0));
            cJSON_AddStringToObject(e, "state", adj_state_names[st >= 1 && st <= 3 ? st : 0]);
            add_text(e, "proposed_by", s, 3);
            add_text(e, (st == FW_RECON_ADJ_REJECTED) ? "rejected_by" : "approved_by", s, 4);
            if (fw__db_col_is_null(s, 5))
                cJSON_AddNullToObject(e, "entry_id");
            else
                fw__json_add_i64(e, "entry_id", fw__db_col_i64(s, 5));
            add_text(e, "note", s, 6);
            if (fw__json_parse(&req, fw__db_col_text(s, 2), (size_t)-1, NULL) == FW_OK)
                cJSON_AddItemToObject(e, "entry", req);
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    }
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_recon_case_list(fw_ctx *ctx, const char *query_json, size_t query_len, char **out_json,
                       size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "state", "run_id", "limit", "before_id", NULL };
    static const char *const states[] = { "open", "investigating", "resolved_adjustment",
                                          "resolved_timing", "written_off", NULL };
    cJSON *root = NULL, *o = NULL, *arr;
    fw__stmt *s;
    int64_t run = 0, limit = 100, before = 0, n = 0, last = 0;
    int state = -1, rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "recon.read", err)) != FW_OK)
        return rc;
    if (query_json) {
        if ((rc = fw__json_parse(&root, query_json, query_len, err)) != FW_OK)
            return rc;
        rc = fw__json_only(root, "$", fields, err);
        if (rc == FW_OK)
            rc = fw__json_enum(root, "$", "state", FW__OPTIONAL, states, &state, err);
        if (rc == FW_OK)
            rc = fw__json_i64(root, "$", "run_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &run, err);
        if (rc == FW_OK)
            rc = fw__json_i64(root, "$", "limit", FW__OPTIONAL, 1, 1000, &limit, err);
        if (rc == FW_OK)
            rc = fw__json_i64(root, "$", "before_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &before, err);
        cJSON_Delete(root);
        if (rc != FW_OK)
            return rc;
    }
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    arr = cJSON_AddArrayToObject(o, "cases");
    rc = fw__db_query(ctx, &s, err,
                      "SELECT " CASE_COLUMNS " FROM fw_recon_case WHERE id < ? AND (? = 0 OR state = ?) "
                      "AND (? = 0 OR run_id = ?) ORDER BY id DESC LIMIT ?",
                      "iiiiii", before ? before : INT64_MAX, (int64_t)(state + 1), (int64_t)(state + 1),
                      run, run, limit);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *c = case_json(s);
        if (!c) {
            rc = fw__error_nomem(err);
            break;
        }
        cJSON_AddItemToArray(arr, c);
        last = fw__db_col_i64(s, 0);
        n++;
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(o);
        return rc;
    }
    if (n == limit)
        fw__json_add_i64(o, "next_before_id", last);
    else
        cJSON_AddNullToObject(o, "next_before_id");
    return fw__json_out(o, out_json, out_len, err);
}
