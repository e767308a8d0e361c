"""Satisfaction after closing: a one-click rating in the closing email
(Odoo's rating mixin) and, when the ticket's category or department asks for
it, the full satisfaction questionnaire."""

from odoo import fields, models


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    satisfaction_ids = fields.One2many("customer.feedback.satisfaction", "ticket_id",
                                       "Satisfaction Surveys")

    def _send_closure(self):
        result = super()._send_closure()
        self._send_satisfaction_survey()
        return result

    def _satisfaction_survey(self):
        """The questionnaire the category (or its ancestors) or the department asks for."""
        self.ensure_one()
        category = self.category_id
        while category and not category.satisfaction_survey_id:
            category = category.parent_id
        return category.satisfaction_survey_id or self.department_id.satisfaction_survey_id

    def _send_satisfaction_survey(self):
        by_survey = {}
        for ticket in self:
            partner = ticket.partner_id
            survey = ticket._satisfaction_survey()
            if survey and partner.email and not partner.feedback_survey_opt_out:
                by_survey.setdefault(survey, []).append(ticket)
        Satisfaction = self.env["customer.feedback.satisfaction"]
        for survey, tickets in by_survey.items():
            # one partner per ticket, in order (a partner may appear twice)
            partners = self.env["res.partner"].concat(*(t.partner_id for t in tickets))
            Satisfaction._invite(survey, partners, tickets=tickets)
