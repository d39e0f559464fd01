"""The command line against the real binary: usage, init, serve, configuration,
refusals that change nothing, graceful stop, connection limit."""
import base64
import hashlib
import json
import os
import signal
import socket
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli, status_line  # noqa: E402


def tree_state(path):
    """Names, modes, sizes and hashes of everything below path."""
    out = {}
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            digest = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, path)] = (st.st_mode, st.st_size, digest)
    return out


class Usage(harness.unittest.TestCase):
    def test_no_arguments_is_usage_error(self):
        r = run_cli()
        self.assertEqual(r.returncode, 2)
        self.assertIn("Usage", r.stderr)

    def test_help_on_every_command(self):
        for args in (["--help"], ["help"], ["init", "--help"], ["serve", "--help"],
                     ["routes", "--help"], ["version", "--help"]):
            with self.subTest(args=args):
                r = run_cli(*args)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Usage", r.stdout)

    def test_version(self):
        r = run_cli("version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^yiwang \d+\.\d+\.\d+\n$")

    def test_bad_usage_exits_2_with_one_line(self):
        for args in (["frobnicate"], ["init"], ["init", "--dir"], ["init", "--dir", "/tmp/x", "--bogus", "1"],
                     ["init", "--dir", "/tmp/yw-never", "--profile", "rsa"], ["serve"], ["routes", "extra"]):
            with self.subTest(args=args):
                r = run_cli(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertFalse(os.path.exists("/tmp/yw-never"))


class Init(harness.unittest.TestCase):
    def setUp(self):
        self.node = Node()

    def tearDown(self):
        self.node.close()

    def test_files_and_modes(self):
        for name in ("yiwang.conf", "node.key"):
            mode = stat.S_IMODE(os.stat(os.path.join(self.node.dir, name)).st_mode)
            self.assertEqual(mode, 0o600, name)

    def test_second_init_refuses_and_changes_nothing(self):
        db_before = self.node.db.snapshot()  # reading may leave SQLite's -wal/-shm files
        before = tree_state(self.node.dir)
        args = ["init", "--dir", self.node.dir, "--profile", "intl"]
        if self.node.db.url:
            args += ["--db", self.node.db.url]
        r = run_cli(*args)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("already holds a node", r.stderr)
        self.assertEqual(tree_state(self.node.dir), before)
        self.assertEqual(self.node.db.snapshot(), db_before)

    def test_database_of_another_node_refused(self):
        if self.node.db.kind != "postgres":
            self.skipTest("a SQLite database belongs to its directory")
        other = os.path.join(self.node.workdir, "other")
        db_before = self.node.db.snapshot()
        r = run_cli("init", "--dir", other, "--db", self.node.db.url)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("already belongs to node", r.stderr)
        self.assertFalse(os.path.exists(other))
        self.assertEqual(self.node.db.snapshot(), db_before)

    def test_bad_origin_creates_nothing(self):
        target = os.path.join(self.node.workdir, "bad")
        r = run_cli("init", "--dir", target, "--origin", "has space")
        self.assertEqual(r.returncode, 2)
        self.assertIn("origin", r.stderr)
        self.assertFalse(os.path.exists(target))

    def test_unreachable_database_creates_nothing_and_hides_password(self):
        target = os.path.join(self.node.workdir, "nodb")
        r = run_cli("init", "--dir", target, "--db", "postgres://yw:s3cretpw@127.0.0.1:1/none")
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("s3cretpw", r.stderr)
        self.assertFalse(os.path.exists(target))

    def test_intl_profile(self):
        node = Node(profile="intl", origin="yiwang.test/intl")
        try:
            node.start()
            status, body = node.get_json("/v1/node")
            self.assertEqual(body["profile"], "intl")
            self.assertEqual(len(base64.b64decode(body["public_key"])), 32)
            self.assertEqual(node.stop(), 0)
        finally:
            node.close()


class Serve(harness.unittest.TestCase):
    def setUp(self):
        self.node = Node()

    def tearDown(self):
        self.node.close()

    def test_not_a_node_directory(self):
        r = run_cli("serve", "--dir", os.path.join(self.node.workdir, "empty"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("yiwang init", r.stderr)

    def test_environment_overrides(self):
        os.unlink(os.path.join(self.node.dir, "yiwang.conf"))
        conf = "db = %s\nlisten = 127.0.0.1:1\n" % (self.node.db.url or "sqlite:%s" % self.node.db.path)
        with open(os.path.join(self.node.dir, "yiwang.conf"), "w") as f:
            f.write(conf)
        # YIWANG_LISTEN beats the file (port 1 would need root privileges... and is taken by nobody)
        env = dict(os.environ, YIWANG_LISTEN="127.0.0.1:0")
        import subprocess
        p = subprocess.Popen([harness.BINARY, "serve", "--dir", self.node.dir], env=env,
                             stderr=subprocess.PIPE, text=True)
        line = p.stderr.readline()
        while '"listening"' not in line and line:
            line = p.stderr.readline()
        self.assertIn('"listening"', line)
        self.assertNotEqual(json.loads(line)["addr"], "127.0.0.1:1")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(30), 0)
        p.stderr.close()
        r = run_cli("serve", "--dir", self.node.dir, "--listen", "127.0.0.1:0",
                    env={"YIWANG_DB": "postgres://yw:s3cretpw@127.0.0.1:1/none"})
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("s3cretpw", r.stderr)

    def test_bad_config_names_the_line(self):
        with open(os.path.join(self.node.dir, "yiwang.conf"), "a") as f:
            f.write("pool_sise = 4\n")
        r = run_cli("serve", "--dir", self.node.dir)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("pool_sise", r.stderr)
        self.assertRegex(r.stderr, r"yiwang\.conf:\d+")

    def test_bad_listen_address(self):
        r = run_cli("serve", "--dir", self.node.dir, "--listen", "nowhere")
        self.assertEqual(r.returncode, 2)
        self.assertIn("listen", r.stderr)

    def test_schema_newer_than_binary_refused(self):
        self.node.db.execute("INSERT INTO yw_schema_migrations (version, name, applied_at) "
                             "VALUES (999, 'from_the_future', '2030-01-01T00:00:00Z')")
        before = self.node.db.snapshot()
        r = run_cli("serve", "--dir", self.node.dir, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("999", r.stderr)
        self.assertEqual(self.node.db.snapshot(), before)

    def test_key_of_another_node_refused(self):
        other = Node(origin="yiwang.test/other")
        try:
            os.unlink(os.path.join(self.node.dir, "node.key"))
            with open(os.path.join(other.dir, "node.key"), "rb") as f:
                key = f.read()
            fd = os.open(os.path.join(self.node.dir, "node.key"), os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, key)
            os.close(fd)
            r = run_cli("serve", "--dir", self.node.dir, "--listen", "127.0.0.1:0")
            self.assertEqual(r.returncode, 1)
            self.assertIn("does not match", r.stderr)
        finally:
            other.close()

    def test_key_readable_by_others_refused(self):
        os.chmod(os.path.join(self.node.dir, "node.key"), 0o644)
        r = run_cli("serve", "--dir", self.node.dir, "--listen", "127.0.0.1:0")
        self.assertEqual(r.returncode, 1)
        self.assertIn("node.key", r.stderr)

    def test_graceful_stop_finishes_requests_in_flight(self):
        self.node.start()
        host, port = self.node.host_port
        body = b'{"login": "in.flight", "password": "not-a-real-one"}'
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body) + body[:5])
        time.sleep(0.3)
        self.node.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(self.node.proc.poll(), "stopped before the request in flight finished")
        s.sendall(body[5:])
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
        s.close()
        self.assertEqual(status_line(raw), 401, raw[:300])
        self.assertEqual(self.node.proc.wait(30), 0)
        msgs = [r.get("msg") for r in self.node.log_records()]
        self.assertIn("stopping", msgs)
        self.assertIn("stopped", msgs)
        self.node.proc.stderr.close()
        self.node.proc = None
        # A new connection is refused now.
        with self.assertRaises(OSError):
            socket.create_connection((host, port), timeout=2).close()

    def test_connection_limit(self):
        with open(os.path.join(self.node.dir, "yiwang.conf"), "a") as f:
            f.write("max_connections = 4\n")
        self.node.start()
        host, port = self.node.host_port
        answered, refused, held = 0, 0, []
        for _ in range(10):
            s = socket.create_connection((host, port), timeout=1)
            held.append(s)
            try:
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")  # keep-alive
                data = s.recv(4096)
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                data = b""
            if status_line(data) == 200:
                answered += 1
            else:
                refused += 1
        for s in held:
            s.close()
        self.assertGreaterEqual(answered, 1)
        self.assertLessEqual(answered, 4)
        self.assertGreaterEqual(refused, 6)
        time.sleep(0.3)
        self.assertEqual(self.node.request("GET", "/v1/health")[0], 200)
        self.assertEqual(self.node.stop(), 0)

if __name__ == "__main__":
    harness.main()
