/*
 * Fuzz target for the JSON entry points: fw__json_parse (limits, strict records, getters) and
 * fw_audit_verify_export (an untrusted exported log). Built two ways:
 *   - with -Dfuzzing=true and clang, as a libFuzzer target (LLVMFuzzerTestOneInput);
 *   - always, as a plain program that replays a corpus directory, and for each file also its
 *     prefixes and single-byte mutations, so every corpus entry is a regression test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flexwork.h>

#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_record(const cJSON *root)
{
    static const char *const fields[] = { "name", "amount_fen", "kind", "on", "hash", "items",
                                          "flag", "sub", NULL };
    static const char *const kinds[] = { "a", "b", NULL };
    const cJSON *items = NULL, *sub = NULL, *it;
    const char *s = NULL;
    int64_t v = 0;
    int b = 0, k = 0;
    size_t i = 0;

    fw__json_only(root, "$", fields, NULL);
    fw__json_str(root, "$", "name", FW__OPTIONAL, 0, 64, &s, NULL);
    fw__json_i64(root, "$", "amount_fen", FW__OPTIONAL, INT64_MIN, INT64_MAX, &v, NULL);
    fw__json_enum(root, "$", "kind", FW__OPTIONAL, kinds, &k, NULL);
    fw__json_date(root, "$", "on", FW__OPTIONAL, &v, NULL);
    fw__json_hex(root, "$", "hash", FW__OPTIONAL, 32, &s, NULL);
    fw__json_bool(root, "$", "flag", FW__OPTIONAL, &b, NULL);
    fw__json_obj(root, "$", "sub", FW__OPTIONAL, &sub, NULL);
    if (fw__json_arr(root, "$", "items", FW__OPTIONAL, 1000, &items, NULL) == FW_OK && items) {
        cJSON_ArrayForEach(it, items) {
            char path[64];
            fw__json_path_index(path, sizeof(path), "$.items", i++);
            if (cJSON_IsObject(it))
                fw__json_i64(it, path, "amount_fen", FW__REQUIRED, 0, 100, &v, NULL);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = NULL;
    fw_error *err = NULL;
    int64_t bad = 0;

    if (fw__json_parse(&root, (const char *)data, size, &err) == FW_OK) {
        exercise_record(root);
        cJSON_Delete(root);
    }
    fw_error_free(err);
    err = NULL;
    if (fw__json_parse_any(&root, (const char *)data, size, NULL) == FW_OK)
        cJSON_Delete(root);
    fw_audit_verify_export((const char *)data, size, NULL, &bad, &err);
    fw_error_free(err);
    return 0;
}

#ifndef FW_LIBFUZZER
static unsigned long run(const unsigned char *buf, size_t n)
{
    static const unsigned char swaps[] = { 0, '"', '{', '}', '[', ']', ',', ':', '\\', '9', 0xff };
    unsigned char *copy = malloc(n ? n : 1);
    unsigned long runs = 0;
    size_t i, j;

    /* The entry itself, then every prefix and single-byte substitutions (bounded). */
    LLVMFuzzerTestOneInput(buf, n);
    runs++;
    for (i = 0; i < n && i < 2048; i++, runs++)
        LLVMFuzzerTestOneInput(buf, i);
    memcpy(copy, buf, n);
    for (i = 0; i < n && i < 512; i++) {
        for (j = 0; j < sizeof(swaps); j++, runs++) {
            copy[i] = swaps[j];
            LLVMFuzzerTestOneInput(copy, n);
        }
        copy[i] = buf[i];
    }
    free(copy);
    return runs;
}

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *e;
    unsigned long files = 0, runs = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    if (!(dir = opendir(argv[1]))) {
        perror(argv[1]);
        return 2;
    }
    fw_init();
    while ((e = readdir(dir))) {
        char path[4096];
        FILE *f;
        unsigned char *buf;
        long n;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        if (!(f = fopen(path, "rb")))
            continue;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            runs += run(buf, (size_t)n);
            files++;
        }
        free(buf);
        fclose(f);
    }
    closedir(dir);
    fw_shutdown();
    printf("replayed %lu corpus files, %lu inputs\n", files, runs);
    return files > 0 ? 0 : 1;
}
#endif
