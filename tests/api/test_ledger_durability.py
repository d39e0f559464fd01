"""The ledger's durability against the real binary, in both profiles and on the
driver YW_TEST_DB names.

Tamper: with a log of a few thousand entries, change one stored byte at a time
(an entry, a hash tile or a checkpoint note, chosen at random), delete or move
rows, and forge checkpoints, straight in the database; `yiwang ledger verify`
must fail and name the bad index or checkpoint each time, and pass again once
the original bytes are back.

Crash: while a second process appends through the group committer, kill -9 it
and the serving node; after a restart every index the appender was told was
durable is there, `ledger verify` passes, and the new checkpoint is consistent
(RFC 9162 §2.1.4.2, checked here by an implementation of our own) with the last
one the node served before the crash.

YW_TEST_SEED=N replays a run: every random choice follows from it.
"""
import base64
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import rfc9162  # noqa: E402
from harness import Node, run_cli  # noqa: E402

HASH = {"intl": "sha256", "gm": "sm3"}
HASH_SIZE = 32
TILE_WIDTH = 256
SEED = int(os.environ.get("YW_TEST_SEED", random.randrange(1 << 32)))
POSTGRES = os.environ.get("YW_TEST_DB", "sqlite") == "postgres"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


# ---- RFC 9162 §2.1: rfc9162.py, written from the RFC, not from yiwang's C ----

class Tree(rfc9162.Tree):
    def __init__(self, profile):
        super().__init__(HASH[profile])


def parse_checkpoint(note):
    """(origin, size, root, signature lines) of a C2SP checkpoint note."""
    text, sep, sigs = note.partition("\n\n")
    assert sep, "not a signed note: %r" % note
    lines = text.split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True), sigs


# ---- the database, bypassing yiwang: what someone with write access can do ------

class Tables:
    """Reads and writes yiwang's ledger tables directly (sqlite3 or psql)."""

    def __init__(self, node):
        self.db = node.db

    def rows(self, sql):
        """Rows of a query whose columns are integers or hex strings."""
        if self.db.kind == "postgres":
            out = harness.Database.psql(self.db.url, sql)
            return [tuple(line.split("|")) for line in out.splitlines() if line]
        con = sqlite3.connect(self.db.path, timeout=30)
        try:
            return [tuple(str(v) for v in r) for r in con.execute(sql)]
        finally:
            con.close()

    def execute(self, sql):
        if self.db.kind == "postgres":
            harness.Database.psql(self.db.url, sql)
            return
        con = sqlite3.connect(self.db.path, timeout=30)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()

    def hex_of(self, column):
        """SQL for a column's bytes as lower-case hex (text columns as UTF-8)."""
        if self.db.kind == "postgres":
            if column == "note":
                return "encode(convert_to(note, 'UTF8'), 'hex')"
            return "encode(%s, 'hex')" % column
        return "lower(hex(%s))" % column

    def literal(self, data, text=False):
        """A SQL literal for bytes (text=True: a UTF-8 string)."""
        if self.db.kind == "postgres":
            lit = "decode('%s', 'hex')" % data.hex()
            return "convert_from(%s, 'UTF8')" % lit if text else lit
        lit = "x'%s'" % data.hex()
        return "CAST(%s AS TEXT)" % lit if text else lit

    # entries
    def entry_indexes(self, low, high):
        return {int(r[0]) for r in self.rows(
            "SELECT idx FROM yw_ledger_entries WHERE idx >= %d AND idx <= %d" % (low, high))}

    def entries(self, count):
        rows = self.rows("SELECT idx, %s FROM yw_ledger_entries WHERE idx < %d ORDER BY idx"
                         % (self.hex_of("entry"), count))
        assert [int(r[0]) for r in rows] == list(range(count)), "entries not contiguous"
        return [bytes.fromhex(r[1]) for r in rows]

    def entry(self, idx):
        (row,) = self.rows("SELECT %s FROM yw_ledger_entries WHERE idx = %d"
                           % (self.hex_of("entry"), idx))
        return bytes.fromhex(row[0])

    def set_entry(self, idx, data):
        self.execute("UPDATE yw_ledger_entries SET entry = %s WHERE idx = %d"
                     % (self.literal(data), idx))

    # tiles
    def tiles(self):
        return [(int(r[0]), int(r[1]), int(r[2])) for r in self.rows(
            "SELECT level, idx, width FROM yw_ledger_tiles ORDER BY level, idx")]

    def tile(self, level, idx):
        (row,) = self.rows("SELECT %s FROM yw_ledger_tiles WHERE level = %d AND idx = %d"
                           % (self.hex_of("hashes"), level, idx))
        return bytes.fromhex(row[0])

    def set_tile(self, level, idx, data):
        self.execute("UPDATE yw_ledger_tiles SET hashes = %s WHERE level = %d AND idx = %d"
                     % (self.literal(data), level, idx))

    # checkpoints
    def checkpoint_sizes(self):
        return [int(r[0]) for r in self.rows("SELECT size FROM yw_ledger_checkpoints ORDER BY size")]

    def note(self, size):
        rows = self.rows("SELECT %s FROM yw_ledger_checkpoints WHERE size = %d"
                         % (self.hex_of("note"), size))
        return bytes.fromhex(rows[0][0]).decode() if rows else None

    def set_note(self, size, note):
        self.execute("UPDATE yw_ledger_checkpoints SET note = %s WHERE size = %d"
                     % (self.literal(note.encode(), text=True), size))

    def insert_note(self, size, note):
        self.execute("INSERT INTO yw_ledger_checkpoints (size, note) VALUES (%d, %s)"
                     % (size, self.literal(note.encode(), text=True)))


def verify(node):
    return run_cli("ledger", "verify", "--dir", node.dir)


def named(stderr):
    """What verify's message blames: ("index", n), ("checkpoint", n) or None."""
    m = re.search(r"first bad index (\d+)", stderr)
    if m:
        return ("index", int(m.group(1)))
    m = re.search(r"checkpoint (\d+)", stderr)
    if m:
        return ("checkpoint", int(m.group(1)))
    return None


class Tamper(harness.unittest.TestCase):
    """One changed byte anywhere in the stored ledger is caught, and named."""

    ENTRIES = 3000
    ROUNDS = 24 if POSTGRES else 60  # per profile; psql is slower

    def setUp(self):
        self.node = None

    def tearDown(self):
        if self.node is not None:
            self.node.close()

    def make_log(self, profile):
        self.node = Node(profile=profile, origin="yiwang.test/tamper-" + profile)
        r = run_cli("ledger", "append", "--dir", self.node.dir, "--count", str(self.ENTRIES))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.db = Tables(self.node)
        self.tree = Tree(profile)
        self.assert_verifies("the untouched log")
        self.sizes = self.db.checkpoint_sizes()
        self.size = self.sizes[-1]
        self.assertGreaterEqual(self.size, self.ENTRIES + 1)  # node.init and the test entries
        self.leaves = [self.tree.leaf(e) for e in self.db.entries(self.size)]
        # Our own tree agrees with every stored checkpoint: the hashing below is right.
        for s in self.sizes:
            origin, size, root, _ = parse_checkpoint(self.db.note(s))
            self.assertEqual((origin, size), (self.node.origin, s))
            self.assertEqual(root, self.tree.mth(self.leaves[:s]), "checkpoint %d" % s)

    def assert_verifies(self, what):
        r = verify(self.node)
        self.assertEqual(r.returncode, 0, "seed %d: verify fails on %s:\n%s" % (SEED, what, r.stderr))
        self.assertIn("ledger verified", r.stdout)

    def assert_caught(self, what, *blamed):
        """verify fails and its message names one of blamed."""
        r = verify(self.node)
        self.assertEqual(r.returncode, 1, "seed %d: verify missed %s:\n%s%s"
                         % (SEED, what, r.stdout, r.stderr))
        self.assertIn(named(r.stderr), blamed,
                      "seed %d: %s: verify should name one of %s:\n%s" % (SEED, what, blamed, r.stderr))

    def next_checkpoint_after(self, index):
        return min(s for s in self.sizes if s > index)

    def tile_blame(self, level, idx, position):
        """The first leaf under the hash at byte `position` of tile (level, idx)."""
        return ("index", (idx * TILE_WIDTH + position // HASH_SIZE) * TILE_WIDTH ** level)

    # one byte -----------------------------------------------------------------

    def flip_entry(self, rng):
        idx = rng.randrange(self.size)
        orig = self.db.entry(idx)
        pos, bit = rng.randrange(len(orig)), rng.randrange(8)
        bad = bytearray(orig)
        bad[pos] ^= 1 << bit
        self.db.set_entry(idx, bytes(bad))
        # Each leaf hash is compared as its entry is read: the entry is named.
        self.assert_caught("entry %d byte %d bit %d" % (idx, pos, bit), ("index", idx))
        self.db.set_entry(idx, orig)

    def flip_tile(self, rng, tiles):
        level, idx, width = rng.choice(tiles)
        orig = self.db.tile(level, idx)
        self.assertEqual(len(orig), width * HASH_SIZE)
        pos, bit = rng.randrange(len(orig)), rng.randrange(8)
        bad = bytearray(orig)
        bad[pos] ^= 1 << bit
        self.db.set_tile(level, idx, bytes(bad))
        self.assert_caught("tile (%d, %d) byte %d bit %d" % (level, idx, pos, bit),
                           self.tile_blame(level, idx, pos))
        self.db.set_tile(level, idx, orig)

    def change_note(self, rng):
        size = rng.choice(self.sizes)
        orig = self.db.note(size)
        # Any ASCII byte (the em dash is the only other character) becomes
        # another base64 character: still UTF-8 text, whatever it replaces.
        ascii_positions = [i for i, c in enumerate(orig) if ord(c) < 128]
        pos = rng.choice(ascii_positions)
        new = rng.choice(B64.replace(orig[pos], ""))
        self.db.set_note(size, orig[:pos] + new + orig[pos + 1:])
        self.assert_caught("checkpoint %d char %d %r -> %r" % (size, pos, orig[pos], new),
                           ("checkpoint", size))
        self.db.set_note(size, orig)

    def run_rounds(self, profile):
        rng = random.Random("%d/%s" % (SEED, profile))
        self.make_log(profile)
        tiles = self.db.tiles()
        self.assertEqual(len(tiles), (self.size + 255) // 256 + 1)  # two levels at this size
        for _ in range(self.ROUNDS):
            kind = rng.choice(("entry", "tile", "checkpoint"))
            if kind == "entry":
                self.flip_entry(rng)
            elif kind == "tile":
                self.flip_tile(rng, tiles)
            else:
                self.change_note(rng)
            self.assert_verifies("the restored log")
        self.rows_removed_or_moved(rng, tiles)
        self.rows_added(tiles)
        self.forged_checkpoints(rng)

    # rows ---------------------------------------------------------------------

    def rows_removed_or_moved(self, rng, tiles):
        # The first, one in the middle and the last entry: deleted, then moved
        # past the end, below 0, far away.
        for idx, moved in ((0, 1 << 40), (rng.randrange(1, self.size - 1), -1),
                           (self.size - 1, self.size + 17)):
            entry = self.db.entry(idx)
            self.db.execute("DELETE FROM yw_ledger_entries WHERE idx = %d" % idx)
            self.assert_caught("entry %d deleted" % idx, ("index", idx))
            self.db.execute("INSERT INTO yw_ledger_entries (idx, entry) VALUES (%d, %s)"
                            % (idx, self.db.literal(entry)))
            self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = %d" % (moved, idx))
            self.assert_caught("entry %d moved to %d" % (idx, moved), ("index", idx))
            self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = %d" % (idx, moved))
            self.assert_verifies("the log with entry %d back in place" % idx)
        # Swapping two entries keeps the rows contiguous; only the hashes differ.
        a, b = sorted(rng.sample(range(self.size), 2))
        self.db.execute("UPDATE yw_ledger_entries SET idx = -1 WHERE idx = %d" % a)
        self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = %d" % (a, b))
        self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = -1" % b)
        self.assert_caught("entries %d and %d swapped" % (a, b),
                           ("index", a), ("checkpoint", self.next_checkpoint_after(a)))
        self.db.execute("UPDATE yw_ledger_entries SET idx = -1 WHERE idx = %d" % a)
        self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = %d" % (a, b))
        self.db.execute("UPDATE yw_ledger_entries SET idx = %d WHERE idx = -1" % b)
        self.assert_verifies("the log with the swap undone")

        for level, idx, width in [tiles[0], rng.choice(tiles), tiles[-1], tiles[-2]]:
            hashes = self.db.tile(level, idx)
            self.db.execute("DELETE FROM yw_ledger_tiles WHERE level = %d AND idx = %d" % (level, idx))
            self.assert_caught("tile (%d, %d) deleted" % (level, idx), self.tile_blame(level, idx, 0))
            self.db.execute("INSERT INTO yw_ledger_tiles (level, idx, width, hashes) "
                            "VALUES (%d, %d, %d, %s)" % (level, idx, width, self.db.literal(hashes)))
            self.assert_verifies("the log with tile (%d, %d) back" % (level, idx))

    def rows_added(self, tiles):
        """Nothing may be stored beyond what the newest checkpoint covers."""
        def caught(what, pattern):
            r = verify(self.node)
            self.assertEqual(r.returncode, 1, "seed %d: verify missed %s" % (SEED, what))
            self.assertRegex(r.stderr, pattern)

        zero = self.db.literal(bytes(HASH_SIZE))
        self.db.execute("INSERT INTO yw_ledger_tiles (level, idx, width, hashes) "
                        "VALUES (3, 7, 1, %s)" % zero)
        caught("an extra tile", r"hash tiles stored where the newest checkpoint accounts for")
        self.db.execute("DELETE FROM yw_ledger_tiles WHERE level = 3")
        level, idx, width = [t for t in tiles if t[2] < TILE_WIDTH][0]
        hashes = self.db.tile(level, idx)
        self.db.execute("UPDATE yw_ledger_tiles SET width = %d, hashes = %s WHERE level = %d "
                        "AND idx = %d" % (width + 1, self.db.literal(hashes + bytes(HASH_SIZE)),
                                          level, idx))
        caught("a widened partial tile", r"first bad index \d+")
        self.db.set_tile(level, idx, hashes)
        self.db.execute("UPDATE yw_ledger_tiles SET width = %d WHERE level = %d AND idx = %d"
                        % (width, level, idx))
        self.db.execute("INSERT INTO yw_ledger_entries (idx, entry) VALUES (%d, %s)"
                        % (self.size, self.db.literal(b'{"type":"forged"}')))
        caught("an entry past the newest checkpoint",
               r"entries stored where the newest checkpoint accounts for")
        self.db.execute("DELETE FROM yw_ledger_entries WHERE idx = %d" % self.size)
        self.assert_verifies("the log without the added rows")

    def forged_checkpoints(self, rng):
        taken = set(self.sizes)
        sig_lines = parse_checkpoint(self.db.note(self.size))[3]
        b64 = lambda h: base64.b64encode(h).decode()  # noqa: E731

        def forge(size, root, sigs=sig_lines):
            return "%s\n%d\n%s\n\n%s" % (self.node.origin, size, b64(root), sigs)

        middle = rng.choice([s for s in range(1, self.size) if s not in taken])
        cases = [
            # the right root, but a signature made for another text
            (middle, forge(middle, self.tree.mth(self.leaves[:middle])), [("checkpoint", middle)]),
            # a wrong root
            (middle, forge(middle, self.tree.mth(self.leaves[:middle - 1])), [("checkpoint", middle)]),
            # a real, validly signed note, stored under another size
            (middle, self.db.note(self.sizes[1]), [("checkpoint", middle)]),
            # a bigger tree than the entries hold: it becomes the newest
            (self.size + 7, forge(self.size + 7, self.tree.mth(self.leaves)),
             [("index", self.size), ("checkpoint", self.size + 7)]),
            # the empty tree's note, under another size
            (middle, self.db.note(0), [("checkpoint", middle)]),
        ]
        for case in cases:
            size, note, blamed = case
            self.db.insert_note(size, note)
            self.assert_caught("forged checkpoint %d" % size, *blamed)
            self.db.execute("DELETE FROM yw_ledger_checkpoints WHERE size = %d" % size)
            self.assert_verifies("the log without the forged checkpoint %d" % size)

    def test_intl(self):
        self.run_rounds("intl")

    def test_gm(self):
        self.run_rounds("gm")


class Appender:
    """`yiwang ledger append --print-indexes` in its own process; collects the
    indexes it acknowledges as durable."""

    def __init__(self, node, count=1000000):
        self.proc = subprocess.Popen(
            [harness.BINARY, "ledger", "append", "--dir", node.dir, "--count", str(count),
             "--print-indexes"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.indexes = []
        self.partial = b""
        self.stderr = b""
        self._out = threading.Thread(target=self._read_stdout, daemon=True)
        self._err = threading.Thread(target=self._read_stderr, daemon=True)
        self._out.start()
        self._err.start()

    def _read_stdout(self):
        buf = b""
        while True:
            chunk = self.proc.stdout.read1(1 << 16)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            self.indexes.extend(int(line) for line in lines)
        self.partial = buf  # a line cut by the kill: never acknowledged

    def _read_stderr(self):
        self.stderr = self.proc.stderr.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._out.join(30)
        self._err.join(30)
        self.proc.stdout.close()
        self.proc.stderr.close()


def kill9(node):
    node.proc.send_signal(signal.SIGKILL)
    node.proc.wait()
    node._reader.join(5)
    node.proc.stderr.close()
    node.proc = None


class Crash(harness.unittest.TestCase):
    """kill -9 in the middle of appending loses nothing acknowledged, and the
    log after the restart extends the one served before."""

    CYCLES = 3
    MIN_RUN = 2.0  # seconds of appending before the kill
    DEADLINE = 60.0

    def checkpoint(self, node):
        status, _, data = node.request("GET", "/v1/ledger/checkpoint")
        self.assertEqual(status, 200, data)
        note = data.decode()
        origin, size, root, _ = parse_checkpoint(note)
        self.assertEqual(origin, node.origin)
        return size, root, note

    def get_json(self, node, path):
        status, _, data = node.request("GET", path)
        self.assertEqual(status, 200, "%s: %s" % (path, data))
        return json.loads(data)

    def crash_once(self, node, tree, cycle):
        before, _, _ = self.checkpoint(node)
        appender = Appender(node)
        try:
            served = None
            start = time.monotonic()
            # Keep reading checkpoints until the appender has run a while,
            # acknowledged entries and had some of them served.
            while True:
                size, root, note = self.checkpoint(node)
                self.assertGreaterEqual(size, served[0] if served else before,
                                        "the served tree shrank")
                served = (size, root, note)
                elapsed = time.monotonic() - start
                if elapsed >= self.MIN_RUN and appender.indexes and size > before + 1:
                    break
                if appender.proc.poll() is not None:
                    appender.kill()
                    self.fail("the appender stopped (%s): %s"
                              % (appender.proc.returncode, appender.stderr.decode()))
                self.assertLess(elapsed, self.DEADLINE,
                                "no entries acknowledged and served in %.0f s (%d acknowledged): %s"
                                % (self.DEADLINE, len(appender.indexes), appender.stderr.decode()))
            # Both at once, as a power cut would.
            appender.proc.send_signal(signal.SIGKILL)
            kill9(node)
        finally:
            appender.kill()
        self.assertEqual(appender.proc.returncode, -signal.SIGKILL, appender.stderr.decode())
        acked = appender.indexes
        self.assertTrue(acked)
        self.assertEqual(acked, sorted(set(acked)), "indexes acknowledged out of order")
        self.assertGreaterEqual(acked[0], before)

        node.start()
        old_size, old_root, old_note = served
        new_size, new_root, _ = self.checkpoint(node)
        what = "cycle %d: %d acknowledged, last %d, served %d, now %d" % (
            cycle, len(acked), acked[-1], old_size, new_size)

        # Every acknowledged index is stored, signed, and is the appender's entry.
        self.assertGreater(new_size, acked[-1], what)
        stored = Tables(node).entry_indexes(acked[0], acked[-1])
        missing = sorted(set(acked) - stored)
        self.assertFalse(missing, "%s: acknowledged entries lost: %s" % (what, missing[:20]))
        # The appender's k-th acknowledgement is its k-th entry (seq k).
        rng = random.Random("%d/%s/%d" % (SEED, tree.hash_name, cycle))
        for k in sorted({0, len(acked) - 1, *rng.sample(range(len(acked)), min(20, len(acked)))}):
            page = self.get_json(node, "/v1/ledger/entries?start=%d&count=1" % acked[k])["entries"]
            self.assertEqual(page[0]["index"], acked[k])
            leaf = base64.b64decode(page[0]["leaf"])
            entry = json.loads(leaf)
            self.assertEqual((entry["type"], entry["seq"]), ("test.load", k), what)
            proof = self.get_json(node, "/v1/ledger/proof/inclusion?index=%d&size=%d"
                                  % (acked[k], new_size))
            self.assertTrue(tree.verify_inclusion(acked[k], new_size, tree.leaf(leaf),
                                                  [base64.b64decode(p) for p in proof["proof"]],
                                                  new_root), "%s: inclusion of %d" % (what, acked[k]))

        # The checkpoint served before the crash is still stored, byte for byte,
        # and the new tree extends it.
        self.assertEqual(Tables(node).note(old_size), old_note, what)
        self.assertGreater(new_size, old_size, what)  # the restart's node.start at least
        proof = self.get_json(node, "/v1/ledger/proof/consistency?from=%d&size=%d"
                              % (old_size, new_size))
        self.assertEqual((proof["from"], proof["size"]), (old_size, new_size))
        path = [base64.b64decode(p) for p in proof["proof"]]
        self.assertTrue(tree.verify_consistency(old_size, new_size, old_root, new_root, path),
                        "%s: the new checkpoint is not consistent with the old" % what)
        # The check above can fail: a wrong root or a damaged proof is refused.
        bad_root = bytes([old_root[0] ^ 1]) + old_root[1:]
        self.assertFalse(tree.verify_consistency(old_size, new_size, bad_root, new_root, path))
        for i in range(len(path)):
            bad = list(path)
            bad[i] = bytes([bad[i][0] ^ 0x80]) + bad[i][1:]
            self.assertFalse(tree.verify_consistency(old_size, new_size, old_root, new_root, bad))

        r = verify(node)
        self.assertEqual(r.returncode, 0, "%s: %s" % (what, r.stderr))
        print("  %s %s" % (node.profile, what), file=sys.stderr)

    def run_cycles(self, profile):
        node = Node(profile=profile, origin="yiwang.test/crash-" + profile)
        tree = Tree(profile)
        try:
            node.start()
            for cycle in range(self.CYCLES):
                self.crash_once(node, tree, cycle)
            self.assertEqual(node.stop(), 0)  # the last cycle verified the log
        finally:
            node.close()

    def test_intl(self):
        self.run_cycles("intl")

    def test_gm(self):
        self.run_cycles("gm")


if __name__ == "__main__":
    print("YW_TEST_SEED=%d" % SEED, file=sys.stderr)
    harness.main()
