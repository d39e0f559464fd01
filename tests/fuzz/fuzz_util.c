/* libFuzzer harness over util's parsers of outside input: UTF-8 validation,
 * base64 decoding, integer parsing and JSON escaping. Each result is checked
 * against an independent property, so a wrong answer is a crash too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yw_str in = {(const char *)data, size};

    /* Escaped text is valid UTF-8 and never contains a raw control byte. */
    struct yw_buf b;
    yw_buf_init(&b, 16 * size + 16);
    if (yw_json_escape(&b, in) != YW_OK)
        abort();
    if (!yw_utf8_valid(b.data ? b.data : "", b.len))
        abort();
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.data[i] < 0x20)
            abort();
    /* Valid input is copied through unchanged when it has nothing to escape. */
    bool plain = yw_utf8_valid(in.p, in.n);
    for (size_t i = 0; plain && i < size; i++)
        plain = data[i] >= 0x20 && data[i] != '"' && data[i] != '\\' && data[i] != 0x7F;
    if (plain && (b.len != size || (size && memcmp(b.data, data, size) != 0)))
        abort();
    yw_buf_free(&b);

    /* base64: whatever decodes re-encodes to exactly the input (canonical). */
    uint8_t out[4096];
    size_t n = 0;
    if (size < 4096 && yw_base64_decode(in, out, sizeof(out), &n) == YW_OK) {
        char *again = malloc(4 * ((n + 2) / 3) + 1);
        if (again == NULL)
            abort();
        yw_base64(out, n, again);
        if (strlen(again) != size || memcmp(again, data, size) != 0)
            abort();
        free(again);
    }

    /* Integers: what parses prints back the same. */
    int64_t v;
    if (yw_parse_int64(in, INT64_MIN, INT64_MAX, &v) == YW_OK) {
        char text[32];
        if (yw_fmt(text, sizeof(text), "%lld", (long long)v) != YW_OK || strlen(text) > size)
            abort();
        /* Leading zeros ("007") are accepted, so compare the value, not the text. */
        int64_t w;
        if (yw_parse_int64(yw_str_c(text), INT64_MIN, INT64_MAX, &w) != YW_OK || w != v)
            abort();
    }
    return 0;
}
