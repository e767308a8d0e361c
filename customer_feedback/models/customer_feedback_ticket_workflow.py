"""The workflow of a feedback ticket: a state machine enforced on the server.

Every change of state goes through ``_apply_transition``: buttons, crons,
controllers and other code call the ``action_*`` methods, which call it.
Writing ``state`` alone (a card dropped on a kanban column) runs the action
leading to that state; writing it any other way is refused.
"""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "classify": ({"new"}, "classified"),
    "assign": ({"new", "classified"}, "assigned"),
    "start": ({"assigned", "reopened", "escalated"}, "in_progress"),
    "resolve": ({"in_progress", "reopened", "escalated"}, "resolved"),
    "request_confirmation": ({"resolved"}, "waiting"),
    "close": ({"resolved", "waiting"}, "closed"),
    "reopen": ({"resolved", "waiting", "closed"}, "reopened"),
    "escalate": ({"classified", "assigned", "in_progress", "reopened"}, "escalated"),
    "cancel": (
        {"new", "classified", "assigned", "in_progress", "reopened", "escalated"},
        "cancelled",
    ),
    "reset": ({"cancelled"}, "new"),
}

# state -> the one action leading to it (a drop on a kanban column runs it)
# (each state is reached by one action only)
ACTION_TO = {target: action for action, (_sources, target) in TRANSITIONS.items()}
# actions that need more input than a drop gives: their button opens a wizard
WIZARD_ACTIONS = ("cancel", "escalate")

# state -> the field stamped with the time the ticket entered it
STATE_STAMPS = {
    "classified": "date_classified",
    "assigned": "date_assigned",
    "in_progress": "date_in_progress",
    "resolved": "date_resolved",
    "waiting": "date_waiting",
    "closed": "date_closed",
    "reopened": "date_reopened",
    "escalated": "date_escalated",
    "cancelled": "date_cancelled",
}

# A Python object cannot come from JSON-RPC: only this module can put it in
# the context, so a client cannot pass it to write the state directly.
_TRANSITION_TOKEN = object()


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    # ------------------------------------------------------------------
    # The one way to change state
    # ------------------------------------------------------------------

    def _apply_transition(self, action, values=None):
        """Move every ticket of ``self`` through ``action``.

        Checks that the action is allowed from each ticket's state and its
        preconditions (``_check_<action>``), stamps the time, writes the
        new state with ``values`` in one write, tracked in the chatter.

        The check holds across transactions without an explicit lock: the
        state is read from the ticket's row and written back to it, and of
        two transactions writing the same row in REPEATABLE READ, the second
        fails to serialize (Odoo retries a request or an RPC call, a
        scheduled job leaves the record for its next run; see
        tests/test_concurrency.py). The one check reading another record
        (the corrective action of ``close``) reads states it never leaves.
        """
        target = TRANSITIONS[action][1]
        self._check_transition_allowed(action)
        check = getattr(self, f"_check_{action}", None)
        if check:
            check()
        vals = dict(values or {}, state=target)
        if target in STATE_STAMPS:
            vals[STATE_STAMPS[target]] = fields.Datetime.now()
        self.with_context(feedback_transition=_TRANSITION_TOKEN).write(vals)
        return True

    def _check_transition_allowed(self, action):
        """Refuse ``action`` if a ticket of ``self`` is in a state it does not start from."""
        refused = self.filtered(lambda t: t.state not in TRANSITIONS[action][0])
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s is not allowed for %(tickets)s in state %(states)s.",
                    action=self._transition_label(action),
                    tickets=", ".join(refused.mapped("name")),
                    states=", ".join(sorted({labels[s] for s in refused.mapped("state")})),
                )
            )

    def _write_facts(self, vals):
        """Write fields that record what happened (times, the customer's
        answers, classification): only the code that owns them calls this.

        Users cannot write them (``RECORDED_FACTS``, in
        customer_feedback_ticket_recorded_facts.py): this is the code's way
        past that guard, with the rights of the current user otherwise.
        """
        return self.with_context(feedback_transition=_TRANSITION_TOKEN).write(vals)

    def _transition_label(self, action):
        return {
            "classify": self.env._("Classify"),
            "assign": self.env._("Assign"),
            "start": self.env._("Start"),
            "resolve": self.env._("Resolve"),
            "request_confirmation": self.env._("Ask for confirmation"),
            "close": self.env._("Close"),
            "reopen": self.env._("Reopen"),
            "escalate": self.env._("Escalate"),
            "cancel": self.env._("Cancel"),
            "reset": self.env._("Reset to new"),
        }[action]

    def _allowed_actions(self):
        """The actions allowed from the current state (used by the form)."""
        self.ensure_one()
        return [action for action, (sources, _t) in TRANSITIONS.items() if self.state in sources]

    def write(self, vals):
        if "state" in vals and self.env.context.get("feedback_transition") is not _TRANSITION_TOKEN:
            if set(vals) == {"state"} and not self.env.su:
                # a user's card dropped on a kanban column (code calls the actions)
                return self._move_to_state(vals["state"])
            raise UserError(
                self.env._(
                    "The state of a feedback ticket changes only through its actions "
                    "(Classify, Assign, Start, Resolve...), never by editing it."
                )
            )
        return super().write(vals)

    def _move_to_state(self, state):
        """Run the action leading to ``state``, with its checks: what a drop
        on a kanban column means. Refused with the state machine's message
        when the action does not start from a ticket's state; an action that
        needs more input is refused with the button that asks for it."""
        action = ACTION_TO.get(state)
        if not action:
            raise UserError(self.env._("A feedback ticket has no state %s.", state))
        self._check_transition_allowed(action)
        if action in WIZARD_ACTIONS:
            raise UserError(self._wizard_needed_message(action))
        getattr(self, f"action_{action}")()
        return True

    def _wizard_needed_message(self, action):
        return {
            "cancel": self.env._("Use the Cancel button: a reason is needed to cancel."),
            "escalate": self.env._(
                "Use the Escalate button: escalating needs a corrective action."
            ),
        }[action]

    def _check_create_state(self, vals_list):
        if any(vals.get("state", "new") != "new" for vals in vals_list):
            raise UserError(self.env._("A feedback ticket is always created in state New."))

    # ------------------------------------------------------------------
    # Preconditions
    # ------------------------------------------------------------------

    def _check_classify(self):
        missing = self.filtered(lambda t: not t.kind or not t.category_id)
        if missing:
            raise UserError(
                self.env._(
                    "Set the kind and the category before classifying %s.",
                    ", ".join(missing.mapped("name")),
                )
            )

    def _check_assign(self):
        missing = self.filtered(lambda t: not t.department_id)
        if missing:
            raise UserError(
                self.env._(
                    "Choose a department before assigning %s.", ", ".join(missing.mapped("name"))
                )
            )

    def _check_start(self):
        missing = self.filtered(lambda t: not t.user_id)
        if missing:
            raise UserError(
                self.env._(
                    "Assign somebody before starting %s.", ", ".join(missing.mapped("name"))
                )
            )

    def _check_resolve(self):
        missing = self.filtered(lambda t: is_html_empty(t.resolution))
        if missing:
            raise UserError(
                self.env._(
                    "Write the resolution before resolving %s.", ", ".join(missing.mapped("name"))
                )
            )

    def _check_close(self):
        # Whatever the kind: changing it must not open a way around the gate.
        blocked = self.filtered(
            lambda t: t.corrective_action_id
            and t.corrective_action_id.state not in ("done", "cancelled")
        )
        if not blocked:
            return
        if not self.env.context.get("force_close"):
            raise UserError(
                self.env._(
                    "The corrective action of %s is still open: close it first, "
                    "or ask a manager to force the closing.",
                    ", ".join(blocked.mapped("name")),
                )
            )
        if not self.env.user.has_group("customer_feedback.group_feedback_manager"):
            raise AccessError(self.env._("Only a feedback manager can force the closing."))

    def _check_cancel(self):
        missing = self.filtered(lambda t: not (t.cancel_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Give a reason to cancel %s.", ", ".join(missing.mapped("name"))
                )
            )

    # ------------------------------------------------------------------
    # Actions (buttons, crons and controllers call these)
    # ------------------------------------------------------------------

    def action_classify(self):
        """Confirm the kind and category of the feedback."""
        return self._apply_transition("classify")

    def action_assign(self):
        """Hand the ticket to its department (and assignee, if chosen)."""
        return self._apply_transition("assign")

    def action_start(self):
        """The assignee starts working on the ticket."""
        now = fields.Datetime.now()
        self._apply_transition("start")
        self.filtered(lambda t: not t.date_first_response)._write_facts(
            {"date_first_response": now}
        )
        return True

    def action_resolve(self):
        """Record the resolution, inform the customer and ask for confirmation."""
        self._apply_transition("resolve")
        self._send_resolution()
        return True

    def action_request_confirmation(self):
        """Ask the customer to accept or refuse the resolution."""
        # each company has its own confirmation delay
        for tickets in self.grouped("company_id").values():
            tickets._apply_transition("request_confirmation", tickets._confirmation_values())
        self._send_confirmation_request()
        return True

    def action_close(self, force=False):
        """Close the ticket; ``force`` lets a manager close a ticket whose
        corrective action is still open."""
        self.with_context(force_close=force)._apply_transition("close")
        self._send_closure()
        return True

    def action_force_close(self):
        """Button for managers: close even if the corrective action is open."""
        return self.action_close(force=True)

    def action_reopen(self, reason=None):
        """Put the ticket back to work (the customer refused, or wrote again)."""
        self._apply_transition("reopen", {"date_resolved": False, "confirmation_state": False})
        if reason:
            for ticket in self:
                ticket.message_post(
                    body=self.env._("Reopened: %s", reason), subtype_xmlid="mail.mt_note"
                )
        return True

    def action_escalate_to(self, corrective_action):
        """Attach the tickets to a corrective action and mark them escalated."""
        return self._apply_transition("escalate", {"corrective_action_id": corrective_action.id})

    def action_cancel_with_reason(self, reason):
        """Cancel the tickets, keeping why."""
        self.write({"cancel_reason": reason})
        return self._apply_transition("cancel")

    def action_reset(self):
        """Bring a cancelled ticket back to New."""
        return self._apply_transition("reset", {"cancel_reason": False})

    # Buttons that need more input open a wizard.

    def action_open_cancel_wizard(self):
        return self._open_wizard("customer.feedback.cancel.wizard", self.env._("Cancel Feedback"))

    def action_open_escalate_wizard(self):
        return self._open_wizard(
            "customer.feedback.escalate.wizard", self.env._("Escalate to a Corrective Action")
        )

    def action_open_refuse_wizard(self):
        return self._open_wizard(
            "customer.feedback.refuse.wizard", self.env._("Customer Refuses the Resolution")
        )

    def action_view_corrective_action(self):
        """Open the corrective action the ticket was escalated to."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.feedback.corrective.action",
            "res_id": self.corrective_action_id.id,
            "view_mode": "form",
        }

    def _open_wizard(self, model, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }
