"""Starts a real `yiwang` node and talks HTTP to it.

The database is chosen by YW_TEST_DB: "sqlite" (a file in the node's directory)
or "postgres" (a fresh database on the server at YW_TEST_PG_URL, dropped at the
end). Without YW_TEST_PG_URL a postgres run exits 77, which ctest reports as
skipped.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SKIP = 77
BINARY = None  # set by main()


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args, rest = p.parse_known_args()
    return args, rest


class Database:
    """A database for one node: a SQLite path or a throwaway PostgreSQL database."""

    def __init__(self, workdir):
        self.kind = os.environ.get("YW_TEST_DB", "sqlite")
        self.workdir = workdir
        if self.kind == "postgres":
            base = os.environ.get("YW_TEST_PG_URL")
            if not base:
                print("YW_TEST_PG_URL is not set: skipping the PostgreSQL run")
                sys.exit(SKIP)
            self.name = "yw_api_%d_%d" % (os.getpid(), random.randrange(1 << 30))
            self.admin_url = base
            self.psql(base, "CREATE DATABASE %s" % self.name)
            self.url = re.sub(r"/[^/?]*(\?|$)", "/" + self.name + r"\1", base.split("://", 1)[1], count=1)
            self.url = base.split("://", 1)[0] + "://" + self.url
        else:
            self.path = os.path.join(workdir, "node", "yiwang.db")
            self.url = None  # the node's default: sqlite:DIR/yiwang.db

    @staticmethod
    def psql(url, sql):
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                             check=True, capture_output=True, text=True)
        return out.stdout

    def snapshot(self):
        """Every row of every table, as text: equal snapshots mean nothing was written."""
        if self.kind == "postgres":
            tables = self.psql(self.url, "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY 1").split()
            # Whole rows as the order: the first column alone need not be unique.
            return {t: self.psql(self.url, "SELECT * FROM %s ORDER BY %s::text" % (t, t))
                    for t in tables}
        con = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")]
            return {t: con.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall() for t in tables}
        finally:
            con.close()

    def execute(self, sql):
        if self.kind == "postgres":
            self.psql(self.url, sql)
        else:
            con = sqlite3.connect(self.path)
            con.execute(sql)
            con.commit()
            con.close()

    def drop(self):
        if self.kind == "postgres":
            self.psql(self.admin_url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)


class Node:
    """A node directory with a database; start() runs `yiwang serve` on a free port."""

    def __init__(self, profile="gm", name="测试节点 Test Node", origin="yiwang.test/api", init=True):
        self.workdir = tempfile.mkdtemp(prefix="yw-api-")
        self.dir = os.path.join(self.workdir, "node")
        self.db = Database(self.workdir)
        self.proc = None
        self.stderr_lines = []
        self.addr = None
        self.profile, self.name, self.origin = profile, name, origin
        if init:
            args = ["init", "--dir", self.dir, "--profile", profile, "--name", name, "--origin", origin]
            if self.db.url:
                args += ["--db", self.db.url]
            r = run_cli(*args)
            if r.returncode != 0:
                raise RuntimeError("init failed: %s" % r.stderr)

    def start(self, extra_env=None, listen="127.0.0.1:0", wait=True):
        env = dict(os.environ)
        env.update(extra_env or {})
        self.stderr_lines = []
        self.proc = subprocess.Popen([BINARY, "serve", "--dir", self.dir, "--listen", listen],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env, text=True)
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        if wait and not self._listening.wait(30):
            self.proc.kill()
            raise RuntimeError("node did not start:\n" + "".join(self.stderr_lines))
        return self

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            if '"msg":"listening"' in line:
                self.addr = json.loads(line)["addr"]
                self._listening.set()

    def log_records(self):
        out = []
        for line in list(self.stderr_lines):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    @property
    def host_port(self):
        host, port = self.addr.rsplit(":", 1)
        return host, int(port)

    def request(self, method, path, body=None, headers=None):
        host, port = self.host_port
        conn = http.client.HTTPConnection(host, port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get_json(self, path):
        status, headers, data = self.request("GET", path)
        return status, json.loads(data) if data else None

    def sign_in(self, login, password):
        """Signs in; returns (cookie, csrf) for call()."""
        status, headers, data = self.request(
            "POST", "/v1/auth/login", body=json.dumps({"login": login, "password": password}).encode(),
            headers={"Content-Type": "application/json"})
        assert status == 200, data
        return headers["set-cookie"].split(";")[0], json.loads(data)["csrf_token"]

    def call(self, method, path, body=None, session=None, token=None):
        """A JSON request as a signed-in person (session from sign_in) or a system
        (an API key token); POST and PUT without a body send {}. Returns (status, JSON)."""
        headers = {}
        if session is not None:
            headers["Cookie"], headers["X-CSRF-Token"] = session
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        data = None
        if body is not None or method in ("POST", "PUT"):
            headers["Content-Type"] = "application/json"
            data = json.dumps(body if body is not None else {}).encode()
        status, _, answer = self.request(method, path, body=data, headers=headers)
        return status, json.loads(answer) if answer else None

    def raw(self, payload, read_timeout=10):
        """Sends raw bytes; returns everything the server answers until it closes or goes quiet."""
        host, port = self.host_port
        s = socket.create_connection((host, port), timeout=read_timeout)
        try:
            s.sendall(payload)
            chunks = []
            while True:
                try:
                    c = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not c:
                    break
                chunks.append(c)
                if b"\r\n\r\n" in b"".join(chunks) and s.gettimeout() != 1:
                    s.settimeout(1)
            return b"".join(chunks)
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self._reader.join(5)
        self.proc.stderr.close()
        self.proc = None
        return rc

    def close(self):
        try:
            if self.proc is not None:
                self.proc.kill()
                self.proc.wait()
        finally:
            self.db.drop()
            shutil.rmtree(self.workdir, ignore_errors=True)


def add_orgs(d, orgs, division="110000"):
    """Province-level organisations (code, name, kind) in node directory d."""
    for code, name, kind in orgs:
        r = run_cli("org", "add", "--dir", d, "--code", code, "--name", name, "--level",
                    "province", "--division", division, "--kind", kind)
        assert r.returncode == 0, r.stderr


def add_account(d, password, *args):
    """`yiwang account add --dir d ARGS` with the password on standard input."""
    r = subprocess.run([BINARY, "account", "add", "--dir", d, *args, "--password-stdin"],
                       input=password + "\n", capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def add_staff(d, staff, password):
    """Staff accounts (login, org, role), named by their logins."""
    for login, org, role in staff:
        add_account(d, password, "--kind", "staff", "--login", login, "--name", login, "--org",
                    org, "--role", role)


def add_citizen(d, name, id_number, password):
    add_account(d, password, "--kind", "citizen", "--name", name, "--id-number", id_number)


def run_cli(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([BINARY, *args], capture_output=True, text=True, env=full_env,
                          stdin=subprocess.DEVNULL, timeout=60)


def status_line(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


def main():
    global BINARY
    args, rest = parse_args()
    BINARY = os.path.abspath(args.binary)
    if os.environ.get("YW_TEST_DB", "sqlite") == "postgres" and not os.environ.get("YW_TEST_PG_URL"):
        print("YW_TEST_PG_URL is not set: skipping the PostgreSQL run")
        sys.exit(SKIP)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
