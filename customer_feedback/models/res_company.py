from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    feedback_confirmation_days = fields.Integer(
        "Confirmation Delay (days)", default=7,
        help="Days a customer has to accept or refuse a resolution before the ticket "
        "closes by itself.",
    )
    feedback_escalation_delay_hours = fields.Float(
        "Escalation to Managers (hours)", default=24.0,
        help="Hours after the department leader was alerted of a missed deadline "
        "before the feedback managers are.",
    )
    feedback_send_acknowledgement = fields.Boolean(
        "Acknowledge New Feedback", default=True,
        help="Email the customer the reference and the deadline of each new ticket.",
    )
