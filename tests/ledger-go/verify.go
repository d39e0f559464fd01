// verify.go: an independent check of yiwang's intl ledger output with Go's
// reference implementations, golang.org/x/mod/sumdb/note and sumdb/tlog
// (Debian package golang-golang-x-mod-dev). No network, no modules:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off \
//	    go run tests/ledger-go/verify.go < fixture.json
//
// It reads one JSON object from stdin:
//
//	{"vkey": "name+hex8+base64",               the log's verifier key
//	 "note": "...",                            a signed tlog-checkpoint
//	 "leaves": ["base64 entry bytes", ...],    entries 0..len-1 (optional)
//	 "inclusion": [{"index": I, "size": N, "proof": ["base64", ...]}, ...],
//	 "consistency": [{"from": M, "size": N, "proof": ["base64", ...]}, ...],
//	 "roots": {"N": "base64 root", ...}}       tree roots by size (optional)
//
// and prints "ok" (exit 0), or the first failure (exit 1; 2 for bad input).
//
// Checks, in order:
//   - note.Open with note.NewVerifier(vkey) accepts the note;
//   - its text is a C2SP checkpoint: origin (equal to the key name, the
//     convention yiwang follows), canonical decimal size, base64 root;
//   - every root, and the checkpoint's, equals tlog.TreeHash over the leaves'
//     tlog.RecordHash, for every size the leaves cover;
//   - every inclusion proof passes tlog.CheckRecord and every consistency proof
//     tlog.CheckTree, against the given roots (the checkpoint's root for its
//     size, Go's TreeHash where no root was given);
//   - every proof is also byte-identical to what tlog.ProveRecord/ProveTree
//     produce from the leaves, so the node order is checked, not only the
//     verifier's tolerance.
//
// Proof layout: tlog's RecordProof and TreeProof are the RFC 6962/9162 lists
// in the RFC's order (leafProof and treeProof append the sibling after the
// recursive call, so the node nearest the leaf comes first), so yiwang's
// proofs are passed through unconverted. tlog.TreeHash(0) is all zeros while
// RFC 9162 defines MTH of the empty tree as SHA-256(""): size 0 is handled
// here, not by tlog.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proofJSON struct {
	Index int64    `json:"index"`
	From  int64    `json:"from"`
	Size  int64    `json:"size"`
	Proof []string `json:"proof"`
}

type input struct {
	VKey        string            `json:"vkey"`
	Note        string            `json:"note"`
	Leaves      []string          `json:"leaves"`
	Inclusion   []proofJSON       `json:"inclusion"`
	Consistency []proofJSON       `json:"consistency"`
	Roots       map[string]string `json:"roots"`
}

// hashStore is an in-memory tlog.HashReader filled with tlog.StoredHashes.
type hashStore []tlog.Hash

func (s hashStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("hash index %d not stored", x)
		}
		out[i] = s[x]
	}
	return out, nil
}

func fail(format string, args ...interface{}) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func parseHashes(what string, list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			fail("%s: node %d: %v", what, i, err)
		}
		out[i] = h
	}
	return out
}

// parseCheckpoint reads a C2SP tlog-checkpoint body.
func parseCheckpoint(text string) (origin string, size int64, root tlog.Hash, err error) {
	if !strings.HasSuffix(text, "\n") {
		return "", 0, root, fmt.Errorf("checkpoint does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return "", 0, root, fmt.Errorf("checkpoint has %d lines, want at least 3", len(lines))
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return "", 0, root, fmt.Errorf("empty extension line")
		}
	}
	origin = lines[0]
	if origin == "" {
		return "", 0, root, fmt.Errorf("empty origin")
	}
	sizeText := lines[1]
	size, err = strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return "", 0, root, fmt.Errorf("tree size %q is not canonical decimal", sizeText)
	}
	root, err = tlog.ParseHash(lines[2])
	if err != nil {
		return "", 0, root, fmt.Errorf("root %q: %v", lines[2], err)
	}
	return origin, size, root, nil
}

func equalProofs(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func main() {
	var in input
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		fmt.Printf("bad input: %v\n", err)
		os.Exit(2)
	}

	// The signed note.
	verifier, err := note.NewVerifier(in.VKey)
	if err != nil {
		fail("vkey %q: %v", in.VKey, err)
	}
	n, err := note.Open([]byte(in.Note), note.VerifierList(verifier))
	if err != nil {
		fail("note: %v", err)
	}
	origin, cpSize, cpRoot, err := parseCheckpoint(n.Text)
	if err != nil {
		fail("checkpoint: %v", err)
	}
	if origin != verifier.Name() {
		fail("checkpoint origin %q is not the key name %q", origin, verifier.Name())
	}

	// The tree over the leaves, built the way tlog stores it.
	var store hashStore
	for i, b64 := range in.Leaves {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			fail("leaf %d: %v", i, err)
		}
		hashes, err := tlog.StoredHashes(int64(i), data, store)
		if err != nil {
			fail("leaf %d: %v", i, err)
		}
		store = append(store, hashes...)
	}
	nLeaves := int64(len(in.Leaves))
	emptyRoot := tlog.Hash(sha256.Sum256(nil))
	treeHash := func(size int64) (tlog.Hash, bool) {
		if size == 0 {
			return emptyRoot, true
		}
		if size > nLeaves {
			return tlog.Hash{}, false
		}
		h, err := tlog.TreeHash(size, store)
		if err != nil {
			fail("TreeHash(%d): %v", size, err)
		}
		return h, true
	}

	// Roots: the given ones and the checkpoint's, each checked against Go's.
	roots := map[int64]tlog.Hash{}
	for key, b64 := range in.Roots {
		size, err := strconv.ParseInt(key, 10, 64)
		if err != nil || size < 0 {
			fail("roots: bad size %q", key)
		}
		h, err := tlog.ParseHash(b64)
		if err != nil {
			fail("roots[%d]: %v", size, err)
		}
		roots[size] = h
	}
	if h, ok := roots[cpSize]; ok && h != cpRoot {
		fail("checkpoint root for size %d differs from roots[%d]", cpSize, cpSize)
	}
	roots[cpSize] = cpRoot
	for size, h := range roots {
		if want, ok := treeHash(size); ok && want != h {
			fail("root of size %d is %s, Go's TreeHash says %s", size, h, want)
		}
	}
	rootOf := func(size int64) tlog.Hash {
		if h, ok := roots[size]; ok {
			return h
		}
		if h, ok := treeHash(size); ok {
			return h
		}
		fail("no root known for size %d", size)
		return tlog.Hash{}
	}

	for _, p := range in.Inclusion {
		what := fmt.Sprintf("inclusion(index %d, size %d)", p.Index, p.Size)
		if p.Index < 0 || p.Index >= nLeaves {
			fail("%s: no leaf %d among the %d leaves", what, p.Index, nLeaves)
		}
		proof := parseHashes(what, p.Proof)
		leaf := store[tlog.StoredHashIndex(0, p.Index)]
		if err := tlog.CheckRecord(tlog.RecordProof(proof), p.Size, rootOf(p.Size), p.Index, leaf); err != nil {
			fail("%s: CheckRecord: %v", what, err)
		}
		if p.Size <= nLeaves {
			want, err := tlog.ProveRecord(p.Size, p.Index, store)
			if err != nil {
				fail("%s: ProveRecord: %v", what, err)
			}
			if !equalProofs(proof, want) {
				fail("%s: differs from tlog.ProveRecord", what)
			}
		}
	}

	for _, p := range in.Consistency {
		what := fmt.Sprintf("consistency(%d -> %d)", p.From, p.Size)
		proof := parseHashes(what, p.Proof)
		if err := tlog.CheckTree(tlog.TreeProof(proof), p.Size, rootOf(p.Size), p.From, rootOf(p.From)); err != nil {
			fail("%s: CheckTree: %v", what, err)
		}
		if p.Size <= nLeaves {
			want, err := tlog.ProveTree(p.Size, p.From, store)
			if err != nil {
				fail("%s: ProveTree: %v", what, err)
			}
			if !equalProofs(proof, want) {
				fail("%s: differs from tlog.ProveTree", what)
			}
		}
	}

	fmt.Println("ok")
}
