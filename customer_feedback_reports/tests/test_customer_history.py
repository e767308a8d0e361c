from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.customer_feedback.tests.test_satisfaction import SatisfactionCommon

from .common import pdf_fonts, pdf_text

REPORT = "customer_feedback_reports.action_report_customer_history"
TITLE_CHAIR = "Ghế xoay bị tụt hơi, không giữ được độ cao"
TITLE_CATALOGUE = "Suggest a printed catalogue for 2026"
TITLE_OTHER = "Invoice sent to the wrong address"


@tagged("post_install", "-at_install")
class TestCustomerHistory(SatisfactionCommon):
    """The customer history PDF: real wkhtmltopdf output, read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({
            "name": "Công ty TNHH Nội thất Hoàng Phát", "is_company": True,
            "email": "lienhe@hoangphat.example.vn", "phone": "+84 28 3823 4567",
            "street": "12 Nguyễn Huệ", "city": "Thành phố Hồ Chí Minh",
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Phạm Thị Thu", "parent_id": cls.customer.id,
            "email": "thu@hoangphat.example.vn",
        })
        cls.other_customer = cls.env["res.partner"].create({
            "name": "CF Unrelated Customer", "email": "other@unrelated.example.com",
        })

    def setUp(self):
        super().setUp()
        # A complaint of department A, resolved and closed, answered 5/5 and 10.
        self.ticket_chair = self._ticket_in_state(
            "in_progress", partner_id=self.customer.id, category_id=self.cat_a.id,
            kind="complaint", title=TITLE_CHAIR,
        )
        self.ticket_chair.date_received = datetime(2026, 1, 12, 9, 0)
        self.ticket_chair.resolution = "<p>Đã thay xi-lanh khí cho 12 ghế.</p>"
        self.ticket_chair.action_resolve()
        self.ticket_chair.action_close()
        self._answer(self._new_satisfaction(partner=self.customer, ticket=self.ticket_chair),
                     overall=5, nps=10, answered_at=datetime(2026, 2, 10, 10, 0))
        # A suggestion of the contact person, department B, still open.
        self.ticket_catalogue = self._ticket_in_state(
            "assigned", partner_id=self.contact.id, category_id=self.cat_b.id,
            kind="suggestion", title=TITLE_CATALOGUE,
        )
        self.ticket_catalogue.date_received = datetime(2026, 2, 20, 14, 0)
        # A campaign questionnaire answered by the contact: 2/5 (25), would recommend 5.
        self._answer(self._new_satisfaction(partner=self.contact), overall=2, nps=5,
                     answered_at=datetime(2026, 3, 15, 16, 0))
        # Another customer's ticket, in the same department.
        self.ticket_other = self._ticket_in_state(
            "assigned", partner_id=self.other_customer.id, category_id=self.cat_a.id,
            title=TITLE_OTHER,
        )

    def _pdf_text(self, partner, user=None):
        pdf, fmt = self.env["ir.actions.report"].with_user(user or self.manager).with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, partner.ids)
        self.assertEqual(fmt, "pdf")
        return pdf_text(pdf)

    def test_report_bound_to_contacts(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")
        self.assertEqual(report.paperformat_id.format, "A4")
        self.assertIn(self.env.ref("customer_feedback.group_feedback_user"), report.group_ids)

    def test_pdf_has_the_customer_history(self):
        text = self._pdf_text(self.customer)
        for expected in (
            "Công ty TNHH Nội thất Hoàng Phát",
            "lienhe@hoangphat.example.vn",
            self.ticket_chair.name, TITLE_CHAIR,
            "Đã thay xi-lanh khí cho 12 ghế.",
            self.ticket_catalogue.name, TITLE_CATALOGUE,
            "Phạm Thị Thu",  # the contact who sent the suggestion
            "Complaint", "Suggestion", "Closed", "Assigned",
            "CF Product A", "CF Service B",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(TITLE_OTHER, text)
        self.assertNotIn(self.ticket_other.name, text)
        # in the order received
        self.assertLess(text.index(TITLE_CHAIR), text.index(TITLE_CATALOGUE))

    def test_pdf_font_covers_vietnamese(self):
        """Drawn in Noto Sans (full Vietnamese), not in a web font turned into shapes."""
        pdf, _fmt = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, self.customer.ids)
        fonts = pdf_fonts(pdf)
        # bold only Latin letters (references, labels): Noto Sans Bold proves the
        # text is in Noto, not merely its accented letters falling back to it
        self.assertTrue(any("NotoSans-Bold" in font for font in fonts), fonts)

    def test_pdf_totals_and_satisfaction_over_time(self):
        text = self._pdf_text(self.customer)
        # totals: 2 tickets, 1 complaint, 1 open, 2 answers, CSAT (100 + 25) / 2,
        # NPS: one promoter (10) and one detractor (5) -> 0
        self.assertIn("2 1 1 2 62.5 0", text)
        # by month: 02/2026 CSAT 100, one promoter; 03/2026 CSAT 25, one detractor
        self.assertIn("02/2026 1 100.0 1 0 0 +100", text)
        self.assertIn("03/2026 1 25.0 0 0 1 -100", text)
        self.assertLess(text.index("02/2026 1"), text.index("03/2026 1"))

    def test_printed_from_a_contact_gives_the_company_history(self):
        text = self._pdf_text(self.contact)
        self.assertIn(TITLE_CHAIR, text)
        self.assertIn(TITLE_CATALOGUE, text)

    def test_one_click_rating_counts_in_satisfaction(self):
        self.ticket_catalogue.rating_apply(
            1, token=self.ticket_catalogue._rating_get_access_token()
        )
        values = self.env["report.customer_feedback_reports.report_customer_history"] \
            ._get_report_values(self.customer.ids)
        totals = values["histories"][self.customer.id]["totals"]
        self.assertEqual(totals["answers"], 3)
        self.assertAlmostEqual(totals["csat"], (100 + 25 + 0) / 3)

    def test_department_user_sees_only_their_tickets(self):
        """A user of department B prints the history: department A's ticket is not in it."""
        text = self._pdf_text(self.customer, user=self.user_b)
        self.assertIn(TITLE_CATALOGUE, text)
        self.assertNotIn(TITLE_CHAIR, text)

    def test_denied_without_feedback_rights(self):
        Report = self.env["ir.actions.report"].with_user(self.plain_employee)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(REPORT, self.customer.ids)

    def test_query_count_does_not_grow_with_tickets(self):
        Report = self.env["ir.actions.report"].with_user(self.manager)

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Report._render_qweb_html(REPORT, self.customer.ids)
            return self.env.cr.sql_log_count - before

        queries()  # warm the caches of the templates
        few = queries()
        self.env["customer.feedback.ticket"].create([
            {"title": f"Extra {index}", "partner_id": self.contact.id, "kind": "question",
             "category_id": self.cat_a.id, "user_id": user.id,
             "tag_ids": [Command.clear()]}
            for index, user in enumerate([self.user_a, self.user_a2, self.user_b] * 3)
        ])
        self.env.flush_all()
        self.assertEqual(queries(), few)

    def test_printed_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["customer_feedback"], ["vi_VN"])
        self.customer.lang = "vi_VN"
        text = self._pdf_text(self.customer)
        self.assertIn("Khiếu nại", text)  # the kind "Complaint"
        self.assertIn("Đã đóng", text)  # the state "Closed"
        self.assertIn(TITLE_CHAIR, text)
        self.customer.lang = "en_US"
        self.assertIn("Complaint", self._pdf_text(self.customer))
