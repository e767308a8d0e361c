from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..models.customer_feedback_ticket import KINDS


class CustomerFeedbackHotlineWizard(models.TransientModel):
    """Quick entry of a phone call: a ticket in a few fields.

    The caller is found by phone or email; when nobody matches, a contact
    is created (if a name is given) so the customer history stays in one place.
    """

    _name = "customer.feedback.hotline.wizard"
    _description = "Hotline Quick Entry"

    phone = fields.Char()
    email = fields.Char()
    name = fields.Char("Caller Name")
    partner_id = fields.Many2one(
        "res.partner", "Customer", compute="_compute_partner_id", store=True, readonly=False
    )
    kind = fields.Selection(KINDS, required=True, default="complaint")
    category_id = fields.Many2one("customer.feedback.category")
    title = fields.Char("Subject", required=True)
    description = fields.Html("What the customer said")

    @api.depends("phone", "email")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard._find_partner() or wizard.partner_id

    def _find_partner(self):
        """The contact with this email, else with this phone number."""
        Partner = self.env["res.partner"]
        email = email_normalize(self.email or "")
        if email:
            partner = Partner.search([("email_normalized", "=", email)], limit=1)
            if partner:
                return partner
        if self.phone and len("".join(c for c in self.phone if c.isdigit())) >= 6:
            return Partner.search([("phone_mobile_search", "=", self.phone)], limit=1)
        return Partner

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
