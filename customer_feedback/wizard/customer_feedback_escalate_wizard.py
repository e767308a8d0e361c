from odoo import api, fields, models


class CustomerFeedbackEscalateWizard(models.TransientModel):
    """Escalate serious complaints into a new or an existing corrective action."""

    _name = "customer.feedback.escalate.wizard"
    _description = "Escalate to a Corrective Action"

    ticket_ids = fields.Many2many(
        "customer.feedback.ticket",
        default=lambda self: self.env.context.get("active_ids"),
    )
    mode = fields.Selection(
        [("new", "New corrective action"), ("existing", "Existing corrective action")],
        default="new", required=True,
    )
    corrective_action_id = fields.Many2one(
        "customer.feedback.corrective.action",
        domain=[("state", "not in", ("done", "cancelled"))],
    )
    problem = fields.Char(compute="_compute_problem", store=True, readonly=False)

    @api.depends("ticket_ids")
    def _compute_problem(self):
        for wizard in self:
            wizard.problem = wizard.ticket_ids[:1].title

    def action_confirm(self):
        self.ensure_one()
        corrective_action = self.corrective_action_id
        if self.mode == "new" or not corrective_action:
            first = self.ticket_ids[:1]
            corrective_action = self.env["customer.feedback.corrective.action"].create({
                "problem": self.problem or first.title,
                "description": first.description,
                "company_id": first.company_id.id or self.env.company.id,
                "department_id": first.department_id.id,
            })
        self.ticket_ids.action_escalate_to(corrective_action)
        return {
            "type": "ir.actions.act_window",
            "res_model": corrective_action._name,
            "res_id": corrective_action.id,
            "view_mode": "form",
        }
