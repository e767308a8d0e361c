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
    feedback_create_contacts = fields.Boolean(
        "Create Contacts from Emails", default=True,
        help="An email from an unknown address creates a contact; otherwise the "
        "ticket keeps the sender's name and address only.",
    )
    feedback_reopen_days = fields.Integer(
        "Reopen on Reply (days)", default=30,
        help="A customer's reply to a ticket closed less than this many days ago "
        "reopens it; a later reply starts a new ticket linked to the old one.",
    )
    feedback_low_score_action = fields.Selection(
        [("activity", "An activity for the department leader"),
         ("ticket", "A new complaint ticket")],
        "Low Score Follow-up", default="activity", required=True,
        help="What a dissatisfied answer to a satisfaction questionnaire starts.",
    )
    feedback_send_acknowledgement = fields.Boolean(
        "Acknowledge New Feedback", default=True,
        help="Email the customer the reference and the deadline of each new ticket.",
    )
    feedback_portal_share_commercial = fields.Boolean(
        "Colleagues See Each Other's Feedback",
        help="On the customer portal, the contacts of a customer company see all the "
        "feedback of that company, not only their own.",
    )
    feedback_at_risk_percent = fields.Float(
        "At Risk Below (% of Allowed Time Left)", default=25.0,
        help="An open ticket is at risk when less than this share of the time its "
        "priority level allows for the response (or the resolution) is left.",
    )
