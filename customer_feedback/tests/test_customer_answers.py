"""The customer's answers are never lost, and the emails that ask for them
say the right thing to the right person only.

- an answer that cannot be applied (the ticket moved on, the link is of an
  earlier resolution, the closing waits for a corrective action) is recorded
  on the ticket and the person in charge gets an activity;
- the links of one resolution answer that resolution only;
- the answer and rating buttons are in the customer's copy of the email
  only, never in the followers' copies nor in the chatter;
- the dates of customer emails are in the customer's language and the
  company's time zone; a promised date in the past is refused;
- customer emails come from the company's feedback address;
- every public and portal route answers with a page, in every state.
"""

from datetime import datetime, timedelta

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from odoo.addons.customer_feedback.models.customer_feedback_ticket import STATES
from odoo.addons.customer_feedback.models.customer_feedback_ticket_confirmation import (
    APPLIED,
    RECORDED,
)

from .common import FeedbackCommon, RequiresHttpServer

RESOLVED_AT = datetime(2026, 3, 10, 10, 0)
ANSWER_ACTIVITY = "Customer's answer to handle"


class AnswersCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.resource_calendar_id.tz = "Asia/Ho_Chi_Minh"
        cls.customer_contact.tz = False

    def _waiting(self, partner=None, state="in_progress", **values):
        ticket = self._ticket_in_state(
            state, partner_id=(partner or self.customer_contact).id, **values
        )
        ticket.resolution = "<p>The faulty part was replaced.</p>"
        with freeze_time(RESOLVED_AT):
            ticket.action_resolve()
        self.assertEqual(ticket.state, "waiting")
        return ticket

    def _ticket_for(self, state, partner):
        """A ticket of ``partner`` in ``state``; built for a customer without
        email, whom resolving does not ask for confirmation by itself."""
        ticket = self._ticket_in_state(state)
        ticket.partner_id = partner
        return ticket

    def _mails_of(self, ticket, subject_part):
        messages = ticket.message_ids.filtered(
            lambda m: m.subject and subject_part in m.subject
        )
        return self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])

    def _customer_mail(self, ticket, subject_part, customer=None):
        """The email ``customer`` received (of those of the message)."""
        customer = customer or self.customer_contact
        return self._mails_of(ticket, subject_part).filtered(
            lambda m: customer in m.recipient_ids
        )

    def _activities(self, ticket, summary):
        return ticket.activity_ids.filtered(lambda a: a.summary == summary)


@tagged("post_install", "-at_install")
class TestCustomerAnswers(AnswersCommon):
    def test_accept_blocked_by_corrective_action_is_recorded(self):
        ticket = self._waiting(state="escalated", kind="complaint")
        messages = ticket.message_ids
        outcome = ticket._receive_customer_answer("accept", "All good", 1)
        self.assertEqual(outcome, RECORDED)
        self.assertEqual(ticket.state, "waiting", "closing needs the corrective action")
        self.assertEqual(ticket.confirmation_state, "accepted")
        self.assertEqual(ticket.confirmation_note, "All good")
        self.assertFalse(ticket.date_confirmation_deadline, "no silent close over it")
        recorded = ticket.message_ids - messages
        self.assertTrue(recorded.filtered(lambda m: "All good" in m.body))
        activity = self._activities(ticket, ANSWER_ACTIVITY)
        self.assertEqual(activity.user_id, ticket.user_id)
        # the auto-close cron leaves an answered ticket alone
        with freeze_time(RESOLVED_AT + timedelta(days=30)):
            self.Ticket._cron_close_unconfirmed()
        self.assertEqual(ticket.confirmation_state, "accepted")

    def test_link_of_first_resolution_does_not_close_second(self):
        ticket = self._waiting()
        self.assertEqual(ticket.confirmation_round, 1)
        self.assertEqual(ticket._receive_customer_answer("refuse", "Still noisy", 1), APPLIED)
        self.assertEqual(ticket.state, "reopened")
        ticket.action_start()
        ticket.resolution = "<p>Replaced the whole unit.</p>"
        ticket.action_resolve()
        self.assertEqual((ticket.state, ticket.confirmation_round), ("waiting", 2))
        self.assertFalse(ticket.confirmation_note, "the answer shown is this round's")
        # the accept link of the first email
        self.assertEqual(ticket._receive_customer_answer("accept", "", 1), RECORDED)
        self.assertEqual(ticket.state, "waiting")
        self.assertFalse(ticket.confirmation_state)
        self.assertNotEqual(
            ticket._confirmation_token(1), ticket._confirmation_token(2),
            "each round has its own token",
        )
        self.assertEqual(ticket._receive_customer_answer("accept", "", 2), APPLIED)
        self.assertEqual(ticket.state, "closed")

    def test_refusal_gives_the_assignee_an_activity(self):
        ticket = self._waiting()
        ticket._receive_customer_answer("refuse", "The part broke again", 1)
        activity = self._activities(ticket, "The customer refused the resolution")
        self.assertTrue(ticket.user_id)
        self.assertEqual(activity.user_id, ticket.user_id, "the person in charge")
        self.assertIn("The part broke again", str(activity.note))

    def test_answer_in_every_state_is_kept(self):
        for state, _label in STATES:
            with self.subTest(state=state):
                ticket = self._ticket_for(state, self.customer_contact)
                before = ticket.message_ids
                outcome = ticket._receive_customer_answer("refuse", f"late words {state}", 1)
                self.assertEqual(outcome, RECORDED if state != "waiting" else APPLIED)
                self.assertTrue((ticket.message_ids - before).filtered(
                    lambda m, s=state: f"late words {s}" in (m.body or "")
                ))

    def test_silent_close_clears_the_old_refusal(self):
        ticket = self._waiting()
        ticket._receive_customer_answer("refuse", "No", 1)
        ticket.action_start()
        with freeze_time(RESOLVED_AT):
            ticket.action_resolve()
        with freeze_time(RESOLVED_AT + timedelta(days=8)):
            self.Ticket._cron_close_unconfirmed()
        self.assertEqual(ticket.confirmation_state, "silent")
        self.assertFalse(ticket.confirmation_note, "the last answer only")


@tagged("post_install", "-at_install")
class TestCustomerEmails(AnswersCommon):
    def test_resolution_email_gives_the_deadline_in_company_time(self):
        ticket = self._waiting()
        self.assertEqual(ticket.date_confirmation_deadline, RESOLVED_AT + timedelta(days=7))
        mail = self._customer_mail(ticket, "Our answer to your feedback")
        self.assertEqual(len(mail), 1)
        # 17/03 10:00 UTC is 17:00 in Ho Chi Minh City, written the US English way
        self.assertIn("03/17/2026 05:00:00 PM", mail.body_html)
        self.assertNotIn("by ,", mail.body_html)

    def test_resolution_email_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.customer_contact.lang = "vi_VN"
        ticket = self._waiting()
        mail = self._mails_of(ticket, "")
        resolution = mail.filtered(lambda m: "/feedback/confirm/" in m.body_html)
        self.assertIn("17/03/2026 17:00", resolution.body_html, "Vietnamese date format")

    def test_buttons_in_the_customer_copy_only(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        ticket.message_subscribe(partner_ids=self.user_a2.partner_id.ids)
        ticket.resolution = "<p>Fixed</p>"
        ticket.action_resolve()
        message = ticket.message_ids.filtered(
            lambda m: m.subject and "Our answer" in m.subject
        )
        self.assertNotIn("/feedback/confirm/", message.body, "not in the chatter")
        mails = self._mails_of(ticket, "Our answer")
        for mail in mails:
            to_customer = self.customer_contact in mail.recipient_ids
            self.assertEqual("/feedback/confirm/" in mail.body_html, to_customer,
                             mail.recipient_ids.mapped("name"))
        self.assertTrue(mails.filtered(lambda m: self.user_a2.partner_id in m.recipient_ids),
                        "the follower still gets the text")
        ticket._receive_customer_answer("accept", "", ticket.confirmation_round)
        closure = ticket.message_ids.filtered(
            lambda m: m.subject and "Your feedback is closed" in m.subject
        )
        self.assertNotIn("/rate/", closure.body)
        for mail in self._mails_of(ticket, "Your feedback is closed"):
            self.assertEqual(
                "/rate/" in mail.body_html, self.customer_contact in mail.recipient_ids
            )

    def test_customer_without_contact_gets_buttons_in_the_body(self):
        self.company_a.feedback_create_contacts = False
        ticket = self._ticket_in_state(
            "in_progress", partner_id=False, partner_email="walk.in@cf-example.com",
            partner_name="Walk In",
        )
        ticket.resolution = "<p>Fixed</p>"
        ticket.action_resolve()
        self.assertEqual(ticket.state, "waiting")
        mail = self.env["mail.mail"].sudo().search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("email_to", "ilike", "walk.in@cf-example.com"),
            ("subject", "ilike", "Our answer"),
        ])
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/feedback/confirm/{ticket.id}/1/accept", mail.body_html)

    def test_ask_for_confirmation_sends_the_request(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_noemail.id)
        ticket.action_resolve()
        self.assertEqual(ticket.state, "resolved", "nobody to ask by email")
        self.customer_noemail.email = "found.later@cf-example.com"
        ticket.action_request_confirmation()
        self.assertEqual(ticket.state, "waiting")
        mail = self._customer_mail(ticket, "Our answer to your feedback", self.customer_noemail)
        self.assertEqual(len(mail), 1, "the button sends the request")
        self.assertIn("/feedback/confirm/", mail.body_html)

    def test_promised_date_in_the_past_refused(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        with freeze_time(datetime(2026, 3, 20, 12, 0)):
            ticket.date_promised = datetime(2026, 3, 19, 10, 0)
            with self.assertRaises(UserError):
                ticket.with_user(self.user_a).action_send_promised_date()
            ticket.date_promised = datetime(2026, 3, 25, 3, 0)
            ticket.with_user(self.user_a).action_send_promised_date()
        mail = self._customer_mail(ticket, "When you will get our answer")
        self.assertIn("03/25/2026 10:00", mail.body_html, "in the company's time zone")

    def test_customer_emails_come_from_the_company(self):
        ticket = self._create_ticket(partner_id=self.customer_contact.id)
        ack = ticket.message_ids.filtered(
            lambda m: m.subject and "We received your feedback" in m.subject
        )
        self.assertEqual(ack.author_id, self.company_a.partner_id)
        self.assertIn(self.company_a.name, ack.email_from)
        self.assertNotIn("odoobot", ack.email_from.lower())
        alias = self.env.ref("customer_feedback.mail_alias_feedback_intake")
        if alias.alias_full_name and "@" in alias.alias_full_name:
            self.assertIn(alias.alias_full_name, ack.email_from)


@tagged("post_install", "-at_install")
class TestAnswerRoutesInEveryState(RequiresHttpServer, HttpCase, AnswersCommon):
    """Every route a customer answers through, with the ticket in every
    state: a page, never a traceback nor a bare HTTP error."""

    def _assert_page(self, response, what):
        self.assertLess(response.status_code, 500, what)
        self.assertNotIn(response.status_code, (403, 422), what)
        for bare in ("Traceback", "Internal Server Error", "Unprocessable", "werkzeug"):
            self.assertNotIn(bare, response.text, what)

    @mute_logger("odoo.http")
    def test_confirmation_links_in_every_state(self):
        self.authenticate(None, None)
        for state, _label in STATES:
            ticket = self._ticket_for(state, self.customer_contact)
            token = ticket._confirmation_token(ticket.confirmation_round)
            base = f"/feedback/confirm/{ticket.id}/{ticket.confirmation_round}"
            for answer in ("accept", "refuse"):
                what = f"{state} {answer}"
                self._assert_page(self.url_open(f"{base}/{answer}?token={token}"), what)
                response = self.url_open(f"{base}/{answer}", data={
                    "csrf_token": http.Request.csrf_token(self), "token": token,
                    "note": f"words {state} {answer}",
                })
                self._assert_page(response, what)
                self.assertEqual(response.status_code, 200, what)
            ticket.invalidate_recordset()
            self.assertTrue(ticket.message_ids.filtered(
                lambda m, s=state: f"words {s} refuse" in (m.body or "")
            ), f"{state}: the answer is on the ticket")

    @mute_logger("odoo.http")
    def test_portal_answers_in_every_state(self):
        self.authenticate("cf_portal", "cf_portal")
        for state, _label in STATES:
            ticket = self._ticket_for(state, self.customer_portal)
            for answer, field in (("accept", "note"), ("refuse", "reason")):
                what = f"{state} {answer}"
                response = self.url_open(f"/my/feedback/{ticket.id}/{answer}", data={
                    "csrf_token": http.Request.csrf_token(self),
                    field: f"portal {state} {answer}",
                    "confirmation_round": str(ticket.confirmation_round),
                })
                self._assert_page(response, what)
                self.assertEqual(response.status_code, 200, what)
            self._assert_page(self.url_open(f"/my/feedback/{ticket.id}"), state)
            ticket.invalidate_recordset()
            self.assertTrue(ticket.message_ids.filtered(
                lambda m, s=state: f"portal {s} refuse" in (m.body or "")
            ), f"{state}: the answer is on the ticket")

    @mute_logger("odoo.http")
    def test_blocked_accept_shows_a_clear_page(self):
        """The issue's case: accepting from the email while the corrective
        action is open showed '422 Unprocessable Entity'."""
        ticket = self._waiting(state="escalated", kind="complaint")
        self.authenticate(None, None)
        response = self.url_open(
            f"/feedback/confirm/{ticket.id}/1/accept",
            data={"csrf_token": http.Request.csrf_token(self),
                  "token": ticket._confirmation_token(1)},
        )
        self.assertEqual(response.status_code, 200)
        self._assert_page(response, "blocked accept")
        self.assertIn("we received your answer", response.text)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.confirmation_state, "accepted")
