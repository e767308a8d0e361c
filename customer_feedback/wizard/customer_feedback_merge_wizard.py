from odoo import api, fields, models


class CustomerFeedbackMergeWizard(models.TransientModel):
    """Merge duplicate tickets of one customer into the one kept.

    Opened from the list (the tickets selected) or from a ticket's form (the
    ticket and the other tickets of its customer still handled, for the
    agent to keep or remove). The rules and what moves are the ticket's
    (models/customer_feedback_ticket_merge.py).
    """

    _name = "customer.feedback.merge.wizard"
    _description = "Merge Feedback Tickets"

    ticket_ids = fields.Many2many(
        "customer.feedback.ticket", string="Tickets to Merge", required=True,
        default=lambda self: self._default_ticket_ids(),
    )
    survivor_id = fields.Many2one(
        "customer.feedback.ticket", "Ticket to Keep", compute="_compute_survivor_id",
        store=True, readonly=False, required=True, precompute=True,
        help="The other tickets are merged into this one and cancelled. "
        "By default the oldest ticket still open.",
    )

    @api.model
    def _default_ticket_ids(self):
        if self.env.context.get("active_model") != "customer.feedback.ticket":
            return []
        tickets = self.env["customer.feedback.ticket"].browse(
            self.env.context.get("active_ids") or []
        ).exists()
        if len(tickets) == 1:
            tickets |= tickets._merge_candidates()
        return tickets.ids

    @api.depends("ticket_ids")
    def _compute_survivor_id(self):
        for wizard in self:
            if wizard.survivor_id not in wizard.ticket_ids._origin:
                wizard.survivor_id = wizard.ticket_ids._origin._merge_default_survivor()

    def action_merge(self):
        self.ensure_one()
        survivor = self.ticket_ids._merge_into(self.survivor_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": survivor._name,
            "res_id": survivor.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
