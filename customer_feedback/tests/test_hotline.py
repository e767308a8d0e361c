from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestHotline(FeedbackCommon):
    def _wizard(self, user=None, **values):
        vals = {"title": "CF call", "kind": "complaint"}
        vals.update(values)
        Wizard = self.env["customer.feedback.hotline.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create(vals)

    def _ticket_of(self, action):
        self.assertEqual(action["res_model"], "customer.feedback.ticket")
        return self.env["customer.feedback.ticket"].browse(action["res_id"])

    def test_finds_customer_by_email_case_insensitive(self):
        wizard = self._wizard(email="  NGUYEN.AN@CF-Customer.Example.com ")
        self.assertEqual(wizard.partner_id, self.customer_contact)
        count = self.env["res.partner"].search_count([])
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertEqual(ticket.partner_id, self.customer_contact)
        self.assertEqual(ticket.channel, "hotline")
        self.assertEqual(ticket.kind, "complaint")
        self.assertEqual(ticket.title, "CF call")
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no new contact")

    def test_finds_customer_by_phone(self):
        for phone in ("+84 901 234 567", "+84901234567"):
            with self.subTest(phone=phone):
                wizard = self._wizard(phone=phone)
                self.assertEqual(wizard.partner_id, self.customer_contact)
        ticket = self._ticket_of(self._wizard(phone="+84 901 234 567").action_create_ticket())
        self.assertEqual(ticket.partner_id, self.customer_contact)
        self.assertEqual(ticket.partner_phone, "+84 901 234 567")

    def test_short_phone_not_searched(self):
        wizard = self._wizard(phone="12")
        self.assertFalse(wizard.partner_id)

    def test_form_onchange_finds_customer(self):
        form = Form(self.env["customer.feedback.hotline.wizard"].with_user(self.user_a))
        form.title = "CF call from form"
        form.email = "Nguyen.An@cf-customer.example.com"
        self.assertEqual(form.partner_id, self.customer_contact)
        wizard = form.save()
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertEqual(ticket.partner_id, self.customer_contact)
        self.assertEqual(ticket.user_received_id, self.user_a)

    def test_creates_contact_when_unknown(self):
        wizard = self._wizard(
            user=self.user_a, name="Trần Thị Bình", phone="+84 988 777 666",
            email="binh.tran@cf-new.example.com", category_id=self.cat_a.id,
        )
        self.assertFalse(wizard.partner_id)
        ticket = self._ticket_of(wizard.action_create_ticket())
        partner = ticket.partner_id
        self.assertTrue(partner)
        self.assertEqual(partner.name, "Trần Thị Bình")
        self.assertEqual(partner.phone, "+84 988 777 666")
        self.assertEqual(partner.email, "binh.tran@cf-new.example.com")
        self.assertEqual(ticket.channel, "hotline")
        self.assertEqual(ticket.department_id, self.dept_a)
        self.assertEqual(ticket.state, "assigned")
        # calling again finds the new contact instead of creating another
        again = self._wizard(phone="+84 988 777 666")
        self.assertEqual(again.partner_id, partner)

    def test_unknown_without_name_keeps_contact_data(self):
        count = self.env["res.partner"].search_count([])
        wizard = self._wizard(phone="+84 911 000 111")
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_phone, "+84 911 000 111")
        self.assertEqual(ticket.channel, "hotline")
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def test_error_without_phone_or_email(self):
        count = self.Ticket.search_count([])
        wizard = self._wizard(name="Anonymous")
        with self.assertRaises(UserError):
            wizard.action_create_ticket()
        self.assertEqual(self.Ticket.search_count([]), count)

    def test_chosen_customer_without_phone_or_email(self):
        wizard = self._wizard(partner_id=self.customer_noemail.id)
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertEqual(ticket.partner_id, self.customer_noemail)
