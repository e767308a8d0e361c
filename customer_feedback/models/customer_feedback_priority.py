from odoo import fields, models


class CustomerFeedbackPriority(models.Model):
    """A priority level and the deadlines it promises."""

    _name = "customer.feedback.priority"
    _description = "Feedback Priority Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Lower comes first: the most urgent level has the lowest sequence."
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    response_hours = fields.Float(
        "Response Deadline (hours)",
        required=True,
        help="Time allowed between receiving the feedback and the first answer to the customer.",
    )
    resolution_hours = fields.Float(
        "Resolution Deadline (hours)",
        required=True,
        help="Time allowed between receiving the feedback and its resolution.",
    )
    use_working_hours = fields.Boolean(
        "Count Working Hours",
        default=True,
        help="Count the deadlines in the working hours of the department's calendar; "
        "otherwise in calendar hours.",
    )

    _check_hours = models.Constraint(
        "CHECK(response_hours > 0 AND resolution_hours >= response_hours)",
        "Deadlines must be positive and the resolution deadline cannot be "
        "shorter than the response deadline.",
    )
