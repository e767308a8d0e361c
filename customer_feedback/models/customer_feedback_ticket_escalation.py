"""Escalation of missed deadlines.

Three deadlines are watched while a ticket is open: the response deadline
(until the first response), the resolution deadline, and the reply date
promised to the customer. When one passes, the department leader gets an
activity on the ticket (level 1); if it is still missed after the company's
escalation delay, the feedback managers do (level 2). A department without a
leader goes to the managers at once. Each level happens once per breach: a
new deadline (new priority, new promised date) starts again from level 0.

The people escalated to are also told in one message per department and
run, posted in the department's chatter (the escalation log), listing the
tickets: one notification per person instead of one per ticket, and no
mail.message per ticket, which is most of the cron's cost at scale.

What the cron writes is in the language of whom it writes to, not the
cron's: each activity in its owner's language, each message in its
readers' (``res.lang._feedback_recipient_lang``).

Where each deadline stands (its level, the last escalation, when the cron
next needs the ticket, indexed) is kept in ``customer.feedback.escalation``,
one record per ticket, so the cron reads only the tickets that are due and
never rewrites the ticket rows.
"""

import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.language import in_lang
from .customer_feedback_ticket_deadline import DEADLINES

_logger = logging.getLogger(__name__)


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    # exactly one, made with the ticket
    escalation_ids = fields.One2many("customer.feedback.escalation", "ticket_id", readonly=True)
    response_escalation_level = fields.Integer(related="escalation_ids.response_level")
    resolution_escalation_level = fields.Integer(related="escalation_ids.resolution_level")
    promise_escalation_level = fields.Integer(related="escalation_ids.promise_level")
    date_last_escalation = fields.Datetime(related="escalation_ids.date_last_escalation")
    next_escalation_date = fields.Datetime(related="escalation_ids.next_escalation_date")

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        # sudo: the escalation state is the cron's; users read it on the ticket
        self.env["customer.feedback.escalation"].sudo().create(
            [{"ticket_id": ticket.id} for ticket in tickets]
        )
        return tickets

    @api.model
    def _cron_escalate_breaches(self, batch_size=500):
        """Escalate the tickets whose next escalation is due, in batches."""
        now = fields.Datetime.now()
        managers = {}  # read once for all the batches
        # One message per department and run, whatever the number of batches.
        # Should the run stop half-way, the activities of the committed
        # batches still tell their owners.
        digests = defaultdict(list)
        self._process_in_batches(
            Domain("escalation_ids.next_escalation_date", "<=", now),
            "id",
            lambda tickets: tickets._escalate_due_breaches(now, managers, digests),
            batch_size,
            "customer_feedback.ir_cron_escalate_breaches",
        )
        self._post_escalation_digests(digests)
        # the deadline statuses move with time too (at risk, then overdue)
        self._cron_refresh_deadline_status(now, batch_size)

    def _escalate_due_breaches(self, now, managers=None, digests=None):
        """One escalation step for every breach of ``self`` due at ``now``.

        What does not depend on the ticket (managers, activity type and due
        date) is computed once per batch, the summaries once per language of
        the people escalated to; the levels are written
        in one query per set of values, the activities created in one call.
        The people escalated to are added to ``digests``, or told at once when
        no ``digests`` is given.
        """
        post_now = digests is None
        if post_now:
            digests = defaultdict(list)
        if managers is None:
            managers = {}
        if self.company_id - self.env["res.company"].union(*managers):
            managers.update(self._feedback_managers())
        no_users = self.env["res.users"]
        summaries = {}  # language -> the summaries in it
        activity_defaults = self._escalation_activity_defaults(now)
        activity_vals = []
        # merged into ``digests`` once the batch is done: a batch that fails
        # is rolled back, and must not be announced
        batch_digests = defaultdict(list)
        by_values = defaultdict(list)
        escalated = set()
        # iterated as one recordset, so that their fields are read in one query
        escalation_of = {escalation.ticket_id: escalation for escalation in self.escalation_ids}
        for ticket in self:
            escalation = escalation_of[ticket]
            vals = {}
            for breach in DEADLINES:
                due = escalation._breach_due_date(breach)
                if not due or due > now:
                    continue
                level = escalation[f"{breach}_level"] + 1
                vals[f"{breach}_level"] = level
                company_managers = managers.get(ticket.company_id, no_users)
                users = company_managers if level == 2 else (
                    ticket.department_id.leader_id or company_managers
                )
                # user_tz: Odoo would store it in a second query per batch
                activity_vals.extend(
                    dict(activity_defaults, res_id=ticket.id, res_name=ticket.display_name,
                         summary=self._breach_summary(breach, user, summaries),
                         user_id=user.id, user_tz=user.tz)
                    for user in users
                )
                if users and ticket.department_id:
                    batch_digests[ticket.department_id, users].append((ticket, breach))
            if vals:
                vals["date_last_escalation"] = now
                by_values[tuple(sorted(vals.items()))].append(escalation.id)
                escalated.add(escalation.id)
        # sudo: the escalation state is written by this logic only
        Escalation = self.env["customer.feedback.escalation"].sudo()
        for vals, ids in by_values.items():
            Escalation.browse(ids).write(dict(vals))
        if stale := self.escalation_ids.filtered(lambda e: e.id not in escalated):
            # Found due with nothing due: a stale date (written in SQL...).
            # Recompute it, or every batch would find these tickets again.
            self.env.add_to_compute(Escalation._fields["next_escalation_date"], stale)
        if activity_vals:
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True, feedback_escalation=True
            ).create(activity_vals)
        for key, lines in batch_digests.items():
            digests[key].extend(lines)
        if post_now:
            self._post_escalation_digests(digests)

    @api.model
    def _post_escalation_digests(self, digests):
        """:param digests: dict (department, users) -> [(ticket, missed deadline)],
            a deadline being a key of ``DEADLINES``

        The activities on the tickets are already there: a digest that fails
        is logged, and the others are posted.
        """
        for (department, users), lines in digests.items():
            try:
                with self.env.cr.savepoint():
                    department._post_escalation_digest(users, lines)
            except psycopg2.OperationalError:
                raise
            except Exception:
                _logger.exception("Escalation digest of %s could not be posted", department)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # Odoo makes whoever gets an activity follow its record. Not for
        # escalations: the leader and the managers would then receive every
        # later message of every late ticket; the activity and the
        # department's message are how they are told.
        if self.env.context.get("feedback_escalation"):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _breach_summary(self, breach, user, summaries):
        """The summary of ``breach`` in ``user``'s language.

        :param summaries: dict language -> summaries, filled here: each
            language is translated once per batch
        """
        lang = self.env["res.lang"]._feedback_recipient_lang(user.partner_id, user.company_id)
        if lang not in summaries:
            summaries[lang] = in_lang(self, lang)._breach_summaries()
        return summaries[lang][breach]

    def _breach_summaries(self):
        """What each missed deadline is called, in the language of the context."""
        return {
            "response": self.env._("Response deadline missed"),
            "resolution": self.env._("Resolution deadline missed"),
            "promise": self.env._("Reply date promised to the customer missed"),
        }

    def _escalation_activity_defaults(self, now):
        """The values shared by all the escalation activities of a batch."""
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            # Odoo would compute it for each new activity from res_model_id
            "res_model": self._name,
            "activity_type_id": self.env["ir.model.data"]._xmlid_to_res_id(
                "mail.mail_activity_data_todo"
            ),
            "date_deadline": fields.Date.context_today(self, now),
        }

    def _feedback_managers(self):
        """Feedback managers per company of ``self`` (internal users only)."""
        group = self.env.ref("customer_feedback.group_feedback_manager")
        users = group.all_user_ids.filtered(lambda u: not u.share and u.active)
        return {
            company: users.filtered(lambda u, c=company: c in u.company_ids)
            for company in self.company_id
        }
