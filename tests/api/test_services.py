"""One-stop services (一网通办) against the real binary: service items and their
rules, cases from every channel, materials fetched through the exchange
(and the fallback to upload when that fails), every step of the state
machine by the roles allowed and refused, working-day deadlines with the
clock paused for supplements, cross-province hand-over (异地代收代办), and the
ledger entries of it all.

The cast: the data authority DSJ (its CDO reviews the catalog and oversees
cases); the public-security department P, which publishes the population
resource POP and loads its records; the civil-affairs department C, which
implements the marriage-registration item, holds case.accept, case.approve
and item.qr, and a standing grant on POP for its one-stop system; a
service centre R in another province that receives applications for C
(异地代收代办); citizens, one with a population record and one without."""
import datetime
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import test_exchange as ex  # noqa: E402  (the catalog, records and calendar helpers)
from harness import Node, run_cli  # noqa: E402

PASSWORD = "Qinglan-Services-Tests-2026!"
DSJ, P, C, R, O = "ql.dsj", "ql.gat", "ql.mzt", "hs.zwzx", "ql.wjw"
ORGS = [(DSJ, "青岚省大数据管理局", "data_authority"), (P, "青岚省公安厅", "department"),
        (C, "青岚省民政厅", "department"), (O, "青岚省卫生健康委员会", "department")]
STAFF = [("cdo", DSJ, "cdo"), ("steward.p", P, "data_steward"), ("steward.c", C, "data_steward"),
         ("clerk.c", C, "window_clerk"), ("approver.c", C, "approver"),
         ("assistant.c", C, "assistant"), ("approver.o", O, "approver"),
         ("clerk.o", O, "window_clerk"), ("supervisor.o", O, "supervisor"),
         ("clerk.r", R, "window_clerk")]
LIAISONS = {C: ("王联络", "13800000001"), O: ("李联络", "13800000002")}
CITIZEN, CITIZEN2, NOBODY = ex.CITIZEN, ex.CITIZEN2, ex.NOBODY  # NOBODY: no record
POP = ex.POP
MARRIAGE = "QR-00031-001"
BIRTH = "GG-00102-000"


def item_body(code=MARRIAGE, **kw):
    body = {
        "code": code, "name": "内地居民结婚登记",
        "legal_basis": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条",
        "objects": ["citizen"],
        "conditions": "男女双方自愿结婚，达到法定婚龄，双方均无配偶，无禁止结婚的亲属关系",
        "materials": [
            {"name": "居民户口簿", "required": True, "form": "original", "resource": POP,
             "fields": ["xm", "zz"], "key_field": "gmsfhm"},
            {"name": "本人近期二寸合影照片", "required": True, "form": "original", "copies": 3},
            {"name": "婚前医学检查证明", "required": False},
        ],
        "form_fields": [
            {"name": "spouse_name", "label": "配偶姓名", "type": "text", "required": True},
            {"name": "wedding_date", "label": "拟登记日期", "type": "date"},
            {"name": "first_marriage", "label": "是否初婚", "type": "bool"},
        ],
        "steps": ["申请", "受理", "审查", "登记发证"],
        "legal_days": 5, "promised_days": 3,
        "fees": {"charged": True, "basis": "发改价格〔2019〕xx号（测试）", "standard": "9元/对"},
        "channels": ["online", "mobile", "window", "kiosk", "assisted"],
        "online_depth": 3, "cross_province": "异地代收代办", "supervisors": [O],
        "result": "结婚证", "visits": 1,
    }
    body.update(kw)
    return body


class ServicesNode(harness.unittest.TestCase):
    PROFILE = "intl"

    @classmethod
    def setUpClass(cls):
        cls.node = Node(profile=cls.PROFILE, origin="yiwang.test/services")
        try:
            d = cls.node.dir
            for code, name, kind in ORGS:
                liaison = LIAISONS.get(code)
                r = run_cli("org", "add", "--dir", d, "--code", code, "--name", name, "--level",
                            "province", "--division", "110000", "--kind", kind,
                            *(("--liaison", liaison[0], "--liaison-phone", liaison[1])
                              if liaison else ()))
                assert r.returncode == 0, r.stderr
            harness.add_orgs(d, [(R, "河山省政务服务中心", "department")], division="130000")
            for org, action in ((DSJ, "catalog.review"), (DSJ, "case.oversee"),
                                (DSJ, "exchange.arbitrate"), (C, "item.qr"),
                                (C, "case.accept"), (C, "case.approve"), (O, "item.gg"),
                                (O, "supervision.claim")):
                r = run_cli("org", "power", "--dir", d, "--code", org, "--action", action)
                assert r.returncode == 0, r.stderr
            harness.add_staff(d, STAFF, PASSWORD)
            cls.configure(d)
            for name, number in (("张三", CITIZEN), ("欧阳娜娜", CITIZEN2), ("赵六", NOBODY)):
                harness.add_citizen(d, name, number, PASSWORD)
            cls.node.start()
            cls.sessions = {login: cls.node.sign_in(login, PASSWORD) for login, _, _ in STAFF}
            cls.sessions["citizen"] = cls.node.sign_in(CITIZEN, PASSWORD)
            cls.sessions["citizen2"] = cls.node.sign_in(CITIZEN2, PASSWORD)
            cls.sessions["nobody"] = cls.node.sign_in(NOBODY, PASSWORD)
            for e in ex.ELEMENTS:
                status, body = cls.call_as("cdo", "POST", "/v1/catalog/elements",
                                           ex.element_body(*e))
                assert status == 201, body
            ex.ExchangeNode.publish.__func__(cls, POP, "人口基础信息", ex.POP_FIELDS,
                                             {"type": "unconditional", "method": "api"})
            ex.ExchangeNode.load_records.__func__(cls, POP, ex.POP_COLUMNS, ex.POP_RECORDS)
            # C's one-stop system and its standing grant on POP.
            r = run_cli("key", "create", "--dir", d, "--name", "婚姻登记一网通办系统", "--org", C,
                        "--role", "data_steward")
            assert r.returncode == 0, r.stderr
            cls.system_key = r.stdout.strip().splitlines()[-1].split(".")[0]
            today = ex.china_today()
            status, app = cls.call_as("steward.c", "POST", "/v1/exchange/applications", {
                "resource": POP, "key_id": cls.system_key, "fields": ["gmsfhm", "xm", "zz"],
                "purpose": "婚姻登记核验", "scenario": "婚姻登记时核验当事人户籍",
                "valid_from": (today - datetime.timedelta(days=1)).isoformat(),
                "valid_to": (today + datetime.timedelta(days=365)).isoformat()})
            assert status == 201 and app["status"] == "approved", app
            cls.grant = app["grant"]
            status, item = cls.call_as("approver.c", "POST", "/v1/services/items", item_body())
            assert status == 201, item
            # A kiosk of C's hall: a system key with the window_clerk role.
            r = run_cli("key", "create", "--dir", d, "--name", "民政大厅自助终端", "--org", C,
                        "--role", "window_clerk")
            assert r.returncode == 0, r.stderr
            cls.kiosk = r.stdout.strip().splitlines()[-1]
        except BaseException:
            cls.node.close()
            raise

    @classmethod
    def configure(cls, d):
        """Before the node starts: the bundled calendars."""
        cls.marks = ex.load_calendar()

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.node.proc is not None:
                rc = cls.node.stop()
                assert rc == 0, "node exited %s:\n%s" % (rc, "".join(cls.node.stderr_lines[-60:]))
        finally:
            cls.node.close()

    @classmethod
    def call_as(cls, who, method, path, body=None):
        return cls.node.call(method, path, body, session=cls.sessions[who] if who else None)

    def call(self, who, method, path, body=None):
        return self.call_as(who, method, path, body)

    def assertError(self, answer, status, field=None):
        got, body = answer
        self.assertEqual(got, status, body)
        self.assertEqual(set(body), {"error"}, body)
        if field is not None:
            self.assertEqual(body["error"].get("field"), field, body)

    def entries(self):
        return [e for _, _, e in ex.ExchangeNode.entries(self)]

    def entries_of(self, prefix):
        return [e for e in self.entries() if e["type"].startswith(prefix)]

    def apply_online(self, who="citizen", submit=False, **kw):
        body = {"item": MARRIAGE, "form": {"spouse_name": "李四", "first_marriage": True},
                "submit": submit}
        body.update(kw)
        return self.call(who, "POST", "/v1/services/cases", body)

    def upload_photo(self, who, case_id, index=1):
        return self.call(who, "POST", "/v1/services/cases/%s/materials/%d" % (case_id, index),
                         {"file_name": "合影.jpg", "media_type": "image/jpeg",
                          "content_base64": "/9j/4AAQSkZJRgABAQ=="})

    def step(self, who, case_id, step, **body):
        return self.call(who, "POST", "/v1/services/cases/%s/%s" % (case_id, step), body or None)

    def submitted_case(self, who="citizen"):
        status, case = self.apply_online(who)
        self.assertEqual(status, 201, case)
        status, case = self.upload_photo(who, case["id"])
        self.assertEqual(status, 200, case)
        status, case = self.step(who, case["id"], "submit")
        self.assertEqual((status, case.get("state")), (200, "submitted"), case)
        return case


class Items(ServicesNode):
    def test_1_an_item_is_checked_stored_and_found(self):
        status, item = self.node.call("GET", "/v1/services/items/" + MARRIAGE)  # public
        self.assertEqual(status, 200, item)
        self.assertEqual((item["type"], item["org"], item["cross_province"], item["promised_days"]),
                         ("QR", C, "proxy", 3))
        self.assertEqual(item["materials"][0]["resource"], POP)
        self.assertEqual(item["materials"][1], {"name": "本人近期二寸合影照片", "required": True,
                                                "form": "original", "copies": 3})
        # Found in Chinese (two characters, one character, a phrase) and by code.
        for q, found in (("婚姻", True), ("结婚登记", True), ("婚", True), ("户口簿", True),
                         ("qr", True), ("出生", False), ("登记 出生", False)):
            with self.subTest(q=q):
                status, page = self.node.call("GET", "/v1/services/items?q=" + urllib.parse.quote(q))
                self.assertEqual(status, 200, page)
                self.assertEqual(MARRIAGE in [i["code"] for i in page["items"]], found, page)
        status, page = self.node.call("GET", "/v1/services/items?org=%s&object=enterprise" % C)
        self.assertEqual(page["total"], 0, page)
        # The ledger names who made it.
        made = [e for e in self.entries_of("services.item.") if e["item"] == MARRIAGE]
        self.assertEqual([(e["type"], e["actor"]) for e in made],
                         [("services.item.create", "account:approver.c")])

    def test_2_bad_items_are_refused_whole(self):
        before = self.node.call("GET", "/v1/services/items")[1]["total"]
        for body, field in (
                (item_body(code="QR-0031-001"), "code"),
                (item_body(code="ZZ-00031-001"), "code"),
                (item_body(type="XK"), "type"),
                (item_body(code="XK-00031-001"), "org"),  # C does not hold item.xk
                (item_body(promised_days=9), "promised_days"),
                (item_body(channels=["fax"]), "channels"),
                (item_body(objects=[]), "objects"),
                (item_body(name=""), "name"),
                (item_body(supervisors=["no.such"]), "supervisors[0]"),
                (item_body(materials=[{"name": "户口簿", "resource": "999999/1",
                                       "fields": ["xm"], "key_field": "gmsfhm"}]),
                 "materials[0].resource"),
                (item_body(materials=[{"name": "户口簿", "resource": POP, "fields": ["nope"],
                                       "key_field": "gmsfhm"}]), "materials[0].resource"),
                (item_body(colour="red"), "colour")):
            with self.subTest(field=field):
                self.assertError(self.call("approver.c", "POST", "/v1/services/items", body), 400,
                                 field)
        self.assertError(self.call("approver.c", "POST", "/v1/services/items", item_body()), 409,
                         "code")
        # Only the implementing organisation's approvers (or CDO) write its items.
        self.assertError(self.call("steward.c", "POST", "/v1/services/items",
                                   item_body(code="QR-00031-002")), 403)
        self.assertError(self.call("approver.o", "POST", "/v1/services/items",
                                   item_body(code="QR-00031-002", org=C)), 403)
        self.assertError(self.call("citizen", "POST", "/v1/services/items",
                                   item_body(code="QR-00031-002")), 403)
        self.assertEqual(self.node.call("GET", "/v1/services/items")[1]["total"], before)


class Cases(ServicesNode):
    def test_1_data_runs_not_people(self):
        before = len(self.entries_of("exchange.delivery"))
        status, case = self.apply_online()
        self.assertEqual(status, 201, case)
        self.assertEqual((case["state"], case["channel"], case["receiving_org"], case["org"]),
                         ("draft", "online", C, C))
        self.assertEqual(case["applicant"]["id"], CITIZEN)
        shared, photo, check = case["materials"]
        # The household register came through the exchange, masked by the grant.
        self.assertEqual((shared["source"], shared["grant"], shared["required"]),
                         ("sharing", self.grant, True), shared)
        self.assertEqual(shared["record"], {"xm": "张*", "zz": "北京市东城区***"})
        deliveries = self.entries_of("exchange.delivery")
        self.assertEqual(len(deliveries), before + 1)
        delivery = deliveries[-1]
        self.assertEqual((delivery["consumer"], delivery["resource"], delivery["grant"]),
                         (C, POP, self.grant))
        self.assertEqual(shared["ledger_index"], self.index_of(delivery))
        self.assertEqual((photo["source"], photo["required"]), ("missing", True))
        self.assertEqual((check["source"], check["required"]), ("missing", False))
        # The photo is still missing: not yet submittable; uploaded, it is.
        self.assertError(self.step("citizen", case["id"], "submit"), 409, "materials")
        status, case = self.upload_photo("citizen", case["id"])
        self.assertEqual((status, case["materials"][1]["source"]), (200, "upload"), case)
        self.assertEqual(case["materials"][1]["file"]["size"], 13)
        self.assertNotIn("content_base64", case["materials"][1]["file"])
        self.assertError(self.upload_photo("citizen", case["id"], index=0), 404, "index")
        status, case = self.step("citizen", case["id"], "submit")
        self.assertEqual((status, case["state"]), (200, "submitted"), case)
        # The citizen sees the delivery in "who used my data".
        for _ in range(50):  # the subject index is written four times a second
            status, uses = self.call("citizen", "GET", "/v1/me/data-uses")
            if shared["ledger_index"] in [u["ledger_index"] for u in uses["uses"]]:
                break
            time.sleep(0.1)
        self.assertIn(shared["ledger_index"], [u["ledger_index"] for u in uses["uses"]])
        # The case's ledger entries carry no identity number.
        mine = [e for e in self.entries_of("services.case.") if e["case"] == case["id"]]
        self.assertEqual([e["type"] for e in mine],
                         ["services.case.create", "services.case.upload", "services.case.submit"])
        self.assertNotIn(CITIZEN, str(mine))
        self.assertEqual({e["actor"] for e in mine}, {"citizen:applicant"})
        self.assertEqual(mine[0]["materials"][0]["delivery"], shared["ledger_index"])

    def index_of(self, entry):
        return [i for i, e in enumerate(self.entries()) if e == entry][0]

    def test_2_a_failed_fetch_falls_back_to_upload(self):
        # No population record of this citizen: the applicant is told, and uploads.
        status, case = self.apply_online("nobody")
        self.assertEqual(status, 201, case)
        shared = case["materials"][0]
        self.assertEqual(shared["source"], "missing")
        self.assertIn("no record", shared["note"])
        status, case = self.call("nobody", "POST",
                                 "/v1/services/cases/%s/materials/0" % case["id"],
                                 {"file_name": "户口簿.pdf", "media_type": "application/pdf",
                                  "content_base64": "JVBERi0xLjQK"})
        self.assertEqual((status, case["materials"][0]["source"]), (200, "upload"), case)
        # The grant suspended: the fetch is refused (and ledgered), the case says why.
        status, _ = self.call("cdo", "POST", "/v1/exchange/grants/%s/suspend" % self.grant,
                              {"reason": "核查期间暂停"})
        self.assertEqual(status, 200)
        try:
            status, case = self.apply_online()
            self.assertEqual(status, 201, case)
            self.assertEqual(case["materials"][0]["source"], "missing")
            self.assertIn("suspended", case["materials"][0]["note"])
        finally:
            status, _ = self.call("cdo", "POST", "/v1/exchange/grants/%s/resume" % self.grant,
                                  {"reason": "核查完毕"})
            self.assertEqual(status, 200)

    def test_3_every_step_by_its_role(self):
        case = self.submitted_case()
        cid = case["id"]
        # Refused: the wrong people, the wrong state, a missing reason.
        self.assertError(self.step("citizen", cid, "accept"), 403)
        self.assertError(self.step("clerk.o", cid, "accept"), 404)       # another organisation's
        self.assertError(self.step("steward.c", cid, "accept"), 403)     # no such role
        self.assertError(self.step("approver.c", cid, "approve"), 409, "state")
        self.assertError(self.step("clerk.c", cid, "reject"), 400, "reason")
        self.assertError(self.step("citizen2", cid, "withdraw"), 404)    # not theirs: no case
        self.assertError(self.step("clerk.c", cid, "fly"), 404)
        status, case = self.step("clerk.c", cid, "accept")
        self.assertEqual((status, case["state"]), (200, "accepted"), case)
        self.assertError(self.step("citizen", cid, "withdraw"), 409, "state")
        self.assertError(self.step("clerk.c", cid, "review"), 403)       # approvers review
        status, case = self.step("approver.c", cid, "review")
        self.assertEqual(case["state"], "under_review", case)
        self.assertError(self.step("clerk.c", cid, "approve"), 403)
        status, case = self.step("approver.c", cid, "approve", decision="准予登记",
                                 certificate={"name": "结婚证", "number": "J110101-2026-000123"})
        self.assertEqual((status, case["state"]), (200, "approved"), case)
        self.assertEqual(case["decision"]["certificate"]["number"], "J110101-2026-000123")
        status, case = self.step("clerk.c", cid, "issue", delivery="window")
        self.assertEqual(case["state"], "result_issued", case)
        self.assertError(self.step("citizen", cid, "close"), 403)
        status, case = self.step("clerk.c", cid, "close")
        self.assertEqual(case["state"], "closed", case)
        self.assertEqual([s["step"] for s in case["steps"]],
                         ["create", "submit", "accept", "review", "approve", "issue", "close"])
        self.assertEqual(case["steps"][2]["actor"], "account:clerk.c")
        # Not accepted, with its reason; denied, with its reason.
        other = self.submitted_case()
        status, other = self.step("clerk.c", other["id"], "reject", reason="申请人不符合法定婚龄")
        self.assertEqual((other["state"], other["steps"][-1]["reason"]),
                         ("not_accepted", "申请人不符合法定婚龄"))
        third = self.submitted_case()
        for who, step in (("clerk.c", "accept"), ("approver.c", "review")):
            self.assertEqual(self.step(who, third["id"], step)[0], 200)
        self.assertError(self.step("approver.c", third["id"], "deny"), 400, "reason")
        status, third = self.step("approver.c", third["id"], "deny", reason="一方有配偶")
        self.assertEqual((third["state"], third["decision"]["outcome"]), ("denied", "denied"))
        # The applicant withdraws a draft.
        status, draft = self.apply_online()
        status, draft = self.step("citizen", draft["id"], "withdraw")
        self.assertEqual(draft["state"], "closed")

    # The state machine, every step from every state by every kind of caller:
    # (path from a new draft, as (who, step) pairs) for each state.
    PATHS = {
        "draft": [],
        "submitted": [("citizen", "submit")],
        "accepted": [("citizen", "submit"), ("clerk.c", "accept")],
        "not_accepted": [("citizen", "submit"), ("clerk.c", "reject")],
        "supplement_requested": [("citizen", "submit"), ("clerk.c", "accept"),
                                 ("clerk.c", "request_supplement")],
        "under_review": [("citizen", "submit"), ("clerk.c", "accept"), ("approver.c", "review")],
        "approved": [("citizen", "submit"), ("clerk.c", "accept"), ("approver.c", "review"),
                     ("approver.c", "approve")],
        "denied": [("citizen", "submit"), ("clerk.c", "accept"), ("approver.c", "review"),
                   ("approver.c", "deny")],
        "result_issued": [("citizen", "submit"), ("clerk.c", "accept"), ("approver.c", "review"),
                          ("approver.c", "approve"), ("clerk.c", "issue")],
        "closed": [("citizen", "submit"), ("clerk.c", "accept"), ("approver.c", "review"),
                   ("approver.c", "approve"), ("clerk.c", "issue"), ("clerk.c", "close")],
    }
    # step: (states it leaves, state it reaches, who may take it)
    STEPS = {
        "submit": (["draft"], "submitted", {"citizen"}),
        "withdraw": (["draft", "submitted", "supplement_requested"], "closed", {"citizen"}),
        "supplement": (["supplement_requested"], "accepted", {"citizen"}),  # back where it was
        "forward": (["submitted"], "submitted", {"clerk.c"}),  # nothing to hand over: 409
        "accept": (["submitted"], "accepted", {"clerk.c", "approver.c"}),
        "reject": (["submitted"], "not_accepted", {"clerk.c", "approver.c"}),
        "request_supplement": (["submitted", "accepted", "under_review"], "supplement_requested",
                               {"clerk.c", "approver.c"}),
        "review": (["accepted"], "under_review", {"approver.c"}),
        "approve": (["under_review"], "approved", {"approver.c"}),
        "deny": (["under_review"], "denied", {"approver.c"}),
        "issue": (["approved", "denied"], "result_issued", {"clerk.c", "approver.c"}),
        "close": (["result_issued", "not_accepted"], "closed", {"clerk.c", "approver.c"}),
    }
    CALLERS = ["citizen", "citizen2", "clerk.c", "approver.c", "steward.c", "cdo", "clerk.o",
               "supervisor.o"]
    SEES = {"citizen", "clerk.c", "approver.c", "steward.c", "cdo"}  # an online case of C

    def case_in(self, state):
        status, case = self.apply_online()
        self.assertEqual(status, 201, case)
        self.assertEqual(self.upload_photo("citizen", case["id"])[0], 200)
        for who, step in self.PATHS[state]:
            status, case = self.step(who, case["id"], step, reason="理由") if step in (
                "reject", "request_supplement", "deny") else self.step(who, case["id"], step)
            self.assertEqual(status, 200, (state, who, step, case))
        self.assertEqual(case["state"], state)
        return case["id"]

    def test_8_every_step_from_every_state_by_every_caller(self):
        checked = 0
        for state in self.PATHS:
            cid = self.case_in(state)
            for step, (sources, target, takers) in self.STEPS.items():
                for who in self.CALLERS:
                    body = {"reason": "理由"} if step in ("reject", "request_supplement",
                                                        "deny") else {}
                    allowed = who in takers and state in sources and step != "forward"
                    if allowed:  # on a case of its own, so that this one stays as it is
                        target_id = self.case_in(state)
                    else:
                        target_id = cid
                    status, answer = self.step(who, target_id, step, **body)
                    expected = (404 if who not in self.SEES else
                                403 if who not in takers else
                                409 if not allowed else 200)
                    with self.subTest(state=state, step=step, who=who):
                        self.assertEqual(status, expected, answer)
                        if allowed:
                            self.assertEqual(answer["state"], target)
                        else:
                            self.assertEqual(self.call("citizen", "GET",
                                                       "/v1/services/cases/" + cid)[1]["state"],
                                             state)
                    checked += 1
        self.assertEqual(checked, len(self.PATHS) * len(self.STEPS) * len(self.CALLERS))

    def test_4_working_day_deadlines_and_the_paused_clock(self):
        marks = ex.load_calendar()
        case = self.submitted_case()
        cid = case["id"]
        status, case = self.step("clerk.c", cid, "accept")
        self.assertEqual(status, 200, case)
        today = ex.china_today()
        due = ex.add_working_days(today, 3, marks)
        self.assertEqual((case["due"], case["overdue"]), (due.isoformat(), False))
        status, case = self.step("clerk.c", cid, "request_supplement", reason="照片不清晰")
        self.assertEqual((case["state"], case["paused"]), ("supplement_requested", True))
        # Ten days pass while the applicant supplements: the clock stood still.
        self.node.db.execute("UPDATE yw_service_cases SET paused_day = paused_day - 10 "
                             "WHERE id = '%s'" % cid)
        status, case = self.step("citizen", cid, "supplement")
        self.assertEqual((status, case["state"], case["paused"]), (200, "accepted", False), case)
        paused_from = today - datetime.timedelta(days=10)
        lost = sum(1 for k in range(1, 11)
                   if ex.is_working_day(paused_from + datetime.timedelta(days=k), marks))
        self.assertEqual(case["due"], ex.add_working_days(due, lost, marks).isoformat())
        # Overdue and near-due lists for the organisation.
        self.node.db.execute("UPDATE yw_service_cases SET due_day = due_day - 30 "
                             "WHERE id = '%s'" % cid)
        status, page = self.call("clerk.c", "GET", "/v1/services/cases?due=overdue")
        self.assertEqual(status, 200, page)
        self.assertIn(cid, [c["id"] for c in page["cases"] if c["overdue"]])
        status, page = self.call("clerk.c", "GET", "/v1/services/cases?due=near")
        self.assertNotIn(cid, [c["id"] for c in page["cases"]])
        self.assertError(self.call("clerk.c", "GET", "/v1/services/cases?due=soon"), 400, "due")

    def cases_rows(self):
        snap = self.node.db.snapshot()
        return {t: snap[t] for t in ("yw_service_cases", "yw_service_materials",
                                     "yw_service_case_steps")}

    def test_5_window_kiosk_and_assisted(self):
        applicant = {"kind": "citizen", "id_number": CITIZEN, "name": "张三"}
        before = self.cases_rows()
        body = {"item": MARRIAGE, "form": {"spouse_name": "李四"}}
        # The window checks identity in person.
        self.assertError(self.call("clerk.c", "POST", "/v1/services/cases",
                                   dict(body, applicant=applicant)), 400,
                         "applicant.identity_checked")
        self.assertError(self.call("clerk.c", "POST", "/v1/services/cases",
                                   dict(body, applicant=dict(applicant, id_number="110101198506121235",
                                                             identity_checked=True))), 400,
                         "applicant.id_number")
        self.assertEqual(self.cases_rows(), before)  # nothing written by what was refused
        status, case = self.call("clerk.c", "POST", "/v1/services/cases",
                                 dict(body, applicant=dict(applicant, identity_checked=True)))
        self.assertEqual((status, case["channel"], case["materials"][0]["source"]),
                         (201, "window", "sharing"), case)
        # The applicant sees it too.
        self.assertEqual(self.call("citizen", "GET", "/v1/services/cases/" + case["id"])[0], 200)
        # A kiosk is a system key.
        status, kiosk = self.node.call("POST", "/v1/services/cases",
                                       dict(body, applicant=dict(applicant, identity_checked=True)),
                                       token=self.kiosk)
        self.assertEqual((status, kiosk["channel"]), (201, "kiosk"), kiosk)
        # 帮办代办: with the applicant's consent, recorded.
        self.assertError(self.call("assistant.c", "POST", "/v1/services/cases",
                                   dict(body, applicant=applicant)), 400, "consent")
        status, assisted = self.call("assistant.c", "POST", "/v1/services/cases",
                                     dict(body, applicant=applicant,
                                          consent={"method": "授权委托书", "reference": "WT-2026-0042"}))
        self.assertEqual((status, assisted["channel"], assisted["consent"]["method"]),
                         (201, "assisted", "letter"), assisted)
        # Refused: a clerk posing as online, a citizen at the window, a channel the item lacks.
        self.assertError(self.call("clerk.c", "POST", "/v1/services/cases",
                                   dict(body, channel="online", applicant=applicant)), 403, "channel")
        self.assertError(self.apply_online(channel="window"), 400, "channel")
        self.assertError(self.call("citizen", "POST", "/v1/services/cases",
                                   {"item": "QR-99999-001"}), 400, "item")
        self.assertError(self.apply_online(form={"shoe_size": 42}), 400, "form.shoe_size")
        self.assertError(self.apply_online(form={"wedding_date": "2026-02-30"}), 400,
                         "form.wedding_date")
        self.assertError(self.apply_online(submit=True, form={}), 400, "form")
        self.assertError(self.apply_online(submit=True), 409, "materials")  # the photo
        self.assertError(self.call("approver.c", "POST", "/v1/services/cases", body), 403)

    def test_6_received_elsewhere_handed_over(self):
        applicant = {"kind": "citizen", "id_number": CITIZEN, "name": "张三", "identity_checked": True}
        status, case = self.call("clerk.r", "POST", "/v1/services/cases",
                                 {"item": MARRIAGE, "applicant": applicant,
                                  "form": {"spouse_name": "李四"}})
        self.assertEqual(status, 201, case)
        self.assertEqual((case["receiving_org"], case["org"], case["handover"]["mode"],
                          case["handover"]["receiving_division"], case["handover"]["forwarded"]),
                         (R, C, "proxy", "130000", False), case)
        cid = case["id"]
        self.assertEqual(self.upload_photo("clerk.r", cid)[0], 200)
        self.assertEqual(self.step("clerk.r", cid, "submit")[0], 200)
        self.assertError(self.step("clerk.c", cid, "accept"), 409, "state")   # not handed over
        self.assertError(self.step("clerk.c", cid, "forward"), 403)           # not the receiver
        status, case = self.step("clerk.r", cid, "forward")
        self.assertEqual((status, case["handover"]["forwarded"]), (200, True), case)
        self.assertError(self.step("clerk.r", cid, "forward"), 409, "state")
        self.assertError(self.step("clerk.r", cid, "accept"), 403)            # R does not handle it
        self.assertEqual(self.step("clerk.c", cid, "accept")[0], 200)
        # Both sides see it; a third organisation does not.
        self.assertEqual(self.call("clerk.r", "GET", "/v1/services/cases/" + cid)[0], 200)
        self.assertError(self.call("clerk.o", "GET", "/v1/services/cases/" + cid), 404)
        # An item without 跨省通办 is not received in another division.
        birth = item_body(code=BIRTH, name="出生医学证明办理", org=O, objects=["citizen"],
                          materials=[], form_fields=[], cross_province="none", supervisors=[])
        status, item = self.call("approver.o", "POST", "/v1/services/items", birth)
        self.assertEqual(status, 201, item)
        self.assertError(self.call("clerk.r", "POST", "/v1/services/cases",
                                   {"item": BIRTH, "applicant": applicant}), 400, "channel")

    def test_7_who_sees_which_cases(self):
        mine = self.submitted_case()
        theirs = self.submitted_case("citizen2")
        status, page = self.call("citizen", "GET", "/v1/services/cases")
        ids = [c["id"] for c in page["cases"]]
        self.assertIn(mine["id"], ids)
        self.assertNotIn(theirs["id"], ids)
        self.assertError(self.call("citizen", "GET", "/v1/services/cases/" + theirs["id"]), 404)
        for who, sees in (("clerk.c", True), ("cdo", True), ("clerk.o", False)):
            with self.subTest(who=who):
                status, page = self.call(who, "GET", "/v1/services/cases?limit=200")
                self.assertEqual(status, 200, page)
                self.assertEqual(theirs["id"] in [c["id"] for c in page["cases"]], sees)
        self.assertError(self.node.call("GET", "/v1/services/cases"), 401)


class SpringFestival(ServicesNode):
    """Deadlines across a holiday with adjusted working days (春节 and its 调休), laid
    from tomorrow in the node's own calendar (calendar_dir), as the admin keeps it."""

    @classmethod
    def configure(cls, d):
        today = ex.china_today()
        lines = {}
        cls.marks = {}
        for k in range(1, 8):  # 初一 to 初七: the weekdays among them are off
            day = today + datetime.timedelta(days=k)
            if day.weekday() < 5:
                lines.setdefault(day.year, []).append("%s off 春节" % day.isoformat())
                cls.marks[day] = False
        k = 8
        while len([m for m in cls.marks.values() if m]) < 2:  # the weekend days after: 调休上班
            day = today + datetime.timedelta(days=k)
            if day.weekday() >= 5:
                lines.setdefault(day.year, []).append("%s work 春节调休" % day.isoformat())
                cls.marks[day] = True
            k += 1
        cal = os.path.join(cls.node.workdir, "calendar")
        os.makedirs(cal)
        for year, entries in lines.items():
            with open(os.path.join(cal, "%d.txt" % year), "w", encoding="utf-8") as f:
                f.write("# 测试用节假日安排\n" + "\n".join(entries) + "\n")
        with open(os.path.join(d, "yiwang.conf"), "a", encoding="utf-8") as f:
            f.write("calendar_dir = %s\n" % cal)

    def test_deadlines_skip_the_holiday_and_count_its_adjusted_weekend(self):
        today = ex.china_today()
        case = self.submitted_case()
        status, case = self.step("clerk.c", case["id"], "accept")
        self.assertEqual(status, 200, case)
        due = ex.add_working_days(today, 3, self.marks)
        self.assertEqual(case["due"], due.isoformat())
        # Three working days after the holiday's seven days, counting the adjusted weekend.
        self.assertGreater(due, today + datetime.timedelta(days=7))
        self.assertTrue(self.marks[due] if due in self.marks else due.weekday() < 5)
        # Near-due within 3 working days lists it; within 1 does not.
        for within, listed in ((3, True), (1, False)):
            status, page = self.call("clerk.c", "GET",
                                     "/v1/services/cases?due=near&within=%d" % within)
            self.assertEqual(case["id"] in [c["id"] for c in page["cases"]], listed, within)
        # The supervision claim deadline counts the same calendar.
        self.assertEqual(self.step("approver.c", case["id"], "review")[0], 200)
        self.assertEqual(self.step("approver.c", case["id"], "approve")[0], 200)
        status, page = self.call("clerk.c", "GET", "/v1/services/supervision?case=" + case["id"])
        self.assertEqual(page["tasks"][0]["claim_due"],
                         ex.add_working_days(today, 2, self.marks).isoformat())


class Supervision(ServicesNode):
    """审管联动: approval pushes a task to each supervising organisation."""

    def approved_case(self):
        case = self.submitted_case()
        cid = case["id"]
        for who, step in (("clerk.c", "accept"), ("approver.c", "review")):
            self.assertEqual(self.step(who, cid, step)[0], 200)
        status, case = self.step("approver.c", cid, "approve", decision="准予登记",
                                 conditions="凭证领取",
                                 certificate={"name": "结婚证", "number": "J-2026-7"})
        self.assertEqual(status, 200, case)
        return case

    def tasks(self, who, query=""):
        status, page = self.call(who, "GET", "/v1/services/supervision" + query)
        self.assertEqual(status, 200, page)
        return page["tasks"]

    def task_step(self, who, task, step, **body):
        return self.call(who, "POST", "/v1/services/supervision/%s/%s" % (task, step), body or None)

    def test_1_push_claim_act_conclude_and_the_result_flows_back(self):
        marks = ex.load_calendar()
        today = ex.china_today()
        case = self.approved_case()
        cid = case["id"]
        tasks = self.tasks("supervisor.o", "?case=" + cid)
        self.assertEqual([(t["supervisor_org"], t["approving_org"], t["state"]) for t in tasks],
                         [(O, C, "pushed")])
        tid = tasks[0]["id"]
        self.assertEqual(tasks[0]["claim_due"], ex.add_working_days(today, 2, marks).isoformat())
        # The task carries the case's elements.
        status, task = self.call("supervisor.o", "GET", "/v1/services/supervision/" + tid)
        elements = task["elements"]
        self.assertEqual((elements["item"], elements["applicant"]["id"],
                          elements["decision"]["certificate"]["number"],
                          elements["decision"]["conditions"]), (MARRIAGE, CITIZEN, "J-2026-7",
                                                                "凭证领取"))
        # Refused: the wrong organisation, the wrong role, the wrong order.
        self.assertError(self.task_step("clerk.c", tid, "claim"), 403)
        self.assertError(self.task_step("clerk.o", tid, "claim"), 403)
        self.assertError(self.task_step("clerk.r", tid, "claim"), 404)
        self.assertError(self.task_step("supervisor.o", tid, "act", kind="inspection",
                                        note="现场检查"), 409, "state")
        self.assertError(self.task_step("supervisor.o", tid, "conclude", outcome="penalty"), 400,
                         "summary")
        status, task = self.task_step("supervisor.o", tid, "claim")
        self.assertEqual((status, task["state"], task["finish_due"]),
                         (200, "claimed", ex.add_working_days(today, 20, marks).isoformat()), task)
        self.assertError(self.task_step("supervisor.o", tid, "claim"), 409, "state")
        status, task = self.task_step("supervisor.o", tid, "act", kind="现场检查",
                                      note="核查当事人登记信息，未发现问题")
        self.assertEqual(status, 200, task)
        status, task = self.task_step("supervisor.o", tid, "conclude", outcome="吊销许可",
                                      summary="发现虚假材料，撤销登记")
        self.assertEqual((task["state"], task["outcome"]), ("completed", "licence_revoked"))
        # Both sides see the same task and its history; the case has the result.
        status, seen = self.call("approver.c", "GET", "/v1/services/supervision/" + tid)
        self.assertEqual([h["kind"] for h in seen["history"]], ["push", "claim", "act", "conclude"])
        self.assertEqual(seen["history"], task["history"])
        status, case = self.call("clerk.c", "GET", "/v1/services/cases/" + cid)
        self.assertEqual([(r["task"], r["outcome"]) for r in case["supervision"]],
                         [(tid, "licence_revoked")])
        self.assertTrue(case["decision"]["certificate_revoked"])
        kinds = [e["type"] for e in self.entries_of("services.supervision.")
                 if e["task"] == tid]
        self.assertEqual(kinds, ["services.supervision.push", "services.supervision.claim",
                                 "services.supervision.act", "services.supervision.conclude"])

    def test_2_late_tasks_escalate_to_both_liaisons_once(self):
        case = self.approved_case()
        tid = self.tasks("supervisor.o", "?case=" + case["id"])[0]["id"]
        self.node.db.execute("UPDATE yw_supervision_tasks SET claim_due_day = claim_due_day - 5 "
                             "WHERE id = '%s'" % tid)
        r = run_cli("services", "escalate", "--dir", self.node.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("escalated 1 ", r.stdout)
        r = run_cli("services", "escalate", "--dir", self.node.dir)  # once per deadline
        self.assertIn("escalated 0 ", r.stdout)
        status, task = self.call("approver.c", "GET", "/v1/services/supervision/" + tid)
        self.assertEqual((task["escalated"], task["overdue"]), (1, True))
        escalation = task["history"][-1]
        self.assertEqual((escalation["kind"], escalation["body"]["reason"]),
                         ("escalate", "unclaimed"))
        self.assertEqual({(l["org"], l["liaison"], l["phone"]) for l in escalation["body"]["liaisons"]},
                         {(C,) + LIAISONS[C], (O,) + LIAISONS[O]})
        self.assertIn(tid, [t["id"] for t in self.tasks("approver.c", "?escalated=1")])
        # Claimed, then unfinished past its deadline: escalated again.
        self.assertEqual(self.task_step("supervisor.o", tid, "claim")[0], 200)
        self.node.db.execute("UPDATE yw_supervision_tasks SET finish_due_day = finish_due_day - 30 "
                             "WHERE id = '%s'" % tid)
        r = run_cli("services", "escalate", "--dir", self.node.dir)
        self.assertIn("escalated 1 ", r.stdout)
        status, task = self.call("supervisor.o", "GET", "/v1/services/supervision/" + tid)
        self.assertEqual((task["escalated"], task["history"][-1]["body"]["reason"]),
                         (2, "unfinished"))
        entries = [e for e in self.entries_of("services.supervision.escalate") if e["task"] == tid]
        self.assertEqual([e["reason"] for e in entries], ["unclaimed", "unfinished"])


if __name__ == "__main__":
    harness.main()
