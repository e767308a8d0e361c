from odoo import fields, models


class CustomerFeedbackSegment(models.Model):
    """A customer-care segment (key account, SME, loyal customer...)."""

    _name = "customer.feedback.segment"
    _description = "Customer Care Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    raise_priority = fields.Boolean(
        help="Feedback from customers of this segment gets one priority level higher "
        "than its kind and category would give."
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("feedback_segment_id", "in", self.ids)],
                ["feedback_segment_id"],
                ["__count"],
            )
        )
        for segment in self:
            segment.partner_count = counts.get(segment, 0)
