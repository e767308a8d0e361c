"""Where a ticket stands against its deadlines, at a glance.

Each deadline still owed (DEADLINES, ``_owed_deadline``) is on track, at
risk once less than the company's share (``feedback_at_risk_percent``) of
the time its priority level allows is left, or overdue once passed: the
rule the feedback overview counts by, so that a card and a column say the
same. The ticket's status is the worst of them, driven by the earliest
deadline of that status.

The status is stored (the kanban's progress bars group on it): it changes
on every change of what it depends on, and as time passes without any
write. For the latter, ``date_deadline_status_next`` (indexed) is the next
moment it changes, and the escalation cron recomputes the tickets whose
moment has passed (``_cron_refresh_deadline_status``).

The words ("Response overdue by 3 hours", "Resolution in 2 days") are
computed when read, in the reader's language, from the time of reading.
"""

from collections import namedtuple
from datetime import timedelta

from babel.dates import format_timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.misc import babel_locale_parse, get_lang

from .customer_feedback_ticket_deadline import DEADLINES

DEADLINE_STATUSES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("overdue", "Overdue"),
]
SEVERITY = {"on_track": 0, "at_risk": 1, "overdue": 2}
# the priority level's hours giving the allowed time of each deadline (the
# overview's WATCHED_DEADLINES): a promised date has the resolution's margin
ALLOWED_HOURS = {
    "response": "response_hours",
    "resolution": "resolution_hours",
    "promise": "resolution_hours",
}

# status: a key of DEADLINE_STATUSES or False; deadline: a key of DEADLINES;
# date: that deadline's; next_change: when the status changes next
DeadlineStanding = namedtuple("DeadlineStanding", "status deadline date next_change")
NO_STANDING = DeadlineStanding(False, False, False, False)


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    deadline_status = fields.Selection(
        DEADLINE_STATUSES, compute="_compute_deadline_status", store=True,
        # the open tickets only: the kanban's progress bars read them alone
        index="btree_not_null",
        help="While the ticket is open: overdue once a deadline still owed is passed, at risk "
        "once less than the company's share of the time allowed by the priority level is left.",
    )
    deadline_status_deadline = fields.Selection(
        [("response", "Response"), ("resolution", "Resolution"), ("promise", "Promised Date")],
        "Deadline Driving the Status", compute="_compute_deadline_status", store=True,
    )
    date_deadline_status_next = fields.Datetime(
        "Next Deadline Status Change", compute="_compute_deadline_status", store=True,
        index="btree_not_null",
    )
    deadline_status_label = fields.Char(
        "Deadline", compute="_compute_deadline_status_label",
        help="The deadline driving the status, and how long until it, or since it passed.",
    )

    @api.depends(
        "state", "date_first_response", "date_response_deadline", "date_resolution_deadline",
        "date_promised", "priority_id.response_hours", "priority_id.resolution_hours",
        "company_id.feedback_at_risk_percent",
    )
    def _compute_deadline_status(self):
        now = fields.Datetime.now()
        for ticket in self:
            standing = ticket._deadline_standing(now)
            ticket.deadline_status = standing.status
            ticket.deadline_status_deadline = standing.deadline
            ticket.date_deadline_status_next = standing.next_change

    @api.depends_context("lang")
    @api.depends("deadline_status", "date_deadline_status_next")
    def _compute_deadline_status_label(self):
        now = fields.Datetime.now()
        locale = babel_locale_parse(get_lang(self.env).code)
        for ticket in self:
            standing = ticket._deadline_standing(now)
            ticket.deadline_status_label = standing.status and ticket._deadline_words(
                standing, now, locale
            )

    def _deadline_standing(self, now):
        """The DeadlineStanding of the ticket at ``now``.

        Each boundary (the at-risk moment, the deadline) is crossed once
        ``now`` is past it, as the overview counts; ``next_change`` is the
        earliest boundary not crossed yet.
        """
        self.ensure_one()
        if self.state not in self.OPEN_STATES:
            return NO_STANDING
        share = self.company_id.feedback_at_risk_percent / 100.0
        standings = []
        boundaries = []
        for deadline in DEADLINES:
            date = self._owed_deadline(deadline)
            if not date:
                continue
            hours = self.priority_id[ALLOWED_HOURS[deadline]] if self.priority_id else 0.0
            at_risk_from = date - timedelta(hours=hours * share)
            if date < now:
                status = "overdue"
            elif at_risk_from < now:
                status = "at_risk"
            else:
                status = "on_track"
            standings.append((-SEVERITY[status], date, deadline, status))
            boundaries += [moment for moment in (at_risk_from, date) if moment >= now]
        if not standings:
            return NO_STANDING
        _severity, date, deadline, status = min(standings)
        return DeadlineStanding(status, deadline, date, min(boundaries, default=False))

    def _deadline_words(self, standing, now, locale):
        """"Response overdue by 3 hours", "Resolution in 2 days"... in the
        language of the context."""
        if standing.status == "overdue":
            delay = format_timedelta(now - standing.date, locale=locale)
            return {
                "response": self.env._("Response overdue by %(delay)s", delay=delay),
                "resolution": self.env._("Resolution overdue by %(delay)s", delay=delay),
                "promise": self.env._("Promised date overdue by %(delay)s", delay=delay),
            }[standing.deadline]
        delay = format_timedelta(standing.date - now, locale=locale)
        return {
            "response": self.env._("Response in %(delay)s", delay=delay),
            "resolution": self.env._("Resolution in %(delay)s", delay=delay),
            "promise": self.env._("Promised date in %(delay)s", delay=delay),
        }[standing.deadline]

    @api.model
    def _cron_refresh_deadline_status(self, now, batch_size=500):
        """Recompute the status of the tickets whose next change has come
        (the escalation cron calls this): a status moves as time passes,
        without any write to recompute it."""
        self._process_in_batches(
            Domain("date_deadline_status_next", "<", now),
            "id",
            lambda tickets: tickets._recompute_deadline_status(),
            batch_size,
            "customer_feedback.ir_cron_escalate_breaches",
        )

    def _recompute_deadline_status(self):
        """Recompute and store the status of ``self``: its next change is
        then in the future, which takes the batch out of the cron's search."""
        fnames = ["deadline_status", "deadline_status_deadline", "date_deadline_status_next"]
        for fname in fnames:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(fnames)
