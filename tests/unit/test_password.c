/*
 * Unit tests for src/crypto/password.c: Argon2id PHC strings (round trip,
 * salts, independent vectors, malformed strings, rehash), the size cap and
 * the strength rule.
 */
/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"

static struct yw_str str(const char *s)
{
    return yw_str_c(s);
}

/* Independent vectors, made with the argon2 command-line tool (Debian
 * package argon2, 0~20171227):
 *   echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -e
 *   echo -n "correct horse" | argon2 yiwang-salt-0001 -id -t 1 -m 12 -p 1 -l 32 -e */
static const char vector_strong[] =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
static const char vector_weak[] = "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$"
                                  "1e5yF0n4Q+qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac";

/* ---- hashing and verifying ------------------------------------------------- */

static void test_round_trip(void **state)
{
    (void)state;
    char encoded[YW_PASSWORD_HASH_SIZE];
    struct yw_err err = {0};
    const char *password = "Blue-Kettle-42-Lantern";

    assert_int_equal(yw_password_hash(str(password), encoded, sizeof(encoded), &err), YW_OK);
    assert_true(strncmp(encoded, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    assert_int_equal(strlen(encoded), 31 + 22 + 1 + 43); /* 16-byte salt, 32-byte hash */
    assert_null(strstr(encoded, password));

    assert_int_equal(yw_password_verify(str(password), encoded), YW_OK);
    assert_int_equal(yw_password_verify(str("Blue-Kettle-42-lantern"), encoded), YW_EVERIFY);
    assert_int_equal(yw_password_verify(str("Blue-Kettle-42-Lantern "), encoded), YW_EVERIFY);
    assert_int_equal(yw_password_verify(str(""), encoded), YW_EVERIFY);
    assert_false(yw_password_needs_rehash(encoded));

    /* Non-ASCII and embedded NUL bytes are hashed as bytes. */
    static const char with_nul[] = "密码\0Secure-1";
    struct yw_str pw_nul = {with_nul, sizeof(with_nul) - 1};
    assert_int_equal(yw_password_hash(pw_nul, encoded, sizeof(encoded), NULL), YW_OK);
    assert_int_equal(yw_password_verify(pw_nul, encoded), YW_OK);
    assert_int_equal(yw_password_verify(str("密码"), encoded), YW_EVERIFY);
}

static void test_salts_differ(void **state)
{
    (void)state;
    char a[YW_PASSWORD_HASH_SIZE], b[YW_PASSWORD_HASH_SIZE];

    assert_int_equal(yw_password_hash(str("same password 1A"), a, sizeof(a), NULL), YW_OK);
    assert_int_equal(yw_password_hash(str("same password 1A"), b, sizeof(b), NULL), YW_OK);
    assert_string_not_equal(a, b);
    /* The salts (between the 4th and 5th '$') differ, not only the hashes. */
    assert_false(memcmp(a + 31, b + 31, 22) == 0);
    assert_int_equal(yw_password_verify(str("same password 1A"), a), YW_OK);
    assert_int_equal(yw_password_verify(str("same password 1A"), b), YW_OK);
}

static void test_known_vectors(void **state)
{
    (void)state;
    assert_int_equal(yw_password_verify(str("password"), vector_strong), YW_OK);
    assert_int_equal(yw_password_verify(str("Password"), vector_strong), YW_EVERIFY);
    assert_int_equal(yw_password_verify(str("correct horse"), vector_weak), YW_OK);
    assert_int_equal(yw_password_verify(str("correct horse "), vector_weak), YW_EVERIFY);

    /* One flipped hash character. */
    char tampered[sizeof(vector_weak)];
    memcpy(tampered, vector_weak, sizeof(vector_weak));
    tampered[sizeof(vector_weak) - 5] = tampered[sizeof(vector_weak) - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(yw_password_verify(str("correct horse"), tampered), YW_EVERIFY);
}

static void test_needs_rehash(void **state)
{
    (void)state;
    /* Stronger costs and the current salt and hash sizes: kept. */
    assert_false(yw_password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                          "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    /* Stronger costs, but an 8-byte salt ("somesalt"): replaced. */
    assert_true(yw_password_needs_rehash(vector_strong));
    /* Weaker memory and time: replaced. */
    assert_true(yw_password_needs_rehash(vector_weak));
    /* Only the time cost weaker; only the memory cost weaker. */
    assert_true(yw_password_needs_rehash("$argon2id$v=19$m=19456,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                         "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    assert_true(yw_password_needs_rehash("$argon2id$v=19$m=19455,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                         "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    /* Current costs but an 8-byte salt, or a 16-byte hash. */
    assert_true(yw_password_needs_rehash(
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    assert_true(yw_password_needs_rehash(
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5Q"));
    /* Current parameters, more lanes: same work, kept. */
    assert_false(yw_password_needs_rehash("$argon2id$v=19$m=19456,t=2,p=4$c29tZXNhbHRzb21lc2FsdA$"
                                          "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    /* Unparseable: replaced. */
    assert_true(yw_password_needs_rehash(NULL));
    assert_true(yw_password_needs_rehash(""));
    assert_true(yw_password_needs_rehash("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
                                         "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
}

static void test_malformed_encoded(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "password",
        "$argon2id$",
        /* other types and versions */
        "$argon2i$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2d$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=16$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$ARGON2ID$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        /* numbers: leading zero, sign, zero, out of range, missing, reordered */
        "$argon2id$v=19$m=04096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=-4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=0,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4194304,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=99999999999,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=0,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=17,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=0$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=9$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$t=1,m=4096,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=1,data=YWJj$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        /* salt and hash: too short, bad characters, padding, impossible length, missing */
        "$argon2id$v=19$m=4096,t=1,p=1$c2FsdA$1e5yF0n4Q+qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+qhSh4d",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQ*MDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ==$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac=",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdacAB",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ",
        "$argon2id$v=19$m=4096,t=1,p=1$$1e5yF0n4Q+qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
        /* trailing or leading extras */
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac$",
        "$argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac\n",
        " $argon2id$v=19$m=4096,t=1,p=1$eWl3YW5nLXNhbHQtMDAwMQ$1e5yF0n4Q+"
        "qhSh4d1iGM6Ja2tN3EMMO7WGYyIyHzdac",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (yw_password_verify(str("correct horse"), bad[i]) != YW_EINVAL)
            fail_msg("accepted malformed #%zu: %s", i, bad[i]);
        assert_true(yw_password_needs_rehash(bad[i]));
    }
    assert_int_equal(yw_password_verify(str("correct horse"), NULL), YW_EINVAL);

    /* Longer than any string we accept. */
    char long_encoded[400];
    memset(long_encoded, 'A', sizeof(long_encoded) - 1);
    long_encoded[sizeof(long_encoded) - 1] = '\0';
    memcpy(long_encoded, vector_weak, strlen(vector_weak));
    assert_int_equal(yw_password_verify(str("correct horse"), long_encoded), YW_EINVAL);
}

static void test_size_cap(void **state)
{
    (void)state;
    static char big[YW_PASSWORD_MAX_BYTES + 1];
    char encoded[YW_PASSWORD_HASH_SIZE];
    struct yw_err err = {0};

    memset(big, 'x', sizeof(big));
    assert_int_equal(yw_password_hash((struct yw_str){big, YW_PASSWORD_MAX_BYTES}, encoded,
                                      sizeof(encoded), &err),
                     YW_OK);
    assert_int_equal(yw_password_verify((struct yw_str){big, YW_PASSWORD_MAX_BYTES}, encoded),
                     YW_OK);

    encoded[0] = 'x';
    assert_int_equal(
        yw_password_hash((struct yw_str){big, sizeof(big)}, encoded, sizeof(encoded), &err),
        YW_EINVAL);
    assert_string_equal(err.field, "password");
    assert_non_null(strstr(err.message, "1024"));
    assert_string_equal(encoded, "");
    /* A stored hash can never match an over-long password: refused unhashed. */
    assert_int_equal(yw_password_verify((struct yw_str){big, sizeof(big)}, vector_weak),
                     YW_EVERIFY);

    /* The output buffer: 97 characters and the NUL. */
    char small[97];
    assert_int_equal(yw_password_hash(str("x"), small, sizeof(small), &err), YW_ETOOBIG);
    char exact[98];
    assert_int_equal(yw_password_hash(str("x"), exact, sizeof(exact), &err), YW_OK);
    assert_int_equal(yw_password_verify(str("x"), exact), YW_OK);
}

/* ---- strength ---------------------------------------------------------------- */

struct strength_case {
    const char *password;
    const char *account; /* NULL for none */
    const char *reason;  /* a phrase of the English half of the message; NULL: accepted */
};

static const struct strength_case strength_cases[] = {
    /* accepted */
    {"Blue-Kettle-42-Lantern", "alice", NULL},
    {"correct horse battery 9", NULL, NULL}, /* lower, other (space), digit */
    {"Tr0ub4dor&3xk", "zhangsan", NULL},
    {"Vq7#mZ2!pL9w", NULL, NULL},               /* exactly 12 */
    {"我的密码是安全的Ab1x", "王小明", NULL},   /* 12 code points, non-ASCII counts as other */
    {"Ali-Baba-Cave-7", "li", NULL},            /* names under 3 characters are not checked */
    {"Sunshine-Over-Beijing-2024", NULL, NULL}, /* a listed word inside a longer phrase */
    {"PASSWORD-MANAGER-r0cks", NULL, NULL},
    /* refused */
    {"Sh0rt-Pass!", NULL, "at least 12"},
    {"密码太短了Ab1!", NULL, "at least 12"}, /* 9 code points though 21 bytes */
    {"\xff\xfe-Blue-Kettle-42", NULL, "not valid UTF-8"},
    {"Blue-Kettle\t42-Lantern", NULL, "control characters"},
    {"Blue-Kettle\xc2\x85-42-Lantern", NULL, "control characters"}, /* U+0085 */
    {"aaaaaaaaaaaa", NULL, "one character repeated"},
    {"aAaAaAaAaAaAaA", NULL, "one character repeated"},
    {"ÄÄÄÄÄÄÄÄÄÄÄÄ", NULL, "one character repeated"},
    {"Ab1!Ab1!Ab1!", NULL, "shorter string repeated"},
    {"Password1Password1", NULL, "shorter string repeated"},
    {"123456789012", NULL, "sequence or adjacent keys"},
    {"abcdefghijkl", NULL, "sequence or adjacent keys"},
    {"ZYXWVUTSRQPO", NULL, "sequence or adjacent keys"},
    {"!@#$%^&*()_+", NULL, "sequence or adjacent keys"},
    {"Abcdef123456!", NULL, "sequence or adjacent keys"},
    {"1qaz2wsx3edc", NULL, "sequence or adjacent keys"},
    {"1qaz@WSX3edc$RFV", NULL, "sequence or adjacent keys"},
    {"Qwertyuiop12", NULL, "sequence or adjacent keys"},
    {"Password1234!", NULL, "too common"},
    {"P@ssw0rd2024!", NULL, "too common"},
    {"2024#Sunshine!!", NULL, "too common"},
    {"Iloveyou!2024", NULL, "too common"},
    {"Trustno1!!!!", NULL, "too common"},
    {"M0nkey-7391-8", NULL, "too common"},
    {"ZhangSan-2024!", "zhangsan", "account name"},
    {"my-ALICE-key-2024", "Alice", "account name"},
    {"王小明的密码Secure1", "王小明", "account name"},
    {"correcthorsebatterystaple", NULL, "at least 3 of"},
    {"CORRECT-HORSE-BATTERY", NULL, "at least 3 of"},
    {"Correcthorsebattery", NULL, "at least 3 of"},
    {"482917365019", NULL, "at least 3 of"},
};

static void test_strength_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(strength_cases) / sizeof(strength_cases[0]); i++) {
        const struct strength_case *c = &strength_cases[i];
        struct yw_err err = {0};
        struct yw_str account = c->account != NULL ? str(c->account) : (struct yw_str){NULL, 0};
        int rc = yw_password_check_strength(str(c->password), account, &err);

        if (c->reason == NULL) {
            if (rc != YW_OK)
                fail_msg("#%zu refused: %s", i, err.message);
            continue;
        }
        if (rc != YW_EINVAL)
            fail_msg("#%zu accepted, expected \"%s\"", i, c->reason);
        if (strstr(err.message, c->reason) == NULL)
            fail_msg("#%zu: expected \"%s\", got \"%s\"", i, c->reason, err.message);
        assert_string_equal(err.field, "password");
        /* Bilingual, Chinese first: the message starts with 密码 ("password"). */
        assert_true(strncmp(err.message, "密码", strlen("密码")) == 0);
        assert_non_null(strstr(err.message, " / "));
        /* Not cut short, and never echoing the password. */
        assert_true(strlen(err.message) < sizeof(err.message) - 1);
        assert_null(strstr(err.message, c->password));
    }
}

static void test_strength_limits(void **state)
{
    (void)state;
    static char pw[YW_PASSWORD_MAX_BYTES + 1];
    struct yw_err err = {0};
    uint32_t x = 12345;

    /* A 1024-byte password of varied characters passes; one byte more does not. */
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                   "-_.!";
    for (size_t i = 0; i < sizeof(pw); i++) {
        x = x * 1103515245u + 12345u;
        pw[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
    }
    assert_int_equal(
        yw_password_check_strength((struct yw_str){pw, YW_PASSWORD_MAX_BYTES}, str("alice"), &err),
        YW_OK);
    assert_int_equal(
        yw_password_check_strength((struct yw_str){pw, sizeof(pw)}, str("alice"), &err), YW_EINVAL);
    assert_non_null(strstr(err.message, "1024"));
    assert_string_equal(err.field, "password");

    /* An account name longer than the password is simply not contained. */
    assert_int_equal(yw_password_check_strength(str("Blue-Kettle-42-Lantern"),
                                                (struct yw_str){pw, sizeof(pw)}, &err),
                     YW_OK);
    /* err may be NULL. */
    assert_int_equal(yw_password_check_strength(str("short"), str(""), NULL), YW_EINVAL);
    assert_int_equal(yw_password_check_strength((struct yw_str){NULL, 3}, str(""), NULL),
                     YW_EINVAL);
}

static void test_generated(void **state)
{
    char a[YW_PASSWORD_GENERATED_SIZE], b[YW_PASSWORD_GENERATED_SIZE];
    (void)state;
    assert_int_equal(yw_password_generate(YW_STR_LIT("clerk"), a), YW_OK);
    assert_int_equal(yw_password_generate(YW_STR_LIT("clerk"), b), YW_OK);
    assert_int_equal(strlen(a), 16);
    assert_string_not_equal(a, b);
    assert_int_equal(yw_password_check_strength(yw_str_c(a), YW_STR_LIT("clerk"), NULL), YW_OK);
    for (size_t i = 0; i < 16; i++)
        assert_null(strchr("0O1lI", a[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),        cmocka_unit_test(test_salts_differ),
        cmocka_unit_test(test_known_vectors),     cmocka_unit_test(test_needs_rehash),
        cmocka_unit_test(test_malformed_encoded), cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_strength_table),    cmocka_unit_test(test_strength_limits),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
