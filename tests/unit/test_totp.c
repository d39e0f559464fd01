/*
 * Unit tests for src/crypto/totp.c: RFC 6238 Appendix B, RFC 4226 Appendix D,
 * the verification window, malformed codes, RFC 4648 §10 base32 vectors and
 * the otpauth:// enrolment URI.
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

/* The RFC 6238 seeds: the ASCII digits "1234567890" repeated to the hash's
 * output size (Appendix A's reference code; the table in Appendix B names
 * only the first one). */
static const char seed_sha1[] = "12345678901234567890";
static const char seed_sha256[] = "12345678901234567890123456789012";
static const char seed_sha512[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

#define SEED(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static struct yw_str str(const char *s)
{
    return yw_str_c(s);
}

/* ---- RFC 6238 Appendix B --------------------------------------------------- */

static void test_rfc6238_appendix_b(void **state)
{
    (void)state;
    static const struct {
        int64_t time;
        const char *algorithm;
        uint32_t totp;
    } rows[] = {
        {59, "SHA1", 94287082},
        {59, "SHA256", 46119246},
        {59, "SHA512", 90693936},
        {1111111109, "SHA1", 7081804},
        {1111111109, "SHA256", 68084774},
        {1111111109, "SHA512", 25091201},
        {1111111111, "SHA1", 14050471},
        {1111111111, "SHA256", 67062674},
        {1111111111, "SHA512", 99943326},
        {1234567890, "SHA1", 89005924},
        {1234567890, "SHA256", 91819424},
        {1234567890, "SHA512", 93441116},
        {2000000000, "SHA1", 69279037},
        {2000000000, "SHA256", 90698825},
        {2000000000, "SHA512", 38618901},
        {20000000000, "SHA1", 65353130},
        {20000000000, "SHA256", 77737706},
        {20000000000, "SHA512", 47863826},
    };
    assert_int_equal(sizeof(rows) / sizeof(rows[0]), 18);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *seed = strcmp(rows[i].algorithm, "SHA1") == 0     ? seed_sha1
                           : strcmp(rows[i].algorithm, "SHA256") == 0 ? seed_sha256
                                                                      : seed_sha512;
        uint32_t code = 0;
        assert_int_equal(yw_totp_code((const uint8_t *)seed, strlen(seed), rows[i].time, 8,
                                      rows[i].algorithm, 30, &code),
                         YW_OK);
        assert_int_equal(code, rows[i].totp);
    }
}

/* ---- RFC 4226 Appendix D --------------------------------------------------- */

static void test_rfc4226_appendix_d(void **state)
{
    (void)state;
    /* HOTP with the 20-byte seed, counters 0..9: time counter * 30 maps to step counter. */
    static const uint32_t hotp[10] = {755224, 287082, 359152, 969429, 338314,
                                      254676, 287922, 162583, 399871, 520489};
    for (int counter = 0; counter < 10; counter++) {
        uint32_t code = 0;
        int64_t time = (int64_t)counter * 30 + 29; /* anywhere within the step */
        assert_int_equal(yw_totp_code(SEED(seed_sha1), time, 6, "SHA1", 30, &code), YW_OK);
        assert_int_equal(code, hotp[counter]);

        char text[8];
        int64_t step = -1;
        snprintf(text, sizeof(text), "%06u", (unsigned)hotp[counter]);
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(text), time, 0, &step), YW_OK);
        assert_int_equal(step, counter);
    }
}

static void test_code_arguments(void **state)
{
    (void)state;
    uint32_t code = 0;
    const uint8_t *seed = (const uint8_t *)seed_sha1;

    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "SHA1", 30, &code), YW_OK);
    assert_int_equal(yw_totp_code(seed, 20, 59, 5, "SHA1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 9, "SHA1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "sha1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "MD5", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, NULL, 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "SHA1", 0, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "SHA1", 3601, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, -1, 6, "SHA1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 15, 59, 6, "SHA1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 16, 59, 6, "SHA1", 30, &code), YW_OK);
    assert_int_equal(yw_totp_code((const uint8_t *)seed_sha512, 64, 59, 6, "SHA1", 30, &code),
                     YW_OK);
    assert_int_equal(yw_totp_code((const uint8_t *)seed_sha512, 65, 59, 6, "SHA1", 30, &code),
                     YW_EINVAL);
    assert_int_equal(yw_totp_code(NULL, 20, 59, 6, "SHA1", 30, &code), YW_EINVAL);
    assert_int_equal(yw_totp_code(seed, 20, 59, 6, "SHA1", 30, NULL), YW_EINVAL);
    /* The 6-digit code is the 8-digit one's last six digits. */
    uint32_t six = 0, eight = 0;
    assert_int_equal(yw_totp_code(seed, 20, 1111111109, 6, "SHA1", 30, &six), YW_OK);
    assert_int_equal(yw_totp_code(seed, 20, 1111111109, 8, "SHA1", 30, &eight), YW_OK);
    assert_int_equal(six, eight % 1000000);
}

/* ---- verification ------------------------------------------------------------ */

static void code_at_step(int64_t step, char out[8])
{
    uint32_t code = 0;
    assert_int_equal(yw_totp_code(SEED(seed_sha1), step * 30, 6, "SHA1", 30, &code), YW_OK);
    snprintf(out, 8, "%06u", (unsigned)code);
}

static void test_verify_window(void **state)
{
    (void)state;
    const int64_t now = 1700000015; /* inside step 56666667 */
    const int64_t t = now / 30;
    char code[8];
    int64_t step = -1;

    code_at_step(t, code);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 0, &step), YW_OK);
    assert_int_equal(step, t);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 1, NULL), YW_OK);

    /* One step either side: accepted with window 1, refused with window 0. */
    for (int delta = -1; delta <= 1; delta += 2) {
        code_at_step(t + delta, code);
        step = -1;
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 1, &step), YW_OK);
        assert_int_equal(step, t + delta);
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 0, &step), YW_EVERIFY);
    }
    /* Two steps away: refused with window 1, accepted with window 2. */
    for (int delta = -2; delta <= 2; delta += 4) {
        code_at_step(t + delta, code);
        step = -1;
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 1, &step), YW_EVERIFY);
        assert_int_equal(step, -1); /* untouched on failure */
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, 2, &step), YW_OK);
        assert_int_equal(step, t + delta);
    }
    /* Far away, and another secret's code. */
    code_at_step(t - 100, code);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), now, YW_TOTP_WINDOW_MAX, NULL),
                     YW_EVERIFY);
    code_at_step(t, code);
    assert_int_equal(yw_totp_verify(SEED(seed_sha256), str(code), now, 1, NULL), YW_EVERIFY);

    /* Near the epoch the steps below 0 are skipped. */
    code_at_step(0, code);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), 10, 1, &step), YW_OK);
    assert_int_equal(step, 0);
    code_at_step(1, code);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(code), 10, 1, &step), YW_OK);
    assert_int_equal(step, 1);
}

static void test_verify_leading_zero(void **state)
{
    (void)state;
    /* Find a step whose code starts with 0: it must be typed with the zero. */
    for (int64_t step = 0; step < 100000; step++) {
        uint32_t code = 0;
        assert_int_equal(yw_totp_code(SEED(seed_sha1), step * 30, 6, "SHA1", 30, &code), YW_OK);
        if (code >= 100000)
            continue;
        char text[8], short_text[8];
        int64_t matched = -1;
        snprintf(text, sizeof(text), "%06u", (unsigned)code);
        snprintf(short_text, sizeof(short_text), "%u", (unsigned)code);
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(text), step * 30, 0, &matched), YW_OK);
        assert_int_equal(matched, step);
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(short_text), step * 30, 0, NULL),
                         YW_EINVAL);
        return;
    }
    fail_msg("no code with a leading zero in 100000 steps");
}

static void test_verify_malformed(void **state)
{
    (void)state;
    static const struct yw_str bad[] = {
        YW_STR_LIT(""),
        YW_STR_LIT("12345"),
        YW_STR_LIT("1234567"),
        YW_STR_LIT("12345a"),
        YW_STR_LIT("abcdef"),
        YW_STR_LIT(" 12345"),
        YW_STR_LIT("12345 "),
        YW_STR_LIT("123 456"),
        YW_STR_LIT("-12345"),
        YW_STR_LIT("+12345"),
        YW_STR_LIT("12345\0"),
        YW_STR_LIT("１２３４５６"),
        YW_STR_LIT("12345678"),
        {NULL, 0},
        {NULL, 6},
    };
    const int64_t now = 1700000015;
    char good[8];

    code_at_step(now / 30, good);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(yw_totp_verify(SEED(seed_sha1), bad[i], now, 1, NULL), YW_EINVAL);
    /* Bad arguments around a good code. */
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(good), now, -1, NULL), YW_EINVAL);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(good), now, YW_TOTP_WINDOW_MAX + 1, NULL),
                     YW_EINVAL);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(good), -1, 1, NULL), YW_EINVAL);
    assert_int_equal(yw_totp_verify((const uint8_t *)seed_sha1, 10, str(good), now, 1, NULL),
                     YW_EINVAL);
    assert_int_equal(yw_totp_verify(NULL, 20, str(good), now, 1, NULL), YW_EINVAL);
    assert_int_equal(yw_totp_verify(SEED(seed_sha1), str(good), now, 1, NULL), YW_OK);
}

/* ---- base32 ---------------------------------------------------------------- */

static void test_base32_rfc4648(void **state)
{
    (void)state;
    /* RFC 4648 §10; our encoder leaves the padding off. */
    static const struct {
        const char *plain, *padded, *unpadded;
    } vectors[] = {
        {"", "", ""},
        {"f", "MY======", "MY"},
        {"fo", "MZXQ====", "MZXQ"},
        {"foo", "MZXW6===", "MZXW6"},
        {"foob", "MZXW6YQ=", "MZXW6YQ"},
        {"fooba", "MZXW6YTB", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI======", "MZXW6YTBOI"},
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const char *plain = vectors[i].plain;
        size_t n = strlen(plain);
        char encoded[32], lower[32];
        uint8_t decoded[16];
        size_t len = 99;

        assert_int_equal(yw_base32_encode((const uint8_t *)plain, n, encoded, sizeof(encoded)),
                         YW_OK);
        assert_string_equal(encoded, vectors[i].unpadded);
        assert_int_equal(strlen(encoded), YW_BASE32_LEN(n));

        assert_int_equal(yw_base32_decode(str(vectors[i].padded), decoded, sizeof(decoded), &len),
                         YW_OK);
        assert_int_equal(len, n);
        assert_memory_equal(decoded, plain, n);

        len = 99;
        assert_int_equal(yw_base32_decode(str(vectors[i].unpadded), decoded, sizeof(decoded), &len),
                         YW_OK);
        assert_int_equal(len, n);
        assert_memory_equal(decoded, plain, n);

        size_t k = 0;
        for (; vectors[i].padded[k] != '\0'; k++) {
            char c = vectors[i].padded[k];
            lower[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        lower[k] = '\0';
        len = 99;
        assert_int_equal(yw_base32_decode(str(lower), decoded, sizeof(decoded), &len), YW_OK);
        assert_int_equal(len, n);
        assert_memory_equal(decoded, plain, n);
    }
}

static void test_base32_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "M",                /* 1 character: no byte count gives it */
        "MZX",              /* 3 */
        "MZXW6Y",           /* 6 */
        "MY=====",          /* padding that does not fill the group */
        "MY=======",        /* too much padding */
        "MZXW6===MY======", /* padding in the middle */
        "MZXW6YTB========", /* a whole group of padding */
        "========",         /* padding only */
        "MZ",               /* non-zero bits after the last byte */
        "MZXW6YR",          /* likewise */
        "MZXW1YTB",         /* 1 is not in the alphabet */
        "MZXW0YTB",         /* nor 0 */
        "MZXW8YTB",         /* nor 8 */
        "MZXW 6YTB",        /* no spaces */
        "MZXW-6YTB",        /* no separators */
        "MZXW6YTB\n",       /* no newline */
        "MZXW6YT\xc3\xa9",  /* no non-ASCII */
    };
    uint8_t out[16];
    size_t len = 99;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(yw_base32_decode(str(bad[i]), out, sizeof(out), &len), YW_EINVAL);
        assert_int_equal(len, 99);
    }
    assert_int_equal(yw_base32_decode((struct yw_str){NULL, 2}, out, sizeof(out), &len), YW_EINVAL);
    /* Output space: "foobar" needs 6 bytes. */
    assert_int_equal(yw_base32_decode(str("MZXW6YTBOI"), out, 5, &len), YW_ETOOBIG);
    assert_int_equal(yw_base32_decode(str("MZXW6YTBOI"), out, 6, &len), YW_OK);
    assert_int_equal(len, 6);
    /* Encoding space: 6 bytes need 10 characters and the NUL. */
    char text[11];
    assert_int_equal(yw_base32_encode((const uint8_t *)"foobar", 6, text, 10), YW_ETOOBIG);
    assert_string_equal(text, "");
    assert_int_equal(yw_base32_encode((const uint8_t *)"foobar", 6, text, 11), YW_OK);
    assert_string_equal(text, "MZXW6YTBOI");
}

static void test_base32_round_trip(void **state)
{
    (void)state;
    uint8_t bytes[64], back[64];
    char text[YW_BASE32_LEN(64) + 1];

    for (size_t n = 0; n <= sizeof(bytes); n++) {
        size_t len = 0;
        assert_int_equal(yw_random(bytes, n), YW_OK);
        assert_int_equal(yw_base32_encode(bytes, n, text, sizeof(text)), YW_OK);
        assert_int_equal(strlen(text), YW_BASE32_LEN(n));
        assert_int_equal(yw_base32_decode(str(text), back, sizeof(back), &len), YW_OK);
        assert_int_equal(len, n);
        assert_memory_equal(back, bytes, n);
    }
}

/* ---- enrolment URI --------------------------------------------------------- */

static void test_uri(void **state)
{
    (void)state;
    char uri[512];
    struct yw_err err = {0};

    assert_int_equal(yw_totp_uri(str("alice"), SEED(seed_sha1), uri, sizeof(uri), &err), YW_OK);
    assert_string_equal(uri, "otpauth://totp/yiwang:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                             "&issuer=yiwang&algorithm=SHA1&digits=6&period=30");

    /* UTF-8 label, percent-encoded byte by byte; unreserved characters kept. */
    assert_int_equal(
        yw_totp_uri(str("张三 zhang.san@example.org~_-"), SEED(seed_sha1), uri, sizeof(uri), &err),
        YW_OK);
    assert_string_equal(uri, "otpauth://totp/yiwang:%E5%BC%A0%E4%B8%89%20zhang.san%40example.org~_-"
                             "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                             "&issuer=yiwang&algorithm=SHA1&digits=6&period=30");

    /* The secret in the URI decodes back to the secret. */
    const char *b32 = strstr(uri, "secret=") + 7;
    uint8_t secret[32];
    size_t len = 0;
    assert_int_equal(yw_base32_decode((struct yw_str){b32, (size_t)(strchr(b32, '&') - b32)},
                                      secret, sizeof(secret), &len),
                     YW_OK);
    assert_int_equal(len, 20);
    assert_memory_equal(secret, seed_sha1, 20);
}

static void test_uri_refusals(void **state)
{
    (void)state;
    char uri[512];
    struct yw_err err = {0};
    static const struct yw_str bad_names[] = {
        YW_STR_LIT(""),      YW_STR_LIT("yiwang:alice"), YW_STR_LIT("a\nb"),
        YW_STR_LIT("a\x7f"), YW_STR_LIT("\xff\xfe"),     {NULL, 0},
    };

    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        memset(&err, 0, sizeof(err));
        uri[0] = 'x';
        assert_int_equal(yw_totp_uri(bad_names[i], SEED(seed_sha1), uri, sizeof(uri), &err),
                         YW_EINVAL);
        assert_string_equal(err.field, "account_name");
        assert_string_equal(uri, "");
    }
    assert_int_equal(
        yw_totp_uri(str("alice"), (const uint8_t *)seed_sha1, 8, uri, sizeof(uri), &err),
        YW_EINVAL);

    /* Too small a buffer: refused, and nothing of the secret left in it. */
    char small[64];
    memset(small, 'x', sizeof(small));
    assert_int_equal(yw_totp_uri(str("alice"), SEED(seed_sha1), small, sizeof(small), &err),
                     YW_ETOOBIG);
    assert_string_equal(small, "");
    assert_null(memchr(small, 'G', sizeof(small)));

    /* 256 + 3n is always enough, even for a name that needs escaping throughout
     * and the largest secret. */
    char name[301];
    for (size_t i = 0; i < 100; i++)
        memcpy(name + 3 * i, "中", 3);
    name[300] = '\0';
    char big[256 + 3 * 300];
    assert_int_equal(yw_totp_uri(str(name), SEED(seed_sha512), big, sizeof(big), &err), YW_OK);
    assert_true(strlen(big) < sizeof(big));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_appendix_b),  cmocka_unit_test(test_rfc4226_appendix_d),
        cmocka_unit_test(test_code_arguments),      cmocka_unit_test(test_verify_window),
        cmocka_unit_test(test_verify_leading_zero), cmocka_unit_test(test_verify_malformed),
        cmocka_unit_test(test_base32_rfc4648),      cmocka_unit_test(test_base32_refusals),
        cmocka_unit_test(test_base32_round_trip),   cmocka_unit_test(test_uri),
        cmocka_unit_test(test_uri_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
