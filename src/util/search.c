/*
 * Search terms for Chinese and English text.
 *
 * Chinese has no spaces between words, so a run of CJK characters is indexed
 * as its overlapping bigrams: a query phrase of bigrams then matches any
 * substring of two or more characters. Letters and digits form words. The
 * iterator keeps only offsets into the lent text; a bigram is always two
 * adjacent characters of the text, so it is copied straight from it.
 */
#include "util.h"

#include <string.h>

#define NOT_A_CHAR 0xFFFFFFFFu /* an invalid byte, or the end of the text */

static bool is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || /* Hiragana, Katakana */
           (c >= 0x3400 && c <= 0x4DBF) || /* CJK Extension A */
           (c >= 0x4E00 && c <= 0x9FFF) || /* CJK Unified Ideographs */
           (c >= 0xAC00 && c <= 0xD7AF) || /* Hangul syllables */
           (c >= 0xF900 && c <= 0xFAFF) || /* CJK Compatibility Ideographs */
           (c >= 0x20000 && c <= 0x2FA1F); /* Extensions B–F, Compatibility Supplement */
}

/* The ASCII letter or digit c stands for, lower-cased (fullwidth forms folded), or 0. */
static char ascii_word_char(uint32_t c)
{
    if (c >= 0xFF10 && c <= 0xFF19) /* ０–９ */
        c = c - 0xFF10 + '0';
    else if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) /* Ａ–Ｚ ａ–ｚ */
        c = c - 0xFF00 + 0x20;
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return (char)c;
    return 0;
}

/* Latin-1 Supplement and Latin Extended-A/B letters, kept as they are. */
static bool is_latin_letter(uint32_t c)
{
    return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}

/* The code point at t->pos and its length in bytes (1 for an invalid byte, 0 at the end). */
static uint32_t peek(const struct yw_terms *t, size_t *len)
{
    size_t left = t->text.n - t->pos;
    if (left == 0) {
        *len = 0;
        return NOT_A_CHAR;
    }
    const char *s = t->text.p + t->pos;
    unsigned char c = (unsigned char)s[0];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (need > left || !yw_utf8_valid(s, need)) {
        *len = 1;
        return NOT_A_CHAR;
    }
    return yw_utf8_decode(s, len);
}

static void set_term(struct yw_terms *t, const char *p, size_t n, bool cjk)
{
    memcpy(t->term, p, n);
    t->term[n] = '\0';
    t->term_len = n;
    t->cjk = cjk;
}

void yw_terms_init(struct yw_terms *t, struct yw_str text)
{
    memset(t, 0, sizeof(*t));
    t->text = text.p ? text : (struct yw_str){"", 0};
}

bool yw_terms_next(struct yw_terms *t)
{
    size_t len;
    uint32_t c;

    for (;;) {
        c = peek(t, &len);
        if (t->run_len > 0) {
            /* In a CJK run; the character at run_prev ends at pos. */
            if (is_cjk(c)) {
                set_term(t, t->text.p + t->run_prev, t->pos + len - t->run_prev, true);
                t->run_prev = t->pos;
                t->pos += len;
                t->run_len++;
                return true;
            }
            size_t run = t->run_len;
            t->run_len = 0;
            if (run == 1) {
                set_term(t, t->text.p + t->run_prev, t->pos - t->run_prev, true);
                return true;
            }
            continue;
        }
        if (len == 0)
            return false;
        if (is_cjk(c)) {
            t->run_prev = t->pos;
            t->run_len = 1;
            t->pos += len;
            continue;
        }
        if (ascii_word_char(c) || is_latin_letter(c))
            break;
        t->pos += len; /* a separator */
    }

    /* A word: once a character does not fit, the rest is dropped. */
    bool full = false;
    t->term_len = 0;
    t->cjk = false;
    for (; len > 0; c = peek(t, &len)) {
        char a = ascii_word_char(c);
        if (a == 0 && !is_latin_letter(c))
            break;
        size_t bytes = a ? 1 : len;
        full = full || t->term_len + bytes > YW_TERM_WORD_MAX;
        if (!full) {
            if (a)
                t->term[t->term_len] = a;
            else
                memcpy(t->term + t->term_len, t->text.p + t->pos, len);
            t->term_len += bytes;
        }
        t->pos += len;
    }
    t->term[t->term_len] = '\0';
    return true;
}

int yw_terms_append(struct yw_buf *b, const char *text)
{
    struct yw_terms t;
    int rc = YW_OK;
    yw_terms_init(&t, yw_str_c(text));
    while (rc == YW_OK && yw_terms_next(&t)) {
        rc = yw_buf_append(b, t.term, t.term_len);
        if (rc == YW_OK)
            rc = yw_buf_append(b, " ", 1);
    }
    return rc;
}
