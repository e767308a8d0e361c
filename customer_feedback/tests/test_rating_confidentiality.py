"""Ratings and satisfaction are as confidential as the tickets and answers
behind them (issue 14, items 1 and 2).

- a ticket's rating is read by those who may read the ticket, written by no
  user (only the customer's link, as superuser);
- its access token (the key of the customer's rating link) is read by no
  user: not by read, search_read, export, grouping, sorting or searching;
- the customer may change a rating for a few days, then the link stops
  working;
- the satisfaction summary on the contact is for the feedback team.
"""

import importlib.util
import re
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from .common import FeedbackCommon, RequiresHttpServer
from .test_satisfaction import CLOSURE_SUBJECT, SatisfactionCommon, customer_copy

TICKET = "customer.feedback.ticket"
SATISFACTION_FIELDS = [
    "feedback_csat_last", "feedback_csat_avg", "feedback_nps_category",
    "feedback_survey_count", "feedback_is_dissatisfied", "feedback_satisfaction_ids",
    "feedback_last_survey_date",
]


def _rating_of(ticket):
    """The pending rating of ``ticket``'s customer (as the closing email asks)."""
    token = ticket._rating_get_access_token()
    return ticket.env["rating.rating"].search([("access_token", "=", token)])


class RatingCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rating = cls.env["rating.rating"]
        cls.ticket_a = cls._create_ticket(
            title="CF rating A", category_id=cls.cat_a.id, partner_id=cls.customer_contact.id)
        cls.ticket_b = cls._create_ticket(
            title="CF rating B", category_id=cls.cat_b.id, partner_id=cls.customer_key.id)
        cls.ticket_portal = cls._create_ticket(
            title="CF rating portal", category_id=cls.cat_b.id,
            partner_id=cls.customer_portal.id)
        cls.ticket_company_b = cls._create_ticket(
            title="CF rating company B", company_id=cls.company_b.id,
            partner_id=cls.customer_b.id)
        cls.rating_a = _rating_of(cls.ticket_a)
        cls.rating_b = _rating_of(cls.ticket_b)
        cls.rating_portal = _rating_of(cls.ticket_portal)
        cls.rating_company_b = _rating_of(cls.ticket_company_b)
        cls.ticket_a.rating_apply(2, token=cls.rating_a.access_token, feedback="Slow")
        cls.ticket_ratings = (
            cls.rating_a + cls.rating_b + cls.rating_portal + cls.rating_company_b
        )
        # a rating of another model keeps Odoo's rules
        cls.rating_other = cls.Rating.create({
            "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
            "res_id": cls.customer_key.id, "partner_id": cls.customer_key.id,
        })
        cls.all_ratings = cls.ticket_ratings + cls.rating_other
        cls.manager.group_ids += cls.env.ref("base.group_allow_export")

    def _visible(self, user):
        return self.Rating.with_user(user).search([("id", "in", self.all_ratings.ids)])

    @contextmanager
    def refused(self):
        with self.assertRaises(AccessError), mute_logger(
            "odoo.addons.base.models.ir_rule", "odoo.orm.models", "odoo.models"
        ):
            yield


class TestRatingAccess(RatingCommon):
    def test_plain_employee_sees_no_ticket_rating(self):
        rows = self.Rating.with_user(self.plain_employee).search_read(
            [("res_model", "=", TICKET)], ["rating", "feedback", "res_id"])
        self.assertEqual(rows, [])
        self.assertEqual(self._visible(self.plain_employee), self.rating_other)
        with self.refused():
            self.rating_a.with_user(self.plain_employee).read(["rating"])
        groups = self.Rating.with_user(self.plain_employee).formatted_read_group(
            [("res_model", "=", TICKET)], ["res_id"], ["__count"])
        self.assertEqual(groups, [])

    def test_ratings_follow_ticket_rules(self):
        """Department, assignee, manager and company: the ticket's rules."""
        self.assertEqual(self._visible(self.user_a), self.rating_a + self.rating_other)
        self.assertEqual(
            self._visible(self.user_b), self.rating_b + self.rating_portal + self.rating_other)
        self.assertEqual(self._visible(self.manager), self.all_ratings - self.rating_company_b)
        self.assertEqual(
            self._visible(self.user_company_b), self.rating_company_b + self.rating_other)
        with self.refused():
            self.rating_b.with_user(self.user_a).read(["rating"])
        with self.refused():
            self.rating_company_b.with_user(self.manager).read(["rating"])
        # the ticket's assignee from another department sees its rating
        self.ticket_b.user_id = self.user_a
        self.assertIn(self.rating_b, self._visible(self.user_a))
        # what the agent sees of their ticket's rating, without the token
        rating = self.ticket_a.with_user(self.user_a).rating_ids
        self.assertEqual(rating, self.rating_a)
        self.assertEqual((rating.rating, rating.feedback), (2, "Slow"))
        self.assertEqual(self.ticket_a.with_user(self.user_a).rating_last_value, 2)

    def test_portal_reads_no_rating(self):
        with self.refused():
            self.Rating.with_user(self.portal_user).search_read(
                [("res_model", "=", TICKET)], ["rating"])
        with self.refused():
            self.rating_portal.with_user(self.portal_user).read(["rating"])

    def test_token_not_read(self):
        """No user reads the token of a ticket's rating, by any public method."""
        for user in (self.user_a, self.manager):
            Rating = self.Rating.with_user(user)
            rating = self.rating_a.with_user(user)
            with self.subTest(user=user.login):
                with self.refused():
                    Rating.search_read(
                        [("res_model", "=", TICKET)], ["rating", "access_token"])
                with self.refused():
                    rating.read(["access_token"])
                with self.refused():
                    _token = rating.access_token
                self.assertNotIn("access_token", rating.read()[0])
                self.assertNotIn("access_token", Rating.search_read([("id", "=", rating.id)])[0])
                self.assertNotIn("access_token", Rating.fields_get())
                with self.refused():
                    rating.web_read({"access_token": {}})
                with self.refused():
                    Rating.web_search_read(
                        [("res_model", "=", TICKET)], {"access_token": {}})
                with self.refused():
                    _token = self.ticket_a.with_user(user).rating_ids.access_token
        manager = self.manager
        with self.refused():
            self.rating_a.with_user(manager).export_data(["access_token"])
        with self.refused():
            self.ticket_a.with_user(manager).export_data(["rating_ids/access_token"])

    def test_token_not_queried(self):
        """Searching, grouping or sorting by token would reveal it (a prefix at a
        time): refused to all users, on every rating."""
        token = self.rating_a.access_token
        for user in (self.user_a, self.manager, self.plain_employee):
            Rating = self.Rating.with_user(user)
            with self.subTest(user=user.login):
                with self.refused():
                    Rating.search([("access_token", "=", token)])
                with self.refused():
                    Rating.search([("access_token", "=like", token[:1] + "%")])
                with self.refused():
                    Rating.search_count([("access_token", "!=", False)])
                with self.refused():
                    Rating.formatted_read_group([], ["access_token"], ["__count"])
                with self.refused():
                    Rating.read_group([], ["rating"], ["access_token"])
                with self.refused():
                    Rating.search([], order="access_token")
                with self.refused():
                    Rating.formatted_read_group(
                        [], ["res_model"], ["access_token:array_agg"])
        # nor through the ticket: rating_apply looks the token up as the caller
        ticket = self.ticket_a.with_user(self.user_a)
        with self.refused():
            ticket.rating_apply(1, token=token)
        self.assertEqual(self.rating_a.rating, 2)

    def test_no_user_writes_ticket_ratings(self):
        """A ticket's rating is the customer's: not even a manager changes,
        deletes or creates one; their statistics stay the customers'."""
        rating = self.rating_a.with_user(self.manager)
        with self.refused():
            rating.write({"rating": 5})
        with self.refused():
            rating.reset()
        with self.refused():
            rating.unlink()
        with self.refused():
            self.rating_b.with_user(self.user_b).write({"rating": 5})
        with self.refused():
            self.Rating.with_user(self.user_a).create({
                "res_model_id": self.env["ir.model"]._get_id(TICKET),
                "res_id": self.ticket_a.id, "partner_id": self.customer_contact.id,
                "rating": 5, "consumed": True,
            })
        self.assertEqual((self.rating_a.rating, self.ticket_a.rating_last_value), (2, 2))
        # other models' ratings: Odoo's rights unchanged
        self.rating_other.with_user(self.plain_employee).write({"feedback": "fine"})
        self.assertEqual(self.rating_other.feedback, "fine")


class TestRatingChange(RatingCommon):
    def _apply(self, rate):
        # as the rating link does (superuser, the token as proof)
        return self.ticket_a.rating_apply(rate, token=self.rating_a.access_token)

    def test_change_within_the_window(self):
        self.assertTrue(self.rating_a.feedback_first_rated_on)
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            self._apply(4)
            self.assertFalse(self.rating_a._feedback_rating_locked())
        self.assertEqual(self.ticket_a.rating_last_value, 4)

    def test_locked_after_the_window(self):
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            self.assertTrue(self.rating_a._feedback_rating_locked())
            with self.assertRaises(UserError):
                self._apply(5)
        self.assertEqual(self.rating_a.rating, 2)
        # the window is counted from the first rating, not from the last change
        self.assertFalse(self.rating_b._feedback_rating_locked(), "not given yet")

    def test_window_setting(self):
        self.env["ir.config_parameter"].set_param("customer_feedback.rating_change_days", "0")
        self.assertTrue(self.rating_a._feedback_rating_locked())
        with self.assertRaises(UserError):
            self._apply(5)
        self.env["ir.config_parameter"].set_param("customer_feedback.rating_change_days", "30")
        with freeze_time(fields.Datetime.now() + timedelta(days=20)):
            self._apply(5)
        self.assertEqual(self.rating_a.rating, 5)

    def test_pending_rating_not_locked(self):
        with freeze_time(fields.Datetime.now() + timedelta(days=60)):
            self.ticket_b.rating_apply(5, token=self.rating_b.access_token)
        self.assertEqual(self.ticket_b.rating_last_value, 5)


@tagged("post_install", "-at_install")
class TestRatingLinkWindow(RequiresHttpServer, HttpCase, FeedbackCommon):
    def _closed_ticket_token(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        ticket.resolution = "<p>Fixed.</p>"
        ticket.action_resolve()
        ticket.action_close()
        closure = ticket.message_ids.filtered(
            lambda m: m.subject and CLOSURE_SUBJECT in m.subject)
        token = re.search(
            r"/rate/([^/\"']+)/5", customer_copy(closure, self.customer_contact)).group(1)
        return ticket, token

    def _submit(self, token, rate):
        page = self.url_open(f"/rate/{token}/{rate}")
        self.assertEqual(page.status_code, 200)
        self.csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text).group(1)
        return self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": rate, "csrf_token": self.csrf})

    def test_customer_changes_rating_then_link_expires(self):
        ticket, token = self._closed_ticket_token()
        self.assertEqual(self._submit(token, 1).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(ticket.rating_last_value, 1)
        # a wrong face: the customer changes it the next days
        self.assertEqual(self._submit(token, 5).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(ticket.rating_last_value, 5)
        # a week later the link no longer works: the rating stays
        rating = ticket.rating_ids
        rating.feedback_first_rated_on = fields.Datetime.now() - timedelta(days=8)
        self.env.flush_all()
        self.assertEqual(self.url_open(f"/rate/{token}/1").status_code, 404)
        response = self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": 1, "csrf_token": self.csrf})
        self.assertEqual(response.status_code, 404)
        self.env.invalidate_all()
        self.assertEqual((rating.rating, ticket.rating_last_value), (5, 5))


class TestSatisfactionOnContact(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.customer_contact
        cls.partner.feedback_last_survey_date = fields.Datetime.now()
        cls.manager.group_ids += cls.env.ref("base.group_allow_export")
        cls.plain_employee.group_ids += cls.env.ref("base.group_allow_export")

    def setUp(self):
        super().setUp()
        satisfaction = self._new_satisfaction(partner=self.partner)
        self._answer(satisfaction, overall=1, nps=2)
        self.assertTrue(self.partner.feedback_is_dissatisfied)

    def test_plain_employee_reads_no_satisfaction(self):
        Partner = self.env["res.partner"].with_user(self.plain_employee)
        partner = self.partner.with_user(self.plain_employee)
        for fname in SATISFACTION_FIELDS:
            with self.subTest(field=fname):
                with self.refused():
                    partner.read([fname])
                with self.refused():
                    Partner.search_read(
                        [("id", "=", partner.id)], [fname])
                with self.refused():
                    partner.export_data([fname])
                with self.refused():
                    Partner.formatted_read_group(
                        [("id", "=", partner.id)], [fname], ["__count"])
                self.assertNotIn(fname, Partner.fields_get())
        with self.refused():
            Partner.search([("feedback_is_dissatisfied", "=", True)])
        with self.refused():
            Partner.search([("feedback_csat_last", "<", 50)])
        with self.refused():
            Partner.search([], order="feedback_csat_avg")
        # the contact itself still opens, lists and searches
        self.assertEqual(partner.read(["name"])[0]["name"], self.partner.name)

    def test_plain_employee_views_load(self):
        """The contact form, list and search load, without the feedback fields."""
        Partner = self.env["res.partner"].with_user(self.plain_employee)
        views = Partner.get_views([(False, "form"), (False, "list"), (False, "search")])
        for view_type, view in views["views"].items():
            with self.subTest(view=view_type):
                for fname in SATISFACTION_FIELDS + ["filter_feedback_dissatisfied"]:
                    self.assertNotIn(fname, view["arch"])
        self.assertTrue(Partner.web_search_read(
            [("id", "=", self.partner.id)], {"display_name": {}})["records"])

    def test_answers_refused_to_plain_employee(self):
        """The records behind the summary (Odoo's survey rules and ours)."""
        satisfaction = self.Satisfaction.search([("partner_id", "=", self.partner.id)])
        employee = self.plain_employee
        with self.refused():
            satisfaction.with_user(employee).read(["csat"])
        with self.refused():
            satisfaction.user_input_id.with_user(employee).read(["state"])
        with self.refused():
            satisfaction.user_input_id.user_input_line_ids.with_user(
                employee).read(["answer_type"])
        with self.refused():
            self.env["survey.user_input"].with_user(employee).search_read(
                [("survey_id", "=", self.survey.id)], ["scoring_percentage"])

    def test_feedback_team_reads_summary(self):
        for user in (self.user_b, self.manager):
            partner = self.partner.with_user(user)
            with self.subTest(user=user.login):
                self.assertTrue(partner.feedback_is_dissatisfied)
                self.assertEqual(partner.feedback_survey_count, 1)
                self.assertIn(partner, self.env["res.partner"].with_user(user).search(
                    [("feedback_is_dissatisfied", "=", True)]))
        self.assertTrue(self.partner.with_user(self.manager).export_data(
            ["name", "feedback_csat_last"])["datas"])

    @contextmanager
    def refused(self):
        with self.assertRaises(AccessError), mute_logger(
            "odoo.addons.base.models.ir_rule", "odoo.orm.models", "odoo.models"
        ):
            yield


class TestSatisfactionPerCompany(SatisfactionCommon):
    """A contact shared by the companies answers each of them: each company's
    team reads the summary of the answers given to it, never the other's."""

    def setUp(self):
        super().setUp()
        self.partner = self.customer_contact
        self.partner.company_id = False
        self._answer(self._new_satisfaction(partner=self.partner), overall=1, nps=2)
        answer_to_b = self._new_satisfaction(partner=self.partner)
        answer_to_b.company_id = self.company_b
        self._answer(answer_to_b, overall=5, nps=10)
        self.both_companies = self.manager_b
        self.both_companies.company_ids += self.company_a

    def _summary(self, partner):
        return partner.read(["feedback_survey_count", "feedback_is_dissatisfied",
                             "feedback_nps_category"])[0]

    def test_each_company_reads_its_own_summary(self):
        for user, dissatisfied, category in (
            (self.manager, True, "detractor"),
            (self.user_a, True, "detractor"),
            (self.user_company_b, False, "promoter"),
            (self.manager_b, False, "promoter"),
        ):
            with self.subTest(user=user.login):
                summary = self._summary(self.partner.with_user(user))
                self.assertEqual(summary["feedback_survey_count"], 1)
                self.assertEqual(summary["feedback_is_dissatisfied"], dissatisfied)
                self.assertEqual(summary["feedback_nps_category"], category)

    def test_user_of_both_companies_reads_the_current_one(self):
        partner = self.partner.with_user(self.both_companies)
        in_a = partner.with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        in_b = partner.with_context(allowed_company_ids=[self.company_b.id, self.company_a.id])
        self.assertTrue(in_a.feedback_is_dissatisfied)
        self.assertFalse(in_b.feedback_is_dissatisfied)

    def test_filters_search_the_readers_company(self):
        def found(user, domain):
            return self.partner in self.env["res.partner"].with_user(user).search(domain)

        dissatisfied = [("feedback_is_dissatisfied", "=", True)]
        self.assertTrue(found(self.user_a, dissatisfied))
        self.assertFalse(found(self.user_company_b, dissatisfied))
        self.assertTrue(found(self.user_company_b, [("feedback_is_dissatisfied", "=", False)]))
        self.assertTrue(found(self.user_company_b, [("feedback_nps_category", "=", "promoter")]))
        self.assertFalse(found(self.user_a, [("feedback_nps_category", "in", ["promoter"])]))
        self.assertTrue(found(self.user_a, [("feedback_csat_last", "<", 50)]))
        self.assertFalse(found(self.user_company_b, [("feedback_csat_last", "<", 50)]))
        self.assertTrue(found(self.user_company_b, [("feedback_survey_count", ">=", 1)]))

    def test_export_gives_the_readers_company(self):
        self.manager_b.group_ids += self.env.ref("base.group_allow_export")
        rows = self.partner.with_user(self.manager_b).export_data(
            ["feedback_is_dissatisfied", "feedback_nps_category"])["datas"]
        self.assertEqual(rows, [[False, "Promoter"]])

    def test_summary_column_refused_to_the_team(self):
        """The column holding every company's summary is for administrators only."""
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.partner.with_user(self.manager).read(["feedback_satisfaction_summary"])


class TestSatisfactionSummaryMigration(SatisfactionCommon):
    def test_old_columns_dropped(self):
        """A database updated from 19.0.1.3.0 keeps no copy of the summary
        that every company read."""
        path = Path(__file__).parent.parent / (
            "migrations/19.0.1.4.0/post-satisfaction-summary-per-company.py")
        spec = importlib.util.spec_from_file_location("summary_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        cr = self.env.cr
        cr.execute("ALTER TABLE res_partner ADD COLUMN feedback_is_dissatisfied boolean")
        migration.migrate(cr, "19.0.1.3.0")
        cr.execute("""SELECT column_name FROM information_schema.columns
                      WHERE table_name = 'res_partner' AND column_name LIKE 'feedback_%'""")
        columns = {row[0] for row in cr.fetchall()}
        self.assertNotIn("feedback_is_dissatisfied", columns)
        self.assertIn("feedback_satisfaction_summary", columns)
