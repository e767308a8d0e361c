import re
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import FeedbackCommon

CLOSURE_SUBJECT = "Your feedback is closed"


def customer_copy(message, customer):
    """The body of the email ``customer`` received of ``message``."""
    mail = message.env["mail.mail"].sudo().search([
        ("mail_message_id", "=", message.id), ("recipient_ids", "in", customer.ids),
    ])
    return str(mail.body_html)


class SatisfactionCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Satisfaction = env["customer.feedback.satisfaction"]
        cls.survey = env.ref("customer_feedback.survey_customer_satisfaction")
        cls.q_overall = env.ref("customer_feedback.survey_customer_satisfaction_q_overall")
        cls.q_factors = env.ref("customer_feedback.survey_customer_satisfaction_q_factors")
        cls.q_nps = env.ref("customer_feedback.survey_customer_satisfaction_q_nps")
        cls.q_comment = env.ref("customer_feedback.survey_customer_satisfaction_q_comment")
        # columns worst first: 1 = very dissatisfied ... 5 = very satisfied
        cls.columns = {
            i: env.ref(f"customer_feedback.survey_customer_satisfaction_q_factors_col{i}")
            for i in range(1, 6)
        }
        cls.rows = {
            factor: env.ref(f"customer_feedback.survey_customer_satisfaction_q_factors_{factor}")
            for factor in ("product", "place", "price", "promotion", "service")
        }
        # no questionnaire on the categories and departments unless a test asks
        cls.company_a.feedback_low_score_action = "activity"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _new_satisfaction(self, partner=None, ticket=None, campaign=None):
        partner = partner or self.customer_contact
        user_input = self.env["survey.user_input"].create({
            "survey_id": self.survey.id, "partner_id": partner.id, "email": partner.email,
        })
        return self.Satisfaction.create({
            "partner_id": partner.id,
            "user_input_id": user_input.id,
            "ticket_id": ticket.id if ticket else False,
            "campaign_id": campaign.id if campaign else False,
            "company_id": self.company_a.id,
        })

    def _answer(self, satisfaction, overall=None, factors=None, nps=None, comment=None,
                skipped=(), done=True, answered_at=None):
        """Record answers the way the survey app does, then submit (``done``)."""
        user_input = satisfaction.user_input_id
        base = {"user_input_id": user_input.id}
        lines = []
        if overall is not None:
            lines.append({**base, "question_id": self.q_overall.id, "answer_type": "scale",
                          "value_scale": overall})
        for factor, column in (factors or {}).items():
            lines.append({**base, "question_id": self.q_factors.id,
                          "answer_type": "suggestion",
                          "suggested_answer_id": self.columns[column].id,
                          "matrix_row_id": self.rows[factor].id})
        if nps is not None:
            lines.append({**base, "question_id": self.q_nps.id, "answer_type": "scale",
                          "value_scale": nps})
        if comment is not None:
            lines.append({**base, "question_id": self.q_comment.id, "answer_type": "text_box",
                          "value_text_box": comment})
        for question in skipped:
            lines.append({**base, "question_id": question.id, "skipped": True})
        self.env["survey.user_input.line"].create(lines)
        if done:
            user_input._mark_done()
            if answered_at:
                user_input.end_datetime = answered_at
        return satisfaction

    def _close(self, partner=None, category=None, user=None):
        """A ticket of ``partner`` about ``category``, resolved then closed by ``user``."""
        ticket = self._ticket_in_state(
            "in_progress", partner_id=(partner or self.customer_contact).id,
            category_id=(category or self.cat_a).id,
        )
        ticket.resolution = "<p>The faulty part was replaced.</p>"
        ticket.action_resolve()
        ticket.with_user(user or self.user_a).action_close()
        self.assertEqual(ticket.state, "closed")
        return ticket

    def _invitations(self, satisfactions):
        return self.env["mail.mail"].search([
            ("model", "=", "customer.feedback.satisfaction"),
            ("res_id", "in", satisfactions.ids),
        ])


@tagged("post_install", "-at_install")
class TestSatisfactionScores(SatisfactionCommon):
    def test_full_answer(self):
        sat = self._answer(
            self._new_satisfaction(), overall=4,
            factors={"product": 5, "place": 4, "price": 1, "promotion": 3, "service": 2},
            nps=9, comment="Friendly staff, a bit expensive.",
        )
        self.assertEqual(sat.state, "done")
        self.assertTrue(sat.date_answered)
        self.assertTrue(sat.has_csat)
        self.assertEqual(sat.csat, 75.0, "4 on a 1-5 scale")
        self.assertEqual(sat.score_product, 100.0)
        self.assertEqual(sat.score_place, 75.0)
        self.assertEqual(sat.score_price, 0.0)
        self.assertEqual(sat.score_promotion, 50.0)
        self.assertEqual(sat.score_service, 25.0)
        self.assertEqual(sat.nps_score, 9)
        self.assertEqual(sat.nps_category, "promoter")
        self.assertEqual(sat.comment, "Friendly staff, a bit expensive.")
        self.assertFalse(sat.is_dissatisfied)

    def test_overall_scale_bounds(self):
        for value, csat in ((1, 0.0), (2, 25.0), (3, 50.0), (5, 100.0)):
            with self.subTest(value=value):
                sat = self._answer(self._new_satisfaction(), overall=value)
                self.assertEqual(sat.csat, csat)
                self.assertTrue(sat.has_csat)
                # under 50 is dissatisfied; 50 itself is not
                self.assertEqual(sat.is_dissatisfied, csat < 50)

    def test_csat_from_factors_only_partial(self):
        """Partial answer: no overall question, two factors; not submitted."""
        sat = self._answer(
            self._new_satisfaction(), factors={"product": 4, "service": 2},
            skipped=[self.q_overall], done=False,
        )
        self.assertEqual(sat.state, "partial")
        self.assertFalse(sat.date_answered)
        self.assertTrue(sat.has_csat)
        self.assertEqual(sat.csat, 50.0, "mean of 75 and 25")
        self.assertEqual(sat.score_product, 75.0)
        self.assertEqual(sat.score_service, 25.0)
        self.assertEqual(sat.score_price, 0.0, "not answered")
        self.assertFalse(sat.nps_category)
        self.assertFalse(sat.comment)
        # answering the overall question later takes over the factors
        self._answer(sat, overall=5, done=False)
        self.assertEqual(sat.csat, 100.0)
        self.assertEqual(sat.state, "partial")
        sat.user_input_id._mark_done()
        self.assertEqual(sat.state, "done")
        self.assertTrue(sat.date_answered)

    def test_nothing_answered(self):
        sat = self._new_satisfaction()
        self.assertEqual(sat.state, "sent")
        self.assertFalse(sat.has_csat)
        self.assertFalse(sat.is_dissatisfied)
        self._answer(sat, skipped=[self.q_overall, self.q_nps], done=False)
        self.assertEqual(sat.state, "sent", "skipped questions are not answers")
        self.assertFalse(sat.has_csat)
        self.assertFalse(sat.nps_category)

    def test_nps_categories(self):
        expected = {0: "detractor", 6: "detractor", 7: "passive", 8: "passive",
                    9: "promoter", 10: "promoter"}
        for score, category in expected.items():
            with self.subTest(score=score):
                sat = self._answer(self._new_satisfaction(), overall=5, nps=score)
                self.assertEqual(sat.nps_score, score)
                self.assertEqual(sat.nps_category, category)
                # a detractor is dissatisfied, whatever the overall satisfaction
                self.assertEqual(sat.is_dissatisfied, category == "detractor")

    def test_comment_only(self):
        sat = self._answer(self._new_satisfaction(), comment="Nothing to add", done=False)
        self.assertEqual(sat.state, "partial")
        self.assertEqual(sat.comment, "Nothing to add")
        self.assertFalse(sat.has_csat)
        self.assertFalse(sat.is_dissatisfied)

    def test_partner_stats(self):
        partner = self.customer_contact
        self.assertEqual(partner.feedback_survey_count, 0)
        self.assertFalse(partner.feedback_is_dissatisfied)
        self._answer(self._new_satisfaction(partner), overall=5, nps=9,
                     answered_at=datetime(2026, 1, 10))
        self._answer(self._new_satisfaction(partner), overall=2, nps=5,
                     answered_at=datetime(2026, 2, 10))
        # partial answers do not count
        self._answer(self._new_satisfaction(partner), overall=1, done=False)
        self.assertEqual(partner.feedback_survey_count, 2)
        self.assertEqual(partner.feedback_csat_last, 25.0)
        self.assertEqual(partner.feedback_csat_avg, 62.5)
        self.assertEqual(partner.feedback_nps_category, "detractor")
        self.assertTrue(partner.feedback_is_dissatisfied)
        Partner = self.env["res.partner"]
        self.assertIn(partner, Partner.search([("feedback_is_dissatisfied", "=", True)]))
        # a newer, happy answer
        self._answer(self._new_satisfaction(partner), overall=5, nps=10,
                     answered_at=datetime(2026, 3, 10))
        self.assertEqual(partner.feedback_survey_count, 3)
        self.assertEqual(partner.feedback_csat_last, 100.0)
        self.assertEqual(partner.feedback_csat_avg, 75.0)
        self.assertEqual(partner.feedback_nps_category, "promoter")
        self.assertFalse(partner.feedback_is_dissatisfied)
        # an answer without CSAT counts but keeps the latest CSAT
        self._answer(self._new_satisfaction(partner), comment="ok",
                     answered_at=datetime(2026, 3, 20))
        self.assertEqual(partner.feedback_survey_count, 4)
        self.assertEqual(partner.feedback_csat_last, 100.0)

    def test_partner_filters(self):
        """The search filters of the customers, as the search view defines them."""
        Partner = self.env["res.partner"]
        recent = self.customer_contact
        old = self.customer_key
        never = self.customer_noemail
        recent.feedback_last_survey_date = fields.Datetime.now() - timedelta(days=10)
        old.feedback_last_survey_date = fields.Datetime.now() - relativedelta(months=7)
        never.feedback_last_survey_date = False
        view = self.env.ref("customer_feedback.res_partner_view_search_inherit_customer_feedback")
        arch = view.arch_db
        match = re.search(r'name="filter_feedback_no_recent_survey"\s+domain="([^"]+)"', arch)
        self.assertTrue(match)
        domain_src = match.group(1).replace("&lt;", "<")
        domain = safe_eval(domain_src, {
            "context_today": lambda: fields.Date.context_today(Partner),
            "relativedelta": relativedelta,
        })
        found = Partner.search(domain + [("id", "in", (recent + old + never).ids)])
        self.assertEqual(found, old + never)


@tagged("post_install", "-at_install")
class TestSatisfactionOnClose(SatisfactionCommon):
    def test_closure_email_rating_token(self):
        ticket = self._close()
        closure = ticket.message_ids.filtered(
            lambda m: m.subject and CLOSURE_SUBJECT in m.subject
        )
        self.assertEqual(len(closure), 1)
        # the faces are in the customer's copy of the email only
        self.assertNotIn("/rate/", closure.body)
        tokens = set(re.findall(
            r"/rate/([^/\"']+)/(\d)", customer_copy(closure, self.customer_contact)
        ))
        self.assertEqual({rate for _token, rate in tokens}, {"1", "3", "5"})
        token = {token for token, _rate in tokens}
        self.assertEqual(len(token), 1, "one token for the three faces")
        rating = self.env["rating.rating"].search([("access_token", "=", token.pop())])
        self.assertEqual(rating.res_model, "customer.feedback.ticket")
        self.assertEqual(rating.res_id, ticket.id)
        self.assertEqual(rating.partner_id, self.customer_contact)
        self.assertFalse(rating.consumed)
        self.assertIn(rating, ticket.rating_ids)

    def test_no_questionnaire_without_survey(self):
        ticket = self._close()
        self.assertFalse(ticket.satisfaction_ids)

    def test_questionnaire_from_ancestor_category(self):
        self.cat_a.satisfaction_survey_id = self.survey
        before = fields.Datetime.now()
        ticket = self._close(category=self.cat_a_child)
        sat = ticket.satisfaction_ids
        self.assertEqual(len(sat), 1)
        self.assertEqual(sat.partner_id, self.customer_contact)
        self.assertEqual(sat.survey_id, self.survey)
        self.assertEqual(sat.user_input_id.partner_id, self.customer_contact)
        self.assertEqual(sat.department_id, self.dept_a)
        self.assertEqual(sat.category_id, self.cat_a_child)
        self.assertEqual(sat.state, "sent")
        self.assertFalse(sat.campaign_id)
        self.assertGreaterEqual(self.customer_contact.feedback_last_survey_date, before)
        mail = self._invitations(sat)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer_contact)
        self.assertIn(sat.user_input_id.access_token, str(mail.body_html))

    def test_questionnaire_from_department(self):
        self.dept_b.satisfaction_survey_id = self.survey
        ticket = self._close(category=self.cat_b, user=self.user_b)
        self.assertEqual(ticket.department_id, self.dept_b)
        self.assertEqual(len(ticket.satisfaction_ids), 1)
        # another department does not ask
        self.assertFalse(self._close(category=self.cat_a).satisfaction_ids)

    def test_no_questionnaire_for_opted_out_or_unreachable(self):
        self.cat_a.satisfaction_survey_id = self.survey
        self.customer_contact.feedback_survey_opt_out = True
        ticket = self._close()
        self.assertFalse(ticket.satisfaction_ids)
        self.assertFalse(self.customer_contact.feedback_last_survey_date)
        # the one-click rating is still in the closing email
        closure = ticket.message_ids.filtered(
            lambda m: m.subject and CLOSURE_SUBJECT in m.subject
        )
        self.assertIn("/rate/", customer_copy(closure, self.customer_contact))
        ticket = self._close(partner=self.customer_noemail)
        self.assertFalse(ticket.satisfaction_ids)


@tagged("post_install", "-at_install")
class TestSatisfactionFollowUp(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_a.satisfaction_survey_id = cls.survey

    def _leader_activities(self, record, user):
        return self.env["mail.activity"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id),
            ("user_id", "=", user.id), ("summary", "ilike", "Dissatisfied customer"),
        ])

    def test_activity_for_department_leader(self):
        ticket = self._close()
        sat = self._answer(ticket.satisfaction_ids, overall=1, comment="Still broken")
        self.assertTrue(sat.is_dissatisfied)
        activity = self._leader_activities(ticket, self.leader_a)
        self.assertEqual(len(activity), 1)
        self.assertIn("Still broken", str(activity.note))
        self.assertTrue(sat.follow_up_done)
        # submitted again: no second follow-up
        sat.user_input_id._mark_done()
        self.assertEqual(len(self._leader_activities(ticket, self.leader_a)), 1)

    def test_detractor_starts_follow_up(self):
        ticket = self._close()
        self._answer(ticket.satisfaction_ids, overall=5, nps=3)
        self.assertEqual(len(self._leader_activities(ticket, self.leader_a)), 1)

    def test_satisfied_no_follow_up(self):
        ticket = self._close()
        sat = self._answer(ticket.satisfaction_ids, overall=4, nps=8)
        self.assertFalse(self._leader_activities(ticket, self.leader_a))
        self.assertFalse(sat.follow_up_done)

    def test_partial_low_score_waits_for_submission(self):
        ticket = self._close()
        sat = self._answer(ticket.satisfaction_ids, overall=1, done=False)
        self.assertTrue(sat.is_dissatisfied)
        self.assertFalse(self._leader_activities(ticket, self.leader_a))

    def test_complaint_ticket(self):
        self.company_a.feedback_low_score_action = "ticket"
        ticket = self._close()
        self._answer(ticket.satisfaction_ids, overall=2, comment="<b>Bad</b> & slow")
        complaint = self.Ticket.search([("parent_ticket_id", "=", ticket.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.kind, "complaint")
        self.assertEqual(complaint.partner_id, self.customer_contact)
        self.assertEqual(complaint.department_id, self.dept_a)
        self.assertIn("&lt;b&gt;Bad&lt;/b&gt; &amp; slow", str(complaint.description),
                      "the customer's text is kept as text")
        self.assertFalse(self._leader_activities(ticket, self.leader_a))
        ticket.satisfaction_ids.user_input_id._mark_done()
        self.assertEqual(self.Ticket.search_count([("parent_ticket_id", "=", ticket.id)]), 1)

    def test_campaign_answer_goes_to_fallback_leader(self):
        campaign = self.env["customer.feedback.survey.campaign"].create({
            "name": "CF campaign", "survey_id": self.survey.id,
            "next_run_date": fields.Datetime.now() + timedelta(days=1),
        })
        sat = self._answer(self._new_satisfaction(self.customer_key, campaign=campaign),
                           overall=1)
        self.assertEqual(len(self._leader_activities(self.customer_key, self.leader_fallback)), 1)
        self.assertTrue(sat.follow_up_done)


@tagged("post_install", "-at_install")
class TestSurveyCampaign(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.segment = cls.env["customer.feedback.segment"].create({"name": "CF Campaign Seg"})
        seg = {"feedback_segment_id": cls.segment.id}
        cls.p1, cls.p2, cls.p3 = Partner.create([
            {"name": f"CF Campaign {i}", "email": f"campaign{i}@cf-camp.example.com", **seg}
            for i in (1, 2, 3)
        ])
        cls.p_opt_out = Partner.create({
            "name": "CF Opted Out", "email": "optout@cf-camp.example.com",
            "feedback_survey_opt_out": True, **seg,
        })
        cls.p_blacklisted = Partner.create({
            "name": "CF Blacklisted", "email": "black@cf-camp.example.com", **seg,
        })
        cls.env["mail.blacklist"].create({"email": "black@cf-camp.example.com"})
        cls.p_recent = Partner.create({
            "name": "CF Recently Invited", "email": "recent@cf-camp.example.com",
            "feedback_last_survey_date": fields.Datetime.now() - timedelta(days=10), **seg,
        })
        cls.p_noemail = Partner.create({"name": "CF Campaign No Email", **seg})
        cls.p_other_company = Partner.create({
            "name": "CF Campaign Company B", "email": "cb@cf-camp.example.com",
            "company_id": cls.company_b.id, **seg,
        })
        cls.p_outside = Partner.create({
            "name": "CF Not In Segment", "email": "outside@cf-camp.example.com",
        })
        cls.start = fields.Datetime.now() - timedelta(hours=1)
        cls.campaign = cls.env["customer.feedback.survey.campaign"].create({
            "name": "CF Monthly",
            "survey_id": cls.survey.id,
            "partner_domain": f"[('feedback_segment_id', '=', {cls.segment.id})]",
            "interval": "monthly",
            "next_run_date": cls.start,
            "cooldown_days": 30,
            "company_id": cls.company_a.id,
        })
        cls.Campaign = cls.env["customer.feedback.survey.campaign"]

    def test_cron_reaches_segment_once(self):
        self.Campaign._cron_run_campaigns()
        sats = self.campaign.satisfaction_ids
        self.assertEqual(sats.partner_id, self.p1 + self.p2 + self.p3)
        self.assertEqual(len(sats), 3, "one invitation each")
        self.assertEqual(set(sats.mapped("company_id")), {self.company_a})
        self.assertEqual(len(self._invitations(sats)), 3)
        self.assertEqual(self.campaign.next_run_date, self.start + relativedelta(months=1))
        for partner in self.p1 + self.p2 + self.p3:
            self.assertTrue(partner.feedback_last_survey_date)
        # again: not due
        self.Campaign._cron_run_campaigns()
        self.assertEqual(len(self.campaign.satisfaction_ids), 3)
        # due again, but every customer is within the cool-down
        self.campaign.next_run_date = fields.Datetime.now() - timedelta(minutes=1)
        self.Campaign._cron_run_campaigns()
        self.assertEqual(len(self.campaign.satisfaction_ids), 3)

    def test_cooldown_expired(self):
        self.p_recent.feedback_last_survey_date = fields.Datetime.now() - timedelta(days=31)
        self.Campaign._cron_run_campaigns()
        self.assertIn(self.p_recent, self.campaign.satisfaction_ids.partner_id)
        self.campaign.cooldown_days = 5
        self.assertFalse(self.campaign._recipients(fields.Datetime.now()))

    def test_cooldown_after_ticket_survey(self):
        self.cat_a.satisfaction_survey_id = self.survey
        ticket = self._close(partner=self.p1)
        self.assertTrue(ticket.satisfaction_ids)
        self.Campaign._cron_run_campaigns()
        self.assertEqual(self.campaign.satisfaction_ids.partner_id, self.p2 + self.p3)

    def test_two_campaigns_same_customers(self):
        other = self.campaign.copy({"name": "CF Biweekly", "interval": "biweekly",
                                    "next_run_date": self.start})
        self.Campaign._cron_run_campaigns()
        self.assertEqual(
            (self.campaign + other).satisfaction_ids.partner_id, self.p1 + self.p2 + self.p3
        )
        self.assertEqual(len((self.campaign + other).satisfaction_ids), 3)
        self.assertEqual(other.next_run_date, self.start + relativedelta(weeks=2))

    def test_next_run_skips_missed_periods(self):
        start = fields.Datetime.now() - timedelta(weeks=5)
        self.campaign.write({"interval": "biweekly", "next_run_date": start})
        self.Campaign._cron_run_campaigns()
        self.assertEqual(self.campaign.next_run_date, start + relativedelta(weeks=6))

    def test_send_now(self):
        self.campaign.next_run_date = fields.Datetime.now() + timedelta(days=3)
        self.campaign.with_user(self.manager).action_send_now()
        self.assertEqual(self.campaign.satisfaction_ids.partner_id, self.p1 + self.p2 + self.p3)
        self.assertEqual(self.campaign.next_run_date.date(),
                         (fields.Datetime.now() + timedelta(days=3)).date())

    def test_response_rate(self):
        self.Campaign._cron_run_campaigns()
        sat1, sat2, sat3 = self.campaign.satisfaction_ids.sorted("id")
        self._answer(sat1, overall=5, nps=10)
        self._answer(sat2, overall=4, done=False)
        self.campaign.invalidate_recordset(["sent_count", "answered_count", "response_rate"])
        self.assertEqual(self.campaign.sent_count, 3)
        self.assertEqual(self.campaign.answered_count, 1)
        self.assertAlmostEqual(self.campaign.response_rate, 100.0 / 3, places=2)
        self.assertEqual(sat3.state, "sent")


@tagged("post_install", "-at_install")
class TestCareRhythm(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.call_type = cls.env.ref("customer_feedback.mail_activity_type_happy_call")
        cls.monthly = Partner.create({
            "name": "CF Care Monthly", "user_id": cls.user_a.id,
            "feedback_care_interval": "monthly", "feedback_next_care_date": date(2026, 3, 12),
        })
        cls.biweekly = Partner.create({
            "name": "CF Care Biweekly", "feedback_care_interval": "biweekly",
            "feedback_next_care_date": date(2026, 3, 5),
        })
        cls.later = Partner.create({
            "name": "CF Care Next Month", "feedback_care_interval": "monthly",
            "feedback_next_care_date": date(2026, 4, 3),
        })
        cls.no_rhythm = Partner.create({
            "name": "CF No Care", "feedback_next_care_date": date(2026, 3, 5),
        })
        cls.care_partners = cls.monthly + cls.biweekly + cls.later + cls.no_rhythm

    def _calls(self, partners=None):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", (partners or self.care_partners).ids),
            ("activity_type_id", "=", self.call_type.id),
        ])

    def test_plan_month(self):
        Partner = self.env["res.partner"]
        Partner._cron_plan_happy_calls(today=date(2026, 3, 1))
        monthly = self._calls(self.monthly)
        self.assertEqual(monthly.mapped("date_deadline"), [date(2026, 3, 12)])
        self.assertEqual(monthly.user_id, self.user_a, "the customer's salesperson")
        biweekly = self._calls(self.biweekly)
        self.assertEqual(sorted(biweekly.mapped("date_deadline")),
                         [date(2026, 3, 5), date(2026, 3, 19)])
        self.assertFalse(self._calls(self.later + self.no_rhythm))
        self.assertEqual(self.monthly.feedback_next_care_date, date(2026, 4, 12))
        self.assertEqual(self.biweekly.feedback_next_care_date, date(2026, 4, 2))
        self.assertEqual(self.later.feedback_next_care_date, date(2026, 4, 3))
        # the daily run later in the month adds nothing
        Partner._cron_plan_happy_calls(today=date(2026, 3, 1))
        Partner._cron_plan_happy_calls(today=date(2026, 3, 9))
        self.assertEqual(len(self._calls()), 3)
        # next month
        Partner._cron_plan_happy_calls(today=date(2026, 4, 1))
        self.assertEqual(
            sorted(self._calls(self.later + self.biweekly).mapped("date_deadline")),
            [date(2026, 3, 5), date(2026, 3, 19), date(2026, 4, 2), date(2026, 4, 3),
             date(2026, 4, 16), date(2026, 4, 30)],
        )

    def test_missed_calls_do_not_pile_up(self):
        late = self.env["res.partner"].create({
            "name": "CF Care Late", "feedback_care_interval": "monthly",
            "feedback_next_care_date": date(2025, 12, 15),
        })
        self.env["res.partner"]._cron_plan_happy_calls(today=date(2026, 3, 1))
        self.assertEqual(sorted(self._calls(late).mapped("date_deadline")),
                         [date(2026, 3, 1), date(2026, 3, 15)])
        self.assertEqual(late.feedback_next_care_date, date(2026, 4, 15))

    def test_care_list(self):
        with freeze_time("2026-03-01 08:00:00"):
            self.env["res.partner"]._cron_plan_happy_calls()
            action = self.env["res.partner"].with_user(self.user_a).action_view_care_list()
            self.assertEqual(action["res_model"], "mail.activity")
            listed = self.env["mail.activity"].search(action["domain"])
        self.assertEqual(listed & self._calls(), self._calls())
        self.assertEqual(len(self._calls()), 3)
        # next month's calls are not on this month's list
        later_call = self.later.activity_schedule(
            activity_type_id=self.call_type.id, date_deadline=date(2026, 4, 3))
        self.assertNotIn(later_call, listed)

    def test_care_list_server_action(self):
        action = self.env.ref("customer_feedback.action_customer_feedback_care_list")
        result = action.with_user(self.user_a).run()
        self.assertEqual(result["res_model"], "mail.activity")


@tagged("post_install", "-at_install")
class TestSatisfactionAccess(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls._create_ticket(title="CF sat access A", category_id=cls.cat_a.id,
                                          partner_id=cls.customer_contact.id)
        user_input = cls.env["survey.user_input"].create({"survey_id": cls.survey.id})
        cls.sat_a = cls.Satisfaction.create({
            "partner_id": cls.customer_contact.id, "user_input_id": user_input.id,
            "ticket_id": cls.ticket_a.id, "company_id": cls.company_a.id,
        })
        campaign = cls.env["customer.feedback.survey.campaign"].create({
            "name": "CF access campaign", "survey_id": cls.survey.id,
            "next_run_date": fields.Datetime.now() + timedelta(days=5),
        })
        user_input = cls.env["survey.user_input"].create({"survey_id": cls.survey.id})
        cls.sat_campaign = cls.Satisfaction.create({
            "partner_id": cls.customer_key.id, "user_input_id": user_input.id,
            "campaign_id": campaign.id, "company_id": cls.company_a.id,
        })
        cls.all_sats = cls.sat_a + cls.sat_campaign

    def _visible(self, user):
        return self.Satisfaction.with_user(user).search([("id", "in", self.all_sats.ids)])

    def _assert_cannot_read(self, user, satisfaction):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            satisfaction.with_user(user).read(["csat"])

    def test_other_department_cannot_read(self):
        self.assertFalse(self._visible(self.user_b))
        self._assert_cannot_read(self.user_b, self.sat_a)
        self._assert_cannot_read(self.user_b, self.sat_campaign)
        self._assert_cannot_read(self.plain_employee, self.sat_a)

    def test_department_member_and_leader(self):
        self.assertEqual(self._visible(self.user_a), self.sat_a)
        self.assertEqual(self._visible(self.leader_a), self.sat_a)
        self.assertEqual(self.sat_a.with_user(self.user_a).partner_id, self.customer_contact)
        self._assert_cannot_read(self.user_a, self.sat_campaign)
        with self.assertRaises(AccessError):
            self.sat_a.with_user(self.user_a).write({"follow_up_done": True})

    def test_manager_reads_all(self):
        self.assertEqual(self._visible(self.manager), self.all_sats)
        self.assertFalse(self._visible(self.manager_b), "other company")

    def test_partner_stats_readable_by_users(self):
        """The customer's summary is on the contact; the answers stay behind the rules."""
        self.assertEqual(
            self.customer_contact.with_user(self.user_b).feedback_survey_count, 0)

    def test_member_closing_ticket_invites(self):
        """An agent (read-only on the satisfaction model) closes a ticket that asks
        for the questionnaire."""
        self.cat_a.satisfaction_survey_id = self.survey
        ticket = self._close(user=self.user_a)
        self.assertEqual(len(ticket.satisfaction_ids), 1)


@tagged("post_install", "-at_install")
class TestSatisfactionViews(SatisfactionCommon):
    def test_views_render(self):
        cases = {
            "customer.feedback.satisfaction": ["list", "form", "search", "pivot", "graph"],
            "customer.feedback.survey.campaign": ["list", "form", "search"],
            "res.partner": ["form", "search"],
            "customer.feedback.ticket": ["form"],
            "customer.feedback.category": ["form"],
            "customer.feedback.department": ["form"],
            "res.config.settings": ["form"],
            "survey.question": ["form"],
        }
        admin = self.env.ref("base.user_admin")
        admin_only = ("res.config.settings", "survey.question")
        for model, view_types in cases.items():
            users = (admin,) if model in admin_only else (self.manager, self.user_a)
            for user in users:
                with self.subTest(model=model, user=user.login):
                    result = self.env[model].with_user(user).get_views(
                        [(False, view_type) for view_type in view_types])
                    self.assertEqual(set(result["views"]), set(view_types))
        partner_form = self.env["res.partner"].with_user(self.user_a).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("feedback_csat_avg", partner_form)
        question_form = self.env["survey.question"].get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("feedback_measure", question_form)
        self.assertIn("feedback_factor", question_form)
        search = self.env["res.partner"].with_user(self.user_a).get_views(
            [(False, "search")])["views"]["search"]["arch"]
        self.assertIn("filter_feedback_no_recent_survey", search)


@tagged("post_install", "-at_install")
class TestRatingLink(FeedbackCommon, HttpCase):
    def test_rate_from_closure_email(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        ticket.resolution = "<p>Fixed.</p>"
        ticket.action_resolve()
        ticket.action_close()
        closure = ticket.message_ids.filtered(
            lambda m: m.subject and CLOSURE_SUBJECT in m.subject
        )
        token = re.search(
            r"/rate/([^/\"']+)/5", customer_copy(closure, self.customer_contact)
        ).group(1)
        response = self.url_open(f"/rate/{token}/5")
        self.assertEqual(response.status_code, 200)
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', response.text).group(1)
        response = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 5, "csrf_token": csrf, "feedback": "Quick and kind"},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        rating = self.env["rating.rating"].search([("access_token", "=", token)])
        self.assertEqual(rating.rating, 5)
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.feedback, "Quick and kind")
        self.assertEqual(ticket.rating_last_value, 5)
        self.assertIn(rating.message_id, ticket.message_ids)
        # an unknown token is refused
        self.assertEqual(self.url_open("/rate/not-a-token/5").status_code, 404)
