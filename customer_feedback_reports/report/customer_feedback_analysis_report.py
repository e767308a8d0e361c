"""Data of the feedback analysis report (management review).

Every figure is aggregated by PostgreSQL (``_read_group`` or one SQL query
built on the ORM's access-checked ``_search`` query), one small method per
section of the report, so that the number of queries does not depend on the
number of tickets.
"""

from collections import namedtuple
from datetime import timedelta
from functools import partial

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date, format_datetime, formatLang, get_lang, html2plaintext

from odoo.addons.customer_feedback.models.customer_feedback_satisfaction import (
    net_promoter_score,
)

from .analysis_charts import bar_chart, line_chart

# One period of the analysis: UTC bounds [start, stop) and the dates shown.
Period = namedtuple("Period", "start stop date_from date_to")

OVERDUE_LIST_SIZE = 25
CUSTOMER_LIST_SIZE = 10
TOP_COMPLAINT_CATEGORIES = 5
CORRECTIVE_ACTION_LIST_SIZE = 20
TREND_WEEKS_UP_TO_DAYS = 123
# The ticket fields the volumes are broken down by, in the order of the report.
BREAKDOWN_FIELDS = ("kind", "category_id", "channel", "department_id", "priority_id", "state")


class ReportFeedbackAnalysis(models.AbstractModel):
    _name = "report.customer_feedback_reports.report_feedback_analysis"
    _description = "Feedback Analysis Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The analysis wizards to print and, by wizard id, their figures."""
        wizards = self.env["customer.feedback.analysis.wizard"].browse(docids)
        analyses = {}
        for wizard in wizards:
            # Printed in the user's language, whoever's context the call has,
            # and on the wizard's company (refused if the user may not see it).
            report = self.with_context(lang=self.env.user.lang).with_company(wizard.company_id)
            analyses[wizard.id] = report._analyse(wizard.with_env(report.env))
        return {
            "doc_ids": docids,
            "doc_model": "customer.feedback.analysis.wizard",
            "docs": wizards,
            "analyses": analyses,
            "html2plaintext": html2plaintext,
        }

    def _analyse(self, wizard):
        """All the sections of the report for the period and scope of ``wizard``."""
        current = Period(*wizard._utc_bounds(wizard.date_from, wizard.date_to),
                         wizard.date_from, wizard.date_to)
        previous_from, previous_to = wizard._previous_period()
        previous = Period(*wizard._utc_bounds(previous_from, previous_to),
                          previous_from, previous_to)
        scope = self._scope_domain(wizard)
        counts = self._breakdowns(scope, current, previous)
        customers = self._customers(scope, wizard.company_id, current, previous)
        times = {period: self._handling_times(scope, bounds)
                 for period, bounds in (("current", current), ("previous", previous))}
        satisfaction = self._satisfaction(wizard, current, previous)
        return {
            "current": self._period_label(current),
            "previous": self._period_label(previous),
            "filters": self._filter_labels(wizard),
            "breakdowns": counts,
            "key_figures": self._key_figures(counts, customers, times, satisfaction),
            "customers": customers,
            "times": times,
            "satisfaction": satisfaction,
            "top_complaints": self._top_complaint_categories(scope, current),
            "on_time": {
                "departments": self._on_time_by(scope, current, "department_id"),
                "priorities": self._on_time_by(scope, current, "priority_id"),
            },
            "overdue": self._overdue(scope, current),
            "corrective_actions": self._corrective_actions(wizard, current),
            "charts": self._charts(scope, current, counts),
            "trend_granularity": self._trend_granularity(current),
            "printed_on": format_datetime(
                self.env, fields.Datetime.now(), tz=self.env.user.tz or "UTC", dt_format="short"
            ),
        }

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------

    def _scope_domain(self, wizard):
        """The tickets of the wizard's company, departments, categories and kinds."""
        domain = Domain("company_id", "=", wizard.company_id.id)
        if wizard.department_ids:
            domain &= Domain("department_id", "in", wizard.department_ids.ids)
        if wizard.category_ids:
            domain &= Domain("category_id", "child_of", wizard.category_ids.ids)
        if wizard.kind_line_ids:
            domain &= Domain("kind", "in", wizard._kinds())
        return domain

    @staticmethod
    def _received_in(period):
        return Domain("date_received", ">=", period.start) & Domain(
            "date_received", "<", period.stop
        )

    def _period_label(self, period):
        return self.env._(
            "%(date_from)s to %(date_to)s",
            date_from=format_date(self.env, period.date_from),
            date_to=format_date(self.env, period.date_to),
        )

    def _filter_labels(self, wizard):
        """The restrictions of the analysis, as shown under its title."""
        labels = [(self.env._("Company"), wizard.company_id.name)]
        if wizard.department_ids:
            labels.append((self.env._("Departments"),
                           ", ".join(wizard.department_ids.mapped("display_name"))))
        if wizard.category_ids:
            labels.append((self.env._("Categories"),
                           ", ".join(wizard.category_ids.mapped("display_name"))))
        if wizard.kind_line_ids:
            names = dict(self._selection_labels("kind"))
            labels.append((self.env._("Kinds"),
                           ", ".join(names[kind] for kind in wizard._kinds())))
        return labels

    def _selection_labels(self, field_name):
        Ticket = self.env["customer.feedback.ticket"]
        return Ticket._fields[field_name]._description_selection(self.env)

    # ------------------------------------------------------------------
    # Volumes
    # ------------------------------------------------------------------

    def _breakdowns(self, scope, current, previous):
        """Ticket counts by kind, category, channel, department, priority and
        state, for the period and the previous one.

        :return: dict dimension -> {"title", "total", "previous_total", "rows"},
            rows being dicts label / count / previous / share, largest first
        """
        titles = [
            self.env._("By Kind"), self.env._("By Category"), self.env._("By Channel"),
            self.env._("By Department"), self.env._("By Priority"), self.env._("By State"),
        ]
        return {
            field_name: self._count_by(field_name, title, scope, current, previous)
            for field_name, title in zip(BREAKDOWN_FIELDS, titles, strict=True)
        }

    def _count_by(self, field_name, title, scope, current, previous):
        Ticket = self.env["customer.feedback.ticket"]
        counts = {
            name: dict(Ticket._read_group(scope & self._received_in(period),
                                          [field_name], ["__count"]))
            for name, period in (("current", current), ("previous", previous))
        }
        field = Ticket._fields[field_name]
        labels = dict(self._selection_labels(field_name)) if field.type == "selection" else {}
        total = sum(counts["current"].values())
        rows = []
        for key in counts["current"].keys() | counts["previous"].keys():
            count = counts["current"].get(key, 0)
            if field.type == "selection":
                label = labels.get(key, key) if key else self.env._("Not set")
            else:
                label = key.display_name if key else self.env._("Not set")
            rows.append({
                "key": key, "label": label, "count": count,
                "previous": counts["previous"].get(key, 0),
                "share": self._percent(count, total),
            })
        rows.sort(key=lambda row: (-row["count"], -row["previous"], str(row["label"])))
        return {
            "title": title, "rows": rows, "total": total,
            "previous_total": sum(counts["previous"].values()),
        }

    def _top_complaint_categories(self, scope, current):
        """The categories with the most complaints in the period."""
        Ticket = self.env["customer.feedback.ticket"]
        groups = Ticket._read_group(
            scope & self._received_in(current) & Domain("kind", "=", "complaint"),
            ["category_id"], ["__count"], order="__count desc", limit=TOP_COMPLAINT_CATEGORIES,
        )
        total = sum(count for _category, count in groups)
        return [
            {"label": category.display_name or self.env._("Not set"), "count": count,
             "share": self._percent(count, total)}
            for category, count in groups
        ]

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def _customers(self, scope, company, current, previous):
        """Customers who gave feedback, new and returning, for both periods,
        and the customers who gave the most feedback in the period."""
        Ticket = self.env["customer.feedback.ticket"]
        result = {
            name: self._customer_counts(scope, company, period)
            for name, period in (("current", current), ("previous", previous))
        }
        groups = Ticket._read_group(
            scope & self._received_in(current) & Domain("commercial_partner_id", "!=", False),
            ["commercial_partner_id"], ["__count"], order="__count desc",
            limit=CUSTOMER_LIST_SIZE,
        )
        result["top"] = [{"name": partner.display_name, "count": count}
                         for partner, count in groups]
        result["dissatisfied"] = self._dissatisfied_customers(scope, company, current)
        result["silent_dissatisfied"] = self._dissatisfied_without_open_ticket(
            scope, company, current
        )
        return result

    def _customer_counts(self, scope, company, period):
        """Distinct customers (commercial entities) of the period, and how many
        of them had already given feedback before it."""
        Ticket = self.env["customer.feedback.ticket"]
        query = Ticket._search(scope & self._received_in(period))
        partner = Ticket._field_to_sql(query.table, "commercial_partner_id", query)
        query.add_where(SQL("%s IS NOT NULL", partner))
        # The earlier tickets are looked up once per customer (not per ticket),
        # in the whole company whatever the filters: a customer who complained
        # about anything before is returning. Only a yes/no per customer
        # already in the result comes out of it.
        [(total, returning_count)] = self.env.execute_query(SQL(
            """SELECT count(*),
                      count(*) FILTER (WHERE EXISTS (
                          SELECT 1 FROM customer_feedback_ticket earlier
                           WHERE earlier.commercial_partner_id = customers.partner_id
                             AND earlier.company_id = %(company)s
                             AND earlier.date_received < %(start)s))
                 FROM (%(customers)s) AS customers""",
            customers=query.select(SQL("DISTINCT %s AS partner_id", partner)),
            company=company.id, start=period.start,
        ))
        return {"total": total, "returning": returning_count, "new": total - returning_count}

    def _dissatisfied_customers(self, scope, company, period):
        """Customers with a dissatisfied answer in the period, worst first."""
        Satisfaction = self.env["customer.feedback.satisfaction"]
        query = Satisfaction._search(
            self._satisfaction_domain(scope, company, period) & Domain("is_dissatisfied", "=", True)
        )
        column = partial(Satisfaction._field_to_sql, query.table, query=query)
        query.groupby = column("partner_id")
        query.order = SQL("3 ASC NULLS LAST, 2 DESC")
        query.limit = CUSTOMER_LIST_SIZE
        rows = self.env.execute_query(query.select(
            column("partner_id"),
            SQL("count(*)"),
            SQL("min(%s) FILTER (WHERE %s)", column("csat"), column("has_csat")),
            SQL("min(%s) FILTER (WHERE %s IS NOT NULL)", column("nps_score"),
                column("nps_category")),
            SQL("count(*) OVER ()"),
        ))
        partners = self.env["res.partner"].browse([row[0] for row in rows])
        return {
            "count": rows[0][4] if rows else 0,
            "rows": [
                {"name": partner.display_name, "answers": answers,
                 "csat": self._number(csat, 0) if csat is not None else "",
                 "nps": nps if nps is not None else ""}
                for partner, (_id, answers, csat, nps, _total) in zip(partners, rows, strict=True)
            ],
        }

    def _dissatisfied_without_open_ticket(self, scope, company, period):
        """Customers dissatisfied in the period who have no open ticket: those
        who did not complain, whom the procedure asks to reach out to."""
        Satisfaction = self.env["customer.feedback.satisfaction"]
        groups = Satisfaction._read_group(
            self._satisfaction_domain(scope, company, period)
            & Domain("is_dissatisfied", "=", True),
            ["partner_id"], ["__count", "csat:min"],
        )
        partners = self.env["res.partner"].union(*(partner for partner, _count, _csat in groups))
        Ticket = self.env["customer.feedback.ticket"]
        with_open_ticket = {
            partner for [partner] in Ticket._read_group(
                Domain("company_id", "=", company.id)
                & Domain("commercial_partner_id", "in", partners.commercial_partner_id.ids)
                & Domain("state", "in", Ticket.OPEN_STATES),
                ["commercial_partner_id"],
            )
        }
        silent = sorted(
            ((partner, count, csat) for partner, count, csat in groups
             if partner.commercial_partner_id not in with_open_ticket),
            key=lambda group: (group[2] is None, group[2] or 0.0, group[0].display_name),
        )
        return {
            "count": len(silent),
            "more": max(len(silent) - CUSTOMER_LIST_SIZE, 0),
            "rows": [
                {"name": partner.display_name, "answers": count,
                 "csat": self._number(csat, 0) if csat is not None else ""}
                for partner, count, csat in silent[:CUSTOMER_LIST_SIZE]
            ],
        }

    # ------------------------------------------------------------------
    # Response and resolution times
    # ------------------------------------------------------------------

    def _handling_times(self, scope, period):
        """Response and resolution times of the tickets received in ``period``:
        how many were measured, average and median hours, share within deadline.

        A deadline counts as missed when it was met late, or when it has passed
        without an answer (resolution); tickets whose deadline is still ahead
        and not yet answered are left out of the share.
        """
        Ticket = self.env["customer.feedback.ticket"]
        query = Ticket._search(scope & self._received_in(period))
        column = partial(Ticket._field_to_sql, query.table, query=query)
        now = fields.Datetime.now()
        selects = []
        for done, hours, on_time, deadline in (
            ("date_first_response", "response_hours", "response_on_time",
             "date_response_deadline"),
            ("date_resolved", "resolution_hours", "resolution_on_time",
             "date_resolution_deadline"),
        ):
            is_done = SQL("%s IS NOT NULL", column(done))
            selects += [
                SQL("count(*) FILTER (WHERE %s)", is_done),
                SQL("avg(%s) FILTER (WHERE %s)", column(hours), is_done),
                SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s) FILTER (WHERE %s)",
                    column(hours), is_done),
                SQL("count(*) FILTER (WHERE %s)", column(on_time)),
                SQL("count(*) FILTER (WHERE %s IS NOT NULL AND (%s OR %s < %s))",
                    column(deadline), is_done, column(deadline), now),
            ]
        [values] = self.env.execute_query(query.select(*selects))
        result = {}
        for name, (measured, average, median, on_time, due) in (
            ("response", values[:5]), ("resolution", values[5:]),
        ):
            result[name] = {
                "measured": measured,
                "average": average,
                "average_label": self._number(average, 1) if measured else "–",
                "median": median,
                "median_label": self._number(median, 1) if measured else "–",
                "on_time": self._percent(on_time, due) if due else "–",
            }
        return result

    def _on_time_by(self, scope, period, field_name):
        """Share of the response and resolution deadlines met, per value of
        ``field_name`` (department, priority), for the tickets received in
        ``period``; counted as in ``_handling_times``."""
        Ticket = self.env["customer.feedback.ticket"]
        query = Ticket._search(scope & self._received_in(period))
        column = partial(Ticket._field_to_sql, query.table, query=query)
        now = fields.Datetime.now()
        selects = [column(field_name), SQL("count(*)")]
        for done, on_time, deadline in (
            ("date_first_response", "response_on_time", "date_response_deadline"),
            ("date_resolved", "resolution_on_time", "date_resolution_deadline"),
        ):
            selects += [
                SQL("count(*) FILTER (WHERE %s)", column(on_time)),
                SQL("count(*) FILTER (WHERE %s IS NOT NULL AND (%s IS NOT NULL OR %s < %s))",
                    column(deadline), column(done), column(deadline), now),
            ]
        query.groupby = column(field_name)
        rows = self.env.execute_query(query.select(*selects))
        records = Ticket._fields[field_name].comodel_name
        names = self.env[records].browse([row[0] for row in rows if row[0]])
        result = [
            {
                "label": names.browse(key).display_name if key else self.env._("Not set"),
                "tickets": tickets,
                "response": self._percent(response_on_time, response_due),
                "resolution": self._percent(resolution_on_time, resolution_due),
            }
            for key, tickets, response_on_time, response_due, resolution_on_time,
            resolution_due in rows
        ]
        result.sort(key=lambda row: (-row["tickets"], str(row["label"])))
        return result

    # ------------------------------------------------------------------
    # Overdue tickets and corrective actions
    # ------------------------------------------------------------------

    def _overdue(self, scope, period):
        """Open tickets of the scope received until the period's end and past
        a deadline now, most overdue first."""
        Ticket = self.env["customer.feedback.ticket"]
        domain = scope & Domain("date_received", "<", period.stop) & Domain(
            "is_overdue", "=", True
        )
        tickets = Ticket.search(domain, order="date_resolution_deadline, id",
                                limit=OVERDUE_LIST_SIZE)
        count = len(tickets)
        if count == OVERDUE_LIST_SIZE:
            count = Ticket.search_count(domain)
        return {"count": count, "tickets": tickets,
                "more": count - len(tickets),
                "date": format_date(self.env, fields.Date.context_today(self))}

    def _corrective_actions(self, wizard, period):
        """Corrective actions opened or closed in the period."""
        Action = self.env["customer.feedback.corrective.action"]
        scope = Domain("company_id", "=", wizard.company_id.id)
        if wizard.department_ids:
            scope &= Domain("department_id", "in", wizard.department_ids.ids)
        opened = Domain("create_date", ">=", period.start) & Domain("create_date", "<", period.stop)
        closed = Domain("date_done", ">=", period.start) & Domain("date_done", "<", period.stop)
        return {
            "opened": Action.search_count(scope & opened),
            "closed": Action.search_count(scope & closed),
            "actions": Action.search(scope & (opened | closed), order="create_date, id",
                                     limit=CORRECTIVE_ACTION_LIST_SIZE),
        }

    # ------------------------------------------------------------------
    # Satisfaction
    # ------------------------------------------------------------------

    def _satisfaction_domain(self, scope, company, period):
        """Satisfaction answers of the period, restricted like the tickets.

        Survey campaign answers have no ticket: they only count when the
        analysis is not restricted to departments, categories or kinds.
        """
        domain = Domain("company_id", "=", company.id) & Domain(
            "state", "in", ("partial", "done")
        ) & Domain("date_answered", ">=", period.start) & Domain("date_answered", "<", period.stop)
        ticket_conditions = [
            condition for condition in scope.iter_conditions()
            if condition.field_expr in ("department_id", "category_id", "kind")
        ]
        for condition in ticket_conditions:
            domain &= condition
        return domain

    def _satisfaction(self, wizard, current, previous):
        """CSAT and NPS overall, per department and per category."""
        scope = self._scope_domain(wizard)
        result = self._satisfaction_groups(scope, wizard.company_id, current)
        result["previous"] = self._satisfaction_groups(
            scope, wizard.company_id, previous)["overall"]
        return result

    def _satisfaction_groups(self, scope, company, period):
        Satisfaction = self.env["customer.feedback.satisfaction"]
        query = Satisfaction._search(self._satisfaction_domain(scope, company, period))
        column = partial(Satisfaction._field_to_sql, query.table, query=query)
        nps_category = column("nps_category")
        query.groupby = SQL("GROUPING SETS ((%s), (%s), ())",
                            column("department_id"), column("category_id"))
        rows = self.env.execute_query(query.select(
            SQL("GROUPING(%s)", column("department_id")),
            SQL("GROUPING(%s)", column("category_id")),
            column("department_id"),
            column("category_id"),
            SQL("count(*)"),
            SQL("avg(%s) FILTER (WHERE %s)", column("csat"), column("has_csat")),
            SQL("count(*) FILTER (WHERE %s = 'promoter')", nps_category),
            SQL("count(*) FILTER (WHERE %s = 'detractor')", nps_category),
            SQL("count(*) FILTER (WHERE %s IS NOT NULL)", nps_category),
        ))
        departments = self.env["customer.feedback.department"].browse(
            {row[2] for row in rows if row[2]})
        categories = self.env["customer.feedback.category"].browse(
            {row[3] for row in rows if row[3]})
        departments.fetch(["name"])
        categories.fetch(["complete_name"])
        result = {"overall": self._satisfaction_row(self.env._("All"), 0, None, 0, 0, 0),
                  "departments": [], "categories": []}
        for by_department, by_category, department_id, category_id, *figures in rows:
            if by_department and by_category:  # the grand total: both aggregated
                result["overall"] = self._satisfaction_row(self.env._("All"), *figures)
            elif not by_department:
                name = departments.browse(department_id).display_name if department_id \
                    else self.env._("No department")
                result["departments"].append(self._satisfaction_row(name, *figures))
            else:
                name = categories.browse(category_id).display_name if category_id \
                    else self.env._("No category")
                result["categories"].append(self._satisfaction_row(name, *figures))
        for key in ("departments", "categories"):
            result[key].sort(key=lambda row: (-row["answers"], row["name"]))
        return result

    def _satisfaction_row(self, name, answers, csat, promoters, detractors, nps_answers):
        nps = net_promoter_score(promoters, detractors, nps_answers)
        nps = round(nps) if nps is not None else None
        return {
            "name": name, "answers": answers, "csat": csat, "nps": nps,
            "csat_label": self._number(csat, 1) if csat is not None else "–",
            "nps_label": f"{nps:+d}" if nps is not None else "–",
        }

    # ------------------------------------------------------------------
    # Key figures and charts
    # ------------------------------------------------------------------

    def _key_figures(self, counts, customers, times, satisfaction):
        """The comparison of the period with the previous one, one row per figure."""
        kinds = {row["key"]: row for row in counts["kind"]["rows"]}
        complaints = kinds.get("complaint", {"count": 0, "previous": 0})
        resolution = {name: times[name]["resolution"] for name in ("current", "previous")}
        rows = [
            (self.env._("Tickets received"), counts["kind"]["total"],
             counts["kind"]["previous_total"]),
            (self.env._("Complaints"), complaints["count"], complaints["previous"]),
            (self.env._("Customers who gave feedback"), customers["current"]["total"],
             customers["previous"]["total"]),
            (self.env._("New customers"), customers["current"]["new"],
             customers["previous"]["new"]),
            (self.env._("Returning customers"), customers["current"]["returning"],
             customers["previous"]["returning"]),
            (self.env._("Tickets resolved"), resolution["current"]["measured"],
             resolution["previous"]["measured"]),
        ]
        figures = [
            {"label": label, "current": self._number(current, 0),
             "previous": self._number(previous, 0), "change": self._change(current, previous)}
            for label, current, previous in rows
        ]
        for label, current, previous, digits in (
            (self.env._("Median resolution time (hours)"), resolution["current"]["median"],
             resolution["previous"]["median"], 1),
            (self.env._("CSAT (0-100)"), satisfaction["overall"]["csat"],
             satisfaction["previous"]["csat"], 1),
        ):
            figures.append({
                "label": label,
                "current": self._number(current, digits) if current is not None else "–",
                "previous": self._number(previous, digits) if previous is not None else "–",
                "change": self._change(current, previous),
            })
        return figures

    def _charts(self, scope, current, counts):
        """SVG charts: volume by kind and by department, and the daily trend."""
        return {
            "kind": bar_chart([(row["label"], row["count"], row["previous"])
                               for row in counts["kind"]["rows"]]),
            "department": bar_chart([(row["label"], row["count"], row["previous"])
                                     for row in counts["department_id"]["rows"][:8]]),
            "trend": self._trend_chart(scope, current),
        }

    def _trend_chart(self, scope, period):
        """Tickets and complaints received per week, or per month over a
        period of more than four months (see ``_trend_granularity``)."""
        granularity = self._trend_granularity(period)
        Ticket = self.env["customer.feedback.ticket"].with_context(
            tz=self.env.user.tz or "UTC")
        groups = Ticket._read_group(
            scope & self._received_in(period),
            [f"date_received:{granularity}", "kind"], ["__count"],
        )
        totals, complaints = {}, {}
        for bucket, kind, count in groups:
            key = bucket.date() if hasattr(bucket, "date") else bucket
            totals[key] = totals.get(key, 0) + count
            if kind == "complaint":
                complaints[key] = complaints.get(key, 0) + count
        buckets = self._buckets(period, granularity)
        labels = [format_date(self.env, bucket, date_format="dd/MM" if granularity != "month"
                              else "MM/yyyy") for bucket in buckets]
        return line_chart(labels, [
            (self.env._("All feedback"), [totals.get(bucket, 0) for bucket in buckets]),
            (self.env._("Complaints"), [complaints.get(bucket, 0) for bucket in buckets]),
        ])

    @staticmethod
    def _trend_granularity(period):
        """Weeks up to four months (a month's review reads 4-5 points, a
        quarter's 13), months beyond: a trend, never a line of days."""
        days = (period.date_to - period.date_from).days + 1
        return "week" if days <= TREND_WEEKS_UP_TO_DAYS else "month"

    def _buckets(self, period, granularity):
        """The first day of each week / month of the period, like
        ``_read_group`` gives them (weeks start on the language's first day)."""
        if granularity == "week":
            week_start = int(get_lang(self.env).week_start) - 1  # 0 is Monday
            first = period.date_from - timedelta(days=(period.date_from.weekday() - week_start) % 7)
            step = timedelta(weeks=1)
        else:
            first, step = period.date_from.replace(day=1), relativedelta(months=1)
        buckets = []
        while first <= period.date_to:
            buckets.append(first)
            first += step
        return buckets

    # ------------------------------------------------------------------
    # Formatting
    # ------------------------------------------------------------------

    def _number(self, value, digits):
        return formatLang(self.env, value or 0.0, digits=digits)

    def _percent(self, part, whole):
        if not whole:
            return "–"
        return f"{formatLang(self.env, 100.0 * part / whole, digits=1)}%"

    def _change(self, current, previous):
        """The change from the previous period, in percent."""
        if current is None or not previous:
            return "–"
        change = 100.0 * (current - previous) / previous
        sign = "+" if change > 0 else ""
        return f"{sign}{formatLang(self.env, change, digits=1)}%"
