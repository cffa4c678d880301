/* Shared between the insurance module's own files. */
#ifndef FW_INSURANCE_INTERNAL_H
#define FW_INSURANCE_INTERNAL_H

#include <cjson/cJSON.h>
#include <flexwork/common.h>

extern const char *const fw__insurance_types[];
extern const char *const fw__insurance_rules[];

struct fw__insurance_product {
    fw_id id;
    int64_t coverage_fen, premium_fen, min_age, max_age, max_risk, state;
    char code[132], name[808], type[24], insurer[808], coverage[4008], rule[20], payer[16];
    cJSON *categories, *regions;     /* owned: free with fw__insurance_product_clear() */
};

int fw__insurance_product_load(fw_ctx *ctx, fw_id id, struct fw__insurance_product *p, fw_error **err);
void fw__insurance_product_clear(struct fw__insurance_product *p);
/* 1 when the JSON array of strings holds s. */
int fw__insurance_list_has(const cJSON *arr, const char *s);

#endif
