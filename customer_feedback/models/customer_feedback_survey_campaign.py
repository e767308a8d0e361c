"""Satisfaction campaigns: the questionnaire sent to a segment of customers
on a schedule, by a cron, with a cool-down and the customers' opt-out."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

INTERVALS = {
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
}


class CustomerFeedbackSurveyCampaign(models.Model):
    _name = "customer.feedback.survey.campaign"
    _description = "Satisfaction Survey Campaign"
    _inherit = ["mail.thread"]
    _order = "next_run_date, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    survey_id = fields.Many2one(
        "survey.survey", "Questionnaire", required=True, tracking=True,
        default=lambda self: self.env.ref(
            "customer_feedback.survey_customer_satisfaction", raise_if_not_found=False),
    )
    partner_domain = fields.Char(
        "Customers", default="[('feedback_segment_id', '!=', False)]", required=True,
        help="Which customers receive the questionnaire.",
    )
    interval = fields.Selection(
        [("biweekly", "Every two weeks"), ("monthly", "Every month")],
        default="monthly", required=True, tracking=True,
    )
    next_run_date = fields.Datetime(
        "Next Sending", default=fields.Datetime.now, required=True, index=True, tracking=True,
    )
    cooldown_days = fields.Integer(
        "Cool-down (days)", default=30, required=True,
        help="A customer invited to any satisfaction survey less than this many days "
        "ago is skipped.",
    )
    satisfaction_ids = fields.One2many("customer.feedback.satisfaction", "campaign_id")
    sent_count = fields.Integer("Sent", compute="_compute_response_rate")
    answered_count = fields.Integer("Answered", compute="_compute_response_rate")
    response_rate = fields.Float("Response Rate (%)", compute="_compute_response_rate")

    def _compute_response_rate(self):
        Satisfaction = self.env["customer.feedback.satisfaction"]
        counts = {}
        for campaign, state, count in Satisfaction._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
        ):
            counts.setdefault(campaign, {})[state] = count
        for campaign in self:
            by_state = counts.get(campaign, {})
            campaign.sent_count = sum(by_state.values())
            campaign.answered_count = by_state.get("done", 0)
            sent = campaign.sent_count
            campaign.response_rate = 100.0 * campaign.answered_count / sent if sent else 0.0

    def _recipients(self, now):
        """The customers of the segment who may be invited at ``now``."""
        self.ensure_one()
        cooldown_start = now - timedelta(days=self.cooldown_days)
        domain = Domain(safe_eval(self.partner_domain or "[]")) & Domain.AND([
            [("company_id", "in", [False, self.company_id.id])],
            [("feedback_survey_opt_out", "=", False)],
            [("email", "!=", False)],
            ["|", ("feedback_last_survey_date", "=", False),
             ("feedback_last_survey_date", "<", cooldown_start)],
        ])
        partners = self.env["res.partner"].search(domain)
        return partners.filtered(lambda p: not p.is_blacklisted)

    def action_send_now(self):
        """Send the questionnaire now to the customers who may receive it."""
        now = fields.Datetime.now()
        for campaign in self:
            partners = campaign._recipients(now)
            self.env["customer.feedback.satisfaction"]._invite(
                campaign.survey_id, partners, campaign=campaign
            )
        return True

    @api.model
    def _cron_run_campaigns(self):
        """Send every campaign that is due, then plan its next sending."""
        now = fields.Datetime.now()
        for campaign in self.search([("next_run_date", "<=", now)]):
            campaign.action_send_now()
            next_run = campaign.next_run_date
            while next_run <= now:
                next_run += INTERVALS[campaign.interval]
            campaign.next_run_date = next_run
