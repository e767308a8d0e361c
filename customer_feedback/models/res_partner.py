from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools.language import in_lang
from .customer_feedback_satisfaction import NPS_CATEGORIES

# Who reads a customer's satisfaction summary: the feedback team (each agent
# reads only their departments' answers, the summary covers all of them).
SATISFACTION_GROUP = "customer_feedback.group_feedback_user"

CARE_INTERVALS = {
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "customer.feedback.scheduled.job"]

    feedback_segment_id = fields.Many2one(
        "customer.feedback.segment", "Care Segment", index="btree_not_null",
        help="Key account, SME, loyal customer... Some segments raise the priority "
        "of the feedback the customer sends.",
    )
    feedback_ticket_ids = fields.One2many(
        "customer.feedback.ticket", "partner_id", "Feedback Tickets"
    )
    feedback_count = fields.Integer("Feedback", compute="_compute_feedback_stats")
    feedback_open_count = fields.Integer("Open Feedback", compute="_compute_feedback_stats")
    feedback_complaint_count = fields.Integer("Complaints", compute="_compute_feedback_stats")
    feedback_last_date = fields.Datetime("Last Feedback", compute="_compute_feedback_stats")

    # Satisfaction: the customer's summary of the answers, for the feedback
    # team only (the answers themselves are refused to other employees).
    feedback_satisfaction_ids = fields.One2many(
        "customer.feedback.satisfaction", "partner_id", "Satisfaction Surveys",
        groups=SATISFACTION_GROUP,
    )
    feedback_survey_opt_out = fields.Boolean(
        "No Satisfaction Surveys", help="The customer asked not to receive questionnaires."
    )
    feedback_last_survey_date = fields.Datetime(
        "Last Survey Sent", readonly=True, index="btree_not_null", copy=False,
        groups=SATISFACTION_GROUP,
    )
    feedback_csat_last = fields.Float(
        "Latest Satisfaction", compute="_compute_feedback_satisfaction", store=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_csat_avg = fields.Float(
        "Average Satisfaction", compute="_compute_feedback_satisfaction", store=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_nps_category = fields.Selection(
        NPS_CATEGORIES, "NPS Category", compute="_compute_feedback_satisfaction", store=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_survey_count = fields.Integer(
        "Surveys Answered", compute="_compute_feedback_satisfaction", store=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_is_dissatisfied = fields.Boolean(
        "Dissatisfied", compute="_compute_feedback_satisfaction", store=True,
        index="btree_not_null", help="The latest questionnaire answered shows a low score.",
        groups=SATISFACTION_GROUP,
    )
    # Care rhythm
    feedback_care_interval = fields.Selection(
        [("biweekly", "Every two weeks"), ("monthly", "Every month")],
        "Happy Call", help="How often the customer is called to check all is well.",
    )
    feedback_next_care_date = fields.Date("Next Happy Call", index="btree_not_null")

    @api.depends(
        "feedback_satisfaction_ids.state", "feedback_satisfaction_ids.csat",
        "feedback_satisfaction_ids.has_csat", "feedback_satisfaction_ids.nps_category",
        "feedback_satisfaction_ids.is_dissatisfied", "feedback_satisfaction_ids.date_answered",
    )
    def _compute_feedback_satisfaction(self):
        for partner in self:
            answered = partner.feedback_satisfaction_ids.filtered(
                lambda s: s.state == "done"
            ).sorted(lambda s: (s.date_answered or s.date_sent, s.id), reverse=True)
            scored = answered.filtered("has_csat")
            latest = answered[:1]
            partner.feedback_survey_count = len(answered)
            partner.feedback_csat_last = scored[:1].csat
            partner.feedback_csat_avg = (
                sum(scored.mapped("csat")) / len(scored) if scored else 0.0
            )
            partner.feedback_nps_category = answered.filtered("nps_category")[:1].nps_category
            partner.feedback_is_dissatisfied = bool(latest.is_dissatisfied)

    @api.model
    def _cron_plan_happy_calls(self, today=None):
        """Prepare this month's care list: a happy-call activity per call due.

        Runs daily; only what is due this month and not yet planned is added,
        so the list is complete from the first run of the month on, well
        before the 10th. A customer whose calls cannot be planned is left for
        the next run, and the others are planned (see customer.feedback.scheduled.job).
        """
        today = today or fields.Date.context_today(self)
        month_end = date(today.year, today.month, 1) + relativedelta(months=1, days=-1)
        partners = self.search([
            ("feedback_care_interval", "!=", False),
            ("feedback_next_care_date", "!=", False),
            ("feedback_next_care_date", "<=", month_end),
        ])
        fallback = self.env["customer.feedback.department"]._get_fallback(
            partners.company_id | self.env.company
        )
        self._run_isolated(
            partners,
            lambda batch: batch._plan_happy_calls(today, month_end, fallback),
            "customer_feedback.ir_cron_plan_happy_calls",
        )

    def _plan_happy_calls(self, today, month_end, fallback):
        """The happy-call activities of ``self`` due by ``month_end``.

        :param fallback: company -> fallback department, whose leader calls
            the customers without a salesperson
        """
        activity_type = self.env.ref("customer_feedback.mail_activity_type_happy_call")
        no_department = self.env["customer.feedback.department"]
        for partner in self:
            company = partner.company_id or self.env.company
            caller = partner.user_id or fallback.get(company, no_department).leader_id
            caller = caller or self.env.user
            # the activity's summary and note are the type's, in the caller's
            # language (the language of the context when they are read)
            lang = self.env["res.lang"]._feedback_recipient_lang(caller.partner_id, company)
            due = partner.feedback_next_care_date
            interval = CARE_INTERVALS[partner.feedback_care_interval]
            while due + interval <= today:  # calls missed: only the latest is made
                due += interval
            while due <= month_end:
                in_lang(partner, lang).activity_schedule(
                    activity_type_id=activity_type.id, date_deadline=max(due, today),
                    user_id=caller.id,
                )
                due += interval
            partner.feedback_next_care_date = due

    def action_view_care_list(self):
        """The customers to call this month."""
        today = fields.Date.context_today(self)
        month_start = date(today.year, today.month, 1)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Care List"),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [
                ("activity_type_id", "=",
                 self.env.ref("customer_feedback.mail_activity_type_happy_call").id),
                ("date_deadline", ">=", month_start),
                ("date_deadline", "<", month_start + relativedelta(months=1)),
            ],
        }

    @api.depends_context("allowed_company_ids")
    def _compute_feedback_stats(self):
        """Counters over the whole commercial entity (company and its contacts)."""
        Ticket = self.env["customer.feedback.ticket"]
        commercial = self.commercial_partner_id
        domain = [("commercial_partner_id", "in", commercial.ids)]
        stats = {
            partner: (count, last)
            for partner, count, last in Ticket._read_group(
                domain, ["commercial_partner_id"], ["__count", "date_received:max"]
            )
        }
        open_counts = dict(Ticket._read_group(
            domain + [("state", "in", Ticket.OPEN_STATES)], ["commercial_partner_id"], ["__count"]
        ))
        complaints = dict(Ticket._read_group(
            domain + [("kind", "=", "complaint")], ["commercial_partner_id"], ["__count"]
        ))
        for partner in self:
            key = partner.commercial_partner_id
            count, last = stats.get(key, (0, False))
            partner.feedback_count = count
            partner.feedback_last_date = last
            partner.feedback_open_count = open_counts.get(key, 0)
            partner.feedback_complaint_count = complaints.get(key, 0)

    def action_view_feedback(self):
        """Open the feedback of this customer (and its contacts)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_ticket_all"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_filter_open": 0,
        }
        return action
