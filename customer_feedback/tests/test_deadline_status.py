"""The deadline status of a ticket: stored, moved by the escalation cron as
time passes, by every change otherwise; its words; the kanban's columns."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from ..models.customer_feedback_ticket_kanban import KANBAN_STATES
from .common import FeedbackCommon

RECEIVED = datetime(2026, 3, 10, 9, 0)  # Tuesday
# prio_normal: response 8 h, resolution 24 h; at risk (25%): 2 h and 6 h before
RESPONSE_AT_RISK = RECEIVED + timedelta(hours=6)
RESPONSE_DEADLINE = RECEIVED + timedelta(hours=8)
RESOLUTION_AT_RISK = RECEIVED + timedelta(hours=18)
RESOLUTION_DEADLINE = RECEIVED + timedelta(hours=24)


@tagged("post_install", "-at_install")
class TestDeadlineStatus(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.feedback_at_risk_percent = 25.0
        cls.env_a = cls.env(user=cls.user_a)

    def _new_ticket(self, **values):
        with freeze_time(RECEIVED):
            ticket = self._create_ticket(
                env=self.env_a,
                **{"category_id": self.cat_a.id, "priority_id": self.prio_normal.id,
                   "user_id": self.user_a.id, **values},
            )
            self.env.flush_all()  # computed at the time of the request
        return ticket

    def _cron(self, at):
        with freeze_time(at):
            self.Ticket._cron_escalate_breaches()
            self.env.flush_all()

    def _stored(self, ticket):
        """The status as stored in the database (not a value kept in cache),
        the pending computations done at the current (frozen) time, as at
        the end of the request that made them."""
        self.env.flush_all()
        ticket.invalidate_recordset()
        ticket = ticket.with_user(self.user_a)
        return ticket.deadline_status, ticket.deadline_status_deadline

    def test_response_then_resolution_over_time(self):
        ticket = self._new_ticket()
        self.assertEqual(self._stored(ticket), ("on_track", "response"))
        self.assertEqual(ticket.date_deadline_status_next, RESPONSE_AT_RISK)

        # time passes without any write: still on track until the cron runs
        with freeze_time(RESPONSE_AT_RISK + timedelta(minutes=10)):
            self.assertEqual(self._stored(ticket), ("on_track", "response"))
        self._cron(RESPONSE_AT_RISK + timedelta(minutes=10))
        self.assertEqual(self._stored(ticket), ("at_risk", "response"))
        self.assertEqual(ticket.date_deadline_status_next, RESPONSE_DEADLINE)

        self._cron(RESPONSE_DEADLINE + timedelta(hours=3))
        self.assertEqual(self._stored(ticket), ("overdue", "response"))
        with freeze_time(RESPONSE_DEADLINE + timedelta(hours=3)):
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label, "Response overdue by 3 hours"
            )
            # the first response: the resolution drives it now, without the cron
            ticket.with_user(self.user_a).action_start()
            self.env.flush_all()
        self.assertEqual(self._stored(ticket), ("on_track", "resolution"))
        self.assertEqual(ticket.date_deadline_status_next, RESOLUTION_AT_RISK)

        self._cron(RESOLUTION_AT_RISK + timedelta(hours=1))
        self.assertEqual(self._stored(ticket), ("at_risk", "resolution"))
        self._cron(RESOLUTION_DEADLINE + timedelta(days=2))
        self.assertEqual(self._stored(ticket), ("overdue", "resolution"))
        self.assertFalse(ticket.date_deadline_status_next)
        with freeze_time(RESOLUTION_DEADLINE + timedelta(days=2)):
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label,
                "Resolution overdue by 2 days",
            )

    def test_boundary_is_crossed_once_passed(self):
        # as the overview counts: at the at-risk moment itself, still on track
        ticket = self._new_ticket()
        self._cron(RESPONSE_AT_RISK)
        self.assertEqual(self._stored(ticket), ("on_track", "response"))
        self._cron(RESPONSE_AT_RISK + timedelta(seconds=1))
        self.assertEqual(self._stored(ticket), ("at_risk", "response"))

    def test_promised_date_drives_it(self):
        ticket = self._new_ticket()
        promised = RECEIVED + timedelta(hours=10)
        with freeze_time(RECEIVED + timedelta(hours=1)):
            ticket.with_user(self.user_a).action_start()
            ticket.with_user(self.user_a).write({"date_promised": promised})
            # at risk from 6 h before (the resolution's margin): not yet
            self.assertEqual(self._stored(ticket), ("on_track", "promise"))
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label, "Promised date in 9 hours"
            )
        self._cron(RECEIVED + timedelta(hours=5))
        self.assertEqual(self._stored(ticket), ("at_risk", "promise"))
        self._cron(promised + timedelta(minutes=30))
        self.assertEqual(self._stored(ticket), ("overdue", "promise"))
        with freeze_time(promised + timedelta(minutes=30)):
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label,
                "Promised date overdue by 30 minutes",
            )

    def test_worst_status_wins(self):
        # prio_low: response at R+24 h, at risk from R+18 h; a reply promised
        # at R+30 h is at risk from R+12 h (the resolution's margin, 18 h)
        ticket = self._new_ticket(priority_id=self.prio_low.id)
        with freeze_time(RECEIVED + timedelta(hours=13)):
            ticket.with_user(self.user_a).write(
                {"date_promised": RECEIVED + timedelta(hours=30)}
            )
            self.assertEqual(self._stored(ticket), ("at_risk", "promise"))
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label, "Promised date in 17 hours"
            )

    def test_setting_and_changes_recompute_it(self):
        ticket = self._new_ticket()
        with freeze_time(RECEIVED + timedelta(hours=5)):
            self.company_a.feedback_at_risk_percent = 50.0  # at risk from 4 h
            self.assertEqual(self._stored(ticket), ("at_risk", "response"))
            ticket.with_user(self.user_a).write({"priority_id": self.prio_low.id})
            self.assertEqual(self._stored(ticket), ("on_track", "response"))
            self.assertEqual(
                ticket.with_user(self.user_a).deadline_status_label, "Response in 19 hours"
            )

    def test_finished_ticket_has_no_status(self):
        with freeze_time(RECEIVED):
            ticket = self._ticket_in_state("closed", priority_id=self.prio_normal.id)
            self.env.flush_all()
        self.assertEqual(self._stored(ticket), (False, False))
        self.assertFalse(ticket.date_deadline_status_next)
        self.assertFalse(ticket.with_user(self.user_a).deadline_status_label)

    def test_words_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        ticket = self._new_ticket()
        with freeze_time(RESPONSE_DEADLINE + timedelta(hours=3)):
            label = ticket.with_user(self.user_a).with_context(lang="vi_VN").deadline_status_label
        self.assertIn("3 giờ", label)

    def test_users_never_write_it(self):
        ticket = self._new_ticket()
        for vals in ({"deadline_status": "on_track"}, {"date_deadline_status_next": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                ticket.with_user(self.manager).write(vals)


@tagged("post_install", "-at_install")
class TestKanbanColumns(FeedbackCommon):
    """The columns as the web client's kanban reads them."""

    def _kanban_groups(self):
        Ticket = self.Ticket.with_user(self.user_a).with_context(read_group_expand=True)
        return Ticket.web_read_group(
            [("partner_id", "=", self.customer_noemail.id)], ["state"], [],
            order="date_received desc, id desc", auto_unfold=True,
            unfold_read_specification={"name": {}, "deadline_status": {}},
        )["groups"]

    def test_columns_in_the_order_of_the_work(self):
        self._ticket_in_state("closed")
        groups = self._kanban_groups()
        self.assertEqual([group["state"] for group in groups], list(KANBAN_STATES))
        self.assertEqual(
            [group["state"] for group in groups][3:6], ["in_progress", "reopened", "escalated"]
        )

    def test_closed_and_cancelled_folded(self):
        closed = self._ticket_in_state("closed")
        self._ticket_in_state("cancelled")
        started = self._ticket_in_state("in_progress")
        groups = {group["state"]: group for group in self._kanban_groups()}
        # folded even with tickets in them: the web client shows them closed
        self.assertGreaterEqual(groups["closed"]["__count"], 1)
        for state in ("closed", "cancelled"):
            self.assertNotIn("__records", groups[state])
        self.assertIn(started.id, [r["id"] for r in groups["in_progress"]["__records"]])
        self.assertIn("__records", groups["new"])
        # a column opened by the user (opening_info) opens
        Ticket = self.Ticket.with_user(self.user_a).with_context(read_group_expand=True)
        opened = Ticket.web_read_group(
            [("id", "=", closed.id)], ["state"], [], order="id", auto_unfold=True,
            opening_info=[{"value": "closed", "folded": False, "limit": 80, "offset": 0}],
            unfold_read_specification={"name": {}},
        )["groups"]
        closed_group = next(group for group in opened if group["state"] == "closed")
        self.assertEqual([r["id"] for r in closed_group["__records"]], closed.ids)

    def test_progress_bars_by_status(self):
        with freeze_time(RECEIVED):
            ticket = self._ticket_in_state("in_progress")
            self.env.flush_all()
        self.assertEqual(ticket.deadline_status, "on_track")
        with freeze_time(ticket.date_resolution_deadline + timedelta(hours=1)):
            self.Ticket._cron_escalate_breaches()
        bars = self.Ticket.with_user(self.user_a).read_progress_bar(
            [("id", "=", ticket.id)], "state",
            {"field": "deadline_status",
             "colors": {"on_track": "success", "at_risk": "warning", "overdue": "danger"}},
        )
        self.assertEqual(bars["in_progress"]["overdue"], 1)

    def test_progress_bars_read_only_the_tickets_with_a_status(self):
        """A column's bar counts its statuses; the web client shows the rest
        of the column (finished tickets, without status) as its count minus
        them. Reading only the tickets with a status (the kanban's shortcut)
        gives the bars Odoo gives."""
        with freeze_time(RECEIVED):
            started = self._ticket_in_state("in_progress")
            self._ticket_in_state("closed")
            waiting = self._ticket_in_state("waiting")
            self.env.flush_all()
        self.assertFalse(waiting.deadline_status)
        bars = self.Ticket.with_user(self.user_a).read_progress_bar(
            [("partner_id", "=", self.customer_noemail.id)], "state",
            {"field": "deadline_status",
             "colors": {"on_track": "success", "at_risk": "warning", "overdue": "danger"}},
        )
        self.assertEqual(started.deadline_status, "on_track")
        self.assertEqual(dict(bars), {"in_progress": {"on_track": 1, "at_risk": 0, "overdue": 0}})

    def test_kanban_lets_cards_be_dragged(self):
        # the web client drags cards only between columns of a writable field
        Ticket = self.Ticket.with_user(self.user_a)
        self.assertFalse(Ticket.fields_get(["state"])["state"].get("readonly"))
        arch = Ticket.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn('<progressbar field="deadline_status"', arch)
        self.assertNotIn("records_draggable", arch)
        # no ribbon saying "Overdue" beside a resolution date still to come
        self.assertNotIn("web_ribbon", arch)
        for view_type in ("list", "form"):
            arch = Ticket.get_views([(False, view_type)])["views"][view_type]["arch"]
            self.assertIn('name="deadline_status_label"', arch)
