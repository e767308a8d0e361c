from odoo import fields, models

FACTORS = [
    ("product", "Product"),
    ("place", "Place"),
    ("price", "Price"),
    ("promotion", "Promotion"),
    ("service", "Service"),
]


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    feedback_factor = fields.Selection(
        FACTORS, "Satisfaction Factor",
        help="On a row of a satisfaction-factors matrix: the factor the row rates.",
    )
