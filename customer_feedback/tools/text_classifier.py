"""A small multinomial naive Bayes text classifier, in pure Python.

What the classification learns from a company's history (see
models/customer_feedback_classifier.py): the tickets whose kind and category
agents confirmed or corrected. No library is needed: the model is a table of
word counts per label, serialized as JSON in the database, trained in
milliseconds on thousands of tickets and applied in well under a millisecond.

Features are the words of the message, normalised so that every way of
typing a word counts as one (diacritics and case removed, either tone
placement, composed or decomposed: ``normalize_keyword``), and the pairs of
consecutive words ('giao cham', 'bao lau'), which carry most of the meaning
of Vietnamese, where a word is often two syllables.
"""

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from ..models.customer_feedback_category import normalize_keyword
from .vietnamese import normalize_vietnamese

WORD = re.compile(r"[^\W_]+")
# Laplace smoothing: a word never seen with a label is not impossible (the
# value chosen by cross-validation on the benchmark's training part,
# tests/benchmarks/cv_classification.py).
ALPHA = 0.3
# Words too common to tell labels apart (both languages, without diacritics).
STOP_WORDS = frozenset({
    "va", "la", "cua", "thi", "ma", "o", "cho", "voi", "nay", "do", "nhe", "a", "ah", "the",
    "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "it", "my", "we",
    "i", "you", "me", "this", "that", "be", "at", "toi", "minh", "em", "shop", "oi",
})


# After these, a word means its opposite: 'khong dep' (not nice) is counted
# as 'khong_dep', not as 'dep'.
NEGATIONS = frozenset({"khong", "chua", "chang", "not", "never", "dont", "didnt", "isnt"})


@lru_cache(maxsize=64)
def features(text):
    """The normalised words of ``text`` and their bigrams ('giao_hang'); a
    word right after a negation only in its bigram."""
    words = WORD.findall(normalize_keyword(normalize_vietnamese(text or "").replace("'", "")))
    grams = [
        word for previous, word in zip([""] + words, words, strict=False)
        if word not in STOP_WORDS and not word.isdigit() and previous not in NEGATIONS
    ]
    grams += [f"{first}_{second}" for first, second in pairwise(words)]
    return grams


class NaiveBayes:
    """Counts of features per label (in how many of its examples each
    occurs); ``predict`` gives the likeliest label.

    ``to_dict``/``from_dict`` round-trip through JSON.
    """

    def __init__(self, label_docs=None, label_counts=None):
        self.label_docs = Counter(label_docs or {})  # label -> examples
        # label -> Counter(feature -> occurrences)
        self.label_counts = {label: Counter(c) for label, c in (label_counts or {}).items()}
        self._refresh()

    def _refresh(self):
        self.vocabulary = set().union(*self.label_counts.values()) if self.label_counts else set()
        self.label_totals = {label: sum(c.values()) for label, c in self.label_counts.items()}
        # log-probabilities computed once: a message is scored by lookups
        vocabulary = len(self.vocabulary) + 1
        self.log_unseen, self.log_probs = {}, {}
        for label, counts in self.label_counts.items():
            log_denominator = math.log(self.label_totals[label] + ALPHA * vocabulary)
            self.log_unseen[label] = math.log(ALPHA) - log_denominator
            self.log_probs[label] = {
                gram: math.log(count + ALPHA) - log_denominator for gram, count in counts.items()
            }

    @property
    def size(self):
        """The number of examples learned."""
        return sum(self.label_docs.values())

    def learn(self, examples):
        """Add ``(text, label)`` examples to the counts."""
        for text, label in examples:
            self.label_docs[label] += 1
            # each feature once per message: a word repeated in one ticket
            # ('lỗi lỗi lỗi') is one ticket's evidence, not three (better in
            # cross-validation too)
            self.label_counts.setdefault(label, Counter()).update(set(features(text)))
        self._refresh()
        return self

    def probabilities(self, text, labels=None):
        """{label: probability} of ``text``; empty when nothing was learned.

        :param labels: the labels allowed (others are ignored), e.g. the
            categories still active
        """
        candidates = [
            label for label in self.label_docs if labels is None or label in labels
        ]
        if not candidates:
            return {}
        grams = [gram for gram in features(text) if gram in self.vocabulary]
        total_docs = sum(self.label_docs[label] for label in candidates)
        log_scores = {}
        for label in candidates:
            log_probs, unseen = self.log_probs[label], self.log_unseen[label]
            log_scores[label] = math.log(self.label_docs[label] / total_docs) + sum(
                log_probs.get(gram, unseen) for gram in grams
            )
        top = max(log_scores.values())
        exps = {label: math.exp(score - top) for label, score in log_scores.items()}
        total = sum(exps.values())
        return {label: value / total for label, value in exps.items()}

    def predict(self, text, labels=None, explain=3):
        """(label, probability, the features that weighed most for it).

        :return: (None, 0.0, []) when nothing was learned
        """
        probabilities = self.probabilities(text, labels)
        if not probabilities:
            return None, 0.0, []
        best = max(probabilities, key=probabilities.get)
        return best, probabilities[best], self.reasons(text, best, list(probabilities), explain)

    def reasons(self, text, label, candidates, explain=3):
        """The words of ``text`` that weighed most for ``label``."""
        grams = [gram for gram in features(text) if gram in self.vocabulary]
        return self._reasons(label, candidates, grams, len(self.vocabulary) + 1)[:explain]

    def _reasons(self, label, candidates, grams, vocabulary):
        """The features of the text that favour ``label`` most over the
        others (log-likelihood ratio), the strongest first."""
        others = [other for other in candidates if other != label]
        if not others:
            return sorted(set(grams))

        def likelihood(lab, gram):
            return (self.label_counts[lab].get(gram, 0) + ALPHA) / (
                self.label_totals[lab] + ALPHA * vocabulary
            )

        weights = {}
        for gram in set(grams):
            rest = sum(likelihood(other, gram) for other in others) / len(others)
            weights[gram] = math.log(likelihood(label, gram) / rest)
        ranked = sorted((w, g) for g, w in weights.items() if w > 0.5)
        return [gram.replace("_", " ") for _w, gram in reversed(ranked)]

    def to_dict(self):
        return {
            "label_docs": dict(self.label_docs),
            "label_counts": {label: dict(c) for label, c in self.label_counts.items()},
        }

    @classmethod
    def from_dict(cls, data):
        data = data or {}
        return cls(data.get("label_docs"), data.get("label_counts"))
