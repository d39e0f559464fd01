/* http: the route table's invariants and the one error table. The routes'
 * behaviour over the wire is tested against the real binary in tests/api/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"

static void test_route_table(void **state)
{
    size_t n = 0;
    const struct yw_route *routes = yw_http_routes(&n);
    static const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    (void)state;

    assert_true(n > 0 && n <= YW__MAX_ROUTES);
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
            known |= strcmp(routes[i].method, methods[m]) == 0;
        assert_true(known);
        assert_non_null(routes[i].handler);
        assert_non_null(routes[i].permission); /* every route declares one */
        assert_non_null(routes[i].summary);
        assert_int_equal(routes[i].pattern[0], '/');
        /* Inline handlers run on I/O threads and never resolve a principal
         * (which reads the database): only public routes may be inline. A
         * public route has no principal to hand a transaction on with. */
        if (strcmp(routes[i].permission, YW_ACTION_PUBLIC) != 0)
            assert_int_not_equal(routes[i].exec, YW_EXEC_INLINE);
        else
            assert_int_not_equal(routes[i].exec, YW_EXEC_WORKER_TXN);
        /* The key's transaction is handed on only to the delivery handlers,
         * which end it and begin no other while they hold it. */
        if (routes[i].exec == YW_EXEC_WORKER_TXN)
            assert_string_equal(routes[i].permission, "exchange.deliver");
        /* Only routes that change something take a body. */
        if (strcmp(routes[i].method, "GET") == 0)
            assert_int_equal(routes[i].body, YW_BODY_NONE);
        for (size_t j = 0; j < i; j++)
            assert_false(strcmp(routes[i].method, routes[j].method) == 0 &&
                         strcmp(routes[i].pattern, routes[j].pattern) == 0);
    }
}

static void test_status_table(void **state)
{
    static const struct {
        int code;
        unsigned status;
        const char *name;
    } cases[] = {
        {YW_EINVAL, 400, "invalid"},     {YW_EAUTH, 401, "unauthenticated"},
        {YW_EPERM, 403, "forbidden"},    {YW_ENOTFOUND, 404, "not_found"},
        {YW_ECONFLICT, 409, "conflict"}, {YW_ETOOBIG, 413, "too_large"},
        {YW_EBUSY, 503, "busy"},         {YW_EDB, 500, "internal"},
        {YW_EINTERNAL, 500, "internal"}, {-12345, 500, "internal"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *name = NULL;
        assert_int_equal(yw__status_of(cases[i].code, &name), cases[i].status);
        assert_string_equal(name, cases[i].name);
    }
}

static void test_error_body(void **state)
{
    (void)state;
    json_t *body = yw__error_body("invalid", "名称无效 / bad name", "name");
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(
        text, "{\"error\":{\"code\":\"invalid\",\"field\":\"name\",\"message\":\"名称无效 / "
              "bad name\"}}");
    free(text);
    json_decref(body);
    body = yw__error_body("not_found", "x", NULL);
    assert_null(json_object_get(json_object_get(body, "error"), "field"));
    json_decref(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_error_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
