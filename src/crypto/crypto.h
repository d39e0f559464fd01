/*
 * crypto — the two cryptographic profiles behind one interface, on OpenSSL 3.
 *
 *   profile  hash     signature                        authenticated encryption
 *   gm       SM3      SM2 (SM3, ID 1234567812345678)   SM4-CTR + HMAC-SM3, encrypt-then-MAC
 *   intl     SHA-256  Ed25519 (pure)                   AES-256-GCM
 *
 * plus HMAC, a CSPRNG and constant-time comparison. Design note:
 * docs/internals/crypto.md (the sealed layout and the gm key derivation).
 *
 * Every function is thread-safe: there is no global mutable state, OpenSSL 3
 * is thread-safe, and a struct yw_key is never modified after it is built, so
 * one key may be used by many threads at once. Key material is never printed
 * or logged; error messages name files and algorithms, never key bytes.
 * Fallible functions return 0 or a negative YW_E* code (src/util/util.h).
 */
#ifndef YW_CRYPTO_H
#define YW_CRYPTO_H

#include "util/util.h"

enum yw_profile { YW_PROFILE_INTL = 1, YW_PROFILE_GM = 2 };

#define YW_HASH_SIZE 32  /* SHA-256 and SM3 */
#define YW_SIG_MAX 80    /* Ed25519 64 bytes; SM2 DER up to 72 */
#define YW_PUBKEY_MAX 65 /* Ed25519 32 bytes; SM2 uncompressed point 04||X||Y */
#define YW_SEAL_KEY_SIZE 32
/* Upper bound on what yw_seal adds to the plaintext: the larger of
 * intl (12-byte nonce + 16-byte tag = 28) and gm (16-byte IV + 32-byte MAC = 48). */
#define YW_SEAL_OVERHEAD (16 + 32)

/* ---- profiles ------------------------------------------------------------ */

/* Parses a profile name: exactly "gm" or "intl" (case-sensitive); anything
 * else gives YW_EINVAL and leaves *out unchanged. */
int yw_profile_parse(struct yw_str name, enum yw_profile *out) YW_MUST_USE;

/* Static names for p: "gm" | "intl"; hash "SM3" | "SHA-256"; signature
 * "SM2" | "Ed25519". An invalid p gives "unknown". Never NULL. */
const char *yw_profile_name(enum yw_profile p);
const char *yw_profile_hash_name(enum yw_profile p);
const char *yw_profile_sig_name(enum yw_profile p);

/* ---- hashes, MACs, randomness -------------------------------------------- */

/* out = SM3(data) for gm, SHA-256(data) for intl. data may be NULL when n is 0.
 * YW_EINVAL for an invalid profile, YW_ECRYPTO if OpenSSL fails. */
int yw_hash(enum yw_profile p, const void *data, size_t n, uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

/* Hash of the concatenation of parts[0..n_parts) without copying them (for
 * Merkle nodes: 0x01||left||right). A part may be {NULL, 0}. Errors as yw_hash. */
int yw_hashv(enum yw_profile p, const struct yw_str *parts, size_t n_parts,
             uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

/* out = HMAC-SM3(key, data) for gm, HMAC-SHA-256(key, data) for intl
 * (RFC 2104; any key length, including 0). Errors as yw_hash. */
int yw_hmac(enum yw_profile p, const void *key, size_t key_len, const void *data, size_t n,
            uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

/* HMAC of the concatenation of parts[0..n_parts) (at most 16), like yw_hashv.
 * Errors as yw_hash. */
int yw_hmacv(enum yw_profile p, const void *key, size_t key_len, const struct yw_str *parts,
             size_t n_parts, uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

/* Fills out with n bytes from OpenSSL's private CSPRNG (RAND_priv_bytes), for
 * keys, nonces and tokens. YW_ECRYPTO if the generator fails (out is then
 * zeroed, never left half-random). */
int yw_random(void *out, size_t n) YW_MUST_USE;

/* True when the n bytes at a and b are equal, in time that depends only on n
 * (CRYPTO_memcmp). Use it for every comparison of MACs, tags and tokens. */
bool yw_mem_equal(const void *a, const void *b, size_t n);

/* ---- keys ----------------------------------------------------------------
 * Opaque: a key pair, or a public key only. Immutable once built, so it may be
 * shared between threads; free it with yw_key_free(). Every function that
 * builds one stores it in *out (owned by the caller) on success and leaves
 * *out untouched on failure. */
struct yw_key;

/* Generates a fresh key pair for p (SM2 or Ed25519) from the CSPRNG.
 * YW_EINVAL for an invalid profile, YW_ECRYPTO if OpenSSL fails. */
int yw_key_generate(enum yw_profile p, struct yw_key **out, struct yw_err *err) YW_MUST_USE;

/* Builds a key pair from raw private bytes: for intl the 32-byte Ed25519 seed
 * (RFC 8032), for gm the 32-byte big-endian SM2 private scalar d, which must
 * be in [1, n-2]; the public key is derived. The caller keeps raw (and should
 * wipe it). YW_EINVAL for a wrong length or an out-of-range scalar. */
int yw_key_from_private_raw(enum yw_profile p, const uint8_t *raw, size_t n, struct yw_key **out,
                            struct yw_err *err) YW_MUST_USE;

/* Builds a public-only key: intl 32 bytes (RFC 8032 encoding); gm 65 bytes,
 * the uncompressed point 04||X||Y, which must lie on the SM2 curve.
 * YW_EINVAL for a wrong length or an invalid point. */
int yw_key_from_public_raw(enum yw_profile p, const uint8_t *raw, size_t n, struct yw_key **out,
                           struct yw_err *err) YW_MUST_USE;

/* Loads an unencrypted PEM PKCS#8 private key ("BEGIN PRIVATE KEY") from path.
 * Errors: YW_ENOTFOUND if the file is missing; YW_EPERM if its mode lets group
 * or others in (mode & 077; the message says to chmod 600) or it cannot be
 * opened for lack of permission; YW_EINVAL if it is not a regular file, not
 * such a key, or holds the other profile's key type (an Ed25519 key for gm,
 * say); YW_ETOOBIG above 16 KiB; YW_EIO on read errors. */
int yw_key_load_private(enum yw_profile p, const char *path, struct yw_key **out,
                        struct yw_err *err) YW_MUST_USE;

/* Writes the key pair to path as unencrypted PEM PKCS#8, created exclusively
 * with mode 0600 (yw_file_create: fsynced; nothing left behind on failure).
 * Never overwrites: YW_ECONFLICT if path exists. YW_EINVAL for a public-only
 * key; YW_EIO for write errors. */
int yw_key_save_private(const struct yw_key *key, const char *path, struct yw_err *err) YW_MUST_USE;

/* Copies the raw public key (the format yw_key_from_public_raw takes) into
 * out and sets *out_len to 32 (Ed25519) or 65 (SM2). YW_ECRYPTO if OpenSSL fails. */
int yw_key_public_raw(const struct yw_key *key, uint8_t out[YW_PUBKEY_MAX],
                      size_t *out_len) YW_MUST_USE;

/* The key's profile, and whether it holds the private half. key must not be NULL. */
enum yw_profile yw_key_profile(const struct yw_key *key);
bool yw_key_has_private(const struct yw_key *key);

/* Frees the key, wiping its private half. NULL-safe. */
void yw_key_free(struct yw_key *key);

/* ---- signatures ---------------------------------------------------------- */

/* Signs msg (msg may be NULL when n is 0) into sig and sets *sig_len.
 * intl: pure Ed25519 (RFC 8032), 64 bytes, deterministic. gm: SM2 with SM3
 * and the default distinguishing ID "1234567812345678" (GB/T 35276), a DER
 * SEQUENCE{r, s} of at most 72 bytes, randomised.
 * YW_EINVAL for a public-only key, YW_ECRYPTO if OpenSSL fails. */
int yw_sign(const struct yw_key *key, const void *msg, size_t n, uint8_t sig[YW_SIG_MAX],
            size_t *sig_len) YW_MUST_USE;

/* Verifies sig over msg with key (public-only or pair). 0 when valid;
 * YW_EVERIFY on any mismatch or malformed signature (wrong length, bad DER,
 * non-canonical encoding). */
int yw_verify(const struct yw_key *key, const void *msg, size_t n, const uint8_t *sig,
              size_t sig_len) YW_MUST_USE;

/* ---- authenticated encryption --------------------------------------------
 * yw_seal encrypts pt (n bytes) under the 32-byte key, binding aad (which is
 * authenticated, not encrypted, and not included in the output):
 *   intl: AES-256-GCM:  nonce(12, random) || ciphertext(n) || tag(16)
 *   gm:   SM4-CTR + HMAC-SM3, encrypt-then-MAC:
 *         iv(16, random) || ciphertext(n) || HMAC-SM3(mac_key,
 *                                   aad_len(8, big-endian) || aad || iv || ciphertext)
 *         with enc_key and mac_key derived from key as docs/internals/crypto.md says.
 * out must not overlap the inputs; out_size must be >= n + YW_SEAL_OVERHEAD
 * (YW_ETOOBIG otherwise, for either profile). *out_len receives the sealed length.
 * aad/pt may be NULL when their length is 0. YW_EINVAL for an invalid profile,
 * YW_ECRYPTO if OpenSSL or the CSPRNG fails.
 *
 * yw_open reverses it: ct is the sealed bytes (n of them), out receives the
 * plaintext (out_size must be >= the plaintext length, n minus the profile's
 * overhead, YW_ETOOBIG otherwise). It returns YW_EVERIFY on any tampering,
 * truncation, wrong key or wrong aad, and then no plaintext is left in out:
 * gm checks the MAC (in constant time) before decrypting anything; intl zeroes
 * the output if the GCM tag does not match. */
int yw_seal(enum yw_profile p, const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
            const void *pt, size_t n, uint8_t *out, size_t out_size, size_t *out_len) YW_MUST_USE;
int yw_open(enum yw_profile p, const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
            const void *ct, size_t n, uint8_t *out, size_t out_size, size_t *out_len) YW_MUST_USE;

/* A 32-byte secret derived from the key's private half and a label:
 * HMAC(profile hash, private key bytes, label). The same key and label always
 * give the same secret (e.g. the node's key for sealing stored TOTP secrets);
 * nothing about the key can be learnt from it. YW_EINVAL without a private
 * half. The private bytes are wiped after use. */
int yw_key_derive_secret(const struct yw_key *key, const char *label,
                         uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

/* ==== passwords and one-time codes (password.c, totp.c) ====================
 * For the directory's accounts. Design note: docs/internals/crypto.md,
 * "Passwords" and "One-time codes". Every function here is thread-safe (no
 * global state). Passwords and secrets are never logged, printed or put in
 * an error message; copies made internally are wiped with OPENSSL_cleanse. */

#define YW_PASSWORD_MAX_BYTES 1024 /* longer passwords are refused, not hashed */
#define YW_PASSWORD_MIN_CHARS 12   /* Unicode code points */
/* Room for the PHC string yw_password_hash writes, with its NUL (97 bytes +
 * NUL today; the slack lets the parameters grow). Size database columns to it. */
#define YW_PASSWORD_HASH_SIZE 128

/* Hashes password with Argon2id (RFC 9106) under the current parameters
 * (m = 19456 KiB, t = 2, p = 1: OWASP's minimum; 25-55 ms and 19 MiB of
 * memory per call here, so callers must bound how many run at once) and a fresh
 * 16-byte salt from yw_random, and writes the PHC string
 *     $argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<32-byte hash, base64>
 * with its NUL into out. Does not judge strength (yw_password_check_strength).
 * YW_EINVAL above YW_PASSWORD_MAX_BYTES (field "password"); YW_ETOOBIG when
 * out_size is too small (YW_PASSWORD_HASH_SIZE is enough); YW_ENOMEM;
 * YW_ECRYPTO if the CSPRNG or libargon2 fails. out is empty on failure. */
int yw_password_hash(struct yw_str password, char *out, size_t out_size,
                     struct yw_err *err) YW_MUST_USE;

/* Checks password against a PHC string made by yw_password_hash (or any
 * $argon2id$v=19$ string within the accepted ranges: m <= 262144 KiB,
 * t <= 16, p <= 8, salt 8..64 bytes, hash 16..64 bytes, so a corrupted row
 * cannot make us allocate gigabytes). Returns 0 on a match, YW_EVERIFY on a
 * mismatch (the hashes are compared in constant time by libargon2) and for
 * any password over YW_PASSWORD_MAX_BYTES, which no stored hash can match;
 * YW_EINVAL when encoded is NULL, malformed, another Argon2 type or version,
 * or out of range; YW_ENOMEM; YW_ECRYPTO for other libargon2 failures.
 * For an unknown account, callers should still verify against a fixed dummy
 * hash so that response time does not reveal which accounts exist. */
int yw_password_verify(struct yw_str password, const char *encoded) YW_MUST_USE;

/* True when encoded should be replaced by a fresh yw_password_hash at the
 * next successful sign-in: its memory or time cost, salt or hash length is
 * below the current parameters, or it cannot be parsed at all. (Parallelism
 * does not change the total work, so it is not compared.) */
bool yw_password_needs_rehash(const char *encoded);

/* The minimum strength rule for a new password, checked in this order; the
 * first failure gives YW_EINVAL with field "password" and a bilingual
 * message (Chinese first) that never echoes the password:
 *   at most YW_PASSWORD_MAX_BYTES bytes, well-formed UTF-8, no control
 *   characters; at least YW_PASSWORD_MIN_CHARS characters (code points);
 *   not one character repeated; not a shorter string repeated ("Ab1!Ab1!Ab1!");
 *   not mostly a sequence or keyboard walk (at least 3/4 of neighbouring
 *   characters consecutive, equal or adjacent keys: "123456789012",
 *   "abcdefghijkl", "1qaz@WSX3edc"); not one of the most common passwords
 *   (the 102 entries of SecLists' 10-million-password-list-top-100.txt), nor
 *   one with digits or symbols added before or after it or with look-alike
 *   substitutions ("P@ssw0rd2024!");
 *   not containing account_name when that has 3 or more characters (ASCII
 *   letters compared case-insensitively); and at least 3 of the 4 classes
 *   lower-case, upper-case, digit, other (anything else, any non-ASCII
 *   character included). account_name may be {NULL, 0}. */
int yw_password_check_strength(struct yw_str password, struct yw_str account_name,
                               struct yw_err *err) YW_MUST_USE;

/* A new password from the CSPRNG that passes yw_password_check_strength for
 * account_name: 16 characters from an alphabet without look-alikes (no 0/O,
 * 1/l/I), so it can be read out or typed from paper. */
#define YW_PASSWORD_GENERATED_SIZE 17 /* 16 characters and a NUL */
int yw_password_generate(struct yw_str account_name,
                         char out[YW_PASSWORD_GENERATED_SIZE]) YW_MUST_USE;

#define YW_TOTP_SECRET_SIZE 20 /* what yw_random should make: 160 bits (RFC 4226 §4) */
#define YW_TOTP_SECRET_MIN 16  /* RFC 4226 R6: at least 128 bits */
#define YW_TOTP_SECRET_MAX 64
#define YW_TOTP_DIGITS 6
#define YW_TOTP_PERIOD 30
#define YW_TOTP_WINDOW_MAX 10
/* Characters yw_base32_encode writes for n bytes (no padding), without the NUL. */
#define YW_BASE32_LEN(n) (((n)*8 + 4) / 5)

/* The TOTP value (RFC 6238) for unix_time: HOTP (RFC 4226, dynamic
 * truncation) of the counter floor(unix_time / period), reduced to digits
 * decimal digits, into *code (print it zero-padded). algorithm is "SHA1",
 * "SHA256" or "SHA512" (exactly). YW_EINVAL for a secret outside
 * [YW_TOTP_SECRET_MIN, YW_TOTP_SECRET_MAX] bytes, unix_time < 0, digits
 * outside 6..8, period outside 1..3600 or another algorithm; YW_ECRYPTO if
 * OpenSSL fails. */
int yw_totp_code(const uint8_t *secret, size_t secret_len, int64_t unix_time, int digits,
                 const char *algorithm, int period, uint32_t *code) YW_MUST_USE;

/* Checks a code typed by the user, as authenticator apps make it (SHA1,
 * YW_TOTP_DIGITS digits, YW_TOTP_PERIOD seconds), against the time steps
 * T-window .. T+window around T = unix_time / 30 (steps below 0 skipped).
 * Every step is computed and compared in constant time, whichever matches.
 * On a match returns 0 and stores the matched step (the nearest to T) in
 * *matched_step (may be NULL): the caller must record it and refuse any
 * later code whose step is not greater, so a code cannot be replayed.
 * YW_EVERIFY when no step matches; YW_EINVAL when code is not exactly 6 ASCII
 * digits (no spaces), window is outside 0..YW_TOTP_WINDOW_MAX, or as
 * yw_totp_code; YW_ECRYPTO if OpenSSL fails. */
int yw_totp_verify(const uint8_t *secret, size_t secret_len, struct yw_str code, int64_t unix_time,
                   int window, int64_t *matched_step) YW_MUST_USE;

/* Base32 (RFC 4648 §6, alphabet A-Z 2-7), for TOTP secrets. Encoding writes
 * upper case without padding and a NUL: out_size must be at least
 * YW_BASE32_LEN(n) + 1, YW_ETOOBIG otherwise. Decoding accepts upper or
 * lower case, with or without the '=' padding (if present it must be
 * complete); it refuses anything else, including spaces, impossible lengths
 * and non-zero bits after the last byte, with YW_EINVAL; YW_ETOOBIG when the
 * bytes do not fit in out_size. */
int yw_base32_encode(const uint8_t *p, size_t n, char *out, size_t out_size) YW_MUST_USE;
int yw_base32_decode(struct yw_str in, uint8_t *out, size_t out_size, size_t *out_len) YW_MUST_USE;

/* The enrolment URI for a QR code (Google's Key Uri Format):
 *   otpauth://totp/yiwang:<account_name>?secret=<base32>&issuer=yiwang
 *       &algorithm=SHA1&digits=6&period=30
 * account_name is UTF-8, percent-encoded (everything but A-Z a-z 0-9 - . _ ~).
 * YW_EINVAL (field "account_name") when it is empty, not UTF-8, contains a
 * colon (the format forbids it) or a control character, or the secret's
 * length is out of range; YW_ETOOBIG when out_size is too small
 * (256 + 3 * account_name.n is always enough). */
int yw_totp_uri(struct yw_str account_name, const uint8_t *secret, size_t secret_len, char *out,
                size_t out_size, struct yw_err *err) YW_MUST_USE;
/* ==== end of passwords and one-time codes ================================= */

#endif
