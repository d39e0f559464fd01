/*
 * Authenticated encryption: AES-256-GCM (intl) and SM4-CTR + HMAC-SM3
 * encrypt-then-MAC (gm, because Debian 12's OpenSSL 3.0 has no SM4-GCM).
 * Layouts and the gm key derivation: docs/internals/crypto.md.
 */
#include "crypto.h"

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#define GCM_NONCE_SIZE 12
#define GCM_TAG_SIZE 16
#define GCM_OVERHEAD (GCM_NONCE_SIZE + GCM_TAG_SIZE)
#define SM4_KEY_SIZE 16
#define SM4_IV_SIZE 16
#define ETM_MAC_SIZE YW_HASH_SIZE
#define ETM_OVERHEAD (SM4_IV_SIZE + ETM_MAC_SIZE)

_Static_assert(GCM_OVERHEAD <= YW_SEAL_OVERHEAD, "YW_SEAL_OVERHEAD too small for intl");
_Static_assert(ETM_OVERHEAD <= YW_SEAL_OVERHEAD, "YW_SEAL_OVERHEAD too small for gm");

/* HKDF-Expand labels (RFC 5869 "info") of the two gm sub-keys. Changing
 * them makes every sealed gm blob unreadable. */
static const char etm_enc_label[] = "yiwang seal v1 SM4-CTR key";
static const char etm_mac_label[] = "yiwang seal v1 HMAC-SM3 key";

/* EVP's update functions take int lengths: feed larger inputs in pieces.
 * out NULL feeds AAD (GCM). For CTR and GCM the output length always equals
 * the input length. */
static int cipher_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t n)
{
    const size_t max_chunk = (size_t)1 << 30;
    size_t done = 0;

    while (done < n) {
        size_t chunk = n - done < max_chunk ? n - done : max_chunk;
        int out_n = 0;
        if (EVP_CipherUpdate(ctx, out != NULL ? out + done : NULL, &out_n, in + done, (int)chunk) !=
                1 ||
            (size_t)out_n != chunk)
            return YW_ECRYPTO;
        done += chunk;
    }
    return YW_OK;
}

/* One HKDF-Expand block with the 32-byte master key as PRK (RFC 5869 §3.3:
 * a uniformly random key needs no Extract step): T(1) = HMAC-SM3(key, label || 0x01). */
static int etm_derive(const uint8_t key[YW_SEAL_KEY_SIZE], const char *label, size_t label_n,
                      uint8_t out[YW_HASH_SIZE])
{
    static const char counter[1] = {0x01};
    const struct yw_str parts[] = {{label, label_n}, {counter, 1}};
    return yw_hmacv(YW_PROFILE_GM, key, YW_SEAL_KEY_SIZE, parts, 2, out);
}

static int etm_keys(const uint8_t key[YW_SEAL_KEY_SIZE], uint8_t enc_key[YW_HASH_SIZE],
                    uint8_t mac_key[YW_HASH_SIZE])
{
    int rc = etm_derive(key, etm_enc_label, sizeof(etm_enc_label) - 1, enc_key);
    if (rc == YW_OK)
        rc = etm_derive(key, etm_mac_label, sizeof(etm_mac_label) - 1, mac_key);
    return rc;
}

/* HMAC-SM3(mac_key, aad_len as 8 bytes big-endian || aad || iv || ciphertext).
 * The length prefix keeps (aad, ciphertext) pairs from sliding into each other. */
static int etm_mac(const uint8_t mac_key[YW_HASH_SIZE], const void *aad, size_t aad_n,
                   const uint8_t *iv_and_ct, size_t iv_and_ct_n, uint8_t out[ETM_MAC_SIZE])
{
    uint8_t aad_len[8];
    uint64_t v = (uint64_t)aad_n;

    for (int i = 7; i >= 0; i--) {
        aad_len[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
    const struct yw_str parts[] = {
        {(const char *)aad_len, sizeof(aad_len)},
        {aad, aad_n},
        {(const char *)iv_and_ct, iv_and_ct_n},
    };
    return yw_hmacv(YW_PROFILE_GM, mac_key, YW_HASH_SIZE, parts, 3, out);
}

/* SM4-CTR over n bytes with a 16-byte initial counter block (the whole block
 * is the big-endian counter). Encryption and decryption are the same. */
static int sm4_ctr(const uint8_t enc_key[SM4_KEY_SIZE], const uint8_t iv[SM4_IV_SIZE],
                   const uint8_t *in, size_t n, uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int rc = YW_ECRYPTO;
    int final_n = 0;

    if (ctx == NULL || EVP_EncryptInit_ex2(ctx, EVP_sm4_ctr(), enc_key, iv, NULL) != 1)
        goto out;
    if (cipher_update(ctx, out, in, n) < 0 || EVP_EncryptFinal_ex(ctx, out + n, &final_n) != 1 ||
        final_n != 0)
        goto out;
    rc = YW_OK;
out:
    EVP_CIPHER_CTX_free(ctx); /* wipes the key schedule */
    return rc;
}

static int seal_gm(const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
                   const uint8_t *pt, size_t n, uint8_t *out)
{
    uint8_t enc_key[YW_HASH_SIZE];
    uint8_t mac_key[YW_HASH_SIZE];
    int rc;

    if ((rc = etm_keys(key, enc_key, mac_key)) < 0)
        goto out;
    if ((rc = yw_random(out, SM4_IV_SIZE)) < 0)
        goto out;
    if ((rc = sm4_ctr(enc_key, out, pt, n, out + SM4_IV_SIZE)) < 0)
        goto out;
    rc = etm_mac(mac_key, aad, aad_n, out, SM4_IV_SIZE + n, out + SM4_IV_SIZE + n);
out:
    OPENSSL_cleanse(enc_key, sizeof(enc_key));
    OPENSSL_cleanse(mac_key, sizeof(mac_key));
    return rc;
}

/* Checks the MAC first and decrypts only when it matches, so nothing is
 * written to out for a forged input. */
static int open_gm(const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
                   const uint8_t *ct, size_t n, uint8_t *out)
{
    uint8_t enc_key[YW_HASH_SIZE];
    uint8_t mac_key[YW_HASH_SIZE];
    uint8_t mac[ETM_MAC_SIZE];
    size_t pt_n = n - ETM_OVERHEAD;
    int rc;

    if ((rc = etm_keys(key, enc_key, mac_key)) < 0)
        goto out;
    if ((rc = etm_mac(mac_key, aad, aad_n, ct, SM4_IV_SIZE + pt_n, mac)) < 0)
        goto out;
    if (!yw_mem_equal(mac, ct + SM4_IV_SIZE + pt_n, ETM_MAC_SIZE)) {
        rc = YW_EVERIFY;
        goto out;
    }
    rc = sm4_ctr(enc_key, ct, ct + SM4_IV_SIZE, pt_n, out);
out:
    OPENSSL_cleanse(enc_key, sizeof(enc_key));
    OPENSSL_cleanse(mac_key, sizeof(mac_key));
    return rc;
}

static int seal_gcm(const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
                    const uint8_t *pt, size_t n, uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = NULL;
    uint8_t *nonce = out;
    uint8_t *body = out + GCM_NONCE_SIZE;
    int final_n = 0;
    int rc;

    if ((rc = yw_random(nonce, GCM_NONCE_SIZE)) < 0)
        goto out;
    rc = YW_ECRYPTO;
    /* The default GCM IV length is 12 bytes: the recommended nonce size. */
    if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
        EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, NULL) != 1)
        goto out;
    if (cipher_update(ctx, NULL, aad, aad_n) < 0 || cipher_update(ctx, body, pt, n) < 0)
        goto out;
    if (EVP_EncryptFinal_ex(ctx, body + n, &final_n) != 1 || final_n != 0 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_SIZE, body + n) != 1)
        goto out;
    rc = YW_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

/* GCM releases plaintext before it can check the tag, so on a mismatch the
 * output is wiped before returning. */
static int open_gcm(const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
                    const uint8_t *ct, size_t n, uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = NULL;
    size_t pt_n = n - GCM_OVERHEAD;
    const uint8_t *body = ct + GCM_NONCE_SIZE;
    uint8_t tag[GCM_TAG_SIZE];
    int final_n = 0;
    int rc = YW_ECRYPTO;

    memcpy(tag, body + pt_n, GCM_TAG_SIZE); /* SET_TAG wants a writable pointer */
    if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
        EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), key, ct, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_SIZE, tag) != 1)
        goto out;
    if (cipher_update(ctx, NULL, aad, aad_n) < 0 || cipher_update(ctx, out, body, pt_n) < 0)
        goto out;
    /* Final compares the tag in constant time and fails on a mismatch. */
    rc = EVP_DecryptFinal_ex(ctx, out + pt_n, &final_n) == 1 && final_n == 0 ? YW_OK : YW_EVERIFY;
out:
    if (rc < 0 && pt_n > 0)
        OPENSSL_cleanse(out, pt_n);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int yw_seal(enum yw_profile p, const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
            const void *pt, size_t n, uint8_t *out, size_t out_size, size_t *out_len)
{
    int rc;

    if (p != YW_PROFILE_GM && p != YW_PROFILE_INTL)
        return YW_EINVAL;
    if (key == NULL || out == NULL || out_len == NULL || (aad == NULL && aad_n > 0) ||
        (pt == NULL && n > 0))
        return YW_EINVAL;
    if (n > SIZE_MAX - YW_SEAL_OVERHEAD || out_size < n + YW_SEAL_OVERHEAD)
        return YW_ETOOBIG;
    if (p == YW_PROFILE_GM) {
        rc = seal_gm(key, aad, aad_n, pt, n, out);
        *out_len = n + ETM_OVERHEAD;
    } else {
        rc = seal_gcm(key, aad, aad_n, pt, n, out);
        *out_len = n + GCM_OVERHEAD;
    }
    if (rc < 0) {
        ERR_clear_error();
        OPENSSL_cleanse(out, n + YW_SEAL_OVERHEAD);
        *out_len = 0;
    }
    return rc;
}

int yw_open(enum yw_profile p, const uint8_t key[YW_SEAL_KEY_SIZE], const void *aad, size_t aad_n,
            const void *ct, size_t n, uint8_t *out, size_t out_size, size_t *out_len)
{
    size_t overhead;
    int rc;

    if (p != YW_PROFILE_GM && p != YW_PROFILE_INTL)
        return YW_EINVAL;
    if (key == NULL || out == NULL || out_len == NULL || (aad == NULL && aad_n > 0) ||
        (ct == NULL && n > 0))
        return YW_EINVAL;
    overhead = p == YW_PROFILE_GM ? ETM_OVERHEAD : GCM_OVERHEAD;
    if (n < overhead)
        return YW_EVERIFY; /* truncated: cannot even hold the nonce and tag */
    if (out_size < n - overhead)
        return YW_ETOOBIG;
    rc = p == YW_PROFILE_GM ? open_gm(key, aad, aad_n, ct, n, out)
                            : open_gcm(key, aad, aad_n, ct, n, out);
    if (rc < 0)
        ERR_clear_error();
    *out_len = rc == YW_OK ? n - overhead : 0;
    return rc;
}
