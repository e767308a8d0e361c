from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize

from ..models.customer_feedback_ticket import KINDS

# Shortest caller name searched among the contacts' names.
NAME_MIN_LENGTH = 3
CANDIDATES_LIMIT = 10


class CustomerFeedbackHotlineWizard(models.TransientModel):
    """Quick entry of a phone call: a ticket in a few fields.

    The caller is found by email, else by phone number in its normalised
    form (Odoo's phone_validation: ``0903124567``, ``090 312 4567`` and
    ``+84 90 312 4567`` are one number for a Vietnamese company). The
    contacts found by phone, email or name are shown as candidates for the
    agent to pick; a name alone never links the call. A contact is created
    (when a name is given) only when the agent picked none, so the customer
    history stays in one place.
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
    category_id = fields.Many2one("customer.feedback.category")
    title = fields.Char("Subject", required=True)
    description = fields.Html("What the customer said")

    @api.depends("phone", "email", "name")
    def _compute_candidate_ids(self):
        for wizard in self:
            wizard.candidate_ids = wizard._find_candidates()

    @api.depends("phone", "email")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard._find_partner() or wizard.partner_id

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
        partner = self._get_or_create_partner()
        ticket = self.env["customer.feedback.ticket"].create({
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "category_id": self.category_id.id,
            "channel": "hotline",
            "partner_id": partner.id,
            "partner_name": partner.name or self.name,
            "partner_phone": self.phone or partner.phone,
            "partner_email": self.email or partner.email,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": ticket._name,
            "res_id": ticket.id,
            "view_mode": "form",
        }
