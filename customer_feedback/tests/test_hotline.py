from odoo.exceptions import AccessError, UserError
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


@tagged("post_install", "-at_install")
class TestHotlineKnowsTheCaller(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        common = {"kind": "complaint", "partner_id": cls.customer_contact.id}
        cls.open_ticket = Ticket.create({
            **common, "title": "CF tablet screen broken", "category_id": cls.cat_a.id,
            "user_id": cls.user_a2.id,
        })
        cls.other_department = Ticket.create({
            **common, "title": "CF delivery late", "category_id": cls.cat_b.id,
        })
        cls.closed_ticket = Ticket.create({
            **common, "title": "CF old question", "category_id": cls.cat_a.id,
            "user_id": cls.user_a.id,
        })
        cls.closed_ticket.action_start()
        cls.closed_ticket.resolution = "<p>Answered.</p>"
        cls.closed_ticket.action_resolve()
        cls.closed_ticket.action_close()
        cls.answer = cls.open_ticket.message_post(
            body="CF we ordered a new screen", message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.stranger_ticket = Ticket.create({
            "title": "CF someone else", "kind": "complaint", "category_id": cls.cat_a.id,
            "partner_id": cls.customer_key.id,
        })

    def _form(self, user=None):
        return Form(self.env["customer.feedback.hotline.wizard"].with_user(user or self.user_a))

    def test_shows_open_tickets_and_last_contacts(self):
        for phone in ("+84 901 234 567", "+84901234567"):
            with self.subTest(phone=phone):
                form = self._form()
                self.assertFalse(form.open_ticket_ids)
                form.phone = phone
                self.assertEqual(form.partner_id, self.customer_contact)
                # the agent sees the caller's tickets of their departments only
                self.assertEqual(form.open_ticket_ids[:], self.open_ticket)
                self.assertEqual(set(form.recent_ticket_ids.ids),
                                 {self.open_ticket.id, self.closed_ticket.id})
                self.assertIn(self.answer, form.recent_message_ids[:])
                self.assertEqual(form.ticket_id, self.open_ticket)
                self.assertEqual(form.call_mode, "new")

    def test_shows_tickets_by_email_of_a_contactless_ticket(self):
        by_mail = self.env["customer.feedback.ticket"].create({
            "title": "CF by mail", "kind": "question", "category_id": self.cat_a.id,
            "partner_email": "unknown.caller@cf-mail.example.com",
        })
        form = self._form()
        form.email = "Unknown.Caller@cf-mail.example.com"
        self.assertFalse(form.partner_id)
        self.assertEqual(form.open_ticket_ids[:], by_mail)

    def test_add_call_to_open_ticket(self):
        count = self.env["customer.feedback.ticket"].search_count([])
        form = self._form()
        form.phone = "+84901234567"
        form.call_mode = "add"
        form.description = "<p>CF the new screen has not arrived yet</p>"
        wizard = form.save()
        action = wizard.action_add_to_ticket()
        self.assertEqual((action["res_model"], action["res_id"]),
                         (self.open_ticket._name, self.open_ticket.id))
        self.assertEqual(self.env["customer.feedback.ticket"].search_count([]), count,
                         "no new ticket")
        note = self.open_ticket.message_ids[0]
        self.assertIn("Hotline call", str(note.body))
        self.assertIn("CF the new screen has not arrived yet", str(note.body))
        self.assertIn("+84901234567", str(note.body))
        self.assertEqual(note.author_id, self.user_a.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn(self.user_a2.partner_id, note.partner_ids, "the assignee is told")
        # the call is now among the caller's last contacts
        again = self._form()
        again.phone = "+84 901 234 567"
        self.assertIn(note, again.recent_message_ids[:])

    def test_add_call_refused_without_open_ticket(self):
        wizard = self._wizard_with(ticket_id=self.closed_ticket.id)
        with self.assertRaisesRegex(UserError, "closed or cancelled"):
            wizard.action_add_to_ticket()
        wizard = self._wizard_with(ticket_id=False)
        with self.assertRaisesRegex(UserError, "Choose the ticket"):
            wizard.action_add_to_ticket()

    def test_add_call_to_a_ticket_not_readable(self):
        wizard = self._wizard_with(ticket_id=self.other_department.id)
        with self.assertRaises(AccessError):
            wizard.action_add_to_ticket()
        self.assertNotIn("Hotline call", str(self.other_department.message_ids.mapped("body")))

    def test_new_ticket_still_needs_a_subject(self):
        wizard = self._wizard_with(call_mode="new", title=False)
        with self.assertRaisesRegex(UserError, "subject"):
            wizard.action_create_ticket()

    def _wizard_with(self, **values):
        return self.env["customer.feedback.hotline.wizard"].with_user(self.user_a).create({
            "phone": "+84901234567", "call_mode": "add", "title": "CF call", **values,
        })
