"""The customer portal in a real browser: the tour
``customer_feedback_portal_tour`` (static/tests/tours/feedback_portal_tour.js)
opens My Feedback as a portal customer, opens a ticket, replies in its chatter
and sends a new feedback. Needs Chromium (Debian's ``chromium``) and the
websocket-client module; Odoo skips the test without them.
"""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import html2plaintext

from .test_ui_tour import drop_missing_dfsg_asset


@tagged("post_install", "-at_install")
class TestUiPortalTour(HttpCase):
    # the values of the tour
    TICKET_TITLE = "CF portal tour ticket"
    REPLY = "CF portal tour reply: the pump still leaks a little."
    CATEGORY = "CF Portal Tour Category"
    NEW_TITLE = "CF portal tour new feedback"
    NEW_DESCRIPTION = "CF portal tour: the opening hours on the website are wrong."

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_missing_dfsg_asset(cls.env)
        cls.portal_user = new_test_user(
            cls.env, "cf_portal_tour", groups="base.group_portal",
            name="CF Portal Tour Customer", email="cf.portal.tour@example.com",
        )
        cls.partner = cls.portal_user.partner_id
        cls.category = cls.env["customer.feedback.category"].create({
            "name": cls.CATEGORY, "company_id": cls.env.company.id,
        })
        cls.ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        ).create({
            "title": cls.TICKET_TITLE, "kind": "complaint", "partner_id": cls.partner.id,
            "date_promised": "2031-05-06 03:00:00",
        })

    def test_portal_tour(self):
        Ticket = self.env["customer.feedback.ticket"]
        self.assertFalse(Ticket.search_count([("title", "=", self.NEW_TITLE)]))

        self.start_tour("/my", "customer_feedback_portal_tour", login=self.portal_user.login)

        reply = self.ticket.message_ids.filtered(lambda m: self.REPLY in (m.body or ""))
        self.assertEqual(len(reply), 1, "the reply was posted once")
        self.assertEqual(reply.author_id, self.partner)
        self.assertEqual(reply.subtype_id, self.env.ref("mail.mt_comment"))

        new = Ticket.search([("title", "=", self.NEW_TITLE)])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.channel, "web")
        self.assertEqual(new.partner_id, self.partner)
        self.assertEqual(new.kind, "suggestion")
        self.assertEqual(new.category_id, self.category)
        self.assertEqual(new.company_id, self.env.company)
        self.assertIn(self.NEW_DESCRIPTION, html2plaintext(new.description))
