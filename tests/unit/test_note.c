/*
 * src/ledger/note.c: C2SP signed-note and tlog-checkpoint.
 *
 *  - the C2SP signed-note example (vkey and signature line);
 *  - golang.org/x/mod/sumdb/note TestSign, reproduced byte for byte from the
 *    key's seed (Ed25519 is deterministic);
 *  - the self-made checkpoint of the shared reference (section 2.2), which
 *    Go's sumdb/note and tlog.TreeHash verify, reproduced byte for byte;
 *  - gm (SM2, type 0xff 0x01) round trips and key IDs;
 *  - malformed notes, vkeys and checkpoints, each refused with its code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

#define EM_DASH "\xe2\x80\x94"

/* ---- vectors ------------------------------------------------------------- */

static const char c2sp_vkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char c2sp_text[] = "This is an example message.\n";
static const char c2sp_sig[] = EM_DASH
    " example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM"
    "=\n";

/* golang.org/x/mod/sumdb/note note_test.go, TestSign */
static const char go_skey_b64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
static const char go_note[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n" EM_DASH " PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

/* transparency-log.md section 2.2 (self-made, checked with Go) */
static const char cp_vkey[] =
    "example.com/audit-test+8dd0de0b+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char cp_root_hex[] =
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
static const char cp_text[] =
    "example.com/audit-test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
static const char cp_note[] =
    "example.com/audit-test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    "\n" EM_DASH " example.com/audit-test "
    "jdDeC5IJlFoOJjPIVoc5gBwXZ7bl9iLG6OGe9kb28nPA4o3qs6ttK8YbLptCBWNxItpiNvJNtsLELeN7IfTPaw2imAE="
    "\n";

/* ---- helpers ------------------------------------------------------------- */

static void unhex32(const char *hex, uint8_t out[32])
{
    assert_int_equal(strlen(hex), 64);
    for (size_t i = 0; i < 32; i++) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

/* The Go test key: PRIVATE+KEY+PeterNeumann+c74f20a3+base64(0x01 || seed). */
static struct yw_key *go_test_key(void)
{
    uint8_t raw[40];
    size_t n;
    struct yw_key *key = NULL;
    assert_int_equal(yw_base64_decode(yw_str_c(go_skey_b64), raw, sizeof(raw), &n), 0);
    assert_int_equal(n, 33);
    assert_int_equal(raw[0], 0x01);
    assert_int_equal(yw_key_from_private_raw(YW_PROFILE_INTL, raw + 1, 32, &key, NULL), 0);
    return key;
}

static struct yw_key *gen_key(enum yw_profile p)
{
    struct yw_key *key = NULL;
    assert_int_equal(yw_key_generate(p, &key, NULL), 0);
    return key;
}

static struct yw_key *parse_vkey(const char *vkey, char name[128])
{
    struct yw_key *key = NULL;
    struct yw_err err = {0};
    int rc = yw__note_parse_vkey(yw_str_c(vkey), name, 128, &key, &err);
    if (rc != 0)
        fail_msg("parse_vkey(%s): %d %s", vkey, rc, err.message);
    return key;
}

static int verify_c(const char *note, size_t n, const char *name, const struct yw_key *key,
                    struct yw_str *text)
{
    struct yw_str t = {NULL, 0};
    struct yw_err err = {0};
    int rc = yw__note_verify((struct yw_str){note, n}, name, key, text ? text : &t, &err);
    if (rc < 0)
        assert_int_equal(err.code, rc); /* every refusal says why */
    return rc;
}

/* Signs text into a fresh buffer (caller frees). */
static void sign_into(struct yw_buf *b, const struct yw_key *key, const char *name,
                      const char *text)
{
    yw_buf_init(b, 1 << 20);
    assert_int_equal(yw__note_sign(key, name, yw_str_c(text), b), 0);
}

/* ---- vectors ------------------------------------------------------------- */

static void test_c2sp_example(void **state)
{
    char name[128], vkey[256], note[512];
    struct yw_str text;
    (void)state;

    struct yw_key *key = parse_vkey(c2sp_vkey, name);
    assert_string_equal(name, "example.com/foo");
    assert_int_equal(yw_key_profile(key), YW_PROFILE_INTL);
    assert_false(yw_key_has_private(key));
    assert_int_equal(yw__note_vkey(key, name, vkey, sizeof(vkey)), 0);
    assert_string_equal(vkey, c2sp_vkey);

    int n = snprintf(note, sizeof(note), "%s\n%s", c2sp_text, c2sp_sig);
    assert_int_equal(verify_c(note, (size_t)n, name, key, &text), 0);
    assert_int_equal(text.n, strlen(c2sp_text));
    assert_memory_equal(text.p, c2sp_text, text.n);
    assert_ptr_equal(text.p, note); /* lent from the note */
    yw_key_free(key);
}

static void test_go_sign_vector(void **state)
{
    struct yw_key *key = go_test_key();
    char vkey[256], name[128];
    struct yw_buf b;
    struct yw_str text;
    (void)state;

    assert_int_equal(yw__note_vkey(key, "PeterNeumann", vkey, sizeof(vkey)), 0);
    assert_memory_equal(vkey, "PeterNeumann+c74f20a3+", 22);
    sign_into(&b, key, "PeterNeumann", go_text);
    assert_string_equal(b.data, go_note);
    assert_int_equal(b.len, strlen(go_note));

    struct yw_key *pub = parse_vkey(vkey, name);
    assert_int_equal(verify_c(go_note, strlen(go_note), "PeterNeumann", pub, &text), 0);
    assert_int_equal(text.n, strlen(go_text));
    /* the private key verifies as well */
    assert_int_equal(verify_c(go_note, strlen(go_note), "PeterNeumann", key, NULL), 0);
    yw_buf_free(&b);
    yw_key_free(pub);
    yw_key_free(key);
}

static void test_checkpoint_vector(void **state)
{
    struct yw_key *key = go_test_key();
    uint8_t root[32], got_root[32];
    char vkey[256], name[128], origin[128];
    struct yw_buf text, note;
    struct yw_str signed_text;
    uint64_t size;
    (void)state;

    assert_int_equal(yw__note_vkey(key, "example.com/audit-test", vkey, sizeof(vkey)), 0);
    assert_string_equal(vkey, cp_vkey);
    unhex32(cp_root_hex, root);
    yw_buf_init(&text, 4096);
    assert_int_equal(yw__checkpoint_text("example.com/audit-test", 8, root, &text), 0);
    assert_string_equal(text.data, cp_text);
    yw_buf_init(&note, 4096);
    assert_int_equal(
        yw__note_sign(key, "example.com/audit-test", (struct yw_str){text.data, text.len}, &note),
        0);
    assert_string_equal(note.data, cp_note);

    struct yw_key *pub = parse_vkey(cp_vkey, name);
    assert_string_equal(name, "example.com/audit-test");
    assert_int_equal(verify_c(cp_note, strlen(cp_note), name, pub, &signed_text), 0);
    assert_int_equal(
        yw__checkpoint_parse(signed_text, origin, sizeof(origin), &size, got_root, NULL), 0);
    assert_string_equal(origin, "example.com/audit-test");
    assert_int_equal(size, 8);
    assert_memory_equal(got_root, root, 32);

    /* a tampered size line no longer verifies */
    char tampered[sizeof(cp_note)];
    memcpy(tampered, cp_note, sizeof(cp_note));
    char *size_line = strchr(tampered, '\n') + 1;
    assert_int_equal(*size_line, '8');
    *size_line = '9';
    assert_int_equal(verify_c(tampered, strlen(tampered), name, pub, NULL), YW_EVERIFY);

    yw_buf_free(&text);
    yw_buf_free(&note);
    yw_key_free(pub);
    yw_key_free(key);
}

/* ---- both profiles ------------------------------------------------------- */

static void test_round_trip_both_profiles(void **state)
{
    static const enum yw_profile profiles[] = {YW_PROFILE_INTL, YW_PROFILE_GM};
    static const char *const texts[] = {
        "one line\n",
        "a\n\nb\n",           /* empty lines inside the text */
        "trailing blank\n\n", /* the text itself ends in an empty line */
        "\n",
        "UTF-8 \xe6\x97\xa5\xe5\xbf\x97 \xf0\x9f\x98\x80 and \x7f\n",
    };
    (void)state;

    for (size_t pi = 0; pi < 2; pi++) {
        struct yw_key *key = gen_key(profiles[pi]);
        char vkey[256], name[128];
        assert_int_equal(yw__note_vkey(key, "log.example/gm", vkey, sizeof(vkey)), 0);
        struct yw_key *pub = parse_vkey(vkey, name);
        assert_int_equal(yw_key_profile(pub), profiles[pi]);

        /* the vkey's key ID is SHA-256(name || '\n' || type || pubkey)[:4] */
        uint8_t raw[YW_PUBKEY_MAX], digest[32];
        size_t raw_len;
        assert_int_equal(yw_key_public_raw(key, raw, &raw_len), 0);
        const char *type = profiles[pi] == YW_PROFILE_GM ? "\xff\x01" : "\x01";
        const struct yw_str parts[] = {YW_STR_LIT("log.example/gm"),
                                       YW_STR_LIT("\n"),
                                       yw_str_c(type),
                                       {(const char *)raw, raw_len}};
        assert_int_equal(yw_hashv(YW_PROFILE_INTL, parts, 4, digest), 0);
        char id_hex[9];
        yw_hex(digest, 4, id_hex);
        assert_memory_equal(vkey + strlen("log.example/gm+"), id_hex, 8);
        /* and the base64 part is type || pubkey */
        char b64[128];
        uint8_t typed[2 + YW_PUBKEY_MAX];
        memcpy(typed, type, strlen(type));
        memcpy(typed + strlen(type), raw, raw_len);
        yw_base64(typed, strlen(type) + raw_len, b64);
        assert_string_equal(vkey + strlen("log.example/gm+12345678+"), b64);

        for (size_t ti = 0; ti < sizeof(texts) / sizeof(texts[0]); ti++) {
            struct yw_buf b;
            struct yw_str text;
            sign_into(&b, key, "log.example/gm", texts[ti]);
            assert_int_equal(verify_c(b.data, b.len, "log.example/gm", pub, &text), 0);
            assert_int_equal(text.n, strlen(texts[ti]));
            assert_memory_equal(text.p, texts[ti], text.n);

            /* the signature line: keyID || signature (64 bytes, or DER for SM2) */
            const char *line = b.data + strlen(texts[ti]) + 1;
            assert_memory_equal(line, EM_DASH " log.example/gm ", strlen(EM_DASH) + 16);
            const char *sig_b64 = line + strlen(EM_DASH) + 16;
            uint8_t sig[128];
            size_t sig_len;
            assert_int_equal(yw_base64_decode((struct yw_str){sig_b64, strlen(sig_b64) - 1}, sig,
                                              sizeof(sig), &sig_len),
                             0);
            assert_memory_equal(sig, digest, 4);
            if (profiles[pi] == YW_PROFILE_INTL) {
                assert_int_equal(sig_len, 4 + 64);
            } else {
                assert_true(sig_len >= 4 + 8 && sig_len <= 4 + 72);
                assert_int_equal(sig[4], 0x30); /* DER SEQUENCE */
                assert_int_equal(sig[5], sig_len - 6);
            }
            /* another key of the same profile under the same name fails */
            struct yw_key *other = gen_key(profiles[pi]);
            assert_int_equal(verify_c(b.data, b.len, "log.example/gm", other, NULL), YW_EVERIFY);
            yw_key_free(other);
            yw_buf_free(&b);
        }
        yw_key_free(pub);
        yw_key_free(key);
    }
}

/* The same key under another name is another (name, key ID) pair: unknown. */
static void test_wrong_name_and_profile(void **state)
{
    struct yw_key *intl = gen_key(YW_PROFILE_INTL), *gm = gen_key(YW_PROFILE_GM);
    struct yw_buf b;
    (void)state;

    sign_into(&b, intl, "a.example/log", "hello\n");
    assert_int_equal(verify_c(b.data, b.len, "b.example/log", intl, NULL), YW_EVERIFY);
    assert_int_equal(verify_c(b.data, b.len, "a.example/log", gm, NULL), YW_EVERIFY);
    yw_buf_free(&b);
    sign_into(&b, gm, "a.example/log", "hello\n");
    assert_int_equal(verify_c(b.data, b.len, "a.example/log", gm, NULL), 0);
    assert_int_equal(verify_c(b.data, b.len, "a.example/log", intl, NULL), YW_EVERIFY);
    yw_buf_free(&b);
    yw_key_free(intl);
    yw_key_free(gm);
}

/* ---- many signers -------------------------------------------------------- */

/* Builds text + blank line + n_lines signature lines by n_lines different
 * keys (of both profiles) named w0.example/w..., with ours at position `ours`
 * (or none when ours < 0). */
static void many_signers(struct yw_buf *out, const struct yw_key *our_key, const char *text,
                         int n_lines, int ours)
{
    yw_buf_init(out, 1 << 20);
    assert_int_equal(yw_buf_append_c(out, text), 0);
    assert_int_equal(yw_buf_append_c(out, "\n"), 0);
    for (int i = 0; i < n_lines; i++) {
        struct yw_buf one;
        char name[64];
        struct yw_key *key = NULL;
        const struct yw_key *signer = our_key;
        snprintf(name, sizeof(name), "w%d.example/witness", i);
        if (i != ours) {
            key = gen_key(i % 2 ? YW_PROFILE_GM : YW_PROFILE_INTL);
            signer = key;
        } else {
            snprintf(name, sizeof(name), "our.example/log");
        }
        sign_into(&one, signer, name, text);
        const char *line = one.data + strlen(text) + 1;
        assert_int_equal(yw_buf_append_c(out, line), 0);
        yw_buf_free(&one);
        yw_key_free(key);
    }
}

static void test_many_signatures(void **state)
{
    struct yw_key *ours = gen_key(YW_PROFILE_INTL);
    struct yw_buf b;
    struct yw_str text;
    (void)state;

    static const int positions[] = {0, 7, 19};
    for (size_t i = 0; i < 3; i++) {
        many_signers(&b, ours, "checkpoint\n", 20, positions[i]);
        assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, &text), 0);
        assert_int_equal(text.n, strlen("checkpoint\n"));
        yw_buf_free(&b);
    }
    /* twenty lines, none of them ours */
    many_signers(&b, ours, "checkpoint\n", 20, -1);
    assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, NULL), YW_EVERIFY);
    yw_buf_free(&b);

    /* our name with a foreign key ID is an unknown signer, ignored */
    struct yw_key *impostor = gen_key(YW_PROFILE_INTL);
    struct yw_buf fake;
    sign_into(&fake, impostor, "our.example/log", "checkpoint\n");
    many_signers(&b, ours, "checkpoint\n", 3, 1);
    assert_int_equal(yw_buf_append_c(&b, fake.data + strlen("checkpoint\n") + 1), 0);
    assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, NULL), 0);
    yw_buf_free(&b);

    /* but our (name, key ID) with a bad signature rejects the whole note,
     * even next to a good one */
    struct yw_buf good, other_text;
    sign_into(&good, ours, "our.example/log", "checkpoint\n");
    sign_into(&other_text, ours, "our.example/log", "another text\n");
    yw_buf_init(&b, 1 << 16);
    assert_int_equal(yw_buf_append(&b, good.data, good.len), 0);
    assert_int_equal(yw_buf_append_c(&b, other_text.data + strlen("another text\n") + 1), 0);
    assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, NULL), YW_EVERIFY);
    yw_buf_free(&b);

    /* more than 100 signature lines: refused as malformed */
    yw_buf_init(&b, 1 << 20);
    assert_int_equal(yw_buf_append(&b, good.data, good.len), 0);
    const char *line = good.data + strlen("checkpoint\n") + 1;
    for (int i = 0; i < 100; i++)
        assert_int_equal(yw_buf_append_c(&b, line), 0);
    assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, NULL), YW_EINVAL);
    yw_buf_free(&b);

    /* a foreign signature far longer than ours (post-quantum sized) is fine */
    uint8_t big[2424];
    char big_b64[4 * (sizeof(big) + 2) / 3 + 4];
    memset(big, 0x5a, sizeof(big));
    yw_base64(big, sizeof(big), big_b64);
    yw_buf_init(&b, 1 << 20);
    assert_int_equal(yw_buf_append(&b, good.data, good.len), 0);
    assert_int_equal(yw_buf_printf(&b, EM_DASH " pq.example/w %s\n", big_b64), 0);
    assert_int_equal(verify_c(b.data, b.len, "our.example/log", ours, NULL), 0);
    yw_buf_free(&b);

    yw_buf_free(&good);
    yw_buf_free(&other_text);
    yw_buf_free(&fake);
    yw_key_free(impostor);
    yw_key_free(ours);
}

/* ---- malformed notes ----------------------------------------------------- */

static void test_malformed_notes(void **state)
{
    struct yw_key *key = go_test_key();
    (void)state;

    /* The Go vector with one change each; the signature is otherwise valid. */
#define SIG_B64                                                                                    \
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
#define T1 "If you think cryptography is the answer to your problem,\n"
#define T2 "then you don't know what your problem is.\n"
    static const struct {
        const char *note;
        size_t len; /* 0: strlen */
        int want;
        const char *desc;
    } cases[] = {
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n", 0, 0, "the original"},
        {T1 T2 EM_DASH " PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "no blank line"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64, 0, YW_EINVAL, "no final newline"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n\n", 0, YW_EINVAL, "blank line at end"},
        {T1 T2 "\n", 0, YW_EINVAL, "no signature lines"},
        {T1 T2, 0, YW_EINVAL, "text only"},
        {"", 0, YW_EINVAL, "empty"},
        {"\n\n", 0, YW_EINVAL, "nothing but a blank line"},
        {T1 T2 "\n\xe2\x80\x93 PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "en dash"},
        {T1 T2 "\n- PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "hyphen"},
        {T1 T2 "\n--- PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "three hyphens"},
        {T1 T2 "\n" EM_DASH "PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "no space after dash"},
        {T1 T2 "\n" EM_DASH "  PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "two spaces"},
        {T1 T2 "\n " EM_DASH " PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "leading space"},
        {T1 T2 "\n" EM_DASH " PeterNeumann  " SIG_B64 "\n", 0, YW_EINVAL, "two spaces before sig"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 " \n", 0, YW_EINVAL, "trailing space"},
        {T1 T2 "\n" EM_DASH " PeterNeumann\n", 0, YW_EINVAL, "no signature"},
        {T1 T2 "\n" EM_DASH " PeterNeumann \n", 0, YW_EINVAL, "empty signature"},
        {T1 T2 "\n" EM_DASH "  " SIG_B64 "\n", 0, YW_EINVAL, "empty name"},
        {T1 T2 "\n" EM_DASH " Peter+Neumann " SIG_B64 "\n", 0, YW_EINVAL, "'+' in name"},
        {T1 T2 "\n" EM_DASH " Peter\xc2\xa0Neumann " SIG_B64 "\n", 0, YW_EINVAL, "NBSP in name"},
        {T1 T2
         "\n" EM_DASH " PeterNeumann "
         "x08go_ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
         "BwJnAM=\n",
         0, YW_EINVAL, "base64url character"},
        {T1 T2
         "\n" EM_DASH " PeterNeumann "
         "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
         "BwJnAM\n",
         0, YW_EINVAL, "base64 without padding"},
        {T1 T2
         "\n" EM_DASH " PeterNeumann "
         "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
         "BwJnAN=\n",
         0, YW_EINVAL, "non-canonical base64 padding bits"},
        {T1 T2 "\n" EM_DASH " PeterNeumann x08gow==\n", 0, YW_EINVAL, "signature of 4 bytes"},
        {T1 T2 "\n" EM_DASH " PeterNeumann x08go/ZJ\n", 0, YW_EVERIFY, "truncated signature"},
        {T1 T2
         "\n" EM_DASH " PeterNeumann "
         "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
         "BwJnAA=\n",
         0, YW_EVERIFY, "last signature byte changed"},
        {"If you think cryptography is the answer to your problem?\n" T2 "\n" EM_DASH
         " PeterNeumann " SIG_B64 "\n",
         0, YW_EVERIFY, "tampered text"},
        {T1 "then you don't know what your problem is.\r\n\n" EM_DASH " PeterNeumann " SIG_B64 "\n",
         0, YW_EINVAL, "carriage return"},
        {"If you think\tcryptography is the answer to your problem,\n" T2 "\n" EM_DASH
         " PeterNeumann " SIG_B64 "\n",
         0, YW_EINVAL, "tab"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n\x01", 0, YW_EINVAL, "control at end"},
        {"If you think \xff cryptography\n\n" EM_DASH " PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL,
         "invalid UTF-8 byte"},
        {"overlong \xc0\xaf\n\n" EM_DASH " PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL,
         "overlong UTF-8"},
        {"surrogate \xed\xa0\x80\n\n" EM_DASH " PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL,
         "UTF-8 surrogate"},
        {T1 T2 "\n\xe2\x80 PeterNeumann " SIG_B64 "\n", 0, YW_EINVAL, "truncated em dash"},
        {T1 "\0" T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n",
         sizeof(T1 "\0" T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n") - 1, YW_EINVAL, "NUL"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\nnot a signature line\n", 0, YW_EINVAL,
         "garbage line after the signature"},
        {T1 T2 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n" EM_DASH " PeterNeumann " SIG_B64 "\n", 0,
         0, "the same signature twice"},
        {T1 T2 "\n" EM_DASH " someone.else " SIG_B64 "\n", 0, YW_EVERIFY, "only an unknown signer"},
    };
#undef T1
#undef T2
#undef SIG_B64
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].note);
        int rc = verify_c(cases[i].note, len, "PeterNeumann", key, NULL);
        if (rc != cases[i].want)
            fail_msg("case \"%s\": got %d, want %d", cases[i].desc, rc, cases[i].want);
    }
    /* NULL name or key */
    struct yw_str text;
    assert_int_equal(yw__note_verify(yw_str_c(go_note), NULL, key, &text, NULL), YW_EINVAL);
    assert_int_equal(yw__note_verify(yw_str_c(go_note), "PeterNeumann", NULL, &text, NULL),
                     YW_EINVAL);
    yw_key_free(key);
}

static void test_sign_rejects(void **state)
{
    struct yw_key *key = go_test_key();
    char vkey[256], name[128];
    struct yw_buf b;
    (void)state;

    static const char *const bad_texts[] = {
        "", "no final newline", "tab\there\n", "cr\r\n", "bad \xff utf8\n",
    };
    static const char *const bad_names[] = {
        "",
        "a b",
        "a+b",
        "a\tb",
        "a\nb",
        "a\xc2\xa0"
        "b", /* U+00A0 */
        "a\xe3\x80\x80"
        "b", /* U+3000 */
        "a\xe2\x80\xa8"
        "b", /* U+2028 */
        "a\xc2\x85"
        "b", /* U+0085 */
        "bad\xff",
    };
    yw_buf_init(&b, 1 << 16);
    assert_int_equal(yw_buf_append_c(&b, "keep"), 0);
    for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++)
        assert_int_equal(yw__note_sign(key, "ok", yw_str_c(bad_texts[i]), &b), YW_EINVAL);
    struct yw_str with_nul = {"a\0b\n", 4};
    assert_int_equal(yw__note_sign(key, "ok", with_nul, &b), YW_EINVAL);
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        assert_int_equal(yw__note_sign(key, bad_names[i], yw_str_c("text\n"), &b), YW_EINVAL);
        assert_int_equal(yw__note_vkey(key, bad_names[i], vkey, sizeof(vkey)), YW_EINVAL);
    }
    assert_int_equal(yw__note_sign(key, NULL, yw_str_c("text\n"), &b), YW_EINVAL);
    assert_int_equal(yw__note_sign(NULL, "ok", yw_str_c("text\n"), &b), YW_EINVAL);
    /* a public-only key cannot sign */
    assert_int_equal(yw__note_vkey(key, "ok", vkey, sizeof(vkey)), 0);
    struct yw_key *pub = parse_vkey(vkey, name);
    assert_int_equal(yw__note_sign(pub, "ok", yw_str_c("text\n"), &b), YW_EINVAL);
    /* nothing was appended by any failure */
    assert_string_equal(b.data, "keep");
    /* a buffer too small: YW_ETOOBIG, and still nothing half-written */
    struct yw_buf small;
    yw_buf_init(&small, 40);
    assert_int_equal(yw_buf_append_c(&small, "keep"), 0);
    assert_int_equal(yw__note_sign(key, "ok", yw_str_c("text\n"), &small), YW_ETOOBIG);
    assert_int_equal(small.len, 4);
    assert_string_equal(small.data, "keep");
    /* vkey output too small */
    assert_int_equal(yw__note_vkey(key, "ok", vkey, 20), YW_ETOOBIG);
    /* a name that is fine: UTF-8, DEL and punctuation are allowed */
    assert_int_equal(
        yw__note_sign(key, "\xe6\x97\xa5\xe5\xbf\x97.example/\x7f-_~", yw_str_c("t\n"), &b), 0);
    yw_buf_free(&small);
    yw_buf_free(&b);
    yw_key_free(pub);
    yw_key_free(key);
}

/* ---- verifier keys ------------------------------------------------------- */

static void test_vkey_parse(void **state)
{
    struct yw_key *gm = gen_key(YW_PROFILE_GM);
    char gm_vkey[256], name[128];
    struct yw_key *key = NULL;
    struct yw_err err;
    (void)state;

    assert_int_equal(yw__note_vkey(gm, "gm.example/log", gm_vkey, sizeof(gm_vkey)), 0);
    /* 0xff 0x01 || 65-byte point = 67 bytes = 92 base64 characters */
    assert_int_equal(strlen(gm_vkey), strlen("gm.example/log+12345678+") + 92);

    /* round trips */
    struct yw_key *k1 = parse_vkey(c2sp_vkey, name);
    char again[256];
    assert_int_equal(yw__note_vkey(k1, name, again, sizeof(again)), 0);
    assert_string_equal(again, c2sp_vkey);
    yw_key_free(k1);
    k1 = parse_vkey(gm_vkey, name);
    assert_string_equal(name, "gm.example/log");
    assert_int_equal(yw_key_profile(k1), YW_PROFILE_GM);
    assert_int_equal(yw__note_vkey(k1, name, again, sizeof(again)), 0);
    assert_string_equal(again, gm_vkey);
    yw_key_free(k1);
    /* upper-case hex in the key ID is accepted, as Go's ParseUint does */
    k1 = parse_vkey("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", name);
    yw_key_free(k1);

    /* a gm vkey with a point that is not on the curve */
    char off_curve[256];
    {
        uint8_t typed[67];
        size_t n;
        const char *b64 = gm_vkey + strlen("gm.example/log+12345678+"); /* base64 may hold '+' */
        assert_int_equal(yw_base64_decode(yw_str_c(b64), typed, sizeof(typed), &n), 0);
        typed[66] ^= 1;
        /* recompute the key ID so that only the point is wrong */
        uint8_t digest[32];
        char id[9], tb64[128];
        const struct yw_str parts[] = {
            YW_STR_LIT("gm.example/log"), YW_STR_LIT("\n"), {(const char *)typed, n}};
        assert_int_equal(yw_hashv(YW_PROFILE_INTL, parts, 3, digest), 0);
        yw_hex(digest, 4, id);
        yw_base64(typed, n, tb64);
        snprintf(off_curve, sizeof(off_curve), "gm.example/log+%s+%s", id, tb64);
    }

    static const char *const bad[] = {
        "",
        "example.com/foo",
        "example.com/foo+",
        "example.com/foo+530d903a",
        "example.com/foo+530d903a+",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  /* wrong ID */
        "example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",   /* other name */
        "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",   /* 7 digits */
        "example.com/foo+530d903a0+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", /* 9 digits */
        "example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  /* not hex */
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",   /* bad b64 */
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k=", /* bad b64 */
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k ", /* space */
        "example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",      /* space */
        "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  /* type 0x02 */
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3Q==",  /* 31 bytes */
        "example.com/foo+530d903a+AQ==",                                          /* 0x01 alone */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&err, 0, sizeof(err));
        key = NULL;
        int rc = yw__note_parse_vkey(yw_str_c(bad[i]), name, sizeof(name), &key, &err);
        if (rc != YW_EINVAL)
            fail_msg("vkey \"%s\": got %d", bad[i], rc);
        assert_null(key);
        assert_true(err.message[0] != '\0');
    }
    assert_int_equal(yw__note_parse_vkey(yw_str_c(off_curve), name, sizeof(name), &key, &err),
                     YW_EINVAL);
    assert_null(key);
    /* the name does not fit the caller's buffer */
    char tiny[15]; /* "example.com/foo" is 15 bytes + NUL */
    assert_int_equal(yw__note_parse_vkey(yw_str_c(c2sp_vkey), tiny, sizeof(tiny), &key, &err),
                     YW_EINVAL);
    assert_null(key);
    char exact[16];
    assert_int_equal(yw__note_parse_vkey(yw_str_c(c2sp_vkey), exact, sizeof(exact), &key, &err), 0);
    assert_string_equal(exact, "example.com/foo");
    yw_key_free(key);
    yw_key_free(gm);
}

/* ---- checkpoints --------------------------------------------------------- */

static void test_checkpoint_round_trip(void **state)
{
    static const struct {
        const char *origin;
        uint64_t size;
    } cases[] = {
        {"example.com/log", 0},
        {"example.com/log", 1},
        {"\xe6\x94\xbf\xe5\x8a\xa1.example/ledger", 1234567890123ULL},
        {"x", (uint64_t)INT64_MAX},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t root[32], got_root[32];
        char origin[64];
        uint64_t size = 99;
        struct yw_buf b;
        for (size_t k = 0; k < 32; k++)
            root[k] = (uint8_t)(i * 32 + k);
        yw_buf_init(&b, 4096);
        assert_int_equal(yw__checkpoint_text(cases[i].origin, cases[i].size, root, &b), 0);
        assert_int_equal(yw__checkpoint_parse((struct yw_str){b.data, b.len}, origin,
                                              sizeof(origin), &size, got_root, NULL),
                         0);
        assert_string_equal(origin, cases[i].origin);
        assert_int_equal(size, cases[i].size);
        assert_memory_equal(got_root, root, 32);
        /* extension lines are allowed and ignored */
        assert_int_equal(yw_buf_append_c(&b, "ext one\nanother: 2\n"), 0);
        assert_int_equal(yw__checkpoint_parse((struct yw_str){b.data, b.len}, origin,
                                              sizeof(origin), &size, got_root, NULL),
                         0);
        assert_int_equal(size, cases[i].size);
        yw_buf_free(&b);
    }
    /* the empty tree's text */
    struct yw_buf b;
    uint8_t root[32] = {0};
    yw_buf_init(&b, 4096);
    assert_int_equal(yw__checkpoint_text("o", 0, root, &b), 0);
    assert_string_equal(b.data, "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    /* text refusals leave the buffer as it was */
    assert_int_equal(yw__checkpoint_text("", 1, root, &b), YW_EINVAL);
    assert_int_equal(yw__checkpoint_text("a b", 1, root, &b), YW_EINVAL);
    assert_int_equal(yw__checkpoint_text("a+b", 1, root, &b), YW_EINVAL);
    assert_int_equal(yw__checkpoint_text("a\nb", 1, root, &b), YW_EINVAL);
    assert_int_equal(yw__checkpoint_text(NULL, 1, root, &b), YW_EINVAL);
    assert_int_equal(yw__checkpoint_text("o", (uint64_t)INT64_MAX + 1, root, &b), YW_EINVAL);
    struct yw_buf small;
    yw_buf_init(&small, 20);
    assert_int_equal(yw__checkpoint_text("o", 1, root, &small), YW_ETOOBIG);
    assert_int_equal(small.len, 0);
    assert_int_equal(b.len, strlen("o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"));
    yw_buf_free(&small);
    yw_buf_free(&b);
}

static void test_checkpoint_rejects(void **state)
{
#define ROOT "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
    static const char *const bad[] = {
        "",
        "o\n8\n" ROOT,                                          /* no final newline */
        "o\n8\n",                                               /* two lines */
        "o\n",                                                  /* one line */
        "\n8\n" ROOT "\n",                                      /* empty origin */
        "o o\n8\n" ROOT "\n",                                   /* space in origin */
        "o+o\n8\n" ROOT "\n",                                   /* '+' in origin */
        "o\xc2\xa0o\n8\n" ROOT "\n",                            /* NBSP in origin */
        "o\n08\n" ROOT "\n",                                    /* leading zero */
        "o\n00\n" ROOT "\n",                                    /* leading zero */
        "o\n+8\n" ROOT "\n",                                    /* sign */
        "o\n-8\n" ROOT "\n",                                    /* sign */
        "o\n-0\n" ROOT "\n",                                    /* sign */
        "o\n 8\n" ROOT "\n",                                    /* space */
        "o\n8 \n" ROOT "\n",                                    /* space */
        "o\n\n" ROOT "\n",                                      /* empty size */
        "o\n0x8\n" ROOT "\n",                                   /* hex */
        "o\n8.0\n" ROOT "\n",                                   /* decimal point */
        "o\n9223372036854775808\n" ROOT "\n",                   /* 2^63 */
        "o\n18446744073709551616\n" ROOT "\n",                  /* 2^64 */
        "o\n8\n\n",                                             /* empty root */
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n",  /* unpadded */
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n", /* base64url */
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n", /* stray bits */
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw==\n", /* 31 bytes */
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQygA\n", /* 33 bytes */
        "o\n8\n" ROOT "\n\n",                                   /* empty extension line */
        "o\n8\n" ROOT "\next\n\n",                              /* empty extension line */
        "o\n8\n" ROOT "\next",                                  /* unterminated extension */
        "o\r\n8\n" ROOT "\n",                                   /* CR */
        "o\n8\n" ROOT "\ntab\there\n",                          /* control in extension */
        "o\xff\n8\n" ROOT "\n",                                 /* invalid UTF-8 */
    };
#undef ROOT
    char origin[64];
    uint64_t size;
    uint8_t root[32];
    struct yw_err err;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&err, 0, sizeof(err));
        int rc = yw__checkpoint_parse(yw_str_c(bad[i]), origin, sizeof(origin), &size, root, &err);
        if (rc != YW_EINVAL)
            fail_msg("checkpoint %zu \"%s\": got %d", i, bad[i], rc);
        assert_int_equal(err.code, YW_EINVAL);
    }
    /* the origin does not fit the caller's buffer */
    char tiny[4];
    assert_int_equal(yw__checkpoint_parse(yw_str_c(cp_text), tiny, sizeof(tiny), &size, root, NULL),
                     YW_EINVAL);
    /* the largest size accepted */
    assert_int_equal(
        yw__checkpoint_parse(yw_str_c("o\n9223372036854775807\n"
                                      "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"),
                             origin, sizeof(origin), &size, root, NULL),
        0);
    assert_true(size == (uint64_t)INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c2sp_example),
        cmocka_unit_test(test_go_sign_vector),
        cmocka_unit_test(test_checkpoint_vector),
        cmocka_unit_test(test_round_trip_both_profiles),
        cmocka_unit_test(test_wrong_name_and_profile),
        cmocka_unit_test(test_many_signatures),
        cmocka_unit_test(test_malformed_notes),
        cmocka_unit_test(test_sign_rejects),
        cmocka_unit_test(test_vkey_parse),
        cmocka_unit_test(test_checkpoint_round_trip),
        cmocka_unit_test(test_checkpoint_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
