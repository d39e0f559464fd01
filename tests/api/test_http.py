"""HTTP core against the real binary: routes, limits, errors, headers, metrics,
OpenAPI, static files, logs. Nothing a rejected request sends may be written."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, status_line  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MiB = 1024 * 1024


class HttpCore(harness.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = Node().start()

    @classmethod
    def tearDownClass(cls):
        try:
            rc = cls.node.stop()
            assert rc == 0, "serve exited %r" % rc
        finally:
            cls.node.close()

    def assertError(self, status, data, expect_status, expect_code, field=None):
        self.assertEqual(status, expect_status, data)
        body = json.loads(data)
        self.assertEqual(set(body), {"error"})
        self.assertEqual(body["error"]["code"], expect_code)
        self.assertTrue(body["error"]["message"])
        if field is not None:
            self.assertEqual(body["error"].get("field"), field)
        return body["error"]

    # ---- the public routes ----

    def test_health(self):
        status, headers, data = self.node.request("GET", "/v1/health")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        body = json.loads(data)
        self.assertEqual(body["status"], "ok")
        self.assertRegex(body["version"], r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(body["schema_version"], 1)
        self.assertIsInstance(body["uptime_seconds"], int)
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertIn("x-request-id", headers)

    def test_head_has_no_body(self):
        status, headers, data = self.node.request("HEAD", "/v1/health")
        self.assertEqual(status, 200)
        self.assertEqual(data, b"")

    def test_node_identity(self):
        status, body = self.node.get_json("/v1/node")
        self.assertEqual(status, 200)
        self.assertEqual(body["name"], self.node.name)
        self.assertEqual(body["origin"], self.node.origin)
        self.assertEqual(body["profile"], "gm")
        self.assertEqual(len(__import__("base64").b64decode(body["public_key"])), 65)
        for secret_hint in ("private", "secret", "password"):
            self.assertNotIn(secret_hint, json.dumps(body))

    # ---- routing errors ----

    def test_unknown_route_404(self):
        status, _, data = self.node.request("GET", "/v1/no-such-thing")
        self.assertError(status, data, 404, "not_found")

    def test_wrong_method_405_with_allow(self):
        status, headers, data = self.node.request("POST", "/v1/health", body=b"{}",
                                                  headers={"Content-Type": "application/json"})
        self.assertError(status, data, 405, "method_not_allowed")
        self.assertEqual(headers["allow"], "GET, HEAD")
        status, headers, data = self.node.request("DELETE", "/v1/node")
        self.assertError(status, data, 405, "method_not_allowed")
        self.assertEqual(headers["allow"], "GET, HEAD, PATCH")

    def test_invalid_utf8_in_path_and_query(self):
        status, _, data = self.node.request("GET", "/v1/%FF%FE")
        self.assertError(status, data, 400, "invalid_utf8")
        status, _, data = self.node.request("GET", "/v1/health?name=%C0%AF")
        self.assertError(status, data, 400, "invalid_utf8", field="name")

    # ---- bodies: every bad input is refused and nothing is written ----

    def patch(self, body, content_type="application/json"):
        """Sign-in is public and takes JSON: the body checks are tested there."""
        headers = {"Content-Type": content_type} if content_type else {}
        return self.node.request("POST", "/v1/auth/login", body=body, headers=headers)

    def test_rejected_bodies_write_nothing(self):
        before = self.node.db.snapshot()
        cases = [
            (b'{"name": "x"', 400, "malformed_json"),
            (b'{"name": "x"} trailing', 400, "malformed_json"),
            (b'{"name": "a", "name": "b"}', 400, "malformed_json"),   # duplicate keys
            (b'["name"]', 400, "malformed_json"),                      # not an object
            (b'{"name": "\xff\xfe"}', 400, "invalid_utf8"),
            (b'{"name": "\xed\xa0\x80"}', 400, "invalid_utf8"),       # a UTF-16 surrogate
            (b'{"name": "\\u0000"}', 400, "malformed_json"),           # NUL inside a string
            (b'', 400, "body_required"),
            (b'{"login": "nobody", "password": "x"}', 401, "unauthenticated"),  # no such account
        ]
        for body, want_status, want_code in cases:
            with self.subTest(body=body):
                status, _, data = self.patch(body)
                self.assertError(status, data, want_status, want_code)
        status, _, data = self.patch(b'{"name": "x"}', content_type="text/plain")
        self.assertError(status, data, 415, "unsupported_media_type")
        status, _, data = self.patch(b'{"name": "x"}', content_type=None)
        self.assertError(status, data, 415, "unsupported_media_type")
        # A route that is not public, without credentials: 401 before the body is even read.
        status, _, data = self.node.request("PATCH", "/v1/node", body=b'{"name": ',
                                            headers={"Content-Type": "application/json"})
        self.assertError(status, data, 401, "unauthenticated")
        self.assertEqual(self.node.db.snapshot(), before)
        status, body = self.node.get_json("/v1/node")
        self.assertEqual(body["name"], self.node.name)

    def test_body_over_limit_413(self):
        before = self.node.db.snapshot()
        big = b'{"name": "' + b"a" * (MiB + 10) + b'"}'
        status, _, data = self.patch(big)
        self.assertError(status, data, 413, "body_too_large")
        # Exactly at the limit is still read (and then refused: no such login).
        at_limit = b'{"login": "' + b"a" * (MiB - 13) + b'"}'
        self.assertEqual(len(at_limit), MiB)
        status, _, data = self.patch(at_limit)
        self.assertError(status, data, 400, "invalid")
        # A huge declared body is answered at once, before it is sent.
        raw = self.node.raw(b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 1000000000\r\n\r\n")
        self.assertEqual(status_line(raw), 413, raw[:200])
        self.assertEqual(self.node.db.snapshot(), before)

    def test_chunked_body_over_limit_413(self):
        chunk = b"a" * 65536
        payload = (b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        payload += b'%x\r\n{"name":"\r\n' % len(b'{"name":"')
        for _ in range(18):  # 1.125 MiB
            payload += b"%x\r\n%s\r\n" % (len(chunk), chunk)
        payload += b'2\r\n"}\r\n0\r\n\r\n'
        raw = self.node.raw(payload)
        self.assertEqual(status_line(raw), 413, raw[:200])
        self.assertIn(b'"body_too_large"', raw)

    def test_oversized_headers_refused(self):
        payload = (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (100 * 1024) +
                   b"\r\nConnection: close\r\n\r\n")
        raw = self.node.raw(payload)
        self.assertIn(status_line(raw), (413, 431), raw[:200])
        # The node is still fine afterwards.
        self.assertEqual(self.node.request("GET", "/v1/health")[0], 200)

    def test_garbage_request_line(self):
        raw = self.node.raw(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
        st = status_line(raw)
        self.assertTrue(st is None or 400 <= st < 500, raw[:200])
        self.assertEqual(self.node.request("GET", "/v1/health")[0], 200)

    # ---- metrics, OpenAPI, static files, logs ----

    def test_metrics(self):
        for _ in range(3):
            self.node.request("GET", "/v1/health")
        self.node.request("GET", "/v1/nope")
        # Metrics are for operators: a monitoring system's key with the auditor role.
        self.assertEqual(self.node.request("GET", "/metrics")[0], 401)
        d = self.node.dir
        if harness.run_cli("org", "list", "--dir", d).stdout.strip() == "[]":
            self.assertEqual(harness.run_cli("org", "add", "--dir", d, "--code", "ops", "--name",
                                             "运维中心", "--level", "province", "--division",
                                             "110000", "--kind", "other").returncode, 0)
        r = harness.run_cli("key", "create", "--dir", d, "--name", "监控系统", "--org", "ops",
                            "--role", "auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        token = r.stdout.strip().splitlines()[-1]
        status, headers, data = self.node.request("GET", "/metrics",
                                                  headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = data.decode()
        m = re.search(r'^yiwang_http_requests_total\{route="/v1/health",method="GET",status="200"\} (\d+)$',
                      text, re.M)
        self.assertIsNotNone(m, text)
        self.assertGreaterEqual(int(m.group(1)), 3)
        self.assertRegex(text, r'(?m)^yiwang_http_requests_total\{route="unmatched",method="",status="404"\} \d+$')
        self.assertRegex(text, r'(?m)^yiwang_http_request_duration_seconds_bucket\{route="/v1/health",method="GET",le="\+Inf"\} \d+$')
        self.assertRegex(text, r'(?m)^yiwang_http_request_duration_seconds_count\{route="/v1/health",method="GET"\} \d+$')
        self.assertRegex(text, r'(?m)^yiwang_store_pool_connections\{state="idle"\} \d+$')
        self.assertRegex(text, r'(?m)^yiwang_store_pool_connections\{state="in_use"\} \d+$')
        # Buckets are cumulative.
        counts = [int(v) for v in re.findall(
            r'(?m)^yiwang_http_request_duration_seconds_bucket\{route="/v1/health",method="GET",le="[^"]+"\} (\d+)$', text)]
        self.assertEqual(counts, sorted(counts))

    def test_openapi_is_the_document_and_matches_the_route_table(self):
        status, headers, data = self.node.request("GET", "/v1/openapi.json")
        self.assertEqual(status, 200)
        with open(os.path.join(ROOT, "docs", "openapi.json"), "rb") as f:
            self.assertEqual(data, f.read())
        doc = json.loads(data)
        self.assertEqual(doc["openapi"], "3.1.0")
        documented = {}
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                pattern = op.get("x-route-pattern", path)
                documented[(method.upper(), pattern)] = op["x-permission"]
        r = harness.run_cli("routes")
        self.assertEqual(r.returncode, 0)
        routes = {}
        for line in r.stdout.splitlines():
            method, pattern, permission = line.split()[:3]
            routes[(method, pattern)] = permission
        self.assertEqual(routes, documented)

    def test_landing_page_and_assets(self):
        status, headers, data = self.node.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        self.assertIn("default-src 'self'", headers["content-security-policy"])
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertIn(b"<html", data)
        self.assertIn(b'lang="zh-CN"', data)
        etag = headers["etag"]
        status, _, data = self.node.request("GET", "/", headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(data, b"")
        self.assertEqual(self.node.request("GET", "/index.html")[0], 200)
        css = [p for p in os.listdir(os.path.join(ROOT, "web", "assets")) if p.endswith(".css")]
        self.assertTrue(css)
        status, headers, _ = self.node.request("GET", "/assets/" + css[0])
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/css; charset=utf-8")
        for bad in ("/assets/nope.css", "/assets/../yiwang.conf", "/assets/%2e%2e/node.key",
                    "/assets//etc/passwd"):
            status, _, data = self.node.request("GET", bad)
            self.assertEqual(status, 404, bad)

    def test_one_log_line_per_request_without_query(self):
        marker = "/v1/health?id_number=110101199003074477"
        self.node.request("GET", marker)
        self.node.request("GET", "/v1/health")
        import time
        time.sleep(0.3)
        text = "".join(self.node.stderr_lines)
        self.assertNotIn("110101199003074477", text)
        records = [r for r in self.node.log_records() if r.get("msg") == "request"]
        self.assertTrue(records)
        for r in records:
            for key in ("ts", "level", "id", "method", "path", "status", "ms", "remote"):
                self.assertIn(key, r)
        self.assertTrue(any(r["path"] == "/v1/health" and r["status"] == 200 for r in records))

    def test_authorisation_matrix_walks_the_route_table(self):
        """Every route, as the anonymous principal: public ones answer, the rest
        answer 401. A route added to the table is covered here automatically."""
        r = harness.run_cli("routes")
        asset = sorted(os.listdir(os.path.join(ROOT, "web", "assets")))[0]
        before = self.node.db.snapshot()
        seen = 0
        for line in r.stdout.splitlines():
            method, pattern, permission = line.split()[:3]
            path = pattern.replace("*", asset)
            body = b"{}" if method != "GET" else None
            status, _, data = self.node.request(method, path, body=body,
                                                headers={"Content-Type": "application/json"})
            with self.subTest(method=method, path=path):
                if permission == "public":  # answered (perhaps 400 for missing parameters)
                    self.assertNotIn(status, (401, 403), data[:200])
                    self.assertLess(status, 500, data[:200])
                else:
                    self.assertError(status, data, 401, "unauthenticated")
            seen += 1
        self.assertGreaterEqual(seen, 8)
        self.assertEqual(self.node.db.snapshot(), before)

    def test_private_key_never_served(self):
        with open(os.path.join(self.node.dir, "node.key"), "rb") as f:
            key_pem = f.read()
        body = b"".join(l for l in key_pem.splitlines() if not l.startswith(b"-----"))
        for path in ("/v1/node", "/v1/health", "/metrics", "/"):
            _, _, data = self.node.request("GET", path)
            self.assertNotIn(body[:40], data)
        self.assertNotIn(body[:40].decode(), "".join(self.node.stderr_lines))


if __name__ == "__main__":
    harness.main()
