"""Customers without email: the public form (real HTTP, an anonymous
visitor) and the hotline (a Feedback User) accept a phone number instead;
no email is sent, the team is told to give the reference by phone. The
"Zalo / Chat" channel for feedback received through chat apps."""

from odoo.tests import Form, HttpCase, tagged

from .common import FeedbackCommon, RequiresHttpServer
from .test_public_form import PublicFormCommon

NO_EMAIL_NOTE = "The customer has no email address: no acknowledgement was emailed."
NEW_PHONE = "0987 654 321"  # nobody's number


class NoEmailChecks:
    def _mails_of(self, ticket):
        """The emails of the ticket to anyone but the team (the assignee is
        notified of the ticket and of the activity, as usual)."""
        mails = self.env["mail.mail"].sudo().search(
            [("model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        return mails.filtered(lambda m: m.email_to or m.recipient_ids.filtered(
            lambda p: not p.user_ids or any(p.user_ids.mapped("share"))
        ))

    def _no_email_notes(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: NO_EMAIL_NOTE in (m.body or "") and m.subtype_id == self.env.ref(
                "mail.mt_note"
            )
        )

    def _call_activities(self, ticket):
        return ticket.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )


@tagged("post_install", "-at_install")
class TestNoEmailPublicForm(RequiresHttpServer, HttpCase, NoEmailChecks, PublicFormCommon):
    """An anonymous visitor with a phone and no email posts the form."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _post(self, form):
        page = self.url_open("/feedback")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        return self.url_open("/feedback", data=dict(form, csrf_token=token))

    def _web_tickets(self):
        return self.Ticket.search([("channel", "=", "web")])

    def test_form_says_email_or_phone(self):
        page = self.url_open("/feedback").text
        self.assertNotRegex(page, r'<input type="email"[^>]*required', "the email is optional")
        self.assertIn("or your phone number if you have no email", page)

    def test_phone_only_submission(self):
        before = self._web_tickets()
        response = self._post(self._valid_form(email="", phone=NEW_PHONE))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/feedback/thanks"), response.url)
        ticket = self._web_tickets() - before
        self.assertEqual(len(ticket), 1)
        self.assertIn(ticket.name, response.text)
        self.assertIn("we will call you at the number you gave", response.text)
        self.assertNotIn("An email confirming it is on its way", response.text)
        self.assertFalse(ticket.partner_email)
        self.assertEqual(ticket.partner_phone, NEW_PHONE)
        # a new contact of the visitor's own number: the hotline finds it
        self.assertEqual(ticket.partner_id.phone, NEW_PHONE)
        self.assertFalse(ticket.partner_id.email)
        self.assertFalse(ticket.sender_unverified)
        self.assertFalse(self._mails_of(ticket), "no email is sent")
        self.assertFalse(ticket.message_ids.filtered(
            lambda m: "We received your feedback" in (m.subject or "")
        ), "no acknowledgement is posted")
        note = self._no_email_notes(ticket)
        self.assertEqual(len(note), 1)
        self.assertIn(NEW_PHONE, note.body)
        self.assertIn(ticket.name, note.body)
        call = self._call_activities(ticket)
        self.assertEqual(len(call), 1, "someone is asked to call the customer")
        self.assertEqual(call.user_id, ticket.user_id or ticket.department_id.leader_id)
        self.assertIn(ticket.name, call.summary)

    def test_phone_only_suggests_no_contact_without_email(self):
        """Without an email, the form must not take a contact that has no
        email either (an empty search value) for the sender."""
        self.assertFalse(self.customer_noemail.email)
        before = self._web_tickets()
        self._post(self._valid_form(email="", phone=NEW_PHONE))
        ticket = self._web_tickets() - before
        self.assertFalse(ticket.suggested_partner_id)
        self.assertNotEqual(ticket.partner_id, self.customer_noemail)

    def test_phone_of_a_customer_stays_unverified(self):
        before = self._web_tickets()
        self._post(self._valid_form(email="", phone="+84 901 234 567"))
        ticket = self._web_tickets() - before
        self.assertTrue(ticket.sender_unverified)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.suggested_partner_id, self.customer_contact.commercial_partner_id)
        self.assertFalse(self._mails_of(ticket), "nothing to the customer's address either")
        self.assertEqual(len(self._no_email_notes(ticket)), 1)

    def test_neither_email_nor_phone_is_refused(self):
        before = self._web_tickets()
        response = self._post(self._valid_form(email="", phone=""))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._web_tickets(), before)
        self.assertIn("Please give your email address or your phone number", response.text)
        self.assertIn('id="feedback_error_email"', response.text)

    def test_no_note_when_the_company_does_not_acknowledge(self):
        self.company_a.feedback_send_acknowledgement = False
        before = self._web_tickets()
        response = self._post(self._valid_form(email="", phone=NEW_PHONE))
        ticket = self._web_tickets() - before
        self.assertFalse(self._no_email_notes(ticket))
        self.assertFalse(self._call_activities(ticket))
        self.assertNotIn("we will call you", response.text)


@tagged("post_install", "-at_install")
class TestNoEmailHotline(NoEmailChecks, FeedbackCommon):
    """A Feedback User takes a call, or a Zalo chat, from a customer without email."""

    def _wizard_form(self):
        form = Form(self.env["customer.feedback.hotline.wizard"].with_user(self.user_a))
        form.name = "Lê Văn Cường"
        form.phone = NEW_PHONE
        form.title = "The delivery was late"
        form.category_id = self.cat_a
        return form

    def _ticket_of(self, action):
        return self.Ticket.with_user(self.user_a).browse(action["res_id"])

    def test_phone_only_call(self):
        wizard = self._wizard_form().save()
        ticket = self._ticket_of(wizard.action_create_ticket())
        self.assertEqual(ticket.channel, "hotline")
        self.assertEqual(ticket.partner_id.name, "Lê Văn Cường")
        self.assertEqual(ticket.partner_id.phone, NEW_PHONE)
        self.assertFalse(ticket.partner_email)
        self.assertFalse(self._mails_of(ticket), "no email is sent")
        self.assertEqual(len(self._no_email_notes(ticket.sudo())), 1)
        self.assertFalse(
            self._call_activities(ticket.sudo()),
            "the agent gives the reference during the call: nobody has to call back",
        )

    def test_zalo_channel_selectable(self):
        selection = dict(
            self.env["customer.feedback.hotline.wizard"].with_user(self.user_a)
            .fields_get(["channel"])["channel"]["selection"]
        )
        self.assertEqual(selection.get("chat"), "Zalo / Chat")
        self.assertIn("hotline", selection)
        form = self._wizard_form()
        self.assertEqual(form.channel, "hotline", "a call by default")
        form.channel = "chat"
        ticket = self._ticket_of(form.save().action_create_ticket())
        self.assertEqual(ticket.channel, "chat")
        self.assertEqual(ticket._fields["channel"].convert_to_export(ticket.channel, ticket),
                         "Zalo / Chat")
        self.assertFalse(self._call_activities(ticket.sudo()), "answered in the chat")
        self.assertEqual(self.Ticket.with_user(self.user_a).search_count(
            [("channel", "=", "chat"), ("id", "=", ticket.id)]), 1)
