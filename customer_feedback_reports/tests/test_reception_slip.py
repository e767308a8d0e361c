from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from .common import pdf_fonts, pdf_text


@tagged("post_install", "-at_install")
class TestReceptionSlip(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, "slip_agent", groups="customer_feedback.group_feedback_user",
            name="Trần Thị Mai",
        )
        cls.agent.partner_id.function = "Chuyên viên CSKH"
        cls.customer = cls.env["res.partner"].create({
            "name": "Nguyễn Văn Bình", "email": "binh@example.vn", "phone": "+84 912 345 678",
        })
        cls.ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        ).create({
            "title": "Máy lạnh kêu to sau khi lắp đặt",
            "description": "<p>Khách hàng phản ánh máy lạnh phát ra tiếng ồn lớn.</p>",
            "kind": "complaint",
            "channel": "hotline",
            "partner_id": cls.customer.id,
            "user_received_id": cls.agent.id,
            "quantity": 2,
            "actions_needed": "<p>Kiểm tra quạt dàn lạnh tại nhà khách hàng.</p>",
            "resolution": "<p>Đã thay quạt dàn lạnh.</p>",
        })
        # as after the customer's answer (the fields the workflow stamps)
        cls.ticket.write({"confirmation_state": "accepted", "confirmation_note": "Máy chạy êm."})

    def test_report_bound_to_tickets(self):
        report = self.env.ref("customer_feedback_reports.action_report_reception_slip")
        self.assertEqual(report.binding_model_id.model, "customer.feedback.ticket")
        self.assertEqual(report.report_type, "qweb-pdf")

    def test_pdf_contains_the_slip(self):
        """wkhtmltopdf renders the slip; its text has the ticket's data, diacritics intact."""
        # force_report_rendering: under tests Odoo renders HTML unless asked for a PDF.
        pdf, fmt = self.env["ir.actions.report"].with_user(self.agent).with_context(
            force_report_rendering=True
        )._render_qweb_pdf(
            "customer_feedback_reports.action_report_reception_slip", self.ticket.ids
        )
        self.assertEqual(fmt, "pdf")
        text = pdf_text(pdf)
        for expected in (
            self.ticket.name,
            "Máy lạnh kêu to sau khi lắp đặt",
            "Nguyễn Văn Bình",
            "binh@example.vn",
            "Trần Thị Mai",
            "Chuyên viên CSKH",
            "tiếng ồn lớn",
            "Product and Quantity",
            "Expected Completion",
            "Actions Needed Kiểm tra quạt dàn lạnh",
            "Result Đã thay quạt dàn lạnh.",
            "Customer Confirmation Accepted : Máy chạy êm.",
            "Customer Receiving Representative",
            "(signature and full name)",
        ):
            self.assertIn(expected, text)
        # drawn in Noto Sans (full Vietnamese coverage), not in the layout's
        # web font that wkhtmltopdf turns into shapes
        fonts = pdf_fonts(pdf)
        self.assertTrue(any("NotoSans" in font for font in fonts), fonts)
