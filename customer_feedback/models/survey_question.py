from odoo import fields, models

FEEDBACK_MEASURES = [
    ("overall", "Overall satisfaction"),
    ("factors", "Satisfaction factors"),
    ("nps", "Would recommend (0-10)"),
    ("comment", "Comment"),
]


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    feedback_measure = fields.Selection(
        FEEDBACK_MEASURES, "Satisfaction Measure",
        help="What the answers to this question measure in the customer satisfaction "
        "scores: the overall satisfaction (a scale or a choice, worst first), the "
        "factors (a matrix whose rows name a factor), the likelihood to recommend "
        "(a 0-10 scale) or a comment.",
    )
