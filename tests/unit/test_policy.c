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

static void test_roles(void **state)
{
    struct yw_principal admin = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = YW_ROLE_NODE_ADMIN};
    struct yw_principal clerk = {.kind = YW_PRINCIPAL_ACCOUNT,
                                 .roles = YW_ROLE_WINDOW_CLERK | YW_ROLE_AUDITOR};
    struct yw_principal nobody = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = 0};
    struct yw_err err = {0};
    (void)state;

    assert_int_equal(yw_policy_decide(&admin, "node.update", NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(&clerk, "node.update", NULL, &err), YW_EPERM);
    assert_int_equal(yw_policy_decide(&nobody, "node.update", NULL, &err), YW_EPERM);
    /* Unknown actions are denied to every role, admins included. */
    assert_int_equal(yw_policy_decide(&admin, "node.destroy", NULL, &err), YW_EPERM);
    assert_int_equal(yw_policy_decide(&nobody, YW_ACTION_SELF, NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(NULL, YW_ACTION_SELF, NULL, &err), YW_EAUTH);
    assert_int_equal(yw_policy_role(YW_STR_LIT("node_admin")), YW_ROLE_NODE_ADMIN);
    assert_int_equal(yw_policy_role(YW_STR_LIT("citizen")), YW_ROLE_CITIZEN);
    assert_int_equal(yw_policy_role(YW_STR_LIT("root")), 0);
    assert_string_equal(yw_policy_role_name(YW_ROLE_AUDITOR), "auditor");
    assert_null(yw_policy_role_name(3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_decisions),
                                       cmocka_unit_test(test_roles)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
