"""Data sharing and exchange (一网共享) against the real binary: applications and
their answers, every grant condition at its boundary, exact quotas under
concurrency and across kill -9, masking through real deliveries, ledger
entries one for one with deliveries, "who used my data" with proofs checked
by an RFC 9162 implementation of our own, lineage, and the providers' records.

The cast: a provider department P (ql.gat) with a data steward and an
approver; a consumer department C (ql.rst) with a data steward and its
systems (API keys); another department O (ql.mzt) with a steward and an
approver; the data authority (ql.dsj) whose CDO holds catalog.review and
exchange.arbitrate on its power list; an auditor; citizens whose identity
numbers appear in P's records. P publishes an unconditional resource (POP),
a conditional one (MOVE) and one that is not shared (SECRET), its fields
carrying data elements whose operators mask them."""
import base64
import datetime
import hashlib
import json
import os
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import rfc9162  # noqa: E402
from harness import Node, run_cli  # noqa: E402

PASSWORD = "Qinglan-Exchange-Tests-2026!"
HASH = {"intl": "sha256", "gm": "sm3"}
CHINA = datetime.timezone(datetime.timedelta(hours=8))
CALENDARS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "calendar")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def fictional_id(body17):
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS))
    return body17 + "10X98765432"[total % 11]


CITIZEN = fictional_id("11010119850612123")    # 110101198506121234, 张三
CITIZEN2 = fictional_id("11010519900305456")   # 11010519900305456X, 欧阳娜娜
PERSON3 = fictional_id("11010219781120789")    # 李四
PERSON4 = fictional_id("31010419920714321")    # 王五
NOBODY = fictional_id("44030519700101111")     # valid, in no record
IDS = (CITIZEN, CITIZEN2, PERSON3, PERSON4, NOBODY)
assert CITIZEN == "110101198506121234" and CITIZEN2.endswith("X")

DSJ, P, C, O, SJT = "ql.dsj", "ql.gat", "ql.rst", "ql.mzt", "ql.sjt"
ORGS = [
    (DSJ, "青岚省大数据管理局", "data_authority"),
    (P, "青岚省公安厅", "department"),
    (C, "青岚省人力资源和社会保障厅", "department"),
    (O, "青岚省民政厅", "department"),
    (SJT, "青岚省审计厅", "department"),
]
ORG_NAMES = {code: name for code, name, _ in ORGS}
STAFF = [
    ("cdo", DSJ, "cdo"),
    ("steward.p", P, "data_steward"),
    ("approver.p", P, "approver"),
    ("steward.c", C, "data_steward"),
    ("steward.o", O, "data_steward"),
    ("approver.o", O, "approver"),
    ("auditor", SJT, "auditor"),
]

POP = "101001/000001"     # 人口基础信息: unconditional
MOVE = "101001/000002"    # 户籍迁移信息: conditional
SECRET = "101001/000003"  # 特殊人员信息: not shared (不予共享)

ELEMENTS = [
    ("DE00001", "公民身份号码", "C", 18, "id_number"),
    ("DE00002", "姓名", "C", 50, "name"),
    ("DE00003", "手机号码", "C", 11, "mobile"),
    ("DE00004", "出生日期", "D", None, "year"),
    ("DE00005", "住址", "C", 200, "address"),
    ("DE00006", "电子邮箱", "C", 100, "email"),
    ("DE00007", "银行卡号", "C", 19, "bank_card"),
    ("DE00008", "社会保障卡号", "C", 20, "hash"),
    ("DE00009", "护照号码", "C", 9, "ends:1:2"),
    ("DE00010", "指纹特征", "C", 100, "null"),
]


def element_body(eid, name, data_type, length, mask):
    body = {"id": eid, "name": name, "definition": name + "：按国家标准编制的数据元（测试）",
            "data_type": data_type, "source_org": P, "mask": mask}
    if length is not None:
        body["length"] = length
    if eid == "DE00001":
        body["source_resource"] = POP
        body["standard"] = "GB 11643-1999"
    return body


def field(column, name, grade="general-3", data_type="C", length=50, **kw):
    f = {"column": column, "name": name, "data_type": data_type, "grade": grade,
         "description": name}
    if length is not None:
        f["length"] = length
    f.update(kw)
    return f


POP_FIELDS = [
    field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001", personal=True,
          key=True),
    field("xm", "姓名", grade="general-2", element="DE00002", personal=True),
    field("sjhm", "手机号码", length=11, element="DE00003", personal=True),
    field("csrq", "出生日期", data_type="D", length=None, element="DE00004", personal=True),
    field("zz", "住址", length=200, element="DE00005", personal=True),
    field("dzyx", "电子邮箱", length=100, element="DE00006", personal=True),
    field("yhkh", "银行卡号", length=19, element="DE00007", personal=True),
    field("sbkh", "社会保障卡号", length=20, element="DE00008", personal=True),
    field("hzhm", "护照号码", length=9, element="DE00009", personal=True),
    field("zwtz", "指纹特征", length=100, element="DE00010", personal=True, sensitive=True),
    field("qfjg", "签发机关", grade="general-1", length=100),
    field("bz", "备注", length=100),
    field("sg", "身高", grade="general-1", data_type="N", length=3),
]
POP_MASKS = {"gmsfhm": "id_number", "xm": "name", "sjhm": "mobile", "csrq": "year", "zz": "address",
             "dzyx": "email", "yhkh": "bank_card", "sbkh": "hash", "hzhm": "ends:1:2",
             "zwtz": "null", "qfjg": "keep", "bz": "redact", "sg": "keep"}
MOVE_FIELDS = [
    field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001", personal=True,
          key=True),
    field("xm", "姓名", grade="general-2", element="DE00002", personal=True),
    field("qcd", "迁出地", grade="general-2", length=100),
    field("qrrq", "迁入日期", grade="general-2", data_type="D", length=None),
    field("qrdz", "迁入地址", length=200, element="DE00005", personal=True),
]
SECRET_FIELDS = [
    field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001", personal=True,
          key=True),
    field("xm", "姓名", grade="general-2", element="DE00002", personal=True),
]

POP_COLUMNS = [f["column"] for f in POP_FIELDS]
POP_RECORDS = [
    {"gmsfhm": CITIZEN, "xm": "张三", "sjhm": "13812341234", "csrq": "1985-06-12",
     "zz": "北京市东城区景山前街4号", "dzyx": "zhangsan@example.com", "yhkh": "6222021234567891234",
     "sbkh": "SB11010100001", "hzhm": "E12345678", "zwtz": "FP-0001-A", "qfjg": "东城分局",
     "bz": "无", "sg": "175"},
    {"gmsfhm": CITIZEN2, "xm": "欧阳娜娜", "sjhm": "13998765432", "csrq": "1990-03-05",
     "zz": "北京市西城区金融大街7号", "dzyx": "ouyang@example.org", "yhkh": "6217001234567890",
     "sbkh": "SB11010500002", "hzhm": "G87654321", "zwtz": "FP-0002-B", "qfjg": "西城分局",
     "bz": "迁入", "sg": "165"},
    {"gmsfhm": PERSON3, "xm": "李四", "sjhm": "15000001111", "csrq": "1978-11-20",
     "zz": "北京市朝阳区建国路1号", "dzyx": "lisi@example.com", "yhkh": "6228481234567890123",
     "sbkh": "SB11010200003", "hzhm": "E00011122", "zwtz": "FP-0003-C", "qfjg": "朝阳分局",
     "bz": "", "sg": "180"},
    {"gmsfhm": PERSON4, "xm": "王五", "sjhm": "18612345678", "csrq": "1992-07-14",
     "zz": "上海市徐汇区漕溪北路88号", "dzyx": "wangwu@example.net", "yhkh": "6225880123456789",
     "sbkh": "SB31010400004", "hzhm": "E99988877", "zwtz": "FP-0004-D", "qfjg": "徐汇分局",
     "bz": "", "sg": "170"},
]
MOVE_RECORDS = [
    {"gmsfhm": CITIZEN, "xm": "张三", "qcd": "河北省保定市", "qrrq": "2020-05-01",
     "qrdz": "北京市东城区景山前街4号"},
    {"gmsfhm": CITIZEN2, "xm": "欧阳娜娜", "qcd": "天津市和平区", "qrrq": "2019-09-10",
     "qrdz": "北京市西城区金融大街7号"},
]
# What the consumer sees of CITIZEN's POP record, field by field.
POP_MASKED_CITIZEN = {
    "gmsfhm": "110101********1234", "xm": "张*", "sjhm": "138****1234", "csrq": "1985",
    "zz": "北京市东城区***", "dzyx": "z*******@example.com", "yhkh": "622202*********1234",
    "hzhm": "E******78", "zwtz": None, "qfjg": "东城分局", "bz": "*", "sg": "175",
}
PURPOSE = "就业登记核验"


def csv_text(columns, records):
    lines = [",".join(columns)]
    for r in records:
        lines.append(",".join(r.get(c, "") for c in columns))
    return "\r\n".join(lines) + "\r\n"


# ---- China time and the working-day calendar -------------------------------------------

def china_now():
    return datetime.datetime.now(CHINA)


def china_today():
    return china_now().date()


def day_text(d):
    return d.isoformat()


def load_calendar():
    """{date: True (working) / False (off)} from the bundled calendars."""
    marks = {}
    for name in sorted(os.listdir(CALENDARS)):
        if not re.fullmatch(r"\d{4}\.txt", name):
            continue
        with open(os.path.join(CALENDARS, name), encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                parts = line.split()
                marks[datetime.date.fromisoformat(parts[0])] = parts[1] == "work"
    return marks


def is_working_day(d, marks):
    if d in marks:
        return marks[d]
    return d.weekday() < 5


def add_working_days(d, n, marks):
    """The n-th working day strictly after d."""
    while n > 0:
        d += datetime.timedelta(days=1)
        if is_working_day(d, marks):
            n -= 1
    return d


# ---- the node ---------------------------------------------------------------------------

class ExchangeNode(harness.unittest.TestCase):
    """One node per class: organisations, power lists, accounts, citizens, the
    data elements, P's three resources published, records loaded with
    `yiwang exchange load`, and one system (API key) of C."""
    PROFILE = "gm"
    ORIGIN = "yiwang.test/exchange"

    @classmethod
    def setUpClass(cls):
        cls.node = Node(profile=cls.PROFILE, origin=cls.ORIGIN)
        try:
            cls.populate(cls.node.dir)
            cls.node.start()
            cls.sessions = {login: cls.sign_in(login) for login, _, _ in STAFF}
            cls.sessions["citizen"] = cls.sign_in(CITIZEN)
            cls.sessions["citizen2"] = cls.sign_in(CITIZEN2)
            for e in ELEMENTS:
                status, body = cls.call_as("cdo", "POST", "/v1/catalog/elements", element_body(*e))
                assert status == 201, body
            cls.publish(POP, "人口基础信息", POP_FIELDS,
                        {"type": "unconditional", "method": "api"})
            cls.publish(MOVE, "户籍迁移信息", MOVE_FIELDS,
                        {"type": "conditional", "condition": "因履行法定职责需要核验户籍迁移情况",
                         "legal_basis": "《中华人民共和国户口登记条例》", "method": "api"})
            cls.publish(SECRET, "特殊人员信息", SECRET_FIELDS,
                        {"type": "none", "legal_basis": "《中华人民共和国保守国家秘密法》"})
            cls.load_records(POP, POP_COLUMNS, POP_RECORDS)
            cls.load_records(MOVE, [f["column"] for f in MOVE_FIELDS], MOVE_RECORDS)
            cls.token, cls.key_id = cls.new_system("就业登记系统")
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.node.proc is not None:
                rc = cls.node.stop()
                assert rc == 0, "node exited %s:\n%s" % (rc, "".join(cls.node.stderr_lines[-60:]))
        finally:
            cls.node.close()

    @staticmethod
    def populate(d):
        harness.add_orgs(d, ORGS)
        for action in ("catalog.review", "exchange.arbitrate"):
            r = run_cli("org", "power", "--dir", d, "--code", DSJ, "--action", action)
            assert r.returncode == 0, r.stderr
        harness.add_staff(d, STAFF, PASSWORD)
        for name, number in (("张三", CITIZEN), ("欧阳娜娜", CITIZEN2)):
            harness.add_citizen(d, name, number, PASSWORD)

    @classmethod
    def sign_in(cls, login):
        return cls.node.sign_in(login, PASSWORD)

    @classmethod
    def call_as(cls, who, method, path, body=None):
        return cls.node.call(method, path, body, session=cls.sessions[who] if who else None)

    def call(self, who, method, path, body=None):
        return self.call_as(who, method, path, body)

    @classmethod
    def publish(cls, code, name, fields, sharing):
        body = {"code": code, "name": name,
                "summary": name + "：全省统一归集、按职责共享的政务信息资源，用于政务服务办理",
                "resource_type": "basic.population", "format": "数据库", "update_cycle": "daily",
                "grade": "general-2", "sharing": sharing, "open": {"type": "none"},
                "fields": fields}
        status, view = cls.call_as("steward.p", "POST", "/v1/catalog/resources", body)
        assert status == 201, view
        status, view = cls.call_as("steward.p", "POST", "/v1/catalog/resources/" + code + "/submit")
        assert status == 200, view
        status, view = cls.call_as("cdo", "POST", "/v1/catalog/resources/" + code + "/approve")
        assert status == 200 and view["status"] == "published", view
        return view

    @classmethod
    def load_records(cls, code, columns, records):
        path = os.path.join(cls.node.workdir, "records-%s.csv" % code.replace("/", "-"))
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(csv_text(columns, records))
        r = run_cli("exchange", "load", "--dir", cls.node.dir, "--resource", code, path)
        assert r.returncode == 0, r.stderr
        return r

    @classmethod
    def new_system(cls, name, org=C, role="window_clerk"):
        r = run_cli("key", "create", "--dir", cls.node.dir, "--name", name, "--org", org,
                    "--role", role)
        assert r.returncode == 0, r.stderr
        token = r.stdout.strip().splitlines()[-1]
        return token, token.split(".")[0]

    # ---- helpers ------------------------------------------------------------

    def assertError(self, answer, status, code, field=None):
        got_status, body = answer
        self.assertEqual(got_status, status, body)
        self.assertEqual(set(body), {"error"}, body)
        e = body["error"]
        self.assertEqual(e["code"], code, body)
        self.assertTrue(e["message"], body)
        if field is None:
            self.assertNotIn("field", e, body)
        else:
            self.assertEqual(e.get("field"), field, body)

    def application(self, key_id, code=POP, fields=None, **extra):
        """An application body; keyword arguments add or replace members."""
        today = china_today()
        body = {"resource": code, "key_id": key_id,
                "fields": fields if fields is not None else ["gmsfhm", "xm"],
                "purpose": PURPOSE, "scenario": "失业保险金申领时核验申领人身份",
                "valid_from": day_text(today - datetime.timedelta(days=1)),
                "valid_to": day_text(today + datetime.timedelta(days=365))}
        if code != POP:
            body["legal_basis"] = "《失业保险条例》第十六条"
        body.update(extra)
        return body

    def apply(self, key_id, code=POP, who="steward.c", **extra):
        return self.call(who, "POST", "/v1/exchange/applications",
                         self.application(key_id, code, **extra))

    def grant(self, key_id, **conditions):
        """An unconditional grant with these conditions, at once."""
        status, app = self.apply(key_id, **conditions)
        self.assertEqual(status, 201, app)
        self.assertEqual(app["status"], "approved", app)
        return app["grant"]

    def fetch(self, token, key, code=POP, purpose=None, **params):
        query = {"gmsfhm": key}
        query.update(params)
        if purpose is not None:
            query["purpose"] = purpose
        path = "/v1/exchange/resources/%s/records?%s" % (code, urllib.parse.urlencode(query))
        status, _, data = self.node.request("GET", path, headers={"Authorization": "Bearer " + token})
        return status, json.loads(data) if data else None

    def query(self, token, keys, code=POP, purpose=None):
        body = {"keys": [{"gmsfhm": k} for k in keys]}
        if purpose is not None:
            body["purpose"] = purpose
        status, _, data = self.node.request(
            "POST", "/v1/exchange/resources/%s/records/query" % code, body=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        return status, json.loads(data) if data else None

    def entries(self, start=0):
        """Every ledger entry from start: (index, raw bytes, parsed)."""
        out = []
        while True:
            status, _, data = self.node.request("GET", "/v1/ledger/entries?start=%d" % (start + len(out)))
            if status == 400 and out:
                break  # start reached the tree size
            self.assertEqual(status, 200, data)
            page = json.loads(data)["entries"]
            if not page:
                break
            for e in page:
                raw = base64.b64decode(e["leaf"])
                out.append((start + len(out), raw, json.loads(raw)))
        return out

    def ledger(self):
        return [e for _, _, e in self.entries()]

    def entry(self, index):
        status, _, data = self.node.request("GET", "/v1/ledger/entries?start=%d&count=1" % index)
        self.assertEqual(status, 200, data)
        page = json.loads(data)["entries"]
        return json.loads(base64.b64decode(page[0]["leaf"]))

    def of_type(self, prefix):
        return [e for e in self.ledger() if e["type"].startswith(prefix)]

    def snapshot_rows(self):
        """The exchange's applications, grants and records and the catalog's resources:
        equal snapshots mean none of them was written."""
        snap = self.node.db.snapshot()
        return {t: snap[t] for t in ("yw_exchange_applications", "yw_exchange_grants",
                                     "yw_exchange_records", "yw_catalog_resources")}

    def grant_view(self, grant_id, who="cdo"):
        status, body = self.call(who, "GET", "/v1/exchange/grants")
        self.assertEqual(status, 200, body)
        (g,) = [g for g in body["grants"] if g["id"] == grant_id]
        return g

    def grant_step(self, who, grant_id, step, reason="依规处置"):
        return self.call(who, "POST", "/v1/exchange/grants/%s/%s" % (grant_id, step),
                         {"reason": reason} if reason is not None else {})

    def assertNoIdentityNumbers(self, numbers):
        """No identity number, upper or lower case, even without its check character,
        in any ledger entry or in the node's log."""
        forms = {n[:17] for n in numbers}
        for i, raw, _ in self.entries():
            for form in forms:
                self.assertNotIn(form.encode(), raw, "ledger entry %d holds %s" % (i, form))
        log = "".join(self.node.stderr_lines)
        for form in forms:
            self.assertNotIn(form, log, "the node's log holds %s" % form)

    def refusals(self, system):
        """(reason, grant) of every refusal entry of the system, in order."""
        return [(e["reason"], e.get("grant")) for e in self.of_type("exchange.refusal")
                if e["system"] == system]


# ---- 1: applications and their answers ------------------------------------------------

class Applications(ExchangeNode):
    def decide(self, who, app_id, step, body=None):
        return self.call(who, "POST", "/v1/exchange/applications/%s/%s" % (app_id, step),
                         body if body is not None else {})

    def listed(self, who, query=""):
        status, body = self.call(who, "GET", "/v1/exchange/applications" + query)
        self.assertEqual(status, 200, body)
        return body["applications"]

    def application_entries(self, ids):
        return [(e["type"].rsplit(".", 1)[1], e["application"], e["actor"], e.get("grant"),
                 e.get("reason")) for e in self.of_type("exchange.application.")
                if e["application"] in ids]

    def test_1_the_life_of_applications(self):
        marks = load_calendar()
        steps = []  # (step, application, actor, grant, reason) as the ledger must say
        _, key_a = self.new_system("失业保险经办系统")
        _, key_b = self.new_system("职业技能鉴定系统")
        _, key_c = self.new_system("劳动监察系统")
        token_o, key_o = self.new_system("低保审核系统", org=O)

        # Unconditional: approved at once, with a grant carrying the conditions asked for.
        status, app = self.apply(key_a, fields=["gmsfhm", "xm", "csrq"], total_uses=100,
                                 daily_uses=20, records_per_request=5)
        self.assertEqual(status, 201, app)
        self.assertRegex(app["id"], r"^app-[0-9a-f]{16}$")
        self.assertRegex(app["grant"], r"^grant-[0-9a-f]{16}$")
        self.assertEqual({k: app[k] for k in ("status", "consumer", "provider", "resource", "version",
                                              "kind", "due")},
                         {"status": "approved", "consumer": C, "provider": P, "resource": POP,
                          "version": 1, "kind": "records", "due": None})
        today = china_today()
        self.assertEqual(app["conditions"], {
            "fields": ["gmsfhm", "xm", "csrq"], "clear_masks": [], "purpose": PURPOSE,
            "valid_from": day_text(today - datetime.timedelta(days=1)),
            "valid_to": day_text(today + datetime.timedelta(days=365)), "hours": "",
            "weekdays": [], "total_uses": 100, "daily_uses": 20, "records_per_request": 5,
            "source_ips": "", "epsilon_milli": 0})
        unconditional = app
        steps += [("submit", app["id"], "account:steward.c", None, None),
                  ("approve", app["id"], "system:unconditional", app["grant"], "无条件共享 / unconditional")]
        status, grants = self.call("steward.c", "GET", "/v1/exchange/grants")
        self.assertEqual(status, 200, grants)
        (g,) = [g for g in grants["grants"] if g["id"] == app["grant"]]
        self.assertEqual({k: g[k] for k in ("application", "consumer", "key_id", "provider", "resource",
                                            "version", "kind", "status", "used")},
                         {"application": app["id"], "consumer": C, "key_id": key_a, "provider": P,
                          "resource": POP, "version": 1, "kind": "records", "status": "active",
                          "used": {"uses": 0, "today": 0, "records": 0}})

        # Conditional: submitted, due 10 working days ahead (weekends and the bundled holidays).
        before_day = china_today()
        status, app = self.apply(key_b, code=MOVE, fields=["gmsfhm", "xm", "qcd", "qrdz"],
                                 total_uses=50)
        after_day = china_today()
        self.assertEqual(status, 201, app)
        self.assertEqual((app["status"], app.get("grant"), app["provider"], app["resource"]),
                         ("submitted", None, P, MOVE), app)
        self.assertIn(app["due"], {day_text(add_working_days(before_day, 10, marks)),
                                   day_text(add_working_days(after_day, 10, marks))})
        due = datetime.date.fromisoformat(app["due"])
        # Two weekends at least: 14 days from a weekday, 13 from a Saturday, 12 from a Sunday.
        self.assertGreaterEqual((due - before_day).days, 12)
        self.assertTrue(is_working_day(due, marks), due)
        moved = app
        steps.append(("submit", app["id"], "account:steward.c", None, None))

        # Only the provider's approvers answer: not the consumer, not another organisation.
        before = (self.snapshot_rows(), len(self.entries()))
        self.assertError(self.decide("steward.c", moved["id"], "approve"), 403, "forbidden")
        self.assertError(self.decide("steward.p", moved["id"], "approve"), 403, "forbidden")
        self.assertError(self.decide("cdo", moved["id"], "approve"), 403, "forbidden")
        for who in ("steward.o", "approver.o"):
            with self.subTest(who=who):
                status, body = self.decide(who, moved["id"], "approve")
                self.assertIn(status, (403, 404), body)
        self.assertError(self.decide("approver.p", "app-0000000000000000", "approve"), 404,
                         "not_found", "id")
        self.assertError(self.decide("approver.p", moved["id"], "ratify"), 404, "not_found", "step")
        # The approver narrows, never widens.
        self.assertError(self.decide("approver.p", moved["id"], "approve",
                                     {"fields": ["gmsfhm", "qrrq"]}), 400, "invalid", "fields")
        self.assertError(self.decide("approver.p", moved["id"], "approve",
                                     {"clear_masks": ["qrrq"]}), 400, "invalid", "clear_masks")
        self.assertError(self.decide("approver.p", moved["id"], "approve", {"hours": "18:00-09:00"}),
                         400, "invalid", "hours")
        self.assertEqual((self.snapshot_rows(), len(self.entries())), before)
        self.assertEqual([a["status"] for a in self.listed("approver.p") if a["id"] == moved["id"]],
                         ["submitted"])
        status, body = self.decide("approver.p", moved["id"], "approve", {
            "fields": ["gmsfhm", "xm", "qrdz"], "clear_masks": ["xm"], "hours": "00:00-24:00",
            "weekdays": [1, 2, 3, 4, 5, 6, 7], "total_uses": 7, "daily_uses": 6,
            "records_per_request": 2, "reason": "符合共享条件"})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["id"], body["status"]), (moved["id"], "approved"))
        self.assertRegex(body["grant"], r"^grant-[0-9a-f]{16}$")
        c = body["conditions"]
        self.assertEqual((c["fields"], c["clear_masks"], c["hours"], c["weekdays"], c["total_uses"],
                          c["daily_uses"], c["records_per_request"], c["purpose"]),
                         (["gmsfhm", "xm", "qrdz"], ["xm"], "00:00-24:00", [1, 2, 3, 4, 5, 6, 7], 7,
                          6, 2, PURPOSE))
        moved_grant = body["grant"]
        steps.append(("approve", moved["id"], "account:approver.p", moved_grant, "符合共享条件"))
        self.assertError(self.decide("approver.p", moved["id"], "approve"), 409, "conflict", "status")
        self.assertError(self.decide("steward.c", moved["id"], "withdraw"), 409, "conflict", "status")

        # Refusing needs a reason.
        status, app = self.apply(key_c, code=MOVE, fields=["gmsfhm", "qcd"])
        self.assertEqual((status, app["status"]), (201, "submitted"), app)
        refused = app
        steps.append(("submit", app["id"], "account:steward.c", None, None))
        before = (self.snapshot_rows(), len(self.entries()))
        self.assertError(self.decide("approver.p", refused["id"], "refuse"), 400, "invalid", "reason")
        self.assertError(self.decide("approver.p", refused["id"], "refuse", {"reason": ""}), 400,
                         "invalid", "reason")
        self.assertEqual((self.snapshot_rows(), len(self.entries())), before)
        status, body = self.decide("approver.p", refused["id"], "refuse",
                                   {"reason": "申请用途与履职无直接关系"})
        self.assertEqual((status, body["id"], body["status"], body.get("grant")),
                         (200, refused["id"], "refused", None), body)
        steps.append(("refuse", refused["id"], "account:approver.p", None, "申请用途与履职无直接关系"))
        self.assertError(self.decide("approver.p", refused["id"], "approve"), 409, "conflict", "status")

        # Withdrawing is the consumer's.
        status, app = self.apply(key_c, code=MOVE, fields=["gmsfhm"])
        self.assertEqual(status, 201, app)
        withdrawn = app
        steps.append(("submit", app["id"], "account:steward.c", None, None))
        self.assertError(self.decide("approver.p", withdrawn["id"], "withdraw"), 403, "forbidden")
        status, body = self.decide("steward.c", withdrawn["id"], "withdraw")
        self.assertEqual((status, body["id"], body["status"], body.get("grant")),
                         (200, withdrawn["id"], "withdrawn", None), body)
        steps.append(("withdraw", withdrawn["id"], "account:steward.c", None, None))
        self.assertError(self.decide("approver.p", withdrawn["id"], "approve"), 409, "conflict",
                         "status")

        # Refused outright, writing nothing.
        before = (self.snapshot_rows(), len(self.entries()))
        self.assertError(self.apply(key_c, code=SECRET), 409, "conflict", "resource")
        self.assertError(self.apply(key_c, fields=["gmsfhm", "hyzk"]), 400, "invalid", "fields")
        self.assertError(self.apply(key_c, fields=[]), 400, "invalid", "fields")
        self.assertError(self.apply(key_c, code=MOVE, legal_basis=""), 400, "invalid", "legal_basis")
        self.assertError(self.apply(key_c, colour="red"), 400, "invalid", "colour")
        self.assertError(self.apply(key_c, scenario=""), 400, "invalid", "scenario")
        self.assertError(self.apply(key_c, valid_from="2026-02-30"), 400, "invalid", "valid_from")
        self.assertError(self.apply(key_c, valid_to=day_text(today - datetime.timedelta(days=30))),
                         400, "invalid", "valid_to")
        self.assertError(self.apply(key_c, weekdays=[0]), 400, "invalid", "weekdays")
        self.assertError(self.apply(key_c, records_per_request=0), 400, "invalid",
                         "records_per_request")
        self.assertError(self.apply(key_c, source_ips="nowhere"), 400, "invalid", "source_ips")
        self.assertError(self.apply(key_o), 400, "invalid", "key_id")  # O's system, not C's
        self.assertEqual(self.apply(key_c, resource="101001/999999")[0], 404)
        self.assertError(self.apply(key_c, consumer=O), 403, "forbidden")
        self.assertError(self.apply(key_c, who="approver.p"), 403, "forbidden")
        self.assertError(self.apply(key_c, who="steward.p"), 400, "invalid", "resource")  # its own
        self.assertEqual((self.snapshot_rows(), len(self.entries())), before)

        # Another consumer's application, for the listings.
        status, other = self.apply(key_o, who="steward.o", fields=["gmsfhm", "xm"], purpose="低保审核")
        self.assertEqual((status, other["status"], other["consumer"]), (201, "approved", O), other)
        steps += [("submit", other["id"], "account:steward.o", None, None),
                  ("approve", other["id"], "system:unconditional", other["grant"],
                   "无条件共享 / unconditional")]

        # Each party sees its own; the data authority and the auditor see all, newest first.
        mine = [other, withdrawn, refused, moved, unconditional]
        ids = [a["id"] for a in mine]
        by_consumer_c = [i for i in ids if i != other["id"]]
        for who, expected in (("steward.c", by_consumer_c), ("steward.o", [other["id"]]),
                              ("approver.o", [other["id"]]), ("steward.p", ids),
                              ("approver.p", ids), ("cdo", ids), ("auditor", ids)):
            with self.subTest(who=who):
                self.assertEqual([a["id"] for a in self.listed(who)], expected)
        listed = {a["id"]: a for a in self.listed("cdo")}
        self.assertEqual({i: listed[i]["status"] for i in ids},
                         {unconditional["id"]: "approved", moved["id"]: "approved",
                          refused["id"]: "refused", withdrawn["id"]: "withdrawn",
                          other["id"]: "approved"})
        self.assertEqual(listed[refused["id"]]["reason"], "申请用途与履职无直接关系")
        self.assertEqual(listed[moved["id"]]["grant"], moved_grant)
        self.assertEqual(listed[moved["id"]]["due"], moved["due"])
        self.assertFalse(listed[moved["id"]]["overdue"])
        self.assertEqual(listed[moved["id"]]["application"]["conditions"]["fields"],
                         ["gmsfhm", "xm", "qcd", "qrdz"])
        self.assertEqual([a["id"] for a in self.listed("cdo", "?status=refused")], [refused["id"]])
        self.assertError(self.call("citizen", "GET", "/v1/exchange/applications"), 403, "forbidden")
        # Grants: each party its own.
        status, grants = self.call("steward.o", "GET", "/v1/exchange/grants")
        self.assertEqual([g["id"] for g in grants["grants"]], [other["grant"]])
        status, grants = self.call("cdo", "GET", "/v1/exchange/grants")
        self.assertTrue({other["grant"], unconditional["grant"]} <= {g["id"] for g in grants["grants"]})

        # Every step is a ledger entry, naming the parties.
        self.assertEqual(self.application_entries(set(ids)), steps)
        for e in self.of_type("exchange.application."):
            if e["application"] in ids:
                self.assertEqual((e["provider"], e["consumer"] in (C, O)), (P, True))
                self.assertIn(e["resource"], (POP, MOVE))

        # Overdue: an unanswered application past its date is flagged for the data authority.
        status, late = self.apply(key_c, code=MOVE, fields=["gmsfhm"])
        self.assertEqual(status, 201, late)
        self.node.db.execute("UPDATE yw_exchange_applications SET due_day = due_day - 40 "
                             "WHERE id = '%s'" % late["id"])
        overdue = self.listed("cdo", "?overdue=1")
        self.assertEqual([(a["id"], a["overdue"]) for a in overdue], [(late["id"], True)])

    def test_2_the_narrowed_grant_is_what_is_delivered(self):
        token, key_id = self.new_system("户籍核验系统")
        status, app = self.apply(key_id, code=MOVE, fields=["gmsfhm", "xm", "qcd", "qrdz"])
        self.assertEqual(status, 201, app)
        self.assertError(self.fetch(token, CITIZEN, code=MOVE), 403, "forbidden", "no_grant")
        status, body = self.decide("approver.p", app["id"], "approve",
                                   {"fields": ["gmsfhm", "xm", "qrdz"], "clear_masks": ["xm"]})
        self.assertEqual(status, 200, body)
        status, answer = self.fetch(token, CITIZEN, code=MOVE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"], [{"gmsfhm": "110101********1234", "xm": "张三",
                                              "qrdz": "北京市东城区***"}])
        self.assertEqual(answer["masks"], {"gmsfhm": "id_number", "xm": "keep", "qrdz": "address"})
        self.assertEqual(answer["grant"], body["grant"])



# ---- 2: every grant condition at its boundary -------------------------------------------

def hhmm(minutes):
    return "%02d:%02d" % divmod(minutes, 60)


class Conditions(ExchangeNode):
    """Each case is a system of C with its own grant on POP; each refusal answers 403
    with its reason code in error.field and is ledgered as an exchange.refusal entry."""

    def ok(self, token, key=CITIZEN, **kw):
        status, answer = self.fetch(token, key, **kw)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"][0]["gmsfhm"], "110101********1234")
        return answer

    def refused(self, token, reason, key=CITIZEN, **kw):
        self.assertError(self.fetch(token, key, **kw), 403, "forbidden", reason)

    def test_no_grant(self):
        token, key_id = self.new_system("无授权系统")
        self.refused(token, "no_grant")
        self.assertError(self.query(token, [CITIZEN]), 403, "forbidden", "no_grant")
        self.assertEqual(self.refusals(key_id), [("no_grant", None)] * 2)
        e = [e for e in self.of_type("exchange.refusal") if e["system"] == key_id][0]
        self.assertEqual((e["consumer"], e["actor"], e["resource"], e["remote"]),
                         (C, "key:" + key_id, POP, "127.0.0.1"))
        # A grant for POP is no grant for MOVE.
        token2, key2 = self.new_system("人口库查询系统")
        self.grant(key2)
        self.ok(token2)
        self.refused(token2, "no_grant", code=MOVE)
        # People are not systems: a steward's session is refused, and nothing is ledgered.
        before = len(self.entries())
        status, body = self.call("steward.c", "GET", "/v1/exchange/resources/%s/records?gmsfhm=%s"
                                 % (POP, CITIZEN))
        self.assertEqual(status, 403, body)
        self.assertError(self.call("citizen", "GET", "/v1/exchange/resources/%s/records?gmsfhm=%s"
                                   % (POP, CITIZEN)), 403, "forbidden")
        status, _, _ = self.node.request("GET", "/v1/exchange/resources/%s/records?gmsfhm=%s"
                                         % (POP, CITIZEN))
        self.assertEqual(status, 401)
        self.assertEqual(len(self.entries()), before)

    def test_suspended_resumed_revoked(self):
        token, key_id = self.new_system("待暂停系统")
        grant = self.grant(key_id)
        self.ok(token)
        # The snapshot writer (every 250 ms) adds that delivery to the catalog's count: let it,
        # so that the rows below stay still unless a refused step wrote them.
        time.sleep(0.6)
        # Only the provider or the data authority acts on a grant, with a reason.
        before = self.snapshot_rows()
        self.assertError(self.grant_step("steward.c", grant, "suspend"), 403, "forbidden")
        self.assertError(self.grant_step("steward.o", grant, "suspend"), 403, "forbidden")
        self.assertError(self.grant_step("approver.p", grant, "suspend", reason=None), 400,
                         "invalid", "reason")
        self.assertError(self.grant_step("approver.p", grant, "resume"), 409, "conflict", "status")
        self.assertEqual(self.grant_step("approver.p", "grant-0000000000000000", "suspend")[0], 404)
        self.assertEqual(self.snapshot_rows(), before)
        status, g = self.grant_step("approver.p", grant, "suspend", "核查数据使用情况")
        self.assertEqual((status, g["id"], g["status"]), (200, grant, "suspended"), g)
        self.refused(token, "suspended")
        self.assertError(self.grant_step("approver.p", grant, "suspend"), 409, "conflict", "status")
        status, g = self.grant_step("steward.p", grant, "resume", "核查完毕")
        self.assertEqual((status, g["status"]), (200, "active"), g)
        self.ok(token)
        status, g = self.grant_step("cdo", grant, "revoke", "违规转授他人使用")
        self.assertEqual((status, g["status"]), (200, "revoked"), g)
        self.refused(token, "revoked")
        self.assertError(self.grant_step("approver.p", grant, "resume"), 409, "conflict", "status")
        self.assertEqual(self.refusals(key_id), [("suspended", grant), ("revoked", grant)])
        self.assertEqual([(e["type"], e["actor"], e["reason"], e["consumer"], e["provider"])
                          for e in self.of_type("exchange.grant.") if e["grant"] == grant],
                         [("exchange.grant.suspend", "account:approver.p", "核查数据使用情况", C, P),
                          ("exchange.grant.resume", "account:steward.p", "核查完毕", C, P),
                          ("exchange.grant.revoke", "account:cdo", "违规转授他人使用", C, P)])
        status, apps = self.call("steward.c", "GET", "/v1/exchange/applications")
        self.assertEqual([a["status"] for a in apps["applications"] if a["grant"] == grant],
                         ["revoked"])
        self.assertEqual(self.grant_view(grant)["used"]["uses"], 2)
        # The revoked system cannot just apply again for unconditional data: the
        # provider answers first; another system of the same consumer can.
        status, again = self.apply(key_id)
        self.assertEqual((status, again["status"]), (201, "submitted"), again)
        self.refused(token, "revoked")
        other_token, other_key = self.new_system("另一系统")
        status, fresh = self.apply(other_key)
        self.assertEqual((status, fresh["status"]), (201, "approved"), fresh)

    def test_a_revoked_key_is_refused_at_once(self):
        # A delivery checks the key in its own read transaction and reads the grant's row every
        # time (only its parsed conditions and masks are kept, by the row's bytes): a key
        # revoked through the API, or by another process on the same database (the command
        # line), is refused by the very next request, with the cache warm.
        admin_token, _ = self.new_system("吊销测试管理", org=DSJ, role="node_admin")
        admin = {"Authorization": "Bearer " + admin_token}
        for how in ("api", "cli"):
            token, key_id = self.new_system("待吊销系统-" + how)
            self.grant(key_id)
            self.ok(token)
            self.ok(token)
            if how == "api":
                status, _, data = self.node.request("DELETE", "/v1/keys/%s?reason=retired" % key_id,
                                                    headers=admin)
                self.assertEqual(status, 204, data)
            else:
                r = run_cli("key", "revoke", "--dir", self.node.dir, "--id", key_id, "--reason",
                            "系统下线")
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertError(self.fetch(token, CITIZEN), 401, "unauthenticated")
            status, body = self.query(token, [CITIZEN])
            self.assertEqual(status, 401, body)

    def test_validity_period(self):
        today = china_today()
        day = datetime.timedelta(days=1)
        cases = [
            ("from tomorrow", day_text(today + day), day_text(today + 30 * day), "not_yet_valid"),
            ("from today", day_text(today), day_text(today + 30 * day), None),
            ("to yesterday", day_text(today - 30 * day), day_text(today - day), "expired"),
            ("to today", day_text(today - 30 * day), day_text(today), None),
            ("today only", day_text(today), day_text(today), None),
        ]
        for label, valid_from, valid_to, reason in cases:
            with self.subTest(label):
                token, key_id = self.new_system("有效期系统-" + label)
                grant = self.grant(key_id, valid_from=valid_from, valid_to=valid_to)
                if reason is None:
                    self.ok(token)
                    self.assertEqual(self.refusals(key_id), [])
                else:
                    self.refused(token, reason)
                    self.assertEqual(self.refusals(key_id), [(reason, grant)])
                status, apps = self.call("steward.c", "GET", "/v1/exchange/applications")
                self.assertEqual([a["status"] for a in apps["applications"] if a["grant"] == grant],
                                 ["expired" if reason == "expired" else "approved"])

    def test_weekdays(self):
        for attempt in range(3):
            today = china_today()
            w = today.isoweekday()
            token_out, key_out = self.new_system("工作日外系统-%d" % attempt)
            token_in, key_in = self.new_system("当日系统-%d" % attempt)
            grant_out = self.grant(key_out, weekdays=[d for d in range(1, 8) if d != w])
            self.grant(key_in, weekdays=[w])
            out = self.fetch(token_out, CITIZEN)
            inside = self.fetch(token_in, CITIZEN)
            if china_today() == today:
                break
        self.assertError(out, 403, "forbidden", "weekday")
        self.assertEqual(inside[0], 200, inside)
        self.assertEqual(self.refusals(key_out), [("weekday", grant_out)])

    def test_hours(self):
        """[from, to) in China time: a window ending at this minute refuses, one starting at
        it admits."""
        for attempt in range(4):
            now = china_now()
            if now.second > 45 or (now.hour == 0 and now.minute == 0):
                time.sleep(61 - now.second)
                continue
            m = now.hour * 60 + now.minute
            systems = [self.new_system("时段系统-%d-%d" % (attempt, i)) for i in range(3)]
            cases = [("ends now", hhmm(max(0, m - 60)) + "-" + hhmm(m), "hours"),
                     ("starts now", hhmm(m) + "-" + hhmm(m + 1), None)]
            if m < 1439:
                cases.append(("starts next minute", hhmm(m + 1) + "-" + hhmm(min(1440, m + 61)),
                              "hours"))
            results = []
            for (label, hours, reason), (token, key_id) in zip(cases, systems):
                results.append((label, reason, key_id, self.grant(key_id, hours=hours),
                                self.fetch(token, CITIZEN)))
            after = china_now()
            if after.hour * 60 + after.minute == m:
                break
        else:
            self.fail("the minute kept changing")
        for label, reason, key_id, grant, answer in results:
            with self.subTest(label):
                if reason is None:
                    self.assertEqual(answer[0], 200, answer)
                else:
                    self.assertError(answer, 403, "forbidden", reason)
                    self.assertEqual(self.refusals(key_id), [(reason, grant)])

    def test_source_ips(self):
        token, key_id = self.new_system("外网系统")
        grant = self.grant(key_id, source_ips="10.0.0.0/8,192.168.1.7,2001:db8::/32")
        self.refused(token, "source_ip")
        self.assertEqual(self.refusals(key_id), [("source_ip", grant)])
        for ips in ("127.0.0.1", "10.0.0.0/8,127.0.0.0/8"):
            with self.subTest(ips):
                token, key_id = self.new_system("内网系统 " + ips)
                self.grant(key_id, source_ips=ips)
                self.ok(token)

    def test_purpose(self):
        token, key_id = self.new_system("用途系统")
        grant = self.grant(key_id)
        self.refused(token, "purpose", purpose="商业营销")
        self.ok(token, purpose=PURPOSE)
        self.ok(token)  # none given: the grant's
        self.assertError(self.query(token, [CITIZEN], purpose="其他用途"), 403, "forbidden", "purpose")
        status, answer = self.query(token, [CITIZEN], purpose=PURPOSE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.refusals(key_id), [("purpose", grant)] * 2)
        e = self.entry(answer["ledger_index"])
        self.assertEqual(e["purpose"], PURPOSE)

    def test_records_per_request(self):
        token, key_id = self.new_system("批量核验系统")
        grant = self.grant(key_id, records_per_request=3)
        self.assertError(self.query(token, [CITIZEN, CITIZEN2, PERSON3, PERSON4]), 403, "forbidden",
                         "records_per_request")
        status, answer = self.query(token, [CITIZEN, CITIZEN2, PERSON3])
        self.assertEqual(status, 200, answer)
        self.assertEqual([r["gmsfhm"] for r in answer["records"]],
                         ["110101********1234", "110105********456X", "110102********7896"])
        self.ok(token)
        self.assertEqual(self.refusals(key_id), [("records_per_request", grant)])
        # Malformed batches are bad requests, not refusals.
        for body in ({"keys": []}, {"keys": "x"}, {"keys": [{"xm": "张三"}]}, {"keys": [CITIZEN]},
                     {"keys": [{"gmsfhm": CITIZEN}], "colour": "red"}):
            with self.subTest(body=body):
                status, _, data = self.node.request(
                    "POST", "/v1/exchange/resources/%s/records/query" % POP,
                    body=json.dumps(body).encode(),
                    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                self.assertEqual(status, 400, data)
        self.assertEqual(self.grant_view(grant)["used"]["uses"], 2)

    def test_total_uses(self):
        token, key_id = self.new_system("限次系统")
        grant = self.grant(key_id, total_uses=3)
        self.refused(token, "purpose", purpose="别的用途")  # a refusal uses nothing
        self.ok(token)
        status, answer = self.query(token, [CITIZEN, PERSON3])  # one use, two records
        self.assertEqual(status, 200, answer)
        self.ok(token)
        self.refused(token, "quota")
        self.refused(token, "quota", key=PERSON3)
        self.assertEqual(self.refusals(key_id), [("purpose", grant), ("quota", grant), ("quota", grant)])
        self.assertEqual(self.grant_view(grant)["used"], {"uses": 3, "today": 3, "records": 4})
        deliveries = [e for e in self.of_type("exchange.delivery") if e["grant"] == grant]
        self.assertEqual(len(deliveries), 3)

    def test_daily_uses(self):
        token, key_id = self.new_system("日限系统")
        grant = self.grant(key_id, daily_uses=2, total_uses=10)
        self.ok(token)
        self.ok(token)
        self.refused(token, "daily_quota")
        self.assertEqual(self.refusals(key_id), [("daily_quota", grant)])
        self.assertEqual(self.grant_view(grant)["used"], {"uses": 2, "today": 2, "records": 2})


# ---- 3 and 4: exact quotas under concurrency and across kill -9 ---------------------------

def hammer(test, token, threads, per_thread, key=CITIZEN):
    """threads callers, each making per_thread requests at once: [(status, body)]."""
    results, lock = [], threading.Lock()
    barrier = threading.Barrier(threads)

    def caller():
        barrier.wait()
        for _ in range(per_thread):
            try:
                answer = test.fetch(token, key)
            except Exception as e:  # noqa: BLE001 - reported below
                answer = (None, repr(e))
            with lock:
                results.append(answer)

    workers = [threading.Thread(target=caller) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    return results


class Quota(ExchangeNode):
    PROFILE = "intl"

    def test_exact_quota_under_32_concurrent_callers(self):
        token, key_id = self.new_system("高并发系统")
        grant = self.grant(key_id, total_uses=50)
        results = hammer(self, token, 32, 4)
        self.assertEqual(len(results), 128)
        ok = [body for status, body in results if status == 200]
        others = [(status, body) for status, body in results if status != 200]
        self.assertEqual(len(ok), 50, others[:3])
        for status, body in others:
            self.assertEqual((status, body["error"]["code"], body["error"].get("field")),
                             (403, "forbidden", "quota"), body)
        indexes = {body["ledger_index"] for body in ok}
        self.assertEqual(len(indexes), 50)
        entries = self.entries()
        deliveries = {i for i, _, e in entries if e["type"] == "exchange.delivery" and e["grant"] == grant}
        self.assertEqual(deliveries, indexes)
        refusals = [e for _, _, e in entries if e["type"] == "exchange.refusal" and e.get("grant") == grant]
        self.assertEqual([e["reason"] for e in refusals], ["quota"] * 78)
        self.assertEqual(self.grant_view(grant)["used"], {"uses": 50, "today": 50, "records": 50})
        # And per day: 20 of 64.
        token, key_id = self.new_system("日限高并发系统")
        grant = self.grant(key_id, daily_uses=20)
        results = hammer(self, token, 32, 2)
        statuses = sorted((s, b.get("error", {}).get("field") if s != 200 else None) for s, b in results)
        self.assertEqual(statuses, [(200, None)] * 20 + [(403, "daily_quota")] * 44)
        self.assertEqual(len([e for e in self.of_type("exchange.delivery") if e["grant"] == grant]), 20)


def kill9(node):
    node.proc.kill()
    node.proc.wait()
    node._reader.join(5)
    node.proc.stderr.close()
    node.proc = None


class Crash(ExchangeNode):
    def restart(self, kill=True):
        if kill:
            kill9(self.node)
        else:
            self.assertEqual(self.node.stop(), 0)
        self.node.start()
        type(self).sessions = {login: self.sign_in(login) for login in ("cdo", "steward.c")}

    def use_until_refused(self, token, limit=100):
        n = 0
        while n < limit:
            status, body = self.fetch(token, CITIZEN)
            if status != 200:
                return n, (status, body)
            n += 1
        return n, None

    def test_uses_survive_kill_9_exactly(self):
        N = 20
        token, key_id = self.new_system("断电测试系统")
        grant = self.grant(key_id, total_uses=N)
        token_d, key_d = self.new_system("日限断电测试系统")
        daily = self.grant(key_d, daily_uses=4)
        day = china_today()
        successes = 0
        for _ in range(6):
            self.assertEqual(self.fetch(token, CITIZEN)[0], 200)
            successes += 1
        time.sleep(1.5)  # the snapshot holds these
        for _ in range(4):
            self.assertEqual(self.fetch(token, CITIZEN)[0], 200)
            successes += 1
        for _ in range(3):
            self.assertEqual(self.fetch(token_d, CITIZEN)[0], 200)
        # No snapshot since: the last uses are only in the ledger.
        self.restart()
        self.assertEqual(self.grant_view(grant)["used"]["uses"], successes)
        more, refusal = self.use_until_refused(token)
        self.assertEqual(successes + more, N)
        self.assertError(refusal, 403, "forbidden", "quota")
        if china_today() == day:
            self.assertEqual(self.fetch(token_d, CITIZEN)[0], 200)
            self.assertError(self.fetch(token_d, CITIZEN), 403, "forbidden", "daily_quota")
        # Again, right after the last use: replaying must not count anything twice.
        self.restart()
        self.assertEqual(self.grant_view(grant)["used"]["uses"], N)
        self.assertError(self.fetch(token, CITIZEN), 403, "forbidden", "quota")
        time.sleep(1.5)
        self.restart()
        self.assertEqual(self.grant_view(grant)["used"]["uses"], N)
        self.assertError(self.fetch(token, CITIZEN), 403, "forbidden", "quota")
        self.restart(kill=False)  # and a graceful stop
        self.assertEqual(self.grant_view(grant)["used"]["uses"], N)
        self.assertError(self.fetch(token, CITIZEN), 403, "forbidden", "quota")
        deliveries = [e for e in self.of_type("exchange.delivery") if e["grant"] == grant]
        self.assertEqual(len(deliveries), N)
        self.assertEqual(run_cli("ledger", "verify", "--dir", self.node.dir).returncode, 0)

    def test_uses_in_flight_at_the_kill(self):
        """kill -9 while 8 callers hammer a grant of 30: every answered use is counted once,
        and after the restart exactly the rest are delivered."""
        N = 30
        token, key_id = self.new_system("并发断电测试系统")
        grant = self.grant(key_id, total_uses=N)
        results, lock, stop = [], threading.Lock(), threading.Event()

        def caller():
            while not stop.is_set():
                try:
                    status, body = self.fetch(token, CITIZEN)
                except Exception:  # noqa: BLE001 - the node died under us
                    continue
                with lock:
                    results.append((status, body))
                time.sleep(0.02)

        workers = [threading.Thread(target=caller) for _ in range(8)]
        for w in workers:
            w.start()
        deadline = time.time() + 10
        while time.time() < deadline:
            with lock:
                done = sum(1 for s, _ in results if s == 200)
            if done >= 12:
                break
            time.sleep(0.005)
        kill9(self.node)
        stop.set()
        for w in workers:
            w.join(30)
        before = sum(1 for s, _ in results if s == 200)
        self.assertGreater(before, 0)
        self.assertLess(before, N)
        self.node.start()
        type(self).sessions = {login: self.sign_in(login) for login in ("cdo", "steward.c")}
        used = self.grant_view(grant)["used"]["uses"]
        delivered = [e for e in self.of_type("exchange.delivery") if e["grant"] == grant]
        # Answered uses are durable; a use whose entry became durable without its answer
        # arriving is still a use.
        self.assertGreaterEqual(used, before)
        self.assertEqual(used, len(delivered))
        more, refusal = self.use_until_refused(token)
        self.assertEqual(used + more, N)
        self.assertError(refusal, 403, "forbidden", "quota")


# ---- 5: masking through real deliveries ------------------------------------------------

class Masking(ExchangeNode):
    def test_every_operator(self):
        token, key_id = self.new_system("全字段核验系统")
        grant = self.grant(key_id, fields=POP_COLUMNS)
        status, answer = self.query(token, [CITIZEN, CITIZEN2, PERSON3, PERSON4])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["masks"], POP_MASKS)
        self.assertEqual((answer["resource"], answer["version"], answer["grant"]), (POP, 1, grant))
        zhang, ouyang, li, wang = answer["records"]
        for r in (zhang, ouyang, li, wang):
            self.assertEqual(set(r), set(POP_COLUMNS))
        pseudonym = zhang.pop("sbkh")
        self.assertEqual(zhang, POP_MASKED_CITIZEN)
        ouyang_pseudonym = ouyang.pop("sbkh")
        self.assertEqual(ouyang, {
            "gmsfhm": "110105********456X", "xm": "欧阳**", "sjhm": "139****5432", "csrq": "1990",
            "zz": "北京市西城区***", "dzyx": "o*****@example.org", "yhkh": "621700******7890",
            "hzhm": "G******21", "zwtz": None, "qfjg": "西城分局", "bz": "**", "sg": "165"})
        # An empty value was not stored: null under every operator.
        self.assertEqual((li["xm"], li["bz"], li["zz"]), ("李*", None, "北京市朝阳区***"))
        self.assertEqual((wang["zz"], wang["yhkh"], wang["sjhm"]),
                         ("上海市徐汇区***", "622588******6789", "186****5678"))
        # hash: a keyed pseudonym, 32 hex digits, the same for the same value, not a plain hash.
        for p in (pseudonym, ouyang_pseudonym, li["sbkh"], wang["sbkh"]):
            self.assertRegex(p, r"^[0-9a-f]{32}$")
        self.assertEqual(len({pseudonym, ouyang_pseudonym, li["sbkh"], wang["sbkh"]}), 4)
        value = POP_RECORDS[0]["sbkh"].encode()
        for name in ("sm3", "sha256", "md5"):
            self.assertNotEqual(pseudonym, hashlib.new(name, value).hexdigest()[:32])
        status, again = self.fetch(token, CITIZEN)
        self.assertEqual(again["records"][0]["sbkh"], pseudonym)
        token2, key2 = self.new_system("另一核验系统")
        self.grant(key2, fields=["gmsfhm", "sbkh"])
        status, other = self.fetch(token2, CITIZEN)
        self.assertEqual(other["records"], [{"gmsfhm": "110101********1234", "sbkh": pseudonym}])
        # Nothing of the clear values is in the answer.
        text = json.dumps(answer, ensure_ascii=False)
        for r in POP_RECORDS:
            for column in ("gmsfhm", "sjhm", "yhkh", "dzyx", "sbkh", "zwtz", "hzhm"):
                self.assertNotIn(r[column], text)

    def test_only_granted_fields_and_null_for_no_match(self):
        token, key_id = self.new_system("姓名核验系统")
        self.grant(key_id, fields=["xm", "gmsfhm"])
        status, answer = self.fetch(token, CITIZEN)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"], [{"gmsfhm": "110101********1234", "xm": "张*"}])
        self.assertEqual(answer["masks"], {"gmsfhm": "id_number", "xm": "name"})
        status, answer = self.fetch(token, NOBODY)
        self.assertEqual((status, answer["records"]), (200, [None]), answer)
        e = self.entry(answer["ledger_index"])
        self.assertEqual((e["type"], e["records"], e["requested"], e["subjects"]),
                         ("exchange.delivery", 0, 1, []))
        status, answer = self.query(token, [CITIZEN, NOBODY, PERSON3])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"], [{"gmsfhm": "110101********1234", "xm": "张*"}, None,
                                             {"gmsfhm": "110102********7896", "xm": "李*"}])
        e = self.entry(answer["ledger_index"])
        self.assertEqual((e["records"], e["requested"], len(e["subjects"])), (2, 3, 2))
        # A query without the key field is a bad request.
        status, _, data = self.node.request(
            "GET", "/v1/exchange/resources/%s/records?xm=%s" % (POP, urllib.parse.quote("张三")),
            headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 400, data)
        self.assertEqual(json.loads(data)["error"].get("field"), "gmsfhm")

    def test_clear_masks_in_an_approval(self):
        token, key_id = self.new_system("迁移核验系统")
        status, app = self.apply(key_id, code=MOVE, fields=["gmsfhm", "xm", "qcd", "qrrq", "qrdz"])
        self.assertEqual(status, 201, app)
        status, body = self.call("approver.p", "POST", "/v1/exchange/applications/%s/approve" % app["id"],
                                 {"clear_masks": ["gmsfhm", "qrdz"]})
        self.assertEqual(status, 200, body)
        status, answer = self.fetch(token, CITIZEN, code=MOVE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"], [{"gmsfhm": CITIZEN, "xm": "张*", "qcd": "河北省保定市",
                                              "qrrq": "2020-05-01", "qrdz": "北京市东城区景山前街4号"}])
        self.assertEqual(answer["masks"], {"gmsfhm": "keep", "xm": "name", "qcd": "keep",
                                           "qrrq": "keep", "qrdz": "keep"})
        e = self.entry(answer["ledger_index"])
        self.assertEqual(e["masks"], answer["masks"])
        self.assertNotIn(CITIZEN.encode(), json.dumps(e, ensure_ascii=False).encode())

    def test_a_consumer_cannot_clear_masks_by_itself(self):
        """An unconditional resource is granted without anyone at the provider looking:
        the consumer's own clear_masks must not unmask what the catalog masks."""
        token, key_id = self.new_system("自行解除脱敏系统")
        status, app = self.apply(key_id, fields=["gmsfhm", "xm", "sjhm"],
                                 clear_masks=["gmsfhm", "sjhm"])
        if status == 400:
            self.assertEqual(app["error"].get("field"), "clear_masks", app)
            return
        self.assertEqual(status, 201, app)
        status, answer = self.fetch(token, CITIZEN)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"], [{"gmsfhm": "110101********1234", "xm": "张*",
                                              "sjhm": "138****1234"}],
                         "the consumer unmasked fields of an unconditional resource by asking")


class Regrading(ExchangeNode):
    def test_a_stricter_grade_applies_to_existing_grants(self):
        """The provider raises 手机号码 to 重要 in version 2 (its default mask becomes
        redact): a grant made under version 1 must not keep delivering the weaker mask."""
        token, key_id = self.new_system("存量授权系统")
        self.grant(key_id, fields=["gmsfhm", "xm", "sjhm"])
        status, answer = self.fetch(token, CITIZEN)
        self.assertEqual(answer["records"][0]["sjhm"], "138****1234")
        status, view = self.call("steward.p", "GET", "/v1/catalog/resources/" + POP)
        body = {k: view[k] for k in ("code", "name", "summary", "resource_type", "format",
                                     "update_cycle", "grade", "sharing", "open")}
        body["fields"] = [{k: v for k, v in f.items() if k not in ("copy", "source_resource", "mask")}
                          for f in view["fields"]]
        for f in body["fields"]:
            if f["column"] == "sjhm":
                f["grade"] = "important"
        self.assertEqual(self.call("steward.p", "PUT", "/v1/catalog/resources/" + POP, body)[0], 200)
        self.assertEqual(self.call("steward.p", "POST", "/v1/catalog/resources/%s/submit" % POP)[0], 200)
        status, view = self.call("cdo", "POST", "/v1/catalog/resources/%s/approve" % POP)
        self.assertEqual((status, view["version"]), (200, 2), view)
        self.assertEqual([f["mask"] for f in view["fields"] if f["column"] == "sjhm"], ["redact"])
        # A new grant gets version 2's mask.
        token2, key2 = self.new_system("新授权系统")
        self.grant(key2, fields=["gmsfhm", "xm", "sjhm"])
        status, answer = self.fetch(token2, CITIZEN)
        self.assertEqual((answer["version"], answer["records"][0]["sjhm"]), (2, "***********"))
        # The old one too.
        status, answer = self.fetch(token, CITIZEN)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["records"][0]["sjhm"], "***********",
                         "a grant of version 1 still delivers version 1's weaker mask")


# ---- 6, 7 and 8: the ledger, who used my data, lineage -------------------------------------

def parse_note(note):
    """(origin, size, root hash, signature lines) of a C2SP checkpoint note."""
    text, sep, signatures = note.partition("\n\n")
    assert sep, "not a signed note: %r" % note
    lines = text.split("\n")
    assert len(lines) >= 3, note
    return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True), signatures


def jcs(value):
    """RFC 8785 for the values of these tests (strings, integers, null, arrays, objects)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class Tracing(ExchangeNode):
    """Deliveries by two consumers (C's two systems, O's one) set up once; the tests
    only read what they left."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.deliver_all()
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def deliver_all(cls):
        t = cls("test_1_ledger_entries_match_deliveries_one_for_one")
        cls.systems = {}
        cls.answers = []  # (system, org, keys asked, answer)
        token1, key1 = cls.token, cls.key_id
        token2, key2 = cls.new_system("低保审核系统", org=O)
        token3, key3 = cls.new_system("户籍迁移核验系统")
        cls.grants = {
            key1: t.grant(key1, fields=["gmsfhm", "xm", "sjhm"]),
            key2: t.grant(key2, who="steward.o", fields=["gmsfhm", "xm"], purpose="最低生活保障审核"),
        }
        status, app = t.apply(key3, code=MOVE, fields=["gmsfhm", "xm", "qrdz"])
        assert status == 201, app
        status, body = cls.call_as("approver.p", "POST",
                                   "/v1/exchange/applications/%s/approve" % app["id"], {})
        assert status == 200, body
        cls.grants[key3] = body["grant"]
        plan = [(token1, key1, C, POP, [CITIZEN]),
                (token1, key1, C, POP, [CITIZEN, PERSON3, NOBODY]),
                (token2, key2, O, POP, [CITIZEN]),
                (token2, key2, O, POP, [PERSON3]),
                (token3, key3, C, MOVE, [CITIZEN]),
                (token1, key1, C, POP, [NOBODY]),
                (token2, key2, O, POP, [CITIZEN2])]
        for token, key_id, org, code, keys in plan:
            status, answer = t.query(token, keys, code=code) if len(keys) > 1 else \
                t.fetch(token, keys[0], code=code)
            assert status == 200, answer
            cls.answers.append((key_id, org, code, keys, answer))
        status, refusal = t.fetch(token1, CITIZEN, purpose="其他用途")
        assert status == 403, refusal
        time.sleep(1.5)  # the subject index is written by the snapshot writer

    def test_1_ledger_entries_match_deliveries_one_for_one(self):
        entries = self.entries()
        by_index = {i: (raw, e) for i, raw, e in entries}
        delivered = {answer["ledger_index"] for *_, answer in self.answers}
        self.assertEqual({i for i, _, e in entries if e["type"] == "exchange.delivery"}, delivered)
        hash_name = HASH[self.PROFILE]
        for key_id, org, code, keys, answer in self.answers:
            with self.subTest(index=answer["ledger_index"]):
                raw, e = by_index[answer["ledger_index"]]
                found = [r for r in answer["records"] if r is not None]
                self.assertEqual({k: e[k] for k in ("type", "actor", "consumer", "system", "provider",
                                                    "resource", "version", "grant", "purpose",
                                                    "records", "requested", "digest", "remote")},
                                 {"type": "exchange.delivery", "actor": "key:" + key_id,
                                  "consumer": org, "system": key_id, "provider": P, "resource": code,
                                  "version": 1, "grant": self.grants[key_id],
                                  "purpose": "最低生活保障审核" if org == O else PURPOSE,
                                  "records": len(found), "requested": len(keys),
                                  "digest": answer["digest"], "remote": "127.0.0.1"})
                self.assertEqual(e["fields"], list(answer["masks"]))
                self.assertEqual(e["masks"], answer["masks"])
                self.assertEqual(answer["digest"], hashlib.new(hash_name, jcs(answer["records"])).hexdigest())
                self.assertEqual(len(e["subjects"]), len(found))
                for s in e["subjects"]:
                    self.assertRegex(s, r"^[0-9a-f]{64}$")
        # The same person has the same subject hash in every entry, and it is keyed.
        subjects = {tuple(keys): by_index[answer["ledger_index"]][1]["subjects"]
                    for _, _, _, keys, answer in self.answers}
        self.assertEqual(subjects[(CITIZEN,)][0], subjects[(CITIZEN, PERSON3, NOBODY)][0])
        self.assertEqual(subjects[(PERSON3,)][0], subjects[(CITIZEN, PERSON3, NOBODY)][1])
        self.assertNotEqual(subjects[(CITIZEN,)][0], subjects[(PERSON3,)][0])
        for name in ("sm3", "sha256"):
            self.assertNotEqual(subjects[(CITIZEN,)][0], hashlib.new(name, CITIZEN.encode()).hexdigest())
        # The refusal is an entry too, with no delivery entry.
        refusals = [e for _, _, e in entries if e["type"] == "exchange.refusal"]
        self.assertEqual([(e["system"], e["reason"], e["grant"]) for e in refusals],
                         [(self.key_id, "purpose", self.grants[self.key_id])])
        # No identity number, in any form, anywhere in the ledger.
        self.assertNoIdentityNumbers(IDS)

    def data_uses(self, who):
        status, body = self.call(who, "GET", "/v1/me/data-uses")
        self.assertEqual(status, 200, body)
        return body

    def test_2_who_used_my_data(self):
        mine = [(key_id, org, code, answer) for key_id, org, code, keys, answer in self.answers
                if CITIZEN in keys]
        self.assertEqual(len(mine), 4)
        deadline = time.time() + 10
        while True:
            body = self.data_uses("citizen")
            if all(u.get("proof") is not None for u in body["uses"]) or time.time() > deadline:
                break
            time.sleep(0.2)
        uses = body["uses"]
        self.assertEqual([u["ledger_index"] for u in uses],
                         sorted((a["ledger_index"] for *_, a in mine), reverse=True))
        origin, size, root, signatures = parse_note(body["checkpoint"])
        self.assertEqual((origin, size), (self.ORIGIN, body["size"]))
        self.assertTrue(signatures.startswith("\u2014 " + self.ORIGIN + " "), signatures)
        entries = {i: (raw, e) for i, raw, e in self.entries()}
        tree = rfc9162.Tree(HASH[self.PROFILE])
        expected = {a["ledger_index"]: (key_id, org, code) for key_id, org, code, a in mine}
        for u in uses:
            with self.subTest(index=u["ledger_index"]):
                key_id, org, code = expected[u["ledger_index"]]
                raw, e = entries[u["ledger_index"]]
                self.assertEqual(u, {
                    "ledger_index": u["ledger_index"], "time": e["time"], "consumer": org,
                    "consumer_name": ORG_NAMES[org], "provider": P, "provider_name": ORG_NAMES[P],
                    "resource": code, "purpose": "最低生活保障审核" if org == O else PURPOSE,
                    "fields": e["fields"], "grant": self.grants[key_id], "proof": u["proof"]})
                self.assertIsNotNone(u["proof"])
                proof = [base64.b64decode(p, validate=True) for p in u["proof"]]
                self.assertTrue(tree.verify_inclusion(u["ledger_index"], size, tree.leaf(raw), proof, root))
                # A proof for another entry does not verify.
                other = entries[u["ledger_index"] - 1][0]
                self.assertFalse(tree.verify_inclusion(u["ledger_index"], size, tree.leaf(other), proof, root))
        # The root is the tree of the entries, as the public ledger serves them.
        leaves = [tree.leaf(entries[i][0]) for i in range(size)]
        self.assertEqual(tree.mth(leaves), root)

        # Another citizen sees only their own.
        other = self.data_uses("citizen2")
        (only,) = [a for key_id, org, code, keys, a in self.answers if CITIZEN2 in keys]
        self.assertEqual([u["ledger_index"] for u in other["uses"]], [only["ledger_index"]])
        self.assertEqual(other["uses"][0]["consumer_name"], ORG_NAMES[O])
        # Staff and systems are not citizens.
        for who in ("steward.c", "steward.p", "cdo", "auditor"):
            with self.subTest(who=who):
                self.assertError(self.call(who, "GET", "/v1/me/data-uses"), 403, "forbidden")
        status, _, _ = self.node.request("GET", "/v1/me/data-uses",
                                         headers={"Authorization": "Bearer " + self.token})
        self.assertEqual(status, 403)
        status, _, _ = self.node.request("GET", "/v1/me/data-uses")
        self.assertEqual(status, 401)

    def lineage(self, who, query):
        return self.call(who, "GET", "/v1/exchange/lineage?" + urllib.parse.urlencode(query))

    def test_3_lineage(self):
        def usage(key_id):
            rows = [a for k, _, _, _, a in self.answers if k == key_id]
            return len(rows), sum(1 for a in rows for r in a["records"] if r is not None)

        key2 = [k for k, org, *_ in self.answers if org == O][0]
        key3 = [k for k, _, code, *_ in self.answers if code == MOVE][0]
        # By consumer (ql.mzt before ql.rst), then by creation.
        pop = [{"grant": self.grants[key2], "consumer": O, "consumer_name": ORG_NAMES[O],
                "provider": P, "provider_name": ORG_NAMES[P], "resource": POP, "version": 1,
                "kind": "records", "status": "active", "fields": ["gmsfhm", "xm"],
                "uses": usage(key2)[0], "records": usage(key2)[1]},
               {"grant": self.grants[self.key_id], "consumer": C, "consumer_name": ORG_NAMES[C],
                "provider": P, "provider_name": ORG_NAMES[P], "resource": POP, "version": 1,
                "kind": "records", "status": "active", "fields": ["gmsfhm", "xm", "sjhm"],
                "uses": usage(self.key_id)[0], "records": usage(self.key_id)[1]}]
        self.assertEqual([(r["uses"], r["records"]) for r in pop], [(3, 3), (3, 3)])
        for who in ("steward.p", "approver.p", "cdo", "auditor"):
            with self.subTest(who=who):
                self.assertEqual(self.lineage(who, {"resource": POP}), (200, {"lineage": pop}))
        held = [{"grant": self.grants[key3], "consumer": C, "consumer_name": ORG_NAMES[C],
                 "provider": P, "provider_name": ORG_NAMES[P], "resource": MOVE, "version": 1,
                 "kind": "records", "status": "active", "fields": ["gmsfhm", "xm", "qrdz"],
                 "uses": 1, "records": 1}, pop[1]]
        status, body = self.lineage("steward.c", {"org": C})
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(body["lineage"], key=lambda r: r["grant"]),
                         sorted(held, key=lambda r: r["grant"]))
        self.assertEqual(self.lineage("cdo", {"org": C})[1], body)
        for who, query in (("steward.c", {"resource": POP}), ("steward.o", {"resource": POP}),
                           ("steward.o", {"org": C}), ("steward.c", {"org": O}),
                           ("approver.p", {"org": C})):
            with self.subTest(who=who, query=query):
                self.assertError(self.lineage(who, query), 403, "forbidden",
                                 "resource" if "resource" in query else "org")
        self.assertError(self.lineage("steward.p", {}), 400, "invalid", "resource")
        self.assertError(self.lineage("steward.p", {"resource": POP, "org": C}), 400, "invalid",
                         "resource")
        self.assertError(self.lineage("steward.p", {"resource": "101001/999999"}), 404, "not_found",
                         "resource")
        self.assertError(self.lineage("citizen", {"resource": POP}), 403, "forbidden")

    def test_4_the_catalog_counts_grants_and_deliveries(self):
        """The catalog's quality carries grants and deliveries, "filled by the exchange"."""
        status, view = self.call("steward.c", "GET", "/v1/catalog/resources/" + POP)
        self.assertEqual(status, 200, view)
        self.assertEqual((view["quality"]["grants"], view["quality"]["deliveries"]), (2, 6),
                         view["quality"])


# ---- 9: the providers' records -------------------------------------------------------------

REC = "101001/000004"  # 暂住人口信息, published in Records
REC_FIELDS = [
    field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001", personal=True,
          key=True),
    field("xm", "姓名", grade="general-2", element="DE00002", personal=True),
    field("csrq", "出生日期", data_type="D", length=None, element="DE00004", personal=True),
    field("sg", "身高", grade="general-1", data_type="N", length=3),
]
ZHAO = fictional_id("11010619800101001")
QIAN = fictional_id("11010719810202002")
SUN = fictional_id("11010819820303003")
ZHOU = fictional_id("11011119830404004")
WU = fictional_id("11011219840505005")
ZHENG_X = fictional_id("11011319860122005")  # ends in X
assert ZHENG_X.endswith("X")


class Records(ExchangeNode):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.publish(REC, "暂住人口信息", REC_FIELDS, {"type": "unconditional", "method": "api"})
            cls.rec_token, key_id = cls.new_system("暂住人口核验系统")
            status, app = cls.call_as("steward.c", "POST", "/v1/exchange/applications", {
                "resource": REC, "key_id": key_id, "fields": ["gmsfhm", "xm", "csrq", "sg"],
                "purpose": PURPOSE, "scenario": "核验暂住登记",
                "valid_from": day_text(china_today()), "valid_to": day_text(china_today() + datetime.timedelta(days=30))})
            assert status == 201, app
        except BaseException:
            cls.node.close()
            raise

    def write(self, name, text):
        path = os.path.join(self.node.workdir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def load(self, path, *extra):
        return run_cli("exchange", "load", "--dir", self.node.dir, "--resource", REC, path, *extra)

    def rows(self):
        return [r for r in self.node.db.snapshot()["yw_exchange_records"] if r[0] == REC] \
            if self.node.db.kind == "sqlite" else \
            [line for line in self.node.db.snapshot()["yw_exchange_records"].splitlines()
             if line.startswith(REC + "|")]

    def quality(self):
        status, view = self.call("steward.c", "GET", "/v1/catalog/resources/" + REC)
        self.assertEqual(status, 200, view)
        return view["quality"]

    def sg_of(self, number):
        status, answer = self.fetch(self.rec_token, number, code=REC)
        self.assertEqual(status, 200, answer)
        record = answer["records"][0]
        return record and record["sg"]

    def error_lines(self, stderr, path):
        out = {}
        for line in stderr.strip().splitlines():
            if line.startswith(path + ":"):
                n, message = line[len(path) + 1:].split(": ", 1)
                out[int(n)] = message
        return out

    def test_1_bad_lines_are_named_and_nothing_is_written(self):
        self.assertEqual(self.quality()["timeliness"], "no_data")
        bad_check = ZHAO[:-1] + ("0" if ZHAO[-1] != "0" else "1")
        path = self.write("bad.csv", "\r\n".join([
            "gmsfhm,xm,csrq,sg,bogus",                    # 1
            "%s,赵六,1980-01-01,170," % QIAN,              # 2
            "%s,钱七,1981-02-02,171," % bad_check,         # 3: check digit
            "%s,孙八,1982-03-03,172,多余" % SUN,            # 4: no such column
            "%s,周九,1983-04-04,abc," % ZHOU,              # 5: not a number
            "%s,吴十,1984-05-05,174," % WU,                # 6
            "%s,郑十一,1983-02-30,175," % ZHAO,            # 7: no such date
        ]) + "\r\n")
        before = (self.rows(), len(self.entries()), self.quality())
        r = self.load(path)
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = self.error_lines(r.stderr, path)
        self.assertEqual(sorted(errors), [3, 4, 5, 7], r.stderr)
        self.assertIn("gmsfhm", errors[3])
        self.assertIn("bogus", errors[4])
        self.assertIn("sg", errors[5])
        self.assertIn("csrq", errors[7])
        self.assertIn("4 errors", r.stderr)
        self.assertEqual((self.rows(), len(self.entries()), self.quality()), before)
        self.assertIsNone(self.sg_of(QIAN))

        # JSON lines: the same, line by line.
        path = self.write("bad.jsonl", "\n".join([
            json.dumps({"gmsfhm": QIAN, "xm": "赵六", "sg": 170}, ensure_ascii=False),
            "[1, 2]",
            json.dumps({"gmsfhm": bad_check, "xm": "钱七"}, ensure_ascii=False),
            json.dumps({"xm": "无号"}, ensure_ascii=False),
        ]) + "\n")
        r = self.load(path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(sorted(self.error_lines(r.stderr, path)), [2, 3, 4], r.stderr)
        self.assertEqual(self.rows(), before[0])
        # Not a published resource; bad usage.
        r = run_cli("exchange", "load", "--dir", self.node.dir, "--resource", "101001/999999", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(run_cli("exchange", "load", "--dir", self.node.dir, path).returncode, 2)
        self.assertEqual(self.load(path, "--format", "xml").returncode, 2)

        # A good file: loaded, and the catalog's timeliness follows.
        path = self.write("good.csv", "\r\n".join([
            "gmsfhm,xm,csrq,sg", "%s,赵六,1980-01-01,170" % QIAN, "%s,吴十,1984-05-05," % WU]) + "\r\n")
        r = self.load(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("loaded 2 records", r.stdout)
        q = self.quality()
        self.assertEqual((q["timeliness"], q["late_days"]), ("on_time", 0), q)
        self.assertRegex(q["data_updated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.assertEqual(self.sg_of(QIAN), "170")
        status, answer = self.fetch(self.rec_token, WU, code=REC)
        self.assertEqual(answer["records"], [{"gmsfhm": "110112********0050", "xm": "吴*",
                                              "csrq": "1984", "sg": None}])
        path = self.write("good.jsonl", json.dumps({"gmsfhm": SUN, "xm": "孙八", "sg": 172},
                                                   ensure_ascii=False) + "\n")
        r = self.load(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("loaded 1 records", r.stdout)
        self.assertEqual(self.sg_of(SUN), "172")
        loads = [e for e in self.of_type("exchange.records.load") if e["resource"] == REC]
        self.assertEqual([e["records"] for e in loads], [2, 1])
        for e in loads:
            self.assertTrue(e["actor"], e)
        # A file loaded again replaces records with the same key.
        path = self.write("again.csv", "gmsfhm,sg\r\n%s,171\r\n" % QIAN)
        self.assertEqual(self.load(path).returncode, 0)
        self.assertEqual(self.sg_of(QIAN), "171")

    def put(self, who, record):
        return self.call(who, "PUT", "/v1/exchange/resources/%s/records" % REC, record)

    def delete(self, who, number):
        return self.call(who, "DELETE", "/v1/exchange/resources/%s/records?gmsfhm=%s" % (REC, number))

    def test_2_single_records(self):
        self.assertEqual(self.put("steward.p", {"gmsfhm": ZHOU, "xm": "周九", "sg": 168}),
                         (200, {"stored": True}))
        self.assertEqual(self.sg_of(ZHOU), "168")
        self.assertEqual(self.put("steward.p", {"gmsfhm": ZHOU, "xm": "周九", "sg": "169"}),
                         (200, {"stored": True}))
        self.assertEqual(self.sg_of(ZHOU), "169")
        # Only the provider's stewards.
        before = (self.rows(), len(self.entries()))
        for who in ("steward.o", "steward.c", "approver.p", "cdo"):
            with self.subTest(who=who):
                self.assertError(self.put(who, {"gmsfhm": ZHOU, "sg": "100"}), 403, "forbidden")
                self.assertError(self.delete(who, ZHOU), 403, "forbidden")
        status, _, _ = self.node.request(
            "PUT", "/v1/exchange/resources/%s/records" % REC, body=json.dumps({"gmsfhm": ZHOU}).encode(),
            headers={"Authorization": "Bearer " + self.rec_token, "Content-Type": "application/json"})
        self.assertEqual(status, 403)
        self.assertError(self.call("citizen", "PUT", "/v1/exchange/resources/%s/records" % REC,
                                   {"gmsfhm": ZHOU}), 403, "forbidden")
        # Checked like a loaded line.
        bad_check = ZHOU[:-1] + ("0" if ZHOU[-1] != "0" else "1")
        for label, record, name in (("check digit", {"gmsfhm": bad_check}, "gmsfhm"),
                                    ("unknown column", {"gmsfhm": ZHOU, "bogus": "x"}, "bogus"),
                                    ("not a number", {"gmsfhm": ZHOU, "sg": "abc"}, "sg"),
                                    ("no key", {"xm": "周九"}, "gmsfhm"),
                                    ("no such date", {"gmsfhm": ZHOU, "csrq": "1983-02-30"}, "csrq")):
            with self.subTest(label):
                self.assertError(self.put("steward.p", record), 400, "invalid", name)
        self.assertEqual((self.rows(), len(self.entries())), before)
        self.assertEqual(self.call("steward.p", "PUT", "/v1/exchange/resources/101001/999999/records",
                                   {"gmsfhm": ZHOU})[0], 404)

        self.assertEqual(self.delete("steward.p", ZHOU), (200, {"deleted": True}))
        self.assertIsNone(self.sg_of(ZHOU))
        self.assertError(self.delete("steward.p", ZHOU), 404, "not_found")
        changes = [(e["type"], e["actor"]) for e in self.of_type("exchange.records.")
                   if e["resource"] == REC and e["type"] != "exchange.records.load"]
        self.assertEqual(changes, [("exchange.records.put", "account:steward.p")] * 2 +
                         [("exchange.records.delete", "account:steward.p")])
        self.assertNoIdentityNumbers(IDS + (ZHAO, QIAN, SUN, ZHOU, WU))

    def test_3_identity_numbers_are_one_form(self):
        """A lower-case x is the same identity number (GB 11643): one record, found by
        either form, and the delivery is on the citizen's list."""
        lower = ZHENG_X[:-1] + "x"
        self.assertEqual(self.put("steward.p", {"gmsfhm": lower, "xm": "郑十一", "sg": 176}),
                         (200, {"stored": True}))
        with self.subTest("stored with x, found with X"):
            self.assertEqual(self.sg_of(ZHENG_X), "176")
        self.assertEqual(self.put("steward.p", {"gmsfhm": ZHENG_X, "xm": "郑十一", "sg": 177}),
                         (200, {"stored": True}))
        with self.subTest("one record per person"):
            self.assertEqual(len([r for r in self.rows() if ZHENG_X[:17] in str(r)]), 1, self.rows())
        with self.subTest("the upsert replaced it"):
            self.assertEqual(self.sg_of(lower), "177")
        # CITIZEN2 (…X) signs in with X; the provider's record says x.
        self.assertEqual(self.put("steward.p", {"gmsfhm": CITIZEN2[:-1] + "x", "xm": "欧阳娜娜",
                                                "sg": 165}), (200, {"stored": True}))
        status, answer = self.fetch(self.rec_token, CITIZEN2[:-1] + "x", code=REC)
        self.assertEqual(status, 200, answer)
        self.assertIsNotNone(answer["records"][0])
        time.sleep(1.5)
        status, uses = self.call("citizen2", "GET", "/v1/me/data-uses")
        self.assertEqual(status, 200, uses)
        with self.subTest("the citizen sees the delivery"):
            self.assertIn(answer["ledger_index"], [u["ledger_index"] for u in uses["uses"]])


if __name__ == "__main__":
    harness.main()
