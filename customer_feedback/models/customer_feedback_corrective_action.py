from odoo import api, fields, models
from odoo.exceptions import UserError


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
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "customer.feedback.corrective.action"
                ) or "/"
        return super().create(vals_list)

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_verify(self):
        missing = self.filtered(lambda a: not a.corrective_action or not a.root_cause)
        if missing:
            raise UserError(
                self.env._(
                    "Write the root cause and the corrective action of %s before verifying.",
                    ", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "verification"})

    def action_done(self):
        missing = self.filtered(lambda a: not a.verification)
        if missing:
            raise UserError(
                self.env._(
                    "Record the verification of %s before closing it.",
                    ", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "done", "date_done": fields.Datetime.now()})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_ticket_all"
        )
        action["domain"] = [("corrective_action_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
