"""Deadlines: response and resolution deadlines from the priority level.

Counted from the reception time, in the department's working hours when
the level says so and the department has a calendar, else in calendar
hours. Recomputed when the priority (or the department) changes. The
first-response and resolution times are measured in hours.
"""

from datetime import timedelta

from pytz import utc

from odoo import api, fields, models
from odoo.fields import Domain


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    date_response_deadline = fields.Datetime(
        "Response Deadline", compute="_compute_deadlines", store=True, index=True
    )
    date_resolution_deadline = fields.Datetime(
        "Resolution Deadline", compute="_compute_deadlines", store=True, index=True,
        tracking=True,
    )
    response_hours = fields.Float(
        "Response Time (hours)", compute="_compute_durations", store=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        "Resolution Time (hours)", compute="_compute_durations", store=True, aggregator="avg"
    )
    response_on_time = fields.Boolean(compute="_compute_durations", store=True)
    resolution_on_time = fields.Boolean(compute="_compute_durations", store=True)
    is_overdue = fields.Boolean(
        "Overdue", compute="_compute_is_overdue", search="_search_is_overdue",
        help="Open past its response or resolution deadline, or past the reply date "
        "promised to the customer.",
    )

    @api.depends(
        "date_received",
        "priority_id.response_hours",
        "priority_id.resolution_hours",
        "priority_id.use_working_hours",
        "department_id.resource_calendar_id",
    )
    def _compute_deadlines(self):
        for ticket in self:
            priority = ticket.priority_id
            if not priority or not ticket.date_received:
                ticket.date_response_deadline = False
                ticket.date_resolution_deadline = False
                continue
            ticket.date_response_deadline = ticket._add_hours(priority.response_hours)
            ticket.date_resolution_deadline = ticket._add_hours(priority.resolution_hours)

    def _add_hours(self, hours):
        """The reception time plus ``hours``, in working hours when it applies."""
        self.ensure_one()
        calendar = self.department_id.resource_calendar_id
        if self.priority_id.use_working_hours and calendar:
            planned = calendar.plan_hours(
                hours, utc.localize(self.date_received), compute_leaves=True
            )
            if planned:
                return planned.astimezone(utc).replace(tzinfo=None)
        return self.date_received + timedelta(hours=hours)

    @api.depends("date_received", "date_first_response", "date_resolved",
                 "date_response_deadline", "date_resolution_deadline")
    def _compute_durations(self):
        for ticket in self:
            ticket.response_hours = _hours_between(ticket.date_received, ticket.date_first_response)
            ticket.resolution_hours = _hours_between(ticket.date_received, ticket.date_resolved)
            ticket.response_on_time = bool(
                ticket.date_first_response and ticket.date_response_deadline
                and ticket.date_first_response <= ticket.date_response_deadline
            )
            ticket.resolution_on_time = bool(
                ticket.date_resolved and ticket.date_resolution_deadline
                and ticket.date_resolved <= ticket.date_resolution_deadline
            )

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.is_overdue = ticket.state in self.OPEN_STATES and any(
                deadline and deadline < now for deadline in (
                    ticket.date_resolution_deadline,
                    not ticket.date_first_response and ticket.date_response_deadline,
                    ticket.date_promised,
                )
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        now = fields.Datetime.now()
        overdue = Domain("state", "in", self.OPEN_STATES) & (
            Domain("date_resolution_deadline", "<", now)
            | (
                Domain("date_first_response", "=", False)
                & Domain("date_response_deadline", "<", now)
            )
            | Domain("date_promised", "<", now)
        )
        positive = True in value
        if operator == "not in":
            positive = not positive
        return overdue if positive else ~overdue


def _hours_between(start, end):
    if not start or not end:
        return 0.0
    return round((end - start).total_seconds() / 3600.0, 2)

