"""好差评 and rectification (整改) against the real binary: one review per
stage by the applicant only (others 403/404), the rating device of the hall,
the national indicators checked, a bad review opening a rectification due in
working days (rectify_days from the node's configuration), every
rectification step by its party and in order, appeals decided by the data
authority, the applicant's rating of the rectification, statistics checked
against the reviews made, the public summary without personal data, and the
ledger: one entry per step, never an identity number or a comment.

The cast is test_services's; the data authority DSJ also holds
review.arbitrate, and the node gives rectifications 10 working days."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import test_exchange as ex  # noqa: E402
import test_services as ts  # noqa: E402
from harness import run_cli  # noqa: E402

C, O, CITIZEN = ts.C, ts.O, ts.CITIZEN
RECTIFY_DAYS = 10
PARTNER, USCC, CHARITY = "ql.partner", "91350100M000100Y43", "QR-00031-009"
COMMENT = "窗口排队太久，工作人员态度冷淡"
LEVELS = ["very_dissatisfied", "dissatisfied", "basically_satisfied", "satisfied",
          "very_satisfied"]


class Reviews(ts.ServicesNode):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            d = cls.node.dir
            r = run_cli("org", "power", "--dir", d, "--code", ts.DSJ, "--action",
                        "review.arbitrate")
            assert r.returncode == 0, r.stderr
            # A rating device (评价器) of C's hall, and one of O's.
            for org, name, attr in ((C, "民政大厅评价器", "device"), (O, "卫健大厅评价器", "device_o")):
                r = run_cli("key", "create", "--dir", d, "--name", name, "--org", org,
                            "--role", "window_clerk")
                assert r.returncode == 0, r.stderr
                setattr(cls, attr, r.stdout.strip().splitlines()[-1])
            # An enterprise and its operator, applying for an item that serves enterprises.
            r = run_cli("org", "add", "--dir", d, "--code", PARTNER, "--name", "青岚数链科技有限公司",
                        "--level", "province", "--division", "110000", "--kind",
                        "enterprise_partner", "--uscc", USCC)
            assert r.returncode == 0, r.stderr
            for login in ("operator", "operator2"):
                harness.add_account(d, ts.PASSWORD, "--kind", "enterprise_operator", "--login",
                                    login, "--name", login, "--org", PARTNER)
            with open(os.path.join(d, "yiwang.conf"), "a", encoding="utf-8") as f:
                f.write("rectify_days = %d\n" % RECTIFY_DAYS)
            assert cls.node.stop() == 0
            cls.node.start()
            for login in ("operator", "operator2"):
                cls.sessions[login] = cls.node.sign_in(login, ts.PASSWORD)
            status, item = cls.call_as("approver.c", "POST", "/v1/services/items", ts.item_body(
                code=CHARITY, name="慈善组织公开募捐资格确认", objects=["enterprise"], materials=[],
                form_fields=[], cross_province="none", supervisors=[]))
            assert status == 201, item
        except BaseException:
            cls.node.close()
            raise

    # ---- helpers ------------------------------------------------------------

    def accepted_case(self, who="citizen"):
        case = self.submitted_case(who)
        status, case = self.step("clerk.c", case["id"], "accept")
        self.assertEqual(status, 200, case)
        return case

    def completed_case(self, who="citizen"):
        case = self.accepted_case(who)
        for actor, step, body in (("approver.c", "review", {}),
                                  ("approver.c", "approve", {"decision": "准予登记"}),
                                  ("clerk.c", "issue", {"delivery": "window"})):
            status, case = self.step(actor, case["id"], step, **body)
            self.assertEqual(status, 200, case)
        return case

    def rate(self, who, case_id, stage="accept", level="satisfied", token=None, **kw):
        body = {"case": case_id, "stage": stage, "level": level}
        body.update(kw)
        if token is not None:
            return self.node.call("POST", "/v1/services/reviews", body, token=token)
        return self.call(who, "POST", "/v1/services/reviews", body)

    def rstep(self, who, rid, step, **body):
        return self.call(who, "POST", "/v1/services/rectifications/%s/%s" % (rid, step),
                         body or None)

    def bad_review(self, level="very_dissatisfied"):
        case = self.accepted_case()
        status, review = self.rate("citizen", case["id"], level=level, comment=COMMENT)
        self.assertEqual(status, 201, review)
        self.assertTrue(review["bad"])
        return review

    # ---- reviews --------------------------------------------------------------

    def test_1_one_review_per_stage_by_the_applicant_only(self):
        case = self.submitted_case()
        cid = case["id"]
        self.assertError(self.rate("citizen", cid), 409, "stage")  # not yet accepted
        self.assertEqual(self.step("clerk.c", cid, "accept")[0], 200)
        # Only the applicant: others never see the case, staff never rate.
        self.assertError(self.rate("citizen2", cid), 404, "case")
        for staff in ("clerk.c", "approver.c", "cdo", "clerk.o"):
            with self.subTest(staff=staff):
                self.assertError(self.rate(staff, cid), 403)
        self.assertError(self.node.call("POST", "/v1/services/reviews",
                                        {"case": cid, "stage": "accept", "level": 4}), 401)
        # Indicators, levels, stages and comments are checked.
        for kw, field in (({"indicators": {"服务态度": 3}}, "indicators.服务态度"),
                          ({"indicators": {"overall": 6}}, "indicators.overall"),
                          ({"indicators": {"efficiency": "4"}}, "indicators.efficiency"),
                          ({"indicators": [4]}, "indicators"),
                          ({"level": "great"}, "level"), ({"level": 0}, "level"),
                          ({"stage": "审查"}, "stage"), ({"comment": "差" * 501}, "comment"),
                          ({"channel": "window"}, "channel"), ({"colour": "red"}, "colour")):
            with self.subTest(field=field):
                body = {"case": cid, "stage": "accept", "level": "satisfied"}
                body.update(kw)
                self.assertError(self.call("citizen", "POST", "/v1/services/reviews", body), 400,
                                 field)
        status, review = self.rate("citizen", cid, level="满意",
                                   indicators={"办事效率": 4, "guide_accuracy": 5},
                                   comment="受理很快")
        self.assertEqual(status, 201, review)
        self.assertEqual((review["stage"], review["level"], review["stars"], review["bad"],
                          review["staff"], review["channel"], review["org"], review["item"]),
                         ("accept", "satisfied", 4, False, "account:clerk.c", "online", C,
                          ts.MARRIAGE), review)
        self.assertEqual(review["indicators"], {"efficiency": 4, "guide_accuracy": 5,
                                                "overall": 4})
        self.assertNotIn("rectification", review)
        self.assertError(self.rate("citizen", cid, level="very_satisfied"), 409, "stage")
        self.assertError(self.rate("citizen", cid, stage="complete"), 409, "stage")
        # Completion: once the result is issued; the staff member is who issued it.
        for actor, step, body in (("approver.c", "review", {}),
                                  ("approver.c", "approve", {"decision": "准予登记"}),
                                  ("clerk.c", "issue", {})):
            self.assertEqual(self.step(actor, cid, step, **body)[0], 200)
        status, done = self.rate("citizen", cid, stage="办结", level=5, channel="mobile")
        self.assertEqual((status, done["stage"], done["level_label"], done["channel"]),
                         (201, "complete", "非常满意", "mobile"), done)
        # Who sees the reviews.
        for who, status in (("citizen", 200), ("clerk.c", 200), ("cdo", 200),
                            ("citizen2", 404), ("clerk.o", 404)):
            with self.subTest(who=who):
                self.assertEqual(self.call(who, "GET", "/v1/services/reviews/" + review["id"])[0],
                                 status)
        status, page = self.call("citizen", "GET", "/v1/services/reviews?case=" + cid)
        self.assertEqual([r["stage"] for r in page["reviews"]], ["complete", "accept"], page)
        status, page = self.call("citizen2", "GET", "/v1/services/reviews?case=" + cid)
        self.assertEqual(page["reviews"], [])
        # The ledger: one entry per review, no identity number, no comment.
        mine = [e for e in self.entries_of("services.review.") if e["case"] == cid]
        self.assertEqual([(e["type"], e["stage"], e["level"]) for e in mine],
                         [("services.review.create", "accept", 4),
                          ("services.review.create", "complete", 5)])
        self.assertEqual({e["actor"] for e in mine}, {"citizen:applicant"})
        self.assertNotIn(CITIZEN, str(mine))
        self.assertNotIn("受理很快", str(mine))
        self.assertIn("comment_digest", mine[0])

    def test_2_the_rating_device_of_the_hall(self):
        applicant = {"kind": "citizen", "id_number": CITIZEN, "name": "张三",
                     "identity_checked": True}
        status, case = self.call("clerk.c", "POST", "/v1/services/cases",
                                 {"item": ts.MARRIAGE, "applicant": applicant,
                                  "form": {"spouse_name": "李四"}})
        self.assertEqual(status, 201, case)
        cid = case["id"]
        self.assertEqual(self.upload_photo("clerk.c", cid)[0], 200)
        self.assertEqual(self.step("clerk.c", cid, "submit")[0], 200)
        self.assertEqual(self.step("clerk.c", cid, "accept")[0], 200)
        # Another hall's device does not see the case; online indicators and
        # channels are not the device's.
        self.assertError(self.rate(None, cid, token=self.device_o), 404, "case")
        self.assertError(self.rate(None, cid, token=self.device, indicators={"平台操作性": 5}),
                         400, "indicators.平台操作性")
        self.assertError(self.rate(None, cid, token=self.device, channel="online"), 400,
                         "channel")
        status, review = self.rate(None, cid, token=self.device, level="非常满意",
                                   indicators={"服务态度": 5, "service_level": 4, "服务效率": 5})
        self.assertEqual((status, review.get("channel")), (201, "window"), review)
        self.assertEqual(review["indicators"], {"attitude": 5, "service_level": 4,
                                                "efficiency": 5, "overall": 5})
        # The applicant at home cannot rate the same stage again.
        self.assertError(self.rate("citizen", cid), 409, "stage")
        # A kiosk records its channel.
        status, kiosk = self.call("clerk.c", "POST", "/v1/services/cases",
                                  {"item": ts.MARRIAGE, "applicant": applicant,
                                   "form": {"spouse_name": "李四"}})
        self.assertEqual(self.upload_photo("clerk.c", kiosk["id"])[0], 200)
        self.assertEqual(self.step("clerk.c", kiosk["id"], "submit")[0], 200)
        self.assertEqual(self.step("clerk.c", kiosk["id"], "reject", reason="材料不全")[0], 200)
        status, review = self.rate(None, kiosk["id"], token=self.device, channel="自助终端",
                                   level="基本满意")
        self.assertEqual((status, review.get("channel"), review.get("stars")), (201, "kiosk", 3),
                         review)
        # Online cases are rated online only.
        online = self.accepted_case()
        self.assertError(self.rate(None, online["id"], token=self.device), 404, "case")

    def test_2b_an_enterprise_rates_through_its_operators(self):
        status, case = self.call("operator", "POST", "/v1/services/cases",
                                 {"item": CHARITY, "submit": True})
        self.assertEqual((status, case.get("state")), (201, "submitted"), case)
        self.assertEqual(self.step("clerk.c", case["id"], "accept")[0], 200)
        # Another operator of the same enterprise rates for it; a citizen may not.
        self.assertError(self.rate("citizen", case["id"]), 404, "case")
        status, review = self.rate("operator2", case["id"], level="不满意", comment="材料要求不清楚")
        self.assertEqual((status, review.get("bad"), review.get("item")), (201, True, CHARITY),
                         review)
        rid = review["rectification"]["id"]
        status, page = self.call("operator", "GET", "/v1/services/rectifications")
        self.assertEqual([x["id"] for x in page["rectifications"]], [rid], page)
        status, page = self.call("citizen", "GET", "/v1/services/rectifications?limit=200")
        self.assertNotIn(rid, [x["id"] for x in page["rectifications"]])
        entries = [e for e in self.entries_of("services.review.") if e["review"] == review["id"]]
        self.assertEqual([e["actor"] for e in entries], ["account:operator2"])
        self.assertNotIn(USCC, str(entries))

    # ---- rectifications -------------------------------------------------------

    def test_3_a_bad_review_opens_a_rectification_handled_in_order(self):
        marks = ex.load_calendar()
        review = self.bad_review()
        x = review["rectification"]
        due = ex.add_working_days(ex.china_today(), RECTIFY_DAYS, marks)
        self.assertEqual((x["state"], x["due"], x["overdue"]), ("open", due.isoformat(), False))
        rid = x["id"]
        status, rect = self.call("clerk.c", "GET", "/v1/services/rectifications/" + rid)
        self.assertEqual((status, rect["org"], rect["review"], rect["staff"]),
                         (200, C, review["id"], "account:clerk.c"), rect)
        # Out of order, or by the wrong party.
        self.assertError(self.rstep("clerk.c", rid, "verify", finding="属实"), 409, "state")
        self.assertError(self.rstep("clerk.c", rid, "rectify", action="改进"), 409, "state")
        self.assertError(self.rstep("citizen", rid, "callback", record="已回访"), 403)
        self.assertError(self.rstep("citizen2", rid, "callback", record="已回访"), 404)
        self.assertError(self.rstep("clerk.o", rid, "callback", record="已回访"), 404)
        self.assertError(self.rstep("steward.c", rid, "callback", record="已回访"), 403)
        self.assertError(self.rstep("clerk.c", rid, "callback"), 400, "record")
        self.assertError(self.rstep("clerk.c", rid, "callback", record="x", method="fax"), 400,
                         "method")
        self.assertError(self.rstep("clerk.c", rid, "fly"), 404)
        self.assertError(self.rstep("citizen", rid, "rate", satisfaction="满意"), 409, "state")
        status, rect = self.rstep("clerk.c", rid, "callback", record="电话回访申请人，了解排队情况",
                                  method="电话")
        self.assertEqual((status, rect["state"]), (200, "called_back"), rect)
        status, rect = self.rstep("approver.c", rid, "verify", finding="高峰期仅开一个窗口，情况属实")
        self.assertEqual(rect["state"], "verified", rect)
        self.assertError(self.rstep("cdo", rid, "uphold", reason="x"), 409, "state")
        self.assertError(self.rstep("clerk.c", rid, "rectify"), 400, "action")
        status, rect = self.rstep("clerk.c", rid, "rectify", action="高峰期增开两个婚姻登记窗口")
        self.assertEqual((status, rect["state"], rect["done"]),
                         (200, "rectified", ex.china_today().isoformat()), rect)
        # The applicant rates the rectification, once.
        self.assertError(self.rstep("citizen2", rid, "rate", satisfaction="满意"), 404)
        self.assertError(self.rstep("clerk.c", rid, "rate", satisfaction="满意"), 403)
        self.assertError(self.rstep("citizen", rid, "rate", satisfaction="还行"), 400,
                         "satisfaction")
        status, rect = self.rstep("citizen", rid, "rate", satisfaction="基本满意")
        self.assertEqual((status, rect["state"], rect["satisfaction"]),
                         (200, "rated", "basically_satisfied"), rect)
        self.assertError(self.rstep("citizen", rid, "rate", satisfaction="满意"), 409, "state")
        self.assertEqual([s["step"] for s in rect["steps"]],
                         ["open", "callback", "verify", "rectify", "rate"])
        self.assertNotIn(CITIZEN, str(rect))  # the applicant is citizen:applicant in the steps
        self.assertEqual(rect["steps"][-1]["actor"], "citizen:applicant")
        status, seen = self.call("citizen", "GET", "/v1/services/reviews/" + review["id"])
        self.assertEqual(seen["rectification"]["state"], "rated")
        # The ledger: one entry per step, no identity number, no text.
        mine = [e for e in self.entries_of("services.rectification.")
                if e["rectification"] == rid]
        self.assertEqual([e["type"].split(".")[-1] for e in mine],
                         ["open", "callback", "verify", "rectify", "rate"])
        self.assertEqual(mine[0]["due"], due.isoformat())
        self.assertEqual([e["actor"] for e in mine],
                         ["citizen:applicant", "account:clerk.c", "account:approver.c",
                          "account:clerk.c", "citizen:applicant"])
        text = str(mine) + str(self.entries_of("services.review."))
        for secret in (CITIZEN, COMMENT, "高峰期增开", "电话回访申请人"):
            self.assertNotIn(secret, text)

    def test_4_explain_and_the_overdue_lists(self):
        review = self.bad_review(level="dissatisfied")
        rid = review["rectification"]["id"]
        for who, step, body in (("clerk.c", "callback", {"record": "已回访"}),
                                ("clerk.c", "verify", {"finding": "申请人要求无法律依据"}),
                                ("clerk.c", "explain",
                                 {"explanation": "依《婚姻登记条例》须双方到场，已向申请人解释"})):
            status, rect = self.rstep(who, rid, step, **body)
            self.assertEqual(status, 200, rect)
        self.assertEqual(rect["state"], "explained")
        # An overdue one: its due date thirty days ago.
        late = self.bad_review()["rectification"]["id"]
        self.node.db.execute("UPDATE yw_service_rectifications SET due_day = due_day - 40 "
                             "WHERE id = '%s'" % late)
        for who, sees in (("clerk.c", True), ("cdo", True), ("clerk.o", False),
                          ("citizen", True), ("citizen2", False)):
            with self.subTest(who=who):
                status, page = self.call(who, "GET",
                                         "/v1/services/rectifications?due=overdue&limit=200")
                self.assertEqual(status, 200, page)
                ids = [x["id"] for x in page["rectifications"]]
                self.assertEqual(late in ids, sees, page)
                self.assertNotIn(rid, ids)
                self.assertTrue(all(x["overdue"] for x in page["rectifications"]))
        self.assertError(self.call("clerk.c", "GET", "/v1/services/rectifications?due=soon"), 400,
                         "due")

    def test_5_appeals_decided_by_the_data_authority(self):
        review = self.bad_review()
        rid = review["rectification"]["id"]
        self.assertError(self.rstep("clerk.c", rid, "appeal", reason="恶意差评"), 400, "ground")
        self.assertError(self.rstep("clerk.c", rid, "appeal", ground="malicious"), 400, "reason")
        status, rect = self.rstep("clerk.c", rid, "callback", record="申请人拒绝沟通")
        self.assertEqual(status, 200, rect)
        status, rect = self.rstep("approver.c", rid, "appeal", ground="恶意差评",
                                  reason="申请人未到窗口办理，评价与事实不符")
        self.assertEqual((status, rect["state"]), (200, "appealed"), rect)
        self.assertError(self.rstep("clerk.c", rid, "callback", record="x"), 409, "state")
        # Only the data authority decides.
        for who, status in (("approver.c", 403), ("clerk.c", 403), ("citizen", 403),
                            ("approver.o", 404)):
            with self.subTest(who=who):
                self.assertError(self.rstep(who, rid, "uphold", reason="x"), status)
        status, page = self.call("cdo", "GET", "/v1/services/rectifications?state=appealed")
        self.assertIn(rid, [x["id"] for x in page["rectifications"]])
        self.assertError(self.rstep("cdo", rid, "dismiss"), 400, "reason")
        status, rect = self.rstep("cdo", rid, "dismiss", reason="回访记录不足以证明恶意")
        self.assertEqual((status, rect["state"]), (200, "called_back"), rect)  # back where it was
        status, rect = self.rstep("approver.c", rid, "appeal", ground="mistaken",
                                  reason="补充了窗口监控记录")
        self.assertEqual(rect["state"], "appealed")
        status, rect = self.rstep("cdo", rid, "uphold", reason="监控记录证实申请人误评")
        self.assertEqual((status, rect["state"]), (200, "void"), rect)
        status, seen = self.call("clerk.c", "GET", "/v1/services/reviews/" + review["id"])
        self.assertTrue(seen["void"], seen)
        self.assertEqual([s["step"] for s in rect["steps"]],
                         ["open", "callback", "appeal", "dismiss", "appeal", "uphold"])
        mine = [e["type"] for e in self.entries_of("services.rectification.")
                if e["rectification"] == rid]
        self.assertEqual(mine, ["services.rectification." + s for s in
                                ("open", "callback", "appeal", "dismiss", "appeal", "uphold")])

    # ---- statistics -------------------------------------------------------------

    def expected(self, by):
        status, page = self.call("cdo", "GET", "/v1/services/reviews?limit=200")
        self.assertEqual(status, 200, page)
        status, rects = self.call("cdo", "GET", "/v1/services/rectifications?limit=200")
        by_review = {x["review"]: x for x in rects["rectifications"]}
        groups = {}
        for r in page["reviews"]:
            if r["void"]:
                continue
            g = groups.setdefault(r[by], {"count": 0, "sum": 0, "levels": [0] * 5, "bad": 0,
                                          "closed": 0, "overdue": 0, "total": 0})
            g["count"] += 1
            g["sum"] += r["stars"]
            g["levels"][r["stars"] - 1] += 1
            g["bad"] += r["bad"]
            x = by_review.get(r["id"])
            if x:
                g["total"] += 1
                g["closed"] += x["state"] in ("rectified", "explained", "rated")
                g["overdue"] += x["overdue"]
        return groups

    def check_stats(self, stats, expected):
        got = {g["key"]: g for g in stats["groups"]}
        self.assertEqual(set(got), set(expected), stats)
        for key, e in expected.items():
            with self.subTest(key=key):
                g = got[key]
                self.assertEqual((g["count"], g["bad"]), (e["count"], e["bad"]), g)
                self.assertAlmostEqual(g["average"], e["sum"] / e["count"], places=2)
                self.assertEqual([g["levels"][lv] for lv in LEVELS], e["levels"], g)
                for i, lv in enumerate(LEVELS):
                    self.assertAlmostEqual(g["shares"][lv], e["levels"][i] / e["count"], places=3)
                x = g["rectifications"]
                self.assertEqual((x["total"], x["closed"], x["overdue"]),
                                 (e["total"], e["closed"], e["overdue"]), g)
        self.assertEqual(stats["total"]["count"], sum(e["count"] for e in expected.values()))

    def test_6_statistics_match_the_reviews_made(self):
        for by in ("item", "org", "staff", "channel"):
            with self.subTest(by=by):
                status, stats = self.call("cdo", "GET", "/v1/services/stats?by=" + by)
                self.assertEqual(status, 200, stats)
                self.check_stats(stats, self.expected(by))
        status, stats = self.call("clerk.c", "GET", "/v1/services/stats?by=staff")
        self.assertEqual((status, stats["org"]), (200, C), stats)
        self.check_stats(stats, self.expected("staff"))
        self.assertIn("account:clerk.c", [g["key"] for g in stats["groups"]])
        self.assertGreater(stats["total"]["bad"], 0)
        # Staff see their own organisation only; applicants no statistics.
        status, theirs = self.call("clerk.o", "GET", "/v1/services/stats?by=staff")
        self.assertEqual((status, theirs["total"]["count"], theirs["groups"]), (200, 0, []))
        self.assertError(self.call("clerk.o", "GET", "/v1/services/stats?org=" + C), 403, "org")
        self.assertError(self.call("citizen", "GET", "/v1/services/stats"), 403)
        self.assertError(self.node.call("GET", "/v1/services/stats"), 401)
        self.assertError(self.call("cdo", "GET", "/v1/services/stats?by=colour"), 400, "by")
        self.assertError(self.call("cdo", "GET", "/v1/services/stats?from=2026-13-01"), 400,
                         "from")
        # Whole months come from the month rows, ragged ends from the day rows:
        # every range holding today agrees.
        today = ex.china_today()
        first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        for span in ("from=%s&to=%s" % (first, last), "from=%s" % today,
                     "from=%s&to=%s" % (first - datetime.timedelta(days=40), last),
                     "from=%s&to=%s" % (today, today)):
            with self.subTest(span=span):
                status, ranged = self.call("cdo", "GET", "/v1/services/stats?by=item&" + span)
                self.assertEqual(status, 200, ranged)
                self.check_stats(ranged, self.expected("item"))
        # The applicants' ratings of rectifications.
        status, stats = self.call("cdo", "GET", "/v1/services/stats?by=org")
        self.assertEqual(stats["total"]["rectifications"]["rated"]["basically_satisfied"], 1)
        # A range before any review holds none.
        status, none = self.call("cdo", "GET",
                                 "/v1/services/stats?from=2020-01-01&to=2020-12-31")
        self.assertEqual((none["total"]["count"], none["groups"]), (0, []), none)

    def test_7_the_public_summary_has_no_personal_data(self):
        status, summary = self.node.call("GET", "/v1/services/stats/public?by=item")
        self.assertEqual(status, 200, summary)
        self.check_stats(summary, self.expected("item"))
        self.assertEqual(summary["groups"][0]["name"], "内地居民结婚登记")
        status, by_org = self.node.call("GET", "/v1/services/stats/public?by=org")
        self.assertEqual((status, [g["key"] for g in by_org["groups"]]), (200, [C]), by_org)
        self.assertEqual(by_org["groups"][0]["name"], "青岚省民政厅")
        for text in (str(summary), str(by_org)):
            for secret in ("account:", "staff", CITIZEN, COMMENT, "comment", "受理很快"):
                self.assertNotIn(secret, text)
        for by in ("staff", "channel"):
            self.assertError(self.node.call("GET", "/v1/services/stats/public?by=" + by), 400,
                             "by")

    def test_8_the_command_line(self):
        import json
        d = self.node.dir
        r = run_cli("reviews", "stats", "--dir", d, "--by", "item", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check_stats(json.loads(r.stdout), self.expected("item"))
        r = run_cli("reviews", "stats", "--dir", d, "--by", "staff")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("account:clerk.c", r.stdout)
        self.assertIn("合计 total", r.stdout)
        r = run_cli("reviews", "summary", "--dir", d, "--by", "org")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("青岚省民政厅", r.stdout)
        self.assertNotIn("account:", r.stdout)
        r = run_cli("reviews", "overdue", "--dir", d)
        self.assertEqual(r.returncode, 0, r.stderr)
        late = json.loads(r.stdout)["rectifications"]
        self.assertTrue(late and all(x["overdue"] for x in late), late)
        self.assertEqual(run_cli("reviews", "summary", "--dir", d, "--by", "staff").returncode, 2)
        self.assertEqual(run_cli("reviews", "stats", "--dir", d, "--format", "xml").returncode, 2)
        self.assertEqual(run_cli("reviews", "fly", "--dir", d).returncode, 2)


if __name__ == "__main__":
    harness.main()
