/*
 * C2SP signed-note (signed-note/v1.0.0) and tlog-checkpoint
 * (tlog-checkpoint/v1.0.0), byte for byte, for both profiles:
 *
 *   intl  type 0x01       Ed25519 public key (32)    signature 64 bytes
 *   gm    type 0xff 0x01  SM2 point 04||X||Y (65)    signature DER SM2-with-SM3
 *
 * The key ID is SHA-256(name || 0x0A || type bytes || public key)[:4] in both
 * profiles. Parsing is as strict as golang.org/x/mod/sumdb/note (the reference
 * implementation) and in places stricter; design note: docs/internals/ledger.md.
 */
#include <string.h>

#include "ledger/internal.h"

#define KEY_ID_SIZE 4
/* type bytes (at most 2) followed by the raw public key */
#define TYPED_KEY_MAX (2 + YW_PUBKEY_MAX)
/* signature lines read from one note; C2SP asks for at least 16 */
#define NOTE_MAX_SIGNATURES 100
/* decoded size of one signature line (key ID + signature): room for the
 * post-quantum signatures of other signers, which are ignored but parsed */
#define NOTE_SIG_MAX 8192

static const char em_dash_space[] = "\xe2\x80\x94 "; /* U+2014 U+0020 */
#define EM_DASH_SPACE_LEN (sizeof(em_dash_space) - 1)

/* ---- character rules ----------------------------------------------------- */

/* Well-formed UTF-8 with no control character below U+0020 other than '\n'
 * (signed-note "Format"). In valid UTF-8 such bytes only stand for
 * themselves, so a byte scan suffices. */
static bool note_chars_valid(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 && p[i] != '\n')
            return false;
    return yw_utf8_valid(p, n);
}

/* Unicode White_Space, as Go's unicode.IsSpace (which the reference
 * implementation uses for key names). */
static bool is_unicode_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Key names (and checkpoint origins): non-empty UTF-8 with no Unicode space,
 * no '+' and no control character. */
static bool name_valid(struct yw_str name)
{
    const unsigned char *s = (const unsigned char *)name.p;

    if (name.n == 0 || !note_chars_valid(name.p, name.n))
        return false;
    for (size_t i = 0; i < name.n;) {
        size_t len;
        uint32_t c = yw_utf8_decode((const char *)s + i, &len);
        if (c == '+' || c < 0x20 || is_unicode_space(c))
            return false;
        i += len;
    }
    return true;
}

/* ---- keys ------------------------------------------------------------------ */

/* The signed-note encoding of key's public half: type bytes || public key. */
static int typed_key(const struct yw_key *key, uint8_t out[TYPED_KEY_MAX], size_t *out_len)
{
    size_t n_type, n_raw;
    int rc;

    switch (yw_key_profile(key)) {
    case YW_PROFILE_INTL:
        out[0] = 0x01;
        n_type = 1;
        break;
    case YW_PROFILE_GM:
        out[0] = 0xff;
        out[1] = 0x01;
        n_type = 2;
        break;
    default: return YW_EINVAL;
    }
    if ((rc = yw_key_public_raw(key, out + n_type, &n_raw)) < 0)
        return rc;
    *out_len = n_type + n_raw;
    return 0;
}

/* SHA-256(name || '\n' || typed key)[:4], in both profiles. */
static int key_id(struct yw_str name, const uint8_t *tk, size_t tk_len, uint8_t id[KEY_ID_SIZE])
{
    uint8_t digest[YW_HASH_SIZE];
    const struct yw_str parts[3] = {name, {"\n", 1}, {(const char *)tk, tk_len}};
    int rc;

    if ((rc = yw_hashv(YW_PROFILE_INTL, parts, 3, digest)) < 0)
        return rc;
    memcpy(id, digest, KEY_ID_SIZE);
    return 0;
}

static int key_id_of(const struct yw_key *key, struct yw_str name, uint8_t id[KEY_ID_SIZE])
{
    uint8_t tk[TYPED_KEY_MAX];
    size_t tk_len;
    int rc;

    if ((rc = typed_key(key, tk, &tk_len)) < 0)
        return rc;
    return key_id(name, tk, tk_len, id);
}

int yw__note_vkey(const struct yw_key *key, const char *name, char *out, size_t out_size)
{
    uint8_t tk[TYPED_KEY_MAX], id[KEY_ID_SIZE];
    char id_hex[2 * KEY_ID_SIZE + 1], tk_b64[4 * ((TYPED_KEY_MAX + 2) / 3) + 1];
    size_t tk_len;
    int rc;

    if (key == NULL || name == NULL || !name_valid(yw_str_c(name)))
        return YW_EINVAL;
    if ((rc = typed_key(key, tk, &tk_len)) < 0 || (rc = key_id(yw_str_c(name), tk, tk_len, id)) < 0)
        return rc;
    yw_hex(id, KEY_ID_SIZE, id_hex);
    yw_base64(tk, tk_len, tk_b64);
    return yw_fmt(out, out_size, "%s+%s+%s", name, id_hex, tk_b64);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int yw__note_parse_vkey(struct yw_str vkey, char *name, size_t name_size, struct yw_key **key,
                        struct yw_err *err)
{
    uint8_t tk[TYPED_KEY_MAX + 1], id[KEY_ID_SIZE], want_id[KEY_ID_SIZE];
    size_t tk_len, i;
    enum yw_profile profile;
    int rc;

    /* name '+' hex8 '+' base64: the name holds no '+', base64 may. */
    for (i = 0; i < vkey.n && vkey.p[i] != '+'; i++)
        ;
    struct yw_str key_name = {vkey.p, i};
    if (i == vkey.n || !name_valid(key_name))
        return yw_err_set(err, YW_EINVAL, "vkey", "the verifier key's name is missing or invalid");
    if (vkey.n - i < 1 + 2 * KEY_ID_SIZE + 1 || vkey.p[i + 1 + 2 * KEY_ID_SIZE] != '+')
        return yw_err_set(err, YW_EINVAL, "vkey", "the verifier key has no 8-digit key ID");
    for (size_t k = 0; k < KEY_ID_SIZE; k++) {
        int hi = hex_value(vkey.p[i + 1 + 2 * k]), lo = hex_value(vkey.p[i + 2 + 2 * k]);
        if (hi < 0 || lo < 0)
            return yw_err_set(err, YW_EINVAL, "vkey", "the verifier key ID is not hexadecimal");
        want_id[k] = (uint8_t)(hi << 4 | lo);
    }
    size_t b64_at = i + 2 + 2 * KEY_ID_SIZE;
    struct yw_str b64 = {vkey.p + b64_at, vkey.n - b64_at};
    if (yw_base64_decode(b64, tk, sizeof(tk), &tk_len) < 0)
        return yw_err_set(err, YW_EINVAL, "vkey", "the verifier key is not valid base64");
    if (tk_len == 1 + 32 && tk[0] == 0x01) {
        profile = YW_PROFILE_INTL;
    } else if (tk_len == 2 + 65 && tk[0] == 0xff && tk[1] == 0x01) {
        profile = YW_PROFILE_GM;
    } else {
        return yw_err_set(err, YW_EINVAL, "vkey",
                          "unsupported verifier key type (want Ed25519 0x01 or SM2 0xff 0x01)");
    }
    if ((rc = key_id(key_name, tk, tk_len, id)) < 0)
        return yw_err_set(err, rc, "vkey", "cannot compute the key ID");
    if (memcmp(id, want_id, KEY_ID_SIZE) != 0)
        return yw_err_set(err, YW_EINVAL, "vkey", "the key ID does not match the name and key");
    if (key_name.n >= name_size)
        return yw_err_set(err, YW_EINVAL, "vkey", "the key name is longer than %zu bytes",
                          name_size == 0 ? 0 : name_size - 1);
    if ((rc = yw_key_from_public_raw(profile, tk + (profile == YW_PROFILE_GM ? 2 : 1),
                                     tk_len - (profile == YW_PROFILE_GM ? 2 : 1), key, err)) < 0)
        return rc;
    memcpy(name, key_name.p, key_name.n);
    name[key_name.n] = '\0';
    return 0;
}

/* ---- notes ----------------------------------------------------------------- */

int yw__note_sign(const struct yw_key *key, const char *name, struct yw_str text,
                  struct yw_buf *out)
{
    uint8_t sig[KEY_ID_SIZE + YW_SIG_MAX];
    char sig_b64[4 * ((sizeof(sig) + 2) / 3) + 1];
    size_t sig_len, old_len = out->len;
    int rc;

    if (key == NULL || name == NULL || !name_valid(yw_str_c(name)))
        return YW_EINVAL;
    if (text.n == 0 || text.p[text.n - 1] != '\n' || !note_chars_valid(text.p, text.n))
        return YW_EINVAL;
    if ((rc = key_id_of(key, yw_str_c(name), sig)) < 0 ||
        (rc = yw_sign(key, text.p, text.n, sig + KEY_ID_SIZE, &sig_len)) < 0)
        return rc;
    yw_base64(sig, KEY_ID_SIZE + sig_len, sig_b64);
    if ((rc = yw_buf_append(out, text.p, text.n)) < 0 || (rc = yw_buf_append(out, "\n", 1)) < 0 ||
        (rc = yw_buf_append(out, em_dash_space, EM_DASH_SPACE_LEN)) < 0 ||
        (rc = yw_buf_printf(out, "%s %s\n", name, sig_b64)) < 0) {
        out->len = old_len; /* nothing half-written is left behind */
        if (out->data != NULL)
            out->data[old_len] = '\0';
        return rc;
    }
    return 0;
}

/* Start of the last "\n\n" in p, or -1. */
static ptrdiff_t last_blank_line(const char *p, size_t n)
{
    for (size_t i = n; i >= 2; i--)
        if (p[i - 2] == '\n' && p[i - 1] == '\n')
            return (ptrdiff_t)(i - 2);
    return -1;
}

int yw__note_verify(struct yw_str note, const char *name, const struct yw_key *key,
                    struct yw_str *text, struct yw_err *err)
{
    uint8_t our_id[KEY_ID_SIZE];
    uint8_t sig[NOTE_SIG_MAX];
    size_t n_sigs = 0, n_ours = 0;
    int rc;

    if (key == NULL || name == NULL || !name_valid(yw_str_c(name)))
        return yw_err_set(err, YW_EINVAL, NULL, "invalid verifier name or key");
    if ((rc = key_id_of(key, yw_str_c(name), our_id)) < 0)
        return yw_err_set(err, rc, NULL, "cannot compute the key ID");
    if (note.n == 0 || !note_chars_valid(note.p, note.n))
        return yw_err_set(err, YW_EINVAL, "note",
                          "the note is empty, not UTF-8, or holds control characters");
    ptrdiff_t split = last_blank_line(note.p, note.n);
    if (split < 0)
        return yw_err_set(err, YW_EINVAL, "note", "the note has no blank line before signatures");
    struct yw_str body = {note.p, (size_t)split + 1};
    const char *p = note.p + split + 2, *end = note.p + note.n;
    if (p == end || end[-1] != '\n')
        return yw_err_set(err, YW_EINVAL, "note", "the note's signature lines are missing");

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t line_len = (size_t)(eol - p);
        if (++n_sigs > NOTE_MAX_SIGNATURES)
            return yw_err_set(err, YW_EINVAL, "note", "more than %d signatures",
                              NOTE_MAX_SIGNATURES);
        if (line_len < EM_DASH_SPACE_LEN || memcmp(p, em_dash_space, EM_DASH_SPACE_LEN) != 0)
            return yw_err_set(err, YW_EINVAL, "note", "a signature line does not start with '— '");
        const char *s = p + EM_DASH_SPACE_LEN;
        const char *space = memchr(s, ' ', (size_t)(eol - s));
        if (space == NULL)
            return yw_err_set(err, YW_EINVAL, "note", "a signature line has no signature");
        struct yw_str sig_name = {s, (size_t)(space - s)};
        struct yw_str sig_b64 = {space + 1, (size_t)(eol - space - 1)};
        size_t sig_len;
        if (!name_valid(sig_name) || sig_b64.n == 0 ||
            yw_base64_decode(sig_b64, sig, sizeof(sig), &sig_len) < 0 || sig_len <= KEY_ID_SIZE)
            return yw_err_set(err, YW_EINVAL, "note", "a signature line is malformed");
        p = eol + 1;

        /* Other signers, and our name with another key ID, are ignored. */
        if (!yw_str_eq_c(sig_name, name) || memcmp(sig, our_id, KEY_ID_SIZE) != 0)
            continue;
        /* Every signature under our (name, key ID) must verify, duplicates
         * included: stricter than the SHOULD of signed-note. */
        rc = yw_verify(key, body.p, body.n, sig + KEY_ID_SIZE, sig_len - KEY_ID_SIZE);
        if (rc == YW_EVERIFY)
            return yw_err_set(err, YW_EVERIFY, "note", "the signature by %s does not verify", name);
        if (rc < 0)
            return yw_err_set(err, rc, "note", "cannot verify the signature by %s", name);
        n_ours++;
    }
    if (n_ours == 0)
        return yw_err_set(err, YW_EVERIFY, "note", "the note is not signed by %s", name);
    *text = body;
    return 0;
}

/* ---- checkpoints ------------------------------------------------------------ */

int yw__checkpoint_text(const char *origin, uint64_t size, const uint8_t root[YW_HASH_SIZE],
                        struct yw_buf *out)
{
    char root_b64[4 * ((YW_HASH_SIZE + 2) / 3) + 1];
    size_t old_len = out->len;
    int rc;

    if (origin == NULL || !name_valid(yw_str_c(origin)) || size > (uint64_t)INT64_MAX)
        return YW_EINVAL;
    yw_base64(root, YW_HASH_SIZE, root_b64);
    if ((rc = yw_buf_printf(out, "%s\n%llu\n%s\n", origin, (unsigned long long)size, root_b64)) <
        0) {
        out->len = old_len;
        if (out->data != NULL)
            out->data[old_len] = '\0';
    }
    return rc;
}

/* Cuts the line at *p (up to end) and advances *p past its '\n'; false when
 * no '\n' is left. */
static bool next_line(const char **p, const char *end, struct yw_str *line)
{
    const char *eol = memchr(*p, '\n', (size_t)(end - *p));
    if (eol == NULL)
        return false;
    line->p = *p;
    line->n = (size_t)(eol - *p);
    *p = eol + 1;
    return true;
}

int yw__checkpoint_parse(struct yw_str text, char *origin, size_t origin_size, uint64_t *size,
                         uint8_t root[YW_HASH_SIZE], struct yw_err *err)
{
    struct yw_str origin_line, size_line, root_line, ext;
    uint8_t hash[YW_HASH_SIZE + 1];
    size_t hash_len;
    int64_t tree_size;

    if (text.n == 0 || text.p[text.n - 1] != '\n' || !note_chars_valid(text.p, text.n))
        return yw_err_set(err, YW_EINVAL, "checkpoint",
                          "the checkpoint must be UTF-8 text ending in a newline");
    const char *p = text.p, *end = text.p + text.n;
    if (!next_line(&p, end, &origin_line) || !next_line(&p, end, &size_line) ||
        !next_line(&p, end, &root_line))
        return yw_err_set(err, YW_EINVAL, "checkpoint", "the checkpoint has fewer than 3 lines");
    if (!name_valid(origin_line))
        return yw_err_set(err, YW_EINVAL, "checkpoint", "the checkpoint origin is invalid");
    if (origin_line.n >= origin_size)
        return yw_err_set(err, YW_EINVAL, "checkpoint", "the origin is longer than %zu bytes",
                          origin_size == 0 ? 0 : origin_size - 1);
    /* Decimal, no sign, no leading zero ("0" alone for the empty tree). */
    if (size_line.n == 0 || size_line.p[0] == '-' || (size_line.p[0] == '0' && size_line.n > 1) ||
        yw_parse_int64(size_line, 0, INT64_MAX, &tree_size) < 0)
        return yw_err_set(err, YW_EINVAL, "checkpoint", "the tree size is not canonical decimal");
    if (yw_base64_decode(root_line, hash, sizeof(hash), &hash_len) < 0 || hash_len != YW_HASH_SIZE)
        return yw_err_set(err, YW_EINVAL, "checkpoint", "the root is not base64 of 32 bytes");
    while (next_line(&p, end, &ext))
        if (ext.n == 0)
            return yw_err_set(err, YW_EINVAL, "checkpoint", "empty extension line");
    memcpy(origin, origin_line.p, origin_line.n);
    origin[origin_line.n] = '\0';
    *size = (uint64_t)tree_size;
    memcpy(root, hash, YW_HASH_SIZE);
    return 0;
}
