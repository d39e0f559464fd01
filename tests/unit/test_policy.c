/* policy: deny by default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy/policy.h"

static void test_decisions(void **state)
{
    struct yw_principal anonymous = {.kind = YW_PRINCIPAL_ANONYMOUS};
    struct yw_policy_object node = {.kind = "node", .id = "1"};
    struct yw_err err = {0};
    (void)state;

    assert_int_equal(yw_policy_decide(&anonymous, YW_ACTION_PUBLIC, NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(NULL, YW_ACTION_PUBLIC, NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(&anonymous, "node.update", &node, &err), YW_EAUTH);
    assert_int_equal(yw_policy_decide(NULL, "node.update", NULL, &err), YW_EAUTH);
    /* A route that forgot its permission is denied, not allowed. */
    assert_int_equal(yw_policy_decide(&anonymous, NULL, NULL, &err), YW_EPERM);
    /* Near misses of "public" are not public. */
    assert_int_equal(yw_policy_decide(&anonymous, "Public", NULL, &err), YW_EAUTH);
    assert_int_equal(yw_policy_decide(&anonymous, "public ", NULL, &err), YW_EAUTH);
    assert_int_equal(yw_policy_decide(&anonymous, "", NULL, &err), YW_EAUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_decisions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
