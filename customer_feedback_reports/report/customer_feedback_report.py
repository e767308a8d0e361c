"""Feedback statistics: one row per ticket, on an SQL view, for pivot and graph.

Times are measured in hours from the reception of the ticket. Deadline
compliance is a 0 / 100 measure per ticket, so that its average in a pivot or
graph reads directly as a percentage; it is empty (left out of the average)
while it cannot be judged yet: no response yet but the deadline still ahead,
or a ticket closed or cancelled without the step.

Satisfaction comes from the satisfaction questionnaires answered about the
ticket (their average when there are several) and, without one, from the
one-click rating of the closing email (Dissatisfied / Okay / Satisfied read
as 0 / 50 / 100 on the same 0-100 scale as the questionnaires' CSAT). The NPS
measure is +100 for a promoter, 0 for a passive and -100 for a detractor:
its average is the Net Promoter Score. A ticket's NPS category is that of
its (average) would-recommend answer.
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_feedback.models.customer_feedback_satisfaction import NPS_CATEGORIES
from odoo.addons.customer_feedback.models.customer_feedback_ticket import (
    CHANNELS,
    KINDS,
    STATES,
)


class CustomerFeedbackReport(models.Model):
    _name = "customer.feedback.report"
    _description = "Feedback Statistics"
    _inherit = ["customer.feedback.my.departments.mixin"]
    _auto = False
    _rec_name = "name"
    _order = "date_received desc, id desc"
    # What the view reads: flushed before any search or read on the view.
    _depends = {
        "customer.feedback.ticket": [
            "name", "title", "date_received", "date_first_response", "date_resolved",
            "date_closed", "date_promised", "date_response_deadline",
            "date_resolution_deadline", "date_next_deadline", "company_id", "department_id",
            "category_id", "kind", "channel", "priority_id", "state", "user_id",
            "user_received_id", "team_id",
            "partner_id", "commercial_partner_id", "is_urgent", "rating_last_value",
            "response_hours", "resolution_hours", "response_on_time", "resolution_on_time",
        ],
        "customer.feedback.satisfaction": ["ticket_id", "csat", "has_csat", "nps_score",
                                           "nps_category"],
    }

    # Dimensions
    ticket_id = fields.Many2one("customer.feedback.ticket", readonly=True)
    name = fields.Char("Reference", readonly=True)
    title = fields.Char(readonly=True)
    date_received = fields.Datetime("Received On", readonly=True)
    date_resolved = fields.Datetime("Resolved On", readonly=True)
    date_closed = fields.Datetime("Closed On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("customer.feedback.department", readonly=True)
    category_id = fields.Many2one("customer.feedback.category", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    priority_id = fields.Many2one("customer.feedback.priority", readonly=True)
    state = fields.Selection(STATES, "Status", readonly=True)
    user_id = fields.Many2one("res.users", "Assigned To", readonly=True)
    user_received_id = fields.Many2one("res.users", "Received By", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", "Customer Company", readonly=True)
    is_urgent = fields.Boolean("Urgent", readonly=True)
    is_overdue = fields.Boolean(
        "Overdue", readonly=True,
        help="Open past its response or resolution deadline, or past the reply date "
        "promised to the customer.",
    )
    response_on_time = fields.Boolean("Responded On Time", readonly=True)
    resolution_on_time = fields.Boolean("Resolved On Time", readonly=True)
    has_satisfaction = fields.Boolean(
        "Satisfaction Measured", readonly=True,
        help="The customer answered a satisfaction questionnaire or rated the ticket.",
    )
    has_csat = fields.Boolean("CSAT Measured", readonly=True)
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category", readonly=True)

    # Measures
    nbr = fields.Integer("# Tickets", readonly=True)
    nbr_overdue = fields.Integer("# Overdue", readonly=True)
    response_hours = fields.Float("Response Time (hours)", readonly=True, aggregator="avg")
    resolution_hours = fields.Float("Resolution Time (hours)", readonly=True, aggregator="avg")
    response_compliance = fields.Float(
        "Response On Time (%)", readonly=True, aggregator="avg",
        help="Share of the tickets answered within the response deadline.",
    )
    resolution_compliance = fields.Float(
        "Resolution On Time (%)", readonly=True, aggregator="avg",
        help="Share of the tickets resolved within the resolution deadline.",
    )
    csat = fields.Float(
        "CSAT", readonly=True, aggregator="avg",
        help="Customer satisfaction, 0 (worst) to 100 (best).",
    )
    nps_score = fields.Float("Would Recommend (0-10)", readonly=True, aggregator="avg")
    nps = fields.Float(
        "NPS", readonly=True, aggregator="avg",
        help="Net Promoter Score: share of promoters minus share of detractors, "
        "-100 to +100.",
    )

    @api.readonly
    def action_open_ticket(self):
        """Open the ticket of a row (clicked in the list)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.feedback.ticket",
            "res_id": self.ticket_id.id,
            "views": [(False, "form")],
        }

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            "CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()
        ))

    def _compliance_sql(self, done_column, deadline_column, open_states, now):
        """100 when the step was done by its deadline, 0 when done late or
        still open past it, NULL while it cannot be judged yet."""
        done = SQL.identifier("t", done_column)
        deadline = SQL.identifier("t", deadline_column)
        return SQL(
            """CASE
                WHEN %(deadline)s IS NULL THEN NULL
                WHEN %(done)s IS NOT NULL
                    THEN CASE WHEN %(done)s <= %(deadline)s THEN 100.0 ELSE 0.0 END
                WHEN t.state IN %(open)s AND %(deadline)s < %(now)s THEN 0.0
            END""",
            done=done, deadline=deadline, open=open_states, now=now,
        )

    def _query(self):
        """The view's query: the tickets, their satisfaction and the measures."""
        open_states = tuple(self.env["customer.feedback.ticket"].OPEN_STATES)
        now = SQL("(now() AT TIME ZONE 'UTC')")
        response_compliance = self._compliance_sql(
            "date_first_response", "date_response_deadline", open_states, now
        )
        resolution_compliance = self._compliance_sql(
            "date_resolved", "date_resolution_deadline", open_states, now
        )
        # The ticket's stored next deadline, as its is_overdue search uses it
        # (empty once the ticket is no longer open).
        overdue = SQL("COALESCE(t.date_next_deadline < %s, FALSE)", now)
        # 1 / 3 / 5 stars of the rating mixin on the 0-100 CSAT scale.
        csat = SQL(
            "COALESCE(sat.csat, CASE WHEN t.rating_last_value >= 1 "
            "THEN (t.rating_last_value - 1) * 25.0 END)"
        )
        return SQL(
            """
            WITH sat AS (
                SELECT s.ticket_id,
                       AVG(s.csat) FILTER (WHERE s.has_csat) AS csat,
                       AVG(s.nps_score) FILTER (WHERE s.nps_category IS NOT NULL) AS nps_score,
                       AVG(CASE s.nps_category WHEN 'promoter' THEN 100.0
                                               WHEN 'detractor' THEN -100.0
                                               ELSE 0.0 END)
                           FILTER (WHERE s.nps_category IS NOT NULL) AS nps
                  FROM customer_feedback_satisfaction s
                 WHERE s.ticket_id IS NOT NULL
                 GROUP BY s.ticket_id
            )
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.name,
                   t.title,
                   t.date_received,
                   t.date_resolved,
                   t.date_closed,
                   t.company_id,
                   t.department_id,
                   t.category_id,
                   t.kind,
                   t.channel,
                   t.priority_id,
                   t.state,
                   t.user_id,
                   t.user_received_id,
                   t.team_id,
                   t.partner_id,
                   t.commercial_partner_id,
                   t.is_urgent,
                   1 AS nbr,
                   %(overdue)s AS is_overdue,
                   CASE WHEN %(overdue)s THEN 1 ELSE 0 END AS nbr_overdue,
                   -- the ticket's own measures; the hours only once measured (the
                   -- ticket stores 0 before), so that averages leave them out
                   CASE WHEN t.date_first_response IS NOT NULL THEN t.response_hours END
                       AS response_hours,
                   CASE WHEN t.date_resolved IS NOT NULL THEN t.resolution_hours END
                       AS resolution_hours,
                   %(response_compliance)s AS response_compliance,
                   %(resolution_compliance)s AS resolution_compliance,
                   COALESCE(t.response_on_time, FALSE) AS response_on_time,
                   COALESCE(t.resolution_on_time, FALSE) AS resolution_on_time,
                   %(csat)s AS csat,
                   sat.nps_score,
                   sat.nps,
                   CASE WHEN sat.nps_score >= 9 THEN 'promoter'
                        WHEN sat.nps_score >= 7 THEN 'passive'
                        WHEN sat.nps_score IS NOT NULL THEN 'detractor' END AS nps_category,
                   %(csat)s IS NOT NULL AS has_csat,
                   (%(csat)s IS NOT NULL OR sat.nps IS NOT NULL) AS has_satisfaction
              FROM customer_feedback_ticket t
              LEFT JOIN sat ON sat.ticket_id = t.id
            """,
            overdue=overdue,
            response_compliance=response_compliance,
            resolution_compliance=resolution_compliance,
            csat=csat,
        )
