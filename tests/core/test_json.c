/* JSON in: size and depth limits, strict records, field getters naming the field's path. */
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "support.h"
#include "core/json.h"

/* Parses text that must be valid, failing the test otherwise. */
static cJSON *parse(const char *text)
{
    cJSON *root = NULL;
    fw_error *err = NULL;
    assert_rc(fw__json_parse(&root, text, strlen(text), &err), FW_OK, &err);
    return root;
}

static void expect_parse(const char *text, size_t len, int code, const char *msg)
{
    cJSON *root = (cJSON *)0x1;
    fw_error *err = NULL;
    assert_int_equal(fw__json_parse(&root, text, len, &err), code);
    assert_ptr_equal(root, (cJSON *)0x1);
    if (msg)
        assert_string_equal(fw_error_message(err), msg);
    assert_string_equal(fw_error_path(err), "$");
    fw_error_free(err);
}

static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 2 + 2);
    int i;
    for (i = 0; i < depth; i++) {
        s[i] = '[';
        s[depth + 1 + i] = ']';
    }
    s[depth] = '1';
    s[2 * depth + 1] = '\0';
    return s;
}

static void parse_limits(void **state)
{
    cJSON *root = NULL;
    fw_error *err = NULL;
    char *s;
    (void)state;
    /* Depth: 32 nested containers are accepted, 33 are not (checked before cJSON recurses). */
    s = nested(32);
    assert_rc(fw__json_parse_any(&root, s, strlen(s), &err), FW_OK, &err);
    cJSON_Delete(root);
    free(s);
    s = nested(33);
    assert_int_equal(fw__json_parse_any(&root, s, strlen(s), &err), FW_EJSON);
    assert_string_equal(fw_error_message(err), "$: JSON nests deeper than 32 levels");
    fw_error_free(err);
    err = NULL;
    free(s);
    s = nested(100000);           /* far deeper: refused without recursion */
    assert_int_equal(fw__json_parse_any(&root, s, strlen(s), NULL), FW_EJSON);
    free(s);
    /* Brackets inside strings do not count. */
    root = parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}");
    cJSON_Delete(root);
    /* Size: one byte over 16 MiB is refused before parsing. */
    expect_parse("{}", FW__JSON_MAX_BYTES + 1u, FW_EJSON,
                 "$: JSON text is 16777217 bytes; at most 16777216 are accepted");
}

static void parse_errors(void **state)
{
    expect_parse("{\"a\":1} x", 9, FW_EJSON, "$: unexpected text after the JSON value at byte 8");
    cJSON *root = NULL;
    assert_int_equal(fw__json_parse(&root, "{\"a\":1}\n\t ", 10, NULL), FW_OK);
    cJSON_Delete(root);
    (void)state;
}

static void parse_errors_2(void **state)
{
    cJSON *root = NULL;
    (void)state;
    expect_parse("{\"a\":1}\0{}", 10, FW_EJSON, "$: unexpected text after the JSON value at byte 7");
    expect_parse("{\"a\":}", 6, FW_EJSON, "$: malformed JSON at byte 5");
    expect_parse("{\"a\" 1}", 7, FW_EJSON, "$: malformed JSON at byte 5");
    expect_parse("", 0, FW_EJSON, NULL);
    expect_parse("[1,2]", 5, FW_EINVAL, "$: must be a JSON object");
    expect_parse(NULL, 0, FW_EINVAL, "$: JSON text is required");
    /* (size_t)-1 means NUL-terminated. */
    assert_int_equal(fw__json_parse(&root, "{\"a\":[]}", (size_t)-1, NULL), FW_OK);
    cJSON_Delete(root);
    /* len bounds the text: the rest of the buffer is not read. */
    assert_int_equal(fw__json_parse(&root, "{}garbage", 2, NULL), FW_OK);
    cJSON_Delete(root);
}

static void only_rejects_unknown_and_repeated(void **state)
{
    static const char *const fields[] = { "name", "amount_fen", NULL };
    cJSON *root = parse("{\"name\":\"x\",\"amount_fen\":1,\"amout_fen\":2}");
    cJSON *inner;
    fw_error *err = NULL;
    (void)state;
    assert_int_equal(fw__json_only(root, "$", fields, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.amout_fen");
    assert_string_equal(fw_error_message(err),
                        "$.amout_fen: unknown field; accepted fields are: name, amount_fen");
    fw_error_free(err);
    err = NULL;
    cJSON_Delete(root);
    root = parse("{\"w\":{\"name\":\"x\",\"name\":\"y\"}}");
    inner = cJSON_GetObjectItem(root, "w");
    assert_int_equal(fw__json_only(inner, "$.w", fields, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.w.name: appears more than once");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__json_only(cJSON_GetObjectItem(inner, "name"), "$.w.name", fields, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.w.name: must be an object, got a string");
    fw_error_free(err);
    cJSON_Delete(root);
    root = parse("{\"amount_fen\":1}");
    assert_int_equal(fw__json_only(root, "$", fields, NULL), FW_OK);
    cJSON_Delete(root);
}

#define EXPECT(call, code, msg)                                          \
    do {                                                                 \
        fw_error *e_ = NULL;                                             \
        assert_int_equal((call), (code));                                \
        if (msg)                                                         \
            assert_string_equal(fw_error_message(e_), (const char *)(msg)); \
        fw_error_free(e_);                                               \
    } while (0)

static void string_getter(void **state)
{
    cJSON *root = parse("{\"s\":\"张三\",\"n\":5,\"e\":\"\",\"z\":null,\"bad\":\"\\u00ff\"}");
    const char *out = "untouched";
    (void)state;
    EXPECT(fw__json_str(root, "$", "s", FW__REQUIRED, 1, 10, &out, &e_), FW_OK, NULL);
    assert_string_equal(out, "张三");
    out = "untouched";
    EXPECT(fw__json_str(root, "$", "s", FW__REQUIRED, 3, 10, &out, &e_), FW_EINVAL,
           "$.s: must be 3 to 10 characters long, got 2");
    EXPECT(fw__json_str(root, "$", "s", FW__REQUIRED, 0, 1, &out, &e_), FW_EINVAL,
           "$.s: must be 0 to 1 characters long, got 2");
    EXPECT(fw__json_str(root, "$", "n", FW__REQUIRED, 0, 10, &out, &e_), FW_EINVAL,
           "$.n: must be a string, got a number");
    EXPECT(fw__json_str(root, "$", "missing", FW__REQUIRED, 0, 10, &out, &e_), FW_EINVAL,
           "$.missing: is required");
    EXPECT(fw__json_str(root, "$", "z", FW__REQUIRED, 0, 10, &out, &e_), FW_EINVAL, "$.z: is required");
    EXPECT(fw__json_str(root, "$", "z", FW__OPTIONAL, 0, 10, &out, &e_), FW_OK, NULL);
    EXPECT(fw__json_str(root, "$", "missing", FW__OPTIONAL, 0, 10, &out, &e_), FW_OK, NULL);
    EXPECT(fw__json_str(root, "$", "e", FW__REQUIRED, 1, 10, &out, &e_), FW_EINVAL,
           "$.e: must be 1 to 10 characters long, got 0");
    assert_string_equal(out, "untouched");
    EXPECT(fw__json_str(root, "$.workers[3]", "s", FW__REQUIRED, 5, 10, &out, &e_), FW_EINVAL,
           "$.workers[3].s: must be 5 to 10 characters long, got 2");
    cJSON_Delete(root);
}

static void integer_getter(void **state)
{
    cJSON *root = parse("{\"a\":-5,\"b\":1.5,\"c\":\"7\",\"big\":9007199254740992,\"max\":9007199254740991,"
                        "\"e\":1e3,\"t\":true}");
    int64_t out = 77;
    (void)state;
    EXPECT(fw__json_i64(root, "$", "a", FW__REQUIRED, 1, 100, &out, &e_), FW_EINVAL,
           "$.a: must be an integer from 1 to 100, got -5");
    EXPECT(fw__json_i64(root, "$", "b", FW__REQUIRED, 0, 100, &out, &e_), FW_EINVAL,
           "$.b: must be an integer from 0 to 100, got 1.5");
    EXPECT(fw__json_i64(root, "$", "c", FW__REQUIRED, 0, 100, &out, &e_), FW_EINVAL,
           "$.c: must be an integer from 0 to 100, got a string");
    EXPECT(fw__json_i64(root, "$", "t", FW__REQUIRED, 0, 100, &out, &e_), FW_EINVAL,
           "$.t: must be an integer from 0 to 100, got a boolean");
    EXPECT(fw__json_i64(root, "$", "big", FW__REQUIRED, 0, INT64_MAX, &out, &e_), FW_EINVAL,
           "$.big: must be an integer from 0 to 9223372036854775807, got 9007199254740992");
    EXPECT(fw__json_i64(root, "$", "x", FW__REQUIRED, 0, 1, &out, &e_), FW_EINVAL, "$.x: is required");
    assert_int_equal(out, 77);
    EXPECT(fw__json_i64(root, "$", "max", FW__REQUIRED, 0, INT64_MAX, &out, &e_), FW_OK, NULL);
    assert_int_equal(out, 9007199254740991LL);
    EXPECT(fw__json_i64(root, "$", "e", FW__REQUIRED, 0, 1000, &out, &e_), FW_OK, NULL);
    assert_int_equal(out, 1000);
    EXPECT(fw__json_i64(root, "$", "a", FW__REQUIRED, -5, -5, &out, &e_), FW_OK, NULL);
    assert_int_equal(out, -5);
    cJSON_Delete(root);
}

static void other_getters(void **state)
{
    static const char *const kinds[] = { "daily", "monthly", NULL };
    cJSON *root = parse("{\"b\":true,\"n\":0,\"k\":\"monthly\",\"kx\":\"weekly\",\"o\":{},\"a\":[1,2,3],"
                        "\"h\":\"00ff\",\"H\":\"00FF\",\"h3\":\"00f\"}");
    const cJSON *item = NULL;
    const char *s = NULL;
    int b = 9, k = 9;
    (void)state;
    EXPECT(fw__json_bool(root, "$", "b", FW__REQUIRED, &b, &e_), FW_OK, NULL);
    assert_int_equal(b, 1);
    EXPECT(fw__json_bool(root, "$", "n", FW__REQUIRED, &b, &e_), FW_EINVAL,
           "$.n: must be true or false, got a number");
    EXPECT(fw__json_enum(root, "$", "k", FW__REQUIRED, kinds, &k, &e_), FW_OK, NULL);
    assert_int_equal(k, 1);
    EXPECT(fw__json_enum(root, "$", "kx", FW__REQUIRED, kinds, &k, &e_), FW_EINVAL,
           "$.kx: must be one of \"daily\", \"monthly\", got \"weekly\"");
    EXPECT(fw__json_enum(root, "$", "n", FW__REQUIRED, kinds, &k, &e_), FW_EINVAL,
           "$.n: must be one of \"daily\", \"monthly\", got a number");
    assert_int_equal(k, 1);
    EXPECT(fw__json_obj(root, "$", "o", FW__REQUIRED, &item, &e_), FW_OK, NULL);
    assert_true(cJSON_IsObject(item));
    EXPECT(fw__json_obj(root, "$", "a", FW__REQUIRED, &item, &e_), FW_EINVAL,
           "$.a: must be an object, got an array");
    EXPECT(fw__json_arr(root, "$", "a", FW__REQUIRED, 3, &item, &e_), FW_OK, NULL);
    assert_int_equal(cJSON_GetArraySize(item), 3);
    EXPECT(fw__json_arr(root, "$", "a", FW__REQUIRED, 2, &item, &e_), FW_EINVAL,
           "$.a: must have at most 2 items, got 3");
    EXPECT(fw__json_arr(root, "$", "o", FW__REQUIRED, 2, &item, &e_), FW_EINVAL,
           "$.o: must be an array, got an object");
    EXPECT(fw__json_hex(root, "$", "h", FW__REQUIRED, 2, &s, &e_), FW_OK, NULL);
    assert_string_equal(s, "00ff");
    EXPECT(fw__json_hex(root, "$", "H", FW__REQUIRED, 2, &s, &e_), FW_EINVAL,
           "$.H: must be 4 lower-case hex digits");
    EXPECT(fw__json_hex(root, "$", "h3", FW__REQUIRED, 2, &s, &e_), FW_EINVAL,
           "$.h3: must be 4 lower-case hex digits, got 3 characters");
    cJSON_Delete(root);
}

static void date_getter(void **state)
{
    cJSON *root = parse("{\"leap\":\"2024-02-29\",\"noleap\":\"2023-02-29\",\"y2100\":\"2100-02-29\","
                        "\"y2000\":\"2000-02-29\",\"m13\":\"2026-13-01\",\"slash\":\"2026/03/01\","
                        "\"space\":\" 202-03-01\",\"plus\":\"2026-+3-01\",\"short\":\"2026-3-1\","
                        "\"d0\":\"2026-03-00\",\"y0\":\"0000-01-01\"}");
    int64_t ms = 0;
    static const char *const bad[] = { "noleap", "y2100", "m13", "slash", "space", "plus", "d0", "y0", NULL };
    int i;
    (void)state;
    EXPECT(fw__json_date(root, "$", "leap", FW__REQUIRED, &ms, &e_), FW_OK, NULL);
    assert_int_equal(ms, 1709136000000LL);     /* 2024-02-28T16:00:00Z = 2024-02-29 00:00 CST */
    EXPECT(fw__json_date(root, "$", "y2000", FW__REQUIRED, &ms, &e_), FW_OK, NULL);
    assert_int_equal(ms, 951753600000LL);      /* 2000-02-28T16:00:00Z */
    EXPECT(fw__json_date(root, "$", "noleap", FW__REQUIRED, &ms, &e_), FW_EINVAL,
           "$.noleap: must be a date YYYY-MM-DD that exists, got \"2023-02-29\"");
    for (i = 0; bad[i]; i++)
        EXPECT(fw__json_date(root, "$", bad[i], FW__REQUIRED, &ms, &e_), FW_EINVAL, NULL);
    EXPECT(fw__json_date(root, "$", "short", FW__REQUIRED, &ms, &e_), FW_EINVAL,
           "$.short: must be 10 to 10 characters long, got 8");
    assert_int_equal(ms, 951753600000LL);
    cJSON_Delete(root);
}

static void paths_and_output(void **state)
{
    char buf[16];
    char *out = NULL;
    size_t len = 0;
    cJSON *o;
    (void)state;
    assert_string_equal(fw__json_path(buf, sizeof(buf), "$.a", "b"), "$.a.b");
    assert_string_equal(fw__json_path(buf, sizeof(buf), NULL, "b"), "$.b");
    assert_string_equal(fw__json_path_index(buf, sizeof(buf), "$.workers", 3), "$.workers[3]");
    assert_string_equal(fw__json_path(buf, 8, "$.abcdefgh", "x"), "$.abcde");
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "fen", 9007199254740991LL);
    fw__json_add_hex(o, "h", (const unsigned char *)"\x00\xab", 2);
    assert_int_equal(fw__json_out(o, &out, &len, NULL), FW_OK);
    assert_string_equal(out, "{\"fen\":9007199254740991,\"h\":\"00ab\"}");
    assert_int_equal(len, strlen(out));
    fw_free(out);
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "a", INT64_MAX);
    fw__json_add_i64(o, "b", INT64_MIN);
    fw__json_add_i64(o, "c", 999999999999999LL);
    fw__json_add_i64(o, "d", -1234567890123456LL);
    fw__json_add_i64(o, "e", 1773540000000LL);
    assert_int_equal(fw__json_out(o, &out, &len, NULL), FW_OK);
    assert_string_equal(out, "{\"a\":9223372036854775807,\"b\":-9223372036854775808,"
                        "\"c\":999999999999999,\"d\":-1234567890123456,\"e\":1773540000000}");
    assert_int_equal(len, strlen(out));
    fw_free(out);
    assert_int_equal(fw__json_out(NULL, &out, &len, NULL), FW_ENOMEM);
}

/* fw__json_print writes exactly what cJSON_PrintUnformatted writes, for every kind of value. */
static void printer_matches_cjson(void **state)
{
    static const char *const docs[] = {
        "{}", "[]", "[[],{}]", "{\"a\":null,\"b\":true,\"c\":false}",
        "{\"n\":[0,1,-1,2147483647,2147483648,-2147483649,999999999999999,-999999999999999,"
        "1000000000000000,9007199254740991,1e300,-1e-300,0.1,-2.5,3.14159265358979,1.0000000000000002]}",
        "{\"s\":\"plain \\u4e2d\\u6587 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f\"}",
        "{\"\\u0007key\\n\":\"v\",\"nested\":{\"a\":[1,\"x\",{\"b\":[]}]}}",
        "[\"\",\"\",0]",
    };
    size_t i;
    cJSON *o;
    char *mine, *theirs;
    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        o = cJSON_Parse(docs[i]);
        assert_non_null(o);
        mine = fw__json_print(o);
        theirs = cJSON_PrintUnformatted(o);
        assert_non_null(mine);
        assert_string_equal(mine, theirs);
        free(mine);
        cJSON_free(theirs);
        cJSON_Delete(o);
    }
    o = cJSON_CreateArray();
    cJSON_AddItemToArray(o, cJSON_CreateNumber(-0.0));
    cJSON_AddItemToArray(o, cJSON_CreateNumber(NAN));
    cJSON_AddItemToArray(o, cJSON_CreateNumber(-1e15));
    cJSON_AddItemToArray(o, cJSON_CreateRaw("12345678901234567"));
    mine = fw__json_print(o);
    theirs = cJSON_PrintUnformatted(o);
    assert_string_equal(mine, theirs);
    free(mine);
    cJSON_free(theirs);
    cJSON_Delete(o);
    assert_null(fw__json_print(NULL));
}

TEST_MAIN(cmocka_unit_test(parse_limits),
          cmocka_unit_test(parse_errors),
          cmocka_unit_test(parse_errors_2),
          cmocka_unit_test(only_rejects_unknown_and_repeated),
          cmocka_unit_test(string_getter),
          cmocka_unit_test(integer_getter),
          cmocka_unit_test(other_getters),
          cmocka_unit_test(date_getter),
          cmocka_unit_test(paths_and_output),
          cmocka_unit_test(printer_matches_cjson))
