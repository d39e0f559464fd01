"""The authorisation matrix: every route in the route table, with no
credentials and signed in as every role, against what this file says each
role may do. A route missing from MATRIX fails the test, so no route can be
added without deciding who may call it."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

ROLES = ["node_admin", "cdo", "data_steward", "approver", "window_clerk", "assistant",
         "supervisor", "auditor", "enterprise_operator", "citizen"]
EVERYONE = "public"
SIGNED_IN = set(ROLES)
DIRECTORY_READERS = {"node_admin", "cdo", "data_steward", "auditor", "approver", "supervisor"}

# (method, route pattern) -> roles allowed, or EVERYONE.
MATRIX = {
    ("GET", "/v1/health"): EVERYONE,
    ("GET", "/v1/node"): EVERYONE,
    ("PATCH", "/v1/node"): {"node_admin"},
    ("POST", "/v1/auth/login"): EVERYONE,
    ("POST", "/v1/auth/logout"): SIGNED_IN,
    ("GET", "/v1/auth/me"): SIGNED_IN,
    ("GET", "/v1/orgs"): DIRECTORY_READERS,
    ("POST", "/v1/orgs"): {"node_admin"},
    ("POST", "/v1/orgs/*"): {"node_admin"},
    ("GET", "/v1/accounts"): {"node_admin", "auditor"},
    ("POST", "/v1/accounts"): {"node_admin"},
    ("POST", "/v1/accounts/*"): {"node_admin"},
    ("GET", "/v1/keys"): {"node_admin", "auditor"},
    ("POST", "/v1/keys"): {"node_admin"},
    ("DELETE", "/v1/keys/*"): {"node_admin"},
    ("GET", "/v1/ledger/checkpoint"): EVERYONE,
    ("GET", "/v1/ledger/vkey"): EVERYONE,
    ("GET", "/v1/ledger/entries"): EVERYONE,
    ("GET", "/v1/ledger/proof/inclusion"): EVERYONE,
    ("GET", "/v1/ledger/proof/consistency"): EVERYONE,
    ("GET", "/metrics"): {"node_admin", "auditor"},
    ("GET", "/v1/openapi.json"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/index.html"): EVERYONE,
    ("GET", "/assets/*"): EVERYONE,
}

# A concrete path for each pattern; bodies are empty objects, which an allowed
# caller gets a 400 for and a refused one a 401/403 before the body matters.
PATHS = {"/v1/keys/*": "/v1/keys/ywk_0000000000000000?reason=matrix",
         "/v1/orgs/*": "/v1/orgs/no.such.org/close",
         "/v1/accounts/*": "/v1/accounts/no.such.account/disable",
         "/assets/*": "/assets/style.css",
         "/v1/ledger/entries": "/v1/ledger/entries?start=0&count=1"}


class Matrix(harness.unittest.TestCase):
    def test_every_route_with_every_role(self):
        routes = []
        for line in run_cli("routes").stdout.splitlines():
            method, pattern, permission = line.split()[:3]
            routes.append((method, pattern))
        self.assertEqual(set(routes), set(MATRIX), "the route table and MATRIX differ")

        node = Node(init=False)
        try:
            args = ["demo", "--dir", node.dir]
            if node.db.url:
                args += ["--db", node.db.url]
            r = run_cli(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            creds = {m.group(1): (m.group(2), m.group(3)) for m in
                     re.finditer(r"^  (\w+)\s+(\S+)\s+(\S+)$", r.stdout, re.M)}
            node.start()

            def sign_in(role):
                login, password = creds[role]
                status, headers, data = node.request(
                    "POST", "/v1/auth/login", body=json.dumps({"login": login, "password": password}).encode(),
                    headers={"Content-Type": "application/json"})
                self.assertEqual(status, 200, data)
                return headers["set-cookie"].split(";")[0], json.loads(data)["csrf_token"]

            callers = [None] + ROLES
            checked = 0
            # Sign-out last: it ends the session it is called with.
            ordered = sorted(routes, key=lambda r: r == ("POST", "/v1/auth/logout"))
            sessions = {role: sign_in(role) for role in ROLES}
            for method, pattern in ordered:
                allowed = MATRIX[(method, pattern)]
                path = PATHS.get(pattern, pattern)
                for role in callers:
                    headers = {}
                    body = None
                    if method in ("POST", "PATCH"):
                        headers["Content-Type"] = "application/json"
                        body = b"{}"
                    if role is not None:
                        cookie, csrf = sessions[role]
                        headers["Cookie"] = cookie
                        headers["X-CSRF-Token"] = csrf
                    status, _, data = node.request(method, path, body=body, headers=headers)
                    with self.subTest(route=(method, pattern), role=role):
                        if allowed == EVERYONE or (role is not None and role in allowed):
                            self.assertNotIn(status, (401, 403), data[:200])
                            self.assertLess(status, 500, data[:200])
                        elif role is None:
                            self.assertEqual(status, 401, data[:200])
                        else:
                            self.assertEqual(status, 403, data[:200])
                    checked += 1
            self.assertEqual(checked, len(routes) * len(callers))
            self.assertEqual(node.stop(), 0)
        finally:
            node.close()


if __name__ == "__main__":
    harness.main()
