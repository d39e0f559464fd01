"""The data sandbox (数据沙箱) against the real binary: aggregates only, groups
below k suppressed (exactly at the boundary), sums, averages, minima and maxima
as exact decimals, filters, the grant's fields, refusals ledgered, Laplace
noise and its privacy budget, and one ledger entry per answered query that
never holds a filter's value.

The cast: the demo province (`yiwang demo`). Its 民政厅 (ql.mzt) provides
城乡社区基本信息 (210001/000001) and its data authority (ql.dsj) 公共信用综合评价
信息 (208001/000001), both shared unconditionally; the 公安厅 (ql.gat) runs
analysis systems, each with its own API key and grant."""
import base64
import collections
import decimal
import hashlib
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

COMMUNITY = "210001/000001"  # sqdm (key) sqmc xzqhdm sqlx hs(I) hjrks(I) bgdz bgdh
CREDIT = "208001/000001"     # tyshxydm (key) ztmc pjnd(I) zhpjfs(N) pjdj pjrq(D)
K = 10
PURPOSE = "全省城乡社区人口结构统计分析"
COMMUNITY_FIELDS = ["sqdm", "sqmc", "xzqhdm", "sqlx", "hs", "hjrks"]  # not bgdz, bgdh
CREDIT_FIELDS = ["tyshxydm", "pjnd", "zhpjfs", "pjdj", "pjrq"]
DISTRICTS = ["110101", "110102", "110105"]
# Community names used as filter values: they must never reach the ledger.
SECRET_NAMES = ["青岚幸福里社区", "青岚望江苑社区", "青岚梧桐巷社区"]
D = decimal.Decimal


def community_records():
    """45 communities: type 1 has exactly K, type 2 has K-1, type 3 has 25 (three without
    hs), type 4 has one."""
    rng = random.Random(20261127)
    rows = []
    n = 0
    for sqlx, count in (("1", K), ("2", K - 1), ("3", 25), ("4", 1)):
        for i in range(count):
            n += 1
            name = SECRET_NAMES[n % 3] if n <= 3 else "社区%03d" % n
            hs = "" if (sqlx == "3" and i < 3) else str(rng.randint(100, 5000))
            rows.append({"sqdm": "3501%08d" % n, "sqmc": name, "xzqhdm": DISTRICTS[n % 3],
                         "sqlx": sqlx, "hs": hs, "hjrks": str(rng.randint(300, 15000))})
    return rows


def credit_records():
    """30 enterprises: grade A 12 (one without a score), B 11, C 7; scores with one or
    two decimals, the same value always written the same way."""
    rng = random.Random(7)
    rows = []
    n = 0
    for grade, count in (("A", 12), ("B", 11), ("C", 7)):
        for i in range(count):
            n += 1
            cents = rng.randint(6000, 9999)
            score = ("%d.%d" % (cents // 100, cents % 100 // 10) if cents % 10 == 0
                     else "%d.%02d" % (cents // 100, cents % 100))
            rows.append({"tyshxydm": "91350100MA%08d" % n, "pjnd": str(2023 + n % 2),
                         "zhpjfs": "" if (grade == "A" and i == 0) else score, "pjdj": grade,
                         "pjrq": "2024-%02d-%02d" % (1 + n % 12, 1 + n % 28)})
    return rows


def write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(columns) + "\n")
        for r in rows:
            f.write(",".join(r[c] for c in columns) + "\n")


class Sandbox(harness.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = Node(init=False)
        try:
            d = cls.node.dir
            args = ["demo", "--dir", d]
            if cls.node.db.url:
                args += ["--db", cls.node.db.url]
            # Not run_cli: the demo hashes a password per account, which takes more than
            # run_cli's minute under the sanitizers on PostgreSQL.
            r = subprocess.run([harness.BINARY, *args], capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=600)
            assert r.returncode == 0, r.stderr
            cls.keys = {}
            for name in ("analysis", "noisy", "records_only", "limited", "no_budget", "narrow"):
                r = run_cli("key", "create", "--dir", d, "--name", "统计系统-" + name, "--org",
                            "ql.gat", "--role", "data_steward")
                assert r.returncode == 0, r.stderr
                token = re.search(r"(ywk_[0-9a-f]{16})\.[0-9a-f]{64}", r.stdout)
                cls.keys[name] = (token.group(0), token.group(1))
            cls.community = community_records()
            cls.credit = credit_records()
            tmp = tempfile.mkdtemp(dir=cls.node.workdir)
            for code, columns, rows in (
                    (COMMUNITY, ["sqdm", "sqmc", "xzqhdm", "sqlx", "hs", "hjrks"], cls.community),
                    (CREDIT, ["tyshxydm", "pjnd", "zhpjfs", "pjdj", "pjrq"], cls.credit)):
                path = os.path.join(tmp, code.replace("/", "_") + ".csv")
                write_csv(path, columns, rows)
                r = run_cli("exchange", "load", "--dir", d, "--resource", code, path)
                assert r.returncode == 0, r.stderr
            cls.node.start()
            cls.profile = cls.node.get_json("/v1/node")[1].get("profile", "gm")
            cls.grants = {
                "analysis": cls.apply("analysis", COMMUNITY, COMMUNITY_FIELDS),
                "analysis_credit": cls.apply("analysis", CREDIT, CREDIT_FIELDS),
                "noisy": cls.apply("noisy", COMMUNITY, COMMUNITY_FIELDS, epsilon_milli=20000),
                "records_only": cls.apply("records_only", COMMUNITY, COMMUNITY_FIELDS,
                                          kind="records"),
                "limited": cls.apply("limited", COMMUNITY, COMMUNITY_FIELDS, total_uses=3),
                "no_budget": cls.apply("no_budget", COMMUNITY, COMMUNITY_FIELDS),
                "narrow": cls.apply("narrow", COMMUNITY, ["sqlx", "hs"]),
            }
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.node.stop() == 0
            r = run_cli("ledger", "verify", "--dir", cls.node.dir)
            assert r.returncode == 0, r.stderr
        finally:
            cls.node.close()

    # ---- helpers ------------------------------------------------------------

    @classmethod
    def call_as(cls, key, method, path, body=None):
        return cls.node.call(method, path, body, token=cls.keys[key][0])

    @classmethod
    def apply(cls, key, code, fields, kind="sandbox", **conditions):
        body = {"resource": code, "kind": kind, "key_id": cls.keys[key][1], "fields": fields,
                "purpose": PURPOSE, "scenario": "按社区类型统计户数和户籍人口，支撑基层治理",
                "valid_from": "2020-01-01", "valid_to": "2099-12-31"}
        body.update(conditions)
        status, answer = cls.call_as(key, "POST", "/v1/exchange/applications", body)
        assert status == 201 and answer["status"] == "approved", answer
        return answer["grant"]

    def aggregate(self, key, body, code=COMMUNITY, status=200):
        got, answer = self.call_as(key, "POST", "/v1/exchange/resources/%s/aggregate" % code, body)
        self.assertEqual(got, status, answer)
        return answer

    def refused(self, key, body, status, code, field, resource=COMMUNITY):
        answer = self.aggregate(key, body, resource, status)
        self.assertEqual(set(answer), {"error"}, answer)
        self.assertEqual(answer["error"]["code"], code, answer)
        self.assertEqual(answer["error"].get("field"), field, answer)
        self.assertTrue(answer["error"]["message"])
        return answer

    def ledger(self, start=0):
        out = []
        while True:
            status, page = self.node.get_json("/v1/ledger/entries?start=%d" % (start + len(out)))
            if status == 400 and page["error"].get("field") == "start":
                return out  # start is the tree size: read to the end
            self.assertEqual(status, 200, page)
            if not page["entries"]:
                return out
            out += [json.loads(base64.b64decode(e["leaf"])) for e in page["entries"]]

    def ledger_size(self):
        return len(self.ledger())

    def digest(self, answer):
        body = {k: v for k, v in answer.items() if k not in ("ledger_index", "digest")}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        algorithm = "sha256" if self.profile == "intl" else "sm3"
        return hashlib.new(algorithm, canonical.encode()).hexdigest()

    def by_key(self, answer, column):
        return {g["key"][column]: g for g in answer["groups"]}

    # ---- the tests ----------------------------------------------------------

    def test_counts_and_k_at_the_boundary(self):
        answer = self.aggregate("analysis", {"group_by": ["sqlx"], "measures": [{"op": "count"}]})
        self.assertEqual(answer["k"], K)
        self.assertEqual(answer["resource"], COMMUNITY)
        self.assertEqual(answer["grant"], self.grants["analysis"])
        self.assertIsNone(answer["noise"])
        self.assertEqual(answer["skipped"], 0)
        # Type 1 has exactly K (shown), type 2 K-1 and type 4 one (suppressed).
        self.assertEqual([g["key"] for g in answer["groups"]], [{"sqlx": "1"}, {"sqlx": "3"}])
        self.assertEqual([g["count"] for g in answer["groups"]], [K, 25])
        self.assertEqual(answer["suppressed"], 2)
        self.assertEqual(answer["digest"], self.digest(answer))
        self.assertIsInstance(answer["ledger_index"], int)

        # Without group_by the one group obeys k too: K-1 records are not shown, K are.
        only_2 = {"filters": [{"column": "sqlx", "op": "eq", "value": "2"}]}
        answer = self.aggregate("analysis", only_2)
        self.assertEqual((answer["groups"], answer["suppressed"]), ([], 1))
        only_1 = {"filters": [{"column": "sqlx", "op": "eq", "value": "1"}]}
        answer = self.aggregate("analysis", only_1)
        self.assertEqual(answer["groups"], [{"key": {}, "count": K}])
        self.assertEqual(answer["suppressed"], 0)
        # Nothing matching is one group of zero: suppressed.
        none = {"filters": [{"column": "sqlx", "op": "eq", "value": "9"}]}
        self.assertEqual(self.aggregate("analysis", none)["suppressed"], 1)

        # Two columns: every (district, type) cell of type 3 has 8 or 9 members, below k.
        answer = self.aggregate("analysis", {"group_by": ["xzqhdm", "sqlx"]})
        cells = collections.Counter((r["xzqhdm"], r["sqlx"]) for r in self.community)
        self.assertEqual(answer["groups"], [])
        self.assertEqual(answer["suppressed"], len(cells))

    def test_sums_averages_extremes(self):
        measures = [{"op": "count"}, {"op": "sum", "column": "hjrks"},
                    {"op": "avg", "column": "hs"}, {"op": "min", "column": "hs"},
                    {"op": "max", "column": "hjrks"}, {"op": "sum", "column": "hs"}]
        answer = self.aggregate("analysis", {"group_by": ["sqlx"], "measures": measures})
        groups = self.by_key(answer, "sqlx")
        self.assertEqual(sorted(groups), ["1", "3"])
        skipped = 0
        for sqlx, g in groups.items():
            rows = [r for r in self.community if r["sqlx"] == sqlx]
            hs = [int(r["hs"]) for r in rows if r["hs"]]
            skipped += len(rows) - len(hs)
            self.assertEqual(g["count"], len(rows))
            self.assertEqual(g["sum_hjrks"], str(sum(int(r["hjrks"]) for r in rows)))
            self.assertEqual(g["sum_hs"], str(sum(hs)))
            self.assertAlmostEqual(float(g["avg_hs"]), sum(hs) / len(hs), places=3)
            self.assertEqual(g["min_hs"], str(min(hs)))
            self.assertEqual(g["max_hjrks"], str(max(int(r["hjrks"]) for r in rows)))
        self.assertEqual(skipped, 3)
        self.assertEqual(answer["skipped"], 3)

        # Decimals stay exact; a date column has its minimum and maximum.
        measures = [{"op": "sum", "column": "zhpjfs"}, {"op": "avg", "column": "zhpjfs"},
                    {"op": "min", "column": "zhpjfs"}, {"op": "max", "column": "zhpjfs"},
                    {"op": "min", "column": "pjrq"}, {"op": "max", "column": "pjrq"}]
        answer = self.aggregate("analysis", {"group_by": ["pjdj"], "measures": measures},
                                code=CREDIT)
        groups = self.by_key(answer, "pjdj")
        self.assertEqual(sorted(groups), ["A", "B"])
        self.assertEqual(answer["suppressed"], 1)  # grade C: 7 enterprises
        self.assertEqual(answer["skipped"], 1)     # the A without a score, once per column
        for grade, g in groups.items():
            rows = [r for r in self.credit if r["pjdj"] == grade]
            scores = [r["zhpjfs"] for r in rows if r["zhpjfs"]]
            total = sum(D(s) for s in scores)
            self.assertEqual(g["sum_zhpjfs"], str(total))
            self.assertAlmostEqual(float(g["avg_zhpjfs"]), float(total / len(scores)), places=4)
            self.assertEqual(g["min_zhpjfs"], min(scores, key=D))
            self.assertEqual(g["max_zhpjfs"], max(scores, key=D))
            self.assertEqual(g["min_pjrq"], min(r["pjrq"] for r in rows))
            self.assertEqual(g["max_pjrq"], max(r["pjrq"] for r in rows))
        self.assertEqual(answer["digest"], self.digest(answer))

    def test_filters(self):
        def expect(filters, rows_filter, group_by="sqlx"):
            answer = self.aggregate("analysis", {"group_by": [group_by], "filters": filters})
            want = collections.Counter(r[group_by] for r in self.community if rows_filter(r))
            shown = {k: n for k, n in want.items() if n >= K}
            self.assertEqual({g["key"][group_by]: g["count"] for g in answer["groups"]}, shown,
                             filters)
            self.assertEqual(answer["suppressed"], len(want) - len(shown), filters)
            return answer

        expect([{"column": "xzqhdm", "op": "eq", "value": "110105"}],
               lambda r: r["xzqhdm"] == "110105", group_by="sqlx")
        expect([{"column": "sqlx", "op": "in", "values": ["1", "3", "7"]}],
               lambda r: r["sqlx"] in ("1", "3"), group_by="xzqhdm")
        # Numeric columns compare as numbers (given as numbers or as text), both ends included.
        hs = sorted(int(r["hs"]) for r in self.community if r["hs"])
        low, high = hs[5], hs[-6]
        expect([{"column": "hs", "op": "range", "from": low, "to": str(high)}],
               lambda r: r["hs"] and low <= int(r["hs"]) <= high, group_by="sqlx")
        expect([{"column": "hs", "op": "range", "from": "%d.0" % low}],
               lambda r: r["hs"] and int(r["hs"]) >= low, group_by="xzqhdm")
        expect([{"column": "hs", "op": "in", "values": [hs[0], hs[1], str(hs[2]), 1.5]}],
               lambda r: r["hs"] and int(r["hs"]) in hs[:3], group_by="sqlx")
        # Text ranges are in code point order; several filters all apply.
        expect([{"column": "xzqhdm", "op": "range", "from": "110102", "to": "110105"},
                {"column": "sqlx", "op": "in", "values": ["3"]}],
               lambda r: "110102" <= r["xzqhdm"] <= "110105" and r["sqlx"] == "3",
               group_by="sqlx")
        # The secret names filter like any value.
        expect([{"column": "sqmc", "op": "in", "values": SECRET_NAMES}],
               lambda r: r["sqmc"] in SECRET_NAMES, group_by="sqlx")
        # Dates.
        answer = self.aggregate("analysis", {
            "group_by": ["pjdj"],
            "filters": [{"column": "pjrq", "op": "range", "from": "2024-03-01", "to": "2024-12-31"}]},
            code=CREDIT)
        want = collections.Counter(r["pjdj"] for r in self.credit
                                   if "2024-03-01" <= r["pjrq"] <= "2024-12-31")
        self.assertEqual({g["key"]["pjdj"]: g["count"] for g in answer["groups"]},
                         {k: n for k, n in want.items() if n >= K})

    def test_bad_queries(self):
        cases = [
            ({"group_by": ["bgdz"]}, "group_by"),                       # not granted
            ({"measures": [{"op": "sum", "column": "bgdh"}]}, "measures"),
            ({"filters": [{"column": "bgdz", "op": "eq", "value": "x"}]}, "filters"),
            ({"measures": [{"op": "sum", "column": "sqmc"}]}, "measures"),  # text
            ({"measures": [{"op": "min", "column": "sqmc"}]}, "measures"),
            ({"measures": [{"op": "median", "column": "hs"}]}, "measures"),
            ({"measures": [{"op": "count", "column": "hs"}]}, "measures"),
            ({"measures": [{"op": "sum"}]}, "measures"),
            ({"measures": []}, "measures"),
            ({"measures": [{"op": "count"}] * 11}, "measures"),
            ({"group_by": ["sqlx", "sqlx"]}, "group_by"),
            ({"group_by": ["sqdm", "sqmc", "xzqhdm", "sqlx", "hs", "hjrks"]}, "group_by"),
            ({"group_by": "sqlx"}, "group_by"),
            ({"filters": [{"column": "sqlx", "op": "eq", "value": "1"}] * 11}, "filters"),
            ({"filters": [{"column": "sqlx", "op": "in", "values": [str(i) for i in range(1001)]}]},
             "filters"),
            ({"filters": [{"column": "sqlx", "op": "in", "values": []}]}, "filters"),
            ({"filters": [{"column": "sqlx", "op": "like", "value": "1"}]}, "filters"),
            ({"filters": [{"column": "hs", "op": "eq", "value": "many"}]}, "filters"),
            ({"filters": [{"column": "sqlx", "op": "range"}]}, "filters"),
            ({"filters": [{"column": "sqlx", "op": "eq"}]}, "filters"),
            ({"epsilon_milli": 0}, "epsilon_milli"),
            ({"epsilon_milli": "1000"}, "epsilon_milli"),
            ({"epsilon_milli": 1000, "measures": [{"op": "max", "column": "hs"}]}, "measures"),
            ({"limit": 5}, "limit"),                                    # unknown members
            ({"measures": [{"op": "sum", "column": "hs", "round": 2}]}, "round"),
            ({"filters": [{"column": "sqlx", "op": "eq", "value": "1", "values": ["2"]}]},
             "values"),
        ]
        before = self.ledger_size()
        for body, field in cases:
            with self.subTest(body=body):
                answer = self.refused("analysis", body, 400, "invalid", field)
                if field in ("limit", "round", "values"):
                    self.assertIn(field, answer["error"]["message"])
        # A grant narrowed to two columns refuses the others.
        self.refused("narrow", {"group_by": ["xzqhdm"]}, 400, "invalid", "group_by")
        self.aggregate("narrow", {"group_by": ["sqlx"], "measures": [{"op": "avg", "column": "hs"}]})
        # Bad queries are not uses: nothing was ledgered for them.
        self.assertEqual([e["type"] for e in self.ledger(before)], ["exchange.sandbox"])

    def test_refusals_are_ledgered(self):
        before = self.ledger_size()
        # A records grant is not a sandbox grant.
        self.refused("records_only", {"group_by": ["sqlx"]}, 403, "forbidden", "no_grant")
        # Nor does the analysis system hold one for another resource.
        self.refused("analysis", {}, 403, "forbidden", "no_grant", resource="101001/000002")
        # A purpose other than the grant's.
        self.refused("analysis", {"purpose": "别的用途"}, 403, "forbidden", "purpose")
        # The grant's uses run out.
        for _ in range(3):
            self.aggregate("limited", {"group_by": ["sqlx"]})
        self.refused("limited", {"group_by": ["sqlx"]}, 403, "forbidden", "quota")
        # Noise needs a budget.
        self.refused("no_budget", {"epsilon_milli": 100}, 403, "forbidden", "privacy_budget")
        entries = self.ledger(before)
        refusals = [e for e in entries if e["type"] == "exchange.refusal"]
        self.assertEqual([e["reason"] for e in refusals],
                         ["no_grant", "no_grant", "purpose", "quota", "privacy_budget"])
        for e in refusals:
            self.assertEqual((e["kind"], e["consumer"]), ("sandbox", "ql.gat"))
            self.assertTrue(e["actor"].startswith("key:ywk_"))
        self.assertEqual(refusals[0]["system"], self.keys["records_only"][1])
        self.assertIsNone(refusals[0].get("grant"))
        self.assertEqual(refusals[3]["grant"], self.grants["limited"])
        self.assertEqual(sum(e["type"] == "exchange.sandbox" for e in entries), 3)

        # A signed-in person is not a system: the sandbox answers systems only.
        status, _, data = self.node.request(
            "POST", "/v1/exchange/resources/%s/aggregate" % COMMUNITY, body=b"{}",
            headers={"Content-Type": "application/json"})
        self.assertIn(status, (401, 403), data)

    def test_noise_and_budget(self):
        """ε = 0.5 a query against a budget of 20: forty answers, then none."""
        body = {"group_by": ["sqlx"], "epsilon_milli": 500}
        with_sums = dict(body, measures=[{"op": "count"}, {"op": "sum", "column": "hjrks"},
                                         {"op": "avg", "column": "hjrks"}])
        bound = max(int(r["hjrks"]) for r in self.community)
        # The count alone has all of ε = 0.5: Laplace scale 2. With a sum and an average
        # ε/3 goes each to the count, the sum and the average's count of values: scale 6
        # for the count, 6·bound for the sum. A bound of 20 scales fails with p ≈ 2e-9.
        diffs, sum_diffs = [], []
        before = self.ledger_size()
        for i in range(40):
            sums = i % 4 == 0
            answer = self.aggregate("noisy", with_sums if sums else body)
            self.assertEqual(answer["noise"], {"epsilon_milli": 500})
            self.assertIsNone(answer["skipped"])
            # Which groups appear follows the true counts: k stays exact.
            self.assertEqual([g["key"]["sqlx"] for g in answer["groups"]], ["1", "3"])
            self.assertEqual(answer["suppressed"], 2)
            self.assertEqual(answer["digest"], self.digest(answer))
            for g in answer["groups"]:
                rows = [r for r in self.community if r["sqlx"] == g["key"]["sqlx"]]
                self.assertIsInstance(g["count"], int)
                self.assertGreaterEqual(g["count"], 0)  # never negative
                scale = 6 if sums else 2
                self.assertLessEqual(abs(g["count"] - len(rows)), 20 * scale, g)
                if not sums:
                    diffs.append(g["count"] - len(rows))
                    self.assertEqual(set(g), {"key", "count"})
                    continue
                true_sum = sum(int(r["hjrks"]) for r in rows)
                self.assertRegex(g["sum_hjrks"], r"^-?\d+$")  # an integer column's decimals
                sum_diffs.append(int(g["sum_hjrks"]) - true_sum)
                self.assertLess(abs(sum_diffs[-1]), 20 * 6 * bound, g)
                float(g["avg_hjrks"])
        # The counts move, but not one way: 60 draws of Laplace(2) average within ±2
        # (5.5 standard deviations).
        self.assertTrue(any(diffs) and any(sum_diffs), (diffs, sum_diffs))
        self.assertLess(abs(sum(diffs) / len(diffs)), 2.0, diffs)

        # The budget is spent: noise is refused, counting without noise still works.
        self.refused("noisy", body, 403, "forbidden", "privacy_budget")
        self.refused("noisy", dict(body, epsilon_milli=1), 403, "forbidden", "privacy_budget")
        self.assertIsNone(self.aggregate("noisy", {"group_by": ["sqlx"]})["noise"])
        entries = [e for e in self.ledger(before) if e["type"] == "exchange.sandbox"]
        self.assertEqual(len(entries), 41)
        self.assertEqual(sum(e["epsilon_micro"] for e in entries), 20000 * 1000)
        self.assertTrue(all(e["grant"] == self.grants["noisy"] for e in entries))

        # The spent budget survives a restart (the counts come back from their snapshot and the ledger).
        self.assertEqual(self.node.stop(), 0)
        self.node.start()
        self.refused("noisy", body, 403, "forbidden", "privacy_budget")

    def test_ledger_holds_each_query_without_filter_values(self):
        before = self.ledger_size()
        queries = [
            {"group_by": ["sqlx"], "filters": [{"column": "sqmc", "op": "in", "values": SECRET_NAMES}]},
            {"filters": [{"column": "sqmc", "op": "eq", "value": SECRET_NAMES[0]},
                         {"column": "hs", "op": "range", "from": 4321, "to": 4987}],
             "measures": [{"op": "count"}, {"op": "sum", "column": "hs"}]},
            {"group_by": ["xzqhdm", "sqlx"], "measures": [{"op": "min", "column": "hjrks"}]},
        ]
        answers = [self.aggregate("analysis", q) for q in queries]
        entries = self.ledger(before)
        self.assertEqual([e["type"] for e in entries], ["exchange.sandbox"] * 3)
        text = json.dumps(entries, ensure_ascii=False)
        for name in SECRET_NAMES:
            self.assertNotIn(name, text)
        for q, answer, e in zip(queries, answers, entries):
            self.assertEqual(before + queries.index(q), answer["ledger_index"])
            self.assertEqual(e["digest"], answer["digest"])
            self.assertEqual(e["grant"], self.grants["analysis"])
            self.assertEqual((e["consumer"], e["provider"], e["resource"]),
                             ("ql.gat", "ql.mzt", COMMUNITY))
            self.assertEqual(e["system"], self.keys["analysis"][1])
            self.assertEqual(e["purpose"], PURPOSE)
            self.assertEqual(e["epsilon_micro"], 0)
            self.assertEqual(e["groups"], len(answer["groups"]))
            self.assertEqual(e["suppressed"], answer["suppressed"])
            self.assertIsInstance(e["day"], int)
            self.assertEqual(e["query"]["group_by"], q.get("group_by", []))
            self.assertEqual(e["query"]["filters"],
                             [{"column": f["column"], "op": f["op"]} for f in q.get("filters", [])])
            self.assertEqual(e["query"]["measures"], q.get("measures", [{"op": "count"}]))
        # The uses are counted on the grant.
        status, body = self.call_as("analysis", "GET", "/v1/exchange/grants")
        self.assertEqual(status, 200, body)
        grant = [g for g in body["grants"] if g["id"] == self.grants["analysis"]][0]
        self.assertGreaterEqual(grant["used"]["uses"], 3)
        self.assertEqual(grant["used"]["records"], 0)


if __name__ == "__main__":
    harness.main()
