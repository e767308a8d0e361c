from random import randint

from odoo import fields, models


class CustomerFeedbackTag(models.Model):
    _name = "customer.feedback.tag"
    _description = "Feedback Tag"
    _order = "name"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: self._default_color())

    _name_uniq = models.Constraint("UNIQUE(name)", "A tag with this name already exists.")
