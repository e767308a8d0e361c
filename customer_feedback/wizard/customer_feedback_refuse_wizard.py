from odoo import fields, models


class CustomerFeedbackRefuseWizard(models.TransientModel):
    """Record a refusal the customer gave by phone or in person."""

    _name = "customer.feedback.refuse.wizard"
    _description = "Customer Refuses the Resolution"

    ticket_ids = fields.Many2many(
        "customer.feedback.ticket",
        default=lambda self: self.env.context.get("active_ids"),
    )
    reason = fields.Text("Customer's Reason", required=True)

    def action_confirm(self):
        self.ticket_ids.action_customer_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
