/* libFuzzer harness over the masking operators (src/policy/mask.c).
 *
 * Input: "OPERATOR\nVALUE" (the seeds, tests/fuzz/corpus/mask-*), the
 * operator parsed by yw_mask_parse; when there is no newline or the name does
 * not parse, the first byte chooses the operator (and the next two the bounds
 * of ends:M:N) and the rest is the value. Every result is checked against
 * properties that hold for any input:
 *   - the call succeeds, appends to what is in the buffer, and gives the same
 *     answer twice; an SQL NULL (value.p NULL) stays NULL under every operator;
 *   - the output is valid UTF-8 of at most max(input characters, 64) + 8
 *     characters;
 *   - each operator's shape: what is shown is the input's own characters in
 *     their places, everything else '*', never the whole value (so no digit
 *     of the masked middle leaks), or the value is redacted whole;
 *   - names that parse print back the same (yw_mask_name).
 * Characters are code points; an invalid byte counts as one and, kept,
 * becomes U+FFFD. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL "SENT"
#define FFFD "\xEF\xBF\xBD"

static const uint8_t secret[32] = "fuzz-mask-secret-fuzz-mask-secre";

/* The characters of s: offset, byte length and validity of each. */
struct chars {
    size_t n;
    size_t *off, *len;
    bool *valid;
};

static void split(const char *p, size_t n, struct chars *c)
{
    c->n = 0;
    c->off = malloc((n + 1) * sizeof(size_t));
    c->len = malloc((n + 1) * sizeof(size_t));
    c->valid = malloc((n + 1) * sizeof(bool));
    if (c->off == NULL || c->len == NULL || c->valid == NULL)
        abort();
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)p[i];
        size_t want = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
        bool ok = want <= n - i && yw_utf8_valid(p + i, want);
        c->off[c->n] = i;
        c->len[c->n] = ok ? want : 1;
        c->valid[c->n] = ok;
        i += c->len[c->n];
        c->n++;
    }
}

static void chars_free(struct chars *c)
{
    free(c->off);
    free(c->len);
    free(c->valid);
}

static bool is_star(const char *p, const struct chars *c, size_t k)
{
    return c->len[k] == 1 && p[c->off[k]] == '*';
}

/* Output character k is input character j as kept: the same bytes, or
 * U+FFFD for an invalid input byte. */
static bool same_char(const char *out, const struct chars *oc, size_t k, const char *in,
                      const struct chars *ic, size_t j)
{
    if (!ic->valid[j])
        return oc->len[k] == 3 && memcmp(out + oc->off[k], FFFD, 3) == 0;
    return oc->len[k] == ic->len[j] && memcmp(out + oc->off[k], in + ic->off[j], ic->len[j]) == 0;
}

static bool all_stars(const char *out, size_t out_n, size_t n_chars)
{
    if (out_n != n_chars)
        return false;
    for (size_t i = 0; i < out_n; i++)
        if (out[i] != '*')
            return false;
    return true;
}

static bool digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

/* Same number of characters, each output character '*' or the input's own
 * at that place. Returns how many were shown. */
static size_t positional(const char *out, const struct chars *oc, const char *in,
                         const struct chars *ic)
{
    if (oc->n != ic->n)
        abort();
    size_t shown = 0;
    for (size_t k = 0; k < ic->n; k++) {
        if (is_star(out, oc, k))
            continue;
        if (!same_char(out, oc, k, in, ic, k))
            abort();
        shown++;
    }
    return shown;
}

static void check_ends(const char *out, const struct chars *oc, const char *in,
                       const struct chars *ic, size_t first, size_t last)
{
    if (oc->n != ic->n)
        abort();
    bool whole = first + last >= ic->n;
    for (size_t k = 0; k < ic->n; k++) {
        bool kept = !whole && (k < first || k >= ic->n - last);
        if (kept ? !same_char(out, oc, k, in, ic, k) : !is_star(out, oc, k))
            abort();
    }
}

static void check(const struct yw_mask *m, struct yw_str in, const char *out, size_t out_n,
                  const struct yw_mask_key *key)
{
    struct chars ic, oc;
    split(in.p, in.n, &ic);
    split(out, out_n, &oc);
    bool redacted = all_stars(out, out_n, ic.n);
    bool valid_in = yw_utf8_valid(in.p, in.n);

    switch (m->kind) {
    case YW_MASK_KEEP:
        if (valid_in && (out_n != in.n || memcmp(out, in.p, in.n) != 0))
            abort();
        for (size_t k = 0; k < ic.n; k++)
            if (oc.n != ic.n || !same_char(out, &oc, k, in.p, &ic, k))
                abort();
        break;
    case YW_MASK_REDACT:
        if (!redacted)
            abort();
        break;
    case YW_MASK_ENDS: check_ends(out, &oc, in.p, &ic, (size_t)m->first, (size_t)m->last); break;
    case YW_MASK_ID_NUMBER:
        if (redacted)
            break;
        if (in.n == 18 && digits(in.p, 17))
            check_ends(out, &oc, in.p, &ic, 6, 4);
        else if (in.n == 15 && digits(in.p, 15))
            check_ends(out, &oc, in.p, &ic, 6, 3);
        else
            abort();
        break;
    case YW_MASK_MOBILE: {
        if (redacted)
            break;
        /* prefix + 11 digits starting 1[3-9]; the prefix kept, 138****1234. */
        if (in.n < 11 || out_n != in.n)
            abort();
        size_t pre = in.n - 11;
        const char *num = in.p + pre;
        static const char *const prefixes[] = {"", "+86", "86", "+86 ", "+86-", "86 ", "86-"};
        bool known = false;
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
            known = known || (strlen(prefixes[i]) == pre && memcmp(in.p, prefixes[i], pre) == 0);
        if (!known || !digits(num, 11) || num[0] != '1' || num[1] < '3' ||
            memcmp(out, in.p, pre + 3) != 0 || memcmp(out + pre + 3, "****", 4) != 0 ||
            memcmp(out + pre + 7, num + 7, 4) != 0)
            abort();
        break;
    }
    case YW_MASK_BANK_CARD: {
        if (redacted)
            break;
        char d[19];
        size_t n = 0;
        for (size_t i = 0; i < in.n; i++) {
            if (in.p[i] == ' ')
                continue;
            if (!digits(in.p + i, 1) || n == 19)
                abort();
            d[n++] = in.p[i];
        }
        if (n < 12 || n > 19 || out_n != n || memcmp(out, d, 6) != 0 ||
            memcmp(out + n - 4, d + n - 4, 4) != 0)
            abort();
        for (size_t i = 6; i < n - 4; i++)
            if (out[i] != '*')
                abort();
        break;
    }
    case YW_MASK_NAME: {
        size_t shown = positional(out, &oc, in.p, &ic);
        if (ic.n > 0 && shown >= ic.n)
            abort(); /* never the whole name */
        bool latin = memchr(in.p, ' ', in.n) != NULL;
        size_t shown_letters = 0;
        for (size_t k = 0; k < ic.n; k++) {
            if (is_star(out, &oc, k) || (latin && in.p[ic.off[k]] == ' '))
                continue;
            shown_letters++;
            /* Latin: only a word's first letter; Chinese: the surname, at the start. */
            if (latin ? k > 0 && in.p[ic.off[k - 1]] != ' ' : k > 1)
                abort();
        }
        if (!latin && shown_letters > 2)
            abort();
        break;
    }
    case YW_MASK_ADDRESS: {
        if (redacted)
            break;
        /* A prefix of the input ending in a county-level suffix, then "***". */
        if (!valid_in || out_n < 3 + 3 || out_n - 3 > in.n ||
            memcmp(out + out_n - 3, "***", 3) != 0 || memcmp(out, in.p, out_n - 3) != 0)
            abort();
        const char *end = out + out_n - 6;
        if (memcmp(end, "区", 3) != 0 && memcmp(end, "县", 3) != 0 && memcmp(end, "旗", 3) != 0 &&
            memcmp(end, "市", 3) != 0 && memcmp(end, "區", 3) != 0 && memcmp(end, "縣", 3) != 0)
            abort();
        for (size_t i = 0; i < out_n - 3; i++)
            if (digits(out + i, 1))
                abort();
        break;
    }
    case YW_MASK_EMAIL: {
        if (redacted)
            break;
        const char *at = NULL;
        for (size_t i = 0; i < in.n; i++)
            if (in.p[i] == '@')
                at = in.p + i;
        if (at == NULL || !valid_in)
            abort();
        size_t local_n = (size_t)(at - in.p), domain_n = in.n - local_n;
        if (local_n == 0 || domain_n < 4 || out_n < domain_n ||
            memcmp(out + out_n - domain_n, at, domain_n) != 0 || memchr(at, ' ', domain_n))
            abort();
        struct chars lc, olc;
        split(in.p, local_n, &lc);
        split(out, out_n - domain_n, &olc);
        /* The local part: its first character when it has more than one. */
        check_ends(out, &olc, in.p, &lc, lc.n > 1 ? 1 : 0, 0);
        chars_free(&lc);
        chars_free(&olc);
        break;
    }
    case YW_MASK_YEAR:
        if (!redacted && (in.n < 8 || out_n != 4 || !digits(out, 4) || memcmp(out, in.p, 4) != 0))
            abort();
        break;
    case YW_MASK_HASH: {
        uint8_t mac[YW_HASH_SIZE];
        char hex[2 * YW_HASH_SIZE + 1];
        if (yw_hmac(key->profile, key->key, key->key_len, in.p, in.n, mac) != YW_OK)
            abort();
        yw_hex(mac, 16, hex);
        if (out_n != 32 || memcmp(out, hex, 32) != 0)
            abort();
        break;
    }
    case YW_MASK_NULL:
    default: abort();
    }
    chars_free(&ic);
    chars_free(&oc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct yw_mask m = {0};
    struct yw_str value;
    const char *nl = size ? memchr(p, '\n', size < 16 ? size : 16) : NULL;
    struct yw_err err = {0};

    if (nl != NULL && yw_mask_parse((struct yw_str){p, (size_t)(nl - p)}, &m, "mask", &err) == 0) {
        char name[16];
        yw_mask_name(&m, name, sizeof(name));
        if (strlen(name) != (size_t)(nl - p) || memcmp(name, p, strlen(name)) != 0)
            abort();
        value = (struct yw_str){nl + 1, size - (size_t)(nl - p) - 1};
    } else {
        if (nl != NULL && (err.code != YW_EINVAL || strcmp(err.field, "mask") != 0 ||
                           strstr(err.message, " / ") == NULL))
            abort();
        m.kind = (enum yw_mask_kind)(size ? data[0] % 12 : 0);
        m.first = size > 1 ? data[1] % (YW_MASK_ENDS_MAX + 1) : 0;
        m.last = size > 2 ? data[2] % (YW_MASK_ENDS_MAX + 1) : 0;
        value = size ? (struct yw_str){p + 1, size - 1} : (struct yw_str){"", 0};
    }
    struct yw_mask_key key = {(size & 1) ? YW_PROFILE_GM : YW_PROFILE_INTL, secret, sizeof(secret)};

    /* An SQL NULL stays NULL. */
    struct yw_buf b, again;
    bool is_null = false;
    yw_buf_init(&b, 16 * size + 256);
    if (yw_mask_apply(&m, (struct yw_str){NULL, 0}, &key, &b, &is_null) != YW_OK || !is_null ||
        b.len != 0)
        abort();

    if (yw_buf_append_c(&b, SENTINEL) != YW_OK)
        abort();
    is_null = true;
    if (yw_mask_apply(&m, value, &key, &b, &is_null) != YW_OK)
        abort();
    if (b.len < 4 || memcmp(b.data, SENTINEL, 4) != 0 || b.data[b.len] != '\0')
        abort();
    const char *out = b.data + 4;
    size_t out_n = b.len - 4;
    if (m.kind == YW_MASK_NULL) {
        if (!is_null || out_n != 0)
            abort();
        yw_buf_free(&b);
        return 0;
    }
    if (is_null || !yw_utf8_valid(out, out_n))
        abort();

    /* At most max(input characters, 64) + 8 characters. */
    struct chars ic, oc;
    split(value.p, value.n, &ic);
    split(out, out_n, &oc);
    if (oc.n > (ic.n > 64 ? ic.n : 64) + 8)
        abort();
    chars_free(&ic);
    chars_free(&oc);

    /* Deterministic. */
    yw_buf_init(&again, 16 * size + 256);
    if (yw_mask_apply(&m, value, &key, &again, &is_null) != YW_OK || again.len != out_n ||
        (out_n && memcmp(again.data, out, out_n) != 0))
        abort();
    yw_buf_free(&again);

    check(&m, value, out, out_n, &key);
    yw_buf_free(&b);
    return 0;
}
