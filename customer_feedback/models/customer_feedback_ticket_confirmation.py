"""Customer confirmation of the resolution.

Resolving sends the result to the customer with links to accept or refuse
it, protected by the ticket's access token. Accepting closes the ticket;
refusing reopens it with the reason; silence past the company's
confirmation delay closes it (cron).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    confirmation_state = fields.Selection(
        [("accepted", "Accepted"), ("refused", "Refused"), ("silent", "No Answer")],
        string="Customer Confirmation", readonly=True, copy=False, tracking=True,
    )
    confirmation_note = fields.Text("Customer's Answer", readonly=True, copy=False)
    date_confirmation_deadline = fields.Datetime(
        "Confirmation Deadline", readonly=True, copy=False, index="btree_not_null",
        help="Without an answer by then, the ticket closes by itself.",
    )

    def _confirmation_values(self):
        days = self.company_id[:1].feedback_confirmation_days or 7
        return {
            "date_confirmation_deadline": fields.Datetime.now() + timedelta(days=days),
            "confirmation_state": False,
        }

    def _confirmation_url(self, answer):
        """The link the customer follows to accept or refuse (``answer``)."""
        self.ensure_one()
        self._portal_ensure_token()
        return (
            f"{self.get_base_url()}/feedback/confirm/{self.id}/{answer}"
            f"?access_token={self.access_token}"
        )

    def _send_resolution(self):
        """Send the result; ask for confirmation when the customer can answer by email."""
        reachable = self._customer_reachable()
        for ticket in reachable:
            ticket._portal_ensure_token()
        reachable._post_customer_template("customer_feedback.mail_template_ticket_resolution")
        reachable.action_request_confirmation()

    def action_customer_accept(self, note=None):
        """The customer accepts the resolution: the ticket closes."""
        self.write({"confirmation_note": note or False})
        self._apply_transition("close", {"confirmation_state": "accepted"})
        self._send_closure()
        return True

    def action_customer_refuse(self, reason):
        """The customer refuses the resolution: the ticket reopens with the reason."""
        self.write({"confirmation_note": reason})
        self.action_reopen(reason=reason)
        self.write({"confirmation_state": "refused"})
        return True

    @api.model
    def _cron_close_unconfirmed(self, batch_size=500):
        """Close the tickets whose customer did not answer in time."""
        def close_silent(tickets):
            tickets._apply_transition("close", {"confirmation_state": "silent"})
            tickets._send_closure()

        self._process_in_batches(
            Domain("state", "=", "waiting")
            & Domain("date_confirmation_deadline", "<=", fields.Datetime.now()),
            "date_confirmation_deadline, id",
            close_silent,
            batch_size,
        )

    # ------------------------------------------------------------------
    # Emails to the customer, posted in the chatter so replies thread back
    # ------------------------------------------------------------------

    def _customer_reachable(self):
        """The tickets whose customer has an email address."""
        return self.filtered(lambda t: t.partner_id.email or t.partner_email)

    def _post_customer_template(self, xmlid, automatic=False):
        """Email the customer: through the chatter when they are a contact,
        else to the address kept on the ticket (posting would need a contact,
        and the company may not want contacts created from emails).

        :param automatic: sent by the system, not by someone working the
            ticket: see ``_message_post_template``
        """
        template = self.env.ref(xmlid)
        reachable = self._customer_reachable()
        contacts = reachable.filtered(lambda t: t.partner_id.email)
        contacts._message_post_template(template, automatic=automatic)
        for ticket in reachable - contacts:
            template.send_mail(ticket.id, email_layout_xmlid="mail.mail_notification_light")

    def _message_post_template(self, template, automatic=False):
        """Post ``template`` to each ticket's customer, in the customer's language.

        What the mail composer does with a template in comment mode, without
        the composer: its transient record and computed fields were half the
        cost of the acknowledgement, which every incoming email pays.

        :param automatic: an automated notification, as Odoo sends its own
            acknowledgements: to the customer only (a subtype no follower
            has), and not the ticket's first response.
        """
        if not self:
            return
        # the template's default recipients: the customer, never one of our
        # own aliases nor a public partner
        recipients = self._message_get_default_recipients()
        tickets = self.filtered(lambda t: recipients[t.id]["partner_ids"])
        if not tickets:
            return
        subjects = template._render_field("subject", tickets.ids, compute_lang=True)
        bodies = template._render_field("body_html", tickets.ids, compute_lang=True)
        for ticket in tickets:
            ticket.message_post(
                body=bodies[ticket.id],
                subject=subjects[ticket.id],
                partner_ids=recipients[ticket.id]["partner_ids"],
                message_type="auto_comment" if automatic else "comment",
                subtype_xmlid="customer_feedback.mt_ticket_automatic_email" if automatic
                else "mail.mt_comment",
                email_layout_xmlid=template.email_layout_xmlid or None,
                email_add_signature=False,
                mail_auto_delete=template.auto_delete,
            )

    def _send_acknowledgement(self):
        """Tell the customer we received the feedback, with reference and deadline."""
        if self.env.context.get("feedback_no_acknowledgement"):
            return
        self.filtered(
            lambda t: t.company_id.feedback_send_acknowledgement
        )._post_customer_template(
            "customer_feedback.mail_template_ticket_acknowledgement", automatic=True
        )

    def _send_closure(self):
        self._post_customer_template("customer_feedback.mail_template_ticket_closure")

    def action_send_promised_date(self):
        """Tell the customer when they will get an answer (the promised reply date)."""
        missing = self.filtered(lambda t: not t.date_promised)
        if missing:
            raise UserError(
                self.env._(
                    "Set the promised reply date of %s first.", ", ".join(missing.mapped("name"))
                )
            )
        self._post_customer_template("customer_feedback.mail_template_ticket_promised_date")
        return True
