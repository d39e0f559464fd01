/*
 * Passwords: Argon2id hashing in PHC strings (libargon2's encoded API), and
 * the minimum strength rule for new passwords. Design note:
 * docs/internals/crypto.md, "Passwords".
 */
#include "crypto.h"

#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>

/* The current parameters, in this one place. OWASP's minimum for Argon2id
 * (Password Storage Cheat Sheet): m = 19 MiB, t = 2, p = 1. Raising them is
 * safe: yw_password_needs_rehash then reports older hashes, which are
 * replaced at their owners' next sign-in. */
#define PW_M_COST 19456u /* KiB */
#define PW_T_COST 2u
#define PW_PARALLELISM 1u
#define PW_SALT_LEN 16u
#define PW_HASH_LEN 32u

/* What yw_password_verify accepts from storage. The ceilings stop a corrupt
 * or planted row from making one sign-in allocate gigabytes or spin for
 * minutes; they leave room to raise the parameters above several times. */
#define PW_M_COST_MAX 262144u /* 256 MiB */
#define PW_T_COST_MAX 16u
#define PW_PARALLELISM_MAX 8u
#define PW_SALT_MIN 8u /* libargon2's own minimum */
#define PW_SALT_MAX 64u
#define PW_HASH_MIN 16u
#define PW_HASH_MAX 64u
#define PW_ENCODED_MAX 256u

/* ---- the PHC string ------------------------------------------------------ */

struct phc_params {
    uint32_t m_cost, t_cost, parallelism;
    size_t salt_len, hash_len;
};

/* Reads a decimal number without sign or leading zero, up to stop, in
 * [min, max]; advances *pos past it. */
static bool parse_number(const char *s, size_t n, size_t *pos, char stop, uint32_t min,
                         uint32_t max, uint32_t *out)
{
    size_t start = *pos, end = start;
    int64_t value = 0;

    while (end < n && s[end] != stop)
        end++;
    if (end == start || end - start > 10 || (s[start] == '0' && end - start > 1))
        return false;
    if (yw_parse_int64((struct yw_str){s + start, end - start}, min, max, &value) < 0)
        return false;
    *out = (uint32_t)value;
    *pos = end;
    return true;
}

static bool expect(const char *s, size_t n, size_t *pos, const char *literal)
{
    size_t len = strlen(literal);
    if (n - *pos < len || memcmp(s + *pos, literal, len) != 0)
        return false;
    *pos += len;
    return true;
}

static bool is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/* Reads unpadded base64 up to stop (or the end) and gives its decoded length. */
static bool parse_b64(const char *s, size_t n, size_t *pos, char stop, size_t *decoded_len)
{
    size_t start = *pos, end = start;

    while (end < n && s[end] != stop) {
        if (!is_b64_char(s[end]))
            return false;
        end++;
    }
    if ((end - start) % 4 == 1)
        return false;
    *decoded_len = (end - start) * 3 / 4;
    *pos = end;
    return true;
}

/* Parses $argon2id$v=19$m=M,t=T,p=P$SALT$HASH strictly and checks every
 * number against the accepted ranges. libargon2 decodes the string again
 * when it verifies; this pass decides what we agree to hand it. */
static bool parse_phc(const char *encoded, struct phc_params *out)
{
    size_t n, pos = 0;

    if (encoded == NULL)
        return false;
    n = strnlen(encoded, PW_ENCODED_MAX + 1);
    if (n > PW_ENCODED_MAX)
        return false;
    if (!expect(encoded, n, &pos, "$argon2id$v=19$m=") ||
        !parse_number(encoded, n, &pos, ',', 1, PW_M_COST_MAX, &out->m_cost) ||
        !expect(encoded, n, &pos, ",t=") ||
        !parse_number(encoded, n, &pos, ',', 1, PW_T_COST_MAX, &out->t_cost) ||
        !expect(encoded, n, &pos, ",p=") ||
        !parse_number(encoded, n, &pos, '$', 1, PW_PARALLELISM_MAX, &out->parallelism) ||
        !expect(encoded, n, &pos, "$") || !parse_b64(encoded, n, &pos, '$', &out->salt_len) ||
        !expect(encoded, n, &pos, "$") || !parse_b64(encoded, n, &pos, '$', &out->hash_len))
        return false;
    return pos == n && out->m_cost >= 8 * out->parallelism && out->salt_len >= PW_SALT_MIN &&
           out->salt_len <= PW_SALT_MAX && out->hash_len >= PW_HASH_MIN &&
           out->hash_len <= PW_HASH_MAX;
}

/* ---- hashing and verifying ----------------------------------------------- */

int yw_password_hash(struct yw_str password, char *out, size_t out_size, struct yw_err *err)
{
    uint8_t salt[PW_SALT_LEN];
    const void *pwd = password.p != NULL ? (const void *)password.p : (const void *)"";
    int rc, arc;

    if (out != NULL && out_size > 0)
        out[0] = '\0';
    if (password.p == NULL && password.n > 0)
        return yw_err_set(err, YW_EINVAL, "password", "密码无效 / invalid password");
    if (password.n > YW_PASSWORD_MAX_BYTES)
        return yw_err_set(err, YW_EINVAL, "password",
                          "密码过长（最多 %d 字节）/ password too long (at most %d bytes)",
                          YW_PASSWORD_MAX_BYTES, YW_PASSWORD_MAX_BYTES);
    if (out == NULL || out_size < argon2_encodedlen(PW_T_COST, PW_M_COST, PW_PARALLELISM,
                                                    PW_SALT_LEN, PW_HASH_LEN, Argon2_id))
        return yw_err_set(err, YW_ETOOBIG, NULL, "password hash buffer too small");
    if ((rc = yw_random(salt, sizeof(salt))) < 0) {
        yw_err_set(err, rc, NULL, "random generator failed");
        goto out;
    }
    arc = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_PARALLELISM, pwd, password.n, salt,
                                sizeof(salt), PW_HASH_LEN, out, out_size);
    if (arc != ARGON2_OK) {
        out[0] = '\0';
        rc = arc == ARGON2_MEMORY_ALLOCATION_ERROR ? YW_ENOMEM : YW_ECRYPTO;
        yw_err_set(err, rc, NULL, "argon2id failed: %s", argon2_error_message(arc));
        goto out;
    }
    rc = YW_OK;
out:
    OPENSSL_cleanse(salt, sizeof(salt));
    return rc;
}

int yw_password_verify(struct yw_str password, const char *encoded)
{
    struct phc_params params;
    const void *pwd = password.p != NULL ? (const void *)password.p : (const void *)"";

    if (!parse_phc(encoded, &params))
        return YW_EINVAL;
    if (password.p == NULL && password.n > 0)
        return YW_EINVAL;
    /* yw_password_hash refuses these, so no stored hash can match one. */
    if (password.n > YW_PASSWORD_MAX_BYTES)
        return YW_EVERIFY;
    switch (argon2id_verify(encoded, pwd, password.n)) {
    case ARGON2_OK: return YW_OK;
    case ARGON2_VERIFY_MISMATCH: return YW_EVERIFY;
    case ARGON2_MEMORY_ALLOCATION_ERROR: return YW_ENOMEM;
    case ARGON2_DECODING_FAIL:
    case ARGON2_DECODING_LENGTH_FAIL:
    case ARGON2_INCORRECT_TYPE:
    case ARGON2_SALT_TOO_SHORT:
    case ARGON2_OUTPUT_TOO_SHORT:
    case ARGON2_MEMORY_TOO_LITTLE:
    case ARGON2_TIME_TOO_SMALL:
    case ARGON2_LANES_TOO_FEW: return YW_EINVAL;
    default: return YW_ECRYPTO;
    }
}

bool yw_password_needs_rehash(const char *encoded)
{
    struct phc_params params;

    if (!parse_phc(encoded, &params))
        return true;
    return params.m_cost < PW_M_COST || params.t_cost < PW_T_COST ||
           params.salt_len < PW_SALT_LEN || params.hash_len < PW_HASH_LEN;
}

/* ---- strength ------------------------------------------------------------ */

/* SecLists Passwords/Common-Credentials/10-million-password-list-top-100.txt
 * (Mark Burnett's 2015 set of ten million credentials, most common first;
 * despite its name the file has 102 entries), verbatim, vulgar entries
 * included, so it can be checked against its source. Most are shorter than YW_PASSWORD_MIN_CHARS;
 * they still matter because the rule also refuses them with digits or symbols around them. */
static const char *const common_passwords[] = {
    "123456",   "password", "12345678",   "qwerty",    "123456789", "12345",   "1234",
    "111111",   "1234567",  "dragon",     "123123",    "baseball",  "abc123",  "football",
    "monkey",   "letmein",  "696969",     "shadow",    "master",    "666666",  "qwertyuiop",
    "123321",   "mustang",  "1234567890", "michael",   "654321",    "pussy",   "superman",
    "1qaz2wsx", "7777777",  "fuckyou",    "121212",    "000000",    "qazwsx",  "123qwe",
    "killer",   "trustno1", "jordan",     "jennifer",  "zxcvbnm",   "asdfgh",  "hunter",
    "buster",   "soccer",   "harley",     "batman",    "andrew",    "tigger",  "sunshine",
    "iloveyou", "fuckme",   "2000",       "charlie",   "robert",    "thomas",  "hockey",
    "ranger",   "daniel",   "starwars",   "klaster",   "112233",    "george",  "asshole",
    "computer", "michelle", "jessica",    "pepper",    "1111",      "zxcvbn",  "555555",
    "11111111", "131313",   "freedom",    "777777",    "pass",      "fuck",    "maggie",
    "159753",   "aaaaaa",   "ginger",     "princess",  "joshua",    "cheese",  "amanda",
    "summer",   "love",     "ashley",     "6969",      "nicole",    "chelsea", "biteme",
    "matthew",  "access",   "yankees",    "987654321", "dallas",    "austin",  "thunder",
    "taylor",   "matrix",   "minecraft",  "hariom",
};

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Bytes in the UTF-8 sequence that starts with lead byte c (input is valid). */
static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t count_code_points(const char *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)p[i] & 0xC0) != 0x80;
    return count;
}

static bool has_control(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        /* C0, DEL, and C1 (U+0080..U+009F, encoded C2 80..C2 9F) */
        if (c < 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] < 0xA0))
            return true;
    }
    return false;
}

/* Upper-case letters to lower case, shifted symbols (US layout) to the digit
 * or symbol on the same key; anything else unchanged. */
static char fold_key(char c)
{
    static const char shifted[] = "~!@#$%^&*()_+{}|:\"<>?";
    static const char unshifted[] = "`1234567890-=[]\\;',./";
    const char *hit;

    if (c >= 'A' && c <= 'Z')
        return ascii_lower(c);
    if (c != '\0' && (hit = strchr(shifted, c)) != NULL)
        return unshifted[hit - shifted];
    return c;
}

/* Position of a folded key on a US keyboard: row, and column in half-key
 * units with each row's stagger, so that keys touching diagonally are one
 * half-key apart. False for keys off the grid (space, non-ASCII). */
static bool key_position(char c, int *row, int *x)
{
    static const struct {
        const char *keys;
        int offset;
    } rows[] = {{"`1234567890-=", 0}, {"qwertyuiop[]\\", 3}, {"asdfghjkl;'", 4}, {"zxcvbnm,./", 5}};
    const char *hit;

    if (c == '\0')
        return false;
    for (int r = 0; r < 4; r++) {
        if ((hit = strchr(rows[r].keys, c)) != NULL) {
            *row = r;
            *x = 2 * (int)(hit - rows[r].keys) + rows[r].offset;
            return true;
        }
    }
    return false;
}

/* Whether b follows a in a sequence or a keyboard walk: the same key, the
 * next or previous character (digits wrap 9-0, letters z-a), or a key
 * touching it. a and b are folded; -1 stands for a non-ASCII character. */
static bool continues(int a, int b)
{
    int ra, xa, rb, xb;

    if (a < 0 || b < 0)
        return false;
    if (a == b || a + 1 == b || a - 1 == b || (a == '9' && b == '0') || (a == '0' && b == '9') ||
        (a == 'z' && b == 'a') || (a == 'a' && b == 'z'))
        return true;
    if (!key_position((char)a, &ra, &xa) || !key_position((char)b, &rb, &xb))
        return false;
    if (ra == rb)
        return xa - xb == 2 || xb - xa == 2;
    return (ra - rb == 1 || rb - ra == 1) && xa - xb <= 1 && xb - xa <= 1;
}

/* The smallest period of s when s is a shorter string repeated, else 0. */
static size_t repeat_period(const char *s, size_t n)
{
    for (size_t unit = 1; unit <= n / 2; unit++) {
        if (n % unit != 0)
            continue;
        if (memcmp(s, s + unit, n - unit) == 0)
            return unit;
    }
    return 0;
}

static bool is_letter_or_non_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* The part of s between leading and trailing digits and ASCII symbols. */
static struct yw_str core_of(const char *s, size_t n)
{
    size_t start = 0, end = n;
    while (start < end && !is_letter_or_non_ascii(s[start]))
        start++;
    while (end > start && !is_letter_or_non_ascii(s[end - 1]))
        end--;
    return (struct yw_str){s + start, end - start};
}

/* Undoes the usual look-alike substitutions (p@ssw0rd, l3tm3in). */
static char unleet(char c)
{
    static const char from[] = "@4310!$57";
    static const char to[] = "aaeioisst";
    const char *hit = c != '\0' ? strchr(from, c) : NULL;
    return hit != NULL ? to[hit - from] : c;
}

/* Whether lower (lower-cased) is a listed password, with digits or symbols
 * before or after it, or with look-alike substitutions inside. */
static bool is_common(const char *lower, size_t n)
{
    char plain[YW_PASSWORD_MAX_BYTES];
    struct yw_str core = core_of(lower, n);
    bool found = false;

    if (core.n == 0)
        return false;
    for (size_t i = 0; i < core.n; i++)
        plain[i] = unleet(core.p[i]);
    for (size_t i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]) && !found; i++) {
        struct yw_str entry = core_of(common_passwords[i], strlen(common_passwords[i]));
        if (entry.n == 0)
            continue;
        found = yw_str_eq(core, entry) || yw_str_eq((struct yw_str){plain, core.n}, entry);
    }
    OPENSSL_cleanse(plain, core.n);
    return found;
}

static int refuse(struct yw_err *err, const char *message)
{
    return yw_err_set(err, YW_EINVAL, "password", "%s", message);
}

int yw_password_check_strength(struct yw_str password, struct yw_str account_name,
                               struct yw_err *err)
{
    char lower[YW_PASSWORD_MAX_BYTES];
    int folded[YW_PASSWORD_MAX_BYTES];
    char name[YW_PASSWORD_MAX_BYTES];
    size_t n = password.n, n_chars = 0, n_continuing = 0, period;
    bool lower_case = false, upper_case = false, digit = false, other = false;
    int rc = YW_OK;

    /* The cap first, so that nothing below ever scans a huge input. */
    if (n > YW_PASSWORD_MAX_BYTES)
        return yw_err_set(err, YW_EINVAL, "password",
                          "密码过长（最多 %d 字节）/ password too long (at most %d bytes)",
                          YW_PASSWORD_MAX_BYTES, YW_PASSWORD_MAX_BYTES);
    if ((password.p == NULL && n > 0) || !yw_utf8_valid(password.p, n))
        return refuse(err, "密码不是合法的 UTF-8 文本 / password is not valid UTF-8 text");
    if (has_control(password.p, n))
        return refuse(err, "密码不得包含控制字符 / password must not contain control characters");
    if (count_code_points(password.p, n) < YW_PASSWORD_MIN_CHARS)
        return yw_err_set(err, YW_EINVAL, "password",
                          "密码至少需要 %d 个字符 / password must be at least %d characters long",
                          YW_PASSWORD_MIN_CHARS, YW_PASSWORD_MIN_CHARS);

    /* One pass: lower-cased bytes, folded keys per character, classes. */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)password.p[i];
        size_t len = utf8_len(c);
        for (size_t k = 0; k < len; k++)
            lower[i + k] = ascii_lower(password.p[i + k]);
        if (len > 1)
            other = true;
        else if (c >= 'a' && c <= 'z')
            lower_case = true;
        else if (c >= 'A' && c <= 'Z')
            upper_case = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            other = true;
        folded[n_chars++] = len > 1 ? -1 : (unsigned char)fold_key((char)c);
        i += len;
    }
    for (size_t i = 1; i < n_chars; i++)
        n_continuing += continues(folded[i - 1], folded[i]);

    if ((period = repeat_period(lower, n)) != 0) {
        rc = count_code_points(lower, period) == 1
                 ? refuse(err, "密码不得由同一个字符重复组成 / "
                               "password must not be one character repeated")
                 : refuse(err, "密码不得由一段较短的字符重复组成 / "
                               "password must not be a shorter string repeated");
        goto out;
    }
    if (4 * n_continuing >= 3 * (n_chars - 1)) {
        rc =
            refuse(err, "密码不得主要由连续字符或键盘相邻按键组成（如 123456…、abcdef…、1qaz2wsx…）"
                        " / password must not be mostly a sequence or adjacent keys "
                        "(such as 123456…, abcdef… or 1qaz2wsx…)");
        goto out;
    }
    if (is_common(lower, n)) {
        rc = refuse(err, "密码过于常见，或只是常见密码加了数字、符号或变形 / "
                         "password is too common, or a common password with digits, "
                         "symbols or look-alike letters added");
        goto out;
    }
    if (account_name.p != NULL && account_name.n <= sizeof(name) &&
        count_code_points(account_name.p, account_name.n) >= 3) {
        for (size_t i = 0; i < account_name.n; i++)
            name[i] = ascii_lower(account_name.p[i]);
        if (memmem(lower, n, name, account_name.n) != NULL) {
            rc = refuse(err, "密码不得包含账号名 / password must not contain the account name");
            goto out;
        }
    }
    if (lower_case + upper_case + digit + other < 3) {
        rc = refuse(err, "密码须包含小写字母、大写字母、数字、其他字符中的至少 3 类 / "
                         "password must mix at least 3 of: lower-case letters, "
                         "upper-case letters, digits, other characters");
        goto out;
    }
out:
    OPENSSL_cleanse(lower, n);
    OPENSSL_cleanse(folded, n_chars * sizeof(folded[0]));
    return rc;
}

int yw_password_generate(struct yw_str account_name, char out[YW_PASSWORD_GENERATED_SIZE])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
                                   "!@#%+=?";
    for (int attempt = 0; attempt < 100; attempt++) {
        uint8_t raw[YW_PASSWORD_GENERATED_SIZE - 1];
        if (yw_random(raw, sizeof(raw)) < 0)
            return YW_ECRYPTO;
        /* 64 symbols: the modulo keeps every symbol equally likely. */
        for (size_t i = 0; i < sizeof(raw); i++)
            out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
        out[sizeof(raw)] = '\0';
        OPENSSL_cleanse(raw, sizeof(raw));
        if (yw_password_check_strength(yw_str_c(out), account_name, NULL) == YW_OK)
            return YW_OK;
    }
    return YW_EINTERNAL;
}
