from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize

from ..models.customer_feedback_ticket import CHANNELS, KINDS

# Shortest caller name searched among the contacts' names.
NAME_MIN_LENGTH = 3
CANDIDATES_LIMIT = 10
# How much of the caller's history the wizard shows
HISTORY_LIMIT = 5
# A call may be added to a ticket not yet closed: one being handled, or
# resolved and waiting for the customer (who often calls about it).
CALL_TARGET_STATES = ("closed", "cancelled")
# The channels an agent takes feedback on in a conversation: a call, or a
# chat app (Zalo...) whose messages they type in.
QUICK_ENTRY_CHANNELS = ("hotline", "chat")


class CustomerFeedbackHotlineWizard(models.TransientModel):
    """Quick entry of a phone call: a ticket in a few fields.

    The caller is found by email, else by phone number in its normalised
    form (Odoo's phone_validation: ``0903124567``, ``090 312 4567`` and
    ``+84 90 312 4567`` are one number for a Vietnamese company). The
    contacts found by phone, email or name are shown as candidates for the
    agent to pick; a name alone never links the call. A contact is created
    (when a name is given) only when the agent picked none, so the customer
    history stays in one place.

    As soon as the caller is known (the contact, or the phone and email
    typed), the wizard shows their tickets not yet closed and their last
    contacts (tickets and messages), among the tickets the agent may read.
    The agent may then add the call to one of those tickets (a note with
    what the customer said, the assignee notified) instead of opening a
    duplicate.
    """

    _name = "customer.feedback.hotline.wizard"
    _description = "Hotline Quick Entry"

    phone = fields.Char()
    email = fields.Char()
    name = fields.Char("Caller Name")
    candidate_ids = fields.Many2many(
        "res.partner", string="Contacts Found", compute="_compute_candidate_ids",
        help="The contacts with this phone number (in any format), this email or a "
        "name like this one: pick the caller among them before creating a new contact.",
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", compute="_compute_partner_id", store=True, readonly=False
    )
    kind = fields.Selection(KINDS, required=True, default="complaint")
    channel = fields.Selection(
        [channel for channel in CHANNELS if channel[0] in QUICK_ENTRY_CHANNELS],
        required=True, default="hotline",
        help="How the customer reached us: a call, or a chat app such as Zalo.",
    )
    category_id = fields.Many2one("customer.feedback.category")
    title = fields.Char("Subject")
    description = fields.Html("What the customer said")
    open_ticket_ids = fields.Many2many(
        "customer.feedback.ticket", string="Open Tickets", compute="_compute_history",
        help="The caller's tickets not yet closed: the call may be about one of them.",
    )
    recent_ticket_ids = fields.Many2many(
        "customer.feedback.ticket", string="Last Tickets", compute="_compute_history",
    )
    recent_message_ids = fields.Many2many(
        "mail.message", string="Last Messages", compute="_compute_history",
        help="The last emails, answers and calls on the caller's tickets.",
    )
    call_mode = fields.Selection(
        [("new", "New ticket"), ("add", "Add to ticket")], "The Call Is",
        required=True, default="new",
        help="A new ticket, or a note on the open ticket the call is about.",
    )
    ticket_id = fields.Many2one(
        "customer.feedback.ticket", "About Ticket", compute="_compute_ticket_id",
        store=True, readonly=False,
        help="The open ticket the call is about: the call is added to it.",
    )

    @api.depends("phone", "email", "name")
    def _compute_candidate_ids(self):
        for wizard in self:
            wizard.candidate_ids = wizard._find_candidates()

    @api.depends("phone", "email")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard._find_partner() or wizard.partner_id

    @api.depends("phone", "email", "partner_id")
    def _compute_history(self):
        Ticket = self.env["customer.feedback.ticket"]
        for wizard in self:
            domain = wizard._caller_ticket_domain()
            if domain is None:
                wizard.open_ticket_ids = wizard.recent_ticket_ids = False
                wizard.recent_message_ids = False
                continue
            wizard.open_ticket_ids = Ticket.search(
                domain & Domain("state", "not in", CALL_TARGET_STATES), limit=CANDIDATES_LIMIT
            )
            tickets = Ticket.search(domain, limit=CANDIDATES_LIMIT * 5)
            wizard.recent_ticket_ids = tickets[:HISTORY_LIMIT]
            wizard.recent_message_ids = self.env["mail.message"].search([
                ("model", "=", Ticket._name), ("res_id", "in", tickets.ids),
                ("message_type", "in", ("email", "comment")),
            ], order="date desc, id desc", limit=HISTORY_LIMIT)

    @api.depends("phone", "email", "partner_id")
    def _compute_ticket_id(self):
        for wizard in self:
            if wizard.ticket_id not in wizard.open_ticket_ids:
                wizard.ticket_id = wizard.open_ticket_ids[:1]

    def _caller_ticket_domain(self):
        """The tickets of the caller: of their customer company, and those
        without contact from their email; None while the caller is unknown."""
        self.ensure_one()
        partners = self.partner_id or self._phone_matches() | self._email_matches()
        email = email_normalize(self.email or "") or email_normalize(
            self.partner_id.email or ""
        )
        domains = []
        if partners:
            domains.append(Domain("commercial_partner_id", "in",
                                  partners.commercial_partner_id.ids))
        if email:
            domains.append(Domain("partner_id", "=", False)
                           & Domain("partner_email", "=ilike", email))
        return Domain.OR(domains) if domains else None

    def _email_matches(self):
        email = email_normalize(self.email or "")
        if not email:
            return self.env["res.partner"]
        return self.env["res.partner"].search([("email_normalized", "=", email)])

    def _phone_matches(self):
        domain = self.env["customer.feedback.ticket"]._customer_phone_domain(
            self.phone, self.env.company
        )
        if domain is None:
            return self.env["res.partner"]
        return self.env["res.partner"].search(domain, limit=CANDIDATES_LIMIT)

    def _name_matches(self):
        name = (self.name or "").strip()
        if len(name) < NAME_MIN_LENGTH:
            return self.env["res.partner"]
        return self.env["res.partner"].search(
            Domain("complete_name", "ilike", name)
            & Domain("company_id", "in", [self.env.company.id, False]),
            limit=CANDIDATES_LIMIT,
        )

    def _find_candidates(self):
        """The contacts the caller may be: by phone, email, then name."""
        self.ensure_one()
        found = self._phone_matches() | self._email_matches() | self._name_matches()
        return found[:CANDIDATES_LIMIT]

    def _find_partner(self):
        """The caller when the call says who it is: the contact with this
        email, else the only contact with this phone number. Several
        contacts with the number, or a name, are left for the agent to pick
        among the candidates."""
        self.ensure_one()
        by_email = self._email_matches()[:1]
        if by_email:
            return by_email
        by_phone = self._phone_matches()
        return by_phone if len(by_phone) == 1 else self.env["res.partner"]

    def _get_or_create_partner(self):
        if self.partner_id:
            return self.partner_id
        if not self.name:
            return self.env["res.partner"]
        return self.env["res.partner"].create(
            {"name": self.name, "phone": self.phone, "email": self.email}
        )

    def action_create_ticket(self):
        """Create the ticket and open it."""
        self.ensure_one()
        if not (self.phone or self.email or self.partner_id):
            raise UserError(self.env._("Give the caller's phone number or email."))
        if not (self.title or "").strip():
            raise UserError(self.env._("Give the subject of the call."))
        partner = self._get_or_create_partner()
        ticket = self.env["customer.feedback.ticket"].create({
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "category_id": self.category_id.id,
            "channel": self.channel,
            "partner_id": partner.id,
            "partner_name": partner.name or self.name,
            "partner_phone": self.phone or partner.phone,
            "partner_email": self.email or partner.email,
        })
        return self._open_ticket(ticket)

    def action_add_to_ticket(self):
        """Add the call to the open ticket it is about, and open it."""
        self.ensure_one()
        ticket = self.ticket_id
        if not ticket:
            raise UserError(self.env._("Choose the ticket the call is about."))
        if ticket.state in CALL_TARGET_STATES:
            raise UserError(self.env._(
                "%s is closed or cancelled: open a new ticket for this call.", ticket.name
            ))
        # the assignee learns that the customer called
        notified = ticket.user_id.partner_id - self.env.user.partner_id
        ticket.message_post(
            body=self._call_note(), message_type="comment", subtype_xmlid="mail.mt_note",
            partner_ids=notified.ids,
        )
        return self._open_ticket(ticket)

    def _call_note(self):
        caller = self.partner_id.name or self.name or self.env._("the customer")
        contact = ", ".join(filter(None, [self.phone, self.email]))
        header = self.env._(
            "Hotline call from %(caller)s%(contact)s, taken by %(agent)s",
            caller=caller, contact=f" ({contact})" if contact else "",
            agent=self.env.user.name,
        )
        title = Markup("<p>%s</p>") % self.title if self.title else Markup()
        description = self.description or Markup()
        return Markup("<p><strong>%s</strong></p>%s%s") % (header, title, description)

    def _open_ticket(self, ticket):
        return {
            "type": "ir.actions.act_window",
            "res_model": ticket._name,
            "res_id": ticket.id,
            "view_mode": "form",
        }
