from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    feedback_segment_id = fields.Many2one(
        "customer.feedback.segment", "Care Segment", index="btree_not_null",
        help="Key account, SME, loyal customer... Some segments raise the priority "
        "of the feedback the customer sends.",
    )
    feedback_ticket_ids = fields.One2many(
        "customer.feedback.ticket", "partner_id", "Feedback Tickets"
    )
    feedback_count = fields.Integer("Feedback", compute="_compute_feedback_stats")
    feedback_open_count = fields.Integer("Open Feedback", compute="_compute_feedback_stats")
    feedback_complaint_count = fields.Integer("Complaints", compute="_compute_feedback_stats")
    feedback_last_date = fields.Datetime("Last Feedback", compute="_compute_feedback_stats")

    @api.depends_context("allowed_company_ids")
    def _compute_feedback_stats(self):
        """Counters over the whole commercial entity (company and its contacts)."""
        Ticket = self.env["customer.feedback.ticket"]
        commercial = self.commercial_partner_id
        domain = [("commercial_partner_id", "in", commercial.ids)]
        stats = {
            partner: (count, last)
            for partner, count, last in Ticket._read_group(
                domain, ["commercial_partner_id"], ["__count", "date_received:max"]
            )
        }
        open_counts = dict(Ticket._read_group(
            domain + [("state", "in", Ticket.OPEN_STATES)], ["commercial_partner_id"], ["__count"]
        ))
        complaints = dict(Ticket._read_group(
            domain + [("kind", "=", "complaint")], ["commercial_partner_id"], ["__count"]
        ))
        for partner in self:
            key = partner.commercial_partner_id
            count, last = stats.get(key, (0, False))
            partner.feedback_count = count
            partner.feedback_last_date = last
            partner.feedback_open_count = open_counts.get(key, 0)
            partner.feedback_complaint_count = complaints.get(key, 0)

    def action_view_feedback(self):
        """Open the feedback of this customer (and its contacts)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_feedback.action_customer_feedback_ticket_all"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_filter_open": 0,
        }
        return action
