"""How ``_classify_message`` decides: rules, then what was learned.

The rules score each kind from the vocabulary managers edit
(``customer.feedback.kind.keyword``, weighted, with negation) and from the
shape of the sentences (tools/classification_signals.py: questions,
suggestions, quantities, error codes). The learned models
(``customer.feedback.classifier``) give each kind and category a
probability from the words of the company's confirmed tickets. Both are
blended: the rules' share of the evidence, damped when it is thin (one
question mark), plus the learned probability times ``LEARNED_WEIGHT``. The
category's default kind is used only when neither found anything: a clear
signal of the message is never overridden by it.

The ticket records which method decided the kind and the category, and
whether the agents kept them, so that the Feedback Classification report
shows the accuracy of each (``kind_kept``, ``category_kept``).
"""

import re

from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..tools.classification_signals import greetings_only, sentence_signals
from .customer_feedback_classifier import NO_CATEGORY
from .customer_feedback_ticket import KINDS
from .customer_feedback_ticket_classification import NormalizedText
from .customer_feedback_ticket_recorded_facts import NOBODY, RECORDED_FACTS

METHODS = [
    ("rules", "Rules"),
    ("learned", "Learned"),
    ("default", "Category Default"),
    ("none", "Nothing Found"),
]
KIND_CODES = [code for code, _label in KINDS if code != "other"]
# "The desks are great, but the fitters left screws everywhere": praise cut
# short by a contrast is said to soften what follows, the matter of the
# message. Written with diacritics, or without them at the start of a
# clause ("nhung" alone is also "những", the plural).
CONTRAST = re.compile(
    r"(?:^|[\s,.;!])(?:nhưng|tuy nhiên|tuy vậy|có điều|tiếc là|but|however|unfortunately)\b"
)
PLAIN_CONTRAST = re.compile(
    r"(?:^|[,.;!]\s*)(?:nhung|tuy nhien|tuy vay|co dieu|tiec la|but|however|unfortunately)\b"
)
# what a contrast may leave as the matter of the message
DISSATISFIED_KINDS = ("complaint", "criticism", "technical_support")
# Evidence of the rules is damped by this much: a single weak signal (score
# 1) weighs 0.5, a strong one (score 4) 0.8.
RULES_DAMPING = 1.0
# How much the learned probability weighs next to the rules' share. These
# parameters are chosen by cross-validation on the benchmark's training part
# (tests/benchmarks/cv_classification.py), never on its test part.
LEARNED_WEIGHT = {"kind": 0.3, "category": 0.5}
# The rules decide alone when their winner scored this much (a strong term,
# or two ordinary ones) and is this far ahead of the runner-up.
CLEAR_SCORE = 3.0
CLEAR_CONFIDENCE = 0.6
# Below this combined score nothing was found. Lower for the category: a
# message that names several things ('the desk and the cabinets I ordered,
# the delivery...') still has one it is most about.
MIN_SCORE = {"kind": 0.25, "category": 0.1}
# Without any rule for it, the learned model decides only when this sure
# (surer for the kind: until a company has its own, the kind model is the
# generic one shipped with the addon).
LEARNED_ALONE = {"kind": 0.7, "category": 0.6}
# ... and to choose what the rules did not find at all when they found
# something else (a naive Bayes model trained on a few hundred tickets is
# often sure and wrong).
LEARNED_OVER_RULES = {"kind": 0.7, "category": 0.9}

# A label the rules cannot find (see ``_blend``): how much its learned
# probability weighs, and how sure the learned model must be of it to decide,
# whatever the rules found.
LEARNED_WEIGHT_UNKNOWN = 2.0
LEARNED_UNKNOWN_ALONE = 0.35

# What the classification records is written by code only (see
# customer_feedback_ticket_recorded_facts.py).
RECORDED_FACTS.update({
    "kind_method": NOBODY,
    "category_method": NOBODY,
    "kind_kept": NOBODY,
    "category_kept": NOBODY,
})


def _blend(rule_scores, probabilities, target, unknown_to_rules=frozenset()):
    """(winner, confidence, method) from the rules' scores and the learned
    probabilities, both keyed alike; (None, 0, None) when neither found
    enough.

    :param unknown_to_rules: the labels the rules cannot find (a category
        without keywords of its own, learned from the agents' corrections):
        that the rules found something else says nothing against them
    """
    clear = _clear_winner(rule_scores)
    learned_top = max(probabilities, key=probabilities.get, default=None)
    if clear and not (
        learned_top in unknown_to_rules and probabilities[learned_top] >= LEARNED_UNKNOWN_ALONE
    ):
        # the rules are clear, unless the learned model is sure of a label
        # they cannot see
        return clear
    total = sum(score for score in rule_scores.values() if score > 0)
    combined, from_rules = {}, {}
    # in a fixed order (the rules', then the learned ones): a tie is decided
    # the same way in every process, not by the hashing of a set
    labels = list(rule_scores) + [label for label in probabilities if label not in rule_scores]
    for label in labels:
        rules = max(rule_scores.get(label, 0), 0) / (total + RULES_DAMPING) if total else 0.0
        from_rules[label] = rules
        weight = LEARNED_WEIGHT_UNKNOWN if label in unknown_to_rules else LEARNED_WEIGHT[target]
        combined[label] = rules + weight * probabilities.get(label, 0.0)
    ranked = sorted(combined.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < MIN_SCORE[target]:
        return None, 0.0, None
    winner = ranked[0][0]
    learned_only = probabilities.get(winner, 0.0)
    alone, over_rules = (
        (LEARNED_UNKNOWN_ALONE,) * 2 if winner in unknown_to_rules
        else (LEARNED_ALONE[target], LEARNED_OVER_RULES[target])
    )
    if not from_rules[winner] and (
        learned_only < alone or total and learned_only < over_rules
    ):
        # not sure enough to set aside what the rules found: the best of it
        found = [label for label, _value in ranked if from_rules[label]]
        if not found:
            return None, 0.0, None
        winner = found[0]
    if from_rules[winner] and from_rules[winner] == max(from_rules.values()):
        # the confidence of the method that decided: of the rules, how far
        # the winner is ahead of the runner-up
        own = rule_scores[winner]
        other = max([s for label, s in rule_scores.items() if label != winner] + [0])
        return winner, round(own / (own + max(other, 0)), 2), "rules"
    return winner, round(probabilities[winner], 2), "learned"


def _vocabulary_scores(vocabulary, score):
    """{kind: score} of the kind vocabulary, ``score(terms, negated=False)``
    counting the terms found (or found only negated)."""
    scores = dict.fromkeys(KIND_CODES, 0.0)
    for (kind, weight, negated_kind), terms in vocabulary:
        scores[kind] += weight * score(list(terms))
        if negated_kind:
            scores[negated_kind] += weight * score(list(terms), negated=True)
    return scores


def _clear_winner(rule_scores):
    """(winner, confidence, 'rules') when the rules alone are clear, else None."""
    ranked = sorted(rule_scores.items(), key=lambda item: item[1], reverse=True) + [(None, 0)] * 2
    (winner, best), (_label, runner_up) = ranked[0], ranked[1]
    if best < CLEAR_SCORE:
        return None
    confidence = best / (best + max(runner_up, 0))
    if confidence < CLEAR_CONFIDENCE:
        return None
    return winner, round(confidence, 2), "rules"


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    kind_method = fields.Selection(
        METHODS, "Kind Decided By", readonly=True, copy=False,
        help="Rules: the vocabulary and the sentences of the message. Learned: the "
        "tickets agents confirmed or corrected. Category Default: nothing in the message, "
        "the category's default kind.",
    )
    category_method = fields.Selection(METHODS, "Category Decided By", readonly=True, copy=False)
    kind_kept = fields.Float(
        compute="_compute_kept", store=True, aggregator="avg",
        help="1 when the agents kept the kind found automatically, 0 when they changed "
        "it: the average is the accuracy.",
    )
    category_kept = fields.Float(
        compute="_compute_kept", store=True, aggregator="avg",
        help="1 when the agents kept the category found automatically, 0 when they "
        "changed it: the average is the accuracy.",
    )

    @api.depends("kind", "category_id", "auto_kind", "auto_category_id", "is_auto_classified")
    def _compute_kept(self):
        for ticket in self:
            if not ticket.is_auto_classified:
                ticket.kind_kept = ticket.category_kept = 0.0
                continue
            ticket.kind_kept = float(ticket.kind == ticket.auto_kind)
            ticket.category_kept = float(ticket.category_id == ticket.auto_category_id)

    def _classification_text(self):
        """The words a ticket is learned from: its title and description."""
        self.ensure_one()
        return f"{self.title or ''} . {html2plaintext(self.description or '')}"

    @api.model
    def _kind_scores(self, subject, body, score, matched, company):
        """{kind: score} from the vocabulary (weighted, negations) and the
        signals of the sentences; the signals found are added to ``matched``."""
        vocabulary, _urgency = self.env["customer.feedback.kind.keyword"]._vocabulary(company.id)
        scores = _vocabulary_scores(vocabulary, score)
        for text, factor in ((subject, 2), (body, 1)):
            for kind, weight, found in sentence_signals(text.lowered):
                scores[kind] += factor * weight
                if found not in matched:
                    matched.append(found)
        self._praise_cut_by_contrast(body, vocabulary, scores, matched)
        return scores

    @api.model
    def _praise_cut_by_contrast(self, body, vocabulary, scores, matched):
        """Praise before the last "but" of the message, and neither praise
        nor a question or suggestion after it: the praise counts for the
        dissatisfaction said after it, a complaint unless the words say
        otherwise ("bàn đẹp, nhưng thợ lắp làm trầy sàn")."""
        if scores["praise"] <= 0:
            return
        pattern = CONTRAST if body.has_diacritics else PLAIN_CONTRAST
        contrasts = list(pattern.finditer(body.text))
        if not contrasts:
            return
        tail = NormalizedText(body.text[contrasts[-1].end():])
        after = _vocabulary_scores(
            vocabulary, lambda terms, negated=False: len(tail.find(terms, negated))
        )
        for kind, weight, _found in sentence_signals(tail.lowered):
            after[kind] += weight
        dissatisfied = max(DISSATISFIED_KINDS, key=after.get)
        if after["praise"] or not after[dissatisfied] and max(after.values()):
            # praise goes on, or the message goes on to ask or suggest
            return
        # a "but" after praise says that something is wrong, even in words
        # the vocabulary does not know ("dây điện để lộn xộn")
        scores[dissatisfied] += scores["praise"]
        scores["praise"] = 0.0
        marker = contrasts[-1].group().strip(" ,.;!")
        if marker not in matched:
            matched.append(marker)

    @api.model
    def _urgency_terms(self, company):
        return list(self.env["customer.feedback.kind.keyword"]._vocabulary(company.id)[1])

    @api.model
    def _decide_classification(self, text, company, kind_scores, category_scores, matched,
                               body=""):
        """The ticket values of the kind and the category: rules and learned
        models blended (see the module), with the method that decided each;
        the rules only for a ``body`` of greetings."""
        kind_model, category_model = (None, None) if greetings_only(body) else (
            self.env["customer.feedback.classifier"]._learned_models(company.id)
        )
        kind_probabilities = kind_model.probabilities(text) if kind_model else {}
        kind_probabilities.pop("other", None)  # 'other' is what is left, not a finding
        kind, kind_confidence, kind_method = _blend(
            kind_scores, kind_probabilities, "kind"
        )
        categories = {str(category.id): category for category in category_scores}
        Category = self.env["customer.feedback.category"]
        allowed = {str(cid) for cid, *_rest in Category._classification_keywords(company.id)}
        allowed.add(NO_CATEGORY)
        category_probabilities = (
            category_model.probabilities(text, allowed) if category_model else {}
        )
        categories.update(
            (cid, Category.browse(int(cid))) for cid in category_probabilities
            if cid != NO_CATEGORY
        )
        unknown_to_rules = {
            str(cid) for cid in Category._categories_without_keywords(company.id)
        }
        category_id, category_confidence, category_method = _blend(
            {str(category.id): value for category, value in category_scores.items()},
            category_probabilities, "category", unknown_to_rules,
        )
        category = categories.get(category_id) or Category
        reasons = []
        if kind_method == "learned":
            reasons += kind_model.reasons(text, kind, list(kind_probabilities))
        if category_method == "learned":
            reasons += category_model.reasons(text, category_id, list(category_probabilities))
        matched.extend(reason for reason in reasons if reason not in matched)
        if not kind and category.kind:
            kind, kind_method = category.kind, "default"
        confidences = [c for c in (kind_confidence, category_confidence) if c]
        return {
            "kind": kind or "other",
            "category_id": category.id,
            "auto_kind": kind or "other",
            "auto_category_id": category.id,
            "kind_method": kind_method or "none",
            "category_method": category_method or "none",
            "classification_confidence": min(confidences) if confidences else 0.0,
        }
