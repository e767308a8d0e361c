"""One caller, one customer: phone numbers are matched by their normalised
form (E.164 by Odoo's phone_validation, national numbers read with the
company's country) in the hotline wizard, the public form and the mail
intake, whatever way the number is written."""

from odoo.tests import Form, tagged

from .common import FeedbackCommon
from .test_mail_gateway import MailGatewayCase

E164 = "+84903124567"
FORMATS = (
    "0903124567", "090 312 4567", "090.312.4567", "+84903124567", "+84 90 312 4567",
    "84903124567",
)


def forget_number(env):
    """The demo data has a contact with this number: only the tests' own count."""
    env["res.partner"].search([("phone_sanitized", "=", E164)]).phone = False


class PhoneCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        forget_number(env)
        # National numbers are read with the company's country (the demo
        # company's may be another one, or none).
        cls.company_a.country_id = env.ref("base.vn")
        cls.company_a.feedback_create_contacts = True
        Partner = env["res.partner"]
        cls.phone_company = Partner.create({
            "name": "CF Phone Key Co", "is_company": True,
            "feedback_segment_id": cls.segment_key.id,
        })
        cls.phone_contact = Partner.create({
            "name": "CF Phạm Văn Đức", "parent_id": cls.phone_company.id,
            "phone": "+84 90 312 4567", "email": "duc.pham@cf-phone.example.com",
        })


@tagged("post_install", "-at_install")
class TestPhoneNormalisation(PhoneCommon):
    def test_every_format_is_one_number(self):
        for number in FORMATS:
            with self.subTest(number=number):
                self.assertEqual(self.Ticket._phone_e164(number, self.company_a), E164)
        self.assertEqual(self.phone_contact.phone_sanitized, E164)
        self.assertFalse(self.Ticket._phone_e164("12", self.company_a))
        self.assertFalse(self.Ticket._phone_e164("call me", self.company_a))


@tagged("post_install", "-at_install")
class TestHotlinePhoneMatching(PhoneCommon):
    def _wizard(self, **values):
        return self.env["customer.feedback.hotline.wizard"].with_user(self.user_a).create(
            {"title": "CF call", "kind": "complaint", **values}
        )

    def _ticket_of(self, action):
        return self.env["customer.feedback.ticket"].browse(action["res_id"])

    def test_caller_found_in_every_format(self):
        count = self.env["res.partner"].search_count([])
        for number in FORMATS:
            with self.subTest(number=number):
                wizard = self._wizard(phone=number, name="Đức")
                self.assertEqual(wizard.partner_id, self.phone_contact)
                self.assertIn(self.phone_contact, wizard.candidate_ids)
                ticket = self._ticket_of(wizard.action_create_ticket())
                self.assertEqual(ticket.partner_id, self.phone_contact)
                self.assertEqual(ticket.partner_phone, number, "the number as dialled")
                self.assertEqual(ticket.partner_id.commercial_partner_id.feedback_segment_id,
                                 self.segment_key, "the key account's segment is kept")
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no duplicate")

    def test_contact_saved_with_a_national_number(self):
        """The other way round: the contact has the national form, the
        agent types the international one."""
        self.phone_contact.phone = "090 312 4567"
        self.assertEqual(self.phone_contact.phone_sanitized, E164)
        self.assertEqual(self._wizard(phone="+84 90 312 4567").partner_id, self.phone_contact)

    def test_number_the_country_cannot_read_matches_its_digits(self):
        """A company of another country: a Vietnamese national number is no
        number there, and still finds the contact saved with the same digits."""
        self.company_a.country_id = self.env.ref("base.us")
        contact = self.env["res.partner"].create({"name": "CF Digits", "phone": "0987 654 321"})
        self.assertEqual(self._wizard(phone="0987.654.321").partner_id, contact)
        self.assertFalse(self._wizard(phone="12").candidate_ids)

    def test_name_alone_is_a_candidate_never_a_link(self):
        count = self.env["res.partner"].search_count([])
        wizard = self._wizard(name="Phạm Văn Đức", phone="+84 911 222 333")
        self.assertFalse(wizard.partner_id, "a name never links by itself")
        self.assertEqual(wizard.candidate_ids, self.phone_contact)
        # the agent did not pick: a new contact
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertNotEqual(ticket.partner_id, self.phone_contact)
        self.assertEqual(ticket.partner_id.name, "Phạm Văn Đức")
        self.assertEqual(self.env["res.partner"].search_count([]), count + 1)

    def test_agent_picks_a_candidate_in_the_form(self):
        count = self.env["res.partner"].search_count([])
        form = Form(self.env["customer.feedback.hotline.wizard"].with_user(self.user_a))
        form.title = "CF call from the form"
        form.phone = "0911 222 333"  # another number: the name finds the contact
        form.name = "Phạm Văn Đức"
        self.assertFalse(form.partner_id)
        self.assertIn(self.phone_contact, form.candidate_ids)
        form.partner_id = self.phone_contact
        ticket = self._ticket_of(form.save().action_create_ticket())
        self.assertEqual(ticket.partner_id, self.phone_contact)
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no new contact")

    def test_several_contacts_with_the_number_are_left_to_the_agent(self):
        other = self.env["res.partner"].create({"name": "CF Other Đức", "phone": "0903124567"})
        wizard = self._wizard(phone="090.312.4567")
        self.assertFalse(wizard.partner_id)
        self.assertEqual(wizard.candidate_ids, self.phone_contact + other)

    def test_email_still_decides_first(self):
        wizard = self._wizard(phone="0903124567", email="Nguyen.An@cf-customer.example.com")
        self.assertEqual(wizard.partner_id, self.customer_contact)
        self.assertIn(self.phone_contact, wizard.candidate_ids)


@tagged("post_install", "-at_install")
class TestWebFormPhoneMatching(PhoneCommon):
    def _submit(self, **values):
        form = {
            "name": "Phạm Đức", "email": "duc.new@cf-phone-web.example.com",
            "phone": "090.312.4567", "kind": "complaint",
            "message": "The delivery was two weeks late.",
        }
        form.update(values)
        # sudo: the public route creates the ticket as superuser
        return self.Ticket.sudo()._create_from_web_form(form)

    def test_new_email_known_phone_suggests_the_customer(self):
        """An anonymous form proves no phone either: the customer is found in
        every format, as a suggestion for employees (test_unverified_sender)."""
        for number in FORMATS:
            with self.subTest(number=number):
                email = f"duc.{len(number)}.{number[-2:]}@cf-phone-web.example.com"
                ticket = self._submit(phone=number, email=email)
                self.assertFalse(ticket.partner_id, "not attached on a typed phone")
                self.assertTrue(ticket.sender_unverified)
                self.assertEqual(ticket.suggested_partner_id, self.phone_company)
                self.assertEqual(ticket.partner_email, email)
        self.assertEqual(self.phone_contact.email, "duc.pham@cf-phone.example.com", "unchanged")

    def test_unknown_phone_makes_a_contact_of_its_own(self):
        ticket = self._submit(phone="0911 222 333")
        self.assertFalse(ticket.partner_id.parent_id)
        self.assertEqual(ticket.partner_id.phone, "0911 222 333")

    def test_the_company_own_number_does_not_attach(self):
        self.company_a.partner_id.phone = "0903 999 888"
        ticket = self._submit(phone="+84 903 999 888")
        self.assertFalse(ticket.partner_id.parent_id)


@tagged("post_install", "-at_install", "mail_gateway")
class TestMailIntakePhoneMatching(MailGatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        forget_number(cls.env)
        cls.company_a.country_id = cls.env.ref("base.vn")
        cls.phone_company = cls.env["res.partner"].create({
            "name": "CF Mail Key Co", "is_company": True,
            "feedback_segment_id": cls.segment_key.id,
        })
        cls.env["res.partner"].create({
            "name": "CF Mail Contact", "parent_id": cls.phone_company.id,
            "phone": "+84 90 312 4567", "email": "contact@cf-mail-key.example.com",
        })

    def test_signature_phone_joins_the_customer(self):
        for index, number in enumerate(FORMATS):
            with self.subTest(number=number):
                ticket = self._process(self._email(
                    sender=f"Đức <duc{index}@cf-mail-new.example.com>",
                    body=f"Hàng giao trễ hai tuần.\n\nĐức\nĐiện thoại: {number}",
                ))
                self.assertEqual(ticket.partner_id.email, f"duc{index}@cf-mail-new.example.com")
                self.assertEqual(ticket.partner_id.parent_id, self.phone_company)
                self.assertEqual(ticket.partner_phone, number)

    def test_the_phone_not_a_date_or_an_order_number(self):
        ticket = self._process(self._email(
            sender="Đức <duc.date@cf-mail-new.example.com>",
            body="Đơn hàng ngày 2027-12-01, mã 000 000 000 1.\nGọi tôi: 090.312.4567",
        ))
        self.assertEqual(ticket.partner_phone, "090.312.4567")
        self.assertEqual(ticket.partner_id.parent_id, self.phone_company)

    def test_unknown_phone_no_customer(self):
        ticket = self._process(self._email(
            sender="Lan <lan@cf-mail-new.example.com>", body="Gọi tôi: 0911 222 333",
        ))
        self.assertTrue(ticket.partner_id)
        self.assertFalse(ticket.partner_id.parent_id)
