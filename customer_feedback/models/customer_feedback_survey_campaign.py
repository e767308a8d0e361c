"""Satisfaction campaigns: the questionnaire sent to a segment of customers
on a schedule, by a cron, with a cool-down and the customers' opt-out.

The schedule follows the calendar from its anchor (the sending date set by
hand): monthly is the same day each month (the last day of a shorter month
for the 29th to the 31st), every two weeks is every 14 days. Each round
invites every eligible customer of the segment once. The cool-down protects
customers from the *other* questionnaires only (another campaign, a ticket's
questionnaire, an invitation recorded on the contact): the campaign's own
previous round never counts, so a round 28 days after the previous one
(February) still reaches everyone.
"""

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
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.feedback.scheduled.job"]
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
        help="Every month: on the same day each month as the sending date set by hand "
        "(the last day of a shorter month for the 29th to the 31st). Every two weeks: "
        "every 14 days from that date.",
    )
    next_run_date = fields.Datetime(
        "Next Sending", default=fields.Datetime.now, required=True, index=True, tracking=True,
        help="The next round. Setting it by hand (or changing the interval) starts the "
        "calendar again from that date.",
    )
    schedule_anchor = fields.Datetime(
        "Calendar Start", readonly=True, copy=False,
        help="The date the rounds are counted from: the last sending date set by hand.",
    )
    cooldown_days = fields.Integer(
        "Cool-down (days)", default=30, required=True,
        help="A customer invited less than this many days ago by another campaign, a "
        "ticket's questionnaire or by hand is skipped by this round. The campaign's own "
        "rounds do not count: each round invites every customer of the segment once, "
        "however short the time since the previous round.",
    )
    satisfaction_ids = fields.One2many("customer.feedback.satisfaction", "campaign_id")
    sent_count = fields.Integer("Sent", compute="_compute_response_rate")
    answered_count = fields.Integer("Answered", compute="_compute_response_rate")
    response_rate = fields.Float("Response Rate (%)", compute="_compute_response_rate")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("next_run_date") and "schedule_anchor" not in vals:
                vals["schedule_anchor"] = vals["next_run_date"]
        campaigns = super().create(vals_list)
        for campaign in campaigns.filtered(lambda c: not c.schedule_anchor):
            campaign.schedule_anchor = campaign.next_run_date
        return campaigns

    def write(self, vals):
        """A sending date or an interval set by hand restarts the calendar there."""
        if "schedule_anchor" in vals or not {"next_run_date", "interval"} & set(vals):
            return super().write(vals)
        if "next_run_date" in vals:
            return super().write(dict(vals, schedule_anchor=vals["next_run_date"]))
        for campaign in self:
            super(CustomerFeedbackSurveyCampaign, campaign).write(
                dict(vals, schedule_anchor=campaign.next_run_date)
            )
        return True

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

    # ------------------------------------------------------------------
    # Calendar
    # ------------------------------------------------------------------

    def _calendar_round(self, moment):
        """The round ``moment`` belongs to, on the campaign's calendar.

        :return: (the latest round date at or before ``moment``, the round
            date after it); each is the anchor plus a whole number of
            intervals, so the day of the month never drifts (31 January,
            28 February, 31 March...)
        """
        self.ensure_one()
        anchor = self.schedule_anchor or self.next_run_date
        step = INTERVALS[self.interval]
        count = 0
        while anchor + step * (count + 1) <= moment:
            count += 1
        while anchor + step * count > moment:
            count -= 1
        return anchor + step * count, anchor + step * (count + 1)

    # ------------------------------------------------------------------
    # Recipients
    # ------------------------------------------------------------------

    def _recipients(self, now, round_date=None):
        """The customers of the segment who may be invited at ``now``.

        Skipped: customers who opted out, without email or blacklisted, and
        those of ``_already_invited``.

        :param round_date: start of the round being sent; by default the
            latest date of the calendar at or before ``now``
        """
        self.ensure_one()
        if round_date is None:
            round_date = self._calendar_round(now)[0]
        domain = Domain(safe_eval(self.partner_domain or "[]")) & Domain.AND([
            [("company_id", "in", [False, self.company_id.id])],
            [("feedback_survey_opt_out", "=", False)],
            [("email", "!=", False)],
        ])
        partners = self.env["res.partner"].search(domain)
        partners -= self._already_invited(partners, now, round_date)
        return partners.filtered(lambda p: not p.is_blacklisted)

    def _already_invited(self, partners, now, round_date):
        """Those of ``partners`` this round must skip: the ones this campaign
        invited since ``round_date`` (they have the round), and the ones
        invited by anything else (another campaign, a ticket's questionnaire,
        a date recorded on the contact by hand or by an import) within the
        cool-down before ``now``. This campaign's earlier rounds never count
        against the cool-down."""
        cooldown_start = now - timedelta(days=self.cooldown_days)
        own = self._last_invitations(partners, [("campaign_id", "=", self.id)])
        others = self._last_invitations(partners, [
            "|", ("campaign_id", "=", False), ("campaign_id", "!=", self.id),
            ("date_sent", ">=", cooldown_start),
        ])

        def skip(partner):
            own_last = own.get(partner)
            if (own_last and own_last >= round_date) or partner in others:
                return True
            # The date on the contact counts unless it is this campaign's own
            # latest invitation (``_invite`` writes both at once).
            last = partner.feedback_last_survey_date
            recorded_elsewhere = last and (not own_last or last > own_last)
            return bool(recorded_elsewhere) and last >= cooldown_start

        return partners.filtered(skip)

    def _last_invitations(self, partners, domain):
        """partner -> date of their latest invitation matching ``domain``."""
        # sudo: every invitation counts, those of companies or tickets the
        # user running the campaign may not read too.
        Satisfaction = self.env["customer.feedback.satisfaction"].sudo()
        return dict(Satisfaction._read_group(
            Domain("partner_id", "in", partners.ids) & Domain(domain),
            ["partner_id"], ["date_sent:max"],
        ))

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _send_round(self, now, round_date):
        """Invite the customers who may receive the round started at ``round_date``."""
        self.ensure_one()
        partners = self._recipients(now, round_date)
        return self.env["customer.feedback.satisfaction"]._invite(
            self.survey_id, partners, campaign=self
        )

    def action_send_now(self):
        """Send the questionnaire now to the customers who may receive it:
        those who did not get the current round yet (the one started at the
        latest date of the calendar). The schedule does not change."""
        now = fields.Datetime.now()
        for campaign in self:
            campaign._send_round(now, campaign._calendar_round(now)[0])
        return True

    def _run_round(self, now):
        """Send the campaign's due round and plan the next one on the calendar.

        Rounds missed while the cron did not run are not sent one by one:
        the latest is sent, to the customers who have not received it.
        """
        self.ensure_one()
        round_date, next_round = self._calendar_round(now)
        self._send_round(now, round_date)
        self.write({
            "next_run_date": next_round,
            "schedule_anchor": self.schedule_anchor or round_date,
        })

    @api.model
    def _cron_run_campaigns(self):
        """Send every campaign that is due, then plan its next sending.

        A campaign that fails (a segment that no longer reads, a questionnaire
        gone...) stays due, its manager is told, and the others are sent.
        """
        now = fields.Datetime.now()
        self._run_isolated(
            self.search([("next_run_date", "<=", now)]),
            lambda campaigns: campaigns._run_rounds(now),
            "customer_feedback.ir_cron_run_survey_campaigns",
        )

    def _run_rounds(self, now):
        for campaign in self:
            campaign._run_round(now)
