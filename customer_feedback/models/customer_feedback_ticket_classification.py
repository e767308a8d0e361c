"""Automatic classification of incoming feedback: kind, category, urgency.

Works on the subject and the body, with or without Vietnamese diacritics
and in any case ('khiếu nại', 'khieu nai' and 'KHIẾU NẠI' match alike),
composed or decomposed and with either placement of the tone marks ('hóa
đơn', 'hoá đơn': ``normalize_vietnamese``), by whole words. Categories
bring their own keywords; the kinds and the urgency words are data
(``customer.feedback.kind.keyword``). A
keyword right after a negation does not count: said that way, it means the
opposite, and praise said so ('không hài lòng', 'not satisfied') counts as
a complaint. The ticket keeps which keywords matched and how confident the
choice was; when an agent changes the kind or category afterwards the
ticket records it, so the accuracy of classification can be measured
(``_classification_accuracy``).
"""

import re
from functools import lru_cache

from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..tools.vietnamese import normalize_vietnamese
from .customer_feedback_category import normalize_keyword
from .customer_feedback_ticket import KINDS

# The words of each kind and the urgency words are data a manager edits
# (customer.feedback.kind.keyword, defaults in
# data/customer_feedback_kind_keyword_data.xml); the signals of the sentences
# and the learned models: customer_feedback_ticket_classification_learning.py.

# A keyword found in the subject counts this many times one in the body.
SUBJECT_WEIGHT = 2
# Category keywords: what each word of a phrase after the first adds to its
# weight (1 for one word), and the weight of an ambiguous syllable (see
# ``NormalizedText.weight``).
PHRASE_WEIGHT = 0.5
AMBIGUOUS_WEIGHT = 0.5

# A negation turns the keyword right after it into its opposite; words that
# only strengthen it may stand between ('không hề hài lòng', 'not very
# satisfied'). 'no' and 'chả' are left out: without diacritics they are
# 'nó' (it) and 'cha' (father).
NEGATIONS = {"không", "chưa", "chẳng", "not", "never", "hardly"}
INTENSIFIERS = {"hề", "thật", "thực", "sự", "lắm", "quá", "very", "really", "quite", "too",
                "so", "that", "fully", "entirely"}
# the same, for text written without diacritics
PLAIN_NEGATIONS = {normalize_keyword(word) for word in NEGATIONS}
PLAIN_INTENSIFIERS = {normalize_keyword(word) for word in INTENSIFIERS}


@lru_cache(maxsize=4096)
def _keyword_pattern(word):
    """The regex of a keyword as a whole word; an English plural counts as
    the word ('desk' finds 'desks', 'box' finds 'boxes')."""
    plural = "(?:s|es)?" if word[-1:].isascii() and word[-1:].isalpha() else ""
    return re.compile(rf"(?<!\w){re.escape(word)}{plural}(?!\w)")


@lru_cache(maxsize=4096)
def _keyword_forms(keyword):
    """(with diacritics, without) of a keyword, lower-case: every incoming
    email is matched against every keyword."""
    lowered = normalize_vietnamese(keyword).lower()
    return lowered, normalize_keyword(lowered)


WORDS = re.compile(r"\w+")


@lru_cache(maxsize=256)
def _keyword_index(keywords, with_diacritics):
    """{first word: ((position, keyword, form), ...)} of a tuple of keywords,
    in the form matched (with or without diacritics): a text looks up its
    own words instead of trying every keyword (there are hundreds)."""
    index = {}
    for position, keyword in enumerate(keywords):
        lowered, plain = _keyword_forms(keyword)
        form = lowered if with_diacritics else plain
        if form:
            first = WORDS.match(form)
            index.setdefault(first.group(0) if first else None, []).append(
                (position, keyword, form)
            )
    return {word: tuple(entries) for word, entries in index.items()}


class NormalizedText:
    """A text prepared for keyword matching.

    Vietnamese written with diacritics is matched with them, since without
    them distinct words collide ('lỗi' error, 'lời' word); text written
    without diacritics is matched against the keywords stripped of theirs.
    """

    def __init__(self, text):
        self.lowered = " ".join(normalize_vietnamese(text).lower().split())
        self.plain = normalize_keyword(self.lowered)
        self.has_diacritics = self.plain != self.lowered.replace("đ", "d")
        self.text = self.lowered if self.has_diacritics else self.plain
        # the words of the text, and of their English singulars ('desks')
        words = set(WORDS.findall(self.text))
        words |= {word[:-1] for word in words if word.endswith("s")}
        words |= {word[:-2] for word in words if word.endswith("e")}
        self.words = words | {None}

    def find(self, keywords, negated=False, topic=False):
        """The keywords found as whole words, at least once not negated.

        With ``negated``, the keywords found only after a negation instead,
        each with the negation ('không hài lòng'). With ``topic``, negations
        do not matter: what the message is about ('chưa giao hàng', not
        delivered, is about the delivery).
        """
        found = []
        index, text = _keyword_index(tuple(keywords), self.has_diacritics), self.text
        candidates = sorted(
            entry for word in self.words.intersection(index) for entry in index[word]
        )
        for _position, keyword, word in candidates:
            # the first word is in the text; the whole keyword maybe not
            if word not in text:
                continue
            negations = [
                self._negation(text, match.start())
                for match in _keyword_pattern(word).finditer(text)
            ]
            if negations and topic or negations and not negated and not all(negations):
                found.append(keyword)
            elif negations and negated and all(negations):
                found.append(f"{negations[0]} {keyword}")
        return found

    def weight(self, keyword):
        """How much a category keyword found in this text counts.

        A phrase says more than a word ('bàn nâng hạ', standing desk, more
        than 'bàn'): each word after the first adds ``PHRASE_WEIGHT``. A
        Vietnamese word of one syllable found in text typed without
        diacritics is ambiguous ('ban' is 'bàn' desk, 'bạn' you or 'bán'
        sell; 'den' is 'đèn' lamp or 'đến' to come): it counts
        ``AMBIGUOUS_WEIGHT``.
        """
        lowered, plain = _keyword_forms(keyword)
        words = len(lowered.split())
        if words == 1 and not self.has_diacritics and lowered != plain:
            return AMBIGUOUS_WEIGHT
        return 1.0 + PHRASE_WEIGHT * (min(words, 3) - 1)

    def _negation(self, text, position):
        """The negation just before ``position``, or None."""
        negations, intensifiers = (
            (NEGATIONS, INTENSIFIERS) if self.has_diacritics
            else (PLAIN_NEGATIONS, PLAIN_INTENSIFIERS)
        )
        words = re.findall(r"[\w'’]+", text[:position])[-3:]
        while words and words[-1] in intensifiers:
            words.pop()
        if words and (words[-1] in negations or words[-1].endswith(("n't", "n’t"))):
            return words[-1]
        return None


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    classification_keywords = fields.Char(
        "Matched Keywords", readonly=True, copy=False,
        help="The words of the message that decided the kind, category and urgency.",
    )
    classification_confidence = fields.Float(
        readonly=True, copy=False, aggregator="avg",
        help="1.0: one clear winner; 0.5: a tie between two candidates.",
    )
    auto_kind = fields.Selection(
        KINDS, string="Kind Found Automatically", readonly=True, copy=False
    )
    auto_category_id = fields.Many2one(
        "customer.feedback.category", "Category Found Automatically", readonly=True,
        copy=False,
    )
    is_auto_classified = fields.Boolean(
        "Classified Automatically", readonly=True, copy=False, index="btree_not_null"
    )
    classification_corrected = fields.Boolean(
        compute="_compute_classification_corrected", store=True,
        precompute=True,
        help="An agent changed the kind or the category found automatically.",
    )

    @api.depends("kind", "category_id", "auto_kind", "auto_category_id", "is_auto_classified")
    def _compute_classification_corrected(self):
        for ticket in self:
            ticket.classification_corrected = ticket.is_auto_classified and (
                ticket.kind != ticket.auto_kind or ticket.category_id != ticket.auto_category_id
            )

    @api.model
    def _classify_message(self, subject, body_html, company=None):
        """Classify an incoming message.

        :return: dict of ticket values: kind, category, urgency and the
            classification trace
        """
        subject = NormalizedText(subject)
        body = NormalizedText(html2plaintext(body_html or ""))
        matched = []

        def score(keywords, negated=False):
            in_subject = subject.find(keywords, negated)
            in_body = body.find(keywords, negated)
            matched.extend(kw for kw in in_subject + in_body if kw not in matched)
            return SUBJECT_WEIGHT * len(in_subject) + len(in_body)

        company = company or self.env.company
        # weighted vocabulary, negated praise as dissatisfaction, the signals
        # of the sentences (questions, suggestions...)
        kind_scores = self._kind_scores(subject, body, score, matched, company)
        category_scores = self._category_scores(subject, body, matched, company)
        urgent = bool(score(self._urgency_terms(company)))
        # the rules blended with what was learned; the category's default
        # kind only when the message says nothing of its kind
        values = self._decide_classification(
            f"{subject.lowered} . {body.lowered}", company, kind_scores, category_scores, matched,
            body=body.lowered,
        )
        return {
            **values,
            "is_auto_classified": True,
            "classification_keywords": ", ".join(matched) or False,
            "is_urgent": urgent,
        }

    @api.model
    def _category_scores(self, subject, body, matched, company):
        """{category: score} from the categories' keywords (and names), by
        weight (``NormalizedText.weight``, times the category's keyword
        weight); a category also gets the score
        of its ancestors when it scored itself, so that the most precise
        category found wins ('sản phẩm' and 'ghế': the chairs, not the
        products)."""
        Category = self.env["customer.feedback.category"]
        own, parents = {}, {}
        for category_id, keywords, parent_ids, weight in Category._classification_keywords(
            company.id
        ):
            parents[category_id] = parent_ids
            if not keywords:
                continue
            found = 0.0
            for text, factor in ((subject, SUBJECT_WEIGHT), (body, 1)):
                for keyword in text.find(keywords, topic=True):
                    found += factor * weight * text.weight(keyword)
                    if keyword not in matched:
                        matched.append(keyword)
            if found:
                own[category_id] = found
        return {
            Category.browse(category_id): value + sum(
                own.get(parent_id, 0.0) for parent_id in parents[category_id]
            )
            for category_id, value in own.items()
        }

    @api.model
    def _classification_accuracy(self, domain=None):
        """Share of automatically classified tickets agents did not correct.

        :return: (accuracy in [0, 1] or None when nothing was classified, count)
        """
        base = [("is_auto_classified", "=", True)] + list(domain or [])
        groups = dict(self._read_group(base, ["classification_corrected"], ["__count"]))
        total = sum(groups.values())
        if not total:
            return None, 0
        return groups.get(False, 0) / total, total
