from datetime import datetime, timedelta

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from .common import FeedbackCommon, RequiresHttpServer

RESOLVED_AT = datetime(2026, 3, 10, 10, 0)
RESOLUTION_SUBJECT = "Our answer to your feedback"


@tagged("post_install", "-at_install")
class TestConfirmation(FeedbackCommon):
    def _in_progress(self, partner=None, **values):
        ticket = self._ticket_in_state(
            "in_progress", partner_id=(partner or self.customer_contact).id, **values
        )
        ticket.resolution = "<p>The faulty part was replaced.</p>"
        return ticket

    def _resolved_waiting(self, when=RESOLVED_AT, **values):
        ticket = self._in_progress(**values)
        with freeze_time(when):
            ticket.action_resolve()
        self.assertEqual(ticket.state, "waiting")
        return ticket

    def test_resolve_sends_resolution_and_waits(self):
        ticket = self._in_progress()
        before = ticket.message_ids
        with freeze_time(RESOLVED_AT):
            ticket.action_resolve()
        self.assertEqual(ticket.state, "waiting")
        self.assertEqual(ticket.date_resolved, RESOLVED_AT)
        self.assertEqual(ticket.date_waiting, RESOLVED_AT)
        self.assertEqual(ticket.date_confirmation_deadline, RESOLVED_AT + timedelta(days=7))
        self.assertFalse(ticket.confirmation_state)
        sent = (ticket.message_ids - before).filtered(
            lambda m: m.subject and RESOLUTION_SUBJECT in m.subject
        )
        self.assertEqual(len(sent), 1, "one resolution email")
        self.assertEqual(sent.subject, f"[{ticket.name}] {RESOLUTION_SUBJECT}")
        self.assertIn(self.customer_contact, sent.partner_ids | sent.notified_partner_ids)
        self.assertEqual(sent.subtype_id, self.env.ref("mail.mt_comment"))
        # the buttons are in the customer's email only, signed for this round
        self.assertEqual(ticket.confirmation_round, 1)
        token = ticket._confirmation_token(1)
        self.assertNotIn("/feedback/confirm/", sent.body, "no answer link in the chatter")
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", sent.id)])
        customer_mail = mail.filtered(lambda m: self.customer_contact in m.recipient_ids)
        self.assertIn(
            f"/feedback/confirm/{ticket.id}/1/accept?token={token}", customer_mail.body_html
        )
        self.assertIn(
            f"/feedback/confirm/{ticket.id}/1/refuse?token={token}", customer_mail.body_html
        )

    def test_confirmation_days_per_company(self):
        self.company_a.feedback_confirmation_days = 2
        ticket = self._resolved_waiting()
        self.assertEqual(ticket.date_confirmation_deadline, RESOLVED_AT + timedelta(days=2))

    def test_confirmation_days_per_company_in_batch(self):
        ticket_a = self._in_progress()
        ticket_b = self._create_ticket(
            company_id=self.company_b.id, partner_id=self.customer_b.id,
        )
        ticket_b.action_start()
        ticket_b.resolution = "<p>Fixed in B</p>"
        with freeze_time(RESOLVED_AT):
            (ticket_a + ticket_b).action_resolve()
        self.assertEqual(ticket_a.date_confirmation_deadline, RESOLVED_AT + timedelta(days=7))
        self.assertEqual(ticket_b.date_confirmation_deadline, RESOLVED_AT + timedelta(days=3),
                         "each ticket gets its own company's delay")

    def test_resolve_without_email_stays_resolved(self):
        ticket = self._in_progress(partner=self.customer_noemail)
        before = ticket.message_ids
        ticket.action_resolve()
        self.assertEqual(ticket.state, "resolved")
        self.assertFalse(ticket.date_confirmation_deadline)
        self.assertFalse(
            (ticket.message_ids - before).filtered(
                lambda m: m.subject and RESOLUTION_SUBJECT in m.subject
            )
        )

    def test_customer_accepts(self):
        ticket = self._resolved_waiting()
        ticket.action_customer_accept(note="Thanks")
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.confirmation_state, "accepted")
        self.assertEqual(ticket.confirmation_note, "Thanks")
        self.assertTrue(ticket.date_closed)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: m.subject and "Your feedback is closed" in m.subject
        ), "closure email sent")

    def test_customer_refuses(self):
        ticket = self._resolved_waiting()
        ticket.action_customer_refuse("The part broke again")
        self.assertEqual(ticket.state, "reopened")
        self.assertEqual(ticket.confirmation_state, "refused")
        self.assertEqual(ticket.confirmation_note, "The part broke again")
        self.assertFalse(ticket.date_resolved)
        self.assertTrue(ticket.date_reopened)
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: "The part broke again" in (m.body or "")
        ), "the reason is in the chatter")

    def test_refuse_wizard(self):
        ticket = self._resolved_waiting()
        wizard = self.env["customer.feedback.refuse.wizard"].with_context(
            active_ids=ticket.ids
        ).create({"reason": "Called: still noisy"})
        wizard.action_confirm()
        self.assertEqual(ticket.state, "reopened")
        self.assertEqual(ticket.confirmation_state, "refused")

    def test_accept_only_when_waiting_or_resolved(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        with self.assertRaises(UserError):
            ticket.action_customer_accept()
        self.assertEqual(ticket.state, "in_progress")

    def test_cron_closes_unconfirmed(self):
        late = self._resolved_waiting(when=RESOLVED_AT)
        recent = self._resolved_waiting(when=RESOLVED_AT + timedelta(days=3))
        resolved = self._in_progress(partner=self.customer_noemail)
        with freeze_time(RESOLVED_AT):
            resolved.action_resolve()
        answered = self._resolved_waiting(when=RESOLVED_AT)
        answered.action_customer_refuse("no")
        # one second before the deadline: nothing
        with freeze_time(RESOLVED_AT + timedelta(days=7) - timedelta(seconds=1)):
            self.Ticket._cron_close_unconfirmed()
        self.assertEqual(late.state, "waiting")
        with freeze_time(RESOLVED_AT + timedelta(days=8)):
            self.Ticket._cron_close_unconfirmed()
        self.assertEqual(late.state, "closed")
        self.assertEqual(late.confirmation_state, "silent")
        self.assertEqual(late.date_closed, RESOLVED_AT + timedelta(days=8))
        self.assertEqual(recent.state, "waiting", "its deadline is not over")
        self.assertFalse(recent.confirmation_state)
        self.assertEqual(resolved.state, "resolved", "only waiting tickets close")
        self.assertEqual(answered.state, "reopened")
        with freeze_time(RESOLVED_AT + timedelta(days=11)):
            self.Ticket._cron_close_unconfirmed(batch_size=1)
        self.assertEqual(recent.state, "closed")
        self.assertEqual(recent.confirmation_state, "silent")

    def test_cron_close_batches(self):
        tickets = self.Ticket.browse()
        for _i in range(3):
            tickets |= self._resolved_waiting()
        with freeze_time(RESOLVED_AT + timedelta(days=8)):
            self.Ticket._cron_close_unconfirmed(batch_size=2)
        self.assertEqual(tickets.mapped("state"), ["closed"] * 3)

    def test_promised_date_email(self):
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id)
        with self.assertRaises(UserError):
            ticket.action_send_promised_date()
        ticket.date_promised = datetime.now() + timedelta(days=10)
        ticket.action_send_promised_date()
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: m.subject == f"[{ticket.name}] When you will get our answer"
        ))

    def test_acknowledgement_on_create(self):
        ticket = self._create_ticket(partner_id=self.customer_contact.id)
        ack = ticket.message_ids.filtered(
            lambda m: m.subject == f"[{ticket.name}] We received your feedback: {ticket.title}"
        )
        self.assertEqual(len(ack), 1)
        self.company_a.feedback_send_acknowledgement = False
        ticket = self._create_ticket(partner_id=self.customer_contact.id)
        self.assertFalse(ticket.message_ids.filtered(
            lambda m: m.subject and "We received your feedback" in m.subject
        ))


@tagged("post_install", "-at_install")
class TestConfirmationController(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._make_waiting("CF web ticket")
        cls.other = cls._make_waiting("CF other ticket")

    @classmethod
    def _make_waiting(cls, title):
        ticket = cls._create_ticket(
            title=title, category_id=cls.cat_a.id, partner_id=cls.customer_contact.id,
        )
        ticket.action_start()
        ticket.resolution = "<p>Fixed</p>"
        ticket.action_resolve()
        assert ticket.state == "waiting"
        return ticket

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _token(self, ticket):
        return ticket._confirmation_token(ticket.confirmation_round)

    def _url(self, ticket, answer, token=None, confirmation_round=None):
        if confirmation_round is None:
            confirmation_round = ticket.confirmation_round
        url = f"/feedback/confirm/{ticket.id}/{confirmation_round}/{answer}"
        if token is not None:
            url += f"?token={token}"
        return url

    def _post(self, ticket, answer, token=None, confirmation_round=None, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        if token is not None:
            data["token"] = token
        return self.url_open(self._url(ticket, answer, None, confirmation_round), data=data)

    def _state(self, ticket):
        ticket.invalidate_recordset()
        return ticket.state

    def test_get_shows_page_without_answering(self):
        for answer in ("accept", "refuse"):
            response = self.url_open(self._url(self.ticket, answer, self._token(self.ticket)))
            self.assertEqual(response.status_code, 200)
            self.assertIn(self.ticket.name, response.text)
            self.assertIn('name="csrf_token"', response.text)
        self.assertEqual(self._state(self.ticket), "waiting")
        self.assertFalse(self.ticket.confirmation_state)

    @mute_logger("odoo.http")
    def test_get_wrong_token_404(self):
        for token in (None, "", "wrong", self._token(self.other)):
            response = self.url_open(self._url(self.ticket, "accept", token))
            self.assertEqual(response.status_code, 404, token)
        response = self.url_open(self._url(self.ticket, "maybe", self._token(self.ticket)))
        self.assertEqual(response.status_code, 404)

    def test_post_accept_closes(self):
        response = self._post(self.ticket, "accept", self._token(self.ticket), note="Great")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(self.ticket), "closed")
        self.assertEqual(self.ticket.confirmation_state, "accepted")
        self.assertEqual(self.ticket.confirmation_note, "Great")
        self.assertEqual(self._state(self.other), "waiting")

    @mute_logger("odoo.http")
    def test_post_wrong_token_404(self):
        for token in (None, "", "wrong", self._token(self.other)):
            with self.subTest(token=token):
                response = self._post(self.ticket, "accept", token)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(self._state(self.ticket), "waiting")
                self.assertFalse(self.ticket.confirmation_state)
        response = self._post(self.ticket, "refuse", self._token(self.other), note="bad")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._state(self.ticket), "waiting")
        # unknown ticket
        response = self.url_open(
            "/feedback/confirm/999999999/1/accept",
            data={"csrf_token": http.Request.csrf_token(self),
                  "token": self._token(self.ticket)},
        )
        self.assertEqual(response.status_code, 404)

    @mute_logger("odoo.http")
    def test_post_without_csrf_refused(self):
        response = self.url_open(
            self._url(self.ticket, "accept"),
            data={"token": self._token(self.ticket)},
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self._state(self.ticket), "waiting")

    def test_refuse_needs_note(self):
        response = self._post(self.ticket, "refuse", self._token(self.ticket), note="   ")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(self.ticket), "waiting")
        self.assertFalse(self.ticket.confirmation_state)

    def test_refuse_with_note_reopens(self):
        response = self._post(self.ticket, "refuse", self._token(self.ticket),
                              note="Still broken")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(self.ticket), "reopened")
        self.assertEqual(self.ticket.confirmation_state, "refused")
        self.assertTrue(self.ticket.message_ids.filtered(
            lambda m: "Still broken" in (m.body or "")
        ))

    def test_second_post_is_recorded_not_applied(self):
        self._post(self.ticket, "accept", self._token(self.ticket))
        self.assertEqual(self._state(self.ticket), "closed")
        date_closed = self.ticket.date_closed
        messages = self.ticket.message_ids
        response = self._post(self.ticket, "refuse", self._token(self.ticket),
                              note="changed my mind")
        self.assertEqual(response.status_code, 200)
        self.assertIn("we received your answer", response.text)
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "closed")
        self.assertEqual(self.ticket.confirmation_state, "accepted")
        self.assertEqual(self.ticket.date_closed, date_closed)
        recorded = self.ticket.message_ids - messages
        self.assertEqual(len(recorded), 1, "the late answer is kept on the ticket")
        self.assertIn("changed my mind", recorded.body)
        self.assertTrue(self.ticket.activity_ids.filtered(
            lambda a: a.summary == "Customer's answer to handle"
        ), "somebody is told")

    def test_logged_in_employee_needs_token_too(self):
        self.authenticate("cf_manager", "cf_manager")
        response = self._post(self.ticket, "accept", "wrong")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._state(self.ticket), "waiting")
