"""Vietnamese customers and staff get what the addons write in Vietnamese.

- A contact created from an email speaks the language of the message
  (Vietnamese recognised by its letters), else the company's; a contact
  found keeps theirs.
- What a cron or the mail gateway writes (escalation activities and
  messages, happy calls, follow-ups of low scores, bounce activities) is in
  the language of whom it is for, not of the user the job runs as.

The expected Vietnamese is read from the addon's vi.po independently of the
code under test: Odoo's code translations for the Python terms, the model
terms loaded in the test transaction for the data (templates, activity type).
"""

import unicodedata
from datetime import date, timedelta

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, freeze_time
from odoo.tools import mute_logger
from odoo.tools.translate import code_translations

from ..tools.language import text_language
from .test_escalation import RECEIVED, RESOLUTION_DEADLINE
from .test_mail_gateway import GATEWAY_LOGGERS, MailGatewayCase
from .test_satisfaction import SatisfactionCommon

VI = "vi_VN"


def load_vietnamese(env):
    """Vietnamese installed, with the addon's translations of its data."""
    env["res.lang"]._activate_lang(VI)
    env["ir.module.module"]._load_module_terms(["customer_feedback"], [VI], overwrite=True)


class VietnameseMixin:
    def vi(self, source, *args, required=True, **kwargs):
        """``source`` as vi.po translates it, formatted. Unless not
        ``required`` (a term vi.po does not have yet: the source then), the
        test fails when the term has no Vietnamese (it would prove nothing)."""
        translations = code_translations.get_python_translations("customer_feedback", VI)
        translated = translations.get(source) or source
        if required:
            self.assertNotEqual(translated, source, f"no Vietnamese for {source!r}")
        return translated % (args or kwargs) if args or kwargs else translated


@tagged("post_install", "-at_install")
class TestTextLanguage(TransactionCase):
    def test_vietnamese_by_its_letters(self):
        for text in (
            "Ghế xoay bị tụt hơi, không giữ được độ cao",
            "Cảm ơn",
            "GHẾ XOAY BỊ TỤT HƠI",
            unicodedata.normalize("NFD", "Khiếu nại hoá đơn"),  # decomposed marks
        ):
            self.assertEqual(text_language(text), VI, text)
        for text in (
            "Giao hang tre 5 ngay so voi lich hen",  # Vietnamese typed without marks
            "Xin chào",  # too little to tell
            "Bonjour, le café à côté de la fenêtre était très mauvais",
            "São Paulo não está bom",
            "Dear team, the chair is broken. Regards, Nguyễn Văn An, Công ty Hoàng Phát",
            "",
            None,
        ):
            self.assertIsNone(text_language(text), text)

    def test_only_installed_languages(self):
        Lang = self.env["res.lang"]
        company = self.env.ref("base.main_company")
        company.partner_id.lang = "en_US"
        self.assertEqual(Lang._feedback_new_contact_lang(company, lang="xx_XX"), "en_US")
        # Vietnamese is not installed in this database unless a test installs it
        if not Lang._get_code(VI):
            self.assertEqual(
                Lang._feedback_new_contact_lang(company, text="Ghế bị hỏng rồi"), "en_US"
            )
        Lang._activate_lang(VI)
        self.assertEqual(Lang._feedback_new_contact_lang(company, text="Ghế bị hỏng rồi"), VI)
        self.assertEqual(Lang._feedback_new_contact_lang(company, lang=VI, text="Hello"), VI)


@tagged("post_install", "-at_install")
class TestVietnameseMail(VietnameseMixin, MailGatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_vietnamese(cls.env)
        cls.company_a.partner_id.lang = "en_US"

    @mute_logger(*GATEWAY_LOGGERS)
    def _mail(self, sender, subject, body):
        ticket = self._process(self._email(subject=subject, body=body, sender=sender))
        self.assertTrue(ticket)
        return ticket

    def test_vietnamese_email_creates_vietnamese_contact(self):
        ticket = self._mail(
            "Phạm Văn Nam <nam.pham@cf-mail.example.com>",
            "Giao hàng trễ", "Tôi đặt bàn từ tuần trước mà đến nay vẫn chưa được giao hàng.",
        )
        self.assertEqual(ticket.partner_id.email, "nam.pham@cf-mail.example.com")
        self.assertEqual(ticket.partner_id.lang, VI)
        acknowledgement = self._acknowledgements(ticket)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn("Chúng tôi đã tiếp nhận phản hồi của Quý khách", acknowledgement.subject)

    def test_english_email_creates_contact_in_company_language(self):
        ticket = self._mail(
            "John Smith <john.smith@cf-mail.example.com>",
            "Late delivery", "I ordered a desk last week and it has not arrived.\n"
            "Regards, John Smith, Công ty Hoàng Phát, 125 Nguyễn Văn Linh",
        )
        self.assertEqual(ticket.partner_id.lang, "en_US")
        self.assertIn("We received your feedback", self._acknowledgements(ticket).subject)

    def test_unmarked_text_gets_company_language(self):
        """Vietnamese typed without its marks cannot be told from another
        language: the company's language, whoever the gateway runs as."""
        self.company_a.partner_id.lang = VI
        ticket = self._mail(
            "Tran Van Binh <binh.tran@cf-mail.example.com>",
            "Giao hang tre", "Toi dat ban tu tuan truoc ma den nay van chua duoc giao hang.",
        )
        self.assertEqual(ticket.partner_id.lang, VI)
        # and English text, to a Vietnamese company: the company's language too
        ticket = self._mail(
            "Bob <bob@cf-mail.example.com>", "Late delivery", "My desk has not arrived.",
        )
        self.assertEqual(ticket.partner_id.lang, VI)

    def test_existing_contact_keeps_language(self):
        known = self.env["res.partner"].create({
            "name": "CF Known", "email": "known@cf-mail.example.com", "lang": "en_US",
        })
        ticket = self._mail(
            "Người Quen <known@cf-mail.example.com>",
            "Ghế bị hỏng", "Ghế xoay bị tụt hơi, không giữ được độ cao.",
        )
        self.assertEqual(ticket.partner_id, known)
        self.assertEqual(known.lang, "en_US")


@tagged("post_install", "-at_install")
class TestVietnameseRecipients(VietnameseMixin, SatisfactionCommon):
    """Jobs run as the superuser (English); their text follows the recipient."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_vietnamese(cls.env)
        cls.env.flush_all()
        # tickets of the demo data must not be due
        cls.env.cr.execute("UPDATE customer_feedback_escalation SET next_escalation_date = NULL")
        cls.env.invalidate_all()
        cls.company_a.partner_id.lang = "en_US"
        cls.leader_a.lang = VI
        cls.user_b.lang = "en_US"
        cls.cat_a.satisfaction_survey_id = cls.survey

    def _ticket(self, category, user):
        with freeze_time(RECEIVED):
            ticket = self._create_ticket(category_id=category.id, user_id=user.id,
                                         priority_id=self.prio_normal.id)
            ticket.action_start()
        return ticket

    def _cron(self, when):
        with freeze_time(when):
            self.Ticket._cron_escalate_breaches()
        self.env.invalidate_all()

    def _activity(self, record, user):
        return self.env["mail.activity"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id),
            ("user_id", "=", user.id),
        ])

    def _digests(self, department):
        return department.message_ids.filtered(lambda m: m.partner_ids)

    def test_escalation_in_each_leader_language(self):
        """One batch, two leaders, two languages."""
        ticket_vi = self._ticket(self.cat_a, self.user_a)
        ticket_en = self._ticket(self.cat_b, self.user_b)
        self.assertEqual(self.env.lang or "en_US", "en_US", "the cron's own language")
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        self.assertEqual(self._activity(ticket_vi, self.leader_a).summary,
                         self.vi("Resolution deadline missed"))
        self.assertEqual(self._activity(ticket_en, self.user_b).summary,
                         "Resolution deadline missed")
        digest_vi = self._digests(self.dept_a)
        self.assertEqual(len(digest_vi), 1)
        self.assertIn(self.vi("%(count)s ticket(s) escalated to you:", count=1), digest_vi.body)
        self.assertIn(self.vi("Resolution deadline missed"), digest_vi.body)
        self.assertIn(ticket_vi.name, digest_vi.body)
        digest_en = self._digests(self.dept_b)
        self.assertIn("1 ticket(s) escalated to you:", digest_en.body)
        self.assertIn("Resolution deadline missed", digest_en.body)

    def test_managers_digest_per_language(self):
        """Managers of several languages: each reads the digest in theirs."""
        self.dept_b.leader_id = False  # the managers are told at once
        self.manager.lang = VI
        ticket = self._ticket(self.cat_b, self.user_b)
        self._cron(RESOLUTION_DEADLINE + timedelta(hours=1))
        activities = self.env["mail.activity"].search([
            ("res_model", "=", ticket._name), ("res_id", "=", ticket.id),
        ])
        self.assertIn(self.manager, activities.user_id)
        others = activities.user_id - self.manager
        self.assertTrue(others, "the other managers of the company (demo users)")
        self.assertEqual(set(others.mapped("lang")), {"en_US"})
        for activity in activities:
            self.assertEqual(activity.summary, self.vi("Resolution deadline missed")
                             if activity.user_id == self.manager
                             else "Resolution deadline missed")
        digests = self._digests(self.dept_b)
        self.assertEqual(len(digests), 2, "one message per language")
        vietnamese = digests.filtered(lambda m: self.manager.partner_id in m.partner_ids)
        self.assertEqual(vietnamese.partner_ids, self.manager.partner_id)
        self.assertIn(self.vi("%(count)s ticket(s) escalated to you:", count=1), vietnamese.body)
        self.assertIn(self.vi("Resolution deadline missed"), vietnamese.body)
        english = digests - vietnamese
        self.assertEqual(english.partner_ids, others.partner_id)
        self.assertIn("1 ticket(s) escalated to you:", english.body)
        self.assertIn("Resolution deadline missed", english.body)

    def test_happy_call_in_caller_language(self):
        call_type = self.env.ref("customer_feedback.mail_activity_type_happy_call")
        summary_vi = call_type.with_context(lang=VI).summary
        self.assertNotEqual(summary_vi, call_type.with_context(lang="en_US").summary)
        self.user_a.lang = VI
        Partner = self.env["res.partner"]
        customer_vi, customer_en = Partner.create([
            {"name": "CF Care VI", "user_id": self.user_a.id,
             "feedback_care_interval": "monthly", "feedback_next_care_date": date(2026, 3, 12)},
            {"name": "CF Care EN", "user_id": self.user_b.id,
             "feedback_care_interval": "monthly", "feedback_next_care_date": date(2026, 3, 12)},
        ])
        Partner._cron_plan_happy_calls(today=date(2026, 3, 1))
        self.assertEqual(self._activity(customer_vi, self.user_a).summary, summary_vi)
        self.assertEqual(self._activity(customer_en, self.user_b).summary,
                         "Call the customer to check all is well")

    def test_follow_up_in_leader_language(self):
        # answered in English (the survey page's language): the leader's decides
        ticket = self._close()
        satisfaction = ticket.satisfaction_ids.with_context(lang="en_US")
        self._answer(satisfaction, overall=1, comment="Vẫn hỏng")
        activity = self._activity(ticket, self.leader_a).filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(activity.summary, self.vi(
            "Dissatisfied customer: %s", self.customer_contact.display_name))

    def test_follow_up_ticket_in_company_language(self):
        self.company_a.feedback_low_score_action = "ticket"
        self.company_a.partner_id.lang = VI
        ticket = self._close()
        self._answer(ticket.satisfaction_ids.with_context(lang="en_US"), overall=1)
        complaint = self.Ticket.search([("parent_ticket_id", "=", ticket.id)])
        self.assertEqual(complaint.title, self.vi(
            "Dissatisfied customer: %s", self.customer_contact.display_name))


@tagged("post_install", "-at_install")
class TestVietnameseBounce(VietnameseMixin, MailGatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_vietnamese(cls.env)
        cls.company_a.partner_id.lang = VI
        cls.user_a.lang = VI

    def test_bounce_note_and_activity_in_vietnamese(self):
        ticket = self._create_ticket(
            partner_id=self.customer_contact.id, user_id=self.user_a.id,
        )
        ticket._message_receive_bounce(self.customer_contact.email, self.customer_contact)
        note = ticket.message_ids.filtered(lambda m: self.customer_contact.email in (m.body or ""))
        # not in vi.po yet: the source until the lead engineer translates them
        self.assertIn(self.vi(
            "Our email to %(email)s was returned undelivered: the customer did not "
            "receive it. Call them (%(phone)s) or check their address.",
            email=self.customer_contact.email, phone=self.customer_contact.phone,
            required=False,
        ), note.body)
        activity = self.env["mail.activity"].search([
            ("res_model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("user_id", "=", self.user_a.id),
            ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_call").id),
        ])
        self.assertEqual(activity.summary, self.vi(
            "Our email bounced: call the customer", required=False))


@tagged("post_install", "-at_install")
class TestVietnamDemoCompany(TransactionCase):
    def test_demo_company_in_vietnam(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.partner_id.tz, "Asia/Ho_Chi_Minh")
        self.assertEqual(company.resource_calendar_id.tz, "Asia/Ho_Chi_Minh")
        self.assertEqual(company.country_id, self.env.ref("base.vn"))
        for xmlid in ("base.user_admin", "base.user_demo",
                      "customer_feedback.user_feedback_agent"):
            self.assertEqual(self.env.ref(xmlid).tz, "Asia/Ho_Chi_Minh", xmlid)
