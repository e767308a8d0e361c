"""The public feedback form in a real browser: the tour
``customer_feedback_public_form_tour``
(static/tests/tours/feedback_public_form_tour.js) is an anonymous visitor who
fills the form in Vietnamese, attaches a file and sends it, then sees the
reference. Needs Chromium (Debian's ``chromium``) and the websocket-client
module; Odoo skips the test without them.
"""

from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext


@tagged("post_install", "-at_install")
class TestUiPublicFormTour(HttpCase):
    # the values typed by the tour
    VISITOR_NAME = "Lê Thị Hồng Nhung"
    VISITOR_EMAIL = "hong.nhung@cf-tour.example.com"
    VISITOR_PHONE = "+84 913 000 472"
    MESSAGE = "Nhân viên cửa hàng Quận 3 rất nhiệt tình, cảm ơn quý công ty!"
    FILE_NAME = "loi-cam-on.txt"
    FILE_TEXT = "Xin chân thành cảm ơn."

    def test_public_form_tour(self):
        Ticket = self.env["customer.feedback.ticket"]
        self.assertFalse(Ticket.search_count([("partner_email", "=", self.VISITOR_EMAIL)]))
        self.env.ref("base.main_company").feedback_create_contacts = True

        self.start_tour("/feedback", "customer_feedback_public_form_tour")

        ticket = Ticket.search([("partner_email", "=", self.VISITOR_EMAIL)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "web")
        self.assertEqual(ticket.kind, "praise")
        self.assertEqual(ticket.partner_name, self.VISITOR_NAME)
        self.assertEqual(ticket.partner_phone, self.VISITOR_PHONE)
        self.assertEqual(ticket.title, self.MESSAGE)
        self.assertIn(self.MESSAGE, html2plaintext(ticket.description))
        self.assertEqual(ticket.partner_id.email, self.VISITOR_EMAIL)
        self.assertEqual(ticket.partner_id.name, self.VISITOR_NAME)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(attachment.name, self.FILE_NAME)
        self.assertEqual(attachment.raw.decode(), self.FILE_TEXT)
