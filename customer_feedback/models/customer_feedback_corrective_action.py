from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "start": ({"draft"}, "in_progress"),
    # an action already carried out when it is recorded goes straight to verification
    "verify": ({"draft", "in_progress"}, "verification"),
    "done": ({"verification"}, "done"),
    "cancel": ({"draft", "in_progress", "verification"}, "cancelled"),
}

# Written only by the actions below (``_apply_transition``), never by hand.
RECORDED_FACTS = frozenset({"state", "date_done", "verified_by_id", "date_verified"})

# A Python object cannot come from JSON-RPC: only this module can put it in
# the context.
_TRANSITION_TOKEN = object()


class CustomerFeedbackCorrectiveAction(models.Model):
    """Corrective and preventive action (ISO 9001 style) for serious complaints.

    Gathers the tickets about the same problem, its root cause, the action
    that corrects it, the action that prevents it coming back, and the
    verification that it worked.
    """

    _name = "customer.feedback.corrective.action"
    _description = "Corrective and Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_due, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    problem = fields.Char(required=True, tracking=True)
    description = fields.Html("Problem Description")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("verification", "Verification"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft", required=True, tracking=True, index=True, copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", "Owner", tracking=True, domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )
    department_id = fields.Many2one("customer.feedback.department", check_company=True)
    date_due = fields.Date("Due Date", tracking=True)
    root_cause = fields.Html()
    potential_causes = fields.Html()
    corrective_action = fields.Html()
    preventive_action = fields.Html()
    verification = fields.Html(help="How and by whom the actions were checked to work.")
    date_done = fields.Datetime("Done On", readonly=True, copy=False)
    verified_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True,
        help="The feedback manager who marked it done, having checked the verification.",
    )
    date_verified = fields.Datetime("Verified On", readonly=True, copy=False)
    ticket_ids = fields.One2many("customer.feedback.ticket", "corrective_action_id", "Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    def _compute_ticket_count(self):
        counts = dict(
            self.env["customer.feedback.ticket"]._read_group(
                [("corrective_action_id", "in", self.ids)], ["corrective_action_id"], ["__count"]
            )
        )
        for action in self:
            action.ticket_count = counts.get(action, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_owning_code():
            for vals in vals_list:
                facts = RECORDED_FACTS & set(vals) - {"state"}
                if facts or vals.get("state", "draft") != "draft":
                    raise AccessError(
                        self.env._("A corrective action is always created in Draft.")
                    )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "customer.feedback.corrective.action"
                ) or "/"
        return super().create(vals_list)

    def write(self, vals):
        if RECORDED_FACTS & set(vals) and not self._is_owning_code():
            raise AccessError(
                self.env._(
                    "The state of a corrective action changes only through its actions "
                    "(Start, To Verification, Done, Cancel), which record when and by whom."
                )
            )
        return super().write(vals)

    def _is_owning_code(self):
        # superuser: data files and Odoo's own code
        return self.env.su or self.env.context.get("feedback_transition") is _TRANSITION_TOKEN

    # ------------------------------------------------------------------
    # The one way to change state
    # ------------------------------------------------------------------

    def _apply_transition(self, action, values=None):
        """Move every action of ``self`` through ``action``, writing ``values`` too."""
        sources, target = TRANSITIONS[action]
        refused = self.filtered(lambda a: a.state not in sources)
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(actions)s cannot go to %(state)s from %(states)s.",
                    actions=", ".join(refused.mapped("name")),
                    state=labels[target],
                    states=", ".join(sorted({labels[s] for s in refused.mapped("state")})),
                )
            )
        self.with_context(feedback_transition=_TRANSITION_TOKEN).write(
            dict(values or {}, state=target)
        )
        return True

    def action_start(self):
        return self._apply_transition("start")

    def action_verify(self):
        missing = self.filtered(lambda a: not a.corrective_action or not a.root_cause)
        if missing:
            raise UserError(
                self.env._(
                    "Write the root cause and the corrective action of %s before verifying.",
                    ", ".join(missing.mapped("name")),
                )
            )
        return self._apply_transition("verify")

    def action_done(self):
        """A feedback manager checked the verification: the action is done,
        and who verified it and when is kept."""
        if not self.env.user.has_group("customer_feedback.group_feedback_manager"):
            raise AccessError(
                self.env._("Only a feedback manager can mark a corrective action done.")
            )
        missing = self.filtered(lambda a: is_html_empty(a.verification))
        if missing:
            raise UserError(
                self.env._(
                    "Record the verification of %s before closing it.",
                    ", ".join(missing.mapped("name")),
                )
            )
        now = fields.Datetime.now()
        return self._apply_transition("done", {
            "date_done": now, "date_verified": now, "verified_by_id": self.env.user.id,
        })

    def action_cancel(self):
        return self._apply_transition("cancel")

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_ticket_all"
        )
        action["domain"] = [("corrective_action_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
