"""Customer confirmation of the resolution.

Asking for confirmation (after resolving, or with the button) emails the
result to the customer with buttons to accept or refuse it. Each request is
a new *round*: the buttons carry a token signed for this ticket, this round
and this purpose only, so the link of an earlier resolution cannot answer a
later one. The buttons are in the customer's copy of the email only (see
``_notify_get_recipients_groups``): followers' copies and the chatter have
the text without them, so nobody else can answer for the customer.

Accepting closes the ticket; refusing reopens it with the reason, and the
person in charge gets an activity; silence past the company's confirmation
delay closes it (cron). Whatever the state of the ticket, an answer is never
lost: when it cannot be applied (the ticket moved on, the link was of an
earlier round, the closing waits for a corrective action) it is recorded on
the ticket and the person in charge gets an activity to act on it.
"""

from datetime import timedelta
from email.utils import formataddr

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import consteq, format_datetime, hmac

CONFIRMATION_SCOPE = "customer_feedback.confirmation"
ANSWERS = ("accept", "refuse")

# outcomes of _receive_customer_answer
APPLIED = "applied"
RECORDED = "recorded"


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
    confirmation_round = fields.Integer(
        readonly=True, copy=False,
        help="How many times the customer was asked to confirm a resolution: the "
        "links of each request answer that request only.",
    )

    def _confirmation_values(self):
        days = self.company_id[:1].feedback_confirmation_days or 7
        return {
            "date_confirmation_deadline": fields.Datetime.now() + timedelta(days=days),
            "confirmation_state": False,
            # the answer shown is the answer to this round
            "confirmation_note": False,
        }

    # ------------------------------------------------------------------
    # Links of the customer
    # ------------------------------------------------------------------

    def _confirmation_token(self, confirmation_round):
        """The token of the answer links of one round of this ticket."""
        self.ensure_one()
        # sudo: the database secret signs the token; nothing else is read
        return hmac(self.env(su=True), CONFIRMATION_SCOPE, (self.id, confirmation_round))

    def _check_confirmation_token(self, confirmation_round, token):
        self.ensure_one()
        return bool(token) and consteq(self._confirmation_token(confirmation_round), token)

    def _confirmation_url(self, answer):
        """The link the customer follows to accept or refuse (``answer``) the
        resolution of the current round."""
        self.ensure_one()
        current = self.confirmation_round
        return (
            f"{self.get_base_url()}/feedback/confirm/{self.id}/{current}/{answer}"
            f"?token={self._confirmation_token(current)}"
        )

    def _confirmation_links(self):
        return [
            {"url": self._confirmation_url("accept"), "title": self.env._("I accept"),
             "color": "#28a745"},
            {"url": self._confirmation_url("refuse"), "title": self.env._("I do not accept"),
             "color": "#dc3545"},
        ]

    def _rating_links(self):
        """One-click rating faces (Odoo's rating routes), for the customer."""
        self.ensure_one()
        token = self._rating_get_access_token()
        base = self.get_base_url()
        return [
            {"url": f"{base}/rate/{token}/{score}", "title": title, "color": color}
            for score, title, color in (
                (5, self.env._("Satisfied"), "#28a745"),
                (3, self.env._("Okay"), "#f0ad4e"),
                (1, self.env._("Dissatisfied"), "#dc3545"),
            )
        ]

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        """The customer's own buttons (answer, rating) go in the customer's
        copy of the email only: see ``_message_post_template``."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        links = (self.env.context.get("feedback_customer_links") or {}).get(self[:1].id)
        if links:
            for name, _match, data in groups:
                if name == "portal_customer":
                    data["feedback_customer_links"] = links
        return groups

    # ------------------------------------------------------------------
    # Asking and answering
    # ------------------------------------------------------------------

    def _send_resolution(self):
        """After resolving: ask for confirmation when the customer can answer by email."""
        self._customer_reachable().action_request_confirmation()

    def _send_confirmation_request(self):
        """A new round: the resolution, its deadline and the answer buttons."""
        for confirmation_round, tickets in self.grouped("confirmation_round").items():
            tickets._write_facts({"confirmation_round": confirmation_round + 1})
        self._post_customer_template(
            "customer_feedback.mail_template_ticket_resolution",
            links=lambda ticket: ticket._confirmation_links(),
        )

    def _receive_customer_answer(self, answer, note=None, confirmation_round=None):
        """The customer's ``answer`` ('accept' or 'refuse') to a resolution.

        Applied when the ticket waits for the answer of this round; otherwise
        recorded on the ticket, and the person in charge is told.

        :param confirmation_round: the round the customer's link was sent
            for; None when answered from the ticket's page (the current one)
        :return: APPLIED or RECORDED
        """
        self.ensure_one()
        note = (note or "").strip()
        current = confirmation_round is None or confirmation_round == self.confirmation_round
        if self.state != "waiting" or not current:
            def reason(env):
                if not current:
                    return env._("the link was for an earlier resolution")
                return env._("the ticket is %s", self.with_env(env)._state_label())

            self._record_unapplied_answer(answer, note, reason)
            return RECORDED
        if answer == "refuse":
            self.action_customer_refuse(note)
            return APPLIED
        try:
            with self.env.cr.savepoint():
                self.action_customer_accept(note=note)
        except UserError as error:
            # e.g. a corrective action still open: the answer stays, the
            # closing waits for whoever may do it
            self._write_facts({
                "confirmation_state": "accepted", "confirmation_note": note or False,
                "date_confirmation_deadline": False,
            })
            message = error.args[0]  # in the language of the page: said as it was
            self._record_unapplied_answer(answer, note, lambda _env: message)
            return RECORDED
        return APPLIED

    def action_customer_accept(self, note=None):
        """The customer accepts the resolution: the ticket closes."""
        self._write_facts({"confirmation_note": note or False})
        self._apply_transition("close", {"confirmation_state": "accepted"})
        self._send_closure()
        return True

    def action_customer_refuse(self, reason):
        """The customer refuses the resolution: the ticket reopens with the
        reason, and the person in charge is told."""
        self.action_reopen(reason=reason)
        self._write_facts({"confirmation_state": "refused", "confirmation_note": reason})
        for ticket in self:
            ticket._schedule_answer_activity(
                lambda env: env._("The customer refused the resolution"), reason
            )
        return True

    def _record_unapplied_answer(self, answer, note, reason):
        """Keep an answer that could not be applied, and tell who handles it.

        :param reason: why, a callable env -> text, written in the language
            of whoever reads it (the team's in the chatter, the assignee's
            in the activity)
        """
        self.ensure_one()

        def body(env):
            text = env._(
                "The customer %(answer)s the resolution, but the answer could not be "
                "applied (%(reason)s).",
                answer=env._("accepts") if answer == "accept" else env._("refuses"),
                reason=reason(env),
            )
            return f"{text}\n{env._('Their words: %s', note)}" if note else text

        team = self.with_context(lang=self.env["res.lang"]._feedback_company_lang(self.company_id))
        team.message_post(
            body=body(team.env), subtype_xmlid="mail.mt_note",
            author_id=self.partner_id.id or None,
        )
        self._schedule_answer_activity(lambda env: env._("Customer's answer to handle"), body)

    def _schedule_answer_activity(self, summary, note):
        """An activity for the assignee, else the department leader.

        :param summary: callable env -> text, in the recipient's language
        :param note: text, or callable env -> text
        """
        self.ensure_one()
        user = self.user_id or self.department_id.leader_id or self._job_failure_user()
        record = self.with_context(
            lang=self.env["res.lang"]._feedback_recipient_lang(user.partner_id, self.company_id)
        )
        # sudo: the answer comes from the customer (public route) or a cron;
        # the activity is for the employee in charge of the ticket
        record.sudo().activity_schedule(
            "mail.mail_activity_data_todo", summary=summary(record.env),
            note=note(record.env) if callable(note) else note, user_id=user.id,
        )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model
    def _cron_close_unconfirmed(self, batch_size=500):
        """Close the tickets whose customer did not answer in time."""
        def close_silent(tickets):
            tickets._apply_transition(
                "close", {"confirmation_state": "silent", "confirmation_note": False}
            )
            tickets._send_closure()

        self._process_in_batches(
            Domain("state", "=", "waiting")
            & Domain("confirmation_state", "=", False)
            & Domain("date_confirmation_deadline", "<=", fields.Datetime.now()),
            "date_confirmation_deadline, id",
            close_silent,
            batch_size,
            "customer_feedback.ir_cron_close_unconfirmed",
        )

    # ------------------------------------------------------------------
    # Emails to the customer, posted in the chatter so replies thread back
    # ------------------------------------------------------------------

    def _customer_reachable(self):
        """The tickets whose customer has an email address."""
        return self.filtered(lambda t: t.partner_id.email or t.partner_email)

    def _customer_tz(self):
        """The customer's time zone, else the company's."""
        self.ensure_one()
        return (
            self.partner_id.tz
            or self.company_id.resource_calendar_id.tz
            or self.company_id.partner_id.tz
            or "UTC"
        )

    def _customer_datetime(self, value):
        """``value`` as the customer reads it: their language, the time zone."""
        self.ensure_one()
        if not value:
            return ""
        tz = self._customer_tz()
        return format_datetime(
            self.env, value, tz=tz if tz in pytz.all_timezones_set else "UTC",
            lang_code=self.partner_id.lang or self.env.lang,
        )

    def _feedback_sender(self):
        """Who customer emails come from: the company, at the department's
        feedback address, else the company's, else the company's email."""
        self.ensure_one()
        alias = self.department_id.alias_id
        if not (alias and alias.alias_full_name and "@" in alias.alias_full_name):
            alias = self.env.ref(
                "customer_feedback.mail_alias_feedback_intake", raise_if_not_found=False
            )
        address = (
            alias.sudo().alias_full_name if alias and "@" in (alias.sudo().alias_full_name or "")
            else self.company_id.email
        )
        return formataddr((self.company_id.name, address)) if address else False

    def _post_customer_template(self, xmlid, automatic=False, links=None):
        """Email the customer: through the chatter when they are a contact,
        else to the address kept on the ticket (posting would need a contact,
        and the company may not want contacts created from emails).

        :param automatic: sent by the system, not by someone working the
            ticket: see ``_message_post_template``
        :param links: optional function ticket -> the customer's buttons
            (see ``_confirmation_links``), shown to the customer only
        """
        reachable = self._customer_reachable()
        if not reachable:
            return
        template = self.env.ref(xmlid)
        contacts = reachable.filtered(lambda t: t.partner_id.email)
        contacts._message_post_template(template, automatic=automatic, links=links)
        for ticket in reachable - contacts:
            ticket._send_template_to_address(template, links)

    def _send_template_to_address(self, template, links=None):
        """Mail ``template`` to the address of a customer who is no contact:
        only they receive it, so their buttons are in the body."""
        self.ensure_one()
        body = template._render_field("body_html", self.ids, compute_lang=True)[self.id]
        if links:
            lang = template._render_lang(self.ids)[self.id]
            body += self.env["ir.qweb"].with_context(lang=lang)._render(
                "customer_feedback.customer_buttons",
                {"feedback_customer_links": self.with_context(lang=lang)._links_of(links)},
            )
        template.send_mail(
            self.id, email_layout_xmlid="mail.mail_notification_light",
            email_values={"body_html": body, "email_from": self._feedback_sender()},
        )

    def _links_of(self, links):
        return links(self) if links else []

    def _message_post_template(self, template, automatic=False, links=None):
        """Post ``template`` to each ticket's customer, in the customer's language.

        What the mail composer does with a template in comment mode, without
        the composer: its transient record and computed fields were half the
        cost of the acknowledgement, which every incoming email pays.

        :param automatic: an automated notification, as Odoo sends its own
            acknowledgements: to the customer only (a subtype no follower
            has), and not the ticket's first response.
        :param links: see ``_post_customer_template``
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
        langs = template._render_lang(tickets.ids) if links else {}
        for ticket in tickets:
            customer_links = {}
            if links:
                customer_links[ticket.id] = ticket.with_context(
                    lang=langs.get(ticket.id) or self.env.lang
                )._links_of(links)
            ticket.with_context(feedback_customer_links=customer_links).message_post(
                body=bodies[ticket.id],
                subject=subjects[ticket.id],
                partner_ids=recipients[ticket.id]["partner_ids"],
                message_type="auto_comment" if automatic else "comment",
                subtype_xmlid="customer_feedback.mt_ticket_automatic_email" if automatic
                else "mail.mt_comment",
                email_layout_xmlid="customer_feedback.mail_notification_customer",
                email_add_signature=False,
                mail_auto_delete=template.auto_delete,
                author_id=ticket.company_id.partner_id.id,
                email_from=ticket._feedback_sender() or None,
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
        self._post_customer_template(
            "customer_feedback.mail_template_ticket_closure",
            links=lambda ticket: ticket._rating_links(),
        )

    def action_send_promised_date(self):
        """Tell the customer when they will get an answer (the promised reply date)."""
        missing = self.filtered(lambda t: not t.date_promised)
        if missing:
            raise UserError(
                self.env._(
                    "Set the promised reply date of %s first.", ", ".join(missing.mapped("name"))
                )
            )
        past = self.filtered(lambda t: t.date_promised <= fields.Datetime.now())
        if past:
            raise UserError(
                self.env._(
                    "The promised reply date of %s is already past: set a date to come.",
                    ", ".join(past.mapped("name")),
                )
            )
        self._post_customer_template("customer_feedback.mail_template_ticket_promised_date")
        return True
