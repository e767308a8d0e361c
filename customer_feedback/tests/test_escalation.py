from datetime import datetime, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged, warmup
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from .common import FeedbackCommon

RECEIVED = datetime(2026, 3, 10, 9, 0)  # Tuesday
# prio_normal: response deadline 17:00 the same day, resolution Wednesday 9:00
RESPONSE_DEADLINE = RECEIVED + timedelta(hours=8)
RESOLUTION_DEADLINE = RECEIVED + timedelta(hours=24)


@tagged("post_install", "-at_install")
class TestEscalation(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Tickets that exist before the tests (demo data...) must not be due:
        # the cron works on every due ticket of the database.
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE customer_feedback_escalation SET next_escalation_date = NULL")
        cls.env.invalidate_all()
        cls.model_id = cls.env["ir.model"]._get_id("customer.feedback.ticket")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _new_ticket(self, answered=True, **values):
        vals = {"category_id": self.cat_a.id, "priority_id": self.prio_normal.id}
        vals.update(values)
        with freeze_time(RECEIVED):
            ticket = self._create_ticket(**vals)
            if answered:
                ticket.action_start()  # stamps the first response
        return ticket

    def _cron(self, when, **kwargs):
        with freeze_time(when):
            self.Ticket._cron_escalate_breaches(**kwargs)
        self.env.invalidate_all()

    def _activities(self, tickets, users=None):
        domain = [("res_model_id", "=", self.model_id), ("res_id", "in", tickets.ids)]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        return self.env["mail.activity"].search(domain)

    def _digests(self, department, ticket):
        """The escalation messages of ``department`` that list ``ticket``."""
        return department.message_ids.filtered(
            lambda m: "escalated to you" in (m.body or "") and ticket.name in m.body
        )

    # ------------------------------------------------------------------
    # Levels
    # ------------------------------------------------------------------

    def test_next_escalation_date(self):
        unanswered = self._new_ticket(answered=False)
        answered = self._new_ticket()
        self.assertEqual(unanswered.next_escalation_date, RESPONSE_DEADLINE)
        self.assertEqual(answered.next_escalation_date, RESOLUTION_DEADLINE)

    def test_escalation_record_per_ticket(self):
        ticket = self._new_ticket(answered=False)
        escalation = ticket.escalation_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.next_escalation_date, RESPONSE_DEADLINE)
        copy = ticket.copy()
        self.assertEqual(len(copy.escalation_ids), 1)
        self.assertNotEqual(copy.escalation_ids, escalation)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["customer.feedback.escalation"].create({"ticket_id": ticket.id})
            self.env.flush_all()

    def test_escalation_record_access(self):
        ticket = self._new_ticket(answered=False, user_id=self.user_a.id)
        ticket_as_user = ticket.with_user(self.user_a)
        # users see where the ticket stands on the ticket itself...
        self.assertEqual(ticket_as_user.next_escalation_date, RESPONSE_DEADLINE)
        self.assertEqual(ticket_as_user.response_escalation_level, 0)
        # ...but neither read nor write the escalation state directly
        Escalation = self.env["customer.feedback.escalation"]
        with self.assertRaises(AccessError):
            Escalation.with_user(self.user_a).search([("ticket_id", "=", ticket.id)])
        with self.assertRaises(AccessError):
            ticket.escalation_ids.with_user(self.manager).write({"response_level": 2})
        # a manager reads the state of the companies they work in only
        self.assertEqual(
            Escalation.with_user(self.manager).search([("ticket_id", "=", ticket.id)]),
            ticket.escalation_ids,
        )
        ticket_b = self._create_ticket(
            company_id=self.company_b.id, partner_id=self.customer_b.id,
        )
        self.assertFalse(
            Escalation.with_user(self.manager).search([("ticket_id", "=", ticket_b.id)])
        )

    def test_escalates_once_to_leader(self):
        ticket = self._new_ticket()
        self._cron(RESOLUTION_DEADLINE - timedelta(minutes=1))
        self.assertFalse(self._activities(ticket), "nothing before the deadline")
        self.assertEqual(ticket.resolution_escalation_level, 0)

        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        activities = self._activities(ticket)
        self.assertEqual(activities.user_id, self.leader_a)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.summary, "Resolution deadline missed")
        self.assertEqual(ticket.resolution_escalation_level, 1)
        self.assertEqual(ticket.date_last_escalation, RESOLUTION_DEADLINE + timedelta(hours=1))
        # the leader is told once, in the department's chatter
        digest = self._digests(self.dept_a, ticket)
        self.assertEqual(len(digest), 1)
        self.assertIn("Resolution deadline missed", digest.body)
        self.assertEqual(digest.partner_ids, self.leader_a.partner_id)
        self.assertIn(self.leader_a.partner_id, digest.notification_ids.res_partner_id)
        self.assertFalse(ticket.message_ids.filtered(lambda m: "deadline missed" in (m.body or "")),
                         "no message per ticket: the activity is on the ticket")

        # a second run at the same time, or a bit later, does nothing more
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=2))
        self.assertEqual(self._activities(ticket), activities)
        self.assertEqual(len(self._digests(self.dept_a, ticket)), 1)
        self.assertEqual(ticket.resolution_escalation_level, 1)

    def test_leader_not_made_follower(self):
        """Told by the activity and the department's message, the leader does
        not follow every late ticket (Odoo subscribes activity owners)."""
        ticket = self._new_ticket(user_id=self.user_a.id)
        self.assertNotIn(self.leader_a.partner_id, ticket.message_partner_ids)
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        self.assertEqual(self._activities(ticket).user_id, self.leader_a)
        self.assertNotIn(self.leader_a.partner_id, ticket.message_partner_ids)

    def test_response_deadline_escalation(self):
        ticket = self._new_ticket(answered=False)
        self._cron(RESPONSE_DEADLINE + timedelta(minutes=5))
        activities = self._activities(ticket)
        self.assertEqual(activities.user_id, self.leader_a)
        self.assertEqual(activities.summary, "Response deadline missed")
        self.assertEqual(ticket.response_escalation_level, 1)
        self.assertEqual(ticket.resolution_escalation_level, 0)

    def test_escalates_to_managers_after_delay(self):
        ticket = self._new_ticket()
        first = RESOLUTION_DEADLINE + timedelta(hours=1)
        self._cron(first)
        self.assertEqual(self._activities(ticket).user_id, self.leader_a)
        # the company delay (24h) is not over: managers are not bothered yet
        self.assertEqual(ticket.next_escalation_date, first + timedelta(hours=24))
        self._cron(first + timedelta(hours=23, minutes=59))
        self.assertFalse(self._activities(ticket, self.manager))
        self.assertEqual(ticket.resolution_escalation_level, 1)

        self._cron(first + timedelta(hours=24))
        self.assertEqual(ticket.resolution_escalation_level, 2)
        manager_activities = self._activities(ticket, self.manager)
        self.assertEqual(len(manager_activities), 1)
        self.assertEqual(manager_activities.summary, "Resolution deadline missed")
        # only the managers of the ticket's company, and no new leader activity
        self.assertFalse(self._activities(ticket, self.manager_b))
        self.assertEqual(len(self._activities(ticket, self.leader_a)), 1)
        self.assertFalse(ticket.next_escalation_date, "nothing left to escalate")

        # never a third time
        count = len(self._activities(ticket))
        self._cron(first + timedelta(days=10))
        self.assertEqual(len(self._activities(ticket)), count)

    def test_company_delay_is_used(self):
        self.company_a.feedback_escalation_delay_hours = 2
        ticket = self._new_ticket()
        first = RESOLUTION_DEADLINE + timedelta(hours=1)
        self._cron(first)
        self.assertEqual(ticket.next_escalation_date, first + timedelta(hours=2))
        self._cron(first + timedelta(hours=1))
        self.assertFalse(self._activities(ticket, self.manager))
        self._cron(first + timedelta(hours=2))
        self.assertTrue(self._activities(ticket, self.manager))

    def test_new_deadline_resets(self):
        ticket = self._new_ticket()
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        self.assertEqual(ticket.resolution_escalation_level, 1)
        # a lower priority gives a new, later deadline: a new breach to watch
        ticket.priority_id = self.prio_low
        new_deadline = RECEIVED + timedelta(hours=72)
        self.assertEqual(ticket.date_resolution_deadline, new_deadline)
        self.assertEqual(ticket.resolution_escalation_level, 0)
        self.assertEqual(ticket.next_escalation_date, new_deadline)
        # no manager escalation of the old breach
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=30))
        self.assertEqual(len(self._activities(ticket)), 1)
        # the new deadline is escalated to the leader again
        self._cron(new_deadline + timedelta(minutes=1))
        self.assertEqual(ticket.resolution_escalation_level, 1)
        leader_activities = self._activities(ticket, self.leader_a)
        self.assertEqual(len(leader_activities), 2)
        self.assertFalse(self._activities(ticket, self.manager))

    def test_promised_date_missed(self):
        promised = RECEIVED + timedelta(hours=4)
        ticket = self._new_ticket(priority_id=self.prio_low.id, date_promised=promised)
        self.assertEqual(ticket.next_escalation_date, promised)
        self._cron(promised - timedelta(minutes=1))
        self.assertFalse(self._activities(ticket))
        self._cron(promised + timedelta(minutes=1))
        activities = self._activities(ticket)
        self.assertEqual(activities.user_id, self.leader_a)
        self.assertEqual(activities.summary, "Reply date promised to the customer missed")
        self.assertEqual(ticket.promise_escalation_level, 1)
        # a new promised date starts again
        ticket.date_promised = promised + timedelta(hours=2)
        self.assertEqual(ticket.promise_escalation_level, 0)
        self._cron(promised + timedelta(hours=2, minutes=1))
        self.assertEqual(len(self._activities(ticket, self.leader_a)), 2)

    def test_batches(self):
        tickets = self.Ticket.browse()
        for _i in range(5):
            tickets |= self._new_ticket()
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1), batch_size=2)
        self.assertEqual(tickets.mapped("resolution_escalation_level"), [1] * 5)
        for ticket in tickets:
            self.assertEqual(len(self._activities(ticket)), 1)
        # one message for the run, not one per batch
        digest = self._digests(self.dept_a, tickets[0])
        self.assertEqual(len(digest), 1)
        for ticket in tickets:
            self.assertIn(ticket.name, digest.body)

    def test_closed_and_cancelled_ignored(self):
        with freeze_time(RECEIVED):
            closed = self._ticket_in_state("closed", priority_id=self.prio_normal.id)
            cancelled = self._ticket_in_state("cancelled", priority_id=self.prio_normal.id)
            waiting = self._ticket_in_state("waiting", priority_id=self.prio_normal.id)
        tickets = closed + cancelled + waiting
        self.assertFalse(any(tickets.mapped("next_escalation_date")))
        self._cron(RESOLUTION_DEADLINE + timedelta(days=5))
        self.assertFalse(self._activities(tickets))
        self.assertEqual(tickets.mapped("resolution_escalation_level"), [0, 0, 0])

    def test_closing_after_escalation_stops(self):
        ticket = self._new_ticket()
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        ticket.resolution = "<p>ok</p>"
        ticket.action_resolve()
        ticket.action_close()
        self.assertFalse(ticket.next_escalation_date)
        self._cron(RESOLUTION_DEADLINE + timedelta(days=3))
        self.assertFalse(self._activities(ticket, self.manager))

    def test_digest_lists_the_first_tickets(self):
        """A backlog makes a short message: the first tickets, then a count."""
        tickets = self.Ticket.browse()
        for _i in range(23):
            tickets |= self._new_ticket()
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        digest = self._digests(self.dept_a, tickets[0])
        self.assertEqual(len(digest), 1)
        self.assertIn("23 ticket(s) escalated to you", digest.body)
        self.assertEqual(digest.body.count("<li>"), 20)
        self.assertIn("and 3 more", digest.body)

    def test_department_without_leader(self):
        """Nobody leads the department: the managers are told at once."""
        self.dept_b.leader_id = False
        ticket = self._new_ticket(category_id=self.cat_b.id, user_id=self.user_b.id)
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        self.assertEqual(ticket.resolution_escalation_level, 1)
        self.assertIn(self.manager, self._activities(ticket).user_id)
        self.assertIn(self.manager.partner_id, self._digests(self.dept_b, ticket).partner_ids)

    def test_one_digest_per_department(self):
        """Tickets of a run are listed in one message per department."""
        tickets = self._new_ticket() | self._new_ticket() | self._new_ticket(
            category_id=self.cat_b.id, user_id=self.user_b.id)
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        digest_a = self._digests(self.dept_a, tickets[0])
        self.assertEqual(len(digest_a), 1)
        self.assertIn(tickets[1].name, digest_a.body)
        self.assertNotIn(tickets[2].name, digest_a.body)
        self.assertEqual(self._digests(self.dept_b, tickets[2]).partner_ids,
                         self.dept_b.leader_id.partner_id)


@tagged("post_install", "-at_install")
class TestEscalationPerformance(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE customer_feedback_escalation SET next_escalation_date = NULL")
        cls.env.invalidate_all()

    def _due_tickets(self, count):
        with freeze_time(RECEIVED):
            tickets = self.Ticket.create([
                {"title": f"CF due {i}", "category_id": (self.cat_a if i % 2 else self.cat_b).id,
                 "priority_id": self.prio_normal.id, "partner_id": self.customer_noemail.id}
                for i in range(count)
            ])
            # their deadline status computed at reception, as in a request:
            # the cron then refreshes it (overdue) with the escalation
            tickets.flush_recordset()
        return tickets

    def _run_cron_counted(self, count, queries):
        tickets = self._due_tickets(count)
        with freeze_time(RESPONSE_DEADLINE + timedelta(hours=1)):
            Ticket = self.env["customer.feedback.ticket"]
            with self.assertQueryCount(queries):
                Ticket._cron_escalate_breaches()
        self.assertEqual(tickets.mapped("response_escalation_level"), [1] * count)
        self.assertEqual(tickets.mapped("deadline_status"), ["overdue"] * count)

    # One search, one batched write and one batched activity insert whatever
    # the number of tickets; the activity type, model and managers are read
    # once per run. What grows is per department, not per ticket (1 department
    # for 1 ticket, 2 for 10): the message that notifies its leader (~14
    # queries, most of the difference). Isolating failures costs a savepoint
    # per batch and per department message, and one query per run for the
    # failures reported earlier (customer_feedback_scheduled_job.py).
    # The deadline statuses refreshed in the same run cost 6 more, whatever
    # the number of tickets: the failures reported earlier, one search, a
    # savepoint, one read and one batched update
    # (customer_feedback_ticket_deadline_status.py).
    @warmup
    def test_cron_query_count_1(self):
        self._run_cron_counted(1, 36)

    @warmup
    def test_cron_query_count_10(self):
        self._run_cron_counted(10, 52)
