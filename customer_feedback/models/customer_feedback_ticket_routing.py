"""Routing: which department handles a ticket, at which priority, and who.

- Department: the category's (or its nearest ancestor's), else the company's
  fallback department.
- Priority: the category's default priority if it has one; otherwise the
  kind decides how urgent the ticket is (complaints take the most urgent
  level). A customer whose care segment raises priority moves the ticket one
  level up, and so do urgency words in the message (``is_urgent``).
- Assignee: the department leader, or the member with the fewest open
  tickets when the department balances its work.
"""

from odoo import api, models

# kind -> rank among the active priority levels ordered by sequence
# (0 is the most urgent level; ranks past the last level take the last one).
KIND_URGENCY_RANK = {
    "complaint": 0,
    "criticism": 1,
    "technical_support": 1,
    "product_request": 1,
    "question": 1,
}
DEFAULT_URGENCY_RANK = 2


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    @api.depends("category_id", "company_id")
    def _compute_department_id(self):
        fallback = self.env["customer.feedback.department"]._get_fallback(self.company_id)
        for ticket in self:
            department = ticket.category_id and ticket.category_id._responsible_department()
            ticket.department_id = department or fallback.get(ticket.company_id, False)

    @api.depends(
        "category_id", "kind", "is_urgent", "partner_id.commercial_partner_id.feedback_segment_id"
    )
    def _compute_priority_id(self):
        levels = self.env["customer.feedback.priority"].search(
            [("company_id", "in", [False, *self.company_id.ids])]
        )
        for ticket in self:
            company_levels = levels.filtered(
                lambda lvl, c=ticket.company_id: not lvl.company_id or lvl.company_id == c
            )
            ticket.priority_id = ticket._default_priority(company_levels)

    def _default_priority(self, levels):
        """The priority this ticket deserves among ``levels`` (sorted by sequence)."""
        self.ensure_one()
        if not levels:
            return levels
        category = self.category_id
        while category and not category.priority_id:
            category = category.parent_id
        if category.priority_id:
            rank = list(levels).index(category.priority_id) if category.priority_id in levels else 0
        else:
            rank = min(KIND_URGENCY_RANK.get(self.kind, DEFAULT_URGENCY_RANK), len(levels) - 1)
        segment = self.partner_id.commercial_partner_id.feedback_segment_id
        if segment.raise_priority:
            rank = max(rank - 1, 0)
        if self.is_urgent:
            rank = max(rank - 1, 0)
        return levels[rank]

    def _assign_within_department(self):
        """Give each unassigned ticket an assignee of its department."""
        tickets = self.filtered(lambda t: t.department_id and not t.user_id)
        if not tickets:
            return
        by_department = tickets.grouped("department_id")
        picks = tickets.department_id._pick_assignees(
            {department: len(group) for department, group in by_department.items()}
        )
        by_user = {}
        for department, group in by_department.items():
            for ticket, user in zip(group, picks[department], strict=True):
                if user:
                    by_user.setdefault(user, self.browse())
                    by_user[user] |= ticket
        for user, group in by_user.items():
            group.write({"user_id": user.id})

    def _record_leader_as_receiver(self):
        """Tickets nobody of the company received (an email, the public
        form): their department's leader is recorded as receiving them."""
        unreceived = self.filtered(lambda t: not t.user_received_id)
        for department, tickets in unreceived.grouped("department_id").items():
            tickets.write({"user_received_id": department.leader_id.id})

    def _advance_after_routing(self):
        """After creation: classify what has a category, assign what has a department."""
        self._assign_within_department()
        self.filtered(lambda t: t.state == "new" and t.category_id)._apply_transition("classify")
        self.filtered(
            lambda t: t.state in ("new", "classified") and t.department_id
        )._apply_transition("assign")
