/*
 * Automatic filing: the archive sits above every module, so it pulls the documents
 * they hold for a party into the party's archive — a pull rather than a hook, so that no lower
 * module ever calls up. Each document is filed once: one whose content (BLAKE2b-256) is already
 * in the party's archive, in any state, is not filed again.
 *
 *   enterprise: its verification record; its cooperation agreements (text and signatures)
 *   worker:     its verification record; its service agreements and tax-agency authorisations;
 *               its tax certificates
 *
 * Service agreements name the worker, so they go only into the worker's archive, sealed under
 * the worker's vault key: erasing the worker erases them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <flexwork/contract.h>
#include <flexwork/tax.h>

#include "archive/archive.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "party/party.h"

#define MAX_IDS 4096

struct collect {
    const char *kind;
    fw_id party;
    int64_t filed;
};

/* Files content unless the party's archive already holds it. */
static int file_once(fw_ctx *ctx, struct collect *c, const char *category, const char *title, const char *source,
                     const char *retention, int personal, const char *ref, const void *content, size_t len,
                     fw_error **err)
{
    unsigned char hash[32];
    int64_t n = 0;
    fw_id id = 0;
    cJSON *o;
    char *json;
    int rc;

    crypto_generichash(hash, sizeof(hash), content, len, NULL, 0);
    rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_archive_doc d JOIN fw_archive_archive a ON "
                    "a.id = d.archive_id WHERE a.party_kind=? AND a.party_id=? AND d.hash=?", "tib", c->kind,
                    c->party, (const void *)hash, sizeof(hash));
    if (rc != FW_OK || n > 0)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    cJSON_AddStringToObject(o, "party_kind", c->kind);
    fw__json_add_i64(o, "party_id", c->party);
    cJSON_AddStringToObject(o, "category", category);
    cJSON_AddStringToObject(o, "title", title);
    cJSON_AddStringToObject(o, "source", source);
    cJSON_AddStringToObject(o, "retention", retention);
    cJSON_AddBoolToObject(o, "personal", personal);
    cJSON_AddStringToObject(o, "external_ref", ref);
    json = fw__json_print(o);
    cJSON_Delete(o);
    if (!json)
        return fw__error_nomem(err);
    rc = fw_archive_file(ctx, json, strlen(json), content, len, &id, err);
    free(json);
    if (rc == FW_OK)
        c->filed++;
    return rc;
}

/* Up to MAX_IDS ids from a one-parameter query. */
static int ids_of(fw_ctx *ctx, const char *sql, fw_id party, fw_id *ids, size_t *n, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, sql, "i", party);

    *n = 0;
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        rc = FW_OK;
        if (*n < MAX_IDS)
            ids[(*n)++] = fw__db_col_i64(s, 0);
    }
    fw__db_done(s);
    return rc == FW__DONE ? FW_OK : rc;
}

static const char *const contract_kinds[] = { "", "cooperation agreement", "service agreement",
                                              "tax-agency authorisation" };

/* A signed contract: its document and the signatures' evidence, which never change once signed. */
static int file_contract(fw_ctx *ctx, struct collect *c, fw_id id, fw_error **err)
{
    fw_contract *k = NULL;
    cJSON *rec = NULL, *o = NULL, *item;
    const char *doc = NULL;
    char *json = NULL, *text = NULL, title[96], ref[40];
    size_t len = 0;
    uint32_t kind;
    int rc = fw_contract_load(&k, ctx, id, err);

    if (rc != FW_OK)
        return rc;
    fw_contract_document(k, &doc, &len);
    kind = fw_contract_kind(k);
    if (!doc) {                 /* erased with the worker's personal data */
        fw_contract_free(k);
        return FW_OK;
    }
    rc = fw_contract_to_json(k, &json, NULL, err);
    if (rc == FW_OK && (!(rec = cJSON_Parse(json)) || !(o = cJSON_CreateObject())))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        static const char *const keep[] = { "id", "kind", "template_id", "enterprise_id", "worker_id",
                                            "document_sha256", "signers", "signatures", NULL };
        int i;
        cJSON_AddStringToObject(o, "format", "flexwork-signed-contract");
        fw__json_add_i64(o, "version", 1);
        for (i = 0; keep[i]; i++)
            if ((item = cJSON_GetObjectItemCaseSensitive(rec, keep[i])))
                cJSON_AddItemToObject(o, keep[i], cJSON_Duplicate(item, 1));
        cJSON_AddStringToObject(o, "document", doc);
        if (!(text = fw__json_print(o)))
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK) {
        snprintf(title, sizeof(title), "%s %lld (signed)", kind <= 3 ? contract_kinds[kind] : "contract",
                 (long long)id);
        snprintf(ref, sizeof(ref), "contract:%lld", (long long)id);
        rc = file_once(ctx, c, "contract", title, "contract", "labour_contract", kind != FW_CONTRACT_COOPERATION, ref,
                       text, strlen(text), err);
    }
    free(text);
    cJSON_Delete(o);
    cJSON_Delete(rec);
    fw_free(json);
    fw_contract_free(k);
    return rc;
}

static int file_tax_certificate(fw_ctx *ctx, struct collect *c, fw_id id, fw_error **err)
{
    uint8_t *doc = NULL;
    size_t len = 0;
    char title[64], ref[40];
    int rc = fw_tax_certificate_download(ctx, id, &doc, &len, err);

    if (rc == FW_OK) {
        snprintf(title, sizeof(title), "tax certificate %lld", (long long)id);
        snprintf(ref, sizeof(ref), "tax_certificate:%lld", (long long)id);
        rc = file_once(ctx, c, "tax_certificate", title, "tax", "tax_record", 1, ref, doc, len, err);
    }
    fw_free(doc);
    return rc;
}

int fw_archive_collect(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_error **err)
{
    struct collect c;
    fw_id *ids = NULL;
    size_t n = 0, i;
    char *text = NULL, title[80], detail[160];
    int worker, rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!party_kind || (strcmp(party_kind, "enterprise") != 0 && strcmp(party_kind, "worker") != 0))
        return fw__error_set(err, FW_EINVAL, "party_kind", "must be \"enterprise\" or \"worker\", got \"%.32s\"",
                             party_kind ? party_kind : "(null)");
    if (party_id <= 0)
        return fw__error_set(err, FW_EINVAL, "party_id", "must be a positive id, got %lld", (long long)party_id);
    if ((rc = fw__authz_require(ctx, "archive.collect", err)) != FW_OK)
        return rc;
    worker = strcmp(party_kind, "worker") == 0;
    c.kind = worker ? "worker" : "enterprise";
    c.party = party_id;
    c.filed = 0;
    if (!(ids = malloc(MAX_IDS * sizeof(*ids))))
        return fw__error_nomem(err);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        free(ids);
        return rc;
    }
    rc = fw__party_verification_record(ctx, worker, party_id, &text, err);
    if (rc == FW_OK && text) {
        snprintf(title, sizeof(title), "%s verification of %s %lld", worker ? "real-name" : "registration",
                 c.kind, (long long)party_id);
        rc = file_once(ctx, &c, "verification", title, "party", "general", worker, "verification", text,
                       strlen(text), err);
    }
    free(text);
    /* contracts that were signed, in force or ended since */
    if (rc == FW_OK)
        rc = ids_of(ctx, worker ? "SELECT id FROM fw_contract WHERE worker_id=? AND state IN (4,5,6,7) ORDER BY id"
                                : "SELECT id FROM fw_contract WHERE enterprise_id=? AND kind=1 AND state IN (4,5,6,7) "
                                  "ORDER BY id", party_id, ids, &n, err);
    for (i = 0; rc == FW_OK && i < n; i++)
        rc = file_contract(ctx, &c, ids[i], err);
    if (rc == FW_OK && worker)
        rc = ids_of(ctx, "SELECT id FROM fw_tax_certificate WHERE worker_id=? ORDER BY id", party_id, ids, &n, err);
    for (i = 0; rc == FW_OK && worker && i < n; i++)
        rc = file_tax_certificate(ctx, &c, ids[i], err);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"party_kind\":\"%s\",\"party_id\":%lld,\"filed\":%lld}", c.kind,
                 (long long)party_id, (long long)c.filed);
        rc = fw__audit_append(ctx, "archive.collect", "archive", 0, detail, strlen(detail), err);
    }
    rc = fw__tx_end(ctx, rc, err);
    free(ids);
    return rc;
}
