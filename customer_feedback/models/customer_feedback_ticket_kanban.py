"""The ticket kanban: its columns are the states, in the order of the work.

A card dropped on a column is a write of ``state`` alone, which runs the
transition leading there, with its checks (``write`` in
customer_feedback_ticket_workflow.py). For the web client to let cards be
dragged, the state must not be read-only: the state machine, not the field,
guards it (any other write of the state is refused).

The columns' progress bars count the deadline statuses: only the open
tickets have one, and the web client shows the rest of a column as its
count minus the statuses counted. So the bars read the tickets with a
status only (a few thousand of 200,000, on the status' partial index),
not every closed ticket of the history.
"""

from odoo import api, fields, models
from odoo.fields import Domain

# the kanban's columns: Reopened and Escalated beside In Progress, the ends
# of the workflow last
KANBAN_STATES = (
    "new", "classified", "assigned", "in_progress", "reopened", "escalated",
    "resolved", "waiting", "closed", "cancelled",
)
# finished: their columns are folded
FOLDED_STATES = ("closed", "cancelled")


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    state = fields.Selection(readonly=False, group_expand="_group_expand_states")

    def _group_expand_states(self, states, domain):
        """Every state has its column, in the order of KANBAN_STATES."""
        return list(KANBAN_STATES)

    def _web_read_group_format(self, groupby, aggregates, groups):
        # Odoo folds the groups of relational fields only (their comodel's
        # ``fold``): a selection's are folded here, when the columns are
        # expanded (kanban), and the web client leaves them closed.
        result = super()._web_read_group_format(groupby, aggregates, groups)
        field = self._web_read_group_field_expand(groupby)
        if field and field.name == "state":
            for group in result:
                group["__fold"] = group["state"] in FOLDED_STATES
        return result

    @api.model
    def read_progress_bar(self, domain, group_by, progress_bar):
        if progress_bar.get("field") == "deadline_status" and not progress_bar.get("sum_field"):
            domain = Domain(domain) & Domain("deadline_status", "!=", False)
        return super().read_progress_bar(domain, group_by, progress_bar)
