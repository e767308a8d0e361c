from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        result = super()._mark_done()
        # sudo: the customer submitting the questionnaire is usually the
        # public user; the follow-up is the company's, not theirs.
        self.env["customer.feedback.satisfaction"].sudo().search(
            [("user_input_id", "in", self.ids)]
        )._on_answered()
        return result
