"""`yiwang demo`: the fictional province, an account per role whose printed
password signs in, a working API key, the one-stop services' items and cases,
a clean ledger; a second run refuses."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

ROLES = ["node_admin", "cdo", "data_steward", "approver", "window_clerk", "assistant",
         "supervisor", "auditor", "enterprise_operator", "citizen"]


class Demo(harness.unittest.TestCase):
    def test_demo_node(self):
        node = Node(init=False)
        try:
            args = ["demo", "--dir", node.dir]
            if node.db.url:
                args += ["--db", node.db.url]
            r = run_cli(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            creds = {}
            for line in r.stdout.splitlines():
                m = re.match(r"^  (\w+)\s+(\S+)\s+(\S+)$", line)
                if m:
                    creds[m.group(1)] = (m.group(2), m.group(3))
            self.assertEqual(sorted(creds), sorted(ROLES))
            token = re.search(r"(ywk_[0-9a-f]{16}\.[0-9a-f]{64})", r.stdout).group(1)

            orgs = json.loads(run_cli("org", "list", "--dir", node.dir).stdout)
            kinds = {o["kind"] for o in orgs}
            self.assertGreaterEqual(len(orgs), 17)
            self.assertEqual(kinds, {"other", "data_authority", "approval_bureau", "department",
                                     "supervision", "enterprise_partner"})
            self.assertEqual(len({o["division"] for o in orgs}), 3)  # a province and two cities
            self.assertTrue(all(o["uscc"] for o in orgs))

            node.start()
            for role, (login, password) in creds.items():
                body = json.dumps({"login": login, "password": password}).encode()
                status, _, data = node.request("POST", "/v1/auth/login", body=body,
                                               headers={"Content-Type": "application/json"})
                with self.subTest(role=role):
                    self.assertEqual(status, 200, data)
                    self.assertEqual(json.loads(data)["roles"], [role])
                    if role == "approver":  # 行政审批局's power list comes with the principal
                        self.assertEqual(json.loads(data)["powers"], ["case.accept", "case.approve"])
            status, _, data = node.request("GET", "/v1/auth/me",
                                           headers={"Authorization": "Bearer " + token})
            self.assertEqual((status, json.loads(data)["roles"]), (200, ["data_steward"]))
            status, _, data = node.request("GET", "/v1/node")
            self.assertIn("青岚", json.loads(data)["name"])
            self.assertEqual(node.stop(), 0)
            node.start()

            self.admin_api(node, creds)
            self.services(node, creds)
            self.assertEqual(node.stop(), 0)

            before = node.db.snapshot()
            r = run_cli("demo", "--dir", node.dir)
            self.assertEqual(r.returncode, 1, r.stderr)
            after = node.db.snapshot()  # large: compare without a diff of everything
            self.assertTrue(after == before,
                            [t for t in before if before[t] != after.get(t)])
            self.assertEqual(run_cli("ledger", "verify", "--dir", node.dir).returncode, 0)
        finally:
            node.close()


    def services(self, node, creds):
        """The one-stop services: public items, the citizen's cases in every state,
        materials obtained by sharing, two reviews (one bad, its rectification open),
        supervision tasks of the approved ones."""
        status, page = node.call("GET", "/v1/services/items?limit=100")
        self.assertEqual((status, page["total"]), (200, 20), page)
        status, page = node.call("GET", "/v1/services/items?q=%E7%BB%93%E5%A9%9A")  # 结婚
        self.assertIn("QR-00201-001", [i["code"] for i in page["items"]])
        citizen = node.sign_in(*creds["citizen"])
        status, page = node.call("GET", "/v1/services/cases", session=citizen)
        self.assertEqual(status, 200, page)
        self.assertEqual(sorted(c["state"] for c in page["cases"]),
                         sorted(["draft", "submitted", "accepted", "not_accepted",
                                 "supplement_requested", "under_review", "approved", "denied",
                                 "result_issued", "closed"]))
        status, case = node.call("GET", "/v1/services/cases/" + page["cases"][0]["id"],
                                 session=citizen)
        self.assertEqual([m["source"] for m in case["materials"]][:2], ["sharing", "sharing"])
        # 好差评: one very satisfied, one bad review with its rectification open (public).
        status, stats = node.call("GET", "/v1/services/stats/public?by=org")
        self.assertEqual((status, stats["total"]["count"], stats["total"]["bad"],
                          stats["total"]["rectifications"]["open"]), (200, 2, 1, 1), stats)
        self.assertNotIn(creds["citizen"][0], json.dumps(stats))
        tasks = json.loads(run_cli("services", "tasks", "--dir", node.dir).stdout)["tasks"]
        self.assertEqual([(t["supervisor_org"], t["state"]) for t in tasks],
                         [("ql.qc.scjg", "pushed")] * 3)

    def admin_api(self, node, creds):
        """The directory's admin API, used by the demo's admin and auditor."""
        def session(role):
            login, password = creds[role]
            status, headers, data = node.request(
                "POST", "/v1/auth/login", body=json.dumps({"login": login, "password": password}).encode(),
                headers={"Content-Type": "application/json"})
            self.assertEqual(status, 200)
            return {"Cookie": headers["set-cookie"].split(";")[0],
                    "X-CSRF-Token": json.loads(data)["csrf_token"], "Content-Type": "application/json"}

        admin, auditor = session("node_admin"), session("auditor")
        org = {"code": "ql.tjj", "name": "青岚省统计局", "level": "province", "division": "330000",
               "kind": "department", "parent": "ql.gov"}
        status, _, data = node.request("POST", "/v1/orgs", body=json.dumps(org).encode(), headers=admin)
        self.assertEqual(status, 201, data)
        self.assertEqual(json.loads(data)["parent"], "ql.gov")
        status, _, data = node.request("POST", "/v1/orgs", body=json.dumps(org).encode(), headers=admin)
        self.assertEqual(status, 409, data)
        account = {"kind": "staff", "login": "li.tjj", "name": "李统计", "org": "ql.tjj",
                   "roles": ["data_steward"], "password": "Statistics-Bureau-77"}
        status, _, data = node.request("POST", "/v1/accounts", body=json.dumps(account).encode(),
                                       headers=admin)
        self.assertEqual(status, 201, data)
        self.assertNotIn(b"Statistics-Bureau-77", data)
        self.assertEqual(json.loads(data)["roles"], ["data_steward"])
        status, _, data = node.request("POST", "/v1/accounts", body=json.dumps(account).encode(),
                                       headers=auditor)
        self.assertEqual(status, 403, data)
        status, _, data = node.request("GET", "/v1/accounts", headers=auditor)
        self.assertEqual(status, 200, data)
        self.assertIn("li.tjj", [a["login"] for a in json.loads(data)["accounts"]])
        key = {"name": "统计直报系统", "org": "ql.tjj", "roles": ["data_steward"]}
        status, _, data = node.request("POST", "/v1/keys", body=json.dumps(key).encode(), headers=admin)
        self.assertEqual(status, 201, data)
        token = json.loads(data)["token"]
        status, _, data = node.request("GET", "/v1/keys", headers=auditor)
        self.assertNotIn(token.split(".")[1].encode(), data)
        key_id = token.split(".")[0]
        status, _, _ = node.request("DELETE", "/v1/keys/%s" % key_id, headers=admin)
        self.assertEqual(status, 400)  # a reason is required
        status, _, _ = node.request("DELETE", "/v1/keys/%s?reason=retired" % key_id, headers=admin)
        self.assertEqual(status, 204)
        status, _, _ = node.request("GET", "/v1/auth/me", headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 401)
        # Roles, moves and closures over HTTP.
        def post(path, body, headers=admin):
            status, _, data = node.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            return status, json.loads(data) if data else None
        status, body = post("/v1/accounts/li.tjj/grant", {"role": "auditor"})
        self.assertEqual((status, body["roles"]), (200, ["auditor", "data_steward"]))
        self.assertEqual(post("/v1/accounts/li.tjj/grant", {"role": "citizen"})[0], 400)
        self.assertEqual(post("/v1/accounts/li.tjj/revoke", {"role": "auditor"})[0], 200)
        self.assertEqual(post("/v1/accounts/li.tjj/promote", {"role": "auditor"})[0], 404)
        self.assertEqual(post("/v1/accounts/li.tjj/disable", {"reason": "调离"})[1]["status"], "disabled")
        self.assertEqual(post("/v1/orgs/ql.tjj/move", {"parent": None})[1]["parent"], None)
        self.assertEqual(post("/v1/orgs/ql.tjj/move", {"parent": "ql.qc.gov"})[0], 400)  # a province body under a city
        self.assertEqual(post("/v1/orgs/ql.tjj/close", {})[0], 400)  # a reason is needed
        status, body = post("/v1/orgs/ql.tjj/close", {"reason": "机构改革"})
        self.assertEqual((status, body["status"]), (200, "closed"))
        self.assertEqual(post("/v1/orgs/ql.tjj/close", {"reason": "again"}, headers=auditor)[0], 403)


if __name__ == "__main__":
    harness.main()
