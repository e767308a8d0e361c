from datetime import timedelta

from odoo import api, fields, models


class CustomerFeedbackEscalation(models.Model):
    """Where each watched deadline of one ticket stands in its escalation.

    One record per ticket, made with it. It has a narrow table of its own
    because the escalation cron writes it for every late ticket: rewriting
    the wide ticket rows, with all the indexes lists and filters need, was
    most of the cron's cost at scale.
    """

    _name = "customer.feedback.escalation"
    _description = "Feedback Ticket Escalation"
    _rec_name = "ticket_id"
    _order = "next_escalation_date, id"
    # who and when are on the ticket: its activities and escalation messages
    _log_access = False

    ticket_id = fields.Many2one(
        "customer.feedback.ticket", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ticket_id.company_id")
    response_level = fields.Integer(
        "Response Escalation Level", compute="_compute_response_level", store=True, readonly=False
    )
    resolution_level = fields.Integer(
        "Resolution Escalation Level", compute="_compute_resolution_level", store=True,
        readonly=False,
    )
    promise_level = fields.Integer(
        "Promise Escalation Level", compute="_compute_promise_level", store=True, readonly=False
    )
    date_last_escalation = fields.Datetime("Last Escalation", readonly=True)
    next_escalation_date = fields.Datetime(
        compute="_compute_next_escalation_date", store=True, index="btree_not_null"
    )

    _ticket_uniq = models.Constraint(
        "UNIQUE(ticket_id)", "A ticket has a single escalation record."
    )

    # A new deadline is a new breach to watch: start again from level 0.
    @api.depends("ticket_id.date_response_deadline")
    def _compute_response_level(self):
        self.response_level = 0

    @api.depends("ticket_id.date_resolution_deadline")
    def _compute_resolution_level(self):
        self.resolution_level = 0

    @api.depends("ticket_id.date_promised")
    def _compute_promise_level(self):
        self.promise_level = 0

    @api.depends(
        "ticket_id.state", "ticket_id.date_first_response", "ticket_id.date_response_deadline",
        "ticket_id.date_resolution_deadline", "ticket_id.date_promised", "response_level",
        "resolution_level", "promise_level", "date_last_escalation",
        "ticket_id.company_id.feedback_escalation_delay_hours",
    )
    def _compute_next_escalation_date(self):
        for escalation in self:
            escalation.next_escalation_date = escalation.ticket_id._earliest_while_open(
                escalation._breach_due_date
            )

    def _breach_due_date(self, breach):
        """When ``breach`` next needs escalating, or None."""
        self.ensure_one()
        deadline = self.ticket_id._owed_deadline(breach)
        level = self[f"{breach}_level"]
        if not deadline or level >= 2:
            return None
        if level == 0:
            return deadline
        delay = timedelta(hours=self.ticket_id.company_id.feedback_escalation_delay_hours)
        return max(deadline, self.date_last_escalation or deadline) + delay
