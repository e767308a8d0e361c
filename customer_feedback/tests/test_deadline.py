from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import FeedbackCommon

TUESDAY_9 = datetime(2026, 3, 10, 9, 0)
FRIDAY_16 = datetime(2026, 3, 13, 16, 0)


@tagged("post_install", "-at_install")
class TestDeadline(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        attendances = []
        for day in "01234":
            attendances += [
                (0, 0, {"name": f"Day {day} morning", "dayofweek": day, "hour_from": 8,
                        "hour_to": 12, "day_period": "morning"}),
                (0, 0, {"name": f"Day {day} afternoon", "dayofweek": day, "hour_from": 13,
                        "hour_to": 17, "day_period": "afternoon"}),
            ]
        cls.calendar_utc = cls.env["resource.calendar"].create({
            "name": "CF 8-17 UTC",
            "tz": "UTC",
            "company_id": cls.company_a.id,
            "attendance_ids": [(5, 0, 0)] + attendances,
        })
        cls.dept_a.resource_calendar_id = cls.calendar_utc
        cls.prio_working = cls.env["customer.feedback.priority"].create({
            "name": "CF Working Hours", "sequence": 50, "response_hours": 8,
            "resolution_hours": 16, "use_working_hours": True,
        })

    def test_calendar_hours(self):
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=FRIDAY_16, priority_id=self.prio_normal.id,
        )
        # the department has a calendar, but the level counts calendar hours
        self.assertEqual(ticket.date_response_deadline, FRIDAY_16 + timedelta(hours=8))
        self.assertEqual(ticket.date_resolution_deadline, FRIDAY_16 + timedelta(hours=24))

    def test_calendar_hours_from_kind(self):
        ticket = self._create_ticket(kind="complaint", date_received=TUESDAY_9)
        self.assertEqual(ticket.priority_id, self.prio_urgent)
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 3, 10, 11, 0))
        self.assertEqual(ticket.date_resolution_deadline, datetime(2026, 3, 10, 17, 0))

    def test_working_hours_next_working_day(self):
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=FRIDAY_16, priority_id=self.prio_working.id,
        )
        # Friday 16-17 (1h) + Monday 8-12, 13-16 (7h) = 8 working hours
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 3, 16, 16, 0))
        # + Monday 16-17 (1h) + Tuesday 8-12, 13-16 (7h) = 16 working hours
        self.assertEqual(ticket.date_resolution_deadline, datetime(2026, 3, 17, 16, 0))

    def test_working_hours_across_a_long_closure(self):
        """Three weeks closed: the deadline falls past the span read for the
        batch, and is planned on its own, leaves deducted."""
        self.env["resource.calendar.leaves"].create({
            "name": "CF Tet holiday", "calendar_id": self.calendar_utc.id,
            "date_from": datetime(2026, 3, 11, 0, 0), "date_to": datetime(2026, 4, 1, 0, 0),
        })
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=TUESDAY_9, priority_id=self.prio_working.id,
        )
        # Tuesday 9-12, 13-17 (7h); closed until Wednesday 1 April: 8-9 (8h),
        # then 9-12, 13-17 (15h) and Thursday 8-9 (16h)
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 4, 1, 9, 0))
        self.assertEqual(ticket.date_resolution_deadline, datetime(2026, 4, 2, 9, 0))

    def test_working_hours_in_calendar_timezone(self):
        self.calendar_utc.tz = "Asia/Ho_Chi_Minh"  # UTC+7
        # Friday 16:00 in Hanoi is 09:00 UTC
        received = datetime(2026, 3, 13, 9, 0)
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=received, priority_id=self.prio_working.id,
        )
        # Monday 16:00 in Hanoi
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 3, 16, 9, 0))

    def test_working_hours_received_on_weekend(self):
        saturday = datetime(2026, 3, 14, 10, 0)
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=saturday, priority_id=self.prio_working.id,
        )
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 3, 16, 17, 0))

    def test_working_hours_without_calendar_counts_calendar_hours(self):
        self.dept_b.resource_calendar_id = False
        ticket = self._create_ticket(
            category_id=self.cat_b.id, date_received=FRIDAY_16, priority_id=self.prio_working.id,
        )
        self.assertEqual(ticket.date_response_deadline, FRIDAY_16 + timedelta(hours=8))
        self.assertEqual(ticket.date_resolution_deadline, FRIDAY_16 + timedelta(hours=16))

    def test_recomputed_when_priority_changes(self):
        ticket = self._create_ticket(
            category_id=self.cat_a.id, date_received=TUESDAY_9, priority_id=self.prio_low.id,
        )
        self.assertEqual(ticket.date_resolution_deadline, TUESDAY_9 + timedelta(hours=72))
        ticket.priority_id = self.prio_urgent
        self.assertEqual(ticket.date_response_deadline, TUESDAY_9 + timedelta(hours=2))
        self.assertEqual(ticket.date_resolution_deadline, TUESDAY_9 + timedelta(hours=8))
        # and when the level's own hours change
        self.prio_urgent.resolution_hours = 10
        self.assertEqual(ticket.date_resolution_deadline, TUESDAY_9 + timedelta(hours=10))
        # and when the kind changes the computed priority
        ticket2 = self._create_ticket(kind="praise", date_received=TUESDAY_9)
        self.assertEqual(ticket2.date_resolution_deadline, TUESDAY_9 + timedelta(hours=72))
        ticket2.kind = "complaint"
        self.assertEqual(ticket2.date_resolution_deadline, TUESDAY_9 + timedelta(hours=10))

    def test_recomputed_when_department_changes(self):
        ticket = self._create_ticket(
            category_id=self.cat_b.id, date_received=FRIDAY_16, priority_id=self.prio_working.id,
        )
        self.dept_b.resource_calendar_id = False
        self.assertEqual(ticket.date_response_deadline, FRIDAY_16 + timedelta(hours=8))
        ticket.department_id = self.dept_a
        self.assertEqual(ticket.date_response_deadline, datetime(2026, 3, 16, 16, 0))

    def test_no_priority_no_deadline(self):
        self.env["customer.feedback.priority"].search([]).write({"active": False})
        ticket = self._create_ticket(date_received=TUESDAY_9)
        self.assertFalse(ticket.priority_id)
        self.assertFalse(ticket.date_response_deadline)
        self.assertFalse(ticket.date_resolution_deadline)

    # ------------------------------------------------------------------
    # Measured times
    # ------------------------------------------------------------------

    def test_durations_and_on_time(self):
        with freeze_time(TUESDAY_9):
            ticket = self._create_ticket(
                category_id=self.cat_a.id, priority_id=self.prio_normal.id,
            )
        self.assertEqual(ticket.date_received, TUESDAY_9)
        self.assertEqual(ticket.response_hours, 0.0)
        self.assertFalse(ticket.response_on_time)
        with freeze_time(TUESDAY_9 + timedelta(hours=1, minutes=30)):
            ticket.action_start()
        self.assertEqual(ticket.response_hours, 1.5)
        self.assertTrue(ticket.response_on_time)
        # resolved after 27h with a 24h deadline: late
        with freeze_time(TUESDAY_9 + timedelta(hours=27)):
            ticket.resolution = "<p>done</p>"
            ticket.action_resolve()
        self.assertEqual(ticket.resolution_hours, 27.0)
        self.assertFalse(ticket.resolution_on_time)

    def test_late_response_and_on_time_resolution(self):
        with freeze_time(TUESDAY_9):
            ticket = self._create_ticket(
                category_id=self.cat_a.id, priority_id=self.prio_normal.id,
            )
        with freeze_time(TUESDAY_9 + timedelta(hours=9)):
            ticket.action_start()
        self.assertEqual(ticket.response_hours, 9.0)
        self.assertFalse(ticket.response_on_time)
        with freeze_time(TUESDAY_9 + timedelta(hours=24)):
            ticket.resolution = "<p>done</p>"
            ticket.action_resolve()
        self.assertEqual(ticket.resolution_hours, 24.0)
        self.assertTrue(ticket.resolution_on_time, "exactly on the deadline is on time")

    def test_first_response_by_public_message(self):
        with freeze_time(TUESDAY_9):
            ticket = self._create_ticket(
                category_id=self.cat_a.id, priority_id=self.prio_normal.id,
            )
        with freeze_time(TUESDAY_9 + timedelta(hours=2)):
            ticket.with_user(self.leader_a).message_post(
                body="We are looking into it", message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(ticket.date_first_response, "an internal note is no answer")
        with freeze_time(TUESDAY_9 + timedelta(hours=3)):
            ticket.with_user(self.leader_a).message_post(
                body="We are looking into it", message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.date_first_response, TUESDAY_9 + timedelta(hours=3))
        self.assertEqual(ticket.response_hours, 3.0)
        self.assertTrue(ticket.response_on_time)

    # ------------------------------------------------------------------
    # Overdue
    # ------------------------------------------------------------------

    def _overdue_at(self, when, tickets):
        with freeze_time(when):
            tickets.invalidate_recordset(["is_overdue"])
            computed = {t: t.is_overdue for t in tickets}
            found_true = self.Ticket.search([("id", "in", tickets.ids), ("is_overdue", "=", True)])
            found_false = self.Ticket.search(
                [("id", "in", tickets.ids), ("is_overdue", "=", False)]
            )
            found_not_true = self.Ticket.search(
                [("id", "in", tickets.ids), ("is_overdue", "!=", True)]
            )
        # the search agrees with the computed value, both ways
        self.assertEqual(found_true, tickets.filtered(lambda t: computed[t]))
        self.assertEqual(found_false, tickets.filtered(lambda t: not computed[t]))
        self.assertEqual(found_not_true, found_false)
        return found_true

    def test_is_overdue(self):
        with freeze_time(TUESDAY_9):
            # response 17:00, resolution Wednesday 9:00
            fresh = self._create_ticket(category_id=self.cat_a.id, priority_id=self.prio_normal.id)
            answered = self._create_ticket(
                category_id=self.cat_a.id, priority_id=self.prio_normal.id,
            )
            answered.action_start()
            promised = self._create_ticket(
                category_id=self.cat_a.id, priority_id=self.prio_low.id,
                date_promised=TUESDAY_9 + timedelta(hours=4),
            )
            promised.action_start()
            closed = self._ticket_in_state("closed", priority_id=self.prio_normal.id)
            cancelled = self._ticket_in_state("cancelled", priority_id=self.prio_normal.id)
        tickets = fresh + answered + promised + closed + cancelled

        self.assertFalse(self._overdue_at(TUESDAY_9 + timedelta(hours=1), tickets))
        # promised reply date (13:00) missed
        self.assertEqual(self._overdue_at(TUESDAY_9 + timedelta(hours=5), tickets), promised)
        # response deadline (17:00) missed, but only for the unanswered one
        self.assertEqual(
            self._overdue_at(TUESDAY_9 + timedelta(hours=8, minutes=1), tickets),
            fresh + promised,
        )
        # resolution deadline (Wednesday 9:00) missed; closed/cancelled never overdue
        self.assertEqual(
            self._overdue_at(TUESDAY_9 + timedelta(hours=25), tickets),
            fresh + answered + promised,
        )

    def test_exactly_on_deadline_not_overdue(self):
        with freeze_time(TUESDAY_9):
            ticket = self._create_ticket(priority_id=self.prio_normal.id)
        self.assertFalse(self._overdue_at(TUESDAY_9 + timedelta(hours=8), ticket))
        self.assertEqual(self._overdue_at(TUESDAY_9 + timedelta(hours=8, seconds=1), ticket),
                         ticket)
