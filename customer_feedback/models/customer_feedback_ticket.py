from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

KINDS = [
    ("complaint", "Complaint"),
    ("suggestion", "Suggestion"),
    ("praise", "Praise"),
    ("criticism", "Criticism"),
    ("question", "Question"),
    ("technical_support", "Technical Support"),
    ("product_request", "Product Request"),
    ("other", "Other"),
]

CHANNELS = [
    ("hotline", "Hotline"),
    ("email", "Email"),
    ("web", "Web Form / Portal"),
    ("chat", "Zalo / Chat"),
    ("in_person", "In Person"),
    ("event_survey", "Event Questionnaire"),
    ("mass_media", "Mass Media"),
    ("third_party", "Third Party"),
    ("other", "Other"),
]

STATES = [
    ("new", "New"),
    ("classified", "Classified"),
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("waiting", "Waiting for Confirmation"),
    ("closed", "Closed"),
    ("reopened", "Reopened"),
    ("escalated", "Escalated"),
    ("cancelled", "Cancelled"),
]

# The fields of a ticket its customer may read (portal and public users, who
# read tickets only as their customer, or a colleague of theirs): what they
# told us, what we tell them, their own answer. Every other field, those of
# the modules that extend tickets included, is internal handling and refused
# to them (``_has_field_access``); a field added here is shown to customers.
TICKET_CUSTOMER_FIELDS = frozenset({
    # what the feedback is
    "id", "display_name", "name", "title", "description", "kind", "channel", "state",
    "company_id", "category_id", "product_id", "quantity", "is_urgent",
    # whom it is from
    "partner_id", "commercial_partner_id", "partner_name", "partner_email", "partner_phone",
    # the dates the customer is given
    "date_received", "date_promised", "date_closed", "date_confirmation_deadline",
    # our answer and theirs
    "resolution", "confirmation_state", "confirmation_note", "confirmation_round",
    # the portal page and its chatter
    "access_url", "message_is_follower",
})


class CustomerFeedbackTicket(models.Model):
    """A piece of customer feedback and its handling: the reception slip.

    The workflow, routing, deadlines, escalation and customer confirmation
    live in their own files (customer_feedback_ticket_*.py), one rule each.
    """

    _name = "customer.feedback.ticket"
    _description = "Feedback Ticket"
    _inherit = [
        "portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin",
        "customer.feedback.scheduled.job", "customer.feedback.my.departments.mixin",
    ]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _primary_email = "partner_email"

    # Tickets somebody still has to work on (used by counters and filters).
    OPEN_STATES = ("new", "classified", "assigned", "in_progress", "reopened", "escalated")

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, index="trigram", default="/"
    )
    title = fields.Char(required=True, index="trigram", tracking=True)
    description = fields.Html(sanitize_style=True)
    kind = fields.Selection(KINDS, required=True, default="other", index=True, tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="other", index=True)
    state = fields.Selection(
        STATES, required=True, default="new", readonly=True, copy=False, index=True,
        tracking=True, group_expand=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    color = fields.Integer(related="priority_id.color")
    is_urgent = fields.Boolean(
        "Urgent", tracking=True,
        help="The customer asked for urgency: the ticket gets one priority level higher.",
    )
    tag_ids = fields.Many2many("customer.feedback.tag", string="Tags")

    # Customer: name, phone and email are kept even without a contact record.
    partner_id = fields.Many2one(
        "res.partner", "Customer", index=True, tracking=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True,
        string="Customer Company",
    )
    partner_name = fields.Char(
        "Customer Name", compute="_compute_partner_contact", store=True, readonly=False
    )
    partner_email = fields.Char(
        "Customer Email", compute="_compute_partner_contact", store=True, readonly=False
    )
    partner_phone = fields.Char(
        "Customer Phone", compute="_compute_partner_contact", store=True, readonly=False
    )

    # Reception
    date_received = fields.Datetime(
        "Received On", required=True, default=fields.Datetime.now, index=True, copy=False
    )
    user_received_id = fields.Many2one(
        "res.users", "Received By", default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    received_by_function = fields.Char(related="user_received_id.partner_id.function",
                                       string="Receiver's Job Position")
    received_by_phone = fields.Char(related="user_received_id.partner_id.phone",
                                    string="Receiver's Phone")
    received_by_email = fields.Char(related="user_received_id.email", string="Receiver's Email")

    # What it is about
    category_id = fields.Many2one(
        "customer.feedback.category", index=True, tracking=True, check_company=True
    )
    product_id = fields.Many2one("product.product", check_company=True)
    quantity = fields.Float(default=0.0, digits="Product Unit")
    lead_id = fields.Many2one(
        "crm.lead", "Opportunity", index="btree_not_null", check_company=True
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", compute="_compute_team_id", store=True, readonly=False,
        check_company=True,
    )

    # Handling
    department_id = fields.Many2one(
        "customer.feedback.department", index=True, tracking=True,
        check_company=True, compute="_compute_department_id", store=True, readonly=False,
    )
    priority_id = fields.Many2one(
        "customer.feedback.priority", index=True, tracking=True,
        compute="_compute_priority_id", store=True, readonly=False, check_company=True,
    )
    priority_sequence = fields.Integer(related="priority_id.sequence", store=True)
    user_id = fields.Many2one(
        "res.users", "Assigned To", index=True, tracking=True,
        domain=[("share", "=", False)],
    )
    actions_needed = fields.Html()
    date_expected = fields.Datetime(
        "Expected Completion", help="When the handler expects to finish."
    )
    date_promised = fields.Datetime(
        "Promised Reply Date", tracking=True, copy=False,
        help="The date given to the customer when the answer needs more time.",
    )
    resolution = fields.Html(copy=False)
    cancel_reason = fields.Text(copy=False, tracking=True)
    corrective_action_id = fields.Many2one(
        "customer.feedback.corrective.action", index="btree_not_null",
        tracking=True, copy=False, check_company=True,
    )

    # Time of every step (stamped by the workflow)
    date_classified = fields.Datetime("Classified On", readonly=True, copy=False)
    date_assigned = fields.Datetime("Assigned On", readonly=True, copy=False)
    date_in_progress = fields.Datetime("Started On", readonly=True, copy=False)
    # indexed: the overview's times of the last 7 and 30 days read them by range
    date_first_response = fields.Datetime(
        "First Response On", readonly=True, copy=False, index=True
    )
    date_resolved = fields.Datetime("Resolved On", readonly=True, copy=False, index=True)
    date_waiting = fields.Datetime("Confirmation Asked On", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False, index=True)
    date_reopened = fields.Datetime("Reopened On", readonly=True, copy=False)
    date_escalated = fields.Datetime("Escalated On", readonly=True, copy=False)
    date_cancelled = fields.Datetime("Cancelled On", readonly=True, copy=False)

    _name_company_uniq = models.UniqueIndex(
        "(company_id, name) WHERE name != '/'",
        "A ticket with this reference already exists in this company.",
    )
    _quantity_positive = models.Constraint(
        "CHECK(quantity >= 0)", "The quantity concerned cannot be negative."
    )

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            partner = ticket.partner_id
            if partner:
                ticket.partner_name = partner.name
                ticket.partner_email = partner.email
                ticket.partner_phone = partner.phone

    @api.depends("lead_id.team_id", "department_id.team_id")
    def _compute_team_id(self):
        for ticket in self:
            ticket.team_id = (
                ticket.lead_id.team_id or ticket.department_id.team_id or ticket.team_id
            )

    @api.depends("name", "title")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.name} {ticket.title}" if ticket.title else ticket.name

    @api.model
    def _has_field_access(self, field, operation):
        """Customers read only the customer-facing fields (TICKET_CUSTOMER_FIELDS).

        Internal users keep the usual rules (field groups). A portal page
        renders its ticket as superuser; whatever a share user reads with
        their own rights (JSON-RPC, a report, a page from a search) is held to
        this list.
        """
        if not super()._has_field_access(field, operation):
            return False
        if operation != "read" or self.env.su or field.name in TICKET_CUSTOMER_FIELDS:
            return True
        # has_group is cached: no query on each field an employee reads
        return self.env.user._is_internal()

    @api.model_create_multi
    def create(self, vals_list):
        # before any number is taken: a refused create burns no reference
        self.check_access("create")
        # the reference and the email are set in the values: the caller's
        # own dicts are left as they were (reused, they make a new ticket)
        vals_list = [dict(vals) for vals in vals_list]
        self._check_create_state(vals_list)
        self._assign_references(vals_list)
        for vals in vals_list:
            if not vals.get("partner_id") and vals.get("partner_email"):
                vals["partner_email"] = email_normalize(vals["partner_email"], strict=False) \
                    or vals["partner_email"]
        tickets = super().create(vals_list)
        tickets._advance_after_routing()
        tickets._send_acknowledgement()
        return tickets

    def _assign_references(self, vals_list):
        """Give each new ticket its reference, one query per company and batch.

        Companies are numbered in the order of their ids, so that two batches
        lock shared sequences in the same order (no deadlock).
        """
        by_company = {}
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = vals.get("company_id") or self.env.company.id
                by_company.setdefault(company, []).append(vals)
        for company_id, company_vals in sorted(by_company.items()):
            names = self._next_references(self.env["res.company"].browse(company_id),
                                          len(company_vals))
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name or "/"

    def _next_references(self, company, count):
        """``count`` numbers of the ticket sequence of ``company``.

        The sequence is gap-free (implementation "no_gap", see the README,
        Confidentiality): each number is taken as a row of
        customer.feedback.reference, undone with the transaction (or the
        savepoint) of a create that fails afterwards; concurrent creates do
        not conflict (see that model). A sequence an administrator set back
        to "standard" takes its numbers from PostgreSQL, with gaps.
        """
        # sudo: users read no sequence definition; next_by_code does the same.
        Sequence = self.env["ir.sequence"].with_company(company).sudo()
        sequence = Sequence.search(
            [("code", "=", "customer.feedback.ticket"), ("company_id", "in", [company.id, False])],
            order="company_id", limit=1,
        )
        if not sequence or sequence.use_date_range:
            return [Sequence.next_by_code("customer.feedback.ticket") for _i in range(count)]
        if sequence.implementation == "standard":
            self.env.cr.execute(
                SQL("SELECT nextval(%s) FROM generate_series(1, %s)",
                    f"ir_sequence_{sequence.id:03d}", count)
            )
            numbers = [number for (number,) in self.env.cr.fetchall()]
        else:
            # sudo: the numbers taken are written by this code only
            numbers = self.env["customer.feedback.reference"].sudo()._take(sequence, count)
        return [sequence.get_next_char(number) for number in numbers]

    def _message_get_suggested_recipients(self, **kwargs):
        recipients = super()._message_get_suggested_recipients(**kwargs)
        if not self.partner_id and self.partner_email:
            recipients.append({"email": self.partner_email, "name": self.partner_name or ""})
        return recipients

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values:
            subtype = {
                "resolved": "customer_feedback.mt_ticket_resolved",
                "closed": "customer_feedback.mt_ticket_closed",
                "escalated": "customer_feedback.mt_ticket_escalated",
            }.get(self.state)
            if subtype:
                return self.env.ref(subtype)
        return super()._track_subtype(init_values)

    def message_post(self, **kwargs):
        """Stamp the first response: the first public answer of an employee."""
        message = super().message_post(**kwargs)
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and not self.env.user.share
            and message.author_id != self.partner_id
        ):
            # sudo: posting needs only read access (_mail_post_access), the
            # stamp write access; the answer itself was posted with the
            # user's own rights.
            self.filtered(lambda t: not t.date_first_response).sudo()._write_facts(
                {"date_first_response": fields.Datetime.now()}
            )
        return message
