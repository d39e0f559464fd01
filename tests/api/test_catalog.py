"""The data resource catalog (政务信息资源目录) against the real binary: the
metadata rules, grades and masks, one source per data element, the life cycle
with its permissions and ledger entries, who sees what, search in Chinese and
English, CSV import and export through the command line, DCAT-AP, quality.

The cast: a data authority (ql.dsj) holding catalog.review on its power list
with a CDO; two departments, A (ql.gat) and B (ql.mzt), each with a data
steward; an auditor in a third department; an approver (no catalog rights); a
citizen."""
import base64
import copy
import json
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Node, run_cli  # noqa: E402

PASSWORD = "Qinglan-Catalog-Tests-2026!"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def fictional_id(body17):
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS))
    return body17 + "10X98765432"[total % 11]


CITIZEN_ID = fictional_id("11010119850612123")

A, B = "ql.gat", "ql.mzt"
ORGS = [
    ("ql.dsj", "青岚省大数据管理局", "data_authority"),
    (A, "青岚省公安厅", "department"),
    (B, "青岚省民政厅", "department"),
    ("ql.sjt", "青岚省审计厅", "department"),
    ("ql.spj", "青岚省行政审批局", "approval_bureau"),
]
STAFF = [
    ("cdo", "ql.dsj", "cdo"),
    ("steward.a", A, "data_steward"),
    ("steward.b", B, "data_steward"),
    ("auditor", "ql.sjt", "auditor"),
    ("approver", "ql.spj", "approver"),
]

ID_CARD = "101001/000001"  # A's 居民身份证信息, the source of 公民身份号码
ID_ELEMENT = {"id": "DE00001", "name": "公民身份号码",
              "definition": "公安机关按照公民身份号码国家标准为每个公民编制的唯一、终身不变的身份代码",
              "data_type": "C", "length": 18, "format": "18位", "standard": "GB 11643-1999",
              "source_org": A, "source_resource": ID_CARD, "mask": "id_number"}
NAME_ELEMENT = {"id": "DE00002", "name": "姓名", "definition": "公民在户口登记机关登记的姓名",
                "data_type": "C", "length": 50, "source_org": A, "source_resource": ID_CARD,
                "mask": "name"}


def field(column, name, grade="general-2", data_type="C", length=50, **kw):
    f = {"column": column, "name": name, "data_type": data_type, "grade": grade}
    if length is not None:
        f["length"] = length
    f.update(kw)
    return f


def resource(code, name, fields=None, **kw):
    """A valid resource body; keyword arguments replace members."""
    body = {
        "code": code,
        "name": name,
        "summary": name + "：全省统一归集、按职责共享的政务信息资源，用于政务服务办理",
        "resource_type": "basic.population",
        "format": "数据库",
        "update_cycle": "daily",
        "grade": "general-2",
        "sharing": {"type": "conditional", "condition": "因履行法定职责需要核验",
                    "legal_basis": "《中华人民共和国个人信息保护法》第三十四条", "method": "api"},
        "open": {"type": "none"},
        "fields": fields if fields is not None else [
            field("xm", "姓名", description="登记的姓名"),
            field("djrq", "登记日期", data_type="D", length=None, description="登记的日期"),
        ],
    }
    body.update(kw)
    return body


class CatalogNode(harness.unittest.TestCase):
    """One node per class: the organisations, the power list, the accounts,
    signed in; the element 公民身份号码 registered by the CDO."""
    PROFILE = "gm"
    ELEMENTS = (ID_ELEMENT,)

    @classmethod
    def setUpClass(cls):
        cls.node = Node(profile=cls.PROFILE, origin="yiwang.test/catalog")
        try:
            cls.populate(cls.node.dir)
            cls.node.start()
            cls.sessions = {login: cls.sign_in(login) for login, _, _ in STAFF}
            cls.sessions["citizen"] = cls.sign_in(CITIZEN_ID)
            for element in cls.ELEMENTS:
                status, body = cls.call_as("cdo", "POST", "/v1/catalog/elements", element)
                assert status == 201, body
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.node.stop() == 0
        finally:
            cls.node.close()

    @staticmethod
    def populate(d, accounts=True):
        harness.add_orgs(d, ORGS)
        r = run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action", "catalog.review")
        assert r.returncode == 0, r.stderr
        if not accounts:
            return
        harness.add_staff(d, STAFF, PASSWORD)
        harness.add_citizen(d, "张三", CITIZEN_ID, PASSWORD)

    @classmethod
    def sign_in(cls, login):
        return cls.node.sign_in(login, PASSWORD)

    @classmethod
    def call_as(cls, who, method, path, body=None):
        return cls.node.call(method, path, body, session=cls.sessions[who] if who else None)

    def call(self, who, method, path, body=None):
        return self.call_as(who, method, path, body)

    # ---- helpers ------------------------------------------------------------

    def assertError(self, answer, status, code, field=None, message=None):
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
        if message is not None:
            self.assertIn(message, e["message"])

    def create(self, who, body):
        status, view = self.call(who, "POST", "/v1/catalog/resources", body)
        self.assertEqual(status, 201, view)
        return view

    def path(self, code, tail=""):
        return "/v1/catalog/resources/" + code + tail

    def get(self, who, code, version=None):
        return self.call(who, "GET", self.path(code) + ("?version=%d" % version if version else ""))

    def step(self, who, code, step, reason=None):
        return self.call(who, "POST", self.path(code, "/" + step),
                         {"reason": reason} if reason is not None else {})

    def publish(self, steward, code):
        status, view = self.step(steward, code, "submit")
        self.assertEqual(status, 200, view)
        status, view = self.step("cdo", code, "approve")
        self.assertEqual(status, 200, view)
        self.assertEqual(view["status"], "published")
        return view

    def search(self, who, **params):
        status, body = self.call(who, "GET", "/v1/catalog/search?" + urllib.parse.urlencode(params))
        self.assertEqual(status, 200, body)
        return body

    def snapshot(self):
        """The database without the sessions table (every request marks its
        session as seen)."""
        snap = self.node.db.snapshot()
        snap.pop("yw_sessions", None)
        return snap

    def ledger(self):
        entries = []
        while True:
            status, _, data = self.node.request("GET", "/v1/ledger/entries?start=%d" % len(entries))
            if status == 400 and entries:
                break  # start reached the tree size
            self.assertEqual(status, 200, data)
            page = json.loads(data)["entries"]
            if not page:
                break
            entries += [json.loads(base64.b64decode(e["leaf"])) for e in page]
        return entries

    def resource_entries(self, code):
        return [e for e in self.ledger()
                if e["type"].startswith("catalog.resource.") and e.get("code") == code]


# ---- 1 and 2: the metadata rules, grades and masks ---------------------------------

class MetadataRules(CatalogNode):
    def test_a_valid_resource_is_a_draft_version_1(self):
        view = self.create("steward.a", resource("101001/000101", "流动人口登记信息"))
        self.assertEqual(view["code"], "101001/000101")
        self.assertEqual(view["provider"], A)
        self.assertEqual(view["provider_name"], "青岚省公安厅")
        self.assertEqual((view["status"], view["version"], view["version_status"]),
                         ("draft", 1, "draft"))
        self.assertIsNone(view["published_at"])
        self.assertNotIn("pending_version", view)
        self.assertEqual(view["sharing"], {"type": "conditional", "condition": "因履行法定职责需要核验",
                                           "legal_basis": "《中华人民共和国个人信息保护法》第三十四条",
                                           "method": "api"})
        self.assertEqual(view["open"], {"type": "none", "condition": "", "approval": ""})
        self.assertEqual([f["column"] for f in view["fields"]], ["xm", "djrq"])
        self.assertNotIn("length", view["fields"][1])
        # Chinese labels are accepted and stored as slugs.
        view = self.create("steward.a", resource(
            "101001/000102", "暂住登记信息", resource_type="基础/人口", update_cycle="每月",
            grade="一般2级", sharing={"type": "无条件共享", "method": "共享平台"}))
        self.assertEqual((view["resource_type"], view["update_cycle"], view["grade"]),
                         ("basic.population", "monthly", "general-2"))
        self.assertEqual(view["sharing"], {"type": "unconditional", "condition": "",
                                           "legal_basis": "", "method": "platform"})
        # Related codes: checked, duplicates dropped; 500 fields are allowed.
        view = self.create("steward.a", resource(
            "101001/000103", "居住登记信息", related=["101001/000101", "101001/000102", "101001/000101"],
            fields=[field("f%d" % i, "信息项%d" % i) for i in range(500)]))
        self.assertEqual(view["related"], ["101001/000101", "101001/000102"])
        self.assertEqual(len(view["fields"]), 500)
        # A taken code is a conflict.
        self.assertError(self.call("steward.a", "POST", "/v1/catalog/resources",
                                   resource("101001/000101", "重复代码")), 409, "conflict", "code")

    def test_each_broken_rule_is_refused_naming_the_field_and_writes_nothing(self):
        def without(body, *path):
            obj = body
            for p in path[:-1]:
                obj = obj[p]
            del obj[path[-1]]
            return body

        base = resource("101001/000201", "婚姻状况信息")
        conditional = {"type": "conditional", "condition": "依职责", "legal_basis": "法", "method": "api"}
        cases = [
            ("missing name", without(copy.deepcopy(base), "name"), "name"),
            ("empty name", dict(base, name=""), "name"),
            ("bad code", dict(base, code="ABC-1"), "code"),
            ("code without sequence", dict(base, code="101001"), "code"),
            ("code with a leading 0", dict(base, code="001001/000001"), "code"),
            ("conditional without condition", dict(base, sharing=without(dict(conditional), "condition")),
             "sharing.condition"),
            ("conditional without legal basis",
             dict(base, sharing=without(dict(conditional), "legal_basis")), "sharing.legal_basis"),
            ("none without legal basis", dict(base, sharing={"type": "none"}), "sharing.legal_basis"),
            ("unknown sharing type", dict(base, sharing=dict(conditional, type="sometimes")), "sharing.type"),
            ("C without length", dict(base, fields=[field("xm", "姓名", length=None)]), "fields[0].length"),
            ("N without length", dict(base, fields=[field("xm", "姓名"),
                                                   field("nl", "年龄", data_type="N", length=None)]),
             "fields[1].length"),
            ("unknown member", dict(base, colour="red"), "colour"),
            ("no fields", dict(base, fields=[]), "fields"),
            ("duplicate field column", dict(base, fields=[field("xm", "姓名"), field("xm", "曾用名")]),
             "fields"),
            ("duplicate field name", dict(base, fields=[field("xm", "姓名"), field("cym", "姓名")]),
             "fields"),
            ("core opened unconditionally",
             dict(base, grade="core", open={"type": "unconditional"}), "open.type"),
            ("core field opened conditionally",
             dict(base, fields=[field("xm", "姓名", grade="core")],
                  open={"type": "conditional", "condition": "申请"}), "open.type"),
            ("important opened without approval",
             dict(base, grade="important", open={"type": "conditional", "condition": "申请"}),
             "open.approval"),
            ("sensitive field opened unconditionally",
             dict(base, fields=[field("xm", "姓名"), field("jkzk", "健康状况", sensitive=True)],
                  open={"type": "unconditional"}), "open.type"),
            ("unknown element",
             dict(base, fields=[field("xm", "姓名"), field("sfhm", "身份号码", length=18, element="DE99999")]),
             "fields[1].element"),
            ("bad grade", dict(base, grade="secret"), "grade"),
            ("bad field grade", dict(base, fields=[field("xm", "姓名", grade="general-9")]),
             "fields[0].grade"),
            ("bad update cycle", dict(base, update_cycle="hourly"), "update_cycle"),
            ("bad resource type", dict(base, resource_type="misc"), "resource_type"),
            ("missing summary", without(copy.deepcopy(base), "summary"), "summary"),
            ("name with a control character", dict(base, name="婚姻\n状况"), "name"),
            ("name over 100 characters", dict(base, name="婚" * 101), "name"),
            ("related to itself", dict(base, related=["101001/000201"]), "related"),
            ("related with a bad code", dict(base, related=["x"]), "related"),
            ("related not a list", dict(base, related="101001/000001"), "related"),
            ("501 fields", dict(base, fields=[field("f%d" % i, "信息项%d" % i) for i in range(501)]),
             "fields"),
        ]
        before = self.snapshot()
        for label, body, name in cases:
            with self.subTest(label):
                self.assertError(self.call("steward.a", "POST", "/v1/catalog/resources", body),
                                 400, "invalid", name)
        with self.subTest("another organisation as provider"):
            self.assertError(self.call("steward.a", "POST", "/v1/catalog/resources",
                                       dict(base, provider=B)), 403, "forbidden")
        with self.subTest("not JSON"):
            status, _, data = self.node.request(
                "POST", "/v1/catalog/resources", body=b"{not json",
                headers={"Content-Type": "application/json", "Cookie": self.sessions["steward.a"][0],
                         "X-CSRF-Token": self.sessions["steward.a"][1]})
            self.assertEqual(status, 400, data)
        self.assertEqual(self.snapshot(), before)

    def test_errors_inside_a_field_name_the_field(self):
        """A member inside a field or sharing is named with its path (fields[i].member,
        sharing.member), like fields[i].length."""
        base = resource("101001/000202", "收养登记信息")
        cases = [
            ("bad column", dict(base, fields=[field("xm", "姓名"), field("Bad Column", "证号")]),
             "fields[1].column"),
            ("unknown member of a field",
             dict(base, fields=[field("xm", "姓名"), field("zh", "证号", colour="red")]),
             "fields[1].colour"),
            ("unknown member of sharing", dict(base, sharing=dict(base["sharing"], colour="red")),
             "sharing.colour"),
            ("personal not a boolean",
             dict(base, fields=[field("xm", "姓名"), field("zh", "证号", personal="yes")]),
             "fields[1].personal"),
            ("bad element identifier",
             dict(base, fields=[field("xm", "姓名"), field("zh", "证号", element="不是标识符")]),
             "fields[1].element"),
        ]
        before = self.snapshot()
        for label, body, name in cases:
            with self.subTest(label):
                self.assertError(self.call("steward.a", "POST", "/v1/catalog/resources", body),
                                 400, "invalid", name)
        self.assertEqual(self.snapshot(), before)

    def test_grade_follows_the_highest_field(self):
        view = self.create("steward.a", resource(
            "101001/000301", "户籍迁移信息", grade="general-2",
            fields=[field("xm", "姓名", grade="general-2"), field("zz", "住址", grade="general-4")]))
        self.assertEqual(view["grade"], "general-4")
        status, again = self.get("steward.a", "101001/000301")
        self.assertEqual((status, again["grade"]), (200, "general-4"))
        # Declared higher than every field: kept.
        view = self.create("steward.a", resource(
            "101001/000302", "户籍注销信息", grade="general-3",
            fields=[field("xm", "姓名", grade="general-1")]))
        self.assertEqual(view["grade"], "general-3")
        # An important field makes the resource important, and then opening it needs an approval.
        self.assertError(self.call("steward.a", "POST", "/v1/catalog/resources", resource(
            "101001/000303", "重点人员信息", grade="general-1",
            fields=[field("xm", "姓名", grade="important")],
            open={"type": "conditional", "condition": "申请"})), 400, "invalid", "open.approval")
        view = self.create("steward.a", resource(
            "101001/000303", "重点人员信息", grade="general-1",
            fields=[field("xm", "姓名", grade="important")],
            open={"type": "conditional", "condition": "申请", "approval": "青政数〔2026〕1号"}))
        self.assertEqual(view["grade"], "important")
        self.assertEqual(view["open"]["approval"], "青政数〔2026〕1号")

    def test_default_masks(self):
        view = self.create("steward.a", resource(
            "101001/000401", "人证核验信息", grade="important",
            fields=[
                field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001",
                      personal=True),
                field("qfjg", "签发机关", grade="general-1", length=100),
                field("xm", "姓名", grade="general-2", personal=True),
                field("bz", "备注", grade="general-3"),
                field("zp", "证件相片", grade="important", data_type="G", length=None),
                field("sfhm2", "核验号码", grade="important", length=18, element="DE00001"),
                field("jkzk", "健康状况", grade="general-1", sensitive=True),
            ]))
        masks = {f["column"]: f["mask"] for f in view["fields"]}
        self.assertEqual(masks, {
            "gmsfhm": "id_number",  # its element's operator
            "qfjg": "keep",         # general-1, not personal
            "xm": "redact",         # personal, no element
            "bz": "redact",         # general-3
            "zp": "redact",         # important
            "sfhm2": "redact",      # important wins over the element
            "jkzk": "redact",       # sensitive is personal
        })
        by_column = {f["column"]: f for f in view["fields"]}
        self.assertTrue(by_column["jkzk"]["personal"])
        self.assertEqual((by_column["gmsfhm"]["copy"], by_column["gmsfhm"]["source_resource"]),
                         (False, None))


# ---- 3: one data item, one source ------------------------------------------------

class OneSource(CatalogNode):
    PROFILE = "intl"

    def test_elements_copies_and_conflicts(self):
        # A second element with a taken name or identifier is refused.
        before = self.snapshot()
        for label, change in (("same name", {"id": "DE00099"}),
                              ("same identifier", {"name": "居民身份号码"})):
            with self.subTest(label):
                body = dict(ID_ELEMENT, source_org=B, source_resource="101002/000001", **change)
                self.assertError(self.call("cdo", "POST", "/v1/catalog/elements", body),
                                 409, "conflict", "source_org", message="DE00001")
        for who in ("steward.a", "approver"):
            with self.subTest(who=who):
                self.assertError(self.call(who, "POST", "/v1/catalog/elements",
                                           dict(NAME_ELEMENT)), 403, "forbidden")
        self.assertError(self.call("cdo", "POST", "/v1/catalog/elements",
                                   dict(NAME_ELEMENT, data_type="C", length=None)),
                         400, "invalid", "length")
        self.assertError(self.call("cdo", "POST", "/v1/catalog/elements",
                                   dict(NAME_ELEMENT, source_org="no.such.org")),
                         400, "invalid", "source_org")
        self.assertError(self.call("cdo", "POST", "/v1/catalog/elements",
                                   dict(NAME_ELEMENT, mask="blur")), 400, "invalid", "mask")
        self.assertEqual(self.snapshot(), before)

        status, listing = self.call("steward.b", "GET", "/v1/catalog/elements")
        self.assertEqual(status, 200, listing)
        self.assertEqual([e["id"] for e in listing["elements"]], ["DE00001"])
        e = listing["elements"][0]
        for key in ("name", "data_type", "length", "source_org", "source_resource", "mask"):
            self.assertEqual(e[key], ID_ELEMENT[key], key)

        # A holds the source; B's resource carrying the element is a copy pointing at it.
        self.create("steward.a", resource(ID_CARD, "居民身份证信息", fields=[
            field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001",
                  personal=True, key=True),
            field("qfjg", "签发机关", grade="general-1", length=100)]))
        view = self.create("steward.b", resource("101002/000001", "婚姻登记信息", fields=[
            field("djbh", "登记编号", key=True),
            field("nfsfhm", "男方公民身份号码", grade="general-4", length=18, element="DE00001",
                  personal=True)]))
        copied = view["fields"][1]
        self.assertEqual((copied["copy"], copied["source_resource"], copied["mask"]),
                         (True, ID_CARD, "id_number"))
        self.assertEqual((view["fields"][0]["copy"], view["fields"][0]["source_resource"]),
                         (False, None))
        status, a_view = self.get("steward.a", ID_CARD)
        self.assertEqual((a_view["fields"][0]["copy"], a_view["fields"][0]["source_resource"]),
                         (False, None))

        expected = {"conflicts": [{
            "id": "DE00001", "name": "公民身份号码", "source_org": A, "source_resource": ID_CARD,
            "holders": [
                {"provider": A, "resource": ID_CARD, "column": "gmsfhm", "copy": False},
                {"provider": B, "resource": "101002/000001", "column": "nfsfhm", "copy": True},
            ]}]}
        for who in ("cdo", "auditor"):
            with self.subTest(who=who):
                self.assertEqual(self.call(who, "GET", "/v1/catalog/conflicts"), (200, expected))
        for who in ("steward.a", "steward.b", "approver"):
            with self.subTest(who=who):
                self.assertError(self.call(who, "GET", "/v1/catalog/conflicts"), 403, "forbidden")

        # The registration is in the ledger, naming the CDO.
        registered = [e for e in self.ledger() if e["type"] == "catalog.element.create"]
        self.assertEqual([(e["id"], e["name"], e["source_org"], e["actor"]) for e in registered],
                         [("DE00001", "公民身份号码", A, "account:cdo")])


# ---- 4: the life cycle and who may take each step ---------------------------------

class LifeCycle(CatalogNode):
    def test_life_cycle_permissions_versions_history_and_ledger(self):
        code = "101001/000501"
        body = resource(code, "出入境证件信息")
        self.create("steward.a", body)
        expected = [("create", "account:steward.a", None, 1)]

        # Outside A, the draft is not even acknowledged: every route answers 404, as reading it
        # would; the approver has no catalog rights.
        before = self.snapshot()
        self.assertError(self.call("steward.b", "PUT", self.path(code), dict(body, summary="x" * 30)),
                         404, "not_found", "code")
        self.assertError(self.step("steward.b", code, "submit"), 404, "not_found", "code")
        self.assertError(self.call("steward.b", "DELETE", self.path(code)), 404, "not_found", "code")
        self.assertError(self.step("approver", code, "submit"), 403, "forbidden")
        self.assertError(self.call("approver", "PUT", self.path(code), body), 403, "forbidden")
        self.assertError(self.step("cdo", code, "submit"), 403, "forbidden")
        self.assertError(self.step("steward.a", code, "approve"), 403, "forbidden")
        self.assertError(self.step("cdo", code, "approve"), 409, "conflict", "status")
        self.assertError(self.step("steward.a", code, "withdraw"), 409, "conflict", "status")
        self.assertError(self.step("steward.a", code, "publish"), 404, "not_found")
        self.assertError(self.step("steward.a", code, "submit", reason=7), 400, "invalid", "reason")
        self.assertError(self.call("steward.a", "PUT", self.path(code), dict(body, code="101001/000599")),
                         400, "invalid", "code")
        self.assertError(self.call("steward.a", "PUT", self.path(code), dict(body, provider=B)),
                         400, "invalid", "provider")
        self.assertEqual(self.snapshot(), before)

        status, view = self.step("steward.a", code, "submit")
        self.assertEqual((status, view["status"], view["version_status"]), (200, "under_review", "under_review"))
        expected.append(("submit", "account:steward.a", None, 1))
        # A steward cannot approve; nobody edits a resource under review.
        self.assertError(self.step("steward.a", code, "approve"), 403, "forbidden")
        self.assertError(self.step("steward.b", code, "approve"), 404, "not_found", "code")
        self.assertError(self.call("steward.a", "PUT", self.path(code), body), 409, "conflict", "code")
        self.assertError(self.step("steward.a", code, "submit"), 409, "conflict", "status")
        # Withdraw returns it to draft.
        status, view = self.step("steward.a", code, "withdraw")
        self.assertEqual((status, view["status"]), (200, "draft"))
        expected.append(("withdraw", "account:steward.a", None, 1))
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        expected.append(("submit", "account:steward.a", None, 1))
        # Rejecting needs a reason.
        self.assertError(self.step("cdo", code, "reject"), 400, "invalid", "reason")
        self.assertError(self.step("cdo", code, "reject", reason=""), 400, "invalid", "reason")
        status, view = self.step("cdo", code, "reject", reason="共享条件表述不清，请补充")
        self.assertEqual((status, view["status"]), (200, "draft"))
        expected.append(("reject", "account:cdo", "共享条件表述不清，请补充", 1))
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        expected.append(("submit", "account:steward.a", None, 1))
        status, view = self.step("cdo", code, "approve")
        self.assertEqual((status, view["status"], view["version"]), (200, "published", 1), view)
        self.assertRegex(view["published_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        expected.append(("approve", "account:cdo", None, 1))
        published_at = view["published_at"]
        self.assertError(self.call("steward.a", "DELETE", self.path(code)), 409, "conflict", "status")
        self.assertError(self.step("steward.a", code, "withdraw"), 409, "conflict", "status")
        # Published, B sees it, and still may neither edit nor submit nor discard it.
        before = self.snapshot()
        self.assertError(self.call("steward.b", "PUT", self.path(code), dict(body, summary="x" * 30)),
                         403, "forbidden")
        self.assertError(self.step("steward.b", code, "submit"), 403, "forbidden")
        self.assertError(self.call("steward.b", "DELETE", self.path(code)), 403, "forbidden")
        self.assertEqual(self.snapshot(), before)

        # Editing the published resource makes version 2, pending; version 1 stays current.
        v2 = dict(body, summary="出入境证件信息（第二版）：新增证件签发地，用于边检核验和政务服务")
        status, view = self.call("steward.a", "PUT", self.path(code), v2)
        self.assertEqual((status, view["version"], view["status"]), (200, 2, "draft"), view)
        self.assertEqual(view["summary"], v2["summary"])
        expected.append(("update", "account:steward.a", None, 2))
        for who in ("steward.a", "cdo", "auditor"):
            with self.subTest(who=who):
                status, view = self.get(who, code)
                self.assertEqual((status, view["version"], view["status"], view["pending_version"]),
                                 (200, 1, "published", 2), view)
                self.assertEqual(view["summary"], body["summary"])
        status, view = self.get("steward.b", code)
        self.assertEqual((status, view["version"], view["summary"]), (200, 1, body["summary"]))
        self.assertNotIn("pending_version", view)
        self.assertError(self.get("steward.b", code, version=2), 404, "not_found", "version")
        self.assertEqual(self.get("steward.a", code, version=2)[1]["summary"], v2["summary"])
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        expected.append(("submit", "account:steward.a", None, 2))
        status, view = self.get("steward.a", code)
        self.assertEqual((view["version"], view["status"], view["pending_version"]), (1, "published", 2))
        status, view = self.step("cdo", code, "approve")
        self.assertEqual((status, view["version"], view["status"]), (200, 2, "published"), view)
        self.assertNotIn("pending_version", view)
        self.assertEqual(view["summary"], v2["summary"])
        self.assertEqual(view["published_at"], published_at)  # first published, kept
        expected.append(("approve", "account:cdo", None, 2))
        status, old = self.get("steward.b", code, version=1)
        self.assertEqual((status, old["version"], old["summary"], old["version_status"]),
                         (200, 1, body["summary"], "superseded"), old)
        self.assertError(self.get("steward.a", code, version=3), 404, "not_found", "version")
        for bad in ("0", "x", "-1"):
            self.assertError(self.call("steward.a", "GET", self.path(code) + "?version=" + bad), 400,
                             "invalid", "version")

        # Deprecating needs a reason; archiving is the data authority's, only from deprecated.
        self.assertError(self.step("steward.a", code, "deprecate"), 400, "invalid", "reason")
        self.assertError(self.step("cdo", code, "archive", reason="不再使用"), 409, "conflict", "status")
        self.assertError(self.step("steward.b", code, "deprecate", reason="不是我的"), 403, "forbidden")
        status, view = self.step("steward.a", code, "deprecate", reason="证件系统整合，改由新资源提供")
        self.assertEqual((status, view["status"], view["version"]), (200, "deprecated", 2))
        found = self.search("steward.b", q="出入境证件")["items"]
        self.assertEqual([(i["code"], i["status"]) for i in found], [(code, "deprecated")])
        expected.append(("deprecate", "account:steward.a", "证件系统整合，改由新资源提供", 2))
        self.assertError(self.step("steward.a", code, "archive", reason="归档"), 403, "forbidden")
        self.assertError(self.step("cdo", code, "archive"), 400, "invalid", "reason")
        status, view = self.step("cdo", code, "archive", reason="停用满一年，归档")
        self.assertEqual((status, view["status"]), (200, "archived"))
        expected.append(("archive", "account:cdo", "停用满一年，归档", 2))
        self.assertEqual(self.search("steward.b", q="出入境证件")["total"], 0)
        self.assertEqual([i["code"] for i in self.search("steward.b", q="出入境证件", status="archived")["items"]],
                         [code])
        self.assertError(self.call("steward.a", "PUT", self.path(code), body), 409, "conflict", "code")

        # The history: versions and every step with its actor and reason.
        status, history = self.call("steward.a", "GET", self.path(code, "/history"))
        self.assertEqual(status, 200, history)
        self.assertEqual((history["code"], history["status"]), (code, "archived"))
        self.assertEqual([(v["version"], v["status"]) for v in history["versions"]],
                         [(1, "superseded"), (2, "published")])
        self.assertEqual(history["versions"][0]["published_at"], published_at)
        for v in history["versions"]:
            self.assertRegex(v["digest"], r"^[0-9a-f]{64}$")
        self.assertEqual([(h["step"], h["actor"], h["reason"] or None, h["version"])
                          for h in history["history"]], expected)
        self.assertEqual([h["seq"] for h in history["history"]], list(range(1, len(expected) + 1)))

        # And the ledger, entry by entry.
        entries = self.resource_entries(code)
        self.assertEqual(len(entries), len(expected))
        for entry, (step, actor, reason, version) in zip(entries, expected):
            with self.subTest(step=step, version=version):
                self.assertEqual(entry["type"], "catalog.resource." + step)
                self.assertEqual(entry["actor"], actor)
                self.assertEqual(entry.get("reason"), reason)
                self.assertEqual(entry["version"], version)
                self.assertEqual((entry["code"], entry["provider"]), (code, A))
                self.assertRegex(entry["digest"], r"^[0-9a-f]{64}$")
        digests = {v["version"]: v["digest"] for v in history["versions"]}
        self.assertEqual(entries[-1]["digest"], digests[2])
        self.assertEqual(entries[0]["digest"], digests[1])
        self.assertEqual(run_cli("ledger", "verify", "--dir", self.node.dir).returncode, 0)

    def test_nobody_reviews_their_own_submission(self):
        # An account that is both steward and CDO, in the data authority.
        harness.add_account(self.node.dir, PASSWORD, "--kind", "staff", "--login", "both.hats",
                            "--name", "双岗", "--org", "ql.dsj", "--role", "cdo", "--role",
                            "data_steward")
        type(self).sessions["both.hats"] = self.sign_in("both.hats")
        code = "301001/000001"
        self.create("both.hats", resource(code, "数据资源目录编制规范", resource_type="department"))
        self.assertEqual(self.step("both.hats", code, "submit")[0], 200)
        self.assertError(self.step("both.hats", code, "approve"), 403, "forbidden")
        self.assertError(self.step("both.hats", code, "reject", reason="自审"), 403, "forbidden")
        self.assertEqual(self.step("cdo", code, "approve")[1]["status"], "published")

    def test_discarding_drafts(self):
        code = "101001/000601"
        self.create("steward.a", resource(code, "临时身份证信息"))
        self.assertEqual(self.call("steward.a", "DELETE", self.path(code)), (200, {"discarded": True}))
        self.assertError(self.get("steward.a", code), 404, "not_found", "code")
        self.assertError(self.get("auditor", code), 404, "not_found", "code")
        self.assertError(self.call("steward.a", "DELETE", self.path(code)), 404, "not_found", "code")
        self.assertEqual([e["type"] for e in self.resource_entries(code)],
                         ["catalog.resource.create", "catalog.resource.discard"])
        self.assertEqual(self.resource_entries(code)[1]["actor"], "account:steward.a")
        # The code is free again.
        self.create("steward.a", resource(code, "临时身份证信息"))

        # A pending version of a published resource is dropped; the next one gets a new number.
        code = "101001/000602"
        body = resource(code, "居住证信息")
        self.create("steward.a", body)
        self.publish("steward.a", code)
        self.assertEqual(self.call("steward.a", "PUT", self.path(code),
                                   dict(body, name="居住证信息（修订）"))[1]["version"], 2)
        status, view = self.call("steward.a", "DELETE", self.path(code))
        self.assertEqual((status, view["version"], view["status"], view["name"]),
                         (200, 1, "published", "居住证信息"), view)
        self.assertNotIn("pending_version", view)
        self.assertError(self.get("steward.a", code, version=2), 404, "not_found", "version")
        status, view = self.call("steward.a", "PUT", self.path(code), dict(body, name="居住证信息（再修订）"))
        self.assertEqual((status, view["version"]), (200, 3), view)
        self.assertEqual(self.get("steward.a", code)[1]["pending_version"], 3)

    def test_a_pending_name_is_not_searched_until_approved(self):
        code = "101001/000701"
        body = resource(code, "护照签发信息")
        self.create("steward.a", body)
        self.publish("steward.a", code)
        self.call("steward.a", "PUT", self.path(code),
                  dict(body, name="出境通行证件签发信息", summary="出境通行证件的签发、换发和注销信息，用于边检核验"))
        self.assertEqual(self.search("steward.b", q="通行证件")["total"], 0)
        self.assertEqual([i["code"] for i in self.search("steward.b", q="护照")["items"]], [code])
        self.publish("steward.a", code)
        self.assertEqual([i["code"] for i in self.search("steward.b", q="通行证件")["items"]], [code])
        self.assertEqual(self.search("steward.b", q="护照")["total"], 0)


    def test_the_power_list_decides_who_reviews(self):
        # A CDO whose organisation lacks catalog.review on its power list is no data authority.
        harness.add_account(self.node.dir, PASSWORD, "--kind", "staff", "--login", "cdo.b",
                            "--name", "民政厅首席数据官", "--org", B, "--role", "cdo")
        type(self).sessions["cdo.b"] = self.sign_in("cdo.b")
        code = "101001/001001"
        self.create("steward.a", resource(code, "枪支管理信息"))
        self.assertError(self.get("cdo.b", code), 404, "not_found", "code")  # a draft of A's
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        self.assertError(self.step("cdo.b", code, "approve"), 404, "not_found", "code")
        self.assertError(self.call("cdo.b", "POST", "/v1/catalog/elements", dict(NAME_ELEMENT)),
                         403, "forbidden")
        # Withdrawing the power from the data authority acts at once: its CDO no longer even
        # sees A's resource under review.
        d = self.node.dir
        self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                 "catalog.review", "--revoke").returncode, 0)
        try:
            self.assertError(self.step("cdo", code, "approve"), 404, "not_found", "code")
            self.assertError(self.call("cdo", "POST", "/v1/catalog/elements", dict(NAME_ELEMENT)),
                             403, "forbidden")
        finally:
            self.assertEqual(run_cli("org", "power", "--dir", d, "--code", "ql.dsj", "--action",
                                     "catalog.review").returncode, 0)
        self.assertEqual(self.step("cdo", code, "approve")[1]["status"], "published")
        # Published, the resource is visible to cdo.b, whose approval is then refused outright.
        self.assertEqual(self.call("steward.a", "PUT", self.path(code),
                                   resource(code, "枪支管理信息（修订）"))[0], 200)
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        self.assertError(self.step("cdo.b", code, "approve"), 403, "forbidden")
        self.assertEqual(self.get("cdo", code)[1]["pending_version"], 2)

    def test_outsiders_see_no_trace_of_hidden_versions(self):
        """Outside the provider, the history of a published resource lists
        neither the draft versions nor the steps taken on them."""
        code = "101001/001101"
        body = resource(code, "治安管理信息")
        self.create("steward.a", body)
        self.publish("steward.a", code)
        self.call("steward.a", "PUT", self.path(code), dict(body, name="治安管理信息（调整）"))
        self.assertEqual(self.step("steward.a", code, "submit")[0], 200)
        self.assertEqual(self.step("cdo", code, "reject", reason="内部讨论：涉及专项行动，暂缓")[0], 200)
        status, history = self.call("steward.b", "GET", self.path(code, "/history"))
        self.assertEqual(status, 200, history)
        self.assertEqual([v["version"] for v in history["versions"]], [1])
        self.assertEqual([(h["step"], h["version"]) for h in history["history"]],
                         [("create", 1), ("submit", 1), ("approve", 1)])
        status, inside = self.call("steward.a", "GET", self.path(code, "/history"))
        self.assertEqual([h["step"] for h in inside["history"]],
                         ["create", "submit", "approve", "update", "submit", "reject"])


# ---- 5: who sees what --------------------------------------------------------------

NONE_CODE = "101001/000801"
NONE_BODY = resource(
    NONE_CODE, "刑事案件侦办信息", grade="important",
    summary="刑事案件立案、侦查、结案过程形成的办案信息，涉及侦查秘密，依法不予共享",
    sharing={"type": "none", "legal_basis": "《中华人民共和国刑事诉讼法》第一百五十二条"},
    fields=[field("ajbh", "案件编号", key=True, description="立案编号"),
            field("zcjszxx", "侦查技术措施信息", grade="important", length=500, description="技术侦查")])


class Visibility(CatalogNode):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for body in (NONE_BODY, resource("101001/000802", "治安管理处罚信息",
                                         sharing={"type": "unconditional", "method": "api"})):
            status, view = cls.call_as("steward.a", "POST", "/v1/catalog/resources", body)
            assert status == 201, view
            assert cls.call_as("steward.a", "POST", "/v1/catalog/resources/%s/submit" % body["code"])[0] == 200
            assert cls.call_as("cdo", "POST", "/v1/catalog/resources/%s/approve" % body["code"])[0] == 200
        status, view = cls.call_as("steward.a", "POST", "/v1/catalog/resources",
                                   resource("101001/000803", "户口簿草稿信息"))
        assert status == 201, view

    def test_drafts_are_for_the_provider_the_authority_and_auditors(self):
        code = "101001/000803"
        for who in ("steward.a", "cdo", "auditor"):
            with self.subTest(who=who):
                status, view = self.get(who, code)
                self.assertEqual((status, view["status"], view["name"]), (200, "draft", "户口簿草稿信息"))
                self.assertEqual(self.call(who, "GET", self.path(code, "/history"))[0], 200)
        for who in ("steward.b", "approver"):
            with self.subTest(who=who):
                self.assertError(self.get(who, code), 404, "not_found", "code")
                self.assertError(self.call(who, "GET", self.path(code, "/history")), 404, "not_found",
                                 "code")
                self.assertEqual(self.search(who, q="户口簿")["total"], 0)
                self.assertEqual(self.search(who, status="draft")["total"], 0)
        self.assertEqual([i["code"] for i in self.search("steward.a", status="draft")["items"]], [code])
        self.assertEqual([i["code"] for i in self.search("auditor", status="draft")["items"]], [code])
        self.assertEqual(self.search("steward.a", q="户口簿")["total"], 0)  # default: published only

    def test_not_shared_shows_only_its_name_outside(self):
        restricted = {"code": NONE_CODE, "name": "刑事案件侦办信息", "provider": A,
                      "sharing": {"type": "none"}, "restricted": True, "status": "published",
                      "provider_name": "青岚省公安厅", "provider_uscc": ""}
        for who in ("steward.b", "approver"):
            with self.subTest(who=who):
                self.assertEqual(self.get(who, NONE_CODE), (200, restricted))
                self.assertEqual(self.get(who, NONE_CODE, version=1), (200, restricted))
                self.assertError(self.call(who, "GET", self.path(NONE_CODE, "/history")), 403,
                                 "forbidden")
        for who in ("steward.a", "cdo", "auditor"):
            with self.subTest(who=who):
                status, view = self.get(who, NONE_CODE)
                self.assertEqual(status, 200)
                self.assertNotIn("restricted", view)
                self.assertEqual(view["sharing"]["legal_basis"], NONE_BODY["sharing"]["legal_basis"])
                self.assertEqual([f["name"] for f in view["fields"]], ["案件编号", "侦查技术措施信息"])
                self.assertEqual((view["summary"], view["grade"]), (NONE_BODY["summary"], "important"))
                self.assertIn("quality", view)

        # Outside: found by its name only, and then restricted.
        self.assertEqual(self.search("steward.b", q="侦查技术措施"), {"total": 0, "limit": 20, "offset": 0,
                                                                 "items": []})
        self.assertEqual(self.search("steward.b", q="侦查秘密")["total"], 0)  # in its summary
        self.assertEqual(self.search("steward.b", q="刑事案件 侦查技术")["total"], 0)
        self.assertEqual(self.search("steward.b", q="公安厅 刑事")["total"], 0)  # the provider's name
        found = self.search("steward.b", q="刑事案件")
        self.assertEqual(found["total"], 1)
        summary = dict(restricted)
        del summary["provider_uscc"]
        self.assertEqual(found["items"], [summary])
        # Inside: everything is searched, and the summary is full.
        for who in ("steward.a", "auditor"):
            with self.subTest(who=who):
                found = self.search(who, q="侦查技术措施")
                self.assertEqual([i["code"] for i in found["items"]], [NONE_CODE])
                self.assertEqual(found["items"][0]["summary"], NONE_BODY["summary"])
                self.assertNotIn("fields", found["items"][0])
        # Listed without q, outside, it is restricted too.
        listed = {i["code"]: i for i in self.search("steward.b")["items"]}
        self.assertEqual(listed[NONE_CODE], summary)
        self.assertEqual(listed["101001/000802"]["summary"], resource("x", "治安管理处罚信息")["summary"])

    def test_filters_do_not_reveal_what_not_shared_hides(self):
        """Outside the provider a 不予共享 resource shows no grade, type or
        cycle, so filtering on them must not tell them either."""
        for params in ({"grade": "important"}, {"q": "刑事案件", "grade": "important"}):
            with self.subTest(params=params):
                self.assertEqual(self.search("steward.a", **params)["total"], 1)
                self.assertEqual(self.search("auditor", **params)["total"], 1)
                self.assertEqual(self.search("steward.b", **params)["total"], 0)

    def test_citizens_and_strangers(self):
        routes = [("GET", "/v1/catalog/search?q=x"), ("GET", "/v1/catalog/resources"),
                  ("GET", self.path(NONE_CODE)), ("GET", self.path(NONE_CODE, "/history")),
                  ("POST", "/v1/catalog/resources"), ("PUT", self.path("101001/000803")),
                  ("POST", self.path("101001/000803", "/submit")),
                  ("DELETE", self.path("101001/000803")), ("GET", "/v1/catalog/elements"),
                  ("POST", "/v1/catalog/elements"), ("GET", "/v1/catalog/conflicts")]
        before = self.snapshot()
        for method, path in routes:
            with self.subTest(method=method, path=path):
                self.assertError(self.call("citizen", method, path), 403, "forbidden")
                self.assertError(self.call(None, method, path), 401, "unauthenticated")
        self.assertEqual(self.snapshot(), before)
        # The approver reads the catalog but changes nothing.
        self.assertEqual(self.call("approver", "GET", self.path("101001/000802"))[0], 200)
        self.assertError(self.call("approver", "POST", "/v1/catalog/resources",
                                   resource("101003/000001", "审批结果信息")), 403, "forbidden")

    # ---- 8: DCAT-AP without signing in

    def test_dcat_is_public_metadata(self):
        status, headers, data = self.node.request("GET", "/v1/catalog/dcat")
        self.assertEqual(status, 200, data)
        self.assertEqual(headers["content-type"].split(";")[0], "application/ld+json")
        doc = json.loads(data)
        self.assertIn("@context", doc)
        graph = doc["@graph"]
        datasets = {n["dct:identifier"]: n for n in graph if n.get("@type") == "dcat:Dataset"}
        self.assertEqual(set(datasets), {NONE_CODE, "101001/000802"})  # the draft is not there
        shared, closed = datasets["101001/000802"], datasets[NONE_CODE]
        self.assertIn("dct:description", shared)
        self.assertNotIn("dct:description", closed)
        self.assertTrue(closed["dct:accessRights"]["@id"].endswith("access-right/NON_PUBLIC"))
        self.assertTrue(shared["dct:accessRights"]["@id"].endswith("access-right/PUBLIC"))
        text = data.decode()
        for secret in ("侦查技术措施信息", "侦查秘密", "刑事诉讼法", "zcjszxx", "户口簿草稿信息"):
            self.assertNotIn(secret, text)
        catalogs = [n for n in graph if n.get("@type") == "dcat:Catalog"]
        self.assertEqual(len(catalogs), 1)


# ---- 6: search -------------------------------------------------------------------

SEARCH_SET = [
    # steward, code, name, changes
    ("steward.a", ID_CARD, "居民身份证信息", dict(
        grade="general-4", update_cycle="realtime",
        fields=[field("gmsfhm", "公民身份号码", grade="general-4", length=18, element="DE00001",
                      personal=True, key=True)])),
    ("steward.b", "101002/000001", "婚姻登记信息", dict(
        resource_type="theme.community", grade="general-3",
        fields=[field("djbh", "登记编号", grade="general-3", key=True)])),
    ("steward.b", "101002/000002", "社会组织法人登记信息", dict(
        resource_type="basic.legal_entity", update_cycle="monthly",
        summary="Registration of social organisations: Statistics by county, updated monthly",
        sharing={"type": "unconditional", "method": "platform"},
        fields=[field("zzmc", "组织名称")])),
    ("steward.a", "101001/000002", "机动车驾驶人信息", dict(
        resource_type="theme.public_service", update_cycle="weekly",
        fields=[field("jszh", "驾驶证号"), field("zjcx", "准驾车型", length=10)])),
    ("steward.b", "101002/000003", "殡葬服务机构信息", dict(
        resource_type="theme.public_service", update_cycle="yearly",
        sharing={"type": "unconditional", "method": "api"},
        fields=[field("jgmc", "机构名称")])),
]


class Search(CatalogNode):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for steward, code, name, changes in SEARCH_SET:
            status, view = cls.call_as(steward, "POST", "/v1/catalog/resources",
                                       resource(code, name, **changes))
            assert status == 201, view
            assert cls.call_as(steward, "POST", "/v1/catalog/resources/%s/submit" % code)[0] == 200
            assert cls.call_as("cdo", "POST", "/v1/catalog/resources/%s/approve" % code)[0] == 200
        status, view = cls.call_as("steward.a", "POST", "/v1/catalog/resources",
                                   resource("101001/000003", "身份证挂失草稿"))
        assert status == 201, view

    def codes(self, who="steward.b", **params):
        return [i["code"] for i in self.search(who, **params)["items"]]

    def test_chinese(self):
        self.assertEqual(self.codes(q="身份证"), [ID_CARD])
        self.assertEqual(self.codes(q="婚姻"), ["101002/000001"])
        self.assertEqual(self.codes(q="婚"), ["101002/000001"])  # one character: a prefix
        self.assertEqual(self.codes(q="身份证信息"), [ID_CARD])
        self.assertEqual(self.codes(q="身份信息"), [])
        self.assertEqual(self.codes(q="婚姻登记"), ["101002/000001"])
        self.assertEqual(self.codes(q="驾驶"), ["101001/000002"])
        self.assertEqual(self.codes(q="准驾车型"), ["101001/000002"])  # a field name
        self.assertEqual(set(self.codes(q="民政厅")), {"101002/000001", "101002/000002", "101002/000003"})
        self.assertEqual(self.codes(q="身份证 婚姻"), [])  # every term is required
        self.assertEqual(self.codes(q="证身份"), [])  # the bigrams must be adjacent in order
        self.assertEqual(self.codes(q="火星"), [])

    def test_english(self):
        for q in ("statistics", "STATISTICS", "Statistics", "statis", "county statis"):
            with self.subTest(q=q):
                self.assertEqual(self.codes(q=q), ["101002/000002"])
        self.assertEqual(self.codes(q="statistical"), [])

    def test_odd_queries_are_answered(self):
        for q in ('"', "'", "\\", "a:b", "-x", "NEAR(", "*", "title:x", "身份证\"", "AND OR NOT", "，。",
                  "x' OR '1'='1"):
            with self.subTest(q=q):
                status, body = self.call("steward.b", "GET", "/v1/catalog/search?" +
                                         urllib.parse.urlencode({"q": q}))
                self.assertEqual(status, 200, body)
        self.assertEqual(self.search("steward.b", q="，。")["total"], 0)

    def test_filters(self):
        self.assertEqual(self.codes(provider=A), ["101001/000001", "101001/000002"])
        self.assertEqual(self.codes(provider=B), ["101002/000001", "101002/000002", "101002/000003"])
        self.assertEqual(self.codes(provider="no.such"), [])
        self.assertEqual(self.codes(type="theme.public_service"), ["101001/000002", "101002/000003"])
        self.assertEqual(self.codes(type="主题/公共服务"), ["101001/000002", "101002/000003"])
        self.assertEqual(self.codes(grade="general-4"), [ID_CARD])
        self.assertEqual(self.codes(grade="general-3"), ["101002/000001"])
        self.assertEqual(self.codes(sharing="unconditional"), ["101002/000002", "101002/000003"])
        self.assertEqual(self.codes(sharing="conditional"), ["101001/000001", "101001/000002",
                                                             "101002/000001"])
        self.assertEqual(self.codes(sharing="none"), [])
        self.assertEqual(self.codes(cycle="monthly"), ["101002/000002"])
        self.assertEqual(self.codes(cycle="每年"), ["101002/000003"])
        self.assertEqual(self.codes(status="published"), [c for _, c, _, _ in sorted(SEARCH_SET, key=lambda s: s[1])])
        self.assertEqual(self.codes("steward.a", status="draft"), ["101001/000003"])
        self.assertEqual(self.codes("steward.b", status="draft"), [])
        self.assertEqual(self.codes("steward.a", status="under_review"), [])
        # Filters narrow a text search too, and combine.
        self.assertEqual(set(self.codes(q="信息", provider=B, sharing="unconditional")),
                         {"101002/000002", "101002/000003"})
        self.assertEqual(self.codes(q="信息", provider=B, sharing="unconditional", cycle="yearly"),
                         ["101002/000003"])
        self.assertEqual(self.codes(q="身份证", provider=B), [])

    def test_paging(self):
        all_codes = sorted(c for _, c, _, _ in SEARCH_SET)
        seen = []
        for offset in (0, 2, 4):
            page = self.search("steward.b", limit=2, offset=offset)
            self.assertEqual((page["total"], page["limit"], page["offset"]), (5, 2, offset))
            seen += [i["code"] for i in page["items"]]
        self.assertEqual(seen, all_codes)
        self.assertEqual(self.search("steward.b", limit=2, offset=10),
                         {"total": 5, "limit": 2, "offset": 10, "items": []})
        # With a text query too (ranked, then paged).
        first = self.search("steward.b", q="信息", limit=3)
        self.assertEqual((first["total"], len(first["items"])), (5, 3))
        rest = self.search("steward.b", q="信息", limit=3, offset=3)
        self.assertEqual((rest["total"], len(rest["items"])), (5, 2))
        self.assertEqual(sorted(i["code"] for i in first["items"] + rest["items"]), all_codes)
        self.assertEqual(self.search("steward.b", q="信息", limit=3, offset=9),
                         {"total": 5, "limit": 3, "offset": 9, "items": []})
        # The list route pages the same way.
        status, listed = self.call("steward.b", "GET", "/v1/catalog/resources?limit=2&offset=2")
        self.assertEqual((status, [i["code"] for i in listed["items"]], listed["total"]),
                         (200, all_codes[2:4], 5))

    def test_bad_parameters(self):
        cases = [({"grade": "secret"}, "grade"), ({"type": "misc"}, "type"),
                 ({"sharing": "sometimes"}, "sharing"), ({"cycle": "hourly"}, "cycle"),
                 ({"status": "lost"}, "status"), ({"limit": "0"}, "limit"),
                 ({"limit": "101"}, "limit"), ({"limit": "x"}, "limit"),
                 ({"offset": "10001"}, "offset"), ({"offset": "-1"}, "offset"),
                 ({"q": "a" * 201}, "q"), ({"q": "身" * 67}, "q")]  # 201 bytes
        for params, name in cases:
            with self.subTest(params=params):
                self.assertError(self.call("steward.b", "GET", "/v1/catalog/search?" +
                                           urllib.parse.urlencode(params)), 400, "invalid", name)
        # Exactly 200 bytes is fine.
        self.assertEqual(self.search("steward.b", q="a" * 200)["total"], 0)
        self.assertEqual(self.search("steward.b", q="婚姻" * 33 + "ab")["total"], 0)


# Filters and text together, against a brute-force answer: a small catalog of
# every status, sharing type, type, grade and cycle of both departments, asked
# every combination by each kind of asker, and the answer computed here from
# the resources' own views by the rules of docs/internals/catalog.md.
NONE_SHARING = {"type": "none", "legal_basis": "《中华人民共和国保守国家秘密法》第十三条"}
OPEN_SHARING = {"type": "unconditional", "method": "platform"}
BRUTE_SET = [
    # steward, code, name, life cycle, changes
    ("steward.a", "101001/000901", "户籍人口登记信息", "published", dict(grade="general-3")),
    ("steward.a", "101001/000902", "户籍迁移证明信息", "published",
     dict(sharing=NONE_SHARING, update_cycle="monthly", summary="户籍迁移的证明材料，census records")),
    ("steward.a", "101001/000903", "出入境证件信息", "deprecated",
     dict(resource_type="theme.public_service", sharing=OPEN_SHARING)),
    ("steward.a", "101001/000904", "治安户籍核查信息", "archived", dict(update_cycle="monthly")),
    ("steward.a", "101001/000905", "机动车登记信息", "draft", dict(resource_type="theme.public_service")),
    ("steward.a", "101001/000906", "驾驶证统计信息", "under_review",
     dict(sharing=NONE_SHARING, summary="驾驶证的统计数据，statistics by county")),
    ("steward.a", "101001/000907", "刑事案件统计信息", "published",
     dict(sharing=NONE_SHARING, grade="general-3", resource_type="theme.public_service",
          summary="户籍人口中的案件统计，census of cases")),
    ("steward.b", "101002/000901", "婚姻登记证明信息", "published",
     dict(resource_type="theme.community", update_cycle="monthly", sharing=OPEN_SHARING)),
    ("steward.b", "101002/000902", "低保对象统计信息", "published",
     dict(resource_type="theme.social_security", grade="general-3", summary="低保对象的户籍与统计")),
    ("steward.b", "101002/000903", "社会组织登记信息", "published",
     dict(sharing=NONE_SHARING, resource_type="basic.legal_entity")),
    ("steward.b", "101002/000904", "殡葬证明信息", "deprecated",
     dict(resource_type="theme.community", grade="general-3", update_cycle="monthly")),
    ("steward.b", "101002/000905", "收养登记信息", "draft", dict(sharing=NONE_SHARING)),
    ("steward.b", "101002/000906", "census 人口普查信息", "published",
     dict(resource_type="theme.social_security", sharing=OPEN_SHARING)),
]
BRUTE_WORDS = [None, "信息", "户籍", "登记", "证明", "统计", "证", "census", "户籍 信息", "火星"]
BRUTE_FILTERS = [{}, {"provider": A}, {"provider": B}, {"type": "theme.public_service"},
                 {"type": "theme.social_security"}, {"grade": "general-3"}, {"sharing": "none"},
                 {"sharing": "unconditional"}, {"cycle": "monthly"}, {"status": "draft"},
                 {"status": "under_review"}, {"status": "published"}, {"status": "deprecated"},
                 {"status": "archived"}, {"type": "theme.public_service", "cycle": "daily"},
                 {"provider": A, "sharing": "none"}, {"grade": "general-3", "status": "deprecated"}]


class SearchAgainstBruteForce(CatalogNode):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for steward, code, name, state, changes in BRUTE_SET:
            status, view = cls.call_as(steward, "POST", "/v1/catalog/resources",
                                       resource(code, name, **changes))
            assert status == 201, view
            steps = {"draft": [], "under_review": [(steward, "submit")],
                     "published": [(steward, "submit"), ("cdo", "approve")],
                     "deprecated": [(steward, "submit"), ("cdo", "approve"), (steward, "deprecate")],
                     "archived": [(steward, "submit"), ("cdo", "approve"), (steward, "deprecate"),
                                  ("cdo", "archive")]}[state]
            for who, step in steps:
                status, view = cls.call_as(who, "POST", "/v1/catalog/resources/%s/%s" % (code, step),
                                           {"reason": "测试"})
                assert status == 200, view
        # A published resource with a pending version: search follows the current one.
        code, changes = "101002/000901", BRUTE_SET[7][4]
        status, view = cls.call_as("steward.b", "PUT", "/v1/catalog/resources/" + code,
                                   resource(code, "户籍统计草稿信息", **dict(changes, update_cycle="daily")))
        assert status == 200, view

    def views(self):
        """Every resource as the auditor sees it (current version)."""
        out = {}
        for _, code, _, _, _ in BRUTE_SET:
            status, view = self.get("auditor", code)
            self.assertEqual(status, 200, view)
            out[code] = view
        return out

    @staticmethod
    def matches(word, texts):
        """The search's text rules over texts: every part required; a run of
        two or more CJK characters is a phrase, a lone one a prefix of a
        bigram, an English word a prefix of a word."""
        import re
        for part in word.split():
            if re.fullmatch(r"[\u4e00-\u9fff]", part):
                found = any(re.search(part + r"[\u4e00-\u9fff]", t) for t in texts)
            elif re.fullmatch(r"[\u4e00-\u9fff]+", part):
                found = any(part in t for t in texts)
            else:
                found = any(re.search(r"(?<![a-z0-9])" + re.escape(part.lower()), t.lower())
                            for t in texts)
            if not found:
                return False
        return True

    def expected(self, views, who, word, filters):
        org = {"steward.a": A, "steward.b": B, "auditor": "ql.sjt", "approver": "ql.spj"}[who]
        privileged = who == "auditor"
        provider_names = {A: "青岚省公安厅", B: "青岚省民政厅"}
        out = []
        for code, v in sorted(views.items()):
            unshared = v["sharing"]["type"] == "none" and v["provider"] != org and not privileged
            status = filters.get("status")
            if status is None and v["status"] not in ("published", "deprecated"):
                continue
            if status is not None and v["status"] != status:
                continue
            if status in ("draft", "under_review") and not privileged and v["provider"] != org:
                continue
            values = {"provider": v["provider"], "type": v["resource_type"], "grade": v["grade"],
                      "sharing": v["sharing"]["type"], "cycle": v["update_cycle"]}
            if any(values[k] != filters[k] for k in filters if k != "status"):
                continue
            if unshared and any(k in filters for k in ("type", "grade", "cycle")):
                continue
            if word is not None:
                names = [v["name"], code]
                texts = names + [v["summary"], provider_names[v["provider"]]] + \
                    [f[k] for f in v["fields"] for k in ("name", "description") if f.get(k)]
                if not self.matches(word, names if unshared else texts):
                    continue
            out.append(code)
        return out

    def test_every_combination_answers_as_the_rules_say(self):
        views = self.views()
        for who in ("steward.a", "steward.b", "auditor", "approver"):
            for word in BRUTE_WORDS:
                for filters in BRUTE_FILTERS:
                    params = dict(filters, **({"q": word} if word else {}))
                    with self.subTest(who=who, **params):
                        want = self.expected(views, who, word, filters)
                        got = self.search(who, limit=100, **params)
                        codes = [i["code"] for i in got["items"]]
                        self.assertEqual(got["total"], len(want))
                        # Without text in code order; with text by relevance.
                        self.assertEqual(codes if word is None else sorted(codes), want)
                        for item in got["items"]:
                            v = views[item["code"]]
                            orgs = {"steward.a": A, "steward.b": B}
                            restricted = v["sharing"]["type"] == "none" and who != "auditor" and \
                                orgs.get(who) != v["provider"]
                            self.assertEqual(item.get("restricted", False), restricted, item)

    def test_listings_follow_the_current_version_and_status(self):
        def listed(who, code, **params):
            found = [i for i in self.search(who, limit=100, **params)["items"] if i["code"] == code]
            return found[0] if found else None

        def same_as_view(item, view):
            for key in ("fields", "quality", "version_status", "created_at", "updated_at",
                        "provider_uscc", "pending_version"):
                view.pop(key, None)
            self.assertEqual(item, view)

        code = "101002/000901"
        # The pending version (户籍统计草稿信息, daily) is not what search lists.
        self.assertIsNone(listed("auditor", code, q="统计"))
        self.assertIsNone(listed("auditor", code, cycle="daily"))
        same_as_view(listed("auditor", code, cycle="monthly"), self.get("auditor", code)[1])
        # Approved, it is.
        self.publish("steward.b", code)
        item = listed("steward.a", code, q="户籍统计", cycle="daily")
        same_as_view(item, self.get("steward.a", code)[1])
        self.assertEqual((item["name"], item["version"], item["status"]), ("户籍统计草稿信息", 2, "published"))
        self.assertIsNone(listed("steward.a", code, q="婚姻"))
        # A status change moves it between the filters at once.
        status, view = self.step("steward.b", code, "deprecate", reason="合并到新资源")
        self.assertEqual(status, 200, view)
        self.assertIsNone(listed("steward.a", code, status="published"))
        self.assertIsNone(listed("steward.a", code, q="户籍统计", status="published"))
        item = listed("steward.a", code, q="户籍统计", status="deprecated")
        self.assertEqual(item["status"], "deprecated")
        same_as_view(item, self.get("steward.a", code)[1])
        status, view = self.step("cdo", code, "archive", reason="已归档")
        self.assertEqual(status, 200, view)
        self.assertIsNone(listed("steward.a", code, q="户籍统计"))
        self.assertEqual(listed("steward.a", code, q="户籍统计", status="archived")["status"], "archived")


# ---- 7: CSV import and export through the command line -----------------------------

CSV_HEADER = ("资源代码,资源名称,提供方代码,资源摘要,资源类型,资源格式,共享类型,共享条件,共享依据,共享方式,"
              "开放类型,开放条件,开放批准,更新周期,资源分级,关联资源代码,信息项名称,字段名,数据类型,长度,"
              "信息项描述,数据元,信息项分级,个人信息,敏感个人信息,主键")
ELEMENTS_HEADER = "标识符,名称,定义,数据类型,长度,格式,标准依据,权威来源机构,权威来源资源,脱敏方式"


def csv_line(*cells):
    out = []
    for c in cells:
        c = str(c)
        out.append('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') else c)
    return ",".join(out)


def resource_row(code, name, provider, summary, fields_cells, grade="一般2级", sharing="有条件共享",
                 condition="依职责", basis="法规", method="系统对接", related=""):
    return csv_line(code, name, provider, summary, "基础/人口", "数据库", sharing, condition, basis,
                    method, "不予开放", "", "", "每日", grade, related, *fields_cells)


def field_row(code, fields_cells):
    return csv_line(code, *([""] * 15), *fields_cells)


def fcells(name, column, data_type="C", length="50", description="说明", element="", grade="一般2级",
           personal="否", sensitive="否", key="否"):
    return [name, column, data_type, length, description, element, grade, personal, sensitive, key]


ELEMENTS_CSV = "\r\n".join([
    ELEMENTS_HEADER,
    csv_line("DE00001", "公民身份号码", "唯一、终身不变的身份代码", "C", "18", "18位", "GB 11643-1999",
             A, ID_CARD, "id_number"),
    csv_line("DE00012", "婚姻状况", "公民当前的婚姻状况", "C", "2", "2位代码", "GB/T 2261.2-2003", B,
             "101002/000001", "redact"),
]) + "\r\n"

GOOD_CSV = "\r\n".join([
    CSV_HEADER,
    resource_row(ID_CARD, "居民身份证信息", A, "全省居民身份证登记信息，含 \"证件有效期\", 签发机关",
                 fcells("公民身份号码", "gmsfhm", length="18", element="DE00001", grade="一般4级",
                        personal="是", key="是"), related="101002/000001"),
    field_row(ID_CARD, fcells("签发机关", "qfjg", length="100", grade="一般1级")),
    field_row(ID_CARD, fcells("出生日期", "csrq", data_type="D", length="", personal="是",
                              grade="一般3级")),
    resource_row("101002/000001", "婚姻登记信息", B, "结婚、离婚登记信息", fcells(
        "婚姻状况", "hyzk", length="2", element="DE00012", grade="一般3级", personal="是"),
        sharing="不予共享", condition="", method=""),
    field_row("101002/000001", fcells("男方公民身份号码", "nfsfhm", length="18", element="DE00001",
                                      grade="一般4级", personal="是")),
]) + "\r\n"


class CsvImport(CatalogNode):
    ELEMENTS = ()

    def cli(self, *args, d=None):
        return run_cli("catalog", *args, "--dir", d or self.node.dir)

    def write(self, name, text):
        path = os.path.join(self.node.workdir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def assertRefused(self, r):
        """A file with bad rows is a runtime failure (exit 1), not bad usage (2)."""
        self.assertNotEqual(r.returncode, 0, r.stdout)
        with self.subTest("exit status 1"):
            self.assertEqual(r.returncode, 1, r.stderr)

    def import_elements(self, d=None):
        r = self.cli("import", self.write("elements.csv", ELEMENTS_CSV), "--elements", d=d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("imported 2 data elements", r.stdout)

    def test_1_bad_lines_are_named_and_nothing_is_written(self):
        bad = "\r\n".join([
            CSV_HEADER,                                                                       # 1
            resource_row("101001/000011", "出入境记录信息", A, "出入境记录", fcells("证件号码", "zjhm")),  # 2
            field_row("101001/000011", fcells("出境日期", "cjrq", data_type="D", length="",
                                              grade="一般9级")),                            # 3
            resource_row("101001/000012", "户籍信息", A, "户籍登记", fcells("户号", "hh")),   # 4
            field_row("101001/000012", fcells("户主姓名", "hzxm", length="")),               # 5
            resource_row("101001/000013", "暂住信息", A, "暂住登记", fcells("暂住地址", "zzdz")),  # 6
            resource_row("101001/000011", "出入境记录信息", A, "重复", fcells("入境日期", "rjrq",
                                                                        data_type="D", length="")),  # 7
            resource_row("101001/000014", "边检信息", A, "边检登记", fcells("口岸", "ka")),    # 8
        ]) + "\r\n"
        path = self.write("bad.csv", bad)
        before = self.snapshot()
        r = self.cli("import", path)
        self.assertRefused(r)
        lines = r.stderr.strip().splitlines()
        for n in (3, 5, 7):
            self.assertTrue(any(l.startswith("%s:%d: " % (path, n)) for l in lines), (n, r.stderr))
        for n in (1, 2, 4, 6, 8):
            self.assertFalse(any(l.startswith("%s:%d: " % (path, n)) for l in lines), (n, r.stderr))
        self.assertIn("grade", [l for l in lines if l.startswith(path + ":3:")][0])
        self.assertIn("length", [l for l in lines if l.startswith(path + ":5:")][0])
        self.assertIn("3 errors", r.stderr)
        self.assertEqual(self.snapshot(), before)

        # A bad column name on a later row is reported on that row.
        r = self.cli("import", self.write("bad2.csv", "\r\n".join([
            CSV_HEADER,
            resource_row("101001/000015", "签证信息", A, "签证登记", fcells("签证号", "qzh")),
            field_row("101001/000015", fcells("签证类型", "Bad Column")),
        ]) + "\r\n"))
        self.assertRefused(r)
        self.assertTrue(r.stderr.startswith(os.path.join(self.node.workdir, "bad2.csv") + ":3: "),
                        r.stderr)
        # Elements: the same, line by line.
        r = self.cli("import", self.write("bad_elements.csv", "\r\n".join([
            ELEMENTS_HEADER,
            csv_line("DE00021", "护照号码", "护照号码", "C", "9", "", "", A, "", "redact"),
            csv_line("DE00022", "护照号码", "重名", "C", "9", "", "", A, "", "redact"),
            csv_line("DE00023", "签证号码", "签证号码", "C", "", "", "", A, "", "redact"),
        ]) + "\r\n"), "--elements")
        self.assertRefused(r)
        self.assertEqual([l.split(": ")[0].rsplit(":", 1)[1] for l in r.stderr.strip().splitlines()[:-1]],
                         ["3", "4"], r.stderr)
        self.assertEqual(self.snapshot(), before)

    def test_2_good_file_round_trip_and_dcat(self):
        self.import_elements()
        r = self.cli("import", self.write("good.csv", GOOD_CSV))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("imported 2 draft resources", r.stdout)
        for code in (ID_CARD, "101002/000001"):
            status, view = self.get("auditor", code)
            self.assertEqual((status, view["status"], view["version"]), (200, "draft", 1), view)
        status, view = self.get("auditor", ID_CARD)
        self.assertEqual(view["summary"], "全省居民身份证登记信息，含 \"证件有效期\", 签发机关")
        self.assertEqual(view["related"], ["101002/000001"])
        self.assertEqual(view["grade"], "general-4")
        self.assertEqual([(f["column"], f["grade"], f["mask"], f["personal"], f["key"])
                          for f in view["fields"]],
                         [("gmsfhm", "general-4", "id_number", True, True),
                          ("qfjg", "general-1", "keep", False, False),
                          ("csrq", "general-3", "redact", True, False)])
        status, view = self.get("auditor", "101002/000001")
        self.assertEqual(view["sharing"], {"type": "none", "condition": "", "legal_basis": "法规",
                                           "method": ""})
        self.assertEqual((view["fields"][1]["copy"], view["fields"][1]["source_resource"]),
                         (True, ID_CARD))
        # The same codes again: refused, nothing written.
        before = self.snapshot()
        r = self.cli("import", self.write("again.csv", GOOD_CSV))
        self.assertRefused(r)
        self.assertEqual(sorted(l.split(": ")[0].rsplit(":", 1)[1] for l in r.stderr.splitlines()[:-1]),
                         ["2", "5"], r.stderr)
        self.assertEqual(self.snapshot(), before)

        # Published at once with --publish.
        published = "\r\n".join([CSV_HEADER, resource_row(
            "101002/000002", "收养登记信息", B, "收养登记", fcells("收养登记号", "sydjh", key="是"),
            sharing="无条件共享", condition="", basis="")]) + "\r\n"
        r = self.cli("import", self.write("published.csv", published), "--publish")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("imported 1 published resources", r.stdout)
        status, view = self.get("steward.a", "101002/000002")
        self.assertEqual((status, view["status"]), (200, "published"))
        self.assertIsNotNone(view["published_at"])
        status, history = self.call("auditor", "GET", self.path("101002/000002", "/history"))
        self.assertEqual([h["step"] for h in history["history"]], ["import"])
        imports = [e for e in self.ledger() if e["type"] == "catalog.import"]
        self.assertEqual([(e["status"], e["total"], [x["code"] for x in e["resources"]]) for e in imports],
                         [("draft", 2, [ID_CARD, "101002/000001"]), ("published", 1, ["101002/000002"])])

        # Export, import into a fresh node, export again: the same bytes.
        first = os.path.join(self.node.workdir, "export1.csv")
        r = self.cli("export", "--out", first)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(first, "rb") as f:
            exported = f.read()
        self.assertTrue(exported.startswith(CSV_HEADER.encode() + b"\r\n"))
        self.assertEqual(exported.count(b"\r\n"), 1 + 3 + 2 + 1)
        r = subprocess.run([harness.BINARY, "catalog", "export", "--dir", self.node.dir],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual((r.returncode, r.stdout), (0, exported))
        fresh = Node(profile="intl", origin="yiwang.test/catalog-copy")
        try:
            self.populate(fresh.dir, accounts=False)
            self.import_elements(d=fresh.dir)
            r = self.cli("import", first, d=fresh.dir)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("imported 3 draft resources", r.stdout)
            second = os.path.join(fresh.workdir, "export2.csv")
            r = self.cli("export", "--out", second, d=fresh.dir)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(second, "rb") as f:
                self.assertEqual(f.read(), exported)
        finally:
            fresh.close()

        # DCAT-AP from the command line: the published resource only.
        path = os.path.join(self.node.workdir, "catalog.jsonld")
        r = self.cli("export", "--format", "dcat", "--out", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertIn("@context", doc)
        self.assertIsInstance(doc["@graph"], list)
        datasets = [n["dct:identifier"] for n in doc["@graph"] if n.get("@type") == "dcat:Dataset"]
        self.assertEqual(datasets, ["101002/000002"])
        self.assertEqual(self.cli("export", "--format", "xml").returncode, 2)
        self.assertEqual(run_cli("catalog", "import", "--dir", self.node.dir).returncode, 2)


# ---- 9: quality ---------------------------------------------------------------------

class Quality(CatalogNode):
    ELEMENTS = (ID_ELEMENT, NAME_ELEMENT)

    def test_completeness_and_timeliness(self):
        code = "101001/000901"
        complete = resource(code, "人口基础信息", summary="全省实有人口的基础登记信息，用于政务服务中的身份核验与人口统计",
                            update_cycle="realtime", fields=[
                                field("gmsfhm", "公民身份号码", grade="general-4", length=18,
                                      element="DE00001", personal=True, key=True, description="身份号码"),
                                field("xm", "姓名", element="DE00002", personal=True, description="姓名")])
        view = self.create("steward.a", complete)
        self.assertEqual(view["quality"], {"completeness": 1.0, "missing": [], "timeliness": "no_data",
                                           "data_updated_at": None, "late_days": 0, "grants": 0,
                                           "deliveries": 0})
        # Without any field description: one of four checks fails.
        bare = copy.deepcopy(complete)
        for f in bare["fields"]:
            del f["description"]
        status, view = self.call("steward.a", "PUT", self.path(code), bare)
        self.assertEqual(status, 200, view)
        self.assertEqual((view["quality"]["completeness"], view["quality"]["missing"]),
                         (0.75, ["field_descriptions"]))
        # Half described: half of that check.
        half = copy.deepcopy(complete)
        del half["fields"][1]["description"]
        status, view = self.call("steward.a", "PUT", self.path(code), half)
        self.assertEqual((view["quality"]["completeness"], view["quality"]["missing"]),
                         (0.875, ["field_descriptions"]))
        # A short summary, no element, no key: everything is missing.
        poor = resource(code, "人口基础信息", summary="人口信息", update_cycle="other",
                        fields=[field("xm", "姓名")])
        status, view = self.call("steward.a", "PUT", self.path(code), poor)
        self.assertEqual((view["quality"]["completeness"], view["quality"]["missing"]),
                         (0.0, ["summary", "field_descriptions", "field_elements", "key_fields"]))
        self.assertEqual(view["quality"]["timeliness"], "not_applicable")
        status, view = self.get("steward.b", code)
        self.assertEqual(status, 404)  # a draft


if __name__ == "__main__":
    harness.main()
