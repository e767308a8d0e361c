"""Customer history: the feedback of one customer, its outcome and the
customer's satisfaction over time, as a PDF printed from the contact.

A customer is a commercial entity: the company with all its contacts, as in
the feedback counters of the contact form. Only the tickets the printing user
may read are shown (the record rules of the statistics apply). Everything is
read with a few searches and ``_read_group`` per customer, whatever the number
of tickets.
"""

import base64
import textwrap
from collections import defaultdict

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import format_date, html2plaintext

from odoo.addons.customer_feedback.models.customer_feedback_satisfaction import (
    net_promoter_score,
)
from odoo.addons.rating.models.rating_data import RATING_LIMIT_MIN

OUTCOME_LENGTH = 300  # characters of the resolution shown per ticket


def rating_to_csat(rating):
    """The 1-5 one-click rating on the 0-100 CSAT scale (as the statistics view)."""
    return (rating - 1) * 25.0


def _nps(promoters, passives, detractors):
    return net_promoter_score(promoters, detractors, promoters + passives + detractors)


class CustomerHistoryReport(models.AbstractModel):
    _name = "report.customer_feedback_reports.report_customer_history"
    _description = "Customer Feedback History Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # Users without feedback rights get a clear access error here rather
        # than a report that silently shows nothing.
        self.env["customer.feedback.report"].check_access("read")
        customers = self.env["res.partner"].browse(docids).commercial_partner_id
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers,
            "histories": {customer.id: self._customer_history(customer) for customer in customers},
        }

    def _customer_history(self, customer):
        """Tickets, totals and satisfaction by month of one commercial entity."""
        Report = self.env["customer.feedback.report"]
        domain = [("commercial_partner_id", "=", customer.id)]
        rows = Report.search(domain, order="date_received asc, id asc")
        periods = self._satisfaction_by_month(customer, rows.ticket_id)
        return {
            "rows": rows,
            "outcomes": {row.id: self._outcome(row.ticket_id) for row in rows},
            "totals": self._totals(domain, periods),
            "periods": periods,
            "chart": self._csat_chart(periods),
        }

    def _totals(self, domain, periods):
        Report = self.env["customer.feedback.report"]
        open_states = self.env["customer.feedback.ticket"].OPEN_STATES
        by_kind_state = Report._read_group(domain, ["kind", "state"], ["__count"])
        csat_sum = sum(period["csat_sum"] for period in periods)
        csat_count = sum(period["csat_count"] for period in periods)
        nps_counts = [sum(period[key] for period in periods)
                      for key in ("promoters", "passives", "detractors")]
        dates = Report._read_group(domain, [], ["date_received:min", "date_received:max"])[0]
        return {
            "count": sum(count for _kind, _state, count in by_kind_state),
            "complaints": sum(count for kind, _s, count in by_kind_state if kind == "complaint"),
            "open": sum(count for _k, state, count in by_kind_state if state in open_states),
            "csat": csat_sum / csat_count if csat_count else None,
            "nps": _nps(*nps_counts),
            "answers": csat_count,
            "first_date": dates[0],
            "last_date": dates[1],
        }

    def _outcome(self, ticket):
        """A short text saying how the ticket ended (or why it was cancelled)."""
        text = ticket.resolution and html2plaintext(ticket.resolution) or ticket.cancel_reason
        return textwrap.shorten(text, OUTCOME_LENGTH, placeholder=" …") if text else ""

    def _satisfaction_by_month(self, customer, tickets):
        """Satisfaction answers of the customer by month answered, oldest first.

        Sources: the questionnaires answered by any contact of the customer
        (about a ticket or in a campaign) and the one-click ratings of its
        tickets. Each month: the number of CSAT answers and their sum, and
        the NPS answers by category.
        """
        months = defaultdict(lambda: {
            "csat_sum": 0.0, "csat_count": 0, "promoters": 0, "passives": 0, "detractors": 0,
        })
        Satisfaction = self.env["customer.feedback.satisfaction"]
        answered = [("partner_id.commercial_partner_id", "=", customer.id),
                    ("state", "=", "done")]
        for month, count, csat_sum in Satisfaction._read_group(
            answered + [("has_csat", "=", True)], ["date_answered:month"],
            ["__count", "csat:sum"],
        ):
            months[_month(month)]["csat_sum"] += csat_sum
            months[_month(month)]["csat_count"] += count
        category_key = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}
        for month, category, count in Satisfaction._read_group(
            answered + [("nps_category", "!=", False)], ["date_answered:month", "nps_category"],
            ["__count"],
        ):
            months[_month(month)][category_key[category]] += count
        for month, rating, count in self.env["rating.rating"]._read_group(
            [("res_model", "=", "customer.feedback.ticket"), ("res_id", "in", tickets.ids),
             ("consumed", "=", True), ("rating", ">=", RATING_LIMIT_MIN)],
            ["write_date:month", "rating"], ["__count"],
        ):
            months[_month(month)]["csat_sum"] += rating_to_csat(rating) * count
            months[_month(month)]["csat_count"] += count
        months.pop(None, None)  # an answer without a date (not expected) has no month
        periods = []
        for month in sorted(months):
            values = months[month]
            periods.append({
                "month": month,
                **values,
                "csat": values["csat_sum"] / values["csat_count"] if values["csat_count"] else None,
                "nps": _nps(values["promoters"], values["passives"], values["detractors"]),
            })
        return periods

    def _csat_chart(self, periods):
        """A line chart of the monthly CSAT as an SVG data URI, or False.

        Drawn here rather than by a charting library: a few lines of SVG
        that wkhtmltopdf renders as is, in vector form.
        """
        points = [period for period in periods if period["csat"] is not None]
        if len(points) < 2:
            return False
        width, height, left, right, top, bottom = 760, 160, 40, 30, 20, 28
        plot_w, plot_h = width - left - right, height - top - bottom
        step = plot_w / (len(points) - 1)

        def y_of(value):
            return top + plot_h * (1 - value / 100.0)

        parts = [(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
            'font-size="11">'
        )]
        for value in (0, 25, 50, 75, 100):
            y = y_of(value)
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                'stroke="#dddddd" stroke-width="1"/>'
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                f'fill="#666666">{value}</text>'
            )
        coords = [(left + index * step, y_of(point["csat"])) for index, point in enumerate(points)]
        parts.append(
            '<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>'
        )
        label_every = max(1, len(points) // 12)  # at most about 12 labels on the axis
        for index, ((x, y), point) in enumerate(zip(coords, points, strict=True)):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f77b4"/>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" '
                f'fill="#1f77b4">{point["csat"]:.0f}</text>'
            )
            if index % label_every == 0 or index == len(points) - 1:
                label = escape(format_date(self.env, point["month"], date_format="MM/y"))
                parts.append(
                    f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" '
                    f'fill="#333333">{label}</text>'
                )
        parts.append("</svg>")
        svg = "".join(parts).encode()
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _month(value):
    """The first day of the month of a ``_read_group`` month key (date or datetime)."""
    return fields.Date.to_date(value).replace(day=1) if value else None
