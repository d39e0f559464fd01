"""Organisations through the command line, on a stopped and on a running node:
checks, the tree, history, ledger entries naming the actor, refusals that
change nothing."""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

# Fictional organisations; the USCCs are valid by their check character only.
PROVINCE = ["--code", "ql.gov", "--name", "青岚省人民政府", "--level", "province",
            "--division", "110000", "--kind", "other"]
DSJ = ["--code", "ql.dsj", "--name", "青岚省大数据管理局", "--level", "province",
       "--division", "110000", "--kind", "data_authority", "--parent", "ql.gov",
       "--liaison", "王晓明", "--liaison-phone", "13800138000"]
CITY = ["--code", "ql.city", "--name", "青川市人民政府", "--level", "city",
        "--division", "110100", "--kind", "other", "--parent", "ql.gov"]


class Orgs(harness.unittest.TestCase):
    def setUp(self):
        self.node = Node(profile="intl", origin="yiwang.test/orgs")

    def tearDown(self):
        self.node.close()

    def org(self, *args):
        return run_cli("org", *args, "--dir", self.node.dir)

    def ledger_events(self):
        r = run_cli("ledger", "verify", "--dir", self.node.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.node.start()
        try:
            status, _, data = self.node.request("GET", "/v1/ledger/entries?start=0")
            return [json.loads(base64.b64decode(e["leaf"])) for e in json.loads(data)["entries"]]
        finally:
            self.assertEqual(self.node.stop(), 0)

    def test_tree_history_and_ledger(self):
        for args in (PROVINCE, DSJ, CITY):
            r = self.org("add", *args)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.org("list")
        orgs = {o["code"]: o for o in json.loads(r.stdout)}
        self.assertEqual(set(orgs), {"ql.gov", "ql.dsj", "ql.city"})
        self.assertEqual(orgs["ql.dsj"]["parent"], "ql.gov")
        self.assertEqual(orgs["ql.dsj"]["liaison"], "王晓明")
        # A city body cannot sit above... a province body cannot sit under a city.
        r = self.org("move", "--code", "ql.dsj", "--parent", "ql.city")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("rank above its parent", r.stderr)
        # Cycles are refused.
        r = self.org("move", "--code", "ql.gov", "--parent", "ql.city")
        self.assertNotEqual(r.returncode, 0)
        # A parent with active children cannot close; a leaf can, with a reason.
        r = self.org("close", "--code", "ql.gov", "--reason", "机构改革")
        self.assertEqual(r.returncode, 1, r.stderr)
        r = self.org("close", "--code", "ql.city", "--reason", "行政区划调整")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({o["code"] for o in json.loads(self.org("list").stdout)}, {"ql.gov", "ql.dsj"})
        self.assertIn("ql.city", {o["code"] for o in json.loads(self.org("list", "--all").stdout)})
        r = self.org("move", "--code", "ql.dsj", "--root")
        self.assertEqual(r.returncode, 0, r.stderr)
        shown = json.loads(self.org("show", "--code", "ql.dsj").stdout)
        self.assertIsNone(shown["parent"])
        self.assertEqual([h["change"] for h in shown["history"]], ["create", "move"])
        self.assertEqual(shown["history"][0]["org"]["parent"], "ql.gov")
        city = json.loads(self.org("show", "--code", "ql.city").stdout)
        self.assertEqual(city["status"], "closed")
        self.assertEqual(city["history"][-1]["reason"], "行政区划调整")
        events = [e for e in self.ledger_events() if e["type"].startswith("org.")]
        self.assertEqual([e["type"] for e in events],
                         ["org.create", "org.create", "org.create", "org.close", "org.move"])
        for e in events:
            self.assertTrue(e["actor"].startswith("cli:"))
        self.assertEqual(events[3]["reason"], "行政区划调整")

    def test_bad_input_changes_nothing(self):
        self.assertEqual(self.org("add", *PROVINCE).returncode, 0)
        before = self.node.db.snapshot()
        bad = [
            (["--code", "Bad Code"], "code"),
            (["--level", "village"], "level"),
            (["--kind", "ministry"], "kind"),
            (["--division", "999999"], "division"),
            (["--division", "11010"], "division"),
            (["--uscc", "91110000XXXXXXXX00"], "uscc"),
            (["--liaison-phone", "12345"], "liaison"),
            (["--parent", "no.such"], "parent"),
            (["--name", ""], "name"),
        ]
        base = dict(zip(DSJ[0::2], DSJ[1::2]))
        for change, word in bad:
            args = dict(base)
            args.update(zip(change[0::2], change[1::2]))
            flat = [x for kv in args.items() for x in kv]
            with self.subTest(change=change):
                r = self.org("add", *flat)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        # An enterprise partner needs a USCC; a taken code is refused.
        partner = ["--code", "ql.partner", "--name", "青岚数链科技有限公司", "--level", "province",
                   "--division", "110000", "--kind", "enterprise_partner"]
        self.assertNotEqual(self.org("add", *partner).returncode, 0)
        self.assertEqual(self.org("add", *PROVINCE).returncode, 1)
        self.assertEqual(self.node.db.snapshot(), before)

    def test_works_while_the_node_runs(self):
        self.node.start()
        try:
            r = self.org("add", *PROVINCE)
            self.assertEqual(r.returncode, 0, r.stderr)
            status, _, data = self.node.request("GET", "/v1/ledger/checkpoint")
            self.assertEqual(status, 200)
        finally:
            self.assertEqual(self.node.stop(), 0)
        self.assertEqual(run_cli("ledger", "verify", "--dir", self.node.dir).returncode, 0)


if __name__ == "__main__":
    harness.main()
