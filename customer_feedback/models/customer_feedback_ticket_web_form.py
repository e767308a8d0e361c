"""The public feedback form (``/feedback``): anyone, without an account or an
email client, sends feedback from the company's site.

- Every field is checked and each problem gets its own message, so the
  visitor can fix it (``FeedbackWebFormError.errors``).
- An anonymous visitor proves nothing about the email or the phone they
  type: when either matches an existing customer, the ticket is filed under
  nobody and marked *unverified* (``sender_unverified``), the matching
  contact kept for employees (``suggested_partner_id``). It joins that
  contact only after proof: the owner of the address confirms with the link
  of the acknowledgement (``/feedback/verify``, controllers/
  sender_verification.py), or an employee links it ("Link to Contact").
  Until then the customer's portal, followers and history never see it.
- A new address (no contact has it, the phone is nobody's) becomes a
  contact when the company creates contacts for the mail intake too: a
  brand new contact is the visitor's own and reveals nobody else's data.
- A logged-in user (portal customer, employee) is who their session says:
  the ticket is theirs directly.
- A visitor without email gives a phone number instead: the ticket is
  accepted, and since no acknowledgement can be emailed, a note on the
  ticket and a Call activity tell the team to give the customer the
  reference by phone (``_acknowledge_without_email``; the same for any
  ticket of a customer with a phone and no email, the hotline's included).
- The ticket comes from the web channel; its category and urgency come from
  the message as for an email, then it is routed and acknowledged like any
  new ticket.
"""

import re
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import consteq, email_normalize, formataddr, hmac, plaintext2html

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
# The purpose of the sender's confirmation link: a token signed for another
# purpose (the resolution's answer links...) never confirms a sender.
SENDER_CONFIRMATION_SCOPE = "customer_feedback.sender_confirmation"
ACKNOWLEDGEMENT_TEMPLATE = "customer_feedback.mail_template_ticket_acknowledgement"
# outcomes of _confirm_sender_by_link
SENDER_LINKED = "linked"
SENDER_ALREADY_LINKED = "already_linked"
SENDER_LEFT_TO_TEAM = "left_to_team"
# Channels where an employee talks with the customer as the ticket is
# entered: they give the reference there, no call is needed.
LIVE_CHANNELS = ("hotline", "chat", "in_person")


class FeedbackWebFormError(ValidationError):
    """A submission of the public form that cannot be accepted.

    :param errors: dict form field -> message saying what to fix
    """

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors.values()))


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    # Both written by the code only (RECORDED_FACTS): the form, the sender's
    # confirmation link, an employee's "Link to Contact".
    sender_unverified = fields.Boolean(
        "Unverified Sender", readonly=True, copy=False, tracking=True,
        help="Sent from the public form with the email or phone of an existing customer: "
        "nothing proves the sender is that customer, so the ticket is filed under nobody "
        "until they confirm with the link of the acknowledgement, or an employee links it.",
    )
    suggested_partner_id = fields.Many2one(
        "res.partner", "Suggested Contact", readonly=True, copy=False, index="btree_not_null",
        groups="base.group_user",
        help="The existing contact whose email (or phone) the unverified sender gave.",
    )

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
        if not form["email"] and not form["phone"]:
            # a customer without email is answered by phone
            errors["email"] = self.env._(
                "Please give your email address or your phone number: we answer there."
            )
        elif form["email"] and not self._web_form_email_is_valid(form["email"]):
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
    def _create_from_web_form(self, form, uploads=(), sender=None):
        """Create the ticket a visitor sends with the public feedback form.

        To be called as superuser (visitors create no ticket themselves):
        only the fields of the form come from the visitor, everything else
        is decided here.

        :param form: dict with ``name``, ``email``, ``phone``, ``kind`` and
            ``message`` as typed
        :param uploads: list of (file name, content as bytes)
        :param sender: the contact of the logged-in user who sends the form
            (their session proves who they are); None for an anonymous visitor
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
        if sender:
            partner, suggested = sender, sender.browse()
            # answers go to the contact: the ticket keeps its address
            email = sender.email_normalized or email
        else:
            partner, suggested = self._web_form_sender(form, email, company)
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
            "sender_unverified": bool(suggested),
            "suggested_partner_id": suggested.id,
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
                # False, not None: Odoo would take the contact of the typed
                # address as the author, an unverified sender included
                author_id=partner.id or False,
                email_from=partner.email_formatted or formataddr((form["name"], email)),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return ticket

    @api.model
    def _web_form_sender(self, form, email, company):
        """Who the ticket of an anonymous visitor is filed under.

        :return: (contact, suggested contact): the contact is a new one of
            the visitor's own address (when the company creates contacts, see
            ``_find_or_create_customer``), or none when the email or the phone
            typed is an existing customer's: that customer is the suggestion,
            linked only after proof (see the module's doc). A known contact is
            never changed: an anonymous form must not alter a customer's data.
        """
        Partner = self.env["res.partner"]
        known = self._web_form_known_customer(email, form["phone"], company)
        if known:
            return Partner, known
        if not email:
            return self._web_form_phone_contact(form, company), Partner
        # The default only applies to a contact created now.
        # a new contact speaks the language of the page the form was sent from
        partner = self.with_context(
            default_phone=form["phone"] or False
        )._find_or_create_customer(
            email, form["name"], company, lang=self.env.context.get("lang"),
            text=form["message"],
        )
        return partner.with_env(self.env), Partner

    @api.model
    def _web_form_phone_contact(self, form, company):
        """A new contact for a visitor who gave a phone number and no email
        (when the company creates contacts), so that the hotline finds their
        history by the number; none otherwise."""
        if not company.feedback_create_contacts:
            return self.env["res.partner"]
        return self.env["res.partner"].create({
            "name": form["name"], "phone": form["phone"],
            "lang": self.env["res.lang"]._feedback_new_contact_lang(
                company, lang=self.env.context.get("lang"), text=form["message"]
            ),
        })

    @api.model
    def _web_form_known_customer(self, email, phone, company):
        """The existing contact with this email, else the customer this phone
        is the number of (one customer only, see ``_customer_of_phone``)."""
        # without an email, a search on it would match every contact without one
        contact = email and self.env["res.partner"].search(
            [("email_normalized", "=", email), ("company_id", "in", [company.id, False])],
            order="is_company desc, id", limit=1,
        )
        return contact or self._customer_of_phone(phone, company)

    # ------------------------------------------------------------------
    # Unverified senders: proof by the confirmation link, or an employee
    # ------------------------------------------------------------------

    def _sender_verifiable(self):
        """Whether the owner of the ticket's address can confirm they sent it:
        the suggested contact has this very address (a phone match proves
        nothing an email link could confirm: an employee decides)."""
        self.ensure_one()
        # sudo: the suggestion is for employees; only its address is compared
        suggested = self.sudo().suggested_partner_id
        return bool(
            self.sender_unverified and not self.partner_id and suggested
            and suggested.email_normalized
            and suggested.email_normalized == email_normalize(self.partner_email or "")
        )

    def _sender_confirmation_token(self):
        """The token of the confirmation link: this ticket, this address."""
        self.ensure_one()
        # sudo: the database secret signs the token; nothing else is read
        return hmac(
            self.env(su=True), SENDER_CONFIRMATION_SCOPE,
            (self.id, email_normalize(self.partner_email or "") or ""),
        )

    def _check_sender_confirmation_token(self, token):
        self.ensure_one()
        return bool(token) and consteq(self._sender_confirmation_token(), str(token))

    def _sender_confirmation_links(self):
        """The button of the acknowledgement to an unverified address."""
        self.ensure_one()
        url = (
            f"{self.get_base_url()}/feedback/verify/{self.id}"
            f"?token={self._sender_confirmation_token()}"
        )
        return [{"url": url, "title": self.env._("Yes, I sent it"), "color": "#28a745"}]

    def _post_customer_template(self, xmlid, automatic=False, links=None):
        """The acknowledgement of an unverified address carries the button
        that confirms the sender (in the body: only that address gets it)."""
        if xmlid != ACKNOWLEDGEMENT_TEMPLATE or links:
            return super()._post_customer_template(xmlid, automatic=automatic, links=links)
        verifiable = self.filtered(lambda t: t._sender_verifiable())
        super(CustomerFeedbackTicket, self - verifiable)._post_customer_template(
            xmlid, automatic=automatic
        )
        return super(CustomerFeedbackTicket, verifiable)._post_customer_template(
            xmlid, automatic=automatic,
            links=lambda ticket: ticket._sender_confirmation_links(),
        )

    # ------------------------------------------------------------------
    # Customers without email: the acknowledgement is the team's to give
    # ------------------------------------------------------------------

    def _send_acknowledgement(self):
        """Customers with a phone and no email get no email: the team is
        told to give them the reference by phone (or the chat they wrote on)."""
        super()._send_acknowledgement()
        if self.env.context.get("feedback_no_acknowledgement"):
            return
        # the emails first: read already by the acknowledgement, they leave
        # nothing to read for most tickets
        (self - self._customer_reachable()).filtered(
            lambda t: t.company_id.feedback_send_acknowledgement and t.partner_phone
        )._acknowledge_without_email()

    def _acknowledge_without_email(self):
        """A note saying no acknowledgement was emailed, and, unless the
        ticket was taken in a conversation with the customer (hotline, chat,
        in person: the agent gives the reference there), a Call activity."""
        Lang = self.env["res.lang"]
        for ticket in self:
            team = ticket.with_context(lang=Lang._feedback_company_lang(ticket.company_id))
            team.message_post(
                body=team.env._(
                    "The customer has no email address: no acknowledgement was emailed. "
                    "Call them or send a text message to %(phone)s with the reference "
                    "%(reference)s.",
                    phone=ticket.partner_phone, reference=ticket.name,
                ),
                message_type="notification", subtype_xmlid="mail.mt_note",
            )
            if ticket.channel not in LIVE_CHANNELS:
                ticket._schedule_acknowledgement_call()

    def _schedule_acknowledgement_call(self):
        """A Call activity for the assignee, else the department leader."""
        self.ensure_one()
        user = self.user_id or self.department_id.leader_id or self._job_failure_user()
        record = self.with_context(
            lang=self.env["res.lang"]._feedback_recipient_lang(user.partner_id, self.company_id)
        )
        # sudo: the ticket may come from a visitor (public form) or the mail
        # gateway; the activity is for the employee in charge of the ticket
        record.sudo().activity_schedule(
            "mail.mail_activity_data_call",
            summary=record.env._("Give the customer the reference %s by phone", self.name),
            note=record.env._(
                "The customer gave no email address: %s is their only contact.",
                self.partner_phone,
            ),
            user_id=user.id,
        )

    def _confirm_sender_by_link(self):
        """The owner of the address followed the confirmation link (its token
        checked by the caller): the ticket joins their contact.

        :return: SENDER_LINKED; SENDER_ALREADY_LINKED when it was done before
            (a second click changes nothing); SENDER_LEFT_TO_TEAM when the
            address is no longer the suggested contact's
        """
        self.ensure_one()
        if not self.sender_unverified:
            return SENDER_ALREADY_LINKED
        if not self._sender_verifiable():
            return SENDER_LEFT_TO_TEAM
        self._link_sender(self.sudo().suggested_partner_id)
        self.message_post(
            body=self.env._(
                "The owner of %s confirmed with the link of the acknowledgement that they "
                "sent this feedback.", self.partner_email,
            ),
            message_type="notification", subtype_xmlid="mail.mt_note",
        )
        return SENDER_LINKED

    def action_link_suggested_partner(self):
        """An employee files the unverified tickets under their suggested
        contact (tracked), with their own rights on the tickets."""
        for ticket in self.filtered(lambda t: t.sender_unverified and t.suggested_partner_id):
            ticket._link_sender(ticket.suggested_partner_id)
        return True

    def _link_sender(self, partner):
        """File the ticket under ``partner``; it keeps what the sender typed."""
        self.ensure_one()
        self._write_facts({
            "partner_id": partner.id,
            "sender_unverified": False,
            # written with the contact, they are not recomputed from it
            "partner_name": self.partner_name,
            "partner_email": self.partner_email,
            "partner_phone": self.partner_phone,
        })

    def write(self, vals):
        """An employee who chooses the customer of an unverified ticket links it."""
        result = super().write(vals)
        if vals.get("partner_id"):
            self.filtered("sender_unverified")._write_facts({"sender_unverified": False})
        return result

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
