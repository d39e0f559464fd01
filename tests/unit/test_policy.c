/* policy: deny by default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

static void test_power_list(void **state)
{
    struct yw_principal approver = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = YW_ROLE_APPROVER};
    struct yw_principal supervisor = {.kind = YW_PRINCIPAL_ACCOUNT,
                                      .roles = YW_ROLE_SUPERVISOR,
                                      .n_powers = 1,
                                      .powers = {"case.approve"}};
    struct yw_err err = {0};
    (void)state;

    /* The role alone is not enough for a government power … */
    assert_int_equal(yw_policy_decide(&approver, "case.approve", NULL, &err), YW_EPERM);
    assert_non_null(strstr(err.message, "power list"));
    /* … nor is the power without the role … */
    assert_int_equal(yw_policy_decide(&supervisor, "case.approve", NULL, &err), YW_EPERM);
    /* … both together are. */
    approver.n_powers = 2;
    (void)yw_copy(approver.powers[0], sizeof(approver.powers[0]), "case.accept");
    (void)yw_copy(approver.powers[1], sizeof(approver.powers[1]), "case.approve");
    assert_int_equal(yw_policy_decide(&approver, "case.approve", NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(&approver, "case.accept", NULL, &err), YW_OK);
    /* A power on the list grants nothing the role table does not. */
    assert_int_equal(yw_policy_decide(&approver, "catalog.publish", NULL, &err), YW_EPERM);
}

/* A data steward keeps its own organisation's resources, nobody else's; the
 * data authority's review needs the CDO role and the power. */
static void test_own_organisation(void **state)
{
    struct yw_principal steward = {.kind = YW_PRINCIPAL_ACCOUNT,
                                   .login = "steward.gat",
                                   .org = "ql.gat",
                                   .roles = YW_ROLE_DATA_STEWARD};
    struct yw_principal cdo = {.kind = YW_PRINCIPAL_ACCOUNT,
                               .login = "cdo",
                               .org = "ql.dsj",
                               .roles = YW_ROLE_CDO | YW_ROLE_DATA_STEWARD};
    struct yw_policy_object own = {"resource", "101001/000001", "ql.gat"};
    struct yw_policy_object other = {"resource", "101002/000001", "ql.mzt"};
    struct yw_err err = {0};
    (void)state;

    assert_int_equal(yw_policy_decide(&steward, "catalog.write", &own, &err), YW_OK);
    assert_int_equal(yw_policy_decide(&steward, "catalog.write", &other, &err), YW_EPERM);
    assert_non_null(strstr(err.message, "own data"));
    /* Without an object only the role is checked: the route's gate. */
    assert_int_equal(yw_policy_decide(&steward, "catalog.write", NULL, &err), YW_OK);
    assert_int_equal(yw_policy_decide(&steward, "catalog.review", &own, &err), YW_EPERM);
    assert_int_equal(yw_policy_decide(&cdo, "catalog.review", &own, &err), YW_EPERM);
    cdo.n_powers = 1;
    (void)yw_copy(cdo.powers[0], sizeof(cdo.powers[0]), "catalog.review");
    assert_int_equal(yw_policy_decide(&cdo, "catalog.review", &own, &err), YW_OK);
    /* Reading is for staff, not for citizens. */
    struct yw_principal citizen = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = YW_ROLE_CITIZEN};
    assert_int_equal(yw_policy_decide(&citizen, "catalog.read", NULL, &err), YW_EPERM);
    assert_int_equal(yw_policy_decide(&steward, "catalog.read", NULL, &err), YW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions), cmocka_unit_test(test_roles),
        cmocka_unit_test(test_power_list), cmocka_unit_test(test_own_organisation)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
