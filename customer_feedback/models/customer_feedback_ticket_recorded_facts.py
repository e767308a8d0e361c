"""The ticket's recorded facts: the fields that record what happened.

The times of the workflow, the first response, the customer's answers, what
the automatic classification found, what is computed from them (deadlines,
durations, on time or not), the corrective action the ticket was escalated
to, the review flag of the mail intake and the ticket a message continues.
The statistics (on-time rates, classification accuracy, escalations) are
built on them, so users never write them, through any route: a view's
``readonly`` is no protection, ``write`` and ``create`` can be called over
JSON-RPC.

Only the code that owns a fact writes it: through ``_write_facts`` or
``_apply_transition`` (customer_feedback_ticket_workflow.py), or as
superuser (the mail gateway, the public form, the portal, the crons run
sudo). Every superuser path chooses these values itself and passes no value
a visitor typed (test_recorded_facts checks the portal and the public form).

A feedback manager may correct some facts afterwards, where a correction
makes sense (``RECORDED_FACTS`` says which); each correction is posted in
the ticket's chatter, old value → new value.

The reception date is the one fact a user gives: whoever records feedback
that came earlier (by phone, in person, from a survey, the press...) types
when it came, at creation, for the channels of ``TYPED_RECEPTION_CHANNELS``.
Email and the web form are received by the system itself: their date is the
time of creation. Nobody gives a reception date in the future.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from .customer_feedback_ticket_workflow import _TRANSITION_TOKEN

NOBODY = "nobody"
MANAGER = "manager"  # a feedback manager may correct it, tracked
MANAGER_DETACH = "manager_detach"  # a feedback manager may only empty it, tracked

# field -> who may correct it once recorded
RECORDED_FACTS = {
    # the time of each step: the workflow (_apply_transition, STATE_STAMPS)
    "date_classified": NOBODY,
    "date_assigned": NOBODY,
    "date_in_progress": NOBODY,
    "date_resolved": NOBODY,
    "date_waiting": NOBODY,
    "date_closed": NOBODY,
    "date_reopened": NOBODY,
    "date_escalated": NOBODY,
    "date_cancelled": NOBODY,
    # action_start, or the first public answer of an employee (message_post)
    "date_first_response": NOBODY,
    # typed at creation for some channels (see above); a manager corrects
    # a date typed wrongly
    "date_received": MANAGER,
    # the customer's answers: customer_feedback_ticket_confirmation.py
    "confirmation_state": NOBODY,
    "confirmation_note": NOBODY,
    "date_confirmation_deadline": NOBODY,
    "confirmation_round": NOBODY,  # the links of each round answer for it only
    # what the automatic classification found: the mail intake, the web form
    "auto_kind": NOBODY,
    "auto_category_id": NOBODY,
    "classification_keywords": NOBODY,
    "classification_confidence": NOBODY,
    "is_auto_classified": NOBODY,
    # computed from the facts above: never typed
    "classification_corrected": NOBODY,
    "date_response_deadline": NOBODY,
    "date_resolution_deadline": NOBODY,
    "date_next_deadline": NOBODY,
    "deadline_status": NOBODY,
    "deadline_status_deadline": NOBODY,
    "date_deadline_status_next": NOBODY,
    "response_hours": NOBODY,
    "resolution_hours": NOBODY,
    "response_on_time": NOBODY,
    "resolution_on_time": NOBODY,
    # set by escalating (action_escalate_to, the escalate wizard); a manager
    # may detach a ticket escalated by mistake
    "corrective_action_id": MANAGER_DETACH,
    # the escalation cron's state (customer.feedback.escalation)
    "escalation_ids": NOBODY,
    # the mail intake; a manager marks a ticket reviewed, or links a ticket
    # to the one it really continues
    "needs_review": MANAGER,
    "review_reason": NOBODY,
    "parent_ticket_id": MANAGER,
    # the public form: a sender whose email or phone is an existing
    # customer's is linked only after proof (customer_feedback_ticket_web_form.py)
    "sender_unverified": NOBODY,
    "suggested_partner_id": NOBODY,
    # the merge of duplicates (customer_feedback_ticket_merge.py)
    "merged_into_id": NOBODY,
}

# channels whose reception date the creator types (see the module's doc)
TYPED_RECEPTION_CHANNELS = frozenset(
    {"hotline", "in_person", "event_survey", "mass_media", "third_party", "other"}
)

# the clocks of the browser and the server may differ a little
CLOCK_TOLERANCE = timedelta(minutes=5)


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    def _is_owning_code(self):
        """True when the code that owns the recorded facts is writing."""
        return self.env.su or self.env.context.get("feedback_transition") is _TRANSITION_TOKEN

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_owning_code():
            for vals in vals_list:
                self._check_facts_at_create(vals)
        return super().create(vals_list)

    def write(self, vals):
        if self._is_owning_code():
            return super().write(vals)
        corrected = self._check_fact_corrections(vals)
        if not corrected:
            return super().write(vals)
        old_values = {ticket: ticket._fact_display_values(corrected) for ticket in self}
        result = super().write(vals)
        self._post_fact_corrections(corrected, old_values)
        return result

    def _check_facts_at_create(self, vals):
        facts = set(RECORDED_FACTS) & set(vals)
        if "date_received" in facts:
            facts.discard("date_received")
            channel = vals.get("channel") or self.default_get(["channel"]).get("channel")
            if channel not in TYPED_RECEPTION_CHANNELS:
                raise UserError(
                    self.env._(
                        "Feedback received by email or through the web form is dated by "
                        "the system: its reception date cannot be given."
                    )
                )
            self._check_date_received(vals["date_received"])
        if facts:
            self._raise_recorded_facts(facts)

    def _check_fact_corrections(self, vals):
        """The recorded facts ``vals`` corrects, when the user may.

        :raise AccessError: for a fact the user may not write
        """
        facts = set(RECORDED_FACTS) & set(vals)
        if not facts:
            return set()
        is_manager = self.env.user.has_group("customer_feedback.group_feedback_manager")
        refused = {
            fname for fname in facts
            if not is_manager
            or RECORDED_FACTS[fname] == NOBODY
            or (RECORDED_FACTS[fname] == MANAGER_DETACH and vals[fname])
        }
        if refused:
            self._raise_recorded_facts(refused)
        if "date_received" in facts:
            self._check_date_received(vals["date_received"])
        return facts

    def _check_date_received(self, value):
        if value and fields.Datetime.to_datetime(value) > fields.Datetime.now() + CLOCK_TOLERANCE:
            raise UserError(self.env._("The reception date cannot be in the future."))

    def _raise_recorded_facts(self, fnames):
        labels = sorted(self._fields[fname].get_description(self.env)["string"]
                        for fname in fnames)
        raise AccessError(
            self.env._(
                "%(fields)s record what happened to the feedback: they are set by the "
                "application (the workflow, the customer's answers, the automatic "
                "classification), never by hand. Only a feedback manager may correct "
                "the reception date, the review flag, the previous ticket, or detach "
                "the corrective action.",
                fields=", ".join(labels),
            )
        )

    def _fact_display_values(self, fnames):
        """{field: value as shown} of this ticket, for the correction note."""
        self.ensure_one()
        values = {}
        for fname in fnames:
            field = self._fields[fname]
            value = self[fname]
            if field.type == "many2one":
                value = value.display_name
            elif field.type == "datetime" and value:
                value = format_datetime(self.env, value)
            elif field.type == "selection" and value:
                value = dict(field._description_selection(self.env)).get(value, value)
            elif field.type == "boolean":
                value = self.env._("Yes") if value else self.env._("No")
            values[fname] = value or self.env._("(empty)")
        return values

    def _post_fact_corrections(self, fnames, old_values):
        """One note per ticket: who corrected which fact, old → new."""
        for ticket in self:
            new_values = ticket._fact_display_values(fnames)
            lines = Markup().join(
                Markup("<li>%s</li>") % self.env._(
                    "%(field)s: %(old)s → %(new)s",
                    field=self._fields[fname].get_description(self.env)["string"],
                    old=old_values[ticket][fname],
                    new=new_values[fname],
                )
                for fname in sorted(fnames)
            )
            header = self.env._("Recorded facts corrected by %s:", self.env.user.name)
            ticket.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (header, lines),
                subtype_xmlid="mail.mt_note",
            )
