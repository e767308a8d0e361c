"""The reception slip a customer prints from the portal is the customer's
copy: none of the internal handling (actions needed, handler, receiver's
contact, priority, internal deadlines, classification) is ever printed in it,
whatever route renders it; the internal slip is refused to customers."""

from urllib.parse import urlsplit

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.customer_feedback.tests.common import FeedbackCommon, RequiresHttpServer

from .common import pdf_text

CUSTOMER_REPORT = "customer_feedback_reports.action_report_reception_slip_customer"
INTERNAL_REPORT = "customer_feedback_reports.action_report_reception_slip"

SECRET_ACTIONS = "CF secret actions: ask the supplier for a credit"
SECRET_KEYWORDS = "cfsecretkeyword"
RECEIVER_FUNCTION = "CF Night Shift Receiver"


@tagged("post_install", "-at_install")
class TestReceptionSlipPortal(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a.partner_id.function = RECEIVER_FUNCTION
        cls.stranger_user = new_test_user(
            cls.env, "cf_slip_stranger", groups="base.group_portal",
            name="CF Slip Stranger", email="cf.slip.stranger@example.com",
        )
        cls.ticket = cls.Ticket.with_context(feedback_no_acknowledgement=True).create({
            "title": "CF slip portal ticket", "kind": "complaint",
            "category_id": cls.cat_a.id, "partner_id": cls.customer_portal.id,
            "description": "<p>CF the compressor is noisy</p>",
            "actions_needed": f"<p>{SECRET_ACTIONS}</p>",
            "user_received_id": cls.user_a.id,
            "date_expected": fields.Datetime.now(),
        })
        cls.ticket.write({"user_id": cls.user_a2.id, "priority_id": cls.prio_urgent.id})
        # a recorded fact: written as the classifier does
        cls.ticket._write_facts({"classification_keywords": SECRET_KEYWORDS})
        cls.ticket._portal_ensure_token()

    def _internal_texts(self):
        return (
            SECRET_ACTIONS, "Actions Needed", SECRET_KEYWORDS, RECEIVER_FUNCTION,
            "cf.user.a@example.com", "CF User A2", self.dept_a.name, self.prio_urgent.name,
            "Handled By", "Received By", "Resolution Deadline", "Expected Completion",
            "Priority",
        )

    def _assert_customer_copy(self, text):
        for expected in (self.ticket.name, "CF slip portal ticket", "CF the compressor is noisy",
                         "Customer Request Reception Slip", "Answer Promised By"):
            self.assertIn(expected, text)
        for internal in self._internal_texts():
            self.assertNotIn(internal, text)

    def test_portal_prints_customer_copy(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/feedback/{self.ticket.id}").text
        self.assertIn(f"/my/feedback/{self.ticket.id}/slip", page)
        response = self.url_open(f"/my/feedback/{self.ticket.id}/slip?report_type=html")
        self.assertEqual(response.status_code, 200)
        self._assert_customer_copy(response.text)

    def test_token_holder_prints_customer_copy(self):
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/feedback/{self.ticket.id}/slip?report_type=html"
            f"&access_token={self.ticket.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self._assert_customer_copy(response.text)

    def test_others_get_no_slip(self):
        self.authenticate(self.stranger_user.login, self.stranger_user.login)
        response = self.url_open(f"/my/feedback/{self.ticket.id}/slip?report_type=html")
        self.assertNotIn("CF slip portal ticket", response.text)
        self.assertIn(urlsplit(response.url).path, ("/my", "/my/home"))
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/feedback/{self.ticket.id}/slip?report_type=html&access_token=wrong"
        )
        self.assertNotIn("CF slip portal ticket", response.text)

    @mute_logger("odoo.http", "odoo.models")
    def test_report_routes_never_give_customers_the_internal_slip(self):
        """Odoo's own /report route, open to every logged-in user: the
        internal slip is refused, the customer's copy only of their tickets."""
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(
            f"/report/html/customer_feedback_reports.report_reception_slip/{self.ticket.id}"
        )
        for internal in self._internal_texts()[:4]:
            self.assertNotIn(internal, response.text)
        self.assertNotIn("CF the compressor is noisy", response.text)
        response = self.url_open(
            "/report/html/customer_feedback_reports.report_reception_slip_customer/"
            f"{self.ticket.id}"
        )
        self.assertEqual(response.status_code, 200)
        self._assert_customer_copy(response.text)
        self.authenticate(self.stranger_user.login, self.stranger_user.login)
        response = self.url_open(
            "/report/html/customer_feedback_reports.report_reception_slip_customer/"
            f"{self.ticket.id}"
        )
        self.assertNotIn("CF the compressor is noisy", response.text)

    def test_orm_refuses_internal_slip_to_customers(self):
        Report = self.env["ir.actions.report"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Report._render_qweb_html(INTERNAL_REPORT, self.ticket.ids)
        # even rendered as superuser for them
        with self.assertRaises(AccessError):
            Report.sudo()._render_qweb_html(INTERNAL_REPORT, self.ticket.ids)
        stranger_report = self.env["ir.actions.report"].with_user(self.stranger_user)
        with self.assertRaises(AccessError):
            stranger_report._render_qweb_html(CUSTOMER_REPORT, self.ticket.ids)

    def test_internal_slip_unchanged_for_agents(self):
        html = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            INTERNAL_REPORT, self.ticket.ids
        )[0].decode()
        for internal in (SECRET_ACTIONS, "Handled By", "CF User A2", RECEIVER_FUNCTION):
            self.assertIn(internal, html)

    def test_customer_copy_pdf(self):
        """The PDF wkhtmltopdf draws of the customer's copy, rendered with the
        customer's own rights."""
        pdf, fmt = self.env["ir.actions.report"].with_user(self.portal_user).with_context(
            force_report_rendering=True
        )._render_qweb_pdf(CUSTOMER_REPORT, self.ticket.ids)
        self.assertEqual(fmt, "pdf")
        text = pdf_text(pdf)
        self.assertIn("CF slip portal ticket", text)
        for internal in (SECRET_ACTIONS, "Actions Needed", "Handled By", RECEIVER_FUNCTION):
            self.assertNotIn(internal, text)
