"""The public feedback form (``/feedback``): anyone, without an account or an
email client, sends feedback from the company's site.

- Every field is checked and each problem gets its own message, so the
  visitor can fix it (``FeedbackWebFormError.errors``).
- The sender is found by email (normalized, case-insensitive) or created as
  a contact when the company creates contacts for the mail intake too, under
  the customer whose phone number was typed (normalised, any format).
- The ticket comes from the web channel; its category and urgency come from
  the message as for an email, then it is routed and acknowledged like any
  new ticket.
"""

import re
import unicodedata

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, formataddr, plaintext2html

from .customer_feedback_ticket import KINDS
from .customer_feedback_ticket_portal import FEEDBACK_DESCRIPTION_MAX_LENGTH

WEB_FORM_FIELDS = ("name", "email", "phone", "kind", "message")
WEB_FORM_NAME_MAX_LENGTH = 128
WEB_FORM_EMAIL_MAX_LENGTH = 254  # RFC 5321
# The ticket's title is the start of the message (the form asks no subject).
WEB_FORM_TITLE_LENGTH = 80
# Digits, spaces, dots, dashes, brackets and a leading '+': how people write
# phone numbers; 6 to 15 digits (the E.164 maximum).
PHONE_PATTERN = re.compile(r"^\+?[\d\s().\-]+$")
PHONE_MIN_DIGITS = 6
PHONE_MAX_DIGITS = 15
# One bare address (no display name, no list), with a dot in its domain:
# email_normalize alone would take "a@b@c.com" or "Name <a@b.com>" apart.
EMAIL_PATTERN = re.compile(r'^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;".]{2,}$')


class FeedbackWebFormError(ValidationError):
    """A submission of the public form that cannot be accepted.

    :param errors: dict form field -> message saying what to fix
    """

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    @api.model
    def _web_form_values(self, form):
        """The fields of the public form, trimmed and in composed Unicode.

        Composed form (NFC): some keyboards and browsers send Vietnamese
        tones as combining marks, which searches typed later would not match.
        """
        return {
            field: unicodedata.normalize("NFC", str(form.get(field) or "")).strip()
            for field in WEB_FORM_FIELDS
        }

    @api.model
    def _web_form_errors(self, form, uploads=()):
        """The errors of a public form submission, by field.

        :param form: dict with ``name``, ``email``, ``phone``, ``kind`` and
            ``message`` as typed (see ``_web_form_values``)
        :param uploads: list of (file name, content as bytes)
        :return: dict field -> error message (empty when valid)
        """
        form = self._web_form_values(form)
        errors = {}
        if not form["name"]:
            errors["name"] = self.env._("Please tell us your name.")
        elif len(form["name"]) > WEB_FORM_NAME_MAX_LENGTH:
            errors["name"] = self.env._(
                "The name is too long: at most %s characters.", WEB_FORM_NAME_MAX_LENGTH
            )
        if not form["email"]:
            errors["email"] = self.env._("Please give your email address: we answer there.")
        elif not self._web_form_email_is_valid(form["email"]):
            errors["email"] = self.env._(
                "This email address is not valid; please check it (for example "
                "name@example.com)."
            )
        if form["phone"] and not self._web_form_phone_is_valid(form["phone"]):
            errors["phone"] = self.env._(
                "This phone number is not valid: use digits, spaces and an optional "
                "leading + (for example +84 912 345 678)."
            )
        if form["kind"] not in dict(KINDS):
            errors["kind"] = self.env._("Choose the kind of feedback.")
        if not form["message"]:
            errors["message"] = self.env._("Please write your message.")
        elif len(form["message"]) > FEEDBACK_DESCRIPTION_MAX_LENGTH:
            errors["message"] = self.env._(
                "The message is too long: at most %s characters.",
                FEEDBACK_DESCRIPTION_MAX_LENGTH,
            )
        attachment_error = self._feedback_attachment_errors(list(uploads))
        if attachment_error:
            errors["attachments"] = attachment_error
        return errors

    @api.model
    def _web_form_email_is_valid(self, email):
        return (
            len(email) <= WEB_FORM_EMAIL_MAX_LENGTH
            and bool(EMAIL_PATTERN.match(email))
            and bool(email_normalize(email))
        )

    @api.model
    def _web_form_phone_is_valid(self, phone):
        digits = sum(char.isdigit() for char in phone)
        return bool(PHONE_PATTERN.match(phone)) and (
            PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS
        )

    @api.model
    def _web_form_title(self, message):
        """The ticket's title: the first line of the message, cut at a word."""
        first_line = message.splitlines()[0].strip() if message else ""
        if len(first_line) <= WEB_FORM_TITLE_LENGTH:
            return first_line
        cut = first_line[:WEB_FORM_TITLE_LENGTH - 1]
        if " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        return cut.rstrip() + "…"

    @api.model
    def _create_from_web_form(self, form, uploads=()):
        """Create the ticket a visitor sends with the public feedback form.

        To be called as superuser (visitors create no ticket themselves):
        only the fields of the form come from the visitor, everything else
        is decided here.

        :param form: dict with ``name``, ``email``, ``phone``, ``kind`` and
            ``message`` as typed
        :param uploads: list of (file name, content as bytes)
        :raise FeedbackWebFormError: when a field is not valid (nothing is created)
        :return: the new ticket
        """
        uploads = list(uploads)
        errors = self._web_form_errors(form, uploads)
        if errors:
            raise FeedbackWebFormError(errors)
        form = self._web_form_values(form)
        company = self.env.company
        email = email_normalize(form["email"])
        partner = self._web_form_customer(form, email, company)
        description = plaintext2html(form["message"])
        values = {
            "title": self._web_form_title(form["message"]),
            "description": description,
            "channel": "web",
            "company_id": company.id,
            "partner_id": partner.id,
            "partner_name": form["name"],
            "partner_email": email,
            "partner_phone": form["phone"] or partner.phone or False,
            # nobody of the company received it: the department's leader
            # is recorded below, as for the mail intake
            "user_received_id": False,
        }
        values.update(self._web_form_classification(form["kind"], description, company))
        # The creator (the public user) must not follow the ticket.
        ticket = self.with_company(company).with_context(mail_create_nosubscribe=True).create(
            values
        )
        ticket._record_leader_as_receiver()
        if uploads:
            # Files come with a message from the customer, so the customer
            # finds them on the portal as well.
            ticket.message_post(
                body=self.env._("Files sent with the feedback."),
                attachments=uploads,
                author_id=partner.id or None,
                email_from=partner.email_formatted or formataddr((form["name"], email)),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return ticket

    @api.model
    def _web_form_customer(self, form, email, company):
        """The contact of the sender: found by email, else created when the
        company creates contacts (the setting the mail intake follows), under
        the customer the phone typed belongs to, in any format (see
        ``_find_or_create_customer``).

        A known contact is never changed: an anonymous form must not alter
        a customer's data. A contact created now gets the phone typed too.
        """
        # The default only applies to a contact created now.
        partner = self.with_context(
            default_phone=form["phone"] or False
        )._find_or_create_customer(email, form["name"], company, phone=form["phone"])
        return partner.with_env(self.env)

    @api.model
    def _web_form_classification(self, kind, description, company):
        """Category and urgency from the message, as for an email.

        The kind is the customer's choice; only when they chose "Other" does
        the message decide it. Their choice is not a guess, so it is recorded
        as the kind found: an agent changing it counts as a correction.
        """
        classification = self._classify_message("", description, company)
        if kind != "other":
            classification.update(kind=kind, auto_kind=kind)
        return classification
