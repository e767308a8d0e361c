"""Unverified senders of the public form: an anonymous visitor who types an
existing customer's email (or phone) never files a ticket under that
customer. The ticket waits, marked unverified, until the owner of the
address confirms with the link of the acknowledgement, or an employee links
it; a logged-in user is who their session says. Real HTTP requests, the
form's CSRF token posted back."""

import re
from urllib.parse import urlsplit

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import hmac, mute_logger

from ..models.customer_feedback_ticket_confirmation import CONFIRMATION_SCOPE
from .common import RequiresHttpServer
from .test_public_form import CSRF_PATTERN, PublicFormCommon, png_bytes

BOB_EMAIL = "bob@customer.example"
VERIFY_BUTTON = "Yes, I sent it"
UNVERIFIED_TEXT = "If you did not send it, please ignore this email"
CHECK_MAILBOX = re.compile(r'<p class="o_feedback_check_mailbox">(.*?)</p>', re.DOTALL)


@tagged("post_install", "-at_install")
class TestUnverifiedSender(RequiresHttpServer, HttpCase, PublicFormCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.feedback_send_acknowledgement = True
        cls.company_a.country_id = cls.env.ref("base.vn")  # national phone numbers
        cls.bob_user = new_test_user(
            cls.env, "cf_bob", groups="base.group_portal", name="CF Bob Customer",
            email=BOB_EMAIL, company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.bob = cls.bob_user.partner_id

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _csrf_token(self, url="/feedback"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return CSRF_PATTERN.search(response.text).group(1)

    def _post_form(self, files=None, **values):
        """POST the public form; the new ticket and the thanks page."""
        before = self.Ticket.search([("channel", "=", "web")])
        data = dict(self._valid_form(**values), csrf_token=self._csrf_token())
        response = self.url_open("/feedback", data=data, files=files)
        self.assertEqual(response.status_code, 200)
        ticket = self.Ticket.search([("channel", "=", "web")]) - before
        self.assertEqual(len(ticket), 1)
        return ticket, response

    def _forged(self, **values):
        """A ticket of an anonymous visitor who typed Bob's email."""
        form = self._valid_form(**{"name": "Mallory", "email": BOB_EMAIL, "phone": "", **values})
        # sudo: the public route creates the ticket as superuser
        return self.Ticket.sudo()._create_from_web_form(form)

    def _acknowledgements(self, ticket):
        return self.env["mail.mail"].sudo().search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("subject", "like", "We received your feedback"),
        ])

    def _verify_path(self, ticket):
        url = urlsplit(ticket._sender_confirmation_links()[0]["url"])
        return f"{url.path}?{url.query}"

    def _post_verification(self, ticket_id, token):
        csrf = self._csrf_token("/feedback")
        return self.url_open(
            f"/feedback/verify/{ticket_id}", data={"csrf_token": csrf, "token": token}
        )

    def _visible_to_bob(self, ticket):
        return bool(self.Ticket.with_user(self.bob_user).search([("id", "=", ticket.id)]))

    # ------------------------------------------------------------------
    # The leak, closed
    # ------------------------------------------------------------------

    def test_anonymous_form_with_a_customers_email_is_not_filed_under_them(self):
        partners = self.env["res.partner"].search_count([])
        files = [("attachments", ("photo.png", png_bytes(), "image/png"))]
        ticket, response = self._post_form(
            files=files, name="Mallory", email="Bob@Customer.Example", phone=""
        )
        self.assertFalse(ticket.partner_id, "an email typed proves nothing")
        self.assertTrue(ticket.sender_unverified)
        self.assertEqual(ticket.suggested_partner_id, self.bob, "kept for employees")
        self.assertEqual(ticket.partner_email, BOB_EMAIL)
        self.assertEqual(ticket.partner_name, "Mallory", "what was typed is kept")
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no contact made")
        self.assertEqual(self.bob.name, "CF Bob Customer", "the customer is unchanged")
        # not on Bob's portal, not followed by him, not in his name
        self.assertFalse(self._visible_to_bob(ticket))
        self.authenticate(self.bob_user.login, self.bob_user.login)
        self.assertNotIn(ticket.name, self.url_open("/my/feedback").text)
        self.assertNotIn(self.bob, ticket.message_follower_ids.partner_id)
        self.assertNotIn(self.bob, ticket.message_ids.author_id, "the files are not Bob's")
        self.assertFalse(ticket.message_ids.filtered(
            lambda m: self.bob in m.partner_ids | m.notified_partner_ids
        ), "no chatter message notifies the customer")
        # the acknowledgement goes to the address, says so, and asks to confirm
        mail = self._acknowledgements(ticket)
        self.assertEqual(len(mail), 1)
        self.assertIn(BOB_EMAIL, mail.email_to or mail.recipient_ids.email or "")
        self.assertIn(UNVERIFIED_TEXT, mail.body_html)
        self.assertIn(self._verify_path(ticket).replace("&", "&amp;"), mail.body_html)
        self.assertIn(VERIFY_BUTTON, mail.body_html)
        # the thanks page sends them to their mailbox
        self.assertIn("please check your mailbox", response.text)

    def test_thanks_page_does_not_tell_which_addresses_are_known(self):
        _ticket, known = self._post_form(email=BOB_EMAIL, phone="")
        _ticket, unknown = self._post_form(email="someone.new@cf-web.example.com", phone="")
        self.assertEqual(
            CHECK_MAILBOX.search(known.text).group(1), CHECK_MAILBOX.search(unknown.text).group(1)
        )

    def test_new_address_still_becomes_a_contact_without_confirmation(self):
        ticket, _response = self._post_form(email="new.visitor@cf-web.example.com", phone="")
        self.assertEqual(ticket.partner_id.email, "new.visitor@cf-web.example.com")
        self.assertFalse(ticket.sender_unverified)
        self.assertNotIn(VERIFY_BUTTON, self._acknowledgements(ticket).body_html or "")

    def test_phone_of_a_customer_does_not_attach_either(self):
        """The phone is typed too: the customer it belongs to is a suggestion
        for employees; the address's own link cannot prove it."""
        ticket = self.Ticket.sudo()._create_from_web_form(self._valid_form(
            email="stranger@cf-web.example.com", phone="0901 234 567",
        ))
        self.assertFalse(ticket.partner_id)
        self.assertTrue(ticket.sender_unverified)
        self.assertEqual(ticket.suggested_partner_id, self.customer_company)
        self.assertFalse(self.env["res.partner"].search(
            [("email_normalized", "=", "stranger@cf-web.example.com")]
        ), "no contact under the customer")
        self.assertFalse(ticket._sender_verifiable())
        body = self._acknowledgements(ticket).body_html
        self.assertIn(UNVERIFIED_TEXT, body)
        self.assertNotIn("/feedback/verify/", body)

    # ------------------------------------------------------------------
    # The confirmation link
    # ------------------------------------------------------------------

    def test_get_asks_post_links(self):
        ticket = self._forged()
        page = self.url_open(self._verify_path(ticket))
        self.assertEqual(page.status_code, 200)
        self.assertIn(VERIFY_BUTTON, page.text)
        self.assertIn(ticket.name, page.text)
        ticket.invalidate_recordset()
        self.assertTrue(ticket.sender_unverified, "opening the link (a mail scanner) links nothing")
        self.assertFalse(ticket.partner_id)

        response = self._post_verification(ticket.id, ticket._sender_confirmation_token())
        self.assertEqual(response.status_code, 200)
        self.assertIn("is filed with your customer account", response.text)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.partner_id, self.bob)
        self.assertFalse(ticket.sender_unverified)
        self.assertEqual(ticket.partner_email, BOB_EMAIL)
        self.assertTrue(self._visible_to_bob(ticket))
        notes = ticket.message_ids.filtered(lambda m: "confirmed with the link" in m.body)
        self.assertEqual(len(notes), 1)

        # a second use is harmless
        again = self._post_verification(ticket.id, ticket._sender_confirmation_token())
        self.assertEqual(again.status_code, 200)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.partner_id, self.bob)
        self.assertEqual(
            len(ticket.message_ids.filtered(lambda m: "confirmed with the link" in m.body)), 1
        )

    @mute_logger("odoo.http")
    def test_wrong_tokens_are_refused_with_a_clear_page(self):
        ticket = self._forged()
        other = self._forged(message="Another message entirely.")
        wrong = {
            "nothing": "",
            "garbage": "0" * 64,
            "the other ticket's": other._sender_confirmation_token(),
            "another purpose's": hmac(
                self.env(su=True), CONFIRMATION_SCOPE, (ticket.id, ticket.confirmation_round)
            ),
            "of another address": hmac(
                self.env(su=True), "customer_feedback.sender_confirmation",
                (ticket.id, "mallory@cf-web.example.com"),
            ),
        }
        for case, token in wrong.items():
            with self.subTest(token=case):
                page = self.url_open(f"/feedback/verify/{ticket.id}?token={token}")
                self.assertEqual(page.status_code, 404)
                self.assertIn("This link is invalid", page.text)
                response = self._post_verification(ticket.id, token)
                self.assertEqual(response.status_code, 404)
                self.assertIn("This link is invalid", response.text)
        response = self._post_verification(999999999, ticket._sender_confirmation_token())
        self.assertEqual(response.status_code, 404)
        (ticket | other).invalidate_recordset()
        self.assertFalse((ticket | other).partner_id)
        self.assertTrue(all((ticket | other).mapped("sender_unverified")))

    def test_link_of_a_changed_address_no_longer_links(self):
        """An employee corrected the ticket's address: the old link is dead."""
        ticket = self._forged()
        token = ticket._sender_confirmation_token()
        ticket.partner_email = "bob.other@customer.example"
        with mute_logger("odoo.http"):
            self.assertEqual(self._post_verification(ticket.id, token).status_code, 404)
        self.assertFalse(ticket.partner_id)

    # ------------------------------------------------------------------
    # Logged-in users
    # ------------------------------------------------------------------

    def test_logged_in_portal_user_is_filed_under_their_own_contact(self):
        self.authenticate(self.bob_user.login, self.bob_user.login)
        form_page = self.url_open("/feedback").text
        self.assertIn(f'value="{BOB_EMAIL}"', form_page, "the form knows who they are")
        ticket, _response = self._post_form(email=BOB_EMAIL, phone="")
        self.assertEqual(ticket.partner_id, self.bob)
        self.assertFalse(ticket.sender_unverified)
        self.assertTrue(self._visible_to_bob(ticket))
        self.assertNotIn(VERIFY_BUTTON, " ".join(self._acknowledgements(ticket).mapped(
            "body_html"
        )))
        # the session decides, not what is typed: another customer's email
        # does not file the ticket under that customer
        ticket, _response = self._post_form(email=self.customer_contact.email, phone="")
        self.assertEqual(ticket.partner_id, self.bob)
        self.assertEqual(ticket.partner_email, BOB_EMAIL)

    # ------------------------------------------------------------------
    # Employees
    # ------------------------------------------------------------------

    def test_employee_links_to_contact(self):
        ticket = self._forged()
        ticket.department_id = self.dept_a
        self.flush_tracking()
        for user in (self.user_b, self.portal_user, self.plain_employee, self.bob_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).action_link_suggested_partner()
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_a).write({"sender_unverified": False})
        self.assertFalse(ticket.partner_id)

        ticket.with_user(self.user_a).action_link_suggested_partner()
        self.assertEqual(ticket.partner_id, self.bob)
        self.assertFalse(ticket.sender_unverified)
        self.assertEqual(ticket.partner_name, "Mallory", "the ticket keeps what was typed")
        self.assertTrue(self._visible_to_bob(ticket))
        self.flush_tracking()
        tracked = ticket.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("partner_id", tracked)
        self.assertIn("sender_unverified", tracked)
        self.assertEqual(
            ticket.message_ids.filtered("tracking_value_ids")[:1].author_id,
            self.user_a.partner_id,
        )

    def test_employee_choosing_the_customer_links_it(self):
        ticket = self._forged()
        ticket.department_id = self.dept_a
        ticket.with_user(self.user_a).partner_id = self.customer_contact
        self.assertFalse(ticket.sender_unverified)

    def test_unverified_filter(self):
        ticket = self._forged()
        verified = self._forged(email="someone.new@cf-web.example.com")
        found = self.Ticket.search([("sender_unverified", "=", True)])
        self.assertIn(ticket, found)
        self.assertNotIn(verified, found)
