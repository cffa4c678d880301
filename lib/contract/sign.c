/*
 * Signing and verification (R-7.4, R-3.3.b): Ed25519 signatures by each party in order, with
 * evidence records, and the check of a contract's document and every signature.
 *
 * The signing text of a signature (what Ed25519 signs) is, line by line:
 *   flexwork-signature-v1
 *   contract:<id>
 *   document_sha256:<hex>
 *   seq:<n>
 *   signer:<platform|enterprise:<id>|worker:<id>>
 *   public_key:<hex>
 *   signed_ms:<ms>
 *   intent:<text>
 *   consent_sha256:<hex or ->
 *   prev_sha256:<hex of the SHA-256 of the previous signature, or ->
 * so a signature binds the document, the signer, its key, the time and the intent, and chains
 * to the one before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "contract/contract_int.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/vault.h"
#include "party/party.h"

#define DEFAULT_INTENT "I have read and agree to this contract"

/* ---- signing ---------------------------------------------------------------------------- */

#define SEED_SEALED_LEN (1 + 24 + 32 + 16)

/*
 * The signing key of a party: the platform's from the context; an enterprise's or worker's
 * from fw_contract_key, generated on first use (only ever for a verified party: the callers
 * check that first) with its seed sealed under the party's subject.
 */
static int signing_key(fw_ctx *ctx, int kind, fw_id party, unsigned char pk[32], unsigned char *sk,
                       fw_error **err)
{
    unsigned char seed[32], stored_pk[32], *sealed = NULL;
    char subject[48], *plain = NULL, hex[65];
    size_t n = 0;
    fw__stmt *s;
    int rc, found = 0;

    if (kind == FW__SIGNER_PLATFORM) {
        crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
        return FW_OK;
    }
    fw__contract_subject(kind, party, subject, sizeof(subject));
    rc = fw__db_query(ctx, &s, err, "SELECT public_key, seed FROM fw_contract_key WHERE subject=?", "t", subject);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (fw__db_col_bytes(s, 0) == 32 && fw__db_col_bytes(s, 1) == SEED_SEALED_LEN) {
            memcpy(stored_pk, fw__db_col_blob(s, 0), 32);
            sealed = malloc(SEED_SEALED_LEN);
            if (sealed)
                memcpy(sealed, fw__db_col_blob(s, 1), SEED_SEALED_LEN);
            found = sealed ? 1 : -2;
        } else {
            found = -1;
        }
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (found == -1)
        return fw__error_set(err, FW_ECORRUPT, NULL, "the signing key of %s is damaged", subject);
    if (found == -2)
        return fw__error_nomem(err);
    if (found) {
        rc = fw__vault_open(ctx, subject, "fw_contract_key", "seed", party, sealed, SEED_SEALED_LEN, &plain, err);
        free(sealed);
        if (rc != FW_OK)
            return rc;
        crypto_sign_seed_keypair(pk, sk, (const unsigned char *)plain);
        sodium_memzero(plain, 32);
        free(plain);
        if (sodium_memcmp(pk, stored_pk, 32) != 0)
            return fw__error_set(err, FW_ECORRUPT, NULL, "the signing key of %s does not match its public key", subject);
        return FW_OK;
    }
    randombytes_buf(seed, sizeof(seed));
    crypto_sign_seed_keypair(pk, sk, seed);
    rc = fw__vault_seal(ctx, subject, "fw_contract_key", "seed", party, (const char *)seed, sizeof(seed), &sealed, &n,
                        err);
    sodium_memzero(seed, sizeof(seed));
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_key(subject, public_key, seed, created_ms) VALUES (?,?,?,?)",
                         "tbbi", subject, (const void *)pk, (size_t)32, (const void *)sealed, n, fw_ctx_now(ctx));
    free(sealed);
    sodium_bin2hex(hex, sizeof(hex), pk, 32);
    if (rc == FW_OK) {
        char detail[200];
        snprintf(detail, sizeof(detail), "{\"subject\":\"%s\",\"public_key\":\"%s\"}", subject, hex);
        rc = fw__audit_append(ctx, "contract.key_issue", "contract_key", party, detail, strlen(detail), err);
    }
    return rc;
}

/* The canonical signing text (see the top of this file). */
static int signing_text(char *buf, size_t size, fw_id contract, const unsigned char hash[32], int64_t seq,
                        const char *signer, const unsigned char pk[32], int64_t signed_ms, const char *intent,
                        const char *consent, const char *prev)
{
    char h[65], p[65];
    int n;
    sodium_bin2hex(h, sizeof(h), hash, 32);
    sodium_bin2hex(p, sizeof(p), pk, 32);
    n = snprintf(buf, size, "flexwork-signature-v1\ncontract:%lld\ndocument_sha256:%s\nseq:%lld\nsigner:%s\n"
                 "public_key:%s\nsigned_ms:%lld\nintent:%s\nconsent_sha256:%s\nprev_sha256:%s\n",
                 (long long)contract, h, (long long)seq, signer, p, (long long)signed_ms, intent,
                 consent ? consent : "-", prev ? prev : "-");
    return n > 0 && (size_t)n < size ? n : -1;
}

/* Who the actor signs as: SIGNER_* and party id; -1 when the role does not sign. */
static int actor_signer(const fw_ctx *ctx, fw_id *party)
{
    *party = ctx->party_id;
    switch (ctx->role) {
    case FW_ROLE_WORKER:
        return FW__SIGNER_WORKER;
    case FW_ROLE_ENTERPRISE_USER:
        return FW__SIGNER_ENTERPRISE;
    case FW_ROLE_ADMIN:
    case FW_ROLE_OPERATOR:
        *party = 0;
        return FW__SIGNER_PLATFORM;
    default:
        return -1;
    }
}

struct evidence {
    const char *intent, *consent, *auth, *ip, *agent, *session;
};

static int parse_evidence(const char *json, size_t len, cJSON **root, struct evidence *ev, fw_error **err)
{
    static const char *const fields[] = { "intent", "consent_sha256", "auth_method", "ip", "user_agent",
                                          "session_id", NULL };
    static const char *const methods[] = { "password", "sms_code", "face", "in_person", "ukey", NULL };
    int m = -1, rc;

    memset(ev, 0, sizeof(*ev));
    ev->intent = DEFAULT_INTENT;
    *root = NULL;
    if (!json)
        return FW_OK;
    if ((rc = fw__json_parse(root, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(*root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "intent", FW__OPTIONAL, 1, 200, &ev->intent, err)) == FW_OK &&
        (rc = fw__json_hex(*root, "$", "consent_sha256", FW__OPTIONAL, 32, &ev->consent, err)) == FW_OK &&
        (rc = fw__json_enum(*root, "$", "auth_method", FW__OPTIONAL, methods, &m, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "ip", FW__OPTIONAL, 2, 45, &ev->ip, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "user_agent", FW__OPTIONAL, 1, 500, &ev->agent, err)) == FW_OK)
        rc = fw__json_str(*root, "$", "session_id", FW__OPTIONAL, 1, 128, &ev->session, err);
    if (rc == FW_OK && m >= 0)
        ev->auth = methods[m];
    if (rc == FW_OK && strchr(ev->intent, '\n'))
        rc = fw__error_set(err, FW_EINVAL, "$.intent", "must be one line");
    return rc;
}

/* Party checks at signing time (R-7.2, cn-rules §6: age at signing). */
static int signer_ready(fw_ctx *ctx, const struct fw__contract_row *r, int kind, fw_id party, int *minor, fw_error **err)
{
    int rc = FW_OK, y, m, d, by = 0, bm = 0, bd = 0, age;

    *minor = 0;
    if (kind == FW__SIGNER_ENTERPRISE)
        return r->kind == FW_CONTRACT_COOPERATION ? fw__party_require_verified_enterprise(ctx, party, err)
                                                  : fw__party_require_active_enterprise(ctx, party, err);
    if (kind != FW__SIGNER_WORKER)
        return FW_OK;
    rc = fw__party_require_verified_worker(ctx, party, err);
    if (rc == FW_OK)
        rc = fw__party_worker_birth_date(ctx, party, &by, &bm, &bd, err);
    if (rc != FW_OK)
        return rc;
    fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
    age = fw__age_years(by, bm, bd, y, m, d);
    if (age < 16)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "WORKER_UNDER_16: worker %lld is %d years old at signing; workers must be at least 16",
                             (long long)party, age);
    *minor = age < 18;
    return FW_OK;
}

/* The SHA-256 (hex) of the last signature of the contract, or "" when none. */
static int last_signature(fw_ctx *ctx, fw_id id, int64_t *count, char prev[65], fw_error **err)
{
    fw__stmt *s;
    unsigned char h[32];
    int rc = fw__db_query(ctx, &s, err, "SELECT seq, signature FROM fw_contract_signature WHERE contract_id=? "
                          "ORDER BY seq DESC LIMIT 1", "i", id);
    prev[0] = '\0';
    *count = 0;
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *count = fw__db_col_i64(s, 0);
        crypto_hash_sha256(h, fw__db_col_blob(s, 1), fw__db_col_bytes(s, 1));
        sodium_bin2hex(prev, 65, h, sizeof(h));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc;
}

/* The contract is in force: supersede the earlier one, tell the party module. */
static int took_effect(fw_ctx *ctx, fw_id id, const struct fw__contract_row *r, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET effective_ms=? WHERE id=?", "ii", fw_ctx_now(ctx), id);
    if (rc == FW_OK && r->supersedes) {
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET state=7, superseded_by=?, ended_ms=? WHERE id=? AND state=4",
                         "iii", id, fw_ctx_now(ctx), r->supersedes);
        if (rc == FW_OK)
            rc = fw__contract_audit(ctx, err, "contract.supersede", r->supersedes, "{\"superseded_by\":%lld}", (long long)id);
    }
    if (rc == FW_OK && r->kind == FW_CONTRACT_COOPERATION)
        rc = fw__party_enterprise_agreement(ctx, r->ent, 1, err);
    if (rc == FW_OK && r->kind == FW_CONTRACT_SERVICE)
        rc = fw__party_worker_agreement(ctx, r->worker, r->ent, err);
    return rc;
}

int fw_contract_sign(fw_ctx *ctx, fw_id contract_id, const char *json, size_t json_len, uint32_t *out_state,
                     fw_error **err)
{
    cJSON *root = NULL;
    struct evidence ev;
    struct fw__contract_row r;
    fw__stmt *s;
    unsigned char pk[32], sig[64], *sk = NULL;
    char text[1024], prev[65], signer[48], actor[160];
    int64_t count = 0, total = 0, next_seq = 0, next_kind = -1, next_party = 0, now;
    fw_id party = 0;
    uint32_t to = 0;
    int kind, minor = 0, n, rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.sign", err)) != FW_OK)
        return rc;
    kind = actor_signer(ctx, &party);
    if (kind < 0)
        return fw__error_set(err, FW_EPERM, NULL, "contract.sign: the role %s does not sign contracts",
                             fw__role_name(ctx->role));
    if ((rc = parse_evidence(json, json_len, &root, &ev, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    if (!(sk = sodium_malloc(crypto_sign_SECRETKEYBYTES))) {
        cJSON_Delete(root);
        return fw__error_nomem(err);
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        sodium_free(sk);
        cJSON_Delete(root);
        return rc;
    }
    now = fw_ctx_now(ctx);
    fw__contract_signer(kind, party, signer, sizeof(signer));
    rc = fw__contract_read_row(ctx, contract_id, &r, err);
    if (rc == FW_OK) {
        int64_t mine = 0;
        fw__db_i64(ctx, &mine, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=? AND party_kind=? "
                   "AND party_id=?", "iii", contract_id, (int64_t)kind, party);
        if (!mine)
            rc = fw__error_set(err, FW_EPERM, NULL, "contract.sign: %s is not a party to contract %lld", signer,
                               (long long)contract_id);
    }
    if (rc == FW_OK && r.state != FW_CONTRACT_SENT && r.state != FW_CONTRACT_PARTIALLY_SIGNED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld is %s; only a sent contract is signed",
                           (long long)contract_id, fw__contract_state_name(r.state));
    if (rc == FW_OK && r.expires && now >= r.expires)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld has expired; it can no longer be signed",
                           (long long)contract_id);
    if (rc == FW_OK)
        rc = last_signature(ctx, contract_id, &count, prev, err);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &total, err, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=?", "i", contract_id);
    if (rc == FW_OK) {
        rc = fw__db_query(ctx, &s, err, "SELECT seq, party_kind, party_id FROM fw_contract_signer WHERE contract_id=? "
                          "AND seq=?", "ii", contract_id, count + 1);
        if (rc == FW_OK && fw__db_step(s, NULL) == FW__ROW) {
            next_seq = fw__db_col_i64(s, 0);
            next_kind = fw__db_col_i64(s, 1);
            next_party = fw__db_col_i64(s, 2);
        }
        fw__db_done(s);
    }
    if (rc == FW_OK && (next_kind != kind || next_party != party)) {
        char who[48];
        int64_t done = 0;
        fw__db_i64(ctx, &done, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=? AND party_kind=? "
                   "AND party_id=? AND seq<=?", "iiii", contract_id, (int64_t)kind, party, count);
        fw__contract_signer((int)next_kind, next_party, who, sizeof(who));
        rc = done ? fw__error_set(err, FW_ESTATE, NULL, "%s has already signed contract %lld", signer,
                                  (long long)contract_id)
                  : fw__error_set(err, FW_ESTATE, NULL, "contract %lld waits for the signature of %s first",
                                  (long long)contract_id, who);
    }
    if (rc == FW_OK)
        rc = signer_ready(ctx, &r, kind, party, &minor, err);
    if (rc == FW_OK)
        rc = signing_key(ctx, kind, party, pk, sk, err);
    if (rc == FW_OK) {
        n = signing_text(text, sizeof(text), contract_id, r.hash, next_seq, signer, pk, now, ev.intent, ev.consent,
                         prev[0] ? prev : NULL);
        if (n < 0)
            rc = fw__error_set(err, FW_EINVAL, "$", "the signing evidence is too long");
        else
            crypto_sign_detached(sig, NULL, (const unsigned char *)text, (unsigned long long)n, sk);
    }
    if (rc == FW_OK) {
        snprintf(actor, sizeof(actor), "%s:%.100s", fw__role_name(ctx->role), ctx->actor_name ? ctx->actor_name : "");
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signature(contract_id, seq, signer, public_key, signature, "
                         "signed_ms, intent, consent_sha256, prev_sha256, auth_method, ip, user_agent, session_id, actor, "
                         "minor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "iitbbi" "tttttttt" "i",
                         contract_id, next_seq, signer, (const void *)pk, (size_t)32, (const void *)sig, (size_t)64, now,
                         ev.intent, ev.consent, prev[0] ? prev : NULL, ev.auth, ev.ip, ev.agent, ev.session, actor,
                         (int64_t)minor);
    }
    if (rc == FW_OK)
        rc = fw__contract_audit(ctx, err, "contract.sign", contract_id, "{\"seq\":%lld,\"signer\":\"%s\",\"minor\":%s}",
                   (long long)next_seq, signer, minor ? "true" : "false");
    if (rc == FW_OK) {
        to = next_seq == total ? FW_CONTRACT_SIGNED : FW_CONTRACT_PARTIALLY_SIGNED;
        if (to != r.state)
            rc = fw__contract_set_state(ctx, contract_id, r.state, to, "contract.state", err);
    }
    if (rc == FW_OK && to == FW_CONTRACT_SIGNED)
        rc = took_effect(ctx, contract_id, &r, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
    sodium_free(sk);
    cJSON_Delete(root);
    return rc;
}

/* ---- verification ----------------------------------------------------------------------- */

int fw_contract_verify(fw_ctx *ctx, fw_id contract_id, char **out_report, size_t *out_len, fw_error **err)
{
    cJSON *rep, *sigs, *o;
    struct fw__contract_row r;
    fw__stmt *s;
    char *doc = NULL, text[1024], first[300] = "", who[48], platform_hex[65];
    unsigned char h[32], prev[32], plat_pk[32], *plat_sk = NULL;
    size_t len = 0;
    int64_t expect = 1, total = 0;
    int rc, bad_doc = 0, bad_sig = 0, have_prev = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.verify", err)) != FW_OK)
        return rc;
    if ((rc = fw__contract_read_row(ctx, contract_id, &r, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "contract.verify", r.ent, r.worker, err)) != FW_OK)
        return rc;
    plat_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (!plat_sk)
        return fw__error_nomem(err);
    crypto_sign_seed_keypair(plat_pk, plat_sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    sodium_free(plat_sk);
    sodium_bin2hex(platform_hex, sizeof(platform_hex), plat_pk, 32);

    rep = cJSON_CreateObject();
    fw__json_add_i64(rep, "contract_id", contract_id);
    rc = fw__contract_read_document(ctx, contract_id, r.worker, &doc, &len, NULL);
    if (rc == FW_ESHREDDED) {
        cJSON_AddStringToObject(rep, "document", "erased");
    } else if (rc == FW_OK) {
        crypto_hash_sha256(h, (const unsigned char *)doc, len);
        bad_doc = sodium_memcmp(h, r.hash, 32) != 0;
        cJSON_AddStringToObject(rep, "document", bad_doc ? "altered" : "ok");
    } else {
        bad_doc = 1;       /* a sealed document that no longer opens was altered in place */
        cJSON_AddStringToObject(rep, "document", "altered");
    }
    if (doc) {
        sodium_memzero(doc, len);
        free(doc);
    }
    if (bad_doc)
        snprintf(first, sizeof(first), "contract %lld: the stored document does not match its SHA-256",
                 (long long)contract_id);

    sigs = cJSON_AddArrayToObject(rep, "signatures");
    fw__db_i64(ctx, &total, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=?", "i", contract_id);
    rc = fw__db_query(ctx, &s, err, "SELECT seq, signer, public_key, signature, signed_ms, intent, consent_sha256, "
                      "prev_sha256 FROM fw_contract_signature WHERE contract_id=? ORDER BY seq", "i", contract_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *signer = fw__db_col_text(s, 1), *problem = NULL;
        const char *prev_txt = fw__db_col_text(s, 7);
        int64_t seq = fw__db_col_i64(s, 0), pkind = -1, pparty = 0;
        unsigned char pk[32], reg_pk[32];
        char prev_hex[65];
        int n;
        fw__stmt *q;

        rc = FW_OK;
        o = cJSON_CreateObject();
        fw__json_add_i64(o, "seq", seq);
        cJSON_AddStringToObject(o, "signer", signer);
        if (seq != expect || fw__db_col_bytes(s, 2) != 32 || fw__db_col_bytes(s, 3) != 64) {
            problem = "the record is malformed or out of sequence";
        } else {
            memcpy(pk, fw__db_col_blob(s, 2), 32);
            /* the signer must be the party at that position, with its registered key */
            if (fw__db_query(ctx, &q, NULL, "SELECT party_kind, party_id FROM fw_contract_signer WHERE contract_id=? "
                             "AND seq=?", "ii", contract_id, seq) == FW_OK && fw__db_step(q, NULL) == FW__ROW) {
                pkind = fw__db_col_i64(q, 0);
                pparty = fw__db_col_i64(q, 1);
            }
            fw__db_done(q);
            fw__contract_signer((int)pkind, pparty, who, sizeof(who));
            if (pkind < 0 || strcmp(who, signer) != 0) {
                problem = "the signer is not the party at this position";
            } else if (pkind == FW__SIGNER_PLATFORM) {
                if (sodium_memcmp(pk, plat_pk, 32) != 0)
                    problem = "the public key is not the platform's";
            } else {
                int found = 0;
                if (fw__db_query(ctx, &q, NULL, "SELECT public_key FROM fw_contract_key WHERE subject=?", "t", who) ==
                        FW_OK && fw__db_step(q, NULL) == FW__ROW && fw__db_col_bytes(q, 0) == 32) {
                    memcpy(reg_pk, fw__db_col_blob(q, 0), 32);
                    found = 1;
                }
                fw__db_done(q);
                if (!found || sodium_memcmp(pk, reg_pk, 32) != 0)
                    problem = "the public key is not the one issued to the signer";
            }
            if (!problem) {
                if (have_prev)
                    sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, 32);
                if (have_prev ? !prev_txt || strcmp(prev_txt, prev_hex) != 0 : prev_txt != NULL)
                    problem = "the chain to the previous signature is broken";
            }
            if (!problem) {
                n = signing_text(text, sizeof(text), contract_id, r.hash, seq, signer, pk, fw__db_col_i64(s, 4),
                                 fw__db_col_text(s, 5), fw__db_col_text(s, 6), prev_txt);
                if (n < 0 || crypto_sign_verify_detached(fw__db_col_blob(s, 3), (const unsigned char *)text,
                                                         (unsigned long long)n, pk) != 0)
                    problem = "the Ed25519 signature does not verify over the document hash and signing record";
            }
            crypto_hash_sha256(prev, fw__db_col_blob(s, 3), fw__db_col_bytes(s, 3));
            have_prev = 1;
        }
        cJSON_AddBoolToObject(o, "ok", problem == NULL);
        if (problem) {
            cJSON_AddStringToObject(o, "problem", problem);
            if (!bad_sig && !bad_doc)
                snprintf(first, sizeof(first), "contract %lld: signature %lld (%s): %s", (long long)contract_id,
                         (long long)seq, signer, problem);
            bad_sig = 1;
        }
        cJSON_AddItemToArray(sigs, o);
        expect++;
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = FW_OK;
    if (rc == FW_OK && r.state == FW_CONTRACT_SIGNED && expect - 1 != total && !bad_sig) {
        bad_sig = 1;
        if (!bad_doc)
            snprintf(first, sizeof(first), "contract %lld: signed, but %lld of %lld signatures are present",
                     (long long)contract_id, (long long)(expect - 1), (long long)total);
    }
    cJSON_AddStringToObject(rep, "platform_public_key", platform_hex);
    cJSON_AddBoolToObject(rep, "valid", !bad_doc && !bad_sig);
    if (rc != FW_OK) {
        cJSON_Delete(rep);
        return rc;
    }
    if (out_report)
        rc = fw__json_out(rep, out_report, out_len, err);
    else
        cJSON_Delete(rep);
    if (rc != FW_OK)
        return rc;
    if (bad_doc)
        return fw__error_set(err, FW_ECORRUPT, NULL, "%s", first);
    if (bad_sig)
        return fw__error_set(err, FW_EAUTH, NULL, "%s", first);
    return FW_OK;
}
