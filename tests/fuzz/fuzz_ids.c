/* libFuzzer harness over the directory's identifier checks (src/directory/ids.c).
 * Every check runs on the whole input and on the prefix of its natural length,
 * and each answer is checked against an independent property, so a wrong
 * acceptance is a crash too. Refusals must carry a whole, valid UTF-8,
 * bilingual message and the field passed in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2025-06-01 04:00 in China: birth dates after 20250601 must be refused. */
#define NOW_MS INT64_C(1748721600000)
#define FIELD "f"

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void check_refusal(int rc, const struct yw_err *err)
{
    if (rc != YW_EINVAL || err->code != YW_EINVAL || strcmp(err->field, FIELD) != 0)
        abort();
    size_t n = strlen(err->message);
    if (n == 0 || n >= sizeof(err->message) - 1 || !yw_utf8_valid(err->message, n) ||
        strstr(err->message, " / ") == NULL)
        abort();
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static void fuzz_resident(struct yw_str in)
{
    struct yw_err err = {0};
    char out[19], again[19];

    memset(out, '?', sizeof(out));
    int rc = yw_id_check_resident(in, NOW_MS, FIELD, out, &err);
    if (rc != YW_OK) {
        check_refusal(rc, &err);
        if (out[0] != '\0')
            abort();
        return;
    }
    /* 17 digits and a digit or X; the output is the input with x -> X. */
    if (in.n != 18 || !all_digits(in.p, 17) || out[18] != '\0' || memcmp(out, in.p, 17) != 0)
        abort();
    if (!(all_digits(in.p + 17, 1) || in.p[17] == 'X' || in.p[17] == 'x'))
        abort();
    if (out[17] != (in.p[17] == 'x' ? 'X' : in.p[17]))
        abort();
    /* The check character, recomputed: weights 2^(17-i) mod 11. */
    unsigned sum = 0, weight = 1;
    for (int i = 16; i >= 0; i--) {
        weight = weight * 2 % 11;
        sum += weight * (unsigned)(out[i] - '0');
    }
    unsigned value = (12 - sum % 11) % 11;
    if (out[17] != (value == 10 ? 'X' : (char)('0' + value)))
        abort();
    /* Not born after 2025-06-01 (the digits compare as the date). */
    if (memcmp(out + 6, "20250601", 8) > 0)
        abort();
    /* Normalising is idempotent. */
    if (yw_id_check_resident((struct yw_str){out, 18}, NOW_MS, FIELD, again, &err) != YW_OK ||
        memcmp(again, out, sizeof(out)) != 0)
        abort();
}

static void fuzz_uscc(struct yw_str in)
{
    struct yw_err err = {0};
    int rc = yw_id_check_uscc(in, FIELD, &err);

    if (rc != YW_OK) {
        check_refusal(rc, &err);
        return;
    }
    if (in.n != 18 || !all_digits(in.p + 2, 6))
        abort();
    unsigned sum = 0, weight = 1;
    for (size_t i = 0; i < 18; i++) {
        const char *hit = in.p[i] ? memchr(uscc_chars, in.p[i], sizeof(uscc_chars) - 1) : NULL;
        if (hit == NULL)
            abort();
        if (i < 17) {
            sum += weight * (unsigned)(hit - uscc_chars);
            weight = weight * 3 % 31;
        }
    }
    if (in.p[17] != uscc_chars[(31 - sum % 31) % 31])
        abort();
}

static void fuzz_division(struct yw_str in)
{
    struct yw_err err = {0};
    enum yw_division_level strict_level = 0, loose_level = 0;
    int strict = yw_id_check_division(in, false, FIELD, &strict_level, &err);
    if (strict != YW_OK)
        check_refusal(strict, &err);
    int loose = yw_id_check_division(in, true, FIELD, &loose_level, &err);
    if (loose != YW_OK)
        check_refusal(loose, &err);
    const char *name = yw_division_name(in);

    if (strict == YW_OK && (loose != YW_OK || strict_level != loose_level || name == NULL))
        abort(); /* strict is a subset of loose, and current codes have names */
    if (loose != YW_OK) {
        if (name != NULL)
            abort(); /* a named code is accepted at least when retired codes are */
        return;
    }
    if (in.n != 6 || !all_digits(in.p, 6) || memcmp(in.p, "00", 2) == 0)
        abort();
    /* The level matches the layers: xx0000, xxyy00, xxyyzz. */
    bool county_zero = memcmp(in.p + 4, "00", 2) == 0;
    bool prefecture_zero = memcmp(in.p + 2, "00", 2) == 0;
    switch (loose_level) {
    case YW_DIVISION_PROVINCE:
        if (!county_zero || !prefecture_zero)
            abort();
        break;
    case YW_DIVISION_PREFECTURE:
        if (!county_zero || prefecture_zero)
            abort();
        break;
    case YW_DIVISION_COUNTY:
        if (county_zero || prefecture_zero)
            abort();
        break;
    default: abort();
    }
}

static void fuzz_mobile(struct yw_str in)
{
    struct yw_err err = {0};
    int rc = yw_id_check_mobile(in, FIELD, &err);

    if (rc != YW_OK) {
        check_refusal(rc, &err);
        return;
    }
    if (in.n != 11 || !all_digits(in.p, 11) || in.p[0] != '1' || in.p[1] < '3')
        abort();
}

static void fuzz_email(struct yw_str in)
{
    struct yw_err err = {0};
    int rc = yw_id_check_email(in, FIELD, &err);

    if (rc != YW_OK) {
        check_refusal(rc, &err);
        return;
    }
    if (in.n > 254)
        abort();
    const char *at = memchr(in.p, '@', in.n);
    if (at == NULL || at == in.p || memchr(at + 1, '@', in.n - (size_t)(at - in.p) - 1) != NULL)
        abort();
    size_t n_local = (size_t)(at - in.p);
    if (n_local > 64 || in.p[0] == '.' || in.p[n_local - 1] == '.')
        abort();
    const char *dot = memchr(at + 1, '.', in.n - n_local - 1);
    if (dot == NULL || dot == at + 1 || in.p[in.n - 1] == '.')
        abort();
    if (!yw_utf8_valid(in.p, in.n))
        abort();
    for (size_t i = 0; i < in.n; i++) {
        unsigned char c = (unsigned char)in.p[i];
        if (c <= 0x20 || c == 0x7F || (i < n_local && c >= 0x80))
            abort(); /* no controls or spaces anywhere; ASCII before the @ */
        if (i + 1 < in.n && c == '.' && in.p[i + 1] == '.')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* libFuzzer's buffer is exactly size bytes, so ASan sees any over-read. */
    struct yw_str in = {(const char *)data, size};

    fuzz_resident(in);
    fuzz_uscc(in);
    fuzz_division(in);
    fuzz_mobile(in);
    fuzz_email(in);
    /* Prefixes of each check's own length reach past the length test. */
    if (size >= 18) {
        fuzz_resident((struct yw_str){in.p, 18});
        fuzz_uscc((struct yw_str){in.p, 18});
    }
    if (size >= 11)
        fuzz_mobile((struct yw_str){in.p, 11});
    if (size >= 6)
        fuzz_division((struct yw_str){in.p, 6});
    return 0;
}
