/* Archive step: file a worker's contract, arrange it, read it with a purpose, collect
 * what the other modules hold for the worker (signed contracts, tax certificates, verification),
 * export the worker's archive as a signed tar bundle and verify it offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

/* How many times s occurs in text. */
static int occurrences(const char *text, const char *s)
{
    int n = 0;
    while (text && (text = strstr(text, s)) != NULL) {
        n++;
        text += strlen(s);
    }
    return n;
}

int demo_archive(struct demo *d)
{
    const char *text = "Service contract between enterprise and worker: delivery of documents, 30 days.";
    fw_id worker = d->worker_id ? d->worker_id : 1, doc = 0;
    char filing[400], dir[] = "/tmp/fwk-archive-XXXXXX", bundle[64], *log = NULL;
    uint8_t *content = NULL, pk[32];
    size_t len = 0;
    fw_error *err = NULL;
    int rc;

    snprintf(filing, sizeof(filing), "{\"party_kind\":\"worker\",\"party_id\":%lld,\"category\":\"contract\","
             "\"title\":\"service contract\",\"source\":\"demo\",\"retention\":\"labour_contract\"}", (long long)worker);
    rc = fw_ctx_set_actor(d->ctx, FW_ROLE_ADMIN, 0, "demo-archivist", &err);
    if (rc == FW_OK)
        rc = fw_archive_file(d->ctx, filing, strlen(filing), (const uint8_t *)text, strlen(text), &doc, &err);
    if (rc == FW_OK)
        rc = fw_archive_arrange(d->ctx, doc, NULL, 0, &err);
    if (rc == FW_OK)
        printf("  filed document %lld in the archive of worker %lld (retention: labour_contract)\n",
               (long long)doc, (long long)worker);
    if (rc == FW_OK && d->worker_id) {
        char *list = NULL;
        rc = fw_archive_collect(d->ctx, "worker", worker, &err);
        if (rc == FW_OK)
            rc = fw_archive_collect(d->ctx, "worker", worker, &err);     /* again: nothing new */
        if (rc == FW_OK)
            rc = fw_archive_list(d->ctx, "worker", worker, &list, NULL, &err);
        if (rc == FW_OK)
            printf("  collected from the other modules, once: %d signed contract(s), %d tax certificate(s), "
                   "%d verification record(s)\n", occurrences(list, "\"external_ref\":\"contract:"),
                   occurrences(list, "\"external_ref\":\"tax_certificate:"),
                   occurrences(list, "\"external_ref\":\"verification\""));
        fw_free(list);
    }
    if (rc == FW_OK)
        rc = fw_archive_read(d->ctx, doc, "demo: check the contract's term", &content, &len, &err);
    if (rc == FW_OK)
        rc = fw_archive_access_log(d->ctx, doc, &log, NULL, &err);
    if (rc == FW_OK)
        printf("  read %zu bytes; read log: %s\n", len, log);
    if (rc == FW_OK && !mkdtemp(dir)) {
        fprintf(stderr, "  cannot create a temporary directory\n");
        rc = FW_EIO;
    }
    if (rc == FW_OK) {
        snprintf(bundle, sizeof(bundle), "%s/worker.tar", dir);
        rc = fw_archive_export(d->ctx, "worker", worker, bundle, FW_ARCHIVE_BUNDLE_TAR, "demo: hand-over", &err);
        if (rc == FW_OK)
            rc = fw_audit_public_key(d->ctx, pk, &err);
        if (rc == FW_OK)
            rc = fw_archive_verify_bundle(bundle, pk, NULL, NULL, &err);
        if (rc == FW_OK)
            printf("  exported the archive as a signed ustar bundle; it verifies offline\n");
        unlink(bundle);
        rmdir(dir);
    }
    fw_free(content);
    fw_free(log);
    return rc == FW_OK ? 0 : fwk_fail("archive", rc, err);
}
