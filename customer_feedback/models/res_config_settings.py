from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    feedback_confirmation_days = fields.Integer(
        related="company_id.feedback_confirmation_days", readonly=False
    )
    feedback_escalation_delay_hours = fields.Float(
        related="company_id.feedback_escalation_delay_hours", readonly=False
    )
    feedback_create_contacts = fields.Boolean(
        related="company_id.feedback_create_contacts", readonly=False
    )
    feedback_reopen_days = fields.Integer(related="company_id.feedback_reopen_days", readonly=False)
    feedback_low_score_action = fields.Selection(
        related="company_id.feedback_low_score_action", readonly=False
    )
    feedback_send_acknowledgement = fields.Boolean(
        related="company_id.feedback_send_acknowledgement", readonly=False
    )
    feedback_portal_share_commercial = fields.Boolean(
        related="company_id.feedback_portal_share_commercial", readonly=False
    )
    feedback_at_risk_percent = fields.Float(
        related="company_id.feedback_at_risk_percent", readonly=False
    )
    feedback_policy = fields.Html(related="company_id.feedback_policy", readonly=False)

    def action_feedback_policy_load_default(self):
        """Replace the company's complaint policy by the standard one, in
        every active language, for the manager to adapt it."""
        self.ensure_one()
        self.company_id._feedback_policy_load_default()
        return {"type": "ir.actions.client", "tag": "reload"}
