"""A Feedback User's morning in a real browser: the tour
``customer_feedback_morning_tour`` (static/tests/tours/feedback_morning_tour.js),
as the demo agent Trần Thị Mai (mai.tran, leader of Customer Service).

She lands on the overview, opens her department's overdue responses, drags
one ticket to In Progress in the kanban, merges two duplicates of one
customer from the list, then takes that customer's call in the hotline
quick entry and adds it to their open ticket. The tickets are made here,
received three days ago, so that they are overdue whatever the demo
tickets' dates; each step's effect is then checked on the server. Needs
Chromium and websocket-client; Odoo skips the test without them.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext

from .test_ui_tour import drop_missing_dfsg_asset

# the values the tour looks for and types
STARTED = "CF morning router shows no signal"
DUPLICATE = "CF morning invoice charged twice"
CALLER_PHONE = "+84 912 000 517"
CALLER_NAME = "CF Morning Caller"
CALL_NOTE = "CF morning the customer called about the double charge again"


@tagged("post_install", "-at_install")
class TestUiMorningTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_missing_dfsg_asset(cls.env)
        cls.agent = cls.env.ref("customer_feedback.user_feedback_agent")
        cls.department = cls.env.ref("customer_feedback.department_customer_service")
        category = cls.env.ref("customer_feedback.category_services")
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "CF Morning Router Owner"})
        cls.caller = Partner.create({"name": CALLER_NAME, "phone": CALLER_PHONE})
        received = fields.Datetime.now() - timedelta(days=3)
        Ticket = cls.env["customer.feedback.ticket"]
        common = {
            "kind": "complaint", "category_id": category.id, "user_id": cls.agent.id,
            "date_received": received,
        }
        cls.started = Ticket.create({**common, "title": STARTED, "partner_id": cls.customer.id})
        # the same complaint received twice, an hour apart: the older is kept
        cls.first, cls.second = Ticket.create([
            {**common, "title": DUPLICATE, "partner_id": cls.caller.id},
            {**common, "title": DUPLICATE, "partner_id": cls.caller.id,
             "date_received": received + timedelta(hours=1)},
        ])

    def test_morning_tour(self):
        tickets = self.started | self.first | self.second
        for ticket in tickets:
            self.assertEqual(ticket.department_id, self.department)
            self.assertEqual(ticket.state, "assigned")
            self.assertTrue(ticket.date_response_deadline < fields.Datetime.now(),
                            "the tour opens the overdue responses")
        notes_before = self.first.message_ids

        self.start_tour("/odoo", "customer_feedback_morning_tour", login=self.agent.login)

        tickets.invalidate_recordset()
        # the card dropped on In Progress ran the transition: started, answered
        self.assertEqual(self.started.state, "in_progress")
        self.assertTrue(self.started.date_first_response)
        self.assertEqual(self.started.user_id, self.agent)
        # the duplicates merged into the older one
        self.assertEqual(self.second.state, "cancelled")
        self.assertEqual(self.second.merged_into_id, self.first)
        self.assertFalse(self.first.merged_into_id)
        self.assertNotEqual(self.first.state, "cancelled")
        # the call is a note on the open ticket, by the agent, no new ticket
        notes = self.first.message_ids - notes_before
        call = notes.filtered(lambda m: CALL_NOTE in html2plaintext(m.body or ""))
        self.assertEqual(len(call), 1)
        self.assertEqual(call.author_id, self.agent.partner_id)
        self.assertEqual(call.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn(f"Hotline call from {CALLER_NAME}", html2plaintext(call.body))
        self.assertEqual(
            self.env["customer.feedback.ticket"].search_count(
                [("partner_id", "=", self.caller.id)]), 2,
            "the call opened no new ticket",
        )
