import ast
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from ..tools.language import in_lang

DIGEST_MAX_TICKETS = 20  # tickets listed in an escalation message


class CustomerFeedbackDepartment(models.Model):
    """A department that handles feedback: customer service, technical support..."""

    _name = "customer.feedback.department"
    _description = "Feedback Department"
    _inherit = ["mail.thread", "mail.alias.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    leader_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,
        domain=[("share", "=", False)],
        help="Receives the tickets when no member is chosen, and the escalations "
        "of missed deadlines.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "customer_feedback_department_member_rel",
        "department_id",
        "user_id",
        string="Members",
        check_company=True,
        domain=[("share", "=", False)],
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="The CRM sales team this department works with.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="Deadlines of priority levels counted in working hours use this calendar.",
    )
    is_fallback = fields.Boolean(
        "Fallback Department",
        help="Receives the feedback whose category names no department. "
        "One per company.",
    )
    assignment_method = fields.Selection(
        [("leader", "Department leader"), ("balanced", "Balanced between members")],
        default="leader",
        required=True,
        help="Who gets a new ticket: the leader, or the member with the fewest open tickets.",
    )
    satisfaction_survey_id = fields.Many2one(
        "survey.survey", "Satisfaction Questionnaire",
        help="Sent to the customer when a ticket of this department is closed, "
        "unless its category names another one.",
    )
    ticket_ids = fields.One2many("customer.feedback.ticket", "department_id")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    overdue_ticket_count = fields.Integer(compute="_compute_ticket_counts")

    _one_fallback_per_company = models.UniqueIndex(
        "(company_id) WHERE is_fallback AND active",
        "A company has only one fallback department.",
    )

    def _compute_ticket_counts(self):
        Ticket = self.env["customer.feedback.ticket"]
        base = [("department_id", "in", self.ids), ("state", "in", Ticket.OPEN_STATES)]
        open_counts = dict(Ticket._read_group(base, ["department_id"], ["__count"]))
        overdue_counts = dict(
            Ticket._read_group(base + [("is_overdue", "=", True)], ["department_id"], ["__count"])
        )
        for department in self:
            department.open_ticket_count = open_counts.get(department, 0)
            department.overdue_ticket_count = overdue_counts.get(department, 0)

    def _alias_get_creation_values(self):
        """Mail to the department's alias becomes a ticket of the department."""
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("customer.feedback.ticket")
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["department_id"] = self.id
            values["alias_defaults"] = defaults
        return values

    @api.model
    def _get_fallback(self, companies):
        """Return a dict company -> fallback department, one query for all."""
        departments = self.search(
            [("is_fallback", "=", True), ("company_id", "in", companies.ids)]
        )
        return {department.company_id: department for department in departments}

    def _pick_assignees(self, count_by_department):
        """Choose an assignee per department for new tickets.

        :param count_by_department: dict department -> how many new tickets it gets
        :return: dict department -> list of users, one per new ticket
        """
        balanced = self.filtered(lambda d: d.assignment_method == "balanced" and d.member_ids)
        load = {}
        if balanced:
            # sudo: the load counts every open ticket of the members, not only
            # those the user creating the ticket may read.
            Ticket = self.env["customer.feedback.ticket"].sudo()
            load = dict(
                Ticket._read_group(
                    [
                        ("user_id", "in", balanced.member_ids.ids),
                        ("state", "in", Ticket.OPEN_STATES),
                    ],
                    ["user_id"],
                    ["__count"],
                )
            )
        result = {}
        for department in self:
            wanted = count_by_department.get(department, 0)
            if department in balanced:
                picks = []
                for _i in range(wanted):
                    # Fewest open tickets first; ties go to the lowest id, for
                    # a stable, explainable choice.
                    user = min(department.member_ids, key=lambda u: (load.get(u, 0), u.id))
                    load[user] = load.get(user, 0) + 1
                    picks.append(user)
                result[department] = picks
            else:
                result[department] = [department.leader_id] * wanted
        return result

    def _post_escalation_digest(self, users, escalations):
        """Tell ``users``, in the department's chatter, which tickets were escalated to them.

        Each reads it in their language: one message per language among
        ``users`` (one in a team that shares a language), rather than one in
        the company's language that some of them could not read.

        :param escalations: list of (ticket, missed deadline: a key of ``DEADLINES``)
        """
        self.ensure_one()
        Lang = self.env["res.lang"]
        readers = defaultdict(lambda: self.env["res.users"])
        for user in users:
            readers[Lang._feedback_recipient_lang(user.partner_id, self.company_id)] |= user
        for lang, lang_users in readers.items():
            in_lang(self, lang)._post_escalation_digest_in_lang(lang_users, escalations)

    def _post_escalation_digest_in_lang(self, users, escalations):
        """The escalation message to ``users``, in the language of the context."""
        summaries = self.env["customer.feedback.ticket"]._breach_summaries()
        # A readable message, and one whose cost does not grow with a backlog:
        # the first tickets, then how many more the overdue list holds.
        items = Markup().join(
            Markup("<li>%s: %s</li>") % (ticket._get_html_link(), summaries[breach])
            for ticket, breach in escalations[:DIGEST_MAX_TICKETS]
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("%(count)s ticket(s) escalated to you:", count=len(escalations)),
            items,
        )
        if len(escalations) > DIGEST_MAX_TICKETS:
            body += Markup("<p>%s</p>") % self.env._(
                "… and %(count)s more: see Feedback → Overdue.",
                count=len(escalations) - DIGEST_MAX_TICKETS,
            )
        # queued for the mail cron: a cron run must not wait on the mail server
        self.with_context(mail_notify_force_send=False).message_post(
            body=body,
            partner_ids=users.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
