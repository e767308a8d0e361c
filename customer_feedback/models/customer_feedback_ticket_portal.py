"""The customer portal: where a ticket is shown to its customer, who may see
it, answer its resolution or rate it, and feedback sent from the portal.

The limits on attachments are module constants so that every form a
customer fills (the portal and the public feedback form) shares them.
"""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from .customer_feedback_ticket import KINDS

# Attachments a customer may send with a form
FEEDBACK_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
FEEDBACK_ATTACHMENT_MAX_COUNT = 5
FEEDBACK_ATTACHMENT_ALLOWED_MIMETYPES = frozenset({
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
})

# Lengths of what a customer types
FEEDBACK_TITLE_MAX_LENGTH = 200
FEEDBACK_DESCRIPTION_MAX_LENGTH = 20000

# The states a customer sees as finished
PORTAL_CLOSED_STATES = ("closed", "cancelled")


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    # Customers discuss their ticket on the portal with read access only
    # (they never get write access): posting follows reading, as on tasks.
    _mail_post_access = "read"

    def _compute_access_url(self):
        for ticket in self:
            ticket.access_url = f"/my/feedback/{ticket.id}"

    def _get_portal_return_action(self):
        """The backend action an employee returns to from the portal view."""
        self.ensure_one()
        return self.env.ref("customer_feedback.action_customer_feedback_ticket_all")

    # ------------------------------------------------------------------
    # What the portal shows
    # ------------------------------------------------------------------

    @api.model
    def _portal_filter_domains(self):
        """The filters of the portal list: key -> (label, domain)."""
        return {
            "all": (self.env._("All"), Domain.TRUE),
            "open": (self.env._("Open"), Domain("state", "not in", PORTAL_CLOSED_STATES)),
            "waiting": (self.env._("Waiting for my Answer"), Domain("state", "=", "waiting")),
            "closed": (self.env._("Closed"), Domain("state", "in", PORTAL_CLOSED_STATES)),
        }

    def _portal_promised_date(self):
        """The date the company promised the customer an answer: the reply
        date given to them, else the expected completion, else the deadline
        that follows from the priority."""
        self.ensure_one()
        return self.date_promised or self.date_expected or self.date_resolution_deadline

    def _portal_attachments(self):
        """The files the customer may see: those of the public messages of
        the ticket (never of internal notes, nor files added on the form)."""
        self.ensure_one()
        # sudo: portal users read no message subtype; the domain keeps what
        # the customer already sees in the chatter.
        messages = self.env["mail.message"].sudo().search(
            Domain("model", "=", self._name)
            & Domain("res_id", "=", self.id)
            & Domain("message_type", "in", ("comment", "email"))
            & Domain("subtype_id.internal", "=", False)
            & Domain("is_internal", "=", False)
            & Domain("attachment_ids", "!=", False),
        )
        return messages.attachment_ids.sorted("id")

    def _portal_can_answer(self, partner):
        """Whether ``partner`` may accept or refuse the resolution now.

        The answer is the customer's: a colleague who sees the ticket on the
        portal cannot give it for them.
        """
        self.ensure_one()
        return self.state == "waiting" and partner == self.partner_id

    def _portal_rating_token(self, partner):
        """The token of the customer's pending rating (sent with the closing
        email), if ``partner`` is the customer; never creates one."""
        self.ensure_one()
        if self.state != "closed" or partner != self.partner_id:
            return False
        # sudo: portal users cannot read ratings; only the customer's own
        # pending one is looked for.
        rating = self.env["rating.rating"].sudo().search([
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
            ("partner_id", "=", partner.id),
            ("consumed", "=", False),
        ], limit=1)
        return rating.access_token

    # ------------------------------------------------------------------
    # Feedback sent from the portal
    # ------------------------------------------------------------------

    @api.model
    def _portal_categories(self, company=None):
        """The categories a customer may choose: the active ones of the company."""
        company = company or self.env.company
        # sudo: the same list for whoever asks (portal user or public
        # visitor of the feedback form): the domain decides.
        return self.env["customer.feedback.category"].sudo().search(
            [("company_id", "in", [company.id, False])], order="complete_name"
        )

    @api.model
    def _feedback_attachment_help(self):
        """What files a customer may send with a form, for the customer."""
        return self.env._(
            "Up to %(count)s files of %(size)s MB each: pictures, PDF, text, Word, Excel or "
            "OpenDocument files.",
            count=FEEDBACK_ATTACHMENT_MAX_COUNT,
            size=FEEDBACK_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        )

    @api.model
    def _feedback_attachment_errors(self, uploads):
        """Check files sent by a customer.

        :param uploads: list of (file name, content as bytes)
        :return: the error message, or None when the files are acceptable
        """
        if len(uploads) > FEEDBACK_ATTACHMENT_MAX_COUNT:
            return self.env._(
                "Send at most %(count)s files.", count=FEEDBACK_ATTACHMENT_MAX_COUNT
            )
        for name, content in uploads:
            if len(content) > FEEDBACK_ATTACHMENT_MAX_BYTES:
                return self.env._(
                    "The file %(name)s is too large: at most %(size)s MB per file.",
                    name=name, size=FEEDBACK_ATTACHMENT_MAX_BYTES // (1024 * 1024),
                )
            # the content decides, not the name or what the browser said
            if guess_mimetype(content, default="") not in FEEDBACK_ATTACHMENT_ALLOWED_MIMETYPES:
                return self.env._(
                    "The file %(name)s is not accepted: send pictures (JPEG, PNG, GIF, "
                    "WebP), PDF, text, Word, Excel or OpenDocument files.",
                    name=name,
                )
        return None

    @api.model
    def _portal_feedback_errors(self, form, uploads):
        """The errors of a feedback form filled on the portal, by field.

        :param form: dict with ``kind``, ``category_id``, ``title``,
            ``description`` as typed
        :param uploads: list of (file name, content as bytes)
        :return: dict field name -> error message (empty when valid)
        """
        errors = {}
        if form.get("kind") not in dict(KINDS):
            errors["kind"] = self.env._("Choose the kind of feedback.")
        category = form.get("category_id")
        if category and (
            not str(category).isdigit()
            or int(category) not in self._portal_categories().ids
        ):
            errors["category_id"] = self.env._("Choose a category from the list.")
        title = (form.get("title") or "").strip()
        if not title:
            errors["title"] = self.env._("Give your feedback a subject.")
        elif len(title) > FEEDBACK_TITLE_MAX_LENGTH:
            errors["title"] = self.env._(
                "The subject is too long: at most %s characters.", FEEDBACK_TITLE_MAX_LENGTH
            )
        description = (form.get("description") or "").strip()
        if not description:
            errors["description"] = self.env._("Tell us what happened.")
        elif len(description) > FEEDBACK_DESCRIPTION_MAX_LENGTH:
            errors["description"] = self.env._(
                "The description is too long: at most %s characters.",
                FEEDBACK_DESCRIPTION_MAX_LENGTH,
            )
        attachment_error = self._feedback_attachment_errors(uploads)
        if attachment_error:
            errors["attachments"] = attachment_error
        return errors

    @api.model
    def _create_from_portal(self, form, uploads=()):
        """Create the ticket a portal user sends, as that user's customer.

        The ticket comes from the web channel, for the user's own contact,
        in the user's company; it is routed and acknowledged like any
        ticket, and the customer follows it. The files come with the first
        message, so that the customer finds them on the portal.

        :param form: see ``_portal_feedback_errors``
        :param uploads: list of (file name, content as bytes)
        :raise UserError: when the form is not valid
        :return: the new ticket (as superuser)
        """
        uploads = list(uploads)
        errors = self._portal_feedback_errors(form, uploads)
        if errors:
            raise UserError("\n".join(errors.values()))
        partner = self.env.user.partner_id
        company = self.env.company
        # sudo: customers cannot create tickets themselves; the values
        # below are the only ones they choose, everything else is forced.
        ticket = self.sudo().with_company(company).create({
            "title": form["title"].strip(),
            "description": plaintext2html(form["description"].strip()),
            "kind": form["kind"],
            "category_id": int(form["category_id"]) if form.get("category_id") else False,
            "channel": "web",
            "partner_id": partner.id,
            "company_id": company.id,
            "user_received_id": False,
        })
        # the customer follows it: our public answers reach them by email too
        ticket.message_subscribe(partner_ids=partner.ids)
        if uploads:
            ticket.message_post(
                body=self.env._("Files sent with the feedback."),
                attachments=uploads,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return ticket
