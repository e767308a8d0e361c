from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.language import in_lang
from .customer_feedback_satisfaction import NPS_CATEGORIES

# Who reads a customer's satisfaction summary: the feedback team (each agent
# reads only their departments' answers, the summary covers all of them).
SATISFACTION_GROUP = "customer_feedback.group_feedback_user"

# field -> (key in the stored summary, value without answers)
SATISFACTION_SUMMARY_FIELDS = {
    "feedback_survey_count": ("count", 0),
    "feedback_csat_last": ("csat_last", 0.0),
    "feedback_csat_avg": ("csat_avg", 0.0),
    "feedback_nps_category": ("nps_category", False),
    "feedback_is_dissatisfied": ("dissatisfied", False),
}
SUMMARY_SQL_TYPES = {"integer": "int4", "float": "float8", "selection": "text",
                     "boolean": "bool"}
SUMMARY_SQL_OPERATORS = ("in", "not in", "<", "<=", ">", ">=")

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
    # The summary is kept per company: a contact shared by the companies (no
    # company on it) is surveyed by each of them, and company B's team must
    # not read what the customer answered company A (the same reasoning as
    # the answers' multi-company rule). The answers of every company are
    # summed up in one stored column (kept current by the ORM's triggers);
    # the fields below read the part of the reader's current company, like
    # Odoo's company-dependent fields do (computed as superuser, as they read
    # the administrators' column; their own groups keep them to the team).
    feedback_satisfaction_summary = fields.Json(
        compute="_compute_feedback_satisfaction_summary", store=True,
        groups="base.group_system",
    )
    feedback_csat_last = fields.Float(
        "Latest Satisfaction", compute="_compute_feedback_satisfaction",
        search="_search_feedback_csat_last", compute_sudo=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_csat_avg = fields.Float(
        "Average Satisfaction", compute="_compute_feedback_satisfaction",
        search="_search_feedback_csat_avg", compute_sudo=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_nps_category = fields.Selection(
        NPS_CATEGORIES, "NPS Category", compute="_compute_feedback_satisfaction",
        search="_search_feedback_nps_category", compute_sudo=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_survey_count = fields.Integer(
        "Surveys Answered", compute="_compute_feedback_satisfaction",
        search="_search_feedback_survey_count", compute_sudo=True,
        groups=SATISFACTION_GROUP,
    )
    feedback_is_dissatisfied = fields.Boolean(
        "Dissatisfied", compute="_compute_feedback_satisfaction",
        search="_search_feedback_is_dissatisfied", compute_sudo=True,
        help="The latest questionnaire answered to this company shows a low score.",
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
        "feedback_satisfaction_ids.company_id",
    )
    def _compute_feedback_satisfaction_summary(self):
        """{company id: that company's summary} of the answered questionnaires.

        Computed as superuser (stored computed field): it sums up every
        company's answers; each reader gets their company's part only.
        """
        for partner in self:
            answered = partner.feedback_satisfaction_ids.filtered(lambda s: s.state == "done")
            partner.feedback_satisfaction_summary = {
                str(company.id): answered.filtered(
                    lambda s, company=company: s.company_id == company
                )._satisfaction_summary()
                for company in answered.company_id
            } or False

    @api.depends("feedback_satisfaction_summary")
    @api.depends_context("company")
    def _compute_feedback_satisfaction(self):
        company_key = str(self.env.company.id)
        for partner in self:
            summary = (partner.feedback_satisfaction_summary or {}).get(company_key, {})
            for fname, (key, default) in SATISFACTION_SUMMARY_FIELDS.items():
                partner[fname] = summary.get(key) or default

    def _search_feedback_csat_last(self, operator, value):
        return self._search_satisfaction_summary("feedback_csat_last", operator, value)

    def _search_feedback_csat_avg(self, operator, value):
        return self._search_satisfaction_summary("feedback_csat_avg", operator, value)

    def _search_feedback_nps_category(self, operator, value):
        return self._search_satisfaction_summary("feedback_nps_category", operator, value)

    def _search_feedback_survey_count(self, operator, value):
        return self._search_satisfaction_summary("feedback_survey_count", operator, value)

    def _search_feedback_is_dissatisfied(self, operator, value):
        return self._search_satisfaction_summary("feedback_is_dissatisfied", operator, value)

    def _search_satisfaction_summary(self, fname, operator, value):
        """The contacts whose summary for the current company matches, in SQL.

        A contact without answers to this company reads the field's empty
        value (0, False), as the computed field does.
        """
        if operator not in SUMMARY_SQL_OPERATORS:
            return NotImplemented
        # Odoo checks the groups of the stored fields a domain uses; this one
        # is computed: the same check, so that a filter does not reveal it
        self._check_field_access(self._fields[fname], "read")
        key, default = SATISFACTION_SUMMARY_FIELDS[fname]
        cast = SUMMARY_SQL_TYPES[self._fields[fname].type]
        self.flush_model(["feedback_satisfaction_summary"])
        empty = "" if cast == "text" else default
        summary_value = SQL(
            "COALESCE((%s -> %s ->> %s)::%s, %s)",
            SQL.identifier("res_partner", "feedback_satisfaction_summary"),
            str(self.env.company.id), key, SQL(cast), empty,
        )
        if operator in ("in", "not in"):
            values = tuple(empty if item is False else item for item in value) or (None,)
            condition = SQL("%s %s %s", summary_value, SQL(operator.upper()), values)
        else:
            condition = SQL("%s %s %s", summary_value, SQL(operator), value)
        return [("id", "in", SQL("(SELECT id FROM res_partner WHERE %s)", condition))]

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
