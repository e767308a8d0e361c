from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    feedback_ticket_ids = fields.One2many(
        "customer.feedback.ticket", "lead_id", "Feedback Tickets"
    )
    feedback_count = fields.Integer(compute="_compute_feedback_count")

    def _compute_feedback_count(self):
        counts = dict(
            self.env["customer.feedback.ticket"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.feedback_count = counts.get(lead, 0)

    def action_view_feedback(self):
        """Open the feedback tickets of this opportunity."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_ticket_all"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
