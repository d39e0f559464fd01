#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct yw_str yw_str_c(const char *s)
{
    return (struct yw_str){s, s ? strlen(s) : 0};
}

bool yw_str_eq(struct yw_str a, struct yw_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool yw_str_eq_c(struct yw_str a, const char *s)
{
    return yw_str_eq(a, yw_str_c(s));
}

int yw_copy(char *dst, size_t dst_size, const char *src)
{
    size_t n = strlen(src);
    if (dst_size == 0)
        return YW_ETOOBIG;
    if (n >= dst_size) {
        dst[0] = '\0';
        return YW_ETOOBIG;
    }
    memcpy(dst, src, n + 1);
    return YW_OK;
}

int yw_fmt(char *dst, size_t dst_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, dst_size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= dst_size) {
        if (dst_size > 0)
            dst[0] = '\0';
        return YW_ETOOBIG;
    }
    return YW_OK;
}

int yw_parse_int64(struct yw_str s, int64_t min, int64_t max, int64_t *out)
{
    char tmp[32];
    size_t i = 0;

    if (s.n == 0 || s.n >= sizeof(tmp))
        return YW_EINVAL;
    if (s.p[0] == '-')
        i = 1;
    if (i == s.n)
        return YW_EINVAL;
    for (size_t j = i; j < s.n; j++)
        if (s.p[j] < '0' || s.p[j] > '9')
            return YW_EINVAL;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    errno = 0;
    char *end = NULL;
    long long v = strtoll(tmp, &end, 10);
    if (errno != 0 || end != tmp + s.n || v < min || v > max)
        return YW_EINVAL;
    *out = (int64_t)v;
    return YW_OK;
}

int yw_parse_double(struct yw_str s, double *out)
{
    char tmp[64];

    if (s.n == 0 || s.n >= sizeof(tmp))
        return YW_EINVAL;
    for (size_t i = 0; i < s.n; i++)
        if (!((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '-' || s.p[i] == '+' || s.p[i] == '.' ||
              s.p[i] == 'e' || s.p[i] == 'E'))
            return YW_EINVAL;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    errno = 0;
    char *end = NULL;
    double v = strtod(tmp, &end);
    if (errno != 0 || end != tmp + s.n)
        return YW_EINVAL;
    *out = v;
    return YW_OK;
}

bool yw_utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

uint32_t yw_utf8_decode(const char *p, size_t *len)
{
    const unsigned char *s = (const unsigned char *)p;
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *len = 2;
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if (s[0] < 0xF0) {
        *len = 3;
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    *len = 4;
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

void yw_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void yw_base64(const uint8_t *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int yw_base64_decode(struct yw_str in, uint8_t *out, size_t out_size, size_t *out_len)
{
    size_t o = 0;

    if (in.n % 4 != 0)
        return YW_EINVAL;
    for (size_t i = 0; i < in.n; i += 4) {
        int v[4];
        size_t pad = 0;
        for (size_t k = 0; k < 4; k++) {
            char c = in.p[i + k];
            if (c == '=' && i + 4 == in.n && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad > 0 || (v[k] = b64_value(c)) < 0)
                return YW_EINVAL;
        }
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) |
                     (uint32_t)v[3];
        size_t take = 3 - pad;
        /* Non-canonical encodings (stray bits in the padding) are refused. */
        if ((pad == 1 && (w & 0xFF)) || (pad == 2 && (w & 0xFFFF)))
            return YW_EINVAL;
        if (o + take > out_size)
            return YW_ETOOBIG;
        out[o++] = (uint8_t)(w >> 16);
        if (take > 1)
            out[o++] = (uint8_t)(w >> 8);
        if (take > 2)
            out[o++] = (uint8_t)w;
    }
    *out_len = o;
    return YW_OK;
}

int yw_check_text(const char *text, size_t max_chars, bool required, const char *field,
                  struct yw_err *err)
{
    text = text ? text : "";
    size_t n = strlen(text), chars = 0;
    if (!yw_utf8_valid(text, n))
        return yw_err_set(err, YW_EINVAL, field, "%s 不是合法的 UTF-8 / %s is not valid UTF-8",
                          field, field);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7F)
            return yw_err_set(err, YW_EINVAL, field, "%s 含控制字符 / %s has a control character",
                              field, field);
        chars += (c & 0xC0) != 0x80;
    }
    if (required && chars == 0)
        return yw_err_set(err, YW_EINVAL, field, "%s 不能为空 / %s is required", field, field);
    if (chars > max_chars)
        return yw_err_set(err, YW_EINVAL, field,
                          "%s 不能超过 %zu 个字符 / %s is over %zu characters", field, max_chars,
                          field, max_chars);
    return YW_OK;
}
