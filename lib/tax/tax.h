/*
 * Tax module, private: rules, policies, the calculator's layout, and the internal API that
 * the payout and ledger modules use (fw__tax_*).
 */
#ifndef FW_TAX_TAX_H
#define FW_TAX_TAX_H

#include <cjson/cJSON.h>
#include <flexwork/tax.h>

/* ---- rules ---------------------------------------------------------------------------- */

/* The shipped rule files, embedded by tools/embed_rules.py. */
struct fw__tax_builtin {
    const char *name;
    const char *json;
};
extern const struct fw__tax_builtin fw__tax_builtin_files[];

#define FW__TAX_RULE_LABOUR_CUMULATIVE 1
#define FW__TAX_RULE_LABOUR_PER_PAYMENT 2
#define FW__TAX_RULE_PLATFORM_GUIDANCE 3
#define FW__TAX_RULE_BUSINESS 4
#define FW__TAX_RULE_BUSINESS_RELIEF 5
#define FW__TAX_RULE_VAT 6
#define FW__TAX_RULE_VAT_RELIEF 7
#define FW__TAX_RULE_SURCHARGES 8
#define FW__TAX_RULE_SURCHARGE_RELIEF 9

#define FW__TAX_THRESHOLD_EXEMPT_INCLUSIVE 0  /* sales <= threshold exempt */
#define FW__TAX_THRESHOLD_TAXABLE_FROM 1      /* sales >= threshold taxed in full */

#define FW__TAX_MAX_BRACKETS 16

struct fw__tax_bracket {
    int64_t up_to_fen;      /* -1: no upper bound (the last bracket) */
    int64_t rate_ppm;
    int64_t quick_fen;
};

struct fw__tax_rule {
    char id[101];
    int kind;
    int host;               /* 1: from a host rule file */
    char valid_from[11];
    char valid_to[11];      /* "" when open-ended */
    int64_t from_ms;        /* 00:00 CST of valid_from */
    int64_t until_ms;       /* 00:00 CST of the day after valid_to, INT64_MAX when open */
    char source[601];
    /* parameters; which are meaningful depends on kind */
    int64_t expense_ppm, deduction_fen, low_limit_fen, fixed_expense_fen;
    int64_t relief_ppm, cap_fen, levy_ppm, rate_ppm, threshold_fen, guidance_fen;
    int threshold_mode;
    int64_t city_ppm[3];    /* urban, county, other */
    int64_t education_ppm, local_ppm;
    int nbrackets;
    struct fw__tax_bracket brackets[FW__TAX_MAX_BRACKETS];
};

/*
 * Parses and validates a rule file. On FW_OK *out (malloc'd) holds *n rules. `first_index` and
 * `existing` (may be NULL) let the caller check ids against rules already known.
 */
int fw__tax_rules_parse(const char *json, size_t len, int host,
                        const struct fw__tax_rule *existing, size_t nexisting,
                        struct fw__tax_rule **out, size_t *n, fw_error **err);
/* The shipped rules, parsed once per process (thread-safe). */
int fw__tax_rules_builtin(const struct fw__tax_rule **out, size_t *n, fw_error **err);
/* The newest-loaded rule of a kind in force at ms, or NULL. */
const struct fw__tax_rule *fw__tax_rule_at(const struct fw__tax_rule *rules, size_t n, int kind,
                                           int64_t ms);
/* Tax on a taxable amount by a bracket table: round(taxable x rate) - quick, floored at 0. */
int fw__tax_bracket_tax(const struct fw__tax_rule *r, int64_t taxable, int64_t *tax,
                        const struct fw__tax_bracket **used);
const char *fw__tax_kind_name(int kind);

/* ---- policies ----------------------------------------------------------------------------- */

#define FW__TAX_POL_GAP_MONTH 0          /* reset_all | reset_count | continue */
#define FW__TAX_POL_BEFORE_RULE 1        /* exclude | include */
#define FW__TAX_POL_LABOUR_METHOD 2      /* auto | per_payment */
#define FW__TAX_POL_PER_PAYMENT_SCOPE 3  /* payment | month */
#define FW__TAX_POL_INCOME_BASE 4        /* vat_exclusive | gross */
#define FW__TAX_POL_VAT_BOUNDARY 5       /* rule | exempt_at_threshold | taxable_at_threshold */
#define FW__TAX_POL_VAT_COLLECTION 6     /* agency | withholding */
#define FW__TAX_POL_LOCATION 7           /* urban | county | other */
#define FW__TAX_POL_COUNT 8

#define FW__TAX_GAP_RESET_ALL 0
#define FW__TAX_GAP_RESET_COUNT 1
#define FW__TAX_GAP_CONTINUE 2

struct fw__tax_policies {
    int v[FW__TAX_POL_COUNT];   /* index into the policy's value list */
};

void fw__tax_policies_default(struct fw__tax_policies *p);
/* Sets by name and value text; FW_EINVAL naming "name" or "value". */
int fw__tax_policy_set(struct fw__tax_policies *p, const char *name, const char *value,
                       fw_error **err);
/* Reads the store's policies over the defaults. */
int fw__tax_policies_load(fw_ctx *ctx, struct fw__tax_policies *p, fw_error **err);
/* The policies as JSON (value, default, values, about). */
cJSON *fw__tax_policies_json(const struct fw__tax_policies *p);
const char *fw__tax_policy_value(const struct fw__tax_policies *p, int which);

/* ---- the calculator ---------------------------------------------------------------------- */

struct fw_tax_calc {
    fw_ctx *ctx;                /* borrowed; NULL without a store */
    int64_t at_ms;
    char date[11];
    uint32_t method;
    struct fw__tax_rule *rules; /* shipped, then host files in load order */
    size_t nrules;
    struct fw__tax_policies pol;
    cJSON *explain;             /* last computation */
};

/* A calculator over a store for an instant (rules and policies from the store). */
int fw__tax_calc_open(fw_tax_calc **out, fw_ctx *ctx, int64_t at_ms, fw_error **err);
/* Re-points a calculator at another instant (same rules and policies). */
void fw__tax_calc_at(fw_tax_calc *calc, int64_t at_ms);

/* Surcharges split by kind. */
struct fw__tax_sur {
    int64_t city, education, local;
};

/* The computations; each appends its steps to `steps` (may be NULL). */
int fw__tax_iit_cumulative(fw_tax_calc *c, int64_t cum_income, int64_t months, int64_t withheld,
                           int64_t *cum_expense, int64_t *cum_deduction, int64_t *cum_tax,
                           int64_t *now, cJSON *steps, fw_error **err);
int fw__tax_iit_per_payment(fw_tax_calc *c, int64_t income, int64_t *tax, cJSON *steps,
                            fw_error **err);
int fw__tax_vat_month(fw_tax_calc *c, int64_t month_gross, int64_t *sales, int64_t *vat,
                      cJSON *steps, fw_error **err);
int fw__tax_surcharges(fw_tax_calc *c, int64_t vat, struct fw__tax_sur *out, cJSON *steps,
                       fw_error **err);
/*
 * A withholding quote for a worker's payment on the calculator's date from the stored figures
 * (nothing written). *explain (owned by the caller) is the computation's explanation.
 */
int fw__tax_quote(fw_tax_calc *c, fw_id worker_id, int64_t gross_fen, int64_t *withheld_fen,
                  cJSON **explain, fw_error **err);
/* 1 when the cumulative method applies on the calculator's date under its method/policy. */
int fw__tax_use_cumulative(const fw_tax_calc *c);
/* Appends an explanation step. */
void fw__tax_step(cJSON *steps, const char *step, const struct fw__tax_rule *rule,
                  int64_t value_fen, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "20%" / "2.5%" for a rate in ppm. */
const char *fw__tax_pct(int64_t ppm, char *buf, size_t size);

/* ---- internal API for payout and ledger -------------------------------------------------- */

/* What a withholding (or a reversal) took. */
struct fw__tax_result {
    fw_id record_id;
    int replayed;           /* 1: the payment_ref was recorded before; these are its figures */
    char period[8];         /* "YYYY-MM" (CST) */
    int64_t gross_fen;      /* the payment (negative for a reversal) */
    int64_t income_fen;     /* IIT income (the VAT-exclusive part by default) */
    int64_t iit_fen;        /* IIT withheld: liability "IIT withheld" */
    int64_t vat_fen;        /* VAT withheld: liability "VAT and surcharges payable" */
    int64_t surcharge_fen;  /* city + education + local: "VAT and surcharges payable" */
    int64_t withheld_fen;   /* iit + vat + surcharge */
    int64_t net_fen;        /* gross - withheld: what the worker receives */
};

/*
 * Computes and records the withholding on a payment inside the caller's transaction (a
 * savepoint when one is open). No authorisation check: the caller has done it. Same
 * payment_ref, worker and amount: *result is the first one (replayed = 1).
 * Errors as fw_tax_withhold().
 */
int fw__tax_withhold(fw_ctx *ctx, fw_id worker_id, const char *payment_ref, int64_t gross_fen,
                     int64_t at_ms, struct fw__tax_result *result, fw_error **err);

/* Reverses the withholding of payment_ref at at_ms (see fw_tax_reverse()). */
int fw__tax_reverse(fw_ctx *ctx, const char *payment_ref, int64_t at_ms, fw_error **err);
/* As fw__tax_reverse, with the adjustment's figures (all usually negative). */
int fw__tax_reverse_ex(fw_ctx *ctx, const char *payment_ref, int64_t at_ms,
                       struct fw__tax_result *result, fw_error **err);

/* The recorded withholding (kind FW_TAX_RECORD_*) of a payment. FW_ENOTFOUND when none. */
int fw__tax_record_get(fw_ctx *ctx, const char *payment_ref, int kind,
                       struct fw__tax_result *result, fw_error **err);

/*
 * The amounts of a payment of withheld tax, for the ledger posting:
 * debit "IIT withheld" by iit, debit "VAT and surcharges payable" by vat + surcharge,
 * credit "bank clearing" by the total. FW_ENOTFOUND when no such payment.
 */
int fw__tax_payment_amounts(fw_ctx *ctx, fw_id payment_id, int64_t *iit_fen, int64_t *vat_fen,
                            int64_t *surcharge_fen, uint32_t *state, fw_error **err);

/* The state of the newest declaration of a period (0 when none). */
int fw__tax_period_state(fw_ctx *ctx, const char *period, int *state, fw_error **err);

#endif
