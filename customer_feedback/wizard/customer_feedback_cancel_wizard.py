from odoo import fields, models


class CustomerFeedbackCancelWizard(models.TransientModel):
    _name = "customer.feedback.cancel.wizard"
    _description = "Cancel Feedback Tickets"

    ticket_ids = fields.Many2many(
        "customer.feedback.ticket",
        default=lambda self: self.env.context.get("active_ids"),
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ticket_ids.action_cancel_with_reason(self.reason)
        return {"type": "ir.actions.act_window_close"}
