/* Profiles, hashes, HMAC, the CSPRNG and constant-time comparison. */
#include "crypto.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

int yw_profile_parse(struct yw_str name, enum yw_profile *out)
{
    if (yw_str_eq_c(name, "gm")) {
        *out = YW_PROFILE_GM;
        return YW_OK;
    }
    if (yw_str_eq_c(name, "intl")) {
        *out = YW_PROFILE_INTL;
        return YW_OK;
    }
    return YW_EINVAL;
}

const char *yw_profile_name(enum yw_profile p)
{
    switch (p) {
    case YW_PROFILE_GM: return "gm";
    case YW_PROFILE_INTL: return "intl";
    }
    return "unknown";
}

const char *yw_profile_hash_name(enum yw_profile p)
{
    switch (p) {
    case YW_PROFILE_GM: return "SM3";
    case YW_PROFILE_INTL: return "SHA-256";
    }
    return "unknown";
}

const char *yw_profile_sig_name(enum yw_profile p)
{
    switch (p) {
    case YW_PROFILE_GM: return "SM2";
    case YW_PROFILE_INTL: return "Ed25519";
    }
    return "unknown";
}

int yw_hash(enum yw_profile p, const void *data, size_t n, uint8_t out[YW_HASH_SIZE])
{
    struct yw_str part = {data, n};
    return yw_hashv(p, &part, 1, out);
}

/* Hashing is the ledger's inner loop, so two costs OpenSSL 3 adds per call
 * are paid once: the digest is fetched from the provider once per process
 * (the legacy EVP_sha256()/EVP_sm3() handles fetch, under a lock, at every
 * init), and each thread keeps one digest context for reuse. Both caches are
 * set up under pthread_once and never change afterwards; a thread's context
 * is freed when the thread exits. */
static pthread_once_t digest_once = PTHREAD_ONCE_INIT;
static EVP_MD *fetched_sha256, *fetched_sm3;
static pthread_key_t ctx_key;

static void free_thread_ctx(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void fetch_digests(void)
{
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    fetched_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
    if (pthread_key_create(&ctx_key, free_thread_ctx) != 0)
        abort();
}

static const EVP_MD *fetched_md(enum yw_profile p)
{
    pthread_once(&digest_once, fetch_digests);
    switch (p) {
    case YW_PROFILE_GM: return fetched_sm3;
    case YW_PROFILE_INTL: return fetched_sha256;
    }
    return NULL;
}

static EVP_MD_CTX *thread_ctx(void)
{
    EVP_MD_CTX *ctx = pthread_getspecific(ctx_key);
    if (ctx == NULL && (ctx = EVP_MD_CTX_new()) != NULL && pthread_setspecific(ctx_key, ctx) != 0) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

int yw_hashv(enum yw_profile p, const struct yw_str *parts, size_t n_parts,
             uint8_t out[YW_HASH_SIZE])
{
    const EVP_MD *md = fetched_md(p);
    EVP_MD_CTX *ctx;
    unsigned int len = 0;
    int rc = YW_ECRYPTO;

    if (md == NULL || (parts == NULL && n_parts > 0))
        return md == NULL && (p == YW_PROFILE_GM || p == YW_PROFILE_INTL) ? YW_ECRYPTO : YW_EINVAL;
    if ((ctx = thread_ctx()) == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1)
        goto out;
    for (size_t i = 0; i < n_parts; i++) {
        if (parts[i].n > 0 && EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) != 1)
            goto out;
    }
    if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != YW_HASH_SIZE)
        goto out;
    rc = YW_OK;
out:
    if (rc < 0)
        ERR_clear_error();
    return rc;
}

int yw_hmac(enum yw_profile p, const void *key, size_t key_len, const void *data, size_t n,
            uint8_t out[YW_HASH_SIZE])
{
    struct yw_str part = {data, n};
    return yw_hmacv(p, key, key_len, &part, 1, out);
}

/* HMAC (RFC 2104) over yw_hashv: SHA-256 and SM3 both take 64-byte blocks.
 * Built here rather than with EVP_MAC, whose fetch, context and parameter
 * parsing cost more than the two hashes on the delivery path (a subject's
 * keyed hash per record). */
#define HMAC_BLOCK 64
#define HMAC_PARTS_MAX 16

int yw_hmacv(enum yw_profile p, const void *key, size_t key_len, const struct yw_str *parts,
             size_t n_parts, uint8_t out[YW_HASH_SIZE])
{
    uint8_t pad[HMAC_BLOCK] = {0}, inner[YW_HASH_SIZE];
    struct yw_str with_pad[1 + HMAC_PARTS_MAX];
    int rc;

    if ((parts == NULL && n_parts > 0) || (key == NULL && key_len > 0) || n_parts > HMAC_PARTS_MAX)
        return YW_EINVAL;
    if (key_len > HMAC_BLOCK) {
        struct yw_str k = {key, key_len};
        if ((rc = yw_hashv(p, &k, 1, pad)) < 0)
            return rc;
    } else if (key_len > 0) {
        memcpy(pad, key, key_len);
    }
    for (size_t i = 0; i < HMAC_BLOCK; i++)
        pad[i] ^= 0x36;
    with_pad[0] = (struct yw_str){(const char *)pad, HMAC_BLOCK};
    for (size_t i = 0; i < n_parts; i++)
        with_pad[i + 1] = parts[i];
    rc = yw_hashv(p, with_pad, n_parts + 1, inner);
    for (size_t i = 0; i < HMAC_BLOCK; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    with_pad[1] = (struct yw_str){(const char *)inner, sizeof(inner)};
    if (rc == YW_OK)
        rc = yw_hashv(p, with_pad, 2, out);
    OPENSSL_cleanse(pad, sizeof(pad)); /* the keyed state */
    OPENSSL_cleanse(inner, sizeof(inner));
    return rc;
}

int yw_random(void *out, size_t n)
{
    unsigned char *p = out;
    size_t done = 0;

    while (done < n) {
        size_t chunk = n - done < (size_t)INT_MAX ? n - done : (size_t)INT_MAX;
        if (RAND_priv_bytes(p + done, (int)chunk) != 1) {
            OPENSSL_cleanse(out, n);
            ERR_clear_error();
            return YW_ECRYPTO;
        }
        done += chunk;
    }
    return YW_OK;
}

bool yw_mem_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
