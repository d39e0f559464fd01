/* Internal to src/ledger/ (and its tests): RFC 9162 Merkle algorithms, C2SP
 * signed notes and checkpoints, and RFC 8785 canonical JSON. Pure functions:
 * no I/O, no globals, thread-safe. */
#ifndef YW_LEDGER_INTERNAL_H
#define YW_LEDGER_INTERNAL_H

#include <jansson.h>

#include "crypto/crypto.h"
#include "util/util.h"

/* Longest proof: an inclusion proof has at most ceil(log2 size) <= 64 nodes for
 * any size; a consistency proof up to ceil(log2 n) + 1, which is <= 64 only for
 * n <= 2^63 (yw__merkle_consistency refuses larger n). */
#define YW__PROOF_MAX 64

/* ---- RFC 9162 section 2.1 (merkle.c) ---------------------------------------- */

/* Leaf hash H(0x00 || entry) and interior hash H(0x01 || left || right) with the
 * profile's hash (SHA-256 for intl, SM3 for gm). These three cannot report an
 * error: an invalid profile or an OpenSSL failure logs and abort()s. */
void yw__leaf_hash(enum yw_profile p, const void *entry, size_t n, uint8_t out[YW_HASH_SIZE]);
void yw__node_hash(enum yw_profile p, const uint8_t left[YW_HASH_SIZE],
                   const uint8_t right[YW_HASH_SIZE], uint8_t out[YW_HASH_SIZE]);
/* MTH of the empty tree: H("") */
void yw__empty_root(enum yw_profile p, uint8_t out[YW_HASH_SIZE]);

/* Where proof generation gets hashes: the hash of the complete subtree at
 * (level, index), covering leaves [index * 2^level, (index + 1) * 2^level).
 * Level 0 is the leaf hashes. Returns 0 or a negative YW_E* code (passed on). */
typedef int (*yw__subtree_fn)(void *cls, int level, uint64_t index, uint8_t out[YW_HASH_SIZE]);

/* MTH(D[0:size]) from complete subtrees (at most ~log2(size) lookups). */
int yw__merkle_root(enum yw_profile p, uint64_t size, yw__subtree_fn get, void *cls,
                    uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;
/* RFC 9162 2.1.3.1 inclusion proof (audit path, leaf upward) for index < size.
 * YW_EINVAL when index >= size. proof needs YW__PROOF_MAX slots. */
int yw__merkle_inclusion(enum yw_profile p, uint64_t index, uint64_t size, yw__subtree_fn get,
                         void *cls, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof) YW_MUST_USE;
/* RFC 9162 2.1.4.1 consistency proof between sizes 0 < m <= n <= 2^63 (empty
 * when m == n). YW_EINVAL otherwise. proof needs YW__PROOF_MAX slots. */
int yw__merkle_consistency(enum yw_profile p, uint64_t m, uint64_t n, yw__subtree_fn get, void *cls,
                           uint8_t proof[][YW_HASH_SIZE], size_t *n_proof) YW_MUST_USE;
/* RFC 9162 2.1.3.2 / 2.1.4.2 verification: 0, or YW_EVERIFY on any mismatch,
 * wrong length or out-of-range parameter (index >= size; m == 0 or m > n; for
 * m == n only an empty proof with equal roots verifies); YW_ECRYPTO if the
 * hash itself fails. */
int yw__merkle_verify_inclusion(enum yw_profile p, uint64_t index, uint64_t size,
                                const uint8_t leaf_hash[YW_HASH_SIZE],
                                const uint8_t proof[][YW_HASH_SIZE], size_t n_proof,
                                const uint8_t root[YW_HASH_SIZE]) YW_MUST_USE;
int yw__merkle_verify_consistency(enum yw_profile p, uint64_t m, uint64_t n,
                                  const uint8_t root_m[YW_HASH_SIZE],
                                  const uint8_t root_n[YW_HASH_SIZE],
                                  const uint8_t proof[][YW_HASH_SIZE], size_t n_proof) YW_MUST_USE;

/* ---- C2SP signed-note and tlog-checkpoint (note.c) -------------------------
 * intl: Ed25519, key type 0x01, exactly as signed-note specifies, so existing
 * tooling verifies it. gm: key type 0xff (the spec's escape value) followed by
 * sub-type 0x01 = SM2 with SM3 and the default ID, signature DER; see
 * docs/internals/ledger.md. Key IDs are SHA-256(name || 0x0A || type bytes ||
 * public key)[:4] in both profiles, as the spec defines them. */

/* The verifier key "name+hex8(keyID)+base64(type || pubkey)". */
int yw__note_vkey(const struct yw_key *key, const char *name, char *out,
                  size_t out_size) YW_MUST_USE;
/* Parses a vkey into (name, key); the caller frees *key. YW_EINVAL for any
 * malformed vkey, a key ID that does not match, an unsupported key type, or a
 * name that does not fit name_size. */
int yw__note_parse_vkey(struct yw_str vkey, char *name, size_t name_size, struct yw_key **key,
                        struct yw_err *err) YW_MUST_USE;
/* Appends the signed note for text (which must end in '\n' and follow the
 * note rules) to out: text, blank line, "— name base64(keyID || sig)\n". */
int yw__note_sign(const struct yw_key *key, const char *name, struct yw_str text,
                  struct yw_buf *out) YW_MUST_USE;
/* Verifies that note carries a valid signature by (name, key); on success
 * *text is the signed text inside note (lent). Unknown signers are ignored;
 * YW_EVERIFY if the known key's signature is absent or bad, YW_EINVAL for a
 * malformed note. */
int yw__note_verify(struct yw_str note, const char *name, const struct yw_key *key,
                    struct yw_str *text, struct yw_err *err) YW_MUST_USE;

/* Checkpoint body "origin\nsize\nbase64(root)\n". */
int yw__checkpoint_text(const char *origin, uint64_t size, const uint8_t root[YW_HASH_SIZE],
                        struct yw_buf *out) YW_MUST_USE;
/* Parses a checkpoint body (extension lines allowed and ignored). */
int yw__checkpoint_parse(struct yw_str text, char *origin, size_t origin_size, uint64_t *size,
                         uint8_t root[YW_HASH_SIZE], struct yw_err *err) YW_MUST_USE;

/* ---- RFC 8785 JSON Canonicalization Scheme (jcs.c) ---------------------------
 * Appends the canonical form of value to out: object members sorted by their
 * names' UTF-16 code units, no whitespace, strings with only the required
 * escapes, numbers as ECMAScript prints them. yiwang entries use integers
 * only: a real (double) or an integer outside +-(2^53 - 1) is YW_EINVAL, so
 * every value prints exactly. */
int yw__jcs(const json_t *value, struct yw_buf *out) YW_MUST_USE;

#endif
