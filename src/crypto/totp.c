/*
 * One-time codes: TOTP (RFC 6238) over HOTP (RFC 4226), base32 (RFC 4648)
 * for the shared secrets, and the otpauth:// enrolment URI. Design note:
 * docs/internals/crypto.md, "One-time codes".
 */
#include "crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define HMAC_MAX 64 /* SHA-512 */
#define PERIOD_MAX 3600

/* OpenSSL's digest name for a TOTP algorithm name, or NULL. */
static const char *digest_name(const char *algorithm)
{
    if (algorithm == NULL)
        return NULL;
    if (strcmp(algorithm, "SHA1") == 0)
        return "SHA1";
    if (strcmp(algorithm, "SHA256") == 0)
        return "SHA256";
    if (strcmp(algorithm, "SHA512") == 0)
        return "SHA512";
    return NULL;
}

static bool secret_ok(const uint8_t *secret, size_t secret_len)
{
    return secret != NULL && secret_len >= YW_TOTP_SECRET_MIN && secret_len <= YW_TOTP_SECRET_MAX;
}

/* HOTP (RFC 4226 §5.3): HMAC of the 8-byte big-endian counter, dynamic
 * truncation to 31 bits, reduced modulo 10^digits. Arguments are checked by
 * the callers. */
static int hotp(const uint8_t *secret, size_t secret_len, uint64_t counter, int digits,
                const char *md_name, uint32_t *code)
{
    static const uint32_t powers[] = {1000000u, 10000000u, 100000000u};
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    OSSL_PARAM params[2];
    uint8_t message[8], digest[HMAC_MAX];
    size_t len = 0;
    int rc = YW_ECRYPTO;

    for (int i = 7; i >= 0; i--, counter >>= 8)
        message[i] = (uint8_t)(counter & 0xff);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md_name, 0);
    params[1] = OSSL_PARAM_construct_end();
    if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
        goto out;
    if ((ctx = EVP_MAC_CTX_new(mac)) == NULL || EVP_MAC_init(ctx, secret, secret_len, params) != 1)
        goto out;
    if (EVP_MAC_update(ctx, message, sizeof(message)) != 1 ||
        EVP_MAC_final(ctx, digest, &len, sizeof(digest)) != 1 || len < 20)
        goto out;
    size_t offset = digest[len - 1] & 0x0f;
    uint32_t binary = (uint32_t)(digest[offset] & 0x7f) << 24 | (uint32_t)digest[offset + 1] << 16 |
                      (uint32_t)digest[offset + 2] << 8 | (uint32_t)digest[offset + 3];
    *code = binary % powers[digits - 6];
    rc = YW_OK;
out:
    if (rc < 0)
        ERR_clear_error();
    OPENSSL_cleanse(digest, sizeof(digest));
    EVP_MAC_CTX_free(ctx); /* wipes the keyed state */
    EVP_MAC_free(mac);
    return rc;
}

int yw_totp_code(const uint8_t *secret, size_t secret_len, int64_t unix_time, int digits,
                 const char *algorithm, int period, uint32_t *code)
{
    const char *md_name = digest_name(algorithm);

    if (!secret_ok(secret, secret_len) || unix_time < 0 || digits < 6 || digits > 8 || period < 1 ||
        period > PERIOD_MAX || md_name == NULL || code == NULL)
        return YW_EINVAL;
    return hotp(secret, secret_len, (uint64_t)(unix_time / period), digits, md_name, code);
}

/* Writes code as YW_TOTP_DIGITS ASCII digits, zero-padded. */
static void format_code(uint32_t code, char out[YW_TOTP_DIGITS])
{
    for (int i = YW_TOTP_DIGITS - 1; i >= 0; i--, code /= 10)
        out[i] = (char)('0' + code % 10);
}

int yw_totp_verify(const uint8_t *secret, size_t secret_len, struct yw_str code, int64_t unix_time,
                   int window, int64_t *matched_step)
{
    char expected[YW_TOTP_DIGITS];
    int64_t step_now, found = -1;
    int rc = YW_OK;

    if (!secret_ok(secret, secret_len) || unix_time < 0 || window < 0 ||
        window > YW_TOTP_WINDOW_MAX || code.p == NULL || code.n != YW_TOTP_DIGITS)
        return YW_EINVAL;
    for (size_t i = 0; i < code.n; i++)
        if (code.p[i] < '0' || code.p[i] > '9')
            return YW_EINVAL;

    /* Steps in the order T, T-1, T+1, T-2, T+2, ...: the first match is the
     * nearest. All are computed and compared; nothing returns early. */
    step_now = unix_time / YW_TOTP_PERIOD;
    for (int k = 0; k <= 2 * window; k++) {
        int64_t step = step_now + (k % 2 == 0 ? k / 2 : -(k + 1) / 2);
        uint32_t value = 0;
        if (step < 0)
            continue;
        if ((rc = hotp(secret, secret_len, (uint64_t)step, YW_TOTP_DIGITS, "SHA1", &value)) < 0)
            goto out;
        format_code(value, expected);
        bool equal = yw_mem_equal(expected, code.p, YW_TOTP_DIGITS);
        if (equal && found < 0)
            found = step;
    }
    if (found < 0) {
        rc = YW_EVERIFY;
        goto out;
    }
    if (matched_step != NULL)
        *matched_step = found;
out:
    OPENSSL_cleanse(expected, sizeof(expected));
    return rc;
}

/* ---- base32 --------------------------------------------------------------- */

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int yw_base32_encode(const uint8_t *p, size_t n, char *out, size_t out_size)
{
    size_t len = 0;
    uint32_t buffer = 0;
    int bits = 0;

    if (out == NULL || out_size == 0)
        return YW_ETOOBIG;
    if ((p == NULL && n > 0) || n > (SIZE_MAX - 5) / 8 || out_size < YW_BASE32_LEN(n) + 1) {
        out[0] = '\0';
        return p == NULL && n > 0 ? YW_EINVAL : YW_ETOOBIG;
    }
    for (size_t i = 0; i < n; i++) {
        buffer = (buffer << 8 | p[i]) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[len++] = base32_alphabet[(buffer >> bits) & 0x1f];
        }
    }
    if (bits > 0)
        out[len++] = base32_alphabet[(buffer << (5 - bits)) & 0x1f];
    out[len] = '\0';
    return YW_OK;
}

static int base32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int yw_base32_decode(struct yw_str in, uint8_t *out, size_t out_size, size_t *out_len)
{
    size_t n_data = in.n, n_pad, rem, len = 0;
    uint32_t buffer = 0;
    int bits = 0;

    if (in.p == NULL && in.n > 0)
        return YW_EINVAL;
    while (n_data > 0 && in.p[n_data - 1] == '=')
        n_data--;
    n_pad = in.n - n_data;
    rem = n_data % 8;
    /* Data lengths that no byte count gives; padding is optional, but when
     * present it must fill exactly the last 8-character group. */
    if (rem == 1 || rem == 3 || rem == 6 || (n_pad > 0 && (rem == 0 || n_pad != 8 - rem)))
        return YW_EINVAL;
    for (size_t i = 0; i < n_data; i++)
        if (base32_value(in.p[i]) < 0)
            return YW_EINVAL;
    if (n_data * 5 / 8 > out_size || (out == NULL && n_data > 0))
        return YW_ETOOBIG;
    for (size_t i = 0; i < n_data; i++) {
        buffer = (buffer << 5 | (uint32_t)base32_value(in.p[i])) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (uint8_t)(buffer >> bits);
        }
    }
    /* The bits left after the last byte must be zero (RFC 4648 §3.5), so
     * each byte string has exactly one accepted encoding. */
    if ((buffer & ((1u << bits) - 1)) != 0) {
        OPENSSL_cleanse(out, len);
        return YW_EINVAL;
    }
    if (out_len != NULL)
        *out_len = len;
    return YW_OK;
}

/* ---- enrolment URI -------------------------------------------------------- */

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* Appends n bytes at out[*len], keeping room for the NUL; false when full. */
static bool put(char *out, size_t out_size, size_t *len, const char *p, size_t n)
{
    if (out_size - *len <= n)
        return false;
    memcpy(out + *len, p, n);
    *len += n;
    return true;
}

int yw_totp_uri(struct yw_str account_name, const uint8_t *secret, size_t secret_len, char *out,
                size_t out_size, struct yw_err *err)
{
    static const char hex[] = "0123456789ABCDEF";
    static const char prefix[] = "otpauth://totp/yiwang:";
    static const char params[] = "&issuer=yiwang&algorithm=SHA1&digits=6&period=30";
    char secret_b32[YW_BASE32_LEN(YW_TOTP_SECRET_MAX) + 1];
    size_t len = 0;
    bool fits;
    int rc;

    if (out != NULL && out_size > 0)
        out[0] = '\0';
    if (account_name.n == 0 || account_name.p == NULL ||
        !yw_utf8_valid(account_name.p, account_name.n))
        return yw_err_set(
            err, YW_EINVAL, "account_name",
            "账号名须为非空的 UTF-8 文本 / account name must be non-empty UTF-8 text");
    for (size_t i = 0; i < account_name.n; i++) {
        unsigned char c = (unsigned char)account_name.p[i];
        if (c == ':' || c < 0x20 || c == 0x7f)
            return yw_err_set(err, YW_EINVAL, "account_name",
                              "账号名不得包含冒号或控制字符 / "
                              "account name must not contain a colon or control characters");
    }
    if (!secret_ok(secret, secret_len))
        return yw_err_set(err, YW_EINVAL, NULL, "TOTP secret must be %d to %d bytes",
                          YW_TOTP_SECRET_MIN, YW_TOTP_SECRET_MAX);
    if (out == NULL || out_size == 0)
        return yw_err_set(err, YW_ETOOBIG, NULL, "TOTP URI buffer too small");
    if ((rc = yw_base32_encode(secret, secret_len, secret_b32, sizeof(secret_b32))) < 0) {
        yw_err_set(err, rc, NULL, "cannot encode the TOTP secret");
        goto out;
    }
    fits = put(out, out_size, &len, prefix, sizeof(prefix) - 1);
    for (size_t i = 0; i < account_name.n && fits; i++) {
        unsigned char c = (unsigned char)account_name.p[i];
        char escaped[3] = {'%', hex[c >> 4], hex[c & 0x0f]};
        fits = is_unreserved(c) ? put(out, out_size, &len, (const char *)&c, 1)
                                : put(out, out_size, &len, escaped, sizeof(escaped));
    }
    fits = fits && put(out, out_size, &len, "?secret=", 8) &&
           put(out, out_size, &len, secret_b32, strlen(secret_b32)) &&
           put(out, out_size, &len, params, sizeof(params) - 1);
    if (!fits) {
        /* The URI carries the secret: leave none of it behind. */
        OPENSSL_cleanse(out, len);
        out[0] = '\0';
        rc = yw_err_set(err, YW_ETOOBIG, NULL, "TOTP URI buffer too small");
        goto out;
    }
    out[len] = '\0';
    rc = YW_OK;
out:
    OPENSSL_cleanse(secret_b32, sizeof(secret_b32));
    return rc;
}
