/*
 * RFC 8785 JSON Canonicalization Scheme over jansson values, restricted to
 * what yiwang's ledger entries hold: objects, arrays, strings, integers of at
 * most 53 bits, true, false and null. Reals are refused rather than printed,
 * because printing doubles the ECMAScript way (RFC 8785 section 3.2.2.3) is
 * the one part of JCS that is easy to get subtly wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

/* ±(2^53 - 1): the integers an IEEE double, and so every JCS reader, holds exactly. */
#define JCS_INT_MAX ((json_int_t)9007199254740991LL)
/* Deeper nesting than jansson's own parser accepts is refused; this also
 * stops a value that (through the non-checking setters) contains itself. */
#define JCS_MAX_DEPTH 2048

struct member {
    const char *key;
    size_t key_len;
    json_t *value;
};

/* A rank per code point whose order is the order of the code points' UTF-16
 * encodings: a supplementary character starts with a high surrogate
 * (D800..DBFF), so it sorts after U+0000..U+D7FF and before U+E000..U+FFFF.
 * Comparing two strings rank by rank is then comparing their UTF-16 code
 * units, because equal characters have equal encodings and unequal ones
 * differ in their first unit unless both are supplementary, in which case
 * code point order and surrogate order agree. */
static uint32_t utf16_rank(uint32_t c)
{
    if (c < 0xD800)
        return c;
    if (c >= 0x10000)
        return 0xD800 + (c - 0x10000); /* 0xD800 .. 0x10D7FF */
    return 0x10E000 + (c - 0xE000);    /* U+E000 .. U+FFFF after them */
}

static int compare_members(const void *a, const void *b)
{
    const struct member *ma = a, *mb = b;
    const unsigned char *pa = (const unsigned char *)ma->key, *pb = (const unsigned char *)mb->key;
    size_t ia = 0, ib = 0;

    while (ia < ma->key_len && ib < mb->key_len) {
        size_t la, lb;
        uint32_t ra = utf16_rank(yw_utf8_decode((const char *)pa + ia, &la));
        uint32_t rb = utf16_rank(yw_utf8_decode((const char *)pb + ib, &lb));
        if (ra != rb)
            return ra < rb ? -1 : 1;
        ia += la;
        ib += lb;
    }
    if (ia < ma->key_len)
        return 1;
    return ib < mb->key_len ? -1 : 0;
}

/* RFC 8785 section 3.2.2.2: the two-character escapes where JSON has them,
 * \u00xx (lower-case hex) for the other controls, everything else as is. */
static int append_string(struct yw_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the bytes not yet copied */
    int rc;

    if (!yw_utf8_valid(s, n))
        return YW_EINVAL;
    if ((rc = yw_buf_append(out, "\"", 1)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        size_t esc_len = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            esc_len = 6;
        }
        if ((rc = yw_buf_append(out, s + run, i - run)) < 0 ||
            (rc = yw_buf_append(out, esc, esc_len)) < 0)
            return rc;
        run = i + 1;
    }
    if ((rc = yw_buf_append(out, s + run, n - run)) < 0)
        return rc;
    return yw_buf_append(out, "\"", 1);
}

static int append_value(const json_t *value, struct yw_buf *out, int depth);

static int append_object(const json_t *object, struct yw_buf *out, int depth)
{
    struct member *members = NULL;
    size_t n = json_object_size(object), i = 0;
    int rc = 0;

    if (n == 0)
        return yw_buf_append(out, "{}", 2);
    if ((members = calloc(n, sizeof(*members))) == NULL)
        return YW_ENOMEM;
    /* json_object_iter is const-incorrect; nothing below modifies object. */
    for (void *it = json_object_iter((json_t *)object); it != NULL && i < n;
         it = json_object_iter_next((json_t *)object, it), i++) {
        members[i].key = json_object_iter_key(it);
        members[i].key_len = json_object_iter_key_len(it);
        members[i].value = json_object_iter_value(it);
        if (!yw_utf8_valid(members[i].key, members[i].key_len)) {
            rc = YW_EINVAL;
            goto out;
        }
    }
    if (i != n) {
        rc = YW_EINTERNAL;
        goto out;
    }
    qsort(members, n, sizeof(*members), compare_members);
    for (i = 0; i < n; i++) {
        if ((rc = yw_buf_append(out, i == 0 ? "{" : ",", 1)) < 0 ||
            (rc = append_string(out, members[i].key, members[i].key_len)) < 0 ||
            (rc = yw_buf_append(out, ":", 1)) < 0 ||
            (rc = append_value(members[i].value, out, depth + 1)) < 0)
            goto out;
    }
    rc = yw_buf_append(out, "}", 1);
out:
    free(members);
    return rc;
}

static int append_value(const json_t *value, struct yw_buf *out, int depth)
{
    int rc;

    if (value == NULL || depth > JCS_MAX_DEPTH)
        return YW_EINVAL;
    switch (json_typeof(value)) {
    case JSON_OBJECT: return append_object(value, out, depth);
    case JSON_ARRAY: {
        size_t n = json_array_size(value);
        if ((rc = yw_buf_append(out, "[", 1)) < 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            if ((i > 0 && (rc = yw_buf_append(out, ",", 1)) < 0) ||
                (rc = append_value(json_array_get(value, i), out, depth + 1)) < 0)
                return rc;
        }
        return yw_buf_append(out, "]", 1);
    }
    case JSON_STRING:
        return append_string(out, json_string_value(value), json_string_length(value));
    case JSON_INTEGER: {
        json_int_t v = json_integer_value(value);
        if (v < -JCS_INT_MAX || v > JCS_INT_MAX)
            return YW_EINVAL;
        return yw_buf_printf(out, "%" JSON_INTEGER_FORMAT, v);
    }
    case JSON_REAL: return YW_EINVAL;
    case JSON_TRUE: return yw_buf_append(out, "true", 4);
    case JSON_FALSE: return yw_buf_append(out, "false", 5);
    case JSON_NULL: return yw_buf_append(out, "null", 4);
    }
    return YW_EINVAL;
}

int yw__jcs(const json_t *value, struct yw_buf *out)
{
    size_t old_len = out->len;
    int rc = append_value(value, out, 0);

    if (rc < 0) { /* leave out as it was */
        out->len = old_len;
        if (out->data != NULL)
            out->data[old_len] = '\0';
    }
    return rc;
}
