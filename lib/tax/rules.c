/*
 * Tax rules as data: parsing and strict validation of rule files, the shipped rules, selection
 * by date, bracket tables; and the named policies for points the sources leave open.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/money.h"
#include "tax/tax.h"

#define MAX_RULES 500

static const char *const kind_names[] = {
    "", "iit_labour_cumulative", "iit_labour_per_payment", "iit_platform_guidance",
    "iit_business", "iit_business_relief", "vat_small_scale", "vat_small_scale_relief",
    "surcharges", "surcharge_relief", NULL
};

const char *fw__tax_kind_name(int kind)
{
    return kind > 0 && kind <= FW__TAX_RULE_SURCHARGE_RELIEF ? kind_names[kind] : "unknown";
}

/* ---- parsing ------------------------------------------------------------------------------ */

static int parse_brackets(const cJSON *params, const char *path, struct fw__tax_rule *r,
                          fw_error **err)
{
    static const char *const fields[] = { "up_to_fen", "rate_ppm", "quick_deduction_fen", NULL };
    const cJSON *arr = NULL, *b;
    char base[256], p[256], bp[256];
    int rc, i = 0, n;

    if ((rc = fw__json_arr(params, path, "brackets", FW__REQUIRED, FW__TAX_MAX_BRACKETS, &arr,
                           err)) != FW_OK)
        return rc;
    fw__json_path(base, sizeof(base), path, "brackets");
    n = cJSON_GetArraySize(arr);
    if (n < 1)
        return fw__error_set(err, FW_EINVAL, base, "must hold at least one bracket");
    cJSON_ArrayForEach(b, arr) {
        struct fw__tax_bracket *k = &r->brackets[i];
        fw__json_path_index(bp, sizeof(bp), base, (size_t)i);
        if (!cJSON_IsObject(b))
            return fw__error_set(err, FW_EINVAL, bp, "must be an object");
        k->up_to_fen = -1;
        if ((rc = fw__json_only(b, bp, fields, err)) != FW_OK ||
            (rc = fw__json_i64(b, bp, "up_to_fen", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &k->up_to_fen,
                               err)) != FW_OK ||
            (rc = fw__json_i64(b, bp, "rate_ppm", FW__REQUIRED, 0, FW__PPM, &k->rate_ppm, err)) != FW_OK ||
            (rc = fw__json_i64(b, bp, "quick_deduction_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                               &k->quick_fen, err)) != FW_OK)
            return rc;
        fw__json_path(p, sizeof(p), bp, "up_to_fen");
        if (i < n - 1 && k->up_to_fen < 0)
            return fw__error_set(err, FW_EINVAL, p, "must be a number of fen on every bracket but the last");
        if (i == n - 1 && k->up_to_fen >= 0)
            return fw__error_set(err, FW_EINVAL, p, "must be null on the last bracket (no upper bound), got %lld",
                                 (long long)k->up_to_fen);
        if (i > 0 && k->up_to_fen >= 0 && k->up_to_fen <= r->brackets[i - 1].up_to_fen)
            return fw__error_set(err, FW_EINVAL, p, "must be above the previous bracket's %lld, got %lld",
                                 (long long)r->brackets[i - 1].up_to_fen, (long long)k->up_to_fen);
        fw__json_path(p, sizeof(p), bp, "quick_deduction_fen");
        if (i == 0 && k->quick_fen != 0)
            return fw__error_set(err, FW_EINVAL, p, "must be 0 on the first bracket, got %lld",
                                 (long long)k->quick_fen);
        if (i > 0) {
            /* Continuity: both neighbours give the same tax at the shared bound. */
            const struct fw__tax_bracket *prev = &r->brackets[i - 1];
            __int128 num = (__int128)prev->up_to_fen * (k->rate_ppm - prev->rate_ppm);
            __int128 want = prev->quick_fen + num / FW__PPM;
            if (num % FW__PPM != 0 || want != k->quick_fen)
                return fw__error_set(err, FW_EINVAL, p,
                                     "must be %lld for the table to be continuous at %lld fen, got %lld",
                                     (long long)want, (long long)prev->up_to_fen, (long long)k->quick_fen);
        }
        i++;
    }
    r->nbrackets = n;
    return FW_OK;
}

static int parse_params(const cJSON *rule, const char *rpath, struct fw__tax_rule *r, fw_error **err)
{
    static const char *const f_cum[] = { "expense_ppm", "deduction_per_month_fen", "brackets", NULL };
    static const char *const f_pp[] = { "low_income_limit_fen", "fixed_expense_fen", "expense_ppm",
                                        "brackets", NULL };
    static const char *const f_guid[] = { "income_12_months_fen", NULL };
    static const char *const f_bus[] = { "brackets", NULL };
    static const char *const f_brel[] = { "relief_ppm", "taxable_cap_fen", NULL };
    static const char *const f_vat[] = { "levy_rate_ppm", NULL };
    static const char *const f_vrel[] = { "reduced_rate_ppm", "monthly_threshold_fen", "threshold", NULL };
    static const char *const f_sur[] = { "city_maintenance_urban_ppm", "city_maintenance_county_ppm",
                                         "city_maintenance_other_ppm", "education_ppm",
                                         "local_education_ppm", NULL };
    static const char *const f_srel[] = { "relief_ppm", NULL };
    static const char *const thresholds[] = { "exempt_up_to_inclusive", "taxable_from_threshold", NULL };
    const cJSON *params = NULL;
    char p[256];
    int rc;

    if ((rc = fw__json_obj(rule, rpath, "params", FW__REQUIRED, &params, err)) != FW_OK)
        return rc;
    fw__json_path(p, sizeof(p), rpath, "params");
    switch (r->kind) {
    case FW__TAX_RULE_LABOUR_CUMULATIVE:
        if ((rc = fw__json_only(params, p, f_cum, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "expense_ppm", FW__REQUIRED, 0, FW__PPM, &r->expense_ppm, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "deduction_per_month_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                               &r->deduction_fen, err)) != FW_OK)
            return rc;
        return parse_brackets(params, p, r, err);
    case FW__TAX_RULE_LABOUR_PER_PAYMENT:
        if ((rc = fw__json_only(params, p, f_pp, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "low_income_limit_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                               &r->low_limit_fen, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "fixed_expense_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                               &r->fixed_expense_fen, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "expense_ppm", FW__REQUIRED, 0, FW__PPM, &r->expense_ppm, err)) != FW_OK)
            return rc;
        return parse_brackets(params, p, r, err);
    case FW__TAX_RULE_PLATFORM_GUIDANCE:
        if ((rc = fw__json_only(params, p, f_guid, err)) != FW_OK)
            return rc;
        return fw__json_i64(params, p, "income_12_months_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT,
                            &r->guidance_fen, err);
    case FW__TAX_RULE_BUSINESS:
        if ((rc = fw__json_only(params, p, f_bus, err)) != FW_OK)
            return rc;
        return parse_brackets(params, p, r, err);
    case FW__TAX_RULE_BUSINESS_RELIEF:
        if ((rc = fw__json_only(params, p, f_brel, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "relief_ppm", FW__REQUIRED, 0, FW__PPM, &r->relief_ppm, err)) != FW_OK)
            return rc;
        return fw__json_i64(params, p, "taxable_cap_fen", FW__REQUIRED, 1, FW__JSON_MAX_INT, &r->cap_fen, err);
    case FW__TAX_RULE_VAT:
        if ((rc = fw__json_only(params, p, f_vat, err)) != FW_OK)
            return rc;
        return fw__json_i64(params, p, "levy_rate_ppm", FW__REQUIRED, 0, FW__PPM, &r->levy_ppm, err);
    case FW__TAX_RULE_VAT_RELIEF:
        if ((rc = fw__json_only(params, p, f_vrel, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "reduced_rate_ppm", FW__REQUIRED, 0, FW__PPM, &r->rate_ppm, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "monthly_threshold_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                               &r->threshold_fen, err)) != FW_OK)
            return rc;
        return fw__json_enum(params, p, "threshold", FW__REQUIRED, thresholds, &r->threshold_mode, err);
    case FW__TAX_RULE_SURCHARGES:
        if ((rc = fw__json_only(params, p, f_sur, err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "city_maintenance_urban_ppm", FW__REQUIRED, 0, FW__PPM,
                               &r->city_ppm[0], err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "city_maintenance_county_ppm", FW__REQUIRED, 0, FW__PPM,
                               &r->city_ppm[1], err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "city_maintenance_other_ppm", FW__REQUIRED, 0, FW__PPM,
                               &r->city_ppm[2], err)) != FW_OK ||
            (rc = fw__json_i64(params, p, "education_ppm", FW__REQUIRED, 0, FW__PPM, &r->education_ppm,
                               err)) != FW_OK)
            return rc;
        return fw__json_i64(params, p, "local_education_ppm", FW__REQUIRED, 0, FW__PPM, &r->local_ppm, err);
    case FW__TAX_RULE_SURCHARGE_RELIEF:
        if ((rc = fw__json_only(params, p, f_srel, err)) != FW_OK)
            return rc;
        return fw__json_i64(params, p, "relief_ppm", FW__REQUIRED, 0, FW__PPM, &r->relief_ppm, err);
    }
    return fw__error_set(err, FW_ERROR, NULL, "unhandled rule kind %d", r->kind);
}

static int valid_id(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
              *s == '-'))
            return 0;
    return 1;
}

static int parse_rule(const cJSON *item, const char *path, int host, struct fw__tax_rule *r,
                      fw_error **err)
{
    static const char *const fields[] = { "id", "kind", "valid_from", "valid_to", "source", "note",
                                          "params", NULL };
    const char *id = NULL, *from = NULL, *to = NULL, *source = NULL, *note = NULL;
    int64_t to_ms = -1;
    char p[256];
    int rc;

    memset(r, 0, sizeof(*r));
    r->host = host;
    if (!cJSON_IsObject(item))
        return fw__error_set(err, FW_EINVAL, path, "must be an object");
    if ((rc = fw__json_only(item, path, fields, err)) != FW_OK ||
        (rc = fw__json_str(item, path, "id", FW__REQUIRED, 1, 100, &id, err)) != FW_OK ||
        (rc = fw__json_enum(item, path, "kind", FW__REQUIRED, kind_names + 1, &r->kind, err)) != FW_OK ||
        (rc = fw__json_date(item, path, "valid_from", FW__REQUIRED, &r->from_ms, err)) != FW_OK ||
        (rc = fw__json_str(item, path, "valid_from", FW__REQUIRED, 10, 10, &from, err)) != FW_OK ||
        (rc = fw__json_date(item, path, "valid_to", FW__OPTIONAL, &to_ms, err)) != FW_OK ||
        (rc = fw__json_str(item, path, "valid_to", FW__OPTIONAL, 10, 10, &to, err)) != FW_OK ||
        (rc = fw__json_str(item, path, "source", FW__REQUIRED, 1, 600, &source, err)) != FW_OK ||
        (rc = fw__json_str(item, path, "note", FW__OPTIONAL, 0, 2000, &note, err)) != FW_OK)
        return rc;
    r->kind += 1;   /* kind_names + 1: index 0 is the first real kind */
    if (!valid_id(id))
        return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, "id"),
                             "may hold only a-z, 0-9, '.', '_' and '-', got \"%s\"", id);
    snprintf(r->id, sizeof(r->id), "%s", id);
    snprintf(r->valid_from, sizeof(r->valid_from), "%s", from);
    snprintf(r->source, sizeof(r->source), "%s", source);
    if (to) {
        if (to_ms < r->from_ms)
            return fw__error_set(err, FW_EINVAL, fw__json_path(p, sizeof(p), path, "valid_to"),
                                 "must not be before valid_from %s, got %s", from, to);
        snprintf(r->valid_to, sizeof(r->valid_to), "%s", to);
        r->until_ms = to_ms + 86400000LL;
    } else {
        r->until_ms = INT64_MAX;
    }
    return parse_params(item, path, r, err);
}

int fw__tax_rules_parse(const char *json, size_t len, int host,
                        const struct fw__tax_rule *existing, size_t nexisting,
                        struct fw__tax_rule **out, size_t *n, fw_error **err)
{
    static const char *const fields[] = { "format", "version", "rules", NULL };
    cJSON *root = NULL;
    const cJSON *arr = NULL, *item;
    const char *format = NULL;
    int64_t version = 0;
    struct fw__tax_rule *rules = NULL;
    char p[256], q[256];
    size_t i = 0, j, count;
    int rc;

    if ((rc = fw__json_parse(&root, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "format", FW__REQUIRED, 1, 64, &format, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "version", FW__REQUIRED, 0, 1000, &version, err)) != FW_OK ||
        (rc = fw__json_arr(root, "$", "rules", FW__REQUIRED, MAX_RULES, &arr, err)) != FW_OK)
        goto done;
    if (strcmp(format, "flexwork-tax-rules") != 0) {
        rc = fw__error_set(err, FW_EINVAL, "$.format", "must be \"flexwork-tax-rules\", got \"%s\"", format);
        goto done;
    }
    if (version != 1) {
        rc = fw__error_set(err, FW_EVERSION, "$.version", "must be 1, got %lld", (long long)version);
        goto done;
    }
    count = (size_t)cJSON_GetArraySize(arr);
    if (count == 0) {
        rc = fw__error_set(err, FW_EINVAL, "$.rules", "must hold at least one rule");
        goto done;
    }
    if (!(rules = calloc(count, sizeof(*rules)))) {
        rc = fw__error_nomem(err);
        goto done;
    }
    cJSON_ArrayForEach(item, arr) {
        struct fw__tax_rule *r = &rules[i];
        fw__json_path_index(p, sizeof(p), "$.rules", i);
        if ((rc = parse_rule(item, p, host, r, err)) != FW_OK)
            goto done;
        for (j = 0; j < nexisting + i; j++) {
            const struct fw__tax_rule *o = j < nexisting ? &existing[j] : &rules[j - nexisting];
            if (strcmp(o->id, r->id) == 0) {
                rc = fw__error_set(err, FW_EEXISTS, fw__json_path(q, sizeof(q), p, "id"),
                                   "rule id \"%s\" is already in use", r->id);
                goto done;
            }
        }
        /* Within one file a kind is defined once per day: ambiguity is refused. */
        for (j = 0; j < i; j++) {
            const struct fw__tax_rule *o = &rules[j];
            if (o->kind == r->kind && o->from_ms < r->until_ms && r->from_ms < o->until_ms) {
                rc = fw__error_set(err, FW_EINVAL, fw__json_path(q, sizeof(q), p, "valid_from"),
                                   "rule \"%s\" overlaps rule \"%s\" of the same kind %s in this file",
                                   r->id, o->id, fw__tax_kind_name(r->kind));
                goto done;
            }
        }
        i++;
    }
    *out = rules;
    *n = count;
    rules = NULL;
    rc = FW_OK;
done:
    free(rules);
    cJSON_Delete(root);
    return rc;
}

/* ---- shipped rules ----------------------------------------------------------------------- */

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct fw__tax_rule *builtin_rules;
static size_t builtin_n;
static int builtin_rc;
static char builtin_msg[512];

static void builtin_init(void)
{
    const struct fw__tax_builtin *f;
    struct fw__tax_rule *all = NULL, *part = NULL, *grown;
    size_t n = 0, k = 0;
    fw_error *e = NULL;

    for (f = fw__tax_builtin_files; f->name; f++) {
        builtin_rc = fw__tax_rules_parse(f->json, strlen(f->json), 0, all, n, &part, &k, &e);
        if (builtin_rc != FW_OK) {
            snprintf(builtin_msg, sizeof(builtin_msg), "shipped rule file %s: %s", f->name,
                     e ? fw_error_message(e) : "out of memory");
            fw_error_free(e);
            free(all);
            return;
        }
        grown = realloc(all, (n + k) * sizeof(*all));
        if (!grown) {
            free(part);
            free(all);
            builtin_rc = FW_ENOMEM;
            snprintf(builtin_msg, sizeof(builtin_msg), "out of memory");
            return;
        }
        all = grown;
        memcpy(all + n, part, k * sizeof(*all));
        n += k;
        free(part);
    }
    builtin_rules = all;
    builtin_n = n;
}

int fw__tax_rules_builtin(const struct fw__tax_rule **out, size_t *n, fw_error **err)
{
    pthread_once(&builtin_once, builtin_init);
    if (builtin_rc != FW_OK)
        return fw__error_set(err, builtin_rc == FW_ENOMEM ? FW_ENOMEM : FW_ERROR, NULL, "%s", builtin_msg);
    *out = builtin_rules;
    *n = builtin_n;
    return FW_OK;
}

const struct fw__tax_rule *fw__tax_rule_at(const struct fw__tax_rule *rules, size_t n, int kind,
                                           int64_t ms)
{
    size_t i;

    for (i = n; i-- > 0;)   /* newest first: host files come after the shipped rules */
        if (rules[i].kind == kind && rules[i].from_ms <= ms && ms < rules[i].until_ms)
            return &rules[i];
    return NULL;
}

int fw__tax_bracket_tax(const struct fw__tax_rule *r, int64_t taxable, int64_t *tax,
                        const struct fw__tax_bracket **used)
{
    const struct fw__tax_bracket *b = &r->brackets[r->nbrackets - 1];
    int64_t t;
    int i, rc;

    for (i = 0; i < r->nbrackets; i++)
        if (r->brackets[i].up_to_fen < 0 || taxable <= r->brackets[i].up_to_fen) {
            b = &r->brackets[i];
            break;
        }
    if (used)
        *used = b;
    if (taxable <= 0) {
        *tax = 0;
        return FW_OK;
    }
    if ((rc = fw__money_ppm(taxable, b->rate_ppm, FW__ROUND_HALF_UP, &t)) != FW_OK)
        return rc;
    t -= b->quick_fen;
    *tax = t > 0 ? t : 0;
    return FW_OK;
}

/* ---- policies ----------------------------------------------------------------------------- */

static const struct {
    const char *name;
    const char *values[4];
    const char *about;
} policy_defs[FW__TAX_POL_COUNT] = {
    [FW__TAX_POL_GAP_MONTH] = { "iit.gap_month", { "reset_all", "reset_count", "continue", NULL },
        "STA 2025 No. 16 counts months of continuous income from the platform; what a month "
        "without income does: reset_all starts the year's figures afresh, reset_count restarts "
        "only the month count, continue ignores the gap" },
    [FW__TAX_POL_BEFORE_RULE] = { "iit.months_before_rule", { "exclude", "include", NULL },
        "whether consecutive months with income before the cumulative rule took effect in the same "
        "year (Jan-Sep 2025) count towards the 5,000 per month deduction" },
    [FW__TAX_POL_LABOUR_METHOD] = { "iit.labour_method", { "auto", "per_payment", NULL },
        "auto uses the cumulative method where its rule is in force; per_payment for platforms "
        "that do not use STA 2025 No. 16" },
    [FW__TAX_POL_PER_PAYMENT_SCOPE] = { "iit.per_payment_scope", { "payment", "month", NULL },
        "under the per-payment method, whether each payment is one payment or a month's income "
        "for continuing service counts as one (IIT regulation art. 14)" },
    [FW__TAX_POL_INCOME_BASE] = { "iit.income_base", { "vat_exclusive", "gross", NULL },
        "the IIT income of a payment: its VAT-exclusive part or the gross amount" },
    [FW__TAX_POL_VAT_BOUNDARY] = { "vat.threshold_boundary",
        { "rule", "exempt_at_threshold", "taxable_at_threshold", NULL },
        "monthly sales exactly at the VAT threshold: follow the rule in force, or force a reading "
        "(the 2026 reading taxes the whole amount once the threshold is reached)" },
    [FW__TAX_POL_VAT_COLLECTION] = { "vat.collection", { "agency", "withholding", NULL },
        "how a worker's VAT is collected: agency filing under STA 2025 No. 16, or payer "
        "withholding under MOF/STA 2026 No. 28 (from 2026-11-01)" },
    [FW__TAX_POL_LOCATION] = { "surcharge.location", { "urban", "county", "other", NULL },
        "the taxpayer's location for the city maintenance tax rate (7% / 5% / 1%)" },
};

void fw__tax_policies_default(struct fw__tax_policies *p)
{
    memset(p, 0, sizeof(*p));   /* every default is the first value */
}

static int policy_index(const char *name)
{
    int i;
    for (i = 0; i < FW__TAX_POL_COUNT; i++)
        if (strcmp(policy_defs[i].name, name) == 0)
            return i;
    return -1;
}

int fw__tax_policy_set(struct fw__tax_policies *p, const char *name, const char *value,
                       fw_error **err)
{
    char list[256] = "";
    int which, v;

    if (!name || (which = policy_index(name)) < 0)
        return fw__error_set(err, FW_EINVAL, "name", "must be a tax policy name (see fw_tax_policies()), got \"%s\"",
                             name ? name : "(null)");
    for (v = 0; policy_defs[which].values[v]; v++) {
        if (value && strcmp(policy_defs[which].values[v], value) == 0) {
            p->v[which] = v;
            return FW_OK;
        }
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", v ? ", " : "",
                 policy_defs[which].values[v]);
    }
    return fw__error_set(err, FW_EINVAL, "value", "%s must be one of %s, got \"%s\"", name, list,
                         value ? value : "(null)");
}

const char *fw__tax_policy_value(const struct fw__tax_policies *p, int which)
{
    return policy_defs[which].values[p->v[which]];
}

int fw__tax_policies_load(fw_ctx *ctx, struct fw__tax_policies *p, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc;

    fw__tax_policies_default(p);
    if ((rc = fw__db_query(ctx, &s, err, "SELECT name, value FROM fw_tax_policy", "")) != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        /* A value the library no longer knows keeps the default rather than failing reads. */
        fw__tax_policy_set(p, fw__db_col_text(s, 0), fw__db_col_text(s, 1), NULL);
    }
    fw__db_done(s);
    return rc == FW__DONE ? FW_OK : rc;
}

cJSON *fw__tax_policies_json(const struct fw__tax_policies *p)
{
    cJSON *arr = cJSON_CreateArray(), *o, *vals;
    int i, v;

    for (i = 0; arr && i < FW__TAX_POL_COUNT; i++) {
        o = cJSON_CreateObject();
        vals = cJSON_CreateArray();
        if (!o || !vals) {
            cJSON_Delete(o);
            cJSON_Delete(vals);
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddStringToObject(o, "name", policy_defs[i].name);
        cJSON_AddStringToObject(o, "value", fw__tax_policy_value(p, i));
        cJSON_AddStringToObject(o, "default", policy_defs[i].values[0]);
        for (v = 0; policy_defs[i].values[v]; v++)
            cJSON_AddItemToArray(vals, cJSON_CreateString(policy_defs[i].values[v]));
        cJSON_AddItemToObject(o, "values", vals);
        cJSON_AddStringToObject(o, "about", policy_defs[i].about);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
