/*
 * Insurance products, the recommendation matched to a worker and enrolment
 * (R-3.3.i). Occupational injury protection follows cn-rules.md §4.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "insurance/insurance.h"
#include "insurance/internal.h"

const char *const fw__insurance_types[] = { "accident", "employer_liability", "occupational_injury", NULL };
const char *const fw__insurance_rules[] = { "per_order", "per_day", "per_person_month", NULL };
static const char *const payers[] = { "platform", "enterprise", "worker", NULL };

/* 人社部发〔2025〕24号 national per-order base amounts (cn-rules.md §4). */
static const struct { const char *category; int64_t fen; } oip_base[] = {
    { "ride_hailing", 1 }, { "instant_delivery", 7 }, { "intra_city_freight", 18 },
};

int64_t fw__insurance_oip_base_fen(const char *category)
{
    size_t i;
    for (i = 0; category && i < sizeof(oip_base) / sizeof(oip_base[0]); i++)
        if (strcmp(oip_base[i].category, category) == 0)
            return oip_base[i].fen;
    return -1;
}

/* An array of 1..64-character strings (at most max items); an absent field leaves *out NULL. */
static int string_list(const cJSON *obj, const char *name, size_t max, size_t max_chars, const cJSON **out,
                       fw_error **err)
{
    const cJSON *arr = NULL, *c;
    char path[64];
    size_t i;
    int rc = fw__json_arr(obj, "$", name, FW__OPTIONAL, max, &arr, err);

    if (rc != FW_OK)
        return rc;
    for (i = 0, c = arr ? arr->child : NULL; c; c = c->next, i++) {
        snprintf(path, sizeof(path), "$.%s[%zu]", name, i);
        if (!cJSON_IsString(c) || !*c->valuestring || strlen(c->valuestring) > max_chars)
            return fw__error_set(err, FW_EINVAL, path, "must be a non-empty string of at most %zu bytes", max_chars);
    }
    *out = arr;
    return FW_OK;
}

int fw__insurance_list_has(const cJSON *arr, const char *s)
{
    const cJSON *c;
    for (c = arr ? arr->child : NULL; c; c = c->next)
        if (cJSON_IsString(c) && strcmp(c->valuestring, s) == 0)
            return 1;
    return 0;
}

/* ---- products ------------------------------------------------------------------------- */

int fw_insurance_product_create(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "code", "name", "type", "insurer", "coverage", "coverage_fen",
                                          "premium_rule", "premium_fen", "payer", "min_age", "max_age",
                                          "max_risk_level", "categories", "regions", NULL };
    const char *code = NULL, *name = NULL, *insurer = NULL, *coverage = NULL;
    const cJSON *categories = NULL, *regions = NULL, *c;
    int type = 0, rule = 0, payer = 0, rc;
    int64_t coverage_fen = 0, premium = -1, min_age = 16, max_age = 65, max_risk = 5, exists = 0;
    char *cat_text = NULL, *reg_text = NULL, detail[200];
    fw_id id = 0;
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "insurance.product", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 200, &name, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "type", FW__REQUIRED, fw__insurance_types, &type, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "insurer", FW__REQUIRED, 1, 200, &insurer, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "coverage", FW__REQUIRED, 1, 1000, &coverage, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "coverage_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &coverage_fen, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "premium_rule", FW__REQUIRED, fw__insurance_rules, &rule, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "premium_fen", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &premium, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "payer", FW__REQUIRED, payers, &payer, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "min_age", FW__OPTIONAL, 16, 100, &min_age, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "max_age", FW__OPTIONAL, min_age, 100, &max_age, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "max_risk_level", FW__OPTIONAL, 1, 5, &max_risk, err);
    if (rc == FW_OK)
        rc = string_list(root, "categories", 50, 64, &categories, err);
    if (rc == FW_OK)
        rc = string_list(root, "regions", 200, 16, &regions, err);

    /* Occupational injury protection: per order, paid in full by the platform, in its sectors. */
    if (rc == FW_OK && type == 2) {
        size_t i = 0;
        if (rule != 0)
            rc = fw__error_set(err, FW_EINVAL, "$.premium_rule", "occupational injury protection is charged "
                               "per order (cn-rules.md §4), got \"%s\"", fw__insurance_rules[rule]);
        else if (payer != 0)
            rc = fw__error_set(err, FW_EINVAL, "$.payer", "occupational injury protection is paid in full by the "
                               "platform (cn-rules.md §4), got \"%s\"", payers[payer]);
        else if (!categories || !categories->child)
            rc = fw__error_set(err, FW_EINVAL, "$.categories", "occupational injury protection names its sectors: "
                               "\"ride_hailing\", \"instant_delivery\", \"intra_city_freight\"");
        for (c = categories ? categories->child : NULL; rc == FW_OK && c; c = c->next, i++)
            if (fw__insurance_oip_base_fen(c->valuestring) < 0) {
                char path[48];
                snprintf(path, sizeof(path), "$.categories[%zu]", i);
                rc = fw__error_set(err, FW_EINVAL, path, "occupational injury protection covers \"ride_hailing\", "
                                   "\"instant_delivery\" and \"intra_city_freight\", got \"%.64s\"", c->valuestring);
            }
        if (rc == FW_OK && premium < 0) {
            if (cJSON_GetArraySize(categories) == 1)
                premium = fw__insurance_oip_base_fen(categories->child->valuestring);
            else
                rc = fw__error_set(err, FW_EINVAL, "$.premium_fen", "is required when the product covers several "
                                   "sectors (national base amounts differ)");
        }
    }
    if (rc == FW_OK && premium < 0)
        rc = fw__error_set(err, FW_EINVAL, "$.premium_fen", "is required");
    if (rc == FW_OK) {
        cat_text = categories ? fw__json_print(categories) : strdup("[]");
        reg_text = regions ? fw__json_print(regions) : strdup("[]");
        if (!cat_text || !reg_text)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &exists, err, "SELECT count(*) FROM fw_insurance_product WHERE code=?", "t", code);
        if (rc == FW_OK && exists)
            rc = fw__error_set(err, FW_EEXISTS, "$.code", "a product with the code \"%s\" exists", code);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err,
                             "INSERT INTO fw_insurance_product(code, name, type, insurer, coverage, coverage_fen, "
                             "premium_rule, premium_fen, payer, min_age, max_age, max_risk_level, categories, regions, "
                             "state, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)", "tttttititiiitti",
                             code, name, fw__insurance_types[type], insurer, coverage, coverage_fen,
                             fw__insurance_rules[rule], premium, payers[payer], min_age, max_age, max_risk, cat_text,
                             reg_text, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(detail, sizeof(detail), "{\"code\":\"%s\",\"type\":\"%s\",\"premium_rule\":\"%s\","
                     "\"premium_fen\":%lld}", code, fw__insurance_types[type], fw__insurance_rules[rule],
                     (long long)premium);
            rc = fw__audit_append(ctx, "insurance.product_create", "insurance_product", id, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(cat_text);
    free(reg_text);
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

#define PRODUCT_COLUMNS "id, code, name, type, insurer, coverage, coverage_fen, premium_rule, premium_fen, payer, " \
                        "min_age, max_age, max_risk_level, categories, regions, state"

static void product_read(fw__stmt *s, struct fw__insurance_product *p)
{
    memset(p, 0, sizeof(*p));
    p->id = fw__db_col_i64(s, 0);
    snprintf(p->code, sizeof(p->code), "%s", fw__db_col_text(s, 1));
    snprintf(p->name, sizeof(p->name), "%s", fw__db_col_text(s, 2));
    snprintf(p->type, sizeof(p->type), "%s", fw__db_col_text(s, 3));
    snprintf(p->insurer, sizeof(p->insurer), "%s", fw__db_col_text(s, 4));
    snprintf(p->coverage, sizeof(p->coverage), "%s", fw__db_col_text(s, 5));
    p->coverage_fen = fw__db_col_i64(s, 6);
    snprintf(p->rule, sizeof(p->rule), "%s", fw__db_col_text(s, 7));
    p->premium_fen = fw__db_col_i64(s, 8);
    snprintf(p->payer, sizeof(p->payer), "%s", fw__db_col_text(s, 9));
    p->min_age = fw__db_col_i64(s, 10);
    p->max_age = fw__db_col_i64(s, 11);
    p->max_risk = fw__db_col_i64(s, 12);
    p->categories = cJSON_Parse(fw__db_col_text(s, 13));
    p->regions = cJSON_Parse(fw__db_col_text(s, 14));
    p->state = fw__db_col_i64(s, 15);
}

void fw__insurance_product_clear(struct fw__insurance_product *p)
{
    cJSON_Delete(p->categories);
    cJSON_Delete(p->regions);
    p->categories = p->regions = NULL;
}

int fw__insurance_product_load(fw_ctx *ctx, fw_id id, struct fw__insurance_product *p, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT " PRODUCT_COLUMNS " FROM fw_insurance_product WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        product_read(s, p);
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "product_id", "no insurance product %lld", (long long)id);
    if (rc == FW__ROW && (!p->categories || !p->regions)) {
        fw__insurance_product_clear(p);
        return fw__error_nomem(err);
    }
    return rc < 0 ? rc : FW_OK;
}

static cJSON *product_json(const struct fw__insurance_product *p)
{
    cJSON *o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", p->id);
    cJSON_AddStringToObject(o, "code", p->code);
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "type", p->type);
    cJSON_AddStringToObject(o, "insurer", p->insurer);
    cJSON_AddStringToObject(o, "coverage", p->coverage);
    fw__json_add_i64(o, "coverage_fen", p->coverage_fen);
    cJSON_AddStringToObject(o, "premium_rule", p->rule);
    fw__json_add_i64(o, "premium_fen", p->premium_fen);
    cJSON_AddStringToObject(o, "payer", p->payer);
    fw__json_add_i64(o, "min_age", p->min_age);
    fw__json_add_i64(o, "max_age", p->max_age);
    fw__json_add_i64(o, "max_risk_level", p->max_risk);
    cJSON_AddItemToObject(o, "categories", cJSON_Duplicate(p->categories, 1));
    cJSON_AddItemToObject(o, "regions", cJSON_Duplicate(p->regions, 1));
    cJSON_AddStringToObject(o, "state", p->state == 1 ? "active" : "retired");
    return o;
}

int fw_insurance_product_get(fw_ctx *ctx, fw_id id, char **out_json, size_t *out_len, fw_error **err)
{
    struct fw__insurance_product p;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "insurance.product_get", err)) != FW_OK)
        return rc;
    if ((rc = fw__insurance_product_load(ctx, id, &p, err)) != FW_OK)
        return rc;
    o = product_json(&p);
    fw__insurance_product_clear(&p);
    return fw__json_out(o, out_json, out_len, err);
}

/* Loads products (active only when active_only) into a malloc'd array. */
static int load_products(fw_ctx *ctx, int active_only, struct fw__insurance_product **out, size_t *n,
                         fw_error **err)
{
    struct fw__insurance_product *arr = NULL, *p;
    fw__stmt *s;
    size_t count = 0;
    int rc = active_only
             ? fw__db_query(ctx, &s, err, "SELECT " PRODUCT_COLUMNS " FROM fw_insurance_product WHERE state=1 "
                            "ORDER BY id", "")
             : fw__db_query(ctx, &s, err, "SELECT " PRODUCT_COLUMNS " FROM fw_insurance_product "
                            "ORDER BY state, id", "");
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (!(p = realloc(arr, (count + 1) * sizeof(*arr)))) {
            rc = fw__error_nomem(err);
            break;
        }
        arr = p;
        product_read(s, &arr[count++]);
        if (!arr[count - 1].categories || !arr[count - 1].regions) {
            rc = fw__error_nomem(err);
            break;
        }
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        while (count)
            fw__insurance_product_clear(&arr[--count]);
        free(arr);
        return rc;
    }
    *out = arr;
    *n = count;
    return FW_OK;
}

int fw_insurance_product_list(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    struct fw__insurance_product *ps = NULL;
    size_t n = 0, i;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "insurance.product_get", err)) != FW_OK)
        return rc;
    if ((rc = load_products(ctx, 0, &ps, &n, err)) != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    for (i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, product_json(&ps[i]));
        fw__insurance_product_clear(&ps[i]);
    }
    free(ps);
    return fw__json_out(arr, out_json, out_len, err);
}

int fw_insurance_product_retire(fw_ctx *ctx, fw_id id, fw_error **err)
{
    struct fw__insurance_product p;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "insurance.product", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__insurance_product_load(ctx, id, &p, err);
    if (rc == FW_OK) {
        if (p.state != 1)
            rc = fw__error_set(err, FW_ESTATE, "product_id", "product %s is already retired", p.code);
        fw__insurance_product_clear(&p);
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_insurance_product SET state=2 WHERE id=?", "i", id);
    if (rc == FW_OK)
        rc = fw__audit_append(ctx, "insurance.product_retire", "insurance_product", id, "{}", 2, err);
    return fw__tx_end(ctx, rc, err);
}

/* ---- recommendation ------------------------------------------------------------------- */

struct work {
    const char *category;
    int64_t risk, orders, days;
};

struct candidate {
    const struct fw__insurance_product *p;
    int excluded, required;
    int64_t score, monthly_fen;
    cJSON *reasons;
};

static int age_on(int64_t birth_ms, int64_t on_ms)
{
    int by, bm, bd, y, m, d;
    fw__cst_date(birth_ms, &by, &bm, &bd);
    fw__cst_date(on_ms, &y, &m, &d);
    return fw__age_years(by, bm, bd, y, m, d);
}

static void reason(cJSON *reasons, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason(cJSON *reasons, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cJSON_AddItemToArray(reasons, cJSON_CreateString(buf));
}

static void list_text(const cJSON *arr, char *buf, size_t size)
{
    const cJSON *c;
    size_t used = 0;
    buf[0] = '\0';
    for (c = arr->child; c && used + 1 < size; c = c->next)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", c == arr->child ? "" : ", ", c->valuestring);
}

static void assess(struct candidate *k, const struct work *w, size_t nw, int age, const char *region,
                   int64_t hours, const cJSON *existing)
{
    const struct fw__insurance_product *p = k->p;
    int64_t risk = 0, orders = 0, days = 0, units;
    const char *riskiest = NULL;
    char list[300], money[32];
    size_t i, matched = 0;

    if (age < p->min_age || age > p->max_age) {
        k->excluded = 1;
        reason(k->reasons, "age %d is outside the product's %lld to %lld", age, (long long)p->min_age,
               (long long)p->max_age);
    }
    if (p->regions->child && (!region || !fw__insurance_list_has(p->regions, region))) {
        k->excluded = 1;
        list_text(p->regions, list, sizeof(list));
        reason(k->reasons, "offered only in %s; the worker's region is %s", list, region ? region : "not given");
    }
    for (i = 0; i < nw; i++)
        if (!p->categories->child || fw__insurance_list_has(p->categories, w[i].category)) {
            matched++;
            orders += w[i].orders;
            if (w[i].days > days)
                days = w[i].days;
            if (w[i].risk > risk) {
                risk = w[i].risk;
                riskiest = w[i].category;
            }
        }
    if (!matched) {
        k->excluded = 1;
        list_text(p->categories, list, sizeof(list));
        reason(k->reasons, "covers %s only; the worker takes none of that work", list);
        return;
    }
    if (risk > p->max_risk) {
        k->excluded = 1;
        reason(k->reasons, "%s is risk level %lld, above the product's limit %lld", riskiest, (long long)risk,
               (long long)p->max_risk);
    }
    if (k->excluded)
        return;

    k->score = 100 + 10 * risk;
    if (strcmp(p->type, "occupational_injury") == 0) {
        k->required = 1;
        k->score += 1000;
        reason(k->reasons, "occupational injury protection is required for every order in %s "
               "(人社部发〔2025〕24号); the platform pays it in full", riskiest);
    } else {
        reason(k->reasons, "covers %s at risk level %lld", riskiest, (long long)risk);
    }
    if (fw__insurance_list_has(existing, p->type) && !k->required) {
        k->score -= 500;
        reason(k->reasons, "the worker already has %s cover", p->type);
    }
    if (hours > 44 && strcmp(p->type, "occupational_injury") != 0) {
        k->score += 20;
        reason(k->reasons, "works %lld h a week, above 44 h: more exposure to accidents", (long long)hours);
    }
    units = strcmp(p->rule, "per_order") == 0 ? orders : strcmp(p->rule, "per_day") == 0 ? days : 1;
    if (fw__money_mul(p->premium_fen, units, &k->monthly_fen) != FW_OK)
        k->monthly_fen = INT64_MAX;
    fw__money_format(k->monthly_fen, money, sizeof(money));
    reason(k->reasons, "about %s CNY a month (%lld %s at %lld fen), paid by the %s", money, (long long)units,
           strcmp(p->rule, "per_order") == 0 ? "orders" : strcmp(p->rule, "per_day") == 0 ? "days" : "month",
           (long long)p->premium_fen, p->payer);
}

static int rank_cmp(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->monthly_fen != y->monthly_fen)
        return x->monthly_fen < y->monthly_fen ? -1 : 1;
    return x->p->id < y->p->id ? -1 : x->p->id > y->p->id;
}

int fw_insurance_recommend(fw_ctx *ctx, const char *json, size_t json_len, char **out_json, size_t *out_len,
                           fw_error **err)
{
    static const char *const fields[] = { "worker_id", "birth_date", "on", "region", "hours_per_week", "work",
                                          "existing_cover", NULL };
    static const char *const work_fields[] = { "category", "risk_level", "orders_per_month", "days_per_month", NULL };
    const char *region = NULL;
    const cJSON *work = NULL, *existing = NULL, *item;
    struct fw__insurance_product *ps = NULL;
    struct candidate *ks = NULL;
    struct work w[50];
    int64_t worker = 0, birth = 0, on = -1, hours = 40;
    size_t nw = 0, n = 0, i;
    cJSON *root, *out = NULL, *rec, *exc;
    char path[48];
    int rc, age = 0;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "worker_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &worker, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "birth_date", FW__REQUIRED, &birth, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "on", FW__OPTIONAL, &on, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "region", FW__OPTIONAL, 1, 16, &region, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "hours_per_week", FW__OPTIONAL, 0, 168, &hours, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "work", FW__REQUIRED, 50, &work, err);
    if (rc == FW_OK && !work->child)
        rc = fw__error_set(err, FW_EINVAL, "$.work", "must list at least one kind of work");
    for (item = work ? work->child : NULL; rc == FW_OK && item; item = item->next, nw++) {
        fw__json_path_index(path, sizeof(path), "$.work", nw);
        memset(&w[nw], 0, sizeof(w[nw]));
        /* Days of work a month from the hours: 52 weeks / 12 months, 8 h a day, rounded up. */
        w[nw].days = (hours * 52 + 95) / 96 > 31 ? 31 : (hours * 52 + 95) / 96;
        if (!cJSON_IsObject(item))
            rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
        if (rc == FW_OK)
            rc = fw__json_only(item, path, work_fields, err);
        if (rc == FW_OK)
            rc = fw__json_str(item, path, "category", FW__REQUIRED, 1, 64, &w[nw].category, err);
        if (rc == FW_OK)
            rc = fw__json_i64(item, path, "risk_level", FW__REQUIRED, 1, 5, &w[nw].risk, err);
        if (rc == FW_OK)
            rc = fw__json_i64(item, path, "orders_per_month", FW__OPTIONAL, 0, 1000000, &w[nw].orders, err);
        if (rc == FW_OK)
            rc = fw__json_i64(item, path, "days_per_month", FW__OPTIONAL, 0, 31, &w[nw].days, err);
    }
    if (rc == FW_OK)
        rc = string_list(root, "existing_cover", 10, 32, &existing, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "insurance.recommend", 0, worker, err);
    if (rc == FW_OK) {
        if (on < 0)
            on = fw_ctx_now(ctx);
        age = age_on(birth, on);
        if (age < 16)
            rc = fw__error_set(err, FW_EDENIED, "$.birth_date", "the worker is %d: no one under 16 may be engaged "
                               "(《禁止使用童工规定》 art. 2), so no cover is recommended", age);
    }
    if (rc == FW_OK)
        rc = load_products(ctx, 1, &ps, &n, err);
    if (rc == FW_OK && n && !(ks = calloc(n, sizeof(*ks))))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        for (i = 0; i < n; i++) {
            ks[i].p = &ps[i];
            ks[i].reasons = cJSON_CreateArray();
            assess(&ks[i], w, nw, age, region, hours, existing);
        }
        if (n)
            qsort(ks, n, sizeof(*ks), rank_cmp);
        out = cJSON_CreateObject();
        fw__json_add_i64(out, "worker_id", worker);
        fw__json_add_i64(out, "age", age);
        rec = cJSON_AddArrayToObject(out, "recommended");
        exc = cJSON_AddArrayToObject(out, "excluded");
        for (i = 0; i < n; i++) {
            cJSON *o = cJSON_CreateObject();
            fw__json_add_i64(o, "product_id", ks[i].p->id);
            cJSON_AddStringToObject(o, "code", ks[i].p->code);
            if (!ks[i].excluded) {
                cJSON_AddStringToObject(o, "name", ks[i].p->name);
                cJSON_AddStringToObject(o, "type", ks[i].p->type);
                cJSON_AddStringToObject(o, "insurer", ks[i].p->insurer);
                cJSON_AddBoolToObject(o, "required", ks[i].required);
                fw__json_add_i64(o, "score", ks[i].score);
                fw__json_add_i64(o, "monthly_premium_fen", ks[i].monthly_fen);
            }
            cJSON_AddItemToObject(o, "reasons", ks[i].reasons);
            cJSON_AddItemToArray(ks[i].excluded ? exc : rec, o);
        }
    }
    for (i = 0; i < n; i++)
        fw__insurance_product_clear(&ps[i]);
    free(ps);
    free(ks);
    cJSON_Delete(root);
    if (rc != FW_OK)
        return rc;
    return fw__json_out(out, out_json, out_len, err);
}

/* ---- enrolment ------------------------------------------------------------------------ */

int fw_insurance_enrol(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "product_id", "worker_id", "birth_date", "enterprise_id", "start", "end",
                                          "region", "categories", NULL };
    struct fw__insurance_product p;
    const char *region = NULL;
    const cJSON *categories = NULL, *c;
    int64_t product = 0, worker = 0, birth = 0, enterprise = 0, start = -1, end = 0, existing = 0;
    int rc, age = 0, loaded = 0, any = 0;
    char detail[200], list[300];
    fw_id id = 0;
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "product_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &product, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "worker_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &worker, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "birth_date", FW__REQUIRED, &birth, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &enterprise, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "start", FW__OPTIONAL, &start, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "end", FW__OPTIONAL, &end, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "region", FW__OPTIONAL, 1, 16, &region, err);
    if (rc == FW_OK)
        rc = string_list(root, "categories", 50, 64, &categories, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "insurance.enrol", 0, worker, err);
    if (rc == FW_OK && start < 0) {
        int y, m, d;
        fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
        fw__cst_from_date(y, m, d, &start);
    }
    if (rc == FW_OK && end && end <= start)
        rc = fw__error_set(err, FW_EINVAL, "$.end", "must be after the start");
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__insurance_product_load(ctx, product, &p, err);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, "$.product_id", "no insurance product %lld", (long long)product);
    loaded = rc == FW_OK;
    if (rc == FW_OK && p.state != 1)
        rc = fw__error_set(err, FW_ESTATE, "$.product_id", "product %s is retired: no new enrolments", p.code);
    if (rc == FW_OK) {
        age = age_on(birth, start);
        if (age < p.min_age || age > p.max_age)
            rc = fw__error_set(err, FW_EDENIED, "$.birth_date", "the worker is %d on the start date; product %s "
                               "accepts %lld to %lld", age, p.code, (long long)p.min_age, (long long)p.max_age);
    }
    if (rc == FW_OK && region && p.regions->child && !fw__insurance_list_has(p.regions, region)) {
        list_text(p.regions, list, sizeof(list));
        rc = fw__error_set(err, FW_EDENIED, "$.region", "product %s is offered only in %s, got \"%s\"", p.code,
                           list, region);
    }
    if (rc == FW_OK && categories && p.categories->child) {
        for (c = categories->child; c; c = c->next)
            any |= fw__insurance_list_has(p.categories, c->valuestring);
        if (!any) {
            list_text(p.categories, list, sizeof(list));
            rc = fw__error_set(err, FW_EDENIED, "$.categories", "product %s covers %s only", p.code, list);
        }
    }
    if (rc == FW_OK) {
        rc = fw__db_i64(ctx, &existing, err, "SELECT id FROM fw_insurance_enrolment WHERE product_id=? AND worker_id=? "
                        "AND state=1", "ii", product, worker);
        if (rc == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.worker_id", "worker %lld already has active enrolment %lld in "
                               "product %s", (long long)worker, (long long)existing, p.code);
        else if (rc == FW_ENOTFOUND)
            rc = FW_OK;
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_insurance_enrolment(product_id, worker_id, enterprise_id, start_ms, "
                         "end_ms, state, age, created_ms) VALUES (?,?,?,?,?,1,?,?)", "iiiiiii", product, worker,
                         enterprise, start, end, (int64_t)age, fw_ctx_now(ctx));
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        snprintf(detail, sizeof(detail), "{\"product_id\":%lld,\"worker_id\":%lld,\"enterprise_id\":%lld,"
                 "\"start_ms\":%lld,\"end_ms\":%lld}", (long long)product, (long long)worker, (long long)enterprise,
                 (long long)start, (long long)end);
        rc = fw__audit_append(ctx, "insurance.enrol", "insurance_enrolment", id, detail, strlen(detail), err);
    }
    if (loaded)
        fw__insurance_product_clear(&p);
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

int fw_insurance_enrolment_cancel(fw_ctx *ctx, fw_id id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "reason", NULL };
    const char *why = NULL;
    int64_t state = 0;
    cJSON *root;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "insurance.enrol_cancel", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 200, &why, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &state, err, "SELECT state FROM fw_insurance_enrolment WHERE id=?", "i", id);
        if (rc == FW_ENOTFOUND)
            rc = fw__error_set(err, FW_ENOTFOUND, "enrolment_id", "no enrolment %lld", (long long)id);
        if (rc == FW_OK && state != 1)
            rc = fw__error_set(err, FW_ESTATE, "enrolment_id", "enrolment %lld is already cancelled", (long long)id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_insurance_enrolment SET state=2, cancelled_ms=?, cancel_reason=?, "
                             "end_ms=? WHERE id=?", "itii", fw_ctx_now(ctx), why, fw_ctx_now(ctx), id);
        if (rc == FW_OK)
            rc = fw__audit_append(ctx, "insurance.enrol_cancel", "insurance_enrolment", id, "{}", 2, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_insurance_enrolments(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *arr;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "insurance.enrolments", 0, worker_id, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT e.id, e.product_id, p.code, p.type, e.enterprise_id, e.start_ms, e.end_ms, "
                      "e.state, e.age FROM fw_insurance_enrolment e JOIN fw_insurance_product p ON p.id = e.product_id "
                      "WHERE e.worker_id=? ORDER BY e.id", "i", worker_id);
    if (rc != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(o, "product_id", fw__db_col_i64(s, 1));
        cJSON_AddStringToObject(o, "code", fw__db_col_text(s, 2));
        cJSON_AddStringToObject(o, "type", fw__db_col_text(s, 3));
        fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "start_ms", fw__db_col_i64(s, 5));
        fw__json_add_i64(o, "end_ms", fw__db_col_i64(s, 6));
        cJSON_AddStringToObject(o, "state", fw__db_col_i64(s, 7) == 1 ? "active" : "cancelled");
        fw__json_add_i64(o, "age", fw__db_col_i64(s, 8));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}
