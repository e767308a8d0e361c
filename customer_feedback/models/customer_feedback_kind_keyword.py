"""The words that tell a message's kind, and its urgency: data, not code.

Each term says which kind it points to, how strongly (its weight) and, for
words of praise, what it means when negated ('không hài lòng', 'not
satisfied': a complaint). The addon ships defaults in Vietnamese and English
(data/customer_feedback_kind_keyword_data.xml, shared by all companies); a
feedback manager adds the words of the company's customers, changes the
weights, or archives a shipped word. Matching ignores diacritics, case and
the placement of tone marks, like the categories' keywords.
"""

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .customer_feedback_ticket import KINDS


class CustomerFeedbackKindKeyword(models.Model):
    _name = "customer.feedback.kind.keyword"
    _description = "Feedback Kind Keyword"
    _order = "usage, kind, weight desc, term"
    _rec_name = "term"

    term = fields.Char(
        required=True,
        help="A word or phrase customers write. Diacritics and case do not matter.",
    )
    usage = fields.Selection(
        [("kind", "Kind"), ("urgency", "Urgency")], required=True, default="kind",
        help="Kind: the term points to a kind of feedback. Urgency: the term makes "
        "the ticket urgent, whatever its kind.",
    )
    kind = fields.Selection(KINDS)
    negated_kind = fields.Selection(
        KINDS, "Kind When Negated",
        help="What the term means after a negation ('not satisfied'); empty: a "
        "negated term counts for nothing.",
    )
    weight = fields.Float(
        default=1.0,
        help="How strongly the term points to its kind (1: an ordinary word). Negative: "
        "the phrase cancels a shorter term it contains ('xin lỗi', sorry, is no 'lỗi', "
        "error).",
    )
    lang = fields.Selection(
        [("vi", "Vietnamese"), ("en", "English"), ("any", "Any Language")], "Language",
        default="any", required=True,
        help="The language of the term, to sort the list; every term is looked for in "
        "every message, since customers mix the languages.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company,
        help="Empty: used by every company.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("usage", "kind", "weight")
    def _check_kind(self):
        for keyword in self:
            if keyword.usage == "kind" and not keyword.kind:
                raise ValidationError(
                    self.env._("The term “%s” needs the kind it points to.", keyword.term)
                )
            if not keyword.weight:
                raise ValidationError(self.env._("The weight of a term cannot be zero."))

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _vocabulary(self, company_id):
        """The active terms of ``company_id`` and the shared ones:
        (((kind, weight, negated_kind), (term, ...)), ...) for kinds, and the
        urgency terms. Cached: read for every incoming message."""
        return self._vocabulary_cached(company_id)

    @tools.ormcache("company_id")
    def _vocabulary_cached(self, company_id):
        # sudo: the classification runs for the mail gateway and the public
        # form; the vocabulary is configuration, not confidential
        keywords = self.sudo().search_fetch(
            [("company_id", "in", [company_id, False])],
            ["term", "usage", "kind", "weight", "negated_kind"],
        )
        groups, urgency = {}, []
        for keyword in keywords:
            if keyword.usage == "urgency":
                urgency.append(keyword.term)
                continue
            key = (keyword.kind, keyword.weight, keyword.negated_kind or False)
            groups.setdefault(key, []).append(keyword.term)
        return (
            tuple((key, tuple(terms)) for key, terms in groups.items()),
            tuple(urgency),
        )
