"""The feedback overview: a card per department with the figures of the day.

The department kanban is the overview (like Odoo's sales team dashboard):
its figures are non-stored fields, all filled by one compute that runs one
``_read_group`` per family of figures for every department shown at once.
Each family reads only what its figure is about, on indexed columns:

- the open tickets (state), the ones waiting for the customer (state),
  overdue and at risk (state, then the deadline columns);
- the times and the on-time share of the last 7 and 30 days (the first
  response and resolution dates);
- the CSAT of the satisfaction answers of the last 30 days (answer date).

So its cost follows the open tickets and the last month, never the closed
history. Every figure is a ticket (or answer) domain, and the button of a
figure opens the list of that same domain: what is counted is what is listed.
The figures are read with the user's rights: a card counts the tickets the
user may read, and shows to a Feedback User only the departments they belong
to (``on_my_overview``); a manager sees all.

"At risk": an open ticket whose deadline is not passed yet, but less than a
share of its allowed time is left (the company's ``feedback_at_risk_percent``
of the priority level's response or resolution hours, counted in calendar
hours). A promised date is at risk with the margin of the resolution.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

# (figure, ticket deadline column, priority hours giving the allowed time)
WATCHED_DEADLINES = (
    ("response", "date_response_deadline", "response_hours"),
    ("resolution", "date_resolution_deadline", "resolution_hours"),
    ("promise", "date_promised", "resolution_hours"),
)
# figures counted on the open tickets: field suffix -> figure of _overview_domain
COUNT_FIGURES = (
    "open", "unassigned", "high", "mine", "waiting",
    "response_at_risk", "resolution_at_risk", "promise_at_risk",
    "response_overdue", "resolution_overdue", "promise_overdue",
)
DAYS = (7, 30)


class CustomerFeedbackDepartment(models.Model):
    _inherit = "customer.feedback.department"

    on_my_overview = fields.Boolean(
        compute="_compute_on_my_overview", search="_search_on_my_overview",
        help="The departments on the user's overview: those they lead or belong to; "
        "every department for a feedback manager.",
    )
    overview_open_count = fields.Integer("Open", compute="_compute_overview")
    overview_unassigned_count = fields.Integer("Unassigned", compute="_compute_overview")
    overview_high_count = fields.Integer("Urgent / High", compute="_compute_overview")
    overview_mine_count = fields.Integer("Mine", compute="_compute_overview")
    overview_waiting_count = fields.Integer(
        "Waiting for the Customer", compute="_compute_overview"
    )
    overview_response_at_risk_count = fields.Integer(
        "Response at Risk", compute="_compute_overview"
    )
    overview_resolution_at_risk_count = fields.Integer(
        "Resolution at Risk", compute="_compute_overview"
    )
    overview_promise_at_risk_count = fields.Integer(
        "Promised Date at Risk", compute="_compute_overview"
    )
    overview_response_overdue_count = fields.Integer(
        "Response Overdue", compute="_compute_overview"
    )
    overview_resolution_overdue_count = fields.Integer(
        "Resolution Overdue", compute="_compute_overview"
    )
    overview_promise_overdue_count = fields.Integer(
        "Promised Date Overdue", compute="_compute_overview"
    )
    overview_response_hours_7 = fields.Float(
        "First Response, 7 Days (hours)", compute="_compute_overview"
    )
    overview_response_hours_30 = fields.Float(
        "First Response, 30 Days (hours)", compute="_compute_overview"
    )
    overview_resolution_hours_7 = fields.Float(
        "Resolution, 7 Days (hours)", compute="_compute_overview"
    )
    overview_resolution_hours_30 = fields.Float(
        "Resolution, 30 Days (hours)", compute="_compute_overview"
    )
    overview_resolved_30_count = fields.Integer(
        "Resolved, 30 Days", compute="_compute_overview"
    )
    overview_on_time_percent = fields.Float(
        "Resolved On Time, 30 Days (%)", compute="_compute_overview",
        help="Share of the tickets resolved in the last 30 days that were resolved "
        "by their resolution deadline.",
    )
    overview_csat_30 = fields.Float("CSAT, 30 Days", compute="_compute_overview")
    overview_csat_30_count = fields.Integer(
        "Satisfaction Answers, 30 Days", compute="_compute_overview"
    )

    # ------------------------------------------------------------
    # Who sees which card
    # ------------------------------------------------------------

    def _compute_on_my_overview(self):
        mine = self.search([("id", "in", self.ids), ("on_my_overview", "=", True)])
        for department in self:
            department.on_my_overview = department in mine

    def _search_on_my_overview(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        user = self.env.user
        if user.has_group("customer_feedback.group_feedback_manager"):
            domain = Domain.TRUE
        else:
            domain = Domain("member_ids", "in", user.ids) | Domain("leader_id", "=", user.id)
        return domain if (True in value) == (operator == "in") else ~domain

    # ------------------------------------------------------------
    # The figures: one domain each, one query per family
    # ------------------------------------------------------------

    def _overview_levels(self):
        """Every priority level (archived ones too: their tickets keep their
        deadlines), read once for all the figures."""
        companies = self.company_id or self.env.company
        return self.env["customer.feedback.priority"].with_context(active_test=False).search(
            [("company_id", "in", [False, *companies.ids])]
        )

    def _overview_domain(self, figure, now, levels):
        """The ticket domain of ``figure`` (a name of COUNT_FIGURES, or
        'response_N' / 'resolution_N' / 'on_time' for the times of the last N
        days), without the department. ``levels``: ``_overview_levels()``."""
        Ticket = self.env["customer.feedback.ticket"]
        is_open = Domain("state", "in", Ticket.OPEN_STATES)
        response_owed = is_open & Domain("date_first_response", "=", False)
        owed = {"response": response_owed, "resolution": is_open, "promise": is_open}
        simple = {
            "open": lambda: is_open,
            "unassigned": lambda: is_open & Domain("user_id", "=", False),
            "high": lambda: is_open
            & Domain("priority_id", "in", self._overview_high_levels(levels).ids),
            "mine": lambda: is_open & Domain("user_id", "=", self.env.uid),
            "waiting": lambda: Domain("state", "=", "waiting"),
        }
        if figure in simple:
            return simple[figure]()
        for deadline, column, _hours in WATCHED_DEADLINES:
            if figure == f"{deadline}_overdue":
                return owed[deadline] & Domain(column, "<", now)
            if figure == f"{deadline}_at_risk":
                return owed[deadline] & self._overview_at_risk_domain(deadline, now, levels)
        if figure == "on_time":
            return self._overview_domain("resolution_30", now, levels) & Domain(
                "resolution_on_time", "=", True
            )
        kind, _sep, days = figure.rpartition("_")
        column = {"response": "date_first_response", "resolution": "date_resolved"}[kind]
        since = now - timedelta(days=int(days))
        return Domain(column, ">=", since) & Domain("state", "!=", "cancelled")

    def _overview_high_levels(self, levels):
        """The most urgent active priority levels: the lowest sequence of each company."""
        active = levels.filtered("active")
        high = active.browse()
        for company in self.company_id or self.env.company:
            company_levels = _levels_of(company, active)
            if company_levels:
                top = min(company_levels.mapped("sequence"))
                high |= company_levels.filtered(lambda p, s=top: p.sequence == s)
        return high

    def _overview_at_risk_domain(self, deadline, now, levels):
        """Tickets whose ``deadline`` (of WATCHED_DEADLINES) is not passed but
        is within the company's share of the allowed hours of their priority
        level. One range per company and level, on the indexed deadline."""
        column, hours_field = next(
            (column, hours) for name, column, hours in WATCHED_DEADLINES if name == deadline
        )
        ranges = []
        for company in self.company_id or self.env.company:
            share = company.feedback_at_risk_percent / 100.0
            for priority in _levels_of(company, levels):
                margin = timedelta(hours=priority[hours_field] * share)
                ranges.append(
                    Domain("company_id", "=", company.id)
                    & Domain("priority_id", "=", priority.id)
                    & Domain(column, ">=", now)
                    & Domain(column, "<", now + margin)
                )
        return Domain.OR(ranges) if ranges else Domain.FALSE

    def _compute_overview(self):
        now = fields.Datetime.now()
        figures = {department: {} for department in self}
        if self.ids:
            levels = self._overview_levels()
            self._overview_counts(figures, now, levels)
            self._overview_times(figures, now, levels)
            self._overview_csat(figures, now)
        for department, values in figures.items():
            department.update({
                field: values.get(field, 0)
                for field in self._fields
                if field.startswith("overview_")
            })

    def _overview_tickets(self, domain, groupby, aggregates):
        Ticket = self.env["customer.feedback.ticket"]
        return Ticket._read_group(
            Domain("department_id", "in", self.ids) & domain, groupby, aggregates
        )

    def _overview_counts(self, figures, now, levels):
        # open, unassigned, urgent / high and mine in one query on the open tickets
        high = self._overview_high_levels(levels)
        uid = self.env.uid
        for department, priority, user, count in self._overview_tickets(
            self._overview_domain("open", now, levels), ["department_id", "priority_id", "user_id"],
            ["__count"],
        ):
            values = figures[department]
            for figure, counted in (
                ("open", True), ("unassigned", not user), ("high", priority in high),
                ("mine", user.id == uid),
            ):
                if counted:
                    key = f"overview_{figure}_count"
                    values[key] = values.get(key, 0) + count
        for figure in COUNT_FIGURES[4:]:
            for department, count in self._overview_tickets(
                self._overview_domain(figure, now, levels), ["department_id"], ["__count"]
            ):
                figures[department][f"overview_{figure}_count"] = count

    def _overview_times(self, figures, now, levels):
        for days in DAYS:
            for department, hours in self._overview_tickets(
                self._overview_domain(f"response_{days}", now, levels), ["department_id"],
                ["response_hours:avg"],
            ):
                figures[department][f"overview_response_hours_{days}"] = hours
        for department, hours in self._overview_tickets(
            self._overview_domain("resolution_7", now, levels), ["department_id"],
            ["resolution_hours:avg"],
        ):
            figures[department]["overview_resolution_hours_7"] = hours
        # the 30 days' average and on-time share in one query
        totals = {}
        for department, on_time, count, hours in self._overview_tickets(
            self._overview_domain("resolution_30", now, levels),
            ["department_id", "resolution_on_time"],
            ["__count", "resolution_hours:sum"],
        ):
            total = totals.setdefault(department, [0, 0, 0.0])
            total[0] += count
            total[1] += count if on_time else 0
            total[2] += hours
        for department, (count, on_time, hours) in totals.items():
            figures[department].update({
                "overview_resolved_30_count": count,
                "overview_resolution_hours_30": hours / count,
                "overview_on_time_percent": 100.0 * on_time / count,
            })

    def _overview_csat_domain(self, now):
        return (
            Domain("department_id", "in", self.ids)
            & Domain("date_answered", ">=", now - timedelta(days=30))
            & Domain("has_csat", "=", True)
        )

    def _overview_csat(self, figures, now):
        # read with the user's rights: a Feedback User reads only the answers
        # of their departments (record rules)
        for department, count, csat in self.env["customer.feedback.satisfaction"]._read_group(
            self._overview_csat_domain(now), ["department_id"], ["__count", "csat:avg"]
        ):
            figures[department]["overview_csat_30"] = csat
            figures[department]["overview_csat_30_count"] = count

    # ------------------------------------------------------------
    # Each figure opens its list
    # ------------------------------------------------------------

    def action_overview_open(self):
        """The list of the figure named in the context (``overview_figure``):
        the tickets (or satisfaction answers, for 'csat') it counts."""
        self.ensure_one()
        figure = self.env.context.get("overview_figure") or "open"
        labels = dict(self._overview_figure_labels())
        if figure not in labels:
            raise ValueError(f"Unknown overview figure {figure!r}")
        now = fields.Datetime.now()
        if figure == "csat":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "customer_feedback.action_customer_feedback_satisfaction"
            )
            domain = self._overview_csat_domain(now)
        else:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "customer_feedback.action_customer_feedback_ticket_all"
            )
            domain = Domain("department_id", "=", self.id) & self._overview_domain(
                figure, now, self._overview_levels()
            )
        # the web client titles the view with display_name (which
        # _for_xml_id fills with the action's own name), not name
        title = f"{self.display_name}: {labels[figure]}"
        action.update({"name": title, "display_name": title, "domain": list(domain)})
        return action

    def _overview_figure_labels(self):
        return [
            ("open", self.env._("Open")),
            ("unassigned", self.env._("Unassigned")),
            ("high", self.env._("Urgent / High")),
            ("mine", self.env._("Mine")),
            ("waiting", self.env._("Waiting for the Customer")),
            ("response_at_risk", self.env._("Response at Risk")),
            ("resolution_at_risk", self.env._("Resolution at Risk")),
            ("promise_at_risk", self.env._("Promised Date at Risk")),
            ("response_overdue", self.env._("Response Overdue")),
            ("resolution_overdue", self.env._("Resolution Overdue")),
            ("promise_overdue", self.env._("Promised Date Overdue")),
            ("response_7", self.env._("First Response, 7 Days")),
            ("response_30", self.env._("First Response, 30 Days")),
            ("resolution_7", self.env._("Resolved, 7 Days")),
            ("resolution_30", self.env._("Resolved, 30 Days")),
            ("on_time", self.env._("Resolved On Time, 30 Days")),
            ("csat", self.env._("Satisfaction, 30 Days")),
        ]

    # ------------------------------------------------------------
    # Landing of the CRM app
    # ------------------------------------------------------------

    @api.model
    def action_crm_landing(self):
        """The action opening the CRM app (its root menu's action).

        A Feedback User who sells nothing (in no sales team, leading none)
        lands on the feedback overview; everybody else on Odoo's own
        pipeline, as without this module.
        """
        user = self.env.user
        if user.has_group("customer_feedback.group_feedback_user") and not self._user_sells(user):
            return self.env["ir.actions.act_window"]._for_xml_id(
                "customer_feedback.action_customer_feedback_overview"
            )
        return self.env["crm.team"].action_your_pipeline()

    @api.model
    def _user_sells(self, user):
        # sudo: a salesperson may not read the teams of other companies; any
        # team counts, the question is whether the user sells at all
        Team = self.env["crm.team"].sudo()
        return bool(
            Team.search_count([("user_id", "=", user.id)], limit=1)
            or self.env["crm.team.member"].sudo().search_count(
                [("user_id", "=", user.id)], limit=1
            )
        )


def _levels_of(company, priorities):
    """The priority levels of ``priorities`` a ticket of ``company`` may have:
    the company's own and the shared ones."""
    return priorities.filtered(lambda p: not p.company_id or p.company_id == company)
