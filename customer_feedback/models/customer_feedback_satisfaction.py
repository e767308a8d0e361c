"""A customer's answer to a satisfaction questionnaire, and its scores.

The scores are computed from the survey answers: questions carry a
``feedback_measure`` (overall, factors, nps, comment) and the rows of the
factors matrix a ``feedback_factor``. A choice or a scale position is turned
into 0-100 (worst to best), so questionnaires of any scale can be compared.
Partial answers give the scores they can: CSAT is the overall satisfaction
when answered, else the mean of the factors answered.
"""

from odoo import api, fields, models
from odoo.tools import plaintext2html

from ..tools.language import in_lang
from .survey_question_answer import FACTORS

DISSATISFIED_BELOW = 50.0  # CSAT (0-100) under which a customer is dissatisfied
NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]


def nps_category(score):
    """Net Promoter category of a 0-10 answer."""
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def net_promoter_score(promoters, detractors, answers):
    """Share of promoters minus share of detractors among ``answers``,
    -100 to +100; None without answers."""
    return 100.0 * (promoters - detractors) / answers if answers else None


def position_score(position, count):
    """0-100 for the ``position``-th (0-based) of ``count`` options, worst first."""
    return round(100.0 * position / (count - 1), 1) if count > 1 else 100.0


class CustomerFeedbackSatisfaction(models.Model):
    _name = "customer.feedback.satisfaction"
    _description = "Customer Satisfaction Survey"
    _inherit = ["customer.feedback.my.departments.mixin"]
    _order = "date_sent desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True,
                                 ondelete="cascade")
    ticket_id = fields.Many2one("customer.feedback.ticket", index="btree_not_null",
                                ondelete="set null", check_company=True)
    campaign_id = fields.Many2one("customer.feedback.survey.campaign",
                                  index="btree_not_null", ondelete="set null")
    user_input_id = fields.Many2one("survey.user_input", "Survey Answer", required=True,
                                    index=True, ondelete="cascade")
    survey_id = fields.Many2one(related="user_input_id.survey_id", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    department_id = fields.Many2one(related="ticket_id.department_id", store=True, index=True)
    category_id = fields.Many2one(related="ticket_id.category_id", store=True, index=True)
    kind = fields.Selection(related="ticket_id.kind", store=True)
    date_sent = fields.Datetime("Sent On", default=fields.Datetime.now, required=True,
                                index=True)
    date_answered = fields.Datetime("Answered On", compute="_compute_scores", store=True,
                                    index=True)
    state = fields.Selection(
        [("sent", "Sent"), ("partial", "Partially Answered"), ("done", "Answered")],
        compute="_compute_scores", store=True, index=True,
    )
    csat = fields.Float("CSAT", compute="_compute_scores", store=True, aggregator="avg",
                        help="Customer satisfaction, 0 (worst) to 100 (best).")
    has_csat = fields.Boolean(compute="_compute_scores", store=True)
    nps_score = fields.Integer("Would Recommend (0-10)", compute="_compute_scores",
                               store=True, aggregator="avg")
    nps_category = fields.Selection(NPS_CATEGORIES, "NPS Category",
                                    compute="_compute_scores", store=True, index=True)
    score_product = fields.Float("Product", compute="_compute_scores", store=True,
                                 aggregator="avg")
    score_place = fields.Float("Place", compute="_compute_scores", store=True, aggregator="avg")
    score_price = fields.Float("Price", compute="_compute_scores", store=True, aggregator="avg")
    score_promotion = fields.Float("Promotion", compute="_compute_scores", store=True,
                                   aggregator="avg")
    score_service = fields.Float("Service", compute="_compute_scores", store=True,
                                 aggregator="avg")
    comment = fields.Text(compute="_compute_scores", store=True)
    is_dissatisfied = fields.Boolean("Dissatisfied", compute="_compute_scores", store=True,
                                     index=True)
    follow_up_done = fields.Boolean(readonly=True, copy=False)

    @api.depends(
        "user_input_id.state", "user_input_id.end_datetime",
        "user_input_id.user_input_line_ids.value_scale",
        "user_input_id.user_input_line_ids.suggested_answer_id",
        "user_input_id.user_input_line_ids.matrix_row_id",
        "user_input_id.user_input_line_ids.value_text_box",
    )
    def _compute_scores(self):
        for satisfaction in self:
            satisfaction.update(satisfaction._scores_from_answers())

    def _scores_from_answers(self):
        """The score fields' values from the survey answer's lines."""
        self.ensure_one()
        user_input = self.user_input_id
        overall, nps, comments, factors = None, None, [], {}
        for line in user_input.user_input_line_ids.filtered(lambda ln: not ln.skipped):
            measure = line.question_id.feedback_measure
            if measure == "overall":
                overall = _line_score(line)
            elif measure == "nps" and line.answer_type == "scale":
                nps = line.value_scale
            elif measure == "factors" and line.matrix_row_id.feedback_factor:
                factors[line.matrix_row_id.feedback_factor] = _line_score(line)
            elif measure == "comment" and (line.value_text_box or line.value_char_box):
                comments.append(line.value_text_box or line.value_char_box)
        factor_scores = [score for score in factors.values() if score is not None]
        csat = overall if overall is not None else (
            sum(factor_scores) / len(factor_scores) if factor_scores else None
        )
        answered = any(v is not None for v in (overall, nps)) or factor_scores or comments
        values = {
            "state": "done" if user_input.state == "done" else ("partial" if answered else "sent"),
            "date_answered": user_input.end_datetime if user_input.state == "done" else False,
            "csat": csat or 0.0,
            "has_csat": csat is not None,
            "nps_score": nps or 0,
            "nps_category": nps_category(nps) if nps is not None else False,
            "comment": "\n".join(comments) or False,
            "is_dissatisfied": (csat is not None and csat < DISSATISFIED_BELOW)
            or (nps is not None and nps_category(nps) == "detractor"),
        }
        for factor, _label in FACTORS:
            values[f"score_{factor}"] = factors.get(factor) or 0.0
        return values

    @api.model
    def _invite(self, survey, partners, campaign=None, tickets=None):
        """Invite ``partners`` to answer ``survey``, one email each.

        :param tickets: optional, the ticket each partner is asked about
            (same order as ``partners``)
        :return: the satisfaction records created
        """
        if not partners:
            return self.browse()
        now = fields.Datetime.now()
        # sudo: agents invite customers without being survey officers; the
        # answers stay behind the survey app's own access rules.
        user_inputs = self.env["survey.user_input"].sudo().create([
            {"survey_id": survey.id, "partner_id": partner.id, "email": partner.email,
             "nickname": partner.name}
            for partner in partners
        ])
        tickets = list(tickets) if tickets else [None] * len(partners)
        # sudo: agents closing a ticket may only read satisfaction records, and
        # neither they nor feedback managers need to read the questionnaire the
        # invitation links to; the invitation is the company's.
        satisfactions = self.sudo().create([
            {
                "partner_id": partner.id,
                "user_input_id": user_input.id,
                "campaign_id": campaign.id if campaign else False,
                "ticket_id": ticket.id if ticket else False,
                "company_id": (campaign or ticket).company_id.id
                if (campaign or ticket) else self.env.company.id,
                "date_sent": now,
            }
            for partner, user_input, ticket in zip(partners, user_inputs, tickets, strict=True)
        ])
        partners.write({"feedback_last_survey_date": now})
        self.env.ref("customer_feedback.mail_template_satisfaction_invite").sudo().send_mail_batch(
            satisfactions.ids
        )
        return satisfactions.sudo(self.env.su)

    def _feedback_sender(self):
        """Invitations come from the company, as the ticket's emails do."""
        self.ensure_one()
        if self.ticket_id:
            return self.ticket_id._feedback_sender()
        return self.company_id.email_formatted or False

    def _satisfaction_summary(self):
        """The customer's summary of these answered questionnaires (the keys
        of res.partner's SATISFACTION_SUMMARY_FIELDS), the latest first."""
        answered = self.sorted(lambda s: (s.date_answered or s.date_sent, s.id), reverse=True)
        scored = answered.filtered("has_csat")
        return {
            "count": len(answered),
            "csat_last": scored[:1].csat,
            "csat_avg": sum(scored.mapped("csat")) / len(scored) if scored else 0.0,
            "nps_category": answered.filtered("nps_category")[:1].nps_category or None,
            "dissatisfied": bool(answered[:1].is_dissatisfied),
        }

    def _on_answered(self):
        """The customer submitted the questionnaire: follow up a low score."""
        low = self.filtered(lambda s: s.is_dissatisfied and not s.follow_up_done)
        for satisfaction in low:
            satisfaction._start_follow_up()
        low.follow_up_done = True

    def _start_follow_up(self):
        """An activity for the department leader, or a new complaint ticket.

        Written in the language of who reads it, not of the customer whose
        answer starts it: the ticket in the company's, the activity in the
        leader's.
        """
        self.ensure_one()
        company = self.company_id
        department = self.department_id or self.env["customer.feedback.department"]._get_fallback(
            company).get(company)
        Lang = self.env["res.lang"]
        if company.feedback_low_score_action == "ticket":
            self.env["customer.feedback.ticket"].create({
                "title": self._follow_up_summary(Lang._feedback_company_lang(company)),
                "description": self.comment and plaintext2html(self.comment),
                "kind": "complaint",
                "channel": "event_survey" if self.campaign_id else "web",
                "partner_id": self.partner_id.id,
                "company_id": company.id,
                "department_id": department.id if department else False,
                "parent_ticket_id": self.ticket_id.id,
            })
        elif department and department.leader_id:
            leader = department.leader_id
            record = self.ticket_id or self.partner_id
            record.activity_schedule(
                "mail.mail_activity_data_todo", user_id=leader.id,
                summary=self._follow_up_summary(
                    Lang._feedback_recipient_lang(leader.partner_id, company)
                ),
                note=self.comment or "",
            )

    def _follow_up_summary(self, lang):
        return in_lang(self, lang).env._(
            "Dissatisfied customer: %s", self.partner_id.display_name
        )

    def action_open_answer(self):
        """Open the survey answer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "survey.user_input",
            "res_id": self.user_input_id.id,
            "view_mode": "form",
        }


def _line_score(line):
    """0-100 for a scale or choice answer line, worst option first."""
    question = line.question_id
    if line.answer_type == "scale":
        span = question.scale_max - question.scale_min
        return round(100.0 * (line.value_scale - question.scale_min) / span, 1) if span else None
    if line.suggested_answer_id:
        options = question.suggested_answer_ids.sorted("sequence")
        if line.suggested_answer_id in options:
            return position_score(list(options).index(line.suggested_answer_id), len(options))
    return None
