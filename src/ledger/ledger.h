/*
 * ledger — the node's verifiable record: an append-only RFC 9162 Merkle log
 * whose signed checkpoints (C2SP tlog-checkpoint in a signed-note) anyone can
 * verify, with inclusion and consistency proofs. Nothing is ever deleted.
 * Design note: docs/internals/ledger.md.
 *
 * Appending: yw_ledger_append() hands the entry to one committer thread per
 * process, which writes whatever is pending (up to 1000 entries) in one
 * transaction — entries, hash tiles and a newly signed checkpoint — and only
 * then answers the waiting appenders with their indexes. Several processes
 * may share a database: each batch takes the database's write lock (SQLite)
 * or an advisory lock (PostgreSQL) and re-reads the tree size first, so the
 * log can never fork.
 *
 * Reading (checkpoint, entries, proofs, verify) needs only the store, so the
 * HTTP routes and the command line share it.
 */
#ifndef YW_LEDGER_H
#define YW_LEDGER_H

#include <jansson.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

#define YW_LEDGER_BATCH_MAX 1000
#define YW_LEDGER_ENTRY_MAX (64 * 1024) /* bytes of one entry */
#define YW_LEDGER_PAGE_MAX 1000         /* entries per page of yw_ledger_entries */
#define YW_LEDGER_PROOF_MAX 64

struct yw_ledger;

/* Everything is lent and must outlive the ledger. */
struct yw_ledger_config {
    struct yw_store *store;
    enum yw_profile profile;
    const struct yw_key *key; /* signs checkpoints */
    const char *origin;       /* checkpoint origin and signing key name */
};

/* Loads the tree's right edge from the store, signs the empty checkpoint if
 * the log has none, and starts the committer thread. */
int yw_ledger_open(const struct yw_ledger_config *cfg, struct yw_ledger **out,
                   struct yw_err *err) YW_MUST_USE;
/* Commits what is pending, stops the committer, frees. NULL-safe. */
void yw_ledger_close(struct yw_ledger *ledger);

/* Appends entry (n bytes, copied) and waits until it is durable; *index is
 * its position in the log. Thread-safe. YW_ETOOBIG over YW_LEDGER_ENTRY_MAX;
 * YW_EDB (nothing appended) if its batch failed. */
int yw_ledger_append(struct yw_ledger *ledger, const void *entry, size_t n, uint64_t *index,
                     struct yw_err *err) YW_MUST_USE;

/* Appends without waiting: entry is copied, and done(cls, rc, index, err) is
 * called from the committer thread once the entry is durable (rc 0) or its
 * batch failed (rc < 0, err says why). done must be quick and must not
 * append synchronously. Entries are committed in submission order. */
typedef void (*yw_ledger_done_fn)(void *cls, int rc, uint64_t index, const struct yw_err *err);
int yw_ledger_append_async(struct yw_ledger *ledger, const void *entry, size_t n,
                           yw_ledger_done_fn done, void *cls, struct yw_err *err) YW_MUST_USE;

/* Builds the canonical entry {"type": type, "time": now, "origin": origin,
 * ...fields} (fields stolen; may be NULL) and appends it. */
int yw_ledger_event(struct yw_ledger *ledger, const char *type, json_t *fields_new, uint64_t *index,
                    struct yw_err *err) YW_MUST_USE;

/* The same, without waiting: done as for yw_ledger_append_async. On an
 * error return done is never called. */
int yw_ledger_event_async(struct yw_ledger *ledger, const char *type, json_t *fields_new,
                          yw_ledger_done_fn done, void *cls, struct yw_err *err) YW_MUST_USE;

/* Canonical bytes (RFC 8785) of value, appended to out. Integers only. */
int yw_ledger_canonical(const json_t *value, struct yw_buf *out) YW_MUST_USE;

/* The verifier key "name+hex8+base64(type || key)" for key under origin. */
int yw_ledger_vkey(const struct yw_key *key, const char *origin, char *out,
                   size_t out_size) YW_MUST_USE;

/* ---- reading: any process, any time ------------------------------------- */

/* The newest signed checkpoint (the note, appended to note_out) and its size. */
int yw_ledger_checkpoint(struct yw_store *store, struct yw_buf *note_out, uint64_t *size,
                         struct yw_err *err) YW_MUST_USE;

/* Calls fn for each entry in [start, start + count) that exists, in order;
 * count is capped at YW_LEDGER_PAGE_MAX. fn's entry is lent for the call; fn
 * returns 0 to go on, > 0 to stop early, < 0 to fail with that code. */
typedef int (*yw_ledger_entry_fn)(void *cls, uint64_t index, struct yw_str entry);
int yw_ledger_entries(struct yw_store *store, uint64_t start, uint64_t count, yw_ledger_entry_fn fn,
                      void *cls, struct yw_err *err) YW_MUST_USE;

/* RFC 9162 proofs against the tree of `size` entries, which must not exceed
 * the newest checkpoint's size (YW_EINVAL otherwise, with a message). proof
 * needs YW_LEDGER_PROOF_MAX slots. */
int yw_ledger_prove_inclusion(struct yw_store *store, enum yw_profile profile, uint64_t index,
                              uint64_t size, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof,
                              struct yw_err *err) YW_MUST_USE;
int yw_ledger_prove_consistency(struct yw_store *store, enum yw_profile profile, uint64_t from,
                                uint64_t size, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof,
                                struct yw_err *err) YW_MUST_USE;

/* Full verification, in one consistent snapshot of the store (safe against a
 * live node): recomputes every leaf and tile hash from the stored entries and
 * compares each stored byte, leaf hashes as each entry is read; checks that
 * the entries are contiguous from 0, that every stored checkpoint's origin,
 * size and root match the recomputed tree at its size, that the newest
 * checkpoint (all of them with all_signatures) verifies under vkey, and that
 * nothing is stored beyond what the newest checkpoint covers. On a mismatch
 * returns YW_EVERIFY with err naming the first bad index. progress (may be
 * NULL) is called now and then. Deleting a middle checkpoint, or the newest
 * entries together with their checkpoints, leaves a consistent smaller log:
 * only a witness that saw the larger checkpoint can tell (DESIGN.md 5). */
struct yw_ledger_verify_report {
    uint64_t size;        /* entries verified (the newest checkpoint's size) */
    uint64_t checkpoints; /* checkpoints whose root was checked */
    uint64_t signatures;  /* checkpoint signatures verified */
    uint64_t bytes;       /* entry bytes hashed */
};
typedef void (*yw_ledger_progress_fn)(void *cls, uint64_t done, uint64_t total);
int yw_ledger_verify(struct yw_store *store, enum yw_profile profile, const char *vkey,
                     bool all_signatures, yw_ledger_progress_fn progress, void *cls,
                     struct yw_ledger_verify_report *report, struct yw_err *err) YW_MUST_USE;

#endif
