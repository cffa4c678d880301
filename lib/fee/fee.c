/* The fee engine: schedules, their versions, and the calculator. */
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
#include "fee/fee.h"

#define MAX_TIERS 16
#define MODE_WHOLE 0
#define MODE_MARGINAL 1
#define BASE_GROSS 0
#define BASE_NET 1

struct tier {
    int64_t from;
    int64_t rate;
};

struct fw_fee_calc {
    fw_id schedule_id;
    int64_t version;
    fw_id enterprise_id;
    int64_t valid_from_ms, valid_to_ms;
    struct tier tiers[MAX_TIERS];   /* a plain rate is one tier from 0 */
    size_t ntiers;
    int has_tiers;
    int mode, base;
    uint32_t bearer, charge;
    int64_t fixed, min, max;        /* max < 0: none */
};

static const char *const modes[] = { "whole", "marginal", NULL };
static const char *const bases[] = { "gross", "net", NULL };
static const char *const bearers[] = { "on_top", "deducted", NULL };
static const char *const charges[] = { "before", "during", "after", NULL };

/* Parses and checks a schedule; needs_owner: enterprise_id and valid_from are required. */
static int parse_schedule(struct fw_fee_calc *c, const cJSON *root, int needs_owner,
                          fw_error **err)
{
    static const char *const fields[] = { "enterprise_id", "valid_from", "valid_to", "rate_ppm",
                                          "tiers", "tier_mode", "fixed_fen", "min_fen", "max_fen",
                                          "base", "bearer", "charge", NULL };
    static const char *const tfields[] = { "from_volume_fen", "rate_ppm", NULL };
    const cJSON *tiers = NULL, *t;
    int64_t rate = -1, to = 0;
    int mode = MODE_WHOLE, base = BASE_GROSS, bearer = 0, charge = 1, rc;
    size_t i = 0;

    memset(c, 0, sizeof(*c));
    c->max = -1;
    c->valid_from_ms = INT64_MIN;
    c->valid_to_ms = INT64_MAX;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "enterprise_id", needs_owner ? FW__REQUIRED : FW__OPTIONAL, 1,
                          FW__JSON_MAX_INT, &c->enterprise_id, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "valid_from", needs_owner ? FW__REQUIRED : FW__OPTIONAL,
                           &c->valid_from_ms, err);
    if (rc == FW_OK && cJSON_GetObjectItemCaseSensitive(root, "valid_to") &&
        !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "valid_to"))) {
        rc = fw__json_date(root, "$", "valid_to", FW__REQUIRED, &to, err);
        if (rc == FW_OK) {
            c->valid_to_ms = to + FW__MS_PER_DAY;     /* inclusive date: the range ends next day */
            if (c->valid_to_ms <= c->valid_from_ms)
                rc = fw__error_set(err, FW_EINVAL, "$.valid_to", "must not be before valid_from");
        }
    }
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "rate_ppm", FW__OPTIONAL, 0, FW__PPM, &rate, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "tiers", FW__OPTIONAL, MAX_TIERS, &tiers, err);
    if (rc == FW_OK && (rate >= 0) == (tiers != NULL))
        rc = fw__error_set(err, FW_EINVAL, "$.rate_ppm", "give either rate_ppm or tiers (one of them)");
    if (rc == FW_OK && tiers) {
        if (cJSON_GetArraySize(tiers) == 0)
            rc = fw__error_set(err, FW_EINVAL, "$.tiers", "must hold 1..%d tiers", MAX_TIERS);
        cJSON_ArrayForEach(t, tiers) {
            char path[32];
            if (rc != FW_OK)
                break;
            fw__json_path_index(path, sizeof(path), "$.tiers", i);
            if (!cJSON_IsObject(t)) {
                rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
                break;
            }
            rc = fw__json_only(t, path, tfields, err);
            if (rc == FW_OK)
                rc = fw__json_i64(t, path, "from_volume_fen", FW__REQUIRED, 0, INT64_MAX,
                                  &c->tiers[i].from, err);
            if (rc == FW_OK)
                rc = fw__json_i64(t, path, "rate_ppm", FW__REQUIRED, 0, FW__PPM, &c->tiers[i].rate, err);
            if (rc == FW_OK && i == 0 && c->tiers[0].from != 0)
                rc = fw__error_set(err, FW_EINVAL, path, "the first tier must start at from_volume_fen 0");
            if (rc == FW_OK && i > 0 && c->tiers[i].from <= c->tiers[i - 1].from)
                rc = fw__error_set(err, FW_EINVAL, path,
                                   "from_volume_fen must ascend strictly, got %lld after %lld",
                                   (long long)c->tiers[i].from, (long long)c->tiers[i - 1].from);
            i++;
        }
        c->ntiers = i;
        c->has_tiers = 1;
    } else if (rc == FW_OK) {
        c->tiers[0].from = 0;
        c->tiers[0].rate = rate;
        c->ntiers = 1;
    }
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "tier_mode", FW__OPTIONAL, modes, &mode, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "fixed_fen", FW__OPTIONAL, 0, INT64_MAX, &c->fixed, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "min_fen", FW__OPTIONAL, 0, INT64_MAX, &c->min, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "max_fen", FW__OPTIONAL, c->min, INT64_MAX, &c->max, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "base", FW__OPTIONAL, bases, &base, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "bearer", FW__OPTIONAL, bearers, &bearer, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "charge", FW__OPTIONAL, charges, &charge, err);
    if (rc == FW_OK && base == BASE_NET && mode == MODE_MARGINAL && c->ntiers > 1)
        rc = fw__error_set(err, FW_EINVAL, "$.base",
                           "a net base needs tier_mode \"whole\": marginal bands of a net amount "
                           "are not defined");
    c->mode = mode;
    c->base = base;
    c->bearer = (uint32_t)bearer + 1;
    c->charge = (uint32_t)charge + 1;
    return rc;
}

/* Decimal text of num/den fen, 6 decimals, truncated toward zero. */
static void decimal(char *buf, size_t size, __int128 num, __int128 den)
{
    __int128 q = num / den, r = num % den;
    long long frac = (long long)(r * 1000000 / den);
    snprintf(buf, size, "%lld.%06lld", (long long)q, frac < 0 ? -frac : frac);
}

struct result {
    int64_t fee, pays, receives, rounded;
    int clamp;                          /* 0, 1 min, 2 max */
    __int128 rate_num, num, den;        /* rate part = rate_num / 1e6; unrounded = num / den */
    struct { size_t tier; int64_t portion; } parts[MAX_TIERS];
    size_t nparts;
};

static size_t tier_at(const struct fw_fee_calc *c, int64_t volume)
{
    size_t i = 0;
    while (i + 1 < c->ntiers && c->tiers[i + 1].from <= volume)
        i++;
    return i;
}

static int compute(const struct fw_fee_calc *c, int64_t amount, int64_t volume, struct result *r,
                   fw_error **err)
{
    int64_t end, q, frac;
    __int128 num, den;
    size_t i;

    memset(r, 0, sizeof(*r));
    if (amount < 0)
        return fw__error_set(err, FW_EINVAL, "amount_fen", "must be >= 0 fen, got %lld",
                             (long long)amount);
    if (volume < 0)
        return fw__error_set(err, FW_EINVAL, "volume_fen", "must be >= 0 fen, got %lld",
                             (long long)volume);
    if (fw__money_add(volume, amount, &end) != FW_OK)
        return fw__error_set(err, FW_EOVERFLOW, "volume_fen",
                             "volume %lld + amount %lld leaves the int64 fen range",
                             (long long)volume, (long long)amount);
    r->den = 1;
    if (amount == 0) {
        r->pays = r->receives = 0;
        return FW_OK;                    /* nothing paid, nothing charged */
    }
    if (c->mode == MODE_WHOLE || c->ntiers == 1) {
        i = tier_at(c, end);
        r->parts[0].tier = i;
        r->parts[0].portion = amount;
        r->nparts = 1;
        r->rate_num = (__int128)amount * c->tiers[i].rate;
    } else {
        int64_t lo = volume;
        for (i = tier_at(c, volume); lo < end; i++) {
            int64_t hi = i + 1 < c->ntiers && c->tiers[i + 1].from < end ? c->tiers[i + 1].from : end;
            r->parts[r->nparts].tier = i;
            r->parts[r->nparts].portion = hi - lo;
            r->nparts++;
            r->rate_num += (__int128)(hi - lo) * c->tiers[i].rate;
            lo = hi;
        }
    }
    if (c->base == BASE_NET && c->bearer == FW_FEE_DEDUCTED) {
        int64_t rate = c->tiers[r->parts[0].tier].rate;
        num = (__int128)c->fixed * FW__PPM + r->rate_num;
        den = FW__PPM + rate;
    } else {
        num = (__int128)c->fixed * FW__PPM + r->rate_num;
        den = FW__PPM;
    }
    r->num = num;
    r->den = den;
    /* Round once: the whole part is exact, the remainder goes through the one rounding helper. */
    if (num / den > INT64_MAX)
        return fw__error_set(err, FW_EOVERFLOW, "amount_fen",
                             "the fee on %lld fen leaves the int64 fen range", (long long)amount);
    q = (int64_t)(num / den);
    if (fw__money_muldiv((int64_t)(num % den), 1, (int64_t)den, FW__ROUND_HALF_UP, &frac) != FW_OK ||
        fw__money_add(q, frac, &r->rounded) != FW_OK)
        return fw__error_set(err, FW_EOVERFLOW, "amount_fen",
                             "the fee on %lld fen leaves the int64 fen range", (long long)amount);
    r->fee = r->rounded;
    if (r->fee < c->min) {
        r->fee = c->min;
        r->clamp = 1;
    } else if (c->max >= 0 && r->fee > c->max) {
        r->fee = c->max;
        r->clamp = 2;
    }
    if (c->bearer == FW_FEE_DEDUCTED) {
        if (r->fee > amount)
            return fw__error_set(err, FW_ELIMIT, "amount_fen",
                                 "the fee of %lld fen deducted from %lld fen would leave the worker "
                                 "less than nothing", (long long)r->fee, (long long)amount);
        r->pays = amount;
        r->receives = amount - r->fee;
    } else {
        if (fw__money_add(amount, r->fee, &r->pays) != FW_OK)
            return fw__error_set(err, FW_EOVERFLOW, "amount_fen",
                                 "amount %lld + fee %lld leaves the int64 fen range",
                                 (long long)amount, (long long)r->fee);
        r->receives = amount;
    }
    return FW_OK;
}

int fw_fee_calc_compute(const fw_fee_calc *calc, int64_t amount_fen, int64_t volume_fen,
                        int64_t *fee_fen, int64_t *enterprise_pays_fen,
                        int64_t *worker_receives_fen, fw_error **err)
{
    struct result r;
    int rc;

    if (!calc)
        return fw__error_set(err, FW_EINVAL, NULL, "calc is required");
    if ((rc = compute(calc, amount_fen, volume_fen, &r, err)) != FW_OK)
        return rc;
    if (fee_fen)
        *fee_fen = r.fee;
    if (enterprise_pays_fen)
        *enterprise_pays_fen = r.pays;
    if (worker_receives_fen)
        *worker_receives_fen = r.receives;
    return FW_OK;
}

int fw_fee_calc_breakdown(const fw_fee_calc *calc, int64_t amount_fen, int64_t volume_fen,
                          char **out_json, size_t *out_len, fw_error **err)
{
    struct result r;
    char buf[64];
    cJSON *o, *parts;
    size_t i;
    int rc;

    if (!calc || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "calc and out_json are required");
    if ((rc = compute(calc, amount_fen, volume_fen, &r, err)) != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "amount_fen", amount_fen);
    fw__json_add_i64(o, "volume_before_fen", volume_fen);
    cJSON_AddStringToObject(o, "tier_mode", modes[calc->mode]);
    cJSON_AddStringToObject(o, "base", bases[calc->base]);
    cJSON_AddStringToObject(o, "bearer", bearers[calc->bearer - 1]);
    cJSON_AddStringToObject(o, "charge", charges[calc->charge - 1]);
    parts = cJSON_AddArrayToObject(o, "parts");
    for (i = 0; i < r.nparts; i++) {
        cJSON *p = cJSON_CreateObject();
        if (!p)
            break;
        fw__json_add_i64(p, "tier", (int64_t)r.parts[i].tier);
        fw__json_add_i64(p, "from_volume_fen", calc->tiers[r.parts[i].tier].from);
        fw__json_add_i64(p, "portion_fen", r.parts[i].portion);
        fw__json_add_i64(p, "rate_ppm", calc->tiers[r.parts[i].tier].rate);
        cJSON_AddItemToArray(parts, p);
    }
    decimal(buf, sizeof(buf), r.rate_num, FW__PPM);
    cJSON_AddStringToObject(o, "rate_part_exact_fen", buf);
    fw__json_add_i64(o, "fixed_fen", amount_fen ? calc->fixed : 0);
    decimal(buf, sizeof(buf), r.num, r.den);
    cJSON_AddStringToObject(o, "unrounded_fen", buf);
    fw__json_add_i64(o, "rounded_fen", r.rounded);
    if (r.clamp)
        cJSON_AddStringToObject(o, "clamp", r.clamp == 1 ? "min" : "max");
    else
        cJSON_AddNullToObject(o, "clamp");
    fw__json_add_i64(o, "fee_fen", r.fee);
    fw__json_add_i64(o, "enterprise_pays_fen", r.pays);
    fw__json_add_i64(o, "worker_receives_fen", r.receives);
    if (calc->schedule_id) {
        fw__json_add_i64(o, "schedule_id", calc->schedule_id);
        fw__json_add_i64(o, "version", calc->version);
    } else {
        cJSON_AddNullToObject(o, "schedule_id");
        cJSON_AddNullToObject(o, "version");
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_fee_calc_from_json(fw_fee_calc **out, const char *json, size_t json_len, fw_error **err)
{
    struct fw_fee_calc *c;
    cJSON *root = NULL;
    int rc;

    if (!out || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "out and json are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if (!(c = malloc(sizeof(*c)))) {
        cJSON_Delete(root);
        return fw__error_nomem(err);
    }
    rc = parse_schedule(c, root, 0, err);
    cJSON_Delete(root);
    if (rc != FW_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return FW_OK;
}

uint32_t fw_fee_calc_charge(const fw_fee_calc *calc)
{
    return calc ? calc->charge : 0;
}

uint32_t fw_fee_calc_bearer(const fw_fee_calc *calc)
{
    return calc ? calc->bearer : 0;
}

fw_id fw_fee_calc_schedule_id(const fw_fee_calc *calc)
{
    return calc ? calc->schedule_id : 0;
}

void fw_fee_calc_free(fw_fee_calc *calc)
{
    free(calc);
}

int fw_fee_schedule_set(fw_ctx *ctx, fw_id *out_id, const char *json, size_t json_len,
                        fw_error **err)
{
    struct fw_fee_calc c;
    cJSON *root = NULL;
    char *canon = NULL;
    int64_t version = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_id and json are required");
    if ((rc = fw__authz_require(ctx, "fee.schedule_set", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = parse_schedule(&c, root, 1, err);
    if (rc == FW_OK && !(canon = fw__json_print(root)))
        rc = fw__error_nomem(err);
    cJSON_Delete(root);
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        cJSON_free(canon);
        return rc;
    }
    rc = fw__db_i64(ctx, &version, err,
                    "SELECT coalesce(max(version), 0) + 1 FROM fw_fee_schedule WHERE enterprise_id=?",
                    "i", c.enterprise_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_fee_schedule(enterprise_id, version, valid_from_ms, "
                         "valid_to_ms, schedule, created_ms) VALUES (?,?,?,?,?,?)",
                         "iiiiti", c.enterprise_id, version, c.valid_from_ms, c.valid_to_ms, canon,
                         fw_ctx_now(ctx));
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        rc = fw__audit_append(ctx, "fee.schedule_set", "fee_schedule", id, canon, strlen(canon), err);
    }
    cJSON_free(canon);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* Loads the schedule in force; with root, also its JSON tree (the caller deletes it). */
static int load_in_force(fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms, struct fw_fee_calc *c,
                         cJSON **root_out, fw_error **err)
{
    cJSON *root = NULL;
    fw__stmt *s;
    fw_id id = 0;
    int64_t version = 0;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT id, version, schedule FROM fw_fee_schedule WHERE enterprise_id=? "
                          "AND valid_from_ms <= ? AND valid_to_ms > ? ORDER BY version DESC LIMIT 1",
                          "iii", enterprise_id, at_ms, at_ms);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        id = fw__db_col_i64(s, 0);
        version = fw__db_col_i64(s, 1);
        rc = fw__json_parse(&root, fw__db_col_text(s, 2), (size_t)-1, err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "enterprise_id",
                           "enterprise %lld has no fee schedule in force at %lld",
                           (long long)enterprise_id, (long long)at_ms);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = parse_schedule(c, root, 1, err);
    if (rc == FW_OK) {
        c->schedule_id = id;
        c->version = version;
    }
    if (rc == FW_OK && root_out)
        *root_out = root;
    else
        cJSON_Delete(root);
    return rc;
}

int fw__fee_calc_for(fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms, fw_fee_calc **out,
                     fw_error **err)
{
    struct fw_fee_calc *c = malloc(sizeof(*c));
    int rc;

    if (!c)
        return fw__error_nomem(err);
    if ((rc = load_in_force(ctx, enterprise_id, at_ms, c, NULL, err)) != FW_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return FW_OK;
}

int fw_fee_calc_new(fw_fee_calc **out, fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms,
                    fw_error **err)
{
    int rc;

    if (!out || !ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "out and ctx are required");
    if ((rc = fw__authz_require_owner(ctx, "fee.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    return fw__fee_calc_for(ctx, enterprise_id, at_ms, out, err);
}

int fw_fee_schedule_get(fw_ctx *ctx, fw_id enterprise_id, int64_t at_ms, char **out_json,
                        size_t *out_len, fw_error **err)
{
    struct fw_fee_calc c;
    cJSON *root = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "fee.read", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if ((rc = load_in_force(ctx, enterprise_id, at_ms, &c, &root, err)) != FW_OK)
        return rc;
    cJSON_DeleteItemFromObjectCaseSensitive(root, "enterprise_id");
    fw__json_add_i64(root, "id", c.schedule_id);
    fw__json_add_i64(root, "version", c.version);
    fw__json_add_i64(root, "enterprise_id", enterprise_id);
    return fw__json_out(root, out_json, out_len, err);
}
