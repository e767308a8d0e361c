"""In Vietnamese from end to end, in a real browser: a visitor sends a
complaint from the Vietnamese public form (``/vi/feedback``); the new
contact speaks Vietnamese and the acknowledgement it gets is Vietnamese."""

from odoo.tests import HttpCase, tagged

from ..tools.language import text_language


@tagged("post_install", "-at_install")
class TestUiPublicFormVietnameseTour(HttpCase):
    VISITOR_EMAIL = "quoc.bao@cf-tour-vi.example.com"

    def test_vietnamese_public_form_to_acknowledgement(self):
        env = self.env
        env["res.lang"]._activate_lang("vi_VN")
        env["ir.module.module"].search(
            [("name", "in", ("customer_feedback", "customer_feedback_reports"))]
        )._update_translations(["vi_VN"])
        env.registry.clear_cache()
        company = env.ref("base.main_company")
        company.write({"feedback_create_contacts": True, "feedback_send_acknowledgement": True})

        self.start_tour("/vi/feedback", "customer_feedback_public_form_vi_tour")

        ticket = env["customer.feedback.ticket"].search(
            [("partner_email", "=", self.VISITOR_EMAIL)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.kind, "complaint")
        self.assertEqual(ticket.partner_id.lang, "vi_VN", "the page's language")
        mail = env["mail.mail"].sudo().search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("recipient_ids", "in", ticket.partner_id.ids),
        ])
        self.assertEqual(len(mail), 1, "the acknowledgement")
        self.assertIn(ticket.name, mail.subject)
        self.assertEqual(text_language(mail.subject), "vi_VN", mail.subject)
        self.assertNotIn("We received your feedback", mail.subject)
        self.assertNotIn("Thank you for your feedback", mail.body_html)
