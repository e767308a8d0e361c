"""The public feedback form (``/feedback``): the model's checks, and real
HTTP requests of an anonymous visitor (form fetched, its CSRF token posted
back) for what is accepted, refused and limited."""

import io
import re
import unicodedata
from datetime import timedelta

from PIL import Image

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext, mute_logger

from ..models.customer_feedback_ticket_portal import (
    FEEDBACK_ATTACHMENT_MAX_BYTES,
    FEEDBACK_ATTACHMENT_MAX_COUNT,
)
from ..models.customer_feedback_ticket_web_form import FeedbackWebFormError
from .common import FeedbackCommon, RequiresHttpServer

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
ACKNOWLEDGEMENT_SUBJECT = "We received your feedback"


def png_bytes():
    """A real (tiny) PNG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class PublicFormCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.feedback_create_contacts = True
        cls.SubmissionLog = cls.env["customer.feedback.submission.log"]

    def _valid_form(self, **values):
        form = {
            "name": "Trần Thị Bích",
            "email": "bich.tran@cf-web.example.com",
            "phone": "+84 912 345 678",
            "kind": "suggestion",
            "message": "Please open the shop on Sundays.\nMany of us work during the week.",
        }
        form.update(values)
        return form


@tagged("post_install", "-at_install")
class TestWebFormModel(PublicFormCommon):
    """``_create_from_web_form`` and its checks, without HTTP."""

    def _errors(self, **values):
        return self.Ticket._web_form_errors(self._valid_form(**values))

    def test_valid_form_has_no_error(self):
        self.assertEqual(self.Ticket._web_form_errors(self._valid_form()), {})
        self.assertEqual(self._errors(phone=""), {}, "the phone is optional")
        self.assertEqual(self._errors(email=""), {}, "so is the email, with a phone")
        self.assertEqual(list(self._errors(email="", phone="")), ["email"], "not both")

    def test_each_invalid_field_has_its_error(self):
        cases = {
            "name": ["", "   ", "x" * 129],
            # empty is fine with a phone: see test_no_email_customer
            "email": ["not-an-email", "a@b@c.com", "a@b", "An <a@b.com>", "a@b.com, c@d.com",
                      "x" * 250 + "@example.com"],
            "phone": ["call me", "12", "+84 912 345 678 999 999", "0912<script>"],
            "kind": ["", "spam", "Complaint"],
            "message": ["", " \n ", "x" * 20001],
        }
        for field, bad_values in cases.items():
            for bad in bad_values:
                with self.subTest(field=field, value=bad[:20]):
                    errors = self._errors(**{field: bad})
                    self.assertEqual(list(errors), [field])
                    self.assertTrue(errors[field])

    def test_attachment_errors(self):
        png = ("photo.png", png_bytes())
        form = self._valid_form()
        self.assertEqual(self.Ticket._web_form_errors(form, [png]), {})
        too_many = [png] * (FEEDBACK_ATTACHMENT_MAX_COUNT + 1)
        too_large = [("big.png", png[1] + b"\0" * FEEDBACK_ATTACHMENT_MAX_BYTES)]
        wrong_type = [("setup.exe", b"MZ\x90\x00\x03" + b"\0" * 200)]
        disguised = [("photo.png", b"<html><script>alert(1)</script></html>")]
        for uploads in (too_many, too_large, wrong_type, disguised):
            with self.subTest(file=uploads[0][0], count=len(uploads)):
                errors = self.Ticket._web_form_errors(form, uploads)
                self.assertEqual(list(errors), ["attachments"])

    def test_invalid_form_raises_and_creates_nothing(self):
        tickets = self.Ticket.search_count([])
        partners = self.env["res.partner"].search_count([])
        with self.assertRaises(FeedbackWebFormError) as caught:
            self.Ticket._create_from_web_form(
                self._valid_form(email="bich@", message="", kind="spam")
            )
        self.assertEqual(set(caught.exception.errors), {"email", "message", "kind"})
        self.assertEqual(self.Ticket.search_count([]), tickets)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_create_new_contact_and_ticket(self):
        ticket = self.Ticket._create_from_web_form(
            self._valid_form(email="  Bich.Tran@CF-Web.Example.com ")
        )
        self.assertEqual(ticket.channel, "web")
        self.assertEqual(ticket.kind, "suggestion")
        self.assertEqual(ticket.title, "Please open the shop on Sundays.")
        self.assertIn("Many of us work during the week.", html2plaintext(ticket.description))
        self.assertEqual(ticket.partner_email, "bich.tran@cf-web.example.com")
        partner = ticket.partner_id
        self.assertEqual(partner.email, "bich.tran@cf-web.example.com")
        self.assertEqual(partner.name, "Trần Thị Bích")
        self.assertEqual(partner.phone, "+84 912 345 678")
        # routed like any ticket: no category, the fallback department's leader
        self.assertEqual(ticket.department_id, self.dept_fallback)
        self.assertEqual(ticket.user_received_id, self.leader_fallback)
        self.assertEqual(ticket.state, "assigned")
        self.assertTrue(ticket.message_ids.filtered(
            lambda m: ACKNOWLEDGEMENT_SUBJECT in (m.subject or "")
        ), "the customer is acknowledged")

    def test_existing_contact_is_found_and_left_unchanged(self):
        contact = self.customer_contact
        ticket = self.Ticket._create_from_web_form(self._valid_form(
            name="Somebody Else", email="NGUYEN.AN@cf-customer.example.com",
            phone="+84 999 999 999",
        ))
        # an anonymous form proves nothing: a suggestion, linked after proof
        # (test_unverified_sender)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.suggested_partner_id, contact)
        self.assertEqual(contact.name, "CF Customer Contact")
        self.assertEqual(contact.phone, "+84 901 234 567", "a form never changes a contact")
        self.assertEqual(ticket.partner_name, "Somebody Else", "the ticket keeps what was typed")
        self.assertEqual(ticket.partner_phone, "+84 999 999 999")

    def test_no_contact_when_the_company_creates_none(self):
        self.company_a.feedback_create_contacts = False
        partners = self.env["res.partner"].search_count([])
        ticket = self.Ticket._create_from_web_form(self._valid_form())
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "bich.tran@cf-web.example.com")
        self.assertEqual(ticket.partner_name, "Trần Thị Bích")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_kind_other_is_classified_from_the_message(self):
        ticket = self.Ticket._create_from_web_form(self._valid_form(
            kind="other", message="Tôi muốn khiếu nại: sản phẩm giao sai màu.",
        ))
        self.assertEqual(ticket.kind, "complaint")
        chosen = self.Ticket._create_from_web_form(self._valid_form(
            kind="praise", message="Tôi muốn khiếu nại: sản phẩm giao sai màu.",
        ))
        self.assertEqual(chosen.kind, "praise", "the customer's choice is kept")
        self.assertFalse(chosen.classification_corrected)

    def test_long_first_line_is_cut_at_a_word(self):
        message = "Sản phẩm " * 30
        title = self.Ticket._web_form_title(message.strip())
        self.assertLessEqual(len(title), 80)
        self.assertTrue(title.endswith("…"))
        self.assertTrue(message.startswith(title[:-1] + " "), "whole words only")

    def test_decomposed_vietnamese_is_stored_composed(self):
        name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
        ticket = self.Ticket._create_from_web_form(self._valid_form(name=name))
        self.assertEqual(ticket.partner_name, "Nguyễn Thị Ánh")
        self.assertEqual(ticket.partner_name, unicodedata.normalize("NFC", name))


@tagged("post_install", "-at_install")
class TestSubmissionLog(PublicFormCommon):
    """The rate limits' counting, window, settings and cleaning."""

    def _age(self, logs, minutes):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_feedback_submission_log SET create_date = %s WHERE id IN %s",
            (fields.Datetime.now() - timedelta(minutes=minutes), tuple(logs.ids)),
        )
        logs.invalidate_recordset()

    def test_limits_per_ip_and_per_email(self):
        Log = self.SubmissionLog
        for i in range(4):
            Log._log_submission("10.0.0.1", f"c{i}@example.com")
        self.assertFalse(Log._is_rate_limited("10.0.0.1", "new@example.com"))
        Log._log_submission("10.0.0.1", "c0@example.com")
        self.assertTrue(Log._is_rate_limited("10.0.0.1", "new@example.com"), "6th from the IP")
        self.assertFalse(Log._is_rate_limited("10.0.0.2", "new@example.com"))
        self.assertFalse(Log._is_rate_limited("10.0.0.2", "c1@example.com"))
        Log._log_submission("10.0.0.3", "c1@example.com")
        Log._log_submission("10.0.0.4", "c1@example.com")
        self.assertTrue(Log._is_rate_limited("10.0.0.2", "c1@example.com"), "4th for the email")

    def test_old_submissions_do_not_count_and_are_cleaned(self):
        Log = self.SubmissionLog
        old = Log.browse()
        for _i in range(5):
            old |= Log._log_submission("10.0.0.1", "a@example.com")
        self.assertTrue(Log._is_rate_limited("10.0.0.1"))
        self._age(old, 61)
        self.assertFalse(Log._is_rate_limited("10.0.0.1", "a@example.com"))
        recent = Log._log_submission("10.0.0.1", "a@example.com")
        Log._gc_old_submissions()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_limits_are_system_parameters(self):
        ICP = self.env["ir.config_parameter"].sudo()
        Log = self.SubmissionLog
        Log._log_submission("10.0.0.1", "a@example.com")
        ICP.set_param("customer_feedback.form_limit_per_ip", "1")
        self.assertTrue(Log._is_rate_limited("10.0.0.1"))
        ICP.set_param("customer_feedback.form_limit_per_ip", "0")
        self.assertFalse(Log._is_rate_limited("10.0.0.1"), "0 turns the limit off")
        ICP.set_param("customer_feedback.form_limit_per_email", "1")
        self.assertTrue(Log._is_rate_limited("10.0.0.9", "a@example.com"))
        ICP.set_param("customer_feedback.form_limit_per_email", "not a number")
        with mute_logger("odoo.addons.customer_feedback.models.customer_feedback_submission_log"):
            self.assertFalse(Log._is_rate_limited("10.0.0.9", "a@example.com"),
                             "a wrong value falls back to the default (3)")
        ICP.set_param("customer_feedback.form_limit_window_minutes", "5")
        self._age(Log.search([]), 10)
        ICP.set_param("customer_feedback.form_limit_per_email", "1")
        self.assertFalse(Log._is_rate_limited("10.0.0.9", "a@example.com"), "out of a 5' window")

    def test_users_cannot_read_the_log(self):
        self.SubmissionLog._log_submission("10.0.0.1", "a@example.com")
        for user in (self.user_a, self.manager, self.portal_user):
            with self.subTest(user=user.login):
                self.assertFalse(self.SubmissionLog.with_user(user).has_access("read"))


@tagged("post_install", "-at_install")
class TestPublicFormHttp(RequiresHttpServer, HttpCase, PublicFormCommon):
    """An anonymous visitor posts the form over real HTTP."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _csrf_token(self, url="/feedback"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        match = CSRF_PATTERN.search(response.text)
        self.assertTrue(match, "the form carries a CSRF token")
        return match.group(1)

    def _post(self, form=None, files=None, csrf_token=True, **extra):
        data = dict(form if form is not None else self._valid_form())
        if csrf_token is True:
            data["csrf_token"] = self._csrf_token()
        elif csrf_token:
            data["csrf_token"] = csrf_token
        data.update(extra)
        return self.url_open("/feedback", data=data, files=files)

    def _web_tickets(self):
        return self.Ticket.search([("channel", "=", "web")])

    def _assert_refused(self, response, status, before):
        self.assertEqual(response.status_code, status)
        self.assertEqual(self._web_tickets(), before, "nothing was created")

    # ------------------------------------------------------------------
    # Accepted
    # ------------------------------------------------------------------

    def test_form_page(self):
        response = self.url_open("/feedback")
        self.assertEqual(response.status_code, 200)
        for name in ("name", "email", "phone", "kind", "message", "attachments",
                     "company_website", "csrf_token"):
            self.assertIn(f'name="{name}"', response.text)
        self.assertIn('enctype="multipart/form-data"', response.text)
        self.assertIn("Complaint", response.text)
        self.assertIn("Up to 5 files of 10 MB each", response.text)
        if "website" in self.env:
            self.assertIn("data-website-id", response.text, "the site's own layout")

    def test_valid_submission_creates_one_ticket(self):
        before = self._web_tickets()
        response = self._post(self._valid_form(email="Bich.Tran@CF-Web.example.com"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/feedback/thanks"), response.url)
        ticket = self._web_tickets() - before
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "web")
        self.assertEqual(ticket.kind, "suggestion")
        self.assertEqual(ticket.partner_id.email, "bich.tran@cf-web.example.com")
        self.assertEqual(ticket.partner_id.name, "Trần Thị Bích")
        self.assertIn(ticket.name, response.text, "the thanks page shows the reference")
        self.assertFalse(ticket.message_follower_ids.partner_id.filtered(
            lambda p: p.user_ids._is_public()
        ), "the public user does not follow the ticket")
        self.assertEqual(self.SubmissionLog.search_count([("email", "=", ticket.partner_email)]),
                         1)

    def test_existing_customer_found_case_insensitively(self):
        before = self._web_tickets()
        self._post(self._valid_form(email="Nguyen.An@CF-Customer.Example.COM"))
        ticket = self._web_tickets() - before
        # found, but only suggested: see test_unverified_sender
        self.assertEqual(ticket.suggested_partner_id, self.customer_contact)
        self.assertFalse(ticket.partner_id)

    def test_no_contact_created_when_the_company_says_no(self):
        self.company_a.feedback_create_contacts = False
        before = self._web_tickets()
        partners = self.env["res.partner"].search_count([])
        self._post()
        ticket = self._web_tickets() - before
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "bich.tran@cf-web.example.com")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_attachments_are_kept(self):
        before = self._web_tickets()
        png = png_bytes()
        files = [
            ("attachments", ("photo.png", png, "image/png")),
            ("attachments", ("bill.pdf", PDF_BYTES, "application/pdf")),
        ]
        response = self._post(files=files)
        self.assertEqual(response.status_code, 200)
        ticket = self._web_tickets() - before
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(sorted(attachments.mapped("name")), ["bill.pdf", "photo.png"])
        self.assertEqual(attachments.filtered(lambda a: a.name == "photo.png").raw, png)
        self.assertEqual(attachments.filtered(lambda a: a.name == "bill.pdf").raw, PDF_BYTES)
        message = ticket.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, ticket.partner_id)
        self.assertFalse(message.subtype_id.internal, "the customer sees them on the portal")

    def test_vietnamese_round_trip(self):
        before = self._web_tickets()
        text = "Sản phẩm bị lỗi màn hình, tôi muốn được đổi hàng sớm. Cảm ơn quý công ty!"
        self._post(self._valid_form(name="Nguyễn Văn Đức", message=text, kind="complaint"))
        ticket = self._web_tickets() - before
        self.assertEqual(ticket.partner_name, "Nguyễn Văn Đức")
        self.assertEqual(ticket.title, text)
        self.assertIn(text, html2plaintext(ticket.description))
        # kept as typed when the form comes back with an error
        response = self._post(self._valid_form(name="Nguyễn Văn Đức", message=text, email="x"))
        self.assertIn('value="Nguyễn Văn Đức"', response.text)
        self.assertIn(text, response.text)

    def test_form_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        if "website" in self.env:  # with the Website app, each site lists its languages
            self.env["website"].search([]).language_ids |= self.env.ref("base.lang_vi_VN")
        self.env["ir.module.module"]._load_module_terms(["customer_feedback"], ["vi_VN"])
        response = self.url_open("/vi/feedback")
        self.assertEqual(response.status_code, 200)
        self.assertIn('"bundle_params": {"lang": "vi_VN"', response.text)
        self.assertIn("Khiếu nại", response.text, "the kinds in the visitor's language")
        self.assertNotIn(">Complaint<", response.text)

    # ------------------------------------------------------------------
    # Refused
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_csrf_token_required(self):
        before = self._web_tickets()
        self._csrf_token()  # a session exists, as for a real visitor
        for token in (False, "0123456789abcdef0123456789abcdef01234567o1893456789"):
            with self.subTest(token=token):
                response = self._post(csrf_token=token)
                self._assert_refused(response, 400, before)
        self.assertFalse(self.SubmissionLog.search_count([]))

    def test_honeypot_pretends_success(self):
        before = self._web_tickets()
        partners = self.env["res.partner"].search_count([])
        response = self._post(company_website="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/feedback/thanks"))
        self.assertIn("Thank you for your feedback", response.text)
        self._assert_refused(response, 200, before)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.SubmissionLog.search_count([("email", "=", False)]), 1,
                         "the robot counts against its address")

    def test_each_invalid_field_is_shown_with_the_input_kept(self):
        before = self._web_tickets()
        cases = {
            "name": ("", "Please tell us your name."),
            "email": ("bich.tran@", "This email address is not valid"),
            "phone": ("call me maybe", "This phone number is not valid"),
            "kind": ("spam", "Choose the kind of feedback."),
            "message": ("   ", "Please write your message."),
        }
        for field, (bad, message) in cases.items():
            with self.subTest(field=field):
                form = self._valid_form(**{field: bad})
                response = self._post(form)
                self._assert_refused(response, 400, before)
                self.assertIn(message, response.text)
                self.assertIn(f'id="feedback_error_{field}"', response.text)
                self.assertEqual(response.text.count("invalid-feedback d-block"), 1,
                                 "only the wrong field is marked")
                for other in ("name", "email", "phone"):
                    if other != field:
                        self.assertIn(f'value="{form[other]}"', response.text)
                if field != "message":
                    self.assertIn("Many of us work during the week.", response.text)
                if field != "kind":
                    self.assertIn('value="suggestion" selected', response.text)

    def test_attachment_limits(self):
        before = self._web_tickets()
        png = png_bytes()
        cases = {
            "too large": (
                [("attachments", ("big.png", png + b"\0" * FEEDBACK_ATTACHMENT_MAX_BYTES))],
                "is too large",
            ),
            "too many": (
                [("attachments", (f"p{i}.png", png))
                 for i in range(FEEDBACK_ATTACHMENT_MAX_COUNT + 1)],
                f"Send at most {FEEDBACK_ATTACHMENT_MAX_COUNT} files.",
            ),
            "wrong type": (
                [("attachments", ("setup.exe", b"MZ\x90\x00\x03" + b"\0" * 200))],
                "is not accepted",
            ),
            "disguised": (
                [("attachments", ("photo.png", b"<html><script>alert(1)</script></html>",
                                  "image/png"))],
                "is not accepted",
            ),
        }
        for case, (files, message) in cases.items():
            with self.subTest(case=case):
                response = self._post(files=files)
                self._assert_refused(response, 400, before)
                self.assertIn(message, response.text)
                self.assertIn('id="feedback_error_attachments"', response.text)
                self.assertIn('value="Trần Thị Bích"', response.text)
        self.assertFalse(self.env["ir.attachment"].search_count(
            [("res_model", "=", self.Ticket._name), ("name", "in", ["big.png", "setup.exe"])]
        ))

    def test_sixth_submission_from_an_address_is_refused(self):
        before = self._web_tickets()
        for i in range(5):
            response = self._post(self._valid_form(email=f"visitor{i}@cf-web.example.com"))
            self.assertEqual(response.status_code, 200, i)
        created = self._web_tickets() - before
        self.assertEqual(len(created), 5)
        response = self._post(self._valid_form(email="visitor5@cf-web.example.com"))
        self._assert_refused(response, 429, before | created)
        self.assertEqual(response.headers.get("Retry-After"), "3600")
        self.assertIn("You have sent several messages in a short time", response.text)
        self.assertIn('value="visitor5@cf-web.example.com"', response.text, "input kept")

    def test_fourth_submission_for_an_email_is_refused(self):
        before = self._web_tickets()
        for email in ("same@cf-web.example.com", "SAME@cf-web.example.com",
                      "Same@CF-Web.example.com"):
            self.assertEqual(self._post(self._valid_form(email=email)).status_code, 200)
        created = self._web_tickets() - before
        self.assertEqual(len(created), 3)
        response = self._post(self._valid_form(email="same@CF-WEB.example.com"))
        self._assert_refused(response, 429, before | created)
        self.assertIn("You have sent several messages in a short time", response.text)
        # another email from the same address is still welcome
        self.assertEqual(self._post().status_code, 200)

    def test_thanks_page_shows_only_the_visitors_own_reference(self):
        before = self._web_tickets()
        self._post()
        ticket = self._web_tickets() - before
        self.assertIn(ticket.name, self.url_open("/feedback/thanks").text)
        # another visitor: neither the session nor a parameter reveals it
        self.authenticate(None, None)
        for url in ("/feedback/thanks", f"/feedback/thanks?id={ticket.id}",
                    f"/feedback/thanks?reference={ticket.name}&ticket_id={ticket.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(ticket.name, response.text)
                self.assertNotIn("FB/", response.text)
