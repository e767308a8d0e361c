"""Deadlines: response and resolution deadlines from the priority level.

Counted from the reception time, in the department's working hours when
the level says so and the department has a calendar, else in calendar
hours. Recomputed when the priority (or the department) changes. The
first-response and resolution times are measured in hours.
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta

from pytz import utc

from odoo import api, fields, models
from odoo.fields import Domain

# the deadlines watched while a ticket is open
DEADLINES = ("response", "resolution", "promise")


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
    date_next_deadline = fields.Datetime(
        "Next Deadline", compute="_compute_date_next_deadline", store=True,
        index="btree_not_null",
        help="While the ticket is open, the earliest of the deadlines still owed: the "
        "response deadline until the first response, the resolution deadline and the "
        "reply date promised to the customer.",
    )
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
        in_working_hours = defaultdict(self.browse)
        for ticket in self:
            priority = ticket.priority_id
            calendar = ticket.department_id.resource_calendar_id
            if not priority or not ticket.date_received:
                ticket.date_response_deadline = False
                ticket.date_resolution_deadline = False
            elif priority.use_working_hours and calendar:
                in_working_hours[calendar] |= ticket
            else:
                ticket.date_response_deadline = ticket.date_received + timedelta(
                    hours=priority.response_hours
                )
                ticket.date_resolution_deadline = ticket.date_received + timedelta(
                    hours=priority.resolution_hours
                )
        for calendar, tickets in in_working_hours.items():
            tickets._compute_deadlines_in_working_hours(calendar)

    def _compute_deadlines_in_working_hours(self, calendar):
        """Deadlines of ``self`` counted in the working time of ``calendar``.

        The calendar's work intervals (leaves deducted) are read once for the
        whole batch, then each deadline is found by walking them from the
        reception time, instead of planning every ticket separately.
        """
        longest = max(self.priority_id.mapped("resolution_hours"))
        # Enough calendar days to hold the longest deadline at the calendar's
        # weekly hours, plus two weeks for holidays (reading a longer span
        # costs more than the deadlines themselves); the rare deadline past
        # them is planned alone.
        weeks = longest / calendar.hours_per_week if calendar.hours_per_week else longest
        span = timedelta(days=min(weeks * 7, 366) + 14)
        start = min(self.mapped("date_received"))
        end = max(self.mapped("date_received")) + span
        intervals = calendar._work_intervals_batch(utc.localize(start), utc.localize(end))[False]
        starts, stops = [], []
        for interval_start, interval_stop, _meta in intervals:
            starts.append(interval_start.astimezone(utc).replace(tzinfo=None))
            stops.append(interval_stop.astimezone(utc).replace(tzinfo=None))
        for ticket in self:
            priority = ticket.priority_id
            for field, hours in (
                ("date_response_deadline", priority.response_hours),
                ("date_resolution_deadline", priority.resolution_hours),
            ):
                ticket[field] = _add_working_hours(
                    starts, stops, ticket.date_received, hours
                ) or ticket._plan_hours_alone(calendar, hours)

    def _plan_hours_alone(self, calendar, hours):
        planned = calendar.plan_hours(hours, utc.localize(self.date_received), compute_leaves=True)
        if not planned:
            return self.date_received + timedelta(hours=hours)
        return planned.astimezone(utc).replace(tzinfo=None)

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

    @api.depends("state", "date_first_response", "date_response_deadline",
                 "date_resolution_deadline", "date_promised")
    def _compute_date_next_deadline(self):
        for ticket in self:
            ticket.date_next_deadline = ticket._earliest_while_open(ticket._owed_deadline)

    def _earliest_while_open(self, date_of):
        """The earliest of ``date_of(deadline)`` over DEADLINES while the
        ticket is open; False when closed or when none has a date."""
        self.ensure_one()
        if self.state not in self.OPEN_STATES:
            return False
        dates = [date for date in map(date_of, DEADLINES) if date]
        return min(dates) if dates else False

    def _owed_deadline(self, deadline):
        """The ``deadline`` (one of DEADLINES) while it is owed, else False:
        the response deadline until the first response, the resolution
        deadline, the reply date promised to the customer."""
        self.ensure_one()
        if deadline == "response":
            return not self.date_first_response and self.date_response_deadline
        if deadline == "resolution":
            return self.date_resolution_deadline
        return self.date_promised

    @api.depends("date_next_deadline")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.is_overdue = bool(ticket.date_next_deadline and ticket.date_next_deadline < now)

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        # One indexed range on the stored next deadline (NULL once closed),
        # instead of three deadlines ORed under the open states.
        overdue = Domain("date_next_deadline", "<", fields.Datetime.now())
        positive = True in value
        if operator == "not in":
            positive = not positive
        return overdue if positive else ~overdue


def _add_working_hours(starts, stops, start, hours):
    """``start`` plus ``hours`` of work in the sorted intervals (starts[i], stops[i]).

    Returns None when the intervals end before the hours are used up.
    """
    remaining = timedelta(hours=hours)
    for index in range(bisect_right(stops, start), len(stops)):
        begin = max(starts[index], start)
        available = stops[index] - begin
        if available >= remaining:
            return begin + remaining
        remaining -= available
    return None


def _hours_between(start, end):
    if not start or not end:
        return 0.0
    return round((end - start).total_seconds() / 3600.0, 2)
