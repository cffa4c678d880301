/*
 * Premiums (per order, per day of work, per month) and their hand-over to the ledger,
 * certificates of cover, and the social-insurance contribution service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/json.h"
#include "core/money.h"
#include "insurance/insurance.h"
#include "insurance/internal.h"

static void date_text(int64_t ms, char *buf, size_t size)
{
    int y, m, d;
    fw__cst_date(ms, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

int fw_insurance_premium_fen(fw_ctx *ctx, fw_id product_id, int64_t units, int64_t *out_fen, fw_error **err)
{
    struct fw__insurance_product p;
    int64_t fen = 0;
    int rc;

    if (!ctx || !out_fen)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_fen are required");
    if (units < 0)
        return fw__error_set(err, FW_EINVAL, "units", "must be 0 or more, got %lld", (long long)units);
    if ((rc = fw__authz_require(ctx, "insurance.product_get", err)) != FW_OK)
        return rc;
    if ((rc = fw__insurance_product_load(ctx, product_id, &p, err)) != FW_OK)
        return rc;
    if (fw__money_mul(p.premium_fen, units, &fen) != FW_OK)
        rc = fw__error_set(err, FW_EOVERFLOW, "units", "%lld units of %lld fen overflow", (long long)units,
                           (long long)p.premium_fen);
    fw__insurance_product_clear(&p);
    if (rc == FW_OK)
        *out_fen = fen;
    return rc;
}

struct enrolment {
    fw_id id, product_id, worker_id, enterprise_id;
    int64_t start_ms, end_ms, state;
};

static int enrolment_load(fw_ctx *ctx, fw_id id, struct enrolment *e, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT id, product_id, worker_id, enterprise_id, start_ms, end_ms, state "
                          "FROM fw_insurance_enrolment WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        e->id = fw__db_col_i64(s, 0);
        e->product_id = fw__db_col_i64(s, 1);
        e->worker_id = fw__db_col_i64(s, 2);
        e->enterprise_id = fw__db_col_i64(s, 3);
        e->start_ms = fw__db_col_i64(s, 4);
        e->end_ms = fw__db_col_i64(s, 5);
        e->state = fw__db_col_i64(s, 6);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "enrolment_id", "no enrolment %lld", (long long)id);
    return rc < 0 ? rc : FW_OK;
}

/* The work of one charge, inside the caller's transaction. */
static int charge(fw_ctx *ctx, fw_id enrolment_id, const char *order_ref, int64_t at_ms, fw_id *out_id,
                  int64_t *out_fen, fw_error **err)
{
    struct fw__insurance_product p;
    struct enrolment e;
    const char *basis;
    char ref[140], from[16], to[16], at[16], detail[300];
    int64_t amount = 0;
    fw__stmt *s;
    int rc = enrolment_load(ctx, enrolment_id, &e, err), found = 0;

    if (rc != FW_OK)
        return rc;
    if (e.state != 1)
        return fw__error_set(err, FW_ESTATE, "enrolment_id", "enrolment %lld is cancelled", (long long)enrolment_id);
    if (at_ms < e.start_ms || (e.end_ms && at_ms >= e.end_ms)) {
        date_text(e.start_ms, from, sizeof(from));
        date_text(e.end_ms, to, sizeof(to));
        date_text(at_ms, at, sizeof(at));
        return fw__error_set(err, FW_ESTATE, "at_ms", "enrolment %lld covers %s to %s; the work on %s is outside it",
                             (long long)enrolment_id, from, e.end_ms ? to : "(open)", at);
    }
    if ((rc = fw__insurance_product_load(ctx, e.product_id, &p, err)) != FW_OK)
        return rc;
    if (strcmp(p.rule, "per_order") == 0) {
        basis = "order";
        if (!order_ref || !*order_ref)
            rc = fw__error_set(err, FW_EINVAL, "order_ref", "is required: product %s is charged per order", p.code);
        else
            snprintf(ref, sizeof(ref), "%s", order_ref);
    } else if (strcmp(p.rule, "per_day") == 0) {
        basis = "day";
        date_text(at_ms, ref, sizeof(ref));
    } else {
        basis = "month";
        fw__cst_month_key(at_ms, ref, sizeof(ref));
    }
    /* Each order, day or month is charged once: a repeat returns the first premium. */
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT id, amount_fen FROM fw_insurance_premium WHERE enrolment_id=? "
                          "AND basis=? AND basis_ref=?", "itt", enrolment_id, basis, ref);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            found = 1;
            *out_id = fw__db_col_i64(s, 0);
            *out_fen = fw__db_col_i64(s, 1);
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    if (rc == FW_OK && !found) {
        if (fw__money_mul(p.premium_fen, 1, &amount) != FW_OK)
            rc = fw__error_set(err, FW_EOVERFLOW, NULL, "the premium overflows");
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_insurance_premium(enrolment_id, product_id, worker_id, "
                             "enterprise_id, basis, basis_ref, units, amount_fen, payer, at_ms, state) "
                             "VALUES (?,?,?,?,?,?,1,?,?,?,1)", "iiiittiti",
                             enrolment_id, e.product_id, e.worker_id, e.enterprise_id, basis, ref, amount, p.payer,
                             at_ms);
        if (rc == FW_OK) {
            *out_id = fw__db_last_id(ctx);
            *out_fen = amount;
            snprintf(detail, sizeof(detail), "{\"enrolment_id\":%lld,\"basis\":\"%s\",\"amount_fen\":%lld,"
                     "\"payer\":\"%s\"}", (long long)enrolment_id, basis, (long long)amount, p.payer);
            rc = fw__audit_append(ctx, "insurance.charge", "insurance_premium", *out_id, detail, strlen(detail), err);
        }
    }
    fw__insurance_product_clear(&p);
    return rc;
}

int fw_insurance_charge(fw_ctx *ctx, fw_id enrolment_id, const char *order_ref, int64_t at_ms,
                        const char *idem_key, int64_t *out_fen, fw_id *out_premium_id, fw_error **err)
{
    fw__idem idem;
    cJSON *req;
    char *req_text;
    fw_id id = 0;
    int64_t fen = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (order_ref && strlen(order_ref) > 128)
        return fw__error_set(err, FW_EINVAL, "order_ref", "must be at most 128 bytes");
    if (at_ms < 0)
        return fw__error_set(err, FW_EINVAL, "at_ms", "must be a time in ms since the epoch, got %lld", (long long)at_ms);
    if ((rc = fw__authz_require(ctx, "insurance.charge", err)) != FW_OK)
        return rc;
    req = cJSON_CreateObject();
    fw__json_add_i64(req, "enrolment_id", enrolment_id);
    cJSON_AddStringToObject(req, "order_ref", order_ref ? order_ref : "");
    fw__json_add_i64(req, "at_ms", at_ms);
    req_text = fw__json_print(req);
    cJSON_Delete(req);
    if (!req_text)
        return fw__error_nomem(err);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        free(req_text);
        return rc;
    }
    rc = fw__idem_begin(ctx, &idem, "insurance.charge", idem_key, req_text, strlen(req_text), err);
    if (rc == FW_OK && idem.replayed) {
        rc = idem.rc;
        id = idem.result_id;
        if (rc == FW_OK)
            rc = fw__db_i64(ctx, &fen, err, "SELECT amount_fen FROM fw_insurance_premium WHERE id=?", "i", id);
    } else if (rc == FW_OK) {
        rc = charge(ctx, enrolment_id, order_ref, at_ms, &id, &fen, err);
    }
    free(req_text);
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK) {
        if (out_fen)
            *out_fen = fen;
        if (out_premium_id)
            *out_premium_id = id;
    }
    return rc;
}

int fw_insurance_premiums(fw_ctx *ctx, int64_t from_ms, int64_t to_ms, char **out_json, size_t *out_len,
                          fw_error **err)
{
    int64_t total = 0, due = 0, posted = 0;
    cJSON *o, *arr;
    fw__stmt *s;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "insurance.premiums", err)) != FW_OK)
        return rc;
    if (to_ms == 0)
        to_ms = INT64_MAX;
    rc = fw__db_query(ctx, &s, err, "SELECT id, enrolment_id, product_id, worker_id, enterprise_id, basis, basis_ref, "
                      "units, amount_fen, payer, at_ms, state, journal_ref FROM fw_insurance_premium "
                      "WHERE at_ms >= ? AND at_ms < ? ORDER BY id", "ii", from_ms, to_ms);
    if (rc != FW_OK)
        return rc;
    o = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *p = cJSON_CreateObject();
        int64_t amount = fw__db_col_i64(s, 8), state = fw__db_col_i64(s, 11);
        fw__json_add_i64(p, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(p, "enrolment_id", fw__db_col_i64(s, 1));
        fw__json_add_i64(p, "product_id", fw__db_col_i64(s, 2));
        fw__json_add_i64(p, "worker_id", fw__db_col_i64(s, 3));
        fw__json_add_i64(p, "enterprise_id", fw__db_col_i64(s, 4));
        cJSON_AddStringToObject(p, "basis", fw__db_col_text(s, 5));
        cJSON_AddStringToObject(p, "basis_ref", fw__db_col_text(s, 6));
        fw__json_add_i64(p, "units", fw__db_col_i64(s, 7));
        fw__json_add_i64(p, "amount_fen", amount);
        cJSON_AddStringToObject(p, "payer", fw__db_col_text(s, 9));
        fw__json_add_i64(p, "at_ms", fw__db_col_i64(s, 10));
        cJSON_AddStringToObject(p, "state", state == 1 ? "due" : "posted");
        if (fw__db_col_is_null(s, 12))
            cJSON_AddNullToObject(p, "journal_ref");
        else
            cJSON_AddStringToObject(p, "journal_ref", fw__db_col_text(s, 12));
        cJSON_AddItemToArray(arr, p);
        if (fw__money_add(total, amount, &total) != FW_OK ||
            fw__money_add(state == 1 ? due : posted, amount, state == 1 ? &due : &posted) != FW_OK)
            rc = fw__error_set(err, FW_EOVERFLOW, NULL, "the premium total overflows");
        if (rc != FW__ROW && rc != FW_OK)
            break;
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        cJSON_Delete(arr);
        return rc;
    }
    fw__json_add_i64(o, "total_fen", total);
    fw__json_add_i64(o, "due_fen", due);
    fw__json_add_i64(o, "posted_fen", posted);
    cJSON_AddItemToObject(o, "premiums", arr);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- internal: hand-over to the ledger ------------------------------------------------- */

int fw__insurance_premiums_due(fw_ctx *ctx, int64_t before_ms, fw__insurance_premium_fn fn, void *payload,
                               fw_error **err)
{
    struct fw__insurance_premium *ps = NULL, *p;
    size_t n = 0, i;
    fw__stmt *s;
    int rc;

    if (before_ms == 0)
        before_ms = INT64_MAX;
    rc = fw__db_query(ctx, &s, err, "SELECT x.id, x.enrolment_id, x.product_id, x.worker_id, x.enterprise_id, "
                      "x.amount_fen, x.at_ms, x.units, x.basis, x.basis_ref, x.payer, p.type, p.insurer "
                      "FROM fw_insurance_premium x JOIN fw_insurance_product p ON p.id = x.product_id "
                      "WHERE x.state=1 AND x.at_ms < ? ORDER BY x.at_ms, x.id", "i", before_ms);
    if (rc != FW_OK)
        return rc;
    /* Collected first: the callback runs statements of its own. */
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (!(p = realloc(ps, (n + 1) * sizeof(*ps)))) {
            rc = fw__error_nomem(err);
            break;
        }
        ps = p;
        p = &ps[n++];
        memset(p, 0, sizeof(*p));
        p->id = fw__db_col_i64(s, 0);
        p->enrolment_id = fw__db_col_i64(s, 1);
        p->product_id = fw__db_col_i64(s, 2);
        p->worker_id = fw__db_col_i64(s, 3);
        p->enterprise_id = fw__db_col_i64(s, 4);
        p->amount_fen = fw__db_col_i64(s, 5);
        p->at_ms = fw__db_col_i64(s, 6);
        p->units = fw__db_col_i64(s, 7);
        snprintf(p->basis, sizeof(p->basis), "%s", fw__db_col_text(s, 8));
        snprintf(p->basis_ref, sizeof(p->basis_ref), "%s", fw__db_col_text(s, 9));
        snprintf(p->payer, sizeof(p->payer), "%s", fw__db_col_text(s, 10));
        snprintf(p->product_type, sizeof(p->product_type), "%s", fw__db_col_text(s, 11));
        snprintf(p->insurer, sizeof(p->insurer), "%s", fw__db_col_text(s, 12));
    }
    fw__db_done(s);
    for (i = 0; rc == FW_OK && i < n; i++)
        rc = fn(ctx, &ps[i], payload);
    free(ps);
    return rc;
}

int fw__insurance_premium_mark_posted(fw_ctx *ctx, fw_id premium_id, const char *journal_ref, fw_error **err)
{
    int64_t state = 0;
    char detail[200];
    int rc;

    if (!journal_ref || !*journal_ref || strlen(journal_ref) > 128)
        return fw__error_set(err, FW_EINVAL, "journal_ref", "must be 1 to 128 bytes");
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &state, err, "SELECT state FROM fw_insurance_premium WHERE id=?", "i", premium_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, "premium_id", "no premium %lld", (long long)premium_id);
    if (rc == FW_OK && state != 1)
        rc = fw__error_set(err, FW_ESTATE, "premium_id", "premium %lld is already posted", (long long)premium_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_insurance_premium SET state=2, journal_ref=?, posted_ms=? WHERE id=?",
                         "tii", journal_ref, fw_ctx_now(ctx), premium_id);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"journal_ref\":\"%.128s\"}", journal_ref);
        rc = fw__audit_append(ctx, "insurance.premium_posted", "insurance_premium", premium_id, detail,
                              strlen(detail), err);
    }
    return fw__tx_end(ctx, rc, err);
}

int fw__insurance_due_total(fw_ctx *ctx, const char *payer, int64_t *out_fen, fw_error **err)
{
    return payer ? fw__db_i64(ctx, out_fen, err, "SELECT coalesce(sum(amount_fen), 0) FROM fw_insurance_premium "
                              "WHERE state=1 AND payer=?", "t", payer)
                 : fw__db_i64(ctx, out_fen, err, "SELECT coalesce(sum(amount_fen), 0) FROM fw_insurance_premium "
                              "WHERE state=1", "");
}

/* ---- certificates of cover ------------------------------------------------------------ */

#define CERT_CONTEXT "flexwork-insurance-certificate/1\n"

static void cert_message(const char *text, size_t len, crypto_generichash_state *st)
{
    crypto_generichash_init(st, NULL, 0, 64);
    crypto_generichash_update(st, (const unsigned char *)CERT_CONTEXT, sizeof(CERT_CONTEXT) - 1);
    crypto_generichash_update(st, (const unsigned char *)text, len);
}

int fw_insurance_certificate(fw_ctx *ctx, fw_id enrolment_id, char **out_json, size_t *out_len, fw_error **err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES], digest[64];
    struct fw__insurance_product p;
    struct enrolment e;
    crypto_generichash_state st;
    cJSON *cert, *prod, *o;
    char *text;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "insurance.certificate", err)) != FW_OK)
        return rc;
    if ((rc = enrolment_load(ctx, enrolment_id, &e, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "insurance.certificate", 0, e.worker_id, err)) != FW_OK)
        return rc;
    if (e.state != 1)
        return fw__error_set(err, FW_ESTATE, "enrolment_id", "enrolment %lld is cancelled: no certificate",
                             (long long)enrolment_id);
    if ((rc = fw__insurance_product_load(ctx, e.product_id, &p, err)) != FW_OK)
        return rc;
    cert = cJSON_CreateObject();
    fw__json_add_i64(cert, "enrolment_id", e.id);
    fw__json_add_i64(cert, "worker_id", e.worker_id);
    prod = cJSON_AddObjectToObject(cert, "product");
    cJSON_AddStringToObject(prod, "code", p.code);
    cJSON_AddStringToObject(prod, "name", p.name);
    cJSON_AddStringToObject(prod, "type", p.type);
    cJSON_AddStringToObject(prod, "insurer", p.insurer);
    cJSON_AddStringToObject(prod, "coverage", p.coverage);
    fw__json_add_i64(prod, "coverage_fen", p.coverage_fen);
    fw__json_add_i64(cert, "start_ms", e.start_ms);
    fw__json_add_i64(cert, "end_ms", e.end_ms);
    fw__json_add_i64(cert, "issued_ms", fw_ctx_now(ctx));
    fw__insurance_product_clear(&p);
    if (!(text = fw__json_print(cert))) {
        cJSON_Delete(cert);
        return fw__error_nomem(err);
    }
    crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    cert_message(text, strlen(text), &st);
    crypto_generichash_final(&st, digest, sizeof(digest));
    crypto_sign_detached(sig, NULL, digest, sizeof(digest), sk);
    sodium_memzero(sk, sizeof(sk));
    free(text);
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "certificate", cert);
    fw__json_add_hex(o, "public_key", pk, sizeof(pk));
    fw__json_add_hex(o, "signature", sig, sizeof(sig));
    return fw__json_out(o, out_json, out_len, err);
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned v = 0;
        int k;
        for (k = 0; k < 2; k++) {
            char c = s[2 * i + (size_t)k];
            v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
    return 0;
}

int fw_insurance_certificate_verify(const char *json, size_t json_len, const uint8_t *expected_public_key,
                                    fw_error **err)
{
    static const char *const fields[] = { "certificate", "public_key", "signature", NULL };
    unsigned char pk[32], sig[64], digest[64];
    const char *pk_hex = NULL, *sig_hex = NULL;
    const cJSON *cert = NULL;
    crypto_generichash_state st;
    cJSON *root;
    char *text = NULL;
    int rc;

    if (!json)
        return fw__error_set(err, FW_EINVAL, NULL, "json is required");
    if (fw_init() != FW_OK)
        return fw__error_set(err, FW_ERROR, NULL, "the library cannot initialise");
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK) {
        rc = fw__json_only(root, "$", fields, err);
        if (rc == FW_OK)
            rc = fw__json_obj(root, "$", "certificate", FW__REQUIRED, &cert, err);
        if (rc == FW_OK)
            rc = fw__json_hex(root, "$", "public_key", FW__REQUIRED, 32, &pk_hex, err);
        if (rc == FW_OK)
            rc = fw__json_hex(root, "$", "signature", FW__REQUIRED, 64, &sig_hex, err);
        if (rc == FW_OK && !(text = fw__json_print(cert)))
            rc = fw__error_nomem(err);
        if (rc == FW_OK) {
            unhex(pk_hex, pk, 32);
            unhex(sig_hex, sig, 64);
            cert_message(text, strlen(text), &st);
            crypto_generichash_final(&st, digest, sizeof(digest));
            if (expected_public_key && sodium_memcmp(pk, expected_public_key, 32) != 0)
                rc = fw__error_set(err, FW_EAUTH, "$.public_key", "the certificate is signed by another key than expected");
            else if (crypto_sign_verify_detached(sig, digest, sizeof(digest), pk) != 0)
                rc = fw__error_set(err, FW_EAUTH, "$.signature", "the signature does not verify: the certificate was "
                                   "altered or signed by another key");
        }
        free(text);
        cJSON_Delete(root);
    }
    fw_shutdown();
    return rc;
}

/* ---- social-insurance contribution service -------------------------------------------- */

static const char *const social_kinds[] = { "pension", "medical", "work_injury", "unemployment", "maternity", NULL };
static const char *const social_states[] = { "", "requested", "submitted", "paid", "failed", "cancelled", NULL };

int fw_insurance_social_request(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "worker_id", "kind", "region", "month", "base_fen", "rate_ppm", "note", NULL };
    const char *region = NULL, *month = NULL, *note = NULL;
    int64_t worker = 0, base = 0, rate = 0, amount = 0, existing = 0;
    int kind = 0, y, m, rc;
    char detail[200];
    fw_id id = 0;
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "worker_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &worker, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, social_kinds, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "region", FW__REQUIRED, 1, 16, &region, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "month", FW__REQUIRED, 7, 7, &month, err);
    if (rc == FW_OK && fw__month_key_parse(month, &y, &m) != FW_OK)
        rc = fw__error_set(err, FW_EINVAL, "$.month", "must be a month YYYY-MM, got \"%s\"", month);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "base_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT, &base, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "rate_ppm", FW__REQUIRED, 1, FW__PPM, &rate, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "note", FW__OPTIONAL, 1, 500, &note, err);
    if (rc == FW_OK && fw__money_ppm(base, rate, FW__ROUND_HALF_UP, &amount) != FW_OK)
        rc = fw__error_set(err, FW_EOVERFLOW, "$.base_fen", "base x rate overflows");
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "insurance.social_request", 0, worker, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &existing, err, "SELECT id FROM fw_insurance_social WHERE worker_id=? AND kind=? AND month=? "
                        "AND state IN (1, 2, 3)", "itt", worker, social_kinds[kind], month);
        if (rc == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.month", "worker %lld already has %s contribution request %lld for %s",
                               (long long)worker, social_kinds[kind], (long long)existing, month);
        else if (rc == FW_ENOTFOUND)
            rc = FW_OK;
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_insurance_social(worker_id, kind, region, month, base_fen, rate_ppm, "
                             "amount_fen, state, note, created_ms, updated_ms) VALUES (?,?,?,?,?,?,?,1,?,?,?)",
                             "itttiiitii", worker, social_kinds[kind], region, month,
                             base, rate, amount, note, fw_ctx_now(ctx), fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(detail, sizeof(detail), "{\"worker_id\":%lld,\"kind\":\"%s\",\"month\":\"%s\",\"amount_fen\":%lld}",
                     (long long)worker, social_kinds[kind], month, (long long)amount);
            rc = fw__audit_append(ctx, "insurance.social_request", "insurance_social", id, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw_insurance_social_update(fw_ctx *ctx, fw_id id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "state", "reference", "note", NULL };
    static const char *const targets[] = { "submitted", "paid", "failed", "cancelled", NULL };
    /* Allowed moves: from -> bit set of targets (FW_INSURANCE_SOCIAL_*). */
    static const uint32_t allowed[] = { 0, (1u << 2) | (1u << 5), (1u << 3) | (1u << 4), 0, 1u << 2, 0 };
    const char *reference = NULL, *note = NULL;
    int64_t state = 0, to;
    int t = 0, rc;
    char detail[96];
    cJSON *root;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "insurance.social_update", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "state", FW__REQUIRED, targets, &t, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reference", FW__OPTIONAL, 1, 128, &reference, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "note", FW__OPTIONAL, 1, 500, &note, err);
    to = t + 2;
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &state, err, "SELECT state FROM fw_insurance_social WHERE id=?", "i", id);
        if (rc == FW_ENOTFOUND)
            rc = fw__error_set(err, FW_ENOTFOUND, "request_id", "no contribution request %lld", (long long)id);
        if (rc == FW_OK && (state < 1 || state > 5 || !(allowed[state] & (1u << to))))
            rc = fw__error_set(err, FW_ESTATE, "$.state", "contribution request %lld is %s: it cannot become %s",
                               (long long)id, state >= 1 && state <= 5 ? social_states[state] : "unknown",
                               social_states[to]);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_insurance_social SET state=?, reference=coalesce(?, reference), "
                             "note=coalesce(?, note), updated_ms=? WHERE id=?", "ittii", to, reference, note,
                             fw_ctx_now(ctx), id);
        if (rc == FW_OK) {
            snprintf(detail, sizeof(detail), "{\"state\":\"%s\"}", social_states[to]);
            rc = fw__audit_append(ctx, "insurance.social_update", "insurance_social", id, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_insurance_social_list(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "insurance.social_list", 0, worker_id, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT id, kind, region, month, base_fen, rate_ppm, amount_fen, state, reference, "
                      "note, updated_ms FROM fw_insurance_social WHERE worker_id=? ORDER BY month, kind, id", "i",
                      worker_id);
    if (rc != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        int64_t state = fw__db_col_i64(s, 7);
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "kind", fw__db_col_text(s, 1));
        cJSON_AddStringToObject(o, "region", fw__db_col_text(s, 2));
        cJSON_AddStringToObject(o, "month", fw__db_col_text(s, 3));
        fw__json_add_i64(o, "base_fen", fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "rate_ppm", fw__db_col_i64(s, 5));
        fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 6));
        cJSON_AddStringToObject(o, "state", state >= 1 && state <= 5 ? social_states[state] : "unknown");
        if (fw__db_col_is_null(s, 8))
            cJSON_AddNullToObject(o, "reference");
        else
            cJSON_AddStringToObject(o, "reference", fw__db_col_text(s, 8));
        if (fw__db_col_is_null(s, 9))
            cJSON_AddNullToObject(o, "note");
        else
            cJSON_AddStringToObject(o, "note", fw__db_col_text(s, 9));
        fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 10));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}
