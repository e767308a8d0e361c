"""The complaint policy, published: the company's text (or the standard
one) at /feedback/policy for anyone, in the visitor's language, linked from
the public form, the portal and the acknowledgement."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import FeedbackCommon, RequiresHttpServer

POLICY_URL = "/feedback/policy"
POLICY_LINK = 'href="/feedback/policy"'
# What a browser set to Vietnamese sends (Odoo reads "vi" alone as no
# language: babel has no alias for it)
VIETNAMESE_BROWSER = "vi-VN,vi;q=0.9,en;q=0.5"


@tagged("post_install", "-at_install")
class TestComplaintPolicy(RequiresHttpServer, HttpCase, FeedbackCommon):
    def _page(self, lang=None):
        """The page for an anonymous visitor; with ``lang``, a new visitor
        whose browser asks for it (a new session takes the Accept-Language:
        HttpCase.authenticate would fix the session's language to English)."""
        headers = None
        if lang:
            self.opener.cookies.clear()
            headers = {"Accept-Language": lang}
        response = self.url_open(POLICY_URL, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_standard_policy_for_anonymous(self):
        self.company_a.feedback_policy = False
        self.authenticate(None, None)
        page = self._page()
        self.assertIn("How we handle complaints", page)
        self.assertIn("What happens next", page)
        self.assertIn("give us your phone number", page)
        self.assertIn(self.company_a.name, page)
        self.assertIn('href="/feedback"', page, "the page leads to the form")

    def test_company_policy_in_the_visitors_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        company = self.company_a
        company.with_context(lang="en_US").feedback_policy = (
            "<p>CF policy: we answer within two days.</p>"
        )
        # sanitised translated HTML is translated term by term (Odoo forces
        # html_translate): the Vietnamese text is the translation of the
        # English terms, as the field's translation dialog writes it
        company._update_field_translations("feedback_policy", {"vi_VN": {
            "CF policy: we answer within two days.":
                "Chính sách CF: chúng tôi trả lời trong hai ngày.",
        }})
        english = self._page("en-US,en;q=0.9")
        self.assertIn("CF policy: we answer within two days.", english)
        self.assertNotIn("Chính sách CF", english)
        self.assertNotIn("What happens next", english, "the company's text replaces the standard")
        vietnamese = self._page(VIETNAMESE_BROWSER)
        self.assertIn("Chính sách CF: chúng tôi trả lời trong hai ngày.", vietnamese)
        self.assertNotIn("CF policy", vietnamese)

    def test_policy_is_sanitized(self):
        self.company_a.feedback_policy = (
            '<p>CF safe</p><script>alert("cf")</script><p onclick="alert(1)">CF click</p>'
        )
        self.authenticate(None, None)
        page = self._page()
        self.assertIn("CF safe", page)
        self.assertNotIn('alert("cf")', page)
        self.assertNotIn("alert(1)", page)

    def test_only_settings_managers_edit_the_policy(self):
        for user in (self.user_a, self.manager, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.company_a.with_user(user).write({"feedback_policy": "<p>CF mine</p>"})

    def _translate_standard_policy(self):
        """The module's Vietnamese terms of the standard policy (as vi.po
        loads them) for one heading."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env.ref("customer_feedback.feedback_policy_default").update_field_translations(
            "arch_db", {"vi_VN": {"What happens next": "Các bước tiếp theo"}}
        )

    def test_standard_policy_in_vietnamese(self):
        self._translate_standard_policy()
        self.company_a.feedback_policy = False
        self.assertIn("Các bước tiếp theo", self._page(VIETNAMESE_BROWSER))
        self.assertIn("What happens next", self._page("en-US,en;q=0.9"))

    def test_settings_start_from_the_standard_policy(self):
        self._translate_standard_policy()
        admin = self.env.ref("base.user_admin")
        settings = self.env["res.config.settings"].with_user(admin).create({})
        self.assertFalse(settings.feedback_policy)
        settings.action_feedback_policy_load_default()
        company = self.company_a
        self.assertIn("What happens next", company.with_context(lang="en_US").feedback_policy)
        vietnamese = company.with_context(lang="vi_VN").feedback_policy
        self.assertIn("Các bước tiếp theo", vietnamese)
        self.assertNotIn("What happens next", vietnamese)
        self.assertIn("give us your phone number", vietnamese, "not yet translated: English")
        self.assertIn("Các bước tiếp theo", self._page(VIETNAMESE_BROWSER))
        settings = self.env["res.config.settings"].with_user(admin).create({})
        settings.feedback_policy = "<p>CF edited in the settings</p>"
        settings.execute()
        self.assertIn("CF edited in the settings", company.feedback_policy)
        self.authenticate(None, None)
        self.assertIn("CF edited in the settings", self._page())

    # ------------------------------------------------------------------
    # The links
    # ------------------------------------------------------------------

    def test_link_on_the_public_form(self):
        self.authenticate(None, None)
        response = self.url_open("/feedback")
        self.assertIn(POLICY_LINK, response.text)

    def test_link_on_the_portal(self):
        self._create_ticket(partner_id=self.customer_portal.id, title="CF portal policy")
        self.authenticate("cf_portal", "cf_portal")
        response = self.url_open("/my/feedback")
        self.assertEqual(response.status_code, 200)
        self.assertIn("CF portal policy", response.text)
        self.assertIn(POLICY_LINK, response.text)

    def test_link_in_the_acknowledgement(self):
        ticket = self._create_ticket(partner_id=self.customer_contact.id)
        mail = self.env["mail.mail"].sudo().search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("subject", "like", "We received your feedback"),
        ])
        self.assertEqual(len(mail), 1)
        self.assertIn(f'href="{ticket.get_base_url()}{POLICY_URL}"', mail.body_html)
