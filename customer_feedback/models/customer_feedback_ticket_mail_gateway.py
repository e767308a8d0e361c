"""Intake through Odoo's mail gateway: an email becomes a classified, routed,
acknowledged ticket; replies land on their ticket.

- The sender is found by email (normalized, case-insensitive) or created as a
  contact when the company's setting says so, under the customer whose phone
  number the message gives (``_find_or_create_customer``); the name and a
  phone number are taken from the message when present.
- The kind, category and urgency come from ``_classify_message``.
- A reply whose headers do not name its ticket is matched by the reference
  in its subject (``FB/2026/00042``).
- A customer's reply to a closed ticket reopens it within the company's
  reopening delay; later, it starts a new ticket linked to the old one
  (see ``mail_thread.message_route``).
- No acknowledgement to automatic mail: auto-replies, bounces, mailing lists
  (see ``mail_thread._message_route_process``). Odoo never mails its own aliases.
- What cannot become a normal ticket (no sender, empty body, automatic
  mail, damaged structure, an address without alias, a bounce matching
  nothing) still becomes one, flagged for review, never acknowledged, with
  the original message attached, so nothing a customer sends is lost.
- A bounce of one of our emails is Odoo's (the contact's bounce counter, the
  failed notification) and leaves a note on the ticket, and an activity for
  its assignee, so that someone calls the customer (``_message_receive_bounce``).
"""

import re
import unicodedata
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import email_normalize, html2plaintext, is_html_empty, parse_contact_from_email

from ..tools.language import in_lang

REFERENCE_PATTERN = re.compile(r"\b(FB/\d{4}/\d{3,})\b")
PHONE_PATTERN = re.compile(r"(?<![\w+])(\+?\d[\d .-]{7,14}\d)(?!\w)")
PHONE_MIN_DIGITS = 6  # fewer is an extension or a typo: never searched


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    parent_ticket_id = fields.Many2one(
        "customer.feedback.ticket", "Previous Ticket", index="btree_not_null", readonly=True,
        copy=False, help="The closed ticket this one continues.",
    )
    needs_review = fields.Boolean(
        readonly=True, copy=False, index="btree_not_null",
        help="The message could not become a normal ticket (no sender, empty or "
        "unreadable content): check it, the original is attached.",
    )
    review_reason = fields.Char(readonly=True, copy=False)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Create a ticket from an incoming email, or find the one its subject names."""
        existing = self._ticket_named_in_subject(msg_dict)
        if existing and not (existing.state == "closed" and existing._closed_too_long_ago()):
            existing._on_customer_reply()
            return existing
        values = self._values_from_message(msg_dict)
        if existing:
            # named in the subject but closed too long ago: a new, linked ticket
            # (as message_route does for replies found by their headers)
            values.update(parent_ticket_id=existing.id,
                          department_id=existing.department_id.id)
        values.update(custom_values or {})
        # The assignee follows the ticket and is notified of the customer's
        # email itself: Odoo's separate "you have been assigned" mail would
        # only repeat it.
        context = {
            "default_user_id": False, "default_user_received_id": False,
            "mail_auto_subscribe_no_notify": True,
        }
        if self.env.context.get("feedback_automatic_mail") or values.get("needs_review"):
            context["feedback_no_acknowledgement"] = True
        if values.get("needs_review"):
            self._keep_original_email(msg_dict)
        ticket = self.with_context(**context).create(values)
        ticket._record_leader_as_receiver()
        return ticket

    @api.model
    def _keep_original_email(self, msg_dict):
        """Attach the message as received to the incoming message (the needs_review
        promise): ``mail_thread.message_process`` passes its bytes in the context."""
        raw = self.env.context.get("feedback_original_email")
        attachments = msg_dict.setdefault("attachments", [])
        if raw and not any(attachment[0] == "original_email.eml" for attachment in attachments):
            attachments.append(self._Attachment("original_email.eml", raw, {}))

    def _message_receive_bounce(self, email, partner):
        """Our email to the customer bounced (Odoo has counted it on the
        contact): say so on the ticket, so that someone calls them."""
        result = super()._message_receive_bounce(email, partner)
        Lang = self.env["res.lang"]
        for ticket in self:
            # the note for the team in the company's language, the activity
            # in its owner's: not in the language of the mail gateway's user
            team = in_lang(ticket, Lang._feedback_company_lang(ticket.company_id))
            phone = ticket.partner_phone or ticket.partner_id.phone
            team.message_post(
                body=team.env._(
                    "Our email to %(email)s was returned undelivered: the customer did not "
                    "receive it. Call them (%(phone)s) or check their address.",
                    email=email, phone=phone or team.env._("no phone number"),
                ),
                message_type="notification", subtype_xmlid="mail.mt_note",
            )
            if ticket.user_id:
                owner = in_lang(ticket, Lang._feedback_recipient_lang(
                    ticket.user_id.partner_id, ticket.company_id))
                ticket.activity_schedule(
                    "mail.mail_activity_data_call", user_id=ticket.user_id.id,
                    summary=owner.env._("Our email bounced: call the customer"),
                )
        return result

    def message_update(self, msg_dict, update_vals=None):
        """A reply from the customer on an existing ticket."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        author = msg_dict.get("author_id")
        if author and author in self.partner_id.ids or (
            email_normalize(msg_dict.get("email_from") or "") == email_normalize(
                self[:1].partner_email or "")
        ):
            self._on_customer_reply()
        return result

    def _on_customer_reply(self):
        """The customer wrote again: a closed ticket goes back to work."""
        self.filtered(lambda t: t.state == "closed")._reopen_closed_ticket()

    def _reopen_closed_ticket(self):
        recent = self.filtered(lambda t: not t._closed_too_long_ago())
        if recent:
            recent.action_reopen(reason=self.env._("the customer wrote again"))

    def _closed_too_long_ago(self):
        """Past the reopening delay, a reply starts a new ticket instead."""
        self.ensure_one()
        days = self.company_id.feedback_reopen_days
        return bool(self.date_closed) and (
            self.date_closed < fields.Datetime.now() - timedelta(days=days)
        )

    @api.model
    def _ticket_named_in_subject(self, msg_dict):
        """The ticket whose reference is in the subject, if its customer wrote."""
        match = REFERENCE_PATTERN.search(msg_dict.get("subject") or "")
        email = email_normalize(msg_dict.get("email_from") or "")
        if not match or not email:
            return self.browse()
        ticket = self.search([("name", "=", match.group(1))], limit=1)
        if ticket and email_normalize(ticket.partner_email or "") == email:
            return ticket
        return self.browse()

    @api.model
    def _values_from_message(self, msg_dict):
        # Composed form (NFC): windows-1258 mail arrives with its tones as
        # combining marks, which searches typed on a keyboard would not match.
        subject = unicodedata.normalize("NFC", msg_dict.get("subject") or "").strip()
        body = unicodedata.normalize("NFC", msg_dict.get("body") or "")
        name, email = parse_contact_from_email(msg_dict.get("email_from") or "")
        company = self.env.company
        if msg_dict.get("is_bounce"):
            # from a mail server (MAILER-DAEMON), not from a customer
            name = email = None
            partner = self.env["res.partner"]
        else:
            partner = self._find_or_create_customer(
                email, name, company, phone=self._phone_in_text(body),
                text=f"{subject}\n{html2plaintext(body)}",
            )
        values = {
            "title": subject or self.env._("(no subject)"),
            "description": body,
            "channel": "email",
            "company_id": company.id,
            "partner_id": partner.id,
            "partner_name": partner.name or name or False,
            "partner_email": email or False,
            "partner_phone": partner.phone or self._phone_in_text(body) or False,
        }
        values.update(self._classify_message(subject, body, company))
        reasons = list(self.env.context.get("feedback_review_reasons") or ())
        if not email and not msg_dict.get("is_bounce"):
            reasons.append(self.env._("no sender address"))
        # a plain-text mail arrives as "<pre>\n</pre>", not empty to is_html_empty
        if (is_html_empty(body) or not html2plaintext(body).strip()) \
                and not msg_dict.get("attachments"):
            reasons.append(self.env._("empty message"))
        if self.env.context.get("feedback_automatic_mail"):
            reasons.append(self.env._("automatic message (auto-reply, bounce or mailing list)"))
        if self.env.context.get("feedback_charsets_guessed"):
            reasons.append(self.env._(
                "text in an unknown or wrong character set (%s), decoded as well as possible",
                ", ".join(self.env.context["feedback_charsets_guessed"]),
            ))
        if reasons:
            values.update(needs_review=True, review_reason=", ".join(reasons))
        return values

    @api.model
    def _find_or_create_customer(self, email, name, company, phone=None, lang=None, text=None):
        """The contact with this email; a new one if the company creates them.

        The email decides who the sender is: we answer there. When no
        contact has this email but ``phone`` (compared in its normalised
        form: E.164, a national number read with the company's country) is
        the number of contacts of one customer only (a company, or a person
        and their contacts), the new contact is created under that customer:
        the care segment, its priority and the history stay with them.

        A new contact speaks the channel's language: ``lang`` (the page the
        customer wrote on), else the language ``text`` (their message) is
        written in, else the company's (``res.lang._feedback_new_contact_lang``):
        the emails they get are in it. A contact found keeps their language.
        """
        Partner = self.env["res.partner"]
        normalized = email_normalize(email or "")
        if not normalized:
            return Partner
        partner = Partner.search(
            [("email_normalized", "=", normalized), ("company_id", "in", [company.id, False])],
            order="is_company desc, id", limit=1,
        )
        if partner or not company.feedback_create_contacts:
            return partner
        values = {
            "name": name or normalized, "email": normalized,
            "lang": self.env["res.lang"]._feedback_new_contact_lang(company, lang=lang, text=text),
        }
        customer = self._customer_of_phone(phone, company)
        if customer:
            values["parent_id"] = customer.id
        return Partner.create(values)

    @api.model
    def _phone_e164(self, number, company):
        """``number`` in E.164 (``+84903124567``) by Odoo's phone_validation, a
        national number read with ``company``'s country; False when it is not
        a valid phone number."""
        if not number:
            return False
        return self.env["res.partner"]._phone_format(
            number=number, country=company.country_id, force_format="E164"
        )

    @api.model
    def _customer_phone_domain(self, number, company):
        """Contacts of ``company`` whose phone is ``number``, however either
        is written: the stored normalised form (``phone_sanitized``), or the
        number without separators (contacts saved before their number could
        be normalised). A number the company's country cannot read (no
        country, or another one) matches the same digits only. None when
        ``number`` has too few digits to be a phone number.
        """
        if sum(char.isdigit() for char in number or "") < PHONE_MIN_DIGITS:
            return None
        e164 = self._phone_e164(number, company)
        by_number = (
            Domain("phone_sanitized", "=", e164) | Domain("phone_mobile_search", "=", e164)
            if e164 else Domain("phone_mobile_search", "=", number)
        )
        return Domain("company_id", "in", [company.id, False]) & by_number

    @api.model
    def _customer_of_phone(self, number, company):
        """The customer (commercial entity) all contacts with this phone
        belong to; none when there is no match, or several customers, or
        the number is the company's own."""
        domain = self._customer_phone_domain(number, company)
        if domain is None:
            return self.env["res.partner"]
        customers = self.env["res.partner"].search(domain).commercial_partner_id
        customers -= company.partner_id
        return customers if len(customers) == 1 else customers.browse()

    def _partner_find_from_emails(self, records_emails, avoid_alias=True, ban_emails=None,
                                  filter_found=None, additional_values=None, no_create=False):
        """Mailing a template to the customer's address would create a contact
        (Odoo 19 does it for template recipients): not when the company says no."""
        if self and not all(self.company_id.mapped("feedback_create_contacts")):
            no_create = True
        return super()._partner_find_from_emails(
            records_emails, avoid_alias=avoid_alias, ban_emails=ban_emails,
            filter_found=filter_found, additional_values=additional_values, no_create=no_create,
        )

    @api.model
    def _phone_in_text(self, body_html):
        """The phone number of the text (a signature), as written: the first
        candidate that phone_validation reads as a valid number with the
        company's country (rather than an order number), else the first
        candidate (a number of a country we cannot tell)."""
        candidates = [
            match.group(1).strip()
            for match in PHONE_PATTERN.finditer(html2plaintext(body_html or ""))
        ]
        valid = (number for number in candidates if self._phone_e164(number, self.env.company))
        return next(valid, candidates[0] if candidates else None)
