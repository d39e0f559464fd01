"""Accounts, roles and the power list through the command line: kinds and
their organisations, the strength rule, roles that fit, generated passwords
shown once and never stored or ledgered in clear, masked identity numbers."""
import base64
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def fictional_id(body17):
    """A GB 11643 number for a made-up person: a real county code, an invented
    birth date and sequence, and the check character computed here."""
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS))
    return body17 + "10X98765432"[total % 11]


CITIZEN_ID = fictional_id("11010119900307123")
PASSWORD = "Qinglan-Portal-2026!"


class Accounts(harness.unittest.TestCase):
    def setUp(self):
        self.node = Node(profile="intl", origin="yiwang.test/accounts")
        for args in (["--code", "ql.dsj", "--name", "青岚省大数据管理局", "--level", "province",
                      "--division", "110000", "--kind", "data_authority"],
                     ["--code", "ql.partner", "--name", "青岚数链科技有限公司", "--level", "province",
                      "--division", "110000", "--kind", "enterprise_partner",
                      "--uscc", "91350100M000100Y43"]):
            r = run_cli("org", "add", *args, "--dir", self.node.dir)
            self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        self.node.close()

    def account(self, *args, password=None):
        env = None
        cmd = [harness.BINARY, "account", *args, "--dir", self.node.dir]
        if password is not None:
            cmd.append("--password-stdin")
        return subprocess.run(cmd, input=(password or "") + "\n", capture_output=True, text=True,
                              timeout=60, env=env)

    def test_kinds_roles_and_secrets(self):
        r = self.account("add", "--kind", "staff", "--login", "wang.xm", "--name", "王晓明",
                         "--org", "ql.dsj", "--role", "cdo", "--role", "data_steward",
                         "--mobile", "13800138000", password=PASSWORD)
        self.assertEqual(r.returncode, 0, r.stderr)
        # A generated password is shown once and works as a password should.
        r = self.account("add", "--kind", "enterprise_operator", "--login", "li.op", "--name",
                         "李经办", "--org", "ql.partner")
        self.assertEqual(r.returncode, 0, r.stderr)
        generated = r.stdout.strip().split(": ")[-1]
        self.assertGreaterEqual(len(generated), 12)
        r = self.account("add", "--kind", "citizen", "--name", "张三",
                         "--id-number", CITIZEN_ID.lower(), password="Zhang-San-Says-Hi-88")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(CITIZEN_ID[:6] + "********" + CITIZEN_ID[-4:], r.stdout)

        accounts = {a["login"]: a for a in json.loads(self.account("list").stdout)}
        self.assertEqual(accounts["wang.xm"]["roles"], ["cdo", "data_steward"])
        self.assertEqual(accounts["li.op"]["roles"], ["enterprise_operator"])
        masked = CITIZEN_ID[:6] + "********" + CITIZEN_ID[-4:]
        self.assertEqual(accounts[masked]["roles"], ["citizen"])
        self.assertNotIn(CITIZEN_ID, self.account("list").stdout)

        # Roles take effect at once and must fit the kind.
        self.assertEqual(self.account("grant", "--login", "wang.xm", "--role", "auditor").returncode, 0)
        self.assertEqual(self.account("revoke", "--login", "wang.xm", "--role", "cdo").returncode, 0)
        self.assertEqual(json.loads(self.account("show", "--login", "wang.xm").stdout)[0]["roles"],
                         ["auditor", "data_steward"])
        r = self.account("grant", "--login", "li.op", "--role", "approver")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = self.account("revoke", "--login", "wang.xm", "--role", "cdo")
        self.assertEqual(r.returncode, 1, r.stderr)
        r = self.account("disable", "--login", "li.op", "--reason", "合同到期")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.account("grant", "--login", "li.op", "--role",
                                      "enterprise_operator").returncode, 1)

        # No password, generated or chosen, and no full identity number is kept in clear.
        secrets = [PASSWORD, generated, "Zhang-San-Says-Hi-88"]
        rows = json.dumps(self.node.db.snapshot(), default=str, ensure_ascii=False)
        for secret in secrets:
            self.assertNotIn(secret, rows)
        self.assertIn("$argon2id$v=19$", rows)
        self.node.start()
        try:
            status, _, data = self.node.request("GET", "/v1/ledger/entries?start=0")
            entries = [base64.b64decode(e["leaf"]).decode() for e in json.loads(data)["entries"]]
        finally:
            self.assertEqual(self.node.stop(), 0)
        ledger = "\n".join(entries)
        for secret in secrets + [CITIZEN_ID, "argon2"]:
            self.assertNotIn(secret, ledger)
        types = [json.loads(e)["type"] for e in entries]
        self.assertEqual(types.count("account.create"), 3)
        self.assertIn("account.grant", types)
        self.assertIn("account.revoke", types)
        self.assertIn("account.disable", types)
        self.assertEqual(run_cli("ledger", "verify", "--dir", self.node.dir).returncode, 0)

    def test_refusals_change_nothing(self):
        before = self.node.db.snapshot()
        cases = [
            (["--kind", "staff", "--login", "weak", "--name", "弱", "--org", "ql.dsj"], "password1234"),
            (["--kind", "staff", "--login", "x", "--name", "短", "--org", "ql.dsj"], PASSWORD),
            (["--kind", "staff", "--login", "no.org", "--name", "无"], PASSWORD),
            (["--kind", "staff", "--login", "in.partner", "--name", "错", "--org", "ql.partner"], PASSWORD),
            (["--kind", "enterprise_operator", "--login", "op", "--name", "错", "--org", "ql.dsj"], PASSWORD),
            (["--kind", "staff", "--login", "bad.role", "--name", "错", "--org", "ql.dsj",
              "--role", "citizen"], PASSWORD),
            (["--kind", "citizen", "--name", "错", "--id-number", CITIZEN_ID[:-1] + "0"], PASSWORD),
            (["--kind", "staff", "--login", "bad.mobile", "--name", "错", "--org", "ql.dsj",
              "--mobile", "110"], PASSWORD),
            (["--kind", "robot", "--login", "robot", "--name", "错", "--org", "ql.dsj"], PASSWORD),
        ]
        for args, password in cases:
            with self.subTest(args=args):
                r = self.account("add", *args, password=password)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertNotIn(password, r.stderr)
        self.assertEqual(self.node.db.snapshot(), before)

    def test_power_list(self):
        d = self.node.dir
        self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                 "catalog.publish").returncode, 0)
        r = run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action", "catalog.publish")
        self.assertEqual(r.returncode, 1, r.stderr)  # held already
        for bad in ("Catalog.Publish", "publish", "a..b", ".x.y"):
            self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                     bad).returncode, 2, bad)
        self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                 "catalog.publish", "--revoke").returncode, 0)
        self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                 "catalog.publish", "--revoke").returncode, 1)


if __name__ == "__main__":
    harness.main()
