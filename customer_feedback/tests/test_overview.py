"""The feedback overview: a card per department, each figure opening its list.

The tickets of Department A are brought to where they stand through the
workflow, each at the time it happened (freeze_time), then the overview is
read "now", Monday 10 March 2025 08:00 UTC, with the rights of the user
looking at it. Priority levels (tests/common.py, calendar hours): Urgent
2 h / 8 h, Normal 8 h / 24 h, Low 24 h / 72 h; complaints are Urgent and
questions Normal. At risk: less than 25 % of the allowed time left.
"""

from datetime import datetime, timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged, users, warmup
from odoo.tests.common import freeze_time, new_test_user
from odoo.tools.safe_eval import safe_eval

from .test_satisfaction import SatisfactionCommon

NOW = datetime(2025, 3, 10, 8, 0)
COUNTS = {
    "open": 5, "unassigned": 1, "high": 2, "waiting": 1,
    "response_at_risk": 1, "resolution_at_risk": 1, "promise_at_risk": 1,
    "response_overdue": 1, "resolution_overdue": 1, "promise_overdue": 1,
}


@tagged("post_install", "-at_install")
class TestOverview(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.feedback_at_risk_percent = 25.0
        cls.Department = cls.env["customer.feedback.department"]
        hours = timedelta(hours=1)
        # open, Urgent: response 09:00 and resolution 15:00 are still far enough
        cls.t_fine = cls._at(NOW - hours, kind="complaint")
        # open, Normal, unassigned: response due 09:00, 1 h of 8 left
        cls.t_response_risk = cls._at(NOW - 7 * hours, kind="question")
        cls.t_response_risk.user_id = False
        # open, Urgent, of CF User A: response (22:00) and resolution (04:00) missed
        cls.t_late = cls._at(NOW - 12 * hours, kind="complaint", user_id=cls.user_a.id)
        # open, Normal, answered: resolution due 10:00 (2 h of 24 left); promised 07:00
        cls.t_resolution_risk = cls._at(
            NOW - 22 * hours, kind="question", date_promised=NOW - hours
        )
        cls._later(cls.t_resolution_risk, NOW - 20 * hours, "start")
        # open, Normal: the date promised at 09:00 has 1 h left, under 6 h (25 % of 24 h)
        cls.t_promise_risk = cls._at(
            NOW - 2 * hours, kind="question", date_promised=NOW + hours
        )
        # waiting for the customer's confirmation, answered then resolved within the hour
        cls.t_waiting = cls._at(NOW - 30 * hours, kind="question")
        cls._later(cls.t_waiting, NOW - 30 * hours, "start")
        cls._later(cls.t_waiting, NOW - 29 * hours, "resolve", "request_confirmation")
        # closed 3 days ago: answered in 1 h, resolved in 12 h (on time, 24 h allowed)
        cls.t_closed_recent = cls._at(NOW - 96 * hours, kind="question")
        cls._later(cls.t_closed_recent, NOW - 95 * hours, "start")
        cls._later(cls.t_closed_recent, NOW - 84 * hours, "resolve", "close")
        # closed 17 days ago: answered in 4 h, resolved in 24 h (late, 8 h allowed)
        cls.t_closed_month = cls._at(NOW - 18 * 24 * hours, kind="complaint")
        cls._later(cls.t_closed_month, NOW - 18 * 24 * hours + 4 * hours, "start")
        cls._later(cls.t_closed_month, NOW - 17 * 24 * hours, "resolve", "close")
        # closed long ago: in none of the figures
        cls.t_closed_old = cls._at(NOW - 100 * 24 * hours, kind="question")
        cls._later(cls.t_closed_old, NOW - 100 * 24 * hours, "start")
        cls._later(cls.t_closed_old, NOW - 99 * 24 * hours, "resolve", "close")
        # another department's open ticket
        cls.t_dept_b = cls._at(NOW - hours, kind="complaint", category_id=cls.cat_b.id)

    @classmethod
    def _at(cls, when, **values):
        with freeze_time(when):
            return cls._create_ticket(**{"category_id": cls.cat_a.id, "date_received": when,
                                         **values})

    @classmethod
    def _later(cls, ticket, when, *actions):
        with freeze_time(when):
            for action in actions:
                if action == "resolve":
                    ticket.resolution = "<p>Replaced the part.</p>"
                getattr(ticket, f"action_{action}")()
            ticket.env.flush_all()

    def _overview(self, user, departments=None):
        departments = departments or self.dept_a
        with freeze_time(NOW):
            department = departments.with_user(user)
            department.invalidate_recordset()
            return {
                name: department[f"overview_{name}_count"]
                for name in (*COUNTS, "mine")
            } | {
                name: department[f"overview_{name}"]
                for name in ("response_hours_7", "response_hours_30", "resolution_hours_7",
                             "resolution_hours_30", "on_time_percent", "resolved_30_count",
                             "csat_30", "csat_30_count")
            }

    def _open_figure(self, user, figure, department=None):
        """The records listed by the button of ``figure``, as ``user`` sees them."""
        with freeze_time(NOW):
            department = (department or self.dept_a).with_user(user)
            action = department.with_context(overview_figure=figure).action_overview_open()
            return self.env[action["res_model"]].with_user(user).search(action["domain"])

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def test_counts(self):
        figures = self._overview(self.leader_a)
        for name, count in COUNTS.items():
            with self.subTest(figure=name):
                self.assertEqual(figures[name], count)
        self.assertEqual(figures["mine"], 3, "the department's leader gets its tickets")
        self.assertEqual(self._overview(self.user_a)["mine"], 1, "t_late is CF User A's")

    def test_counts_are_the_tickets_listed(self):
        expected = {
            "open": self.t_fine | self.t_response_risk | self.t_late | self.t_resolution_risk
            | self.t_promise_risk,
            "unassigned": self.t_response_risk,
            "high": self.t_fine | self.t_late,
            "mine": self.t_late,
            "waiting": self.t_waiting,
            "response_at_risk": self.t_response_risk,
            "resolution_at_risk": self.t_resolution_risk,
            "promise_at_risk": self.t_promise_risk,
            "response_overdue": self.t_late,
            "resolution_overdue": self.t_late,
            "promise_overdue": self.t_resolution_risk,
            "response_7": self.t_resolution_risk | self.t_waiting | self.t_closed_recent,
            "response_30": self.t_resolution_risk | self.t_waiting | self.t_closed_recent
            | self.t_closed_month,
            "resolution_7": self.t_waiting | self.t_closed_recent,
            "resolution_30": self.t_waiting | self.t_closed_recent | self.t_closed_month,
            "on_time": self.t_waiting | self.t_closed_recent,
        }
        figures = self._overview(self.user_a)
        for figure, tickets in expected.items():
            with self.subTest(figure=figure):
                listed = self._open_figure(self.user_a, figure)
                self.assertEqual(listed, tickets)
                if figure in figures:
                    self.assertEqual(figures[figure], len(listed))

    def test_times_and_on_time(self):
        figures = self._overview(self.user_a)
        # first responses: t_resolution_risk 2 h, t_waiting 0 h, t_closed_recent 1 h
        # (7 days), and t_closed_month 4 h (30 days)
        self.assertAlmostEqual(figures["response_hours_7"], 1.0)
        self.assertAlmostEqual(figures["response_hours_30"], 7.0 / 4)
        # resolutions: t_waiting 1 h, t_closed_recent 12 h; t_closed_month 24 h
        self.assertAlmostEqual(figures["resolution_hours_7"], 6.5)
        self.assertAlmostEqual(figures["resolution_hours_30"], 37.0 / 3)
        self.assertEqual(figures["resolved_30_count"], 3)
        self.assertAlmostEqual(figures["on_time_percent"], 200.0 / 3, places=2)

    def test_at_risk_share_is_a_setting(self):
        # at 10 %, 1 h left of 8 h (12.5 %) is no longer at risk; 2 h of 24 h
        # (8 %) still is, and so is the promise (1 h left, 2.4 h margin)
        self.company_a.feedback_at_risk_percent = 10.0
        figures = self._overview(self.user_a)
        self.assertEqual(figures["response_at_risk"], 0)
        self.assertEqual(figures["resolution_at_risk"], 1)
        self.assertEqual(figures["promise_at_risk"], 1)
        # at 80 %: t_fine (1 h of 2 left) and t_promise_risk (6 h of 8) join
        self.company_a.feedback_at_risk_percent = 80.0
        self.assertEqual(self._overview(self.user_a)["response_at_risk"], 3)
        self.assertEqual(
            self._open_figure(self.user_a, "response_at_risk"),
            self.t_fine | self.t_response_risk | self.t_promise_risk,
        )

    def test_csat_of_the_last_30_days(self):
        for ticket, overall, days in (
            (self.t_closed_recent, 5, 2), (self.t_closed_month, 4, 10),
            (self.t_closed_old, 1, 40), (self.t_dept_b, 1, 1),
        ):
            with freeze_time(NOW - timedelta(days=days)):
                self._answer(self._new_satisfaction(ticket=ticket), overall=overall)
        figures = self._overview(self.user_a)
        self.assertEqual(figures["csat_30_count"], 2)
        self.assertAlmostEqual(figures["csat_30"], 87.5, msg="100 and 75; the old answer out")
        answers = self._open_figure(self.user_a, "csat")
        self.assertEqual(answers.ticket_id, self.t_closed_recent | self.t_closed_month)

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------

    def _cards(self, user):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_overview"
        )
        domain = safe_eval(action["domain"], {"uid": user.id})
        return self.Department.with_user(user).search(domain)

    def test_cards_of_my_departments(self):
        self.assertEqual(self._cards(self.user_a), self.dept_a)
        self.assertEqual(self._cards(self.leader_a), self.dept_a, "the leader, not a member")
        self.assertEqual(self._cards(self.user_b), self.dept_b)
        manager_cards = self._cards(self.manager)
        self.assertLessEqual(self.dept_a | self.dept_b | self.dept_fallback, manager_cards)
        self.assertNotIn(self.dept_fallback_b, manager_cards, "another company's")
        with self.assertRaises(AccessError):
            self._cards(self.plain_employee)

    def test_other_departments_count_only_what_i_may_read(self):
        """Read through RPC, another department's card leaks nothing: its
        figures count only the tickets the user may read anyway."""
        self.assertEqual(self._overview(self.manager, self.dept_b)["open"], 1)
        self.assertEqual(self._overview(self.user_a, self.dept_b)["open"], 0)
        self.assertFalse(self._open_figure(self.user_a, "open", self.dept_b))
        with self.assertRaises(ValueError):
            self._open_figure(self.user_a, "date_received")

    def test_cards_read_together_count_each_as_the_rules_say(self):
        """Her department's card counts all its tickets; another department's,
        read along with it, only the tickets she may read there (the call she
        took), never the rest of that department."""
        with freeze_time(NOW - timedelta(hours=1)):
            taken = self._create_ticket(
                kind="complaint", category_id=self.cat_b.id, user_received_id=self.user_a.id
            )
        self.assertEqual(taken.department_id, self.dept_b)
        with freeze_time(NOW):
            cards = (self.dept_a | self.dept_b).with_user(self.user_a)
            cards.invalidate_recordset()
            self.assertEqual(cards.mapped("overview_open_count"), [5, 1])
            self.assertEqual(cards.mapped("overview_high_count"), [2, 1])
        self.assertEqual(self._open_figure(self.user_a, "open", self.dept_b), taken)
        self.assertEqual(self._overview(self.manager, self.dept_b)["open"], 2)
        self.assertEqual(self._overview(self.user_b, self.dept_b)["open"], 2)

    # ------------------------------------------------------------------
    # Landing in the CRM app
    # ------------------------------------------------------------------

    def _crm_app_action(self, user):
        """What opening the CRM app runs for ``user``, as the web client does."""
        menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
        app = menus[self.env.ref("crm.crm_menu_root").id]
        self.assertEqual(app["actionModel"], "ir.actions.server")
        action = self.env["ir.actions.server"].browse(app["actionID"]).with_user(user)
        return action.run()

    def test_feedback_user_lands_on_the_overview(self):
        action = self._crm_app_action(self.user_a)
        self.assertEqual(action["res_model"], "customer.feedback.department")
        self.assertEqual(
            action["id"], self.env.ref("customer_feedback.action_customer_feedback_overview").id
        )
        feedback_menu = self.env.ref("customer_feedback.menu_customer_feedback_root")
        first = feedback_menu.child_id.sorted(lambda m: (m.sequence, m.id))[0]
        self.assertEqual(first, self.env.ref("customer_feedback.menu_customer_feedback_overview"))

    def test_salespeople_land_on_the_pipeline(self):
        seller = new_test_user(
            self.env, "cf_seller", groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company_a.id, company_ids=[Command.set(self.company_a.ids)],
        )
        team = self.env["crm.team"].create({"name": "CF Sales", "company_id": self.company_a.id})
        # a Feedback User who also sells keeps the pipeline
        team.member_ids = [Command.link(self.user_b.id)]
        team.user_id = self.leader_a
        for user in (seller, self.user_b, self.leader_a):
            with self.subTest(user=user.login):
                action = self._crm_app_action(user)
                self.assertEqual(action["res_model"], "crm.lead")
        self.assertEqual(self._crm_app_action(self.user_a)["res_model"],
                         "customer.feedback.department")

    # ------------------------------------------------------------------
    # Cost
    # ------------------------------------------------------------------

    def _kanban_spec(self):
        view = self.env.ref("customer_feedback.customer_feedback_department_view_kanban_overview")
        arch = self.Department.get_views([(view.id, "kanban")])["views"]["kanban"]["arch"]
        return {name: {} for name in _field_names(arch)}

    def _read_overview(self):
        with freeze_time(NOW):
            self.env.invalidate_all()
            return self.env["customer.feedback.department"].web_search_read(
                [("on_my_overview", "=", True)], self._kanban_spec()
            )

    @users("cf_user_a", "cf_manager")
    @warmup
    def test_query_count_does_not_follow_closed_tickets_nor_departments(self):
        # the departments, the priority levels (2), the user, the company
        # (at-risk share), 8 counts (the open tickets' family, waiting, 3 at
        # risk, 3 overdue), 4 for the times, 1 for the CSAT
        expected = {"cf_user_a": 18, "cf_manager": 18}
        self._kanban_spec()  # the view's own reading is not measured
        with self.assertQueryCount(**expected):
            self._read_overview()
        # ten more closed tickets in every department, and two more departments
        Department = self.env["customer.feedback.department"].sudo()
        more = self.dept_a | self.dept_b | Department.create([
            {"name": f"CF Extra {i}", "leader_id": self.leader_a.id,
             "member_ids": [Command.set(self.user_a.ids)], "company_id": self.company_a.id}
            for i in range(2)
        ])
        with freeze_time(NOW - timedelta(days=60)):
            tickets = self.env["customer.feedback.ticket"].sudo().create([
                {"title": f"CF closed {i}", "category_id": self.cat_a.id,
                 "partner_id": self.customer_noemail.id, "department_id": department.id}
                for department in more for i in range(10)
            ])
            tickets.action_start()
            tickets.resolution = "<p>Done.</p>"
            tickets.action_resolve()
            tickets.action_close()
        self.env.flush_all()
        with self.assertQueryCount(**expected):
            self._read_overview()


def _field_names(arch):
    return {node.get("name") for node in etree.fromstring(arch).iter("field")}
