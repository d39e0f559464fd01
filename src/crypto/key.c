/* Keys (SM2, Ed25519), their files, and signatures. */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

/* Immutable after construction, which is what makes sharing it between
 * threads safe. */
struct yw_key {
    enum yw_profile profile;
    bool has_private;
    EVP_PKEY *pkey;
};

/* GB/T 35276 default distinguishing identifier for SM2 signatures. */
static const char sm2_default_id[] = "1234567812345678";
#define SM2_ID_LEN (sizeof(sm2_default_id) - 1)

#define ED25519_KEY_SIZE 32
#define ED25519_SIG_SIZE 64
#define SM2_SCALAR_SIZE 32
#define SM2_POINT_SIZE 65        /* 04 || X || Y */
#define SM2_SIG_MIN 8            /* SEQUENCE { INTEGER 1 byte, INTEGER 1 byte } */
#define SM2_SIG_MAX 72           /* SEQUENCE { INTEGER 33 bytes, INTEGER 33 bytes } */
#define KEY_FILE_MAX (16 * 1024) /* a PEM key is a few hundred bytes */

/* OpenSSL's algorithm name for the profile's signature key type. */
static const char *key_type_name(enum yw_profile p)
{
    switch (p) {
    case YW_PROFILE_GM: return "SM2";
    case YW_PROFILE_INTL: return "ED25519";
    }
    return NULL;
}

static bool valid_profile(enum yw_profile p)
{
    return key_type_name(p) != NULL;
}

/* The failure path of every OpenSSL call: report, and leave no stale entries
 * in this thread's OpenSSL error queue for unrelated later calls to find. */
static int crypto_fail(struct yw_err *err, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char reason[128] = "unknown reason";

    if (e != 0)
        ERR_error_string_n(e, reason, sizeof(reason));
    ERR_clear_error();
    return yw_err_set(err, YW_ECRYPTO, NULL, "%s failed: %s", what, reason);
}

/* Takes ownership of pkey (frees it on failure). */
static int key_wrap(enum yw_profile p, EVP_PKEY *pkey, bool has_private, struct yw_key **out,
                    struct yw_err *err)
{
    struct yw_key *key = calloc(1, sizeof(*key));

    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    }
    key->profile = p;
    key->has_private = has_private;
    key->pkey = pkey;
    *out = key;
    return YW_OK;
}

int yw_key_generate(enum yw_profile p, struct yw_key **out, struct yw_err *err)
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    int rc;

    if (!valid_profile(p))
        return yw_err_set(err, YW_EINVAL, NULL, "unknown crypto profile %d", (int)p);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, key_type_name(p), NULL);
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, &pkey) != 1) {
        rc = crypto_fail(err, "key generation");
        goto out;
    }
    rc = key_wrap(p, pkey, true, out, err);
    pkey = NULL;
out:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* Imports SM2 parameters (group, public point, and the private scalar when
 * priv is not NULL) as an "SM2" key, so that signing uses SM2, not ECDSA. */
static int sm2_import(const BIGNUM *priv, const uint8_t pub[SM2_POINT_SIZE], EVP_PKEY **out,
                      struct yw_err *err)
{
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;
    int selection = priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    int rc = YW_OK;

    if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, SN_sm2, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, SM2_POINT_SIZE) != 1 ||
        (priv != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
        rc = crypto_fail(err, "SM2 key import");
        goto out;
    }
    /* fromdata decodes the point and refuses one that is not on the curve. */
    if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL ||
        EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) {
        ERR_clear_error();
        rc = yw_err_set(err, YW_EINVAL, NULL, "not a valid SM2 key");
        goto out;
    }
    /* Full public-key validation: on the curve, not infinity, order n. */
    if ((check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
        EVP_PKEY_public_check(check) != 1) {
        ERR_clear_error();
        rc = yw_err_set(err, YW_EINVAL, NULL, "not a valid SM2 public key");
        goto out;
    }
    *out = pkey;
    pkey = NULL;
out:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* clears the private part */
    OSSL_PARAM_BLD_free(bld);
    return rc;
}

/* d in [1, n-2] as GB/T 32918.1 requires (SM2 signing inverts 1+d); derives
 * P = dG and imports the pair. */
static int sm2_from_scalar(const uint8_t *raw, EVP_PKEY **out, struct yw_err *err)
{
    EC_GROUP *group = NULL;
    EC_POINT *point = NULL;
    BIGNUM *d = NULL;
    BIGNUM *limit = NULL;
    BN_CTX *bn_ctx = NULL;
    uint8_t pub[SM2_POINT_SIZE];
    int rc = YW_OK;

    if ((group = EC_GROUP_new_by_curve_name(NID_sm2)) == NULL || (d = BN_secure_new()) == NULL ||
        BN_bin2bn(raw, SM2_SCALAR_SIZE, d) == NULL || (limit = BN_new()) == NULL ||
        BN_copy(limit, EC_GROUP_get0_order(group)) == NULL || BN_sub_word(limit, 1) != 1) {
        rc = crypto_fail(err, "SM2 key import");
        goto out;
    }
    if (BN_is_zero(d) || BN_cmp(d, limit) >= 0) {
        rc = yw_err_set(err, YW_EINVAL, NULL, "SM2 private key out of range [1, n-2]");
        goto out;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    if ((bn_ctx = BN_CTX_secure_new()) == NULL || (point = EC_POINT_new(group)) == NULL ||
        EC_POINT_mul(group, point, d, NULL, NULL, bn_ctx) != 1 ||
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub), bn_ctx) !=
            sizeof(pub)) {
        rc = crypto_fail(err, "SM2 public key derivation");
        goto out;
    }
    rc = sm2_import(d, pub, out, err);
out:
    BN_CTX_free(bn_ctx);
    EC_POINT_free(point);
    BN_free(limit);
    BN_clear_free(d);
    EC_GROUP_free(group);
    return rc;
}

int yw_key_from_private_raw(enum yw_profile p, const uint8_t *raw, size_t n, struct yw_key **out,
                            struct yw_err *err)
{
    EVP_PKEY *pkey = NULL;
    int rc;

    switch (p) {
    case YW_PROFILE_INTL:
        if (raw == NULL || n != ED25519_KEY_SIZE)
            return yw_err_set(err, YW_EINVAL, NULL, "an Ed25519 private key is %d bytes",
                              ED25519_KEY_SIZE);
        pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, raw, n);
        if (pkey == NULL)
            return crypto_fail(err, "Ed25519 key import");
        break;
    case YW_PROFILE_GM:
        if (raw == NULL || n != SM2_SCALAR_SIZE)
            return yw_err_set(err, YW_EINVAL, NULL, "an SM2 private key is %d bytes",
                              SM2_SCALAR_SIZE);
        if ((rc = sm2_from_scalar(raw, &pkey, err)) < 0)
            return rc;
        break;
    default: return yw_err_set(err, YW_EINVAL, NULL, "unknown crypto profile %d", (int)p);
    }
    return key_wrap(p, pkey, true, out, err);
}

int yw_key_from_public_raw(enum yw_profile p, const uint8_t *raw, size_t n, struct yw_key **out,
                           struct yw_err *err)
{
    EVP_PKEY *pkey = NULL;
    int rc;

    switch (p) {
    case YW_PROFILE_INTL:
        if (raw == NULL || n != ED25519_KEY_SIZE)
            return yw_err_set(err, YW_EINVAL, NULL, "an Ed25519 public key is %d bytes",
                              ED25519_KEY_SIZE);
        pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, raw, n);
        if (pkey == NULL)
            return crypto_fail(err, "Ed25519 key import");
        break;
    case YW_PROFILE_GM:
        if (raw == NULL || n != SM2_POINT_SIZE || raw[0] != 0x04)
            return yw_err_set(err, YW_EINVAL, NULL, "an SM2 public key is %d bytes: 04 || X || Y",
                              SM2_POINT_SIZE);
        if ((rc = sm2_import(NULL, raw, &pkey, err)) < 0)
            return rc;
        break;
    default: return yw_err_set(err, YW_EINVAL, NULL, "unknown crypto profile %d", (int)p);
    }
    return key_wrap(p, pkey, false, out, err);
}

/* Reads the whole key file through one descriptor, so that the mode checked
 * is the mode of the file read. buf is wiped by the caller. */
static int read_key_file(const char *path, uint8_t *buf, size_t buf_size, size_t *out_len,
                         struct yw_err *err)
{
    struct stat st;
    size_t len = 0;
    int rc = YW_OK;
    /* O_NONBLOCK: a FIFO at path must not hang the open (it is refused below). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        int e = errno;
        return yw_err_set(err,
                          e == ENOENT   ? YW_ENOTFOUND
                          : e == EACCES ? YW_EPERM
                                        : YW_EIO,
                          NULL, "cannot open private key file %s: %s", path, strerror(e));
    }
    if (fstat(fd, &st) < 0) {
        rc = yw_err_set(err, YW_EIO, NULL, "cannot stat %s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = yw_err_set(err, YW_EINVAL, NULL, "private key file %s is not a regular file", path);
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "private key file %s has mode %04o, which lets group or others in; "
                        "refusing to use it (run: chmod 600 %s)",
                        path, (unsigned)(st.st_mode & 07777), path);
        goto out;
    }
    for (;;) {
        ssize_t got = read(fd, buf + len, buf_size - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = yw_err_set(err, YW_EIO, NULL, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len == buf_size) {
            rc = yw_err_set(err, YW_ETOOBIG, NULL, "private key file %s is larger than %zu bytes",
                            path, buf_size - 1);
            goto out;
        }
    }
    *out_len = len;
out:
    close(fd);
    return rc;
}

int yw_key_load_private(enum yw_profile p, const char *path, struct yw_key **out,
                        struct yw_err *err)
{
    uint8_t buf[KEY_FILE_MAX + 1]; /* one spare byte detects an oversized file */
    size_t len = 0;
    const unsigned char *cursor = buf;
    size_t left;
    OSSL_DECODER_CTX *dctx = NULL;
    EVP_PKEY *pkey = NULL;
    int rc;

    if (!valid_profile(p))
        return yw_err_set(err, YW_EINVAL, NULL, "unknown crypto profile %d", (int)p);
    if ((rc = read_key_file(path, buf, sizeof(buf), &len, err)) < 0)
        goto out;
    /* Unencrypted PKCS#8 only: no passphrase callback is set, so an
     * encrypted key fails here rather than prompting on a terminal. */
    left = len;
    dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", "PrivateKeyInfo", NULL,
                                         OSSL_KEYMGMT_SELECT_KEYPAIR, NULL, NULL);
    if (dctx == NULL || OSSL_DECODER_from_data(dctx, &cursor, &left) != 1 || pkey == NULL) {
        ERR_clear_error();
        rc =
            yw_err_set(err, YW_EINVAL, NULL,
                       "%s is not an unencrypted PEM PKCS#8 private key (BEGIN PRIVATE KEY)", path);
        goto out;
    }
    if (!EVP_PKEY_is_a(pkey, key_type_name(p))) {
        rc = yw_err_set(err, YW_EINVAL, NULL,
                        "%s holds a %s key, but the %s profile needs a %s key", path,
                        EVP_PKEY_get0_type_name(pkey), yw_profile_name(p), yw_profile_sig_name(p));
        goto out;
    }
    rc = key_wrap(p, pkey, true, out, err);
    pkey = NULL;
out:
    EVP_PKEY_free(pkey);
    OSSL_DECODER_CTX_free(dctx);
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

int yw_key_save_private(const struct yw_key *key, const char *path, struct yw_err *err)
{
    OSSL_ENCODER_CTX *ectx = NULL;
    BIO *bio = NULL;
    char *pem = NULL;
    long pem_len;
    int rc;

    if (key == NULL || !key->has_private)
        return yw_err_set(err, YW_EINVAL, NULL, "only a key pair can be saved as a private key");
    /* A secure-memory BIO wipes the PEM text when it is freed. */
    if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
        (ectx = OSSL_ENCODER_CTX_new_for_pkey(key->pkey, OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM",
                                              "PrivateKeyInfo", NULL)) == NULL ||
        OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0 || OSSL_ENCODER_to_bio(ectx, bio) != 1 ||
        (pem_len = BIO_get_mem_data(bio, &pem)) <= 0) {
        rc = crypto_fail(err, "private key encoding");
        goto out;
    }
    rc = yw_file_create(path, 0600, pem, (size_t)pem_len, err);
out:
    OSSL_ENCODER_CTX_free(ectx);
    BIO_free(bio);
    return rc;
}

int yw_key_public_raw(const struct yw_key *key, uint8_t out[YW_PUBKEY_MAX], size_t *out_len)
{
    BIGNUM *x = NULL;
    BIGNUM *y = NULL;
    size_t len = YW_PUBKEY_MAX;
    int rc = YW_ECRYPTO;

    if (key == NULL)
        return YW_EINVAL;
    if (key->profile == YW_PROFILE_INTL) {
        if (EVP_PKEY_get_raw_public_key(key->pkey, out, &len) != 1 || len != ED25519_KEY_SIZE)
            goto out;
    } else {
        /* From the coordinates, so the result is uncompressed whatever point
         * format the key was loaded with. */
        if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
            EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
            BN_bn2binpad(x, out + 1, 32) != 32 || BN_bn2binpad(y, out + 33, 32) != 32)
            goto out;
        out[0] = 0x04;
        len = SM2_POINT_SIZE;
    }
    *out_len = len;
    rc = YW_OK;
out:
    if (rc < 0)
        ERR_clear_error();
    BN_free(x);
    BN_free(y);
    return rc;
}

enum yw_profile yw_key_profile(const struct yw_key *key)
{
    return key->profile;
}

bool yw_key_has_private(const struct yw_key *key)
{
    return key->has_private;
}

void yw_key_free(struct yw_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* clears the private key material */
    free(key);
}

/* Sets up mctx for signing (sign = true) or verifying with key: pure Ed25519
 * (no digest), or SM2 with SM3 and the default ID. *pctx_out receives the
 * SM2 context, which mctx borrows: free it after mctx. */
static int sig_init(const struct yw_key *key, EVP_MD_CTX *mctx, EVP_PKEY_CTX **pctx_out, bool sign)
{
    EVP_PKEY_CTX *pctx = NULL;

    if (key->profile == YW_PROFILE_GM) {
        /* The ID goes into Z = SM3(ENTL || ID || a || b || G || P), which is
         * prefixed to the message; set it explicitly rather than rely on
         * OpenSSL's default. It is cached on pctx and applied at init. */
        if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL)) == NULL)
            return YW_ECRYPTO;
        *pctx_out = pctx;
        if (EVP_PKEY_CTX_set1_id(pctx, sm2_default_id, (int)SM2_ID_LEN) != 1)
            return YW_ECRYPTO;
        EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
        if (sign)
            return EVP_DigestSignInit_ex(mctx, NULL, "SM3", NULL, NULL, key->pkey, NULL) == 1
                       ? YW_OK
                       : YW_ECRYPTO;
        return EVP_DigestVerifyInit_ex(mctx, NULL, "SM3", NULL, NULL, key->pkey, NULL) == 1
                   ? YW_OK
                   : YW_ECRYPTO;
    }
    if (sign)
        return EVP_DigestSignInit_ex(mctx, NULL, NULL, NULL, NULL, key->pkey, NULL) == 1
                   ? YW_OK
                   : YW_ECRYPTO;
    return EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, key->pkey, NULL) == 1 ? YW_OK
                                                                                       : YW_ECRYPTO;
}

int yw_sign(const struct yw_key *key, const void *msg, size_t n, uint8_t sig[YW_SIG_MAX],
            size_t *sig_len)
{
    static const unsigned char empty[1] = {0};
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    size_t len = YW_SIG_MAX;
    int rc;

    if (key == NULL || !key->has_private || (msg == NULL && n > 0))
        return YW_EINVAL;
    if (msg == NULL)
        msg = empty;
    if ((mctx = EVP_MD_CTX_new()) == NULL) {
        rc = YW_ECRYPTO;
        goto out;
    }
    if ((rc = sig_init(key, mctx, &pctx, true)) < 0)
        goto out;
    if (EVP_DigestSign(mctx, sig, &len, msg, n) != 1 || len > YW_SIG_MAX) {
        rc = YW_ECRYPTO;
        goto out;
    }
    *sig_len = len;
out:
    if (rc < 0)
        ERR_clear_error();
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

int yw_verify(const struct yw_key *key, const void *msg, size_t n, const uint8_t *sig,
              size_t sig_len)
{
    static const unsigned char empty[1] = {0};
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    int rc = YW_EVERIFY;

    if (key == NULL || (msg == NULL && n > 0))
        return YW_EINVAL;
    if (sig == NULL)
        return YW_EVERIFY;
    if (key->profile == YW_PROFILE_INTL ? sig_len != ED25519_SIG_SIZE
                                        : sig_len < SM2_SIG_MIN || sig_len > SM2_SIG_MAX)
        return YW_EVERIFY;
    if (msg == NULL)
        msg = empty;
    if ((mctx = EVP_MD_CTX_new()) == NULL) {
        rc = YW_ECRYPTO;
        goto out;
    }
    if ((rc = sig_init(key, mctx, &pctx, false)) < 0)
        goto out;
    /* 1 is valid; 0 a mismatch; < 0 a malformed (e.g. non-DER) signature. */
    rc = EVP_DigestVerify(mctx, sig, sig_len, msg, n) == 1 ? YW_OK : YW_EVERIFY;
out:
    if (rc < 0)
        ERR_clear_error();
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

int yw_key_derive_secret(const struct yw_key *key, const char *label, uint8_t out[YW_HASH_SIZE])
{
    uint8_t priv[32];
    size_t n = sizeof(priv);
    BIGNUM *bn = NULL;
    int rc = YW_ECRYPTO;

    if (key == NULL || !key->has_private || label == NULL)
        return YW_EINVAL;
    if (key->profile == YW_PROFILE_INTL) {
        if (EVP_PKEY_get_raw_private_key(key->pkey, priv, &n) != 1 || n != sizeof(priv))
            goto out;
    } else if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
               BN_bn2binpad(bn, priv, sizeof(priv)) != (int)sizeof(priv)) {
        goto out;
    }
    rc = yw_hmac(key->profile, priv, sizeof(priv), label, strlen(label), out);
out:
    OPENSSL_cleanse(priv, sizeof(priv));
    BN_clear_free(bn);
    if (rc < 0)
        ERR_clear_error();
    return rc;
}
