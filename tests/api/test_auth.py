"""Sign-in, sessions and CSRF against the real binary: the cookie's flags, no
session fixation, CSRF required with the cookie, roles effective at once,
expiry, lockout, nothing secret in answers or logs."""
import http.client
import json
import re
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

ADMIN_PW = "Qinglan-Node-Keeper-2026"
CLERK_PW = "Service-Window-Says-88"


class Auth(harness.unittest.TestCase):
    EXTRA_CONFIG = ""

    @classmethod
    def setUpClass(cls):
        cls.node = Node(profile="gm", origin="yiwang.test/auth")
        d = cls.node.dir
        with open(os.path.join(d, "yiwang.conf"), "a") as f:
            f.write(cls.EXTRA_CONFIG)
        assert run_cli("org", "add", "--dir", d, "--code", "ql.dsj", "--name", "青岚省大数据管理局",
                       "--level", "province", "--division", "110000",
                       "--kind", "data_authority").returncode == 0
        for login, pw, role in (("admin", ADMIN_PW, "node_admin"), ("clerk", CLERK_PW, "window_clerk")):
            r = subprocess.run([harness.BINARY, "account", "add", "--dir", d, "--kind", "staff",
                                "--login", login, "--name", login, "--org", "ql.dsj", "--role", role,
                                "--password-stdin"], input=pw + "\n", capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
        cls.node.start()

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.node.stop() == 0
        finally:
            cls.node.close()

    def call(self, method, path, body=None, cookie=None, csrf=None):
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        if cookie:
            headers["Cookie"] = "yw_session=" + cookie
        if csrf:
            headers["X-CSRF-Token"] = csrf
        status, h, data = self.node.request(method, path, body=body, headers=headers)
        return status, h, json.loads(data) if data else None

    def login(self, login, password, cookie=None):
        status, headers, body = self.call("POST", "/v1/auth/login",
                                          {"login": login, "password": password}, cookie=cookie)
        token = None
        if "set-cookie" in headers:
            token = headers["set-cookie"].split(";")[0].split("=", 1)[1]
        return status, headers, body, token

    def test_sign_in_me_and_sign_out(self):
        status, headers, body, token = self.login("admin", ADMIN_PW)
        self.assertEqual(status, 200, body)
        cookie = headers["set-cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(flag, cookie)
        self.assertEqual(body["roles"], ["node_admin"])
        self.assertEqual(body["org"], "ql.dsj")
        self.assertRegex(body["csrf_token"], r"^[0-9a-f]{64}$")
        self.assertNotIn(ADMIN_PW, json.dumps(body))
        status, _, me = self.call("GET", "/v1/auth/me", cookie=token)
        self.assertEqual((status, me["login"]), (200, "admin"))
        self.assertEqual(self.call("GET", "/v1/auth/me")[0], 401)
        # Sign out needs the CSRF token too; afterwards the token opens nothing.
        self.assertEqual(self.call("POST", "/v1/auth/logout", cookie=token)[0], 403)
        status, headers, _ = self.call("POST", "/v1/auth/logout", cookie=token, csrf=body["csrf_token"])
        self.assertEqual(status, 204)
        self.assertIn("Max-Age=0", headers["set-cookie"])
        self.assertEqual(self.call("GET", "/v1/auth/me", cookie=token)[0], 401)

    def test_wrong_and_unknown_look_the_same(self):
        s1, _, b1, t1 = self.login("clerk", "Wrong-Password-123")
        s2, _, b2, t2 = self.login("nobody.here", "Wrong-Password-123")
        self.assertEqual((s1, s2), (401, 401))
        self.assertEqual(b1, b2)
        self.assertIsNone(t1)
        self.assertIsNone(t2)
        self.assertEqual(self.login("clerk", CLERK_PW)[0], 200)  # and the count resets
        status, _, body = self.call("POST", "/v1/auth/login", {"login": "clerk", "password": 1})
        self.assertEqual((status, body["error"]["field"]), (400, "password"))
        status, _, body = self.call("POST", "/v1/auth/login", {"login": "clerk", "pw": "x"})
        self.assertEqual(status, 400)

    def test_no_session_fixation(self):
        _, _, _, first = self.login("clerk", CLERK_PW)
        _, _, _, second = self.login("clerk", CLERK_PW, cookie=first)
        self.assertNotEqual(first, second)
        self.assertEqual(self.call("GET", "/v1/auth/me", cookie=first)[0], 401)
        self.assertEqual(self.call("GET", "/v1/auth/me", cookie=second)[0], 200)
        # A token the client made up is not adopted.
        _, _, _, issued = self.login("clerk", CLERK_PW, cookie="attacker-chosen-token")
        self.assertNotEqual(issued, "attacker-chosen-token")

    def test_csrf_and_roles_guard_changes(self):
        _, _, admin, token = self.login("admin", ADMIN_PW)
        change = {"name": "青岚省一网节点"}
        _, _, clerk, clerk_token = self.login("clerk", CLERK_PW)
        before = self.node.db.snapshot()
        self.assertEqual(self.call("PATCH", "/v1/node", change, cookie=token)[0], 403)
        status, _, body = self.call("PATCH", "/v1/node", change, cookie=token, csrf="0" * 64)
        self.assertEqual((status, body["error"]["field"]), (403, "X-CSRF-Token"))
        status, _, body = self.call("PATCH", "/v1/node", change, cookie=clerk_token,
                                    csrf=clerk["csrf_token"])
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"))
        snap = self.node.db.snapshot()
        for table in ("yw_node", "yw_ledger_entries"):
            self.assertEqual(snap[table], before[table])
        status, _, body = self.call("PATCH", "/v1/node", change, cookie=token, csrf=admin["csrf_token"])
        self.assertEqual((status, body["name"]), (200, change["name"]))
        # A revoked role stops working at once, in the same session.
        self.assertEqual(run_cli("account", "revoke", "--dir", self.node.dir, "--login", "admin",
                                 "--role", "node_admin").returncode, 0)
        try:
            status, _, _ = self.call("PATCH", "/v1/node", {"name": "x"}, cookie=token,
                                     csrf=admin["csrf_token"])
            self.assertEqual(status, 403)
        finally:
            self.assertEqual(run_cli("account", "grant", "--dir", self.node.dir, "--login", "admin",
                                     "--role", "node_admin").returncode, 0)

    def test_nothing_secret_in_the_log(self):
        self.login("clerk", CLERK_PW)
        self.login("clerk", "Not-The-Password-9")
        time.sleep(0.3)
        log = "".join(self.node.stderr_lines)
        for secret in (CLERK_PW, "Not-The-Password-9", ADMIN_PW):
            self.assertNotIn(secret, log)


class ApiKeys(harness.unittest.TestCase):
    def test_keys(self):
        node = Node(profile="intl", origin="yiwang.test/keys")
        try:
            d = node.dir
            assert run_cli("org", "add", "--dir", d, "--code", "ql.dsj", "--name", "大数据局",
                           "--level", "province", "--division", "110000",
                           "--kind", "data_authority").returncode == 0

            def create(*args):
                r = run_cli("key", "create", "--dir", d, "--name", "人口库同步系统", "--org",
                            "ql.dsj", *args)
                return r, (r.stdout.strip().splitlines()[-1] if r.returncode == 0 else None)

            r, admin_key = create("--role", "node_admin")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(admin_key, r"^ywk_[0-9a-f]{16}\.[0-9a-f]{64}$")
            _, far_key = create("--role", "node_admin", "--allow-ip", "10.9.8.0/24,2001:db8::/32")
            _, clerk_key = create("--role", "window_clerk")
            # Refused at creation: roles that do not fit, bad allow lists.
            self.assertEqual(create("--role", "citizen")[0].returncode, 2)
            self.assertEqual(create("--role", "node_admin", "--allow-ip", "10.1.2.3/33")[0].returncode, 2)
            self.assertEqual(create("--role", "node_admin", "--allow-ip", "nowhere")[0].returncode, 2)
            listing = run_cli("key", "list", "--dir", d).stdout
            self.assertNotIn(admin_key.split(".")[1], listing)
            node.start()

            def patch(token, name):
                return node.request("PATCH", "/v1/node", body=json.dumps({"name": name}).encode(),
                                    headers={"Content-Type": "application/json",
                                             "Authorization": "Bearer " + token})

            status, _, data = patch(admin_key, "由系统改名")
            self.assertEqual(status, 200, data)  # no CSRF token needed without a cookie
            self.assertEqual(patch(clerk_key, "x")[0], 403)
            status, _, data = patch(far_key, "x")
            self.assertEqual(status, 403, data)  # 127.0.0.1 is not in the allow list
            wrong = admin_key[:-1] + ("0" if admin_key[-1] != "0" else "1")
            self.assertEqual(patch(wrong, "x")[0], 401)
            self.assertEqual(patch("ywk_0000000000000000.00", "x")[0], 401)
            status, _, _ = node.request("GET", "/v1/auth/me", headers={"Authorization": "Basic eDp5"})
            self.assertEqual(status, 401)
            status, _, data = node.request("GET", "/v1/auth/me",
                                           headers={"Authorization": "Bearer " + admin_key})
            self.assertEqual((status, json.loads(data)["roles"]), (200, ["node_admin"]))
            key_id = admin_key.split(".")[0]
            r = run_cli("key", "revoke", "--dir", d, "--id", key_id, "--reason", "系统下线")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(patch(admin_key, "x")[0], 401)  # at once
            listed = {k["id"]: k for k in json.loads(run_cli("key", "list", "--dir", d).stdout)}
            self.assertEqual(listed[key_id]["status"], "revoked")
            self.assertGreater(listed[key_id]["last_used_ms"], 0)
            self.assertEqual(node.stop(), 0)
            status = None
            self.assertNotIn(admin_key.split(".")[1], "".join(node.stderr_lines))
        finally:
            node.close()


def totp_code(secret_b32, at):
    """RFC 6238 with SHA-1, 6 digits, 30 s: written here from the RFC."""
    import base64, hashlib, hmac, struct
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Totp(harness.unittest.TestCase):
    def test_one_time_codes(self):
        node = Node(profile="gm", origin="yiwang.test/totp")
        try:
            d = node.dir
            assert run_cli("org", "add", "--dir", d, "--code", "ql.dsj", "--name", "大数据局",
                           "--level", "province", "--division", "110000",
                           "--kind", "data_authority").returncode == 0
            r = subprocess.run([harness.BINARY, "account", "add", "--dir", d, "--kind", "staff",
                                "--login", "wang", "--name", "王", "--org", "ql.dsj",
                                "--password-stdin"], input=CLERK_PW + "\n", capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = run_cli("account", "totp", "--dir", d, "--login", "wang")
            self.assertEqual(r.returncode, 0, r.stderr)
            uri = r.stdout.strip().splitlines()[-1]
            self.assertTrue(uri.startswith("otpauth://totp/yiwang:wang?"), uri)
            secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
            rows = json.dumps(node.db.snapshot(), default=str)
            self.assertNotIn(secret, rows)  # stored sealed, not in clear
            node.start()
            hdr = {"Content-Type": "application/json"}

            def login(**extra):
                body = dict(login="wang", password=CLERK_PW, **extra)
                return node.request("POST", "/v1/auth/login", body=json.dumps(body).encode(),
                                    headers=hdr)[0]

            self.assertEqual(login(), 401)                      # the code is required now
            self.assertEqual(login(totp="000000" if totp_code(secret, time.time()) != "000000"
                                   else "111111"), 401)          # a wrong code
            code = totp_code(secret, time.time())
            self.assertEqual(login(totp=code), 200)
            self.assertEqual(login(totp=code), 401)             # the same code twice: a replay
            self.assertEqual(node.stop(), 0)
            r = run_cli("account", "totp", "--dir", d, "--login", "wang", "--disable")
            self.assertEqual(r.returncode, 0, r.stderr)
            node.start()
            self.assertEqual(login(), 200)
            self.assertEqual(node.stop(), 0)
            self.assertNotIn(secret, "".join(node.stderr_lines))
        finally:
            node.close()


class Expiry(harness.unittest.TestCase):
    def test_idle_expiry_and_lockout(self):
        node = Node(profile="intl", origin="yiwang.test/expiry")
        try:
            d = node.dir
            with open(os.path.join(d, "yiwang.conf"), "a") as f:
                f.write("session_idle = 1\nlogin_failures = 3\nlockout = 60\n")
            assert run_cli("org", "add", "--dir", d, "--code", "ql.dsj", "--name", "大数据局",
                           "--level", "province", "--division", "110000",
                           "--kind", "data_authority").returncode == 0
            r = subprocess.run([harness.BINARY, "account", "add", "--dir", d, "--kind", "staff",
                                "--login", "clerk", "--name", "clerk", "--org", "ql.dsj",
                                "--password-stdin"], input=CLERK_PW + "\n", capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            node.start()
            body = json.dumps({"login": "clerk", "password": CLERK_PW}).encode()
            hdr = {"Content-Type": "application/json"}
            status, headers, _ = node.request("POST", "/v1/auth/login", body=body, headers=hdr)
            self.assertEqual(status, 200)
            token = headers["set-cookie"].split(";")[0].split("=", 1)[1]
            time.sleep(2.2)
            status, _, _ = node.request("GET", "/v1/auth/me", headers={"Cookie": "yw_session=" + token})
            self.assertEqual(status, 401)
            wrong = json.dumps({"login": "clerk", "password": "Wrong-Wrong-Wrong-1"}).encode()
            for _ in range(3):
                self.assertEqual(node.request("POST", "/v1/auth/login", body=wrong, headers=hdr)[0], 401)
            status, _, data = node.request("POST", "/v1/auth/login", body=body, headers=hdr)
            self.assertEqual(status, 429, data)
            self.assertEqual(json.loads(data)["error"]["code"], "too_many_attempts")
            self.assertEqual(node.stop(), 0)
            # The lockout is in the ledger, without the password.
            r = run_cli("ledger", "verify", "--dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            node.close()


if __name__ == "__main__":
    harness.main()
