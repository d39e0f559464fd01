"""The ledger over HTTP against the real binary, in both profiles: checkpoint
and vkey formats, entries as the exact hashed bytes, every proof checked by an
independent RFC 9162 implementation (rfc9162.py), bad parameters refused, the
node's own events recorded, several processes appending to one log."""
import base64
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402
from rfc9162 import Tree  # noqa: E402

HASH = {"intl": "sha256", "gm": "sm3"}


def parse_checkpoint(note):
    text, _, sigs = note.partition("\n\n")
    origin, size, root = text.split("\n")[:3]
    sig_lines = [l for l in sigs.split("\n") if l]
    return origin, int(size), base64.b64decode(root), text + "\n", sig_lines


class LedgerBase:
    profile = None

    @classmethod
    def setUpClass(cls):
        cls.node = Node(profile=cls.profile, origin="yiwang.test/ledger-" + cls.profile).start()
        cls.tree = Tree(HASH[cls.profile])
        # A second process appends while the node serves: one log, no fork.
        r = run_cli("ledger", "append", "--dir", cls.node.dir, "--count", "300", "--window", "64")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.node.stop() == 0
        finally:
            cls.node.close()

    def get(self, path):
        status, headers, data = self.node.request("GET", path)
        return status, headers, data

    def checkpoint(self):
        status, headers, data = self.get("/v1/ledger/checkpoint")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/plain; charset=utf-8")
        return data.decode()

    def all_entries(self, size):
        out = []
        while len(out) < size:
            status, _, data = self.get("/v1/ledger/entries?start=%d&count=1000" % len(out))
            self.assertEqual(status, 200, data)
            page = json.loads(data)["entries"]
            self.assertTrue(page)
            for item in page:
                self.assertEqual(item["index"], len(out))
                out.append(base64.b64decode(item["leaf"]))
        return out[:size]

    def test_checkpoint_and_vkey_formats(self):
        note = self.checkpoint()
        origin, size, root, text, sigs = parse_checkpoint(note)
        self.assertEqual(origin, self.node.origin)
        self.assertGreaterEqual(size, 302)  # node.init, node.start, 300 test entries
        self.assertEqual(len(root), 32)
        self.assertEqual(len(sigs), 1)
        self.assertTrue(sigs[0].startswith("\u2014 " + origin + " "))
        self.assertTrue(note.endswith("\n"))
        status, headers, data = self.get("/v1/ledger/vkey")
        self.assertEqual(status, 200)
        vkey = data.decode()
        self.assertTrue(vkey.endswith("\n") and vkey.count("\n") == 1)
        name, keyid, key = vkey.strip().split("+", 2)
        self.assertEqual(name, origin)
        self.assertRegex(keyid, r"^[0-9a-f]{8}$")
        raw = base64.b64decode(key)
        if self.profile == "intl":
            self.assertEqual((raw[0], len(raw)), (0x01, 33))
        else:
            self.assertEqual((raw[:2], len(raw)), (b"\xff\x01", 67))
        # The signature line carries this key's ID.
        sig = base64.b64decode(sigs[0].split(" ")[2])
        self.assertEqual(sig[:4].hex(), keyid)
        self.assertEqual(run_cli("ledger", "vkey", "--dir", self.node.dir).stdout, vkey)

    def test_root_and_every_proof_match_an_independent_implementation(self):
        origin, size, root, _, _ = parse_checkpoint(self.checkpoint())
        entries = self.all_entries(size)
        leaves = [self.tree.leaf(e) for e in entries]
        self.assertEqual(self.tree.mth(leaves), root)
        rng = random.Random(9162)
        sizes = sorted({1, 2, 3, 7, 8, 9, 255, 256, 257, size} | {rng.randrange(1, size + 1) for _ in range(8)})
        sizes = [s for s in sizes if s <= size]
        roots = {s: self.tree.mth(leaves[:s]) for s in sizes}
        for n in sizes:
            for index in sorted({0, n - 1, rng.randrange(n)}):
                status, _, data = self.get("/v1/ledger/proof/inclusion?index=%d&size=%d" % (index, n))
                self.assertEqual(status, 200, data)
                body = json.loads(data)
                self.assertEqual((body["index"], body["size"]), (index, n))
                proof = [base64.b64decode(p) for p in body["proof"]]
                self.assertTrue(self.tree.verify_inclusion(index, n, leaves[index], proof, roots[n]),
                                (index, n))
                if proof:  # one flipped bit must fail
                    bad = list(proof)
                    bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
                    self.assertFalse(self.tree.verify_inclusion(index, n, leaves[index], bad, roots[n]))
        for m in sizes:
            for n in sizes:
                if m > n:
                    continue
                status, _, data = self.get("/v1/ledger/proof/consistency?from=%d&size=%d" % (m, n))
                self.assertEqual(status, 200, data)
                proof = [base64.b64decode(p) for p in json.loads(data)["proof"]]
                self.assertTrue(self.tree.verify_consistency(m, n, roots[m], roots[n], proof), (m, n))
        # The CLI's proof matches the route's.
        r = run_cli("ledger", "proof", "--dir", self.node.dir, "--index", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        cli = json.loads(r.stdout)
        self.assertEqual(cli["size"], size)
        proof = [base64.b64decode(p) for p in cli["proof"]]
        self.assertTrue(self.tree.verify_inclusion(5, size, leaves[5], proof, root))

    def test_entries_are_canonical_json_with_node_events(self):
        _, size, _, _, _ = parse_checkpoint(self.checkpoint())
        entries = self.all_entries(size)
        first = json.loads(entries[0])
        self.assertEqual(first["type"], "node.init")
        self.assertEqual(first["profile"], self.profile)
        self.assertEqual(first["origin"], self.node.origin)
        status, _, vkey = self.get("/v1/ledger/vkey")
        self.assertEqual(first["vkey"], vkey.decode().strip())
        types = [json.loads(e)["type"] for e in entries]
        self.assertIn("node.start", types)
        self.assertEqual(types.count("test.load"), 300)
        for e in entries:
            obj = json.loads(e)
            canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            self.assertEqual(e, canonical.encode())
            self.assertRegex(obj["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        tests = [json.loads(e) for e in entries if json.loads(e)["type"] == "test.load"]
        self.assertTrue(all(t["test"] is True for t in tests))

    def test_bad_parameters_are_refused(self):
        _, size, _, _, _ = parse_checkpoint(self.checkpoint())
        cases = [
            ("/v1/ledger/entries", "start"),
            ("/v1/ledger/entries?start=-1", "start"),
            ("/v1/ledger/entries?start=x", "start"),
            ("/v1/ledger/entries?start=%d" % size, "start"),
            ("/v1/ledger/entries?start=0&count=0", "count"),
            ("/v1/ledger/entries?start=0&count=1001", "count"),
            ("/v1/ledger/proof/inclusion?size=5", "index"),
            ("/v1/ledger/proof/inclusion?index=5", "size"),
            ("/v1/ledger/proof/inclusion?index=5&size=5", "index"),
            ("/v1/ledger/proof/inclusion?index=0&size=%d" % (size + 1), "size"),
            ("/v1/ledger/proof/inclusion?index=1e2&size=5", "index"),
            ("/v1/ledger/proof/inclusion?index=99999999999999999999&size=5", "index"),
            ("/v1/ledger/proof/consistency?from=0&size=5", "from"),
            ("/v1/ledger/proof/consistency?from=6&size=5", "from"),
            ("/v1/ledger/proof/consistency?from=1&size=%d" % (size + 1), "size"),
        ]
        for path, field in cases:
            with self.subTest(path=path):
                status, _, data = self.get(path)
                self.assertEqual(status, 400, data)
                err = json.loads(data)["error"]
                self.assertEqual(err["code"], "invalid")
                self.assertEqual(err.get("field"), field)
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            status, headers, _ = self.node.request(method, "/v1/ledger/entries?start=0")
            self.assertEqual(status, 405)

    def test_verify_cli(self):
        r = run_cli("ledger", "verify", "--dir", self.node.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ledger verified", r.stdout)
        # Against a key that is not the node's: refused.
        other = Node(profile=self.profile, origin=self.node.origin)
        try:
            vkey = run_cli("ledger", "vkey", "--dir", other.dir).stdout.strip()
        finally:
            other.close()
        r = run_cli("ledger", "verify", "--dir", self.node.dir, "--vkey", vkey)
        self.assertEqual(r.returncode, 1)
        self.assertIn("signature", r.stderr)


class LedgerIntl(LedgerBase, harness.unittest.TestCase):
    profile = "intl"

    def test_go_reference_implementation_accepts_the_log(self):
        """golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's packages) check
        the checkpoint's signature, every root and every proof, byte for byte."""
        note = self.checkpoint()
        _, size, _, _, _ = parse_checkpoint(note)
        entries = self.all_entries(size)
        rng = random.Random(6962)
        fixture = {"vkey": self.get("/v1/ledger/vkey")[2].decode().strip(), "note": note,
                   "leaves": [base64.b64encode(e).decode() for e in entries],
                   "inclusion": [], "consistency": []}
        for _ in range(40):
            n = rng.randrange(1, size + 1)
            i = rng.randrange(n)
            _, _, data = self.get("/v1/ledger/proof/inclusion?index=%d&size=%d" % (i, n))
            fixture["inclusion"].append(json.loads(data))
            m = rng.randrange(1, n + 1)
            _, _, data = self.get("/v1/ledger/proof/consistency?from=%d&size=%d" % (m, n))
            fixture["consistency"].append(json.loads(data))
        here = os.path.dirname(os.path.abspath(__file__))
        verify = os.path.join(here, "..", "ledger-go", "verify.go")
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOPROXY="off",
                       GOFLAGS="", GOCACHE=cache, HOME=cache)
            good = subprocess.run(["go", "run", verify], input=json.dumps(fixture), env=env,
                                  capture_output=True, text=True, timeout=240)
            self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
            self.assertEqual(good.stdout.strip(), "ok")
            # And it is not a rubber stamp: a changed size line fails.
            fixture["note"] = note.replace("\n%d\n" % size, "\n%d\n" % (size + 1), 1)
            bad = subprocess.run(["go", "run", verify], input=json.dumps(fixture), env=env,
                                 capture_output=True, text=True, timeout=240)
            self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)


class LedgerGm(LedgerBase, harness.unittest.TestCase):
    profile = "gm"

    def test_openssl_command_line_verifies_the_sm2_checkpoint(self):
        """The gm signature as the openssl tool checks SM2: SM3 digest, ID
        1234567812345678, DER signature, key from the vkey's point."""
        note = self.checkpoint()
        _, _, _, text, sigs = parse_checkpoint(note)
        vkey = self.get("/v1/ledger/vkey")[2].decode().strip()
        point = base64.b64decode(vkey.split("+", 2)[2])[2:]
        # SubjectPublicKeyInfo: id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301).
        spki = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200") + point
        sig = base64.b64decode(sigs[0].split(" ")[2])[4:]
        with tempfile.TemporaryDirectory() as d:
            paths = {n: os.path.join(d, n) for n in ("pub.der", "msg", "sig")}
            for name, data in (("pub.der", spki), ("msg", text.encode()), ("sig", sig)):
                with open(paths[name], "wb") as f:
                    f.write(data)
            cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["pub.der"],
                   "-keyform", "DER", "-rawin", "-digest", "sm3", "-in", paths["msg"],
                   "-sigfile", paths["sig"], "-pkeyopt", "distid:1234567812345678"]
            ok = subprocess.run(cmd, capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            with open(paths["msg"], "ab") as f:
                f.write(b"x")
            self.assertNotEqual(subprocess.run(cmd, capture_output=True).returncode, 0)


class NodeEvents(harness.unittest.TestCase):
    def test_start_stop_and_config_change_are_recorded(self):
        node = Node(profile="intl", origin="yiwang.test/events")
        try:
            node.start()
            self.assertEqual(node.stop(), 0)
            with open(os.path.join(node.dir, "yiwang.conf"), "a") as f:
                f.write("workers = 7\n")
            node.start()
            status, _, data = node.request("GET", "/v1/ledger/entries?start=0")
            events = [json.loads(base64.b64decode(e["leaf"])) for e in json.loads(data)["entries"]]
            self.assertEqual(node.stop(), 0)
        finally:
            node.close()
        types = [e["type"] for e in events]
        self.assertEqual(types[:4], ["node.init", "node.config", "node.start", "node.stop"])
        self.assertEqual(types[4:6], ["node.config", "node.start"])
        self.assertEqual(events[3]["reason"], "SIGTERM")
        self.assertNotEqual(events[4]["config_digest"], events[1]["config_digest"])
        self.assertEqual(events[4]["previous_digest"], events[1]["config_digest"])
        self.assertEqual(events[5]["config_digest"], events[4]["config_digest"])
        # No secret in any event.
        for e in events:
            self.assertNotIn("PRIVATE", json.dumps(e))


if __name__ == "__main__":
    harness.main()
