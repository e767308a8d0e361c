"""Cross-validation of the learned classification on the TRAINING part only.

What the parameters of the learned model and of its combination with the
rules are chosen by (tools/text_classifier.py, LEARNED_* in
models/customer_feedback_ticket_classification_learning.py): the test part
of the corpus is never looked at here, so that bench_classification.py
reports it unseen.

    .venv/bin/python tests/benchmarks/cv_classification.py \
        -c .runtime/test-<db>.conf -d <db> [--grid]

The rules' scores of every training message are computed once (the rules do
not learn), for the demo categories and the 37 unrelated ones of the
benchmark, and once more with Office Chairs without its keywords (the
category the rules do not know, as in the learning curve). Then, in five
folds, the models are trained on four fifths and the fifth is classified:
learned alone, and combined with the rules as the addon does.
"""

import argparse
import itertools
import random
from collections import Counter

from bench_classification import EXTRA_CATEGORIES, UNKNOWN_CATEGORY, load_corpus, text_of

FOLDS = 5


def capture_rules(env, rows, company):
    """[(kind scores, category scores, {category id: default kind})] of
    ``rows`` by the rules alone."""
    Ticket = env["customer.feedback.ticket"]
    cls = type(Ticket)
    captured = []
    original = cls._decide_classification

    def capture(self, text, company, kind_scores, category_scores, matched, **kwargs):
        captured.append((
            dict(kind_scores),
            {str(c.id): value for c, value in category_scores.items()},
        ))
        return original(self, text, company, kind_scores, category_scores, matched, **kwargs)

    cls._decide_classification = capture
    try:
        for row in rows:
            Ticket._classify_message(row["subject"], row["body"], company)
    finally:
        cls._decide_classification = original
    return captured


def folds(rows):
    order = list(range(len(rows)))
    random.Random(5).shuffle(order)
    return [order[index::FOLDS] for index in range(FOLDS)]


def predictions(rows, category_ids, make_model, only=None):
    """[(row index, kind probabilities, category probabilities)] of every
    training message, by the models trained on the other folds."""
    # imported once Odoo's configuration gave the addons' path
    from odoo.addons.customer_feedback.models.customer_feedback_classifier import NO_CATEGORY

    found = []
    for held in folds(rows):
        held_set = set(held)
        train = [rows[i] for i in range(len(rows)) if i not in held_set]
        kind_model = make_model().learn((text_of(r), r["kind"]) for r in train)
        cat_model = make_model().learn(
            (text_of(r), category_ids.get(r["category"], NO_CATEGORY)) for r in train
        )
        for index in held:
            if only and rows[index]["category"] != only:
                continue
            text = text_of(rows[index])
            kind_p = kind_model.probabilities(text)
            kind_p.pop("other", None)
            found.append((index, kind_p, cat_model.probabilities(text)))
    return found


def evaluate(learning, rows, rules, category_ids, default_kinds, found, blind=frozenset()):
    """{'learned kind': accuracy, ...} of the predictions ``found``."""
    from odoo.addons.customer_feedback.models.customer_feedback_classifier import NO_CATEGORY

    right = Counter()
    for index, kind_p, cat_p in found:
        row = rows[index]
        expected_category = category_ids.get(row["category"], NO_CATEGORY)
        right["learned kind"] += max(kind_p, key=kind_p.get, default=None) == row["kind"]
        learned_category = max(cat_p, key=cat_p.get, default=None)
        right["learned category"] += learned_category == expected_category
        kind_scores, category_scores = rules[index]
        # the ceiling of any choice between the two: the rules' first or the
        # learned model's first is right
        rules_category = max(category_scores, key=category_scores.get, default=NO_CATEGORY)
        right["either category"] += expected_category in (rules_category, learned_category)
        for name, kind_probabilities, category_probabilities in (
            ("combined", kind_p, cat_p), ("rules", {}, {}),
        ):
            kind, _c, _m = learning._blend(kind_scores, kind_probabilities, "kind")
            category, _c, _m = learning._blend(
                category_scores, category_probabilities, "category", blind
            )
            if not kind and category:
                kind = default_kinds.get(category)
            right[f"{name} kind"] += (kind or "other") == row["kind"]
            right[f"{name} category"] += (category or NO_CATEGORY) == expected_category
    return {name: value / len(found) for name, value in right.items()}


def company_kind_model(learning, NaiveBayes, rows, rules):
    """The kind, combined, of a company with few tickets: its own tickets
    only, or added to the generic model (trained on the rest of the
    training folds)."""
    print("a company's kind model, combined kind: generic only / own tickets only / both")
    for size in (20, 25, 50, 100):
        right, count = Counter(), 0
        for held in folds(rows):
            held_set = set(held)
            rest = [rows[i] for i in range(len(rows)) if i not in held_set]
            random.Random(size).shuffle(rest)
            own_rows, generic_rows = rest[:size], rest[size:]
            generic = NaiveBayes().learn((text_of(r), r["kind"]) for r in generic_rows)
            models = {
                "generic": generic,
                "own": NaiveBayes().learn((text_of(r), r["kind"]) for r in own_rows),
                "both": NaiveBayes.from_dict(generic.to_dict()).learn(
                    (text_of(r), r["kind"]) for r in own_rows
                ),
            }
            for index in held:
                count += 1
                for name, model in models.items():
                    probabilities = model.probabilities(text_of(rows[index]))
                    probabilities.pop("other", None)
                    kind, _c, _m = learning._blend(rules[index][0], probabilities, "kind")
                    right[name] += (kind or "other") == rows[index]["kind"]
        print(f"  {size:>3} tickets: " + " / ".join(
            f"{right[name] / count:5.1%}" for name in ("generic", "own", "both")
        ))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--grid", action="store_true", help="also the grid of parameters")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            run(env, args.grid)
        finally:
            cr.rollback()


def run(env, grid):
    from odoo.addons.customer_feedback.models import (
        customer_feedback_classifier as classifier_module,
    )
    from odoo.addons.customer_feedback.models import (
        customer_feedback_ticket_classification_learning as learning,
    )
    from odoo.addons.customer_feedback.tools import text_classifier

    classifier_module.generic_kind_model = lambda: None
    company = env.company
    Category = env["customer.feedback.category"]
    Category.create([
        {"name": name, "keywords": keywords, "company_id": company.id}
        for name, keywords in EXTRA_CATEGORIES
    ])
    corpus = load_corpus()
    train = [row for row in corpus if row["split"] == "train"]
    categories = {
        row["category"]: env.ref(f"customer_feedback.category_{row['category']}")
        for row in corpus if row["category"]
    }
    category_ids = {xmlid: str(category.id) for xmlid, category in categories.items()}
    default_kinds = {
        str(c.id): c.kind for c in Category.search([("company_id", "in", [company.id, False])])
        if c.kind
    }
    rules = capture_rules(env, train, company)
    # the categories without keywords of their own: the rules cannot find them
    blind = frozenset(
        str(c.id) for c in Category.search([("company_id", "in", [company.id, False])])
        if not c.keyword_list
    )
    categories[UNKNOWN_CATEGORY].keywords = False
    env.registry.clear_cache()
    rules_unknown = capture_rules(env, train, company)
    blind_unknown = blind | {str(categories[UNKNOWN_CATEGORY].id)}

    def show(name, make_model, found=None):
        found = found or (
            predictions(train, category_ids, make_model),
            predictions(train, category_ids, make_model, only=UNKNOWN_CATEGORY),
        )
        known = evaluate(learning, train, rules, category_ids, default_kinds, found[0], blind)
        unknown = evaluate(
            learning, train, rules_unknown, category_ids, default_kinds, found[1], blind_unknown
        )
        print(f"{name:<28}" + "  ".join(
            f"{key} {known[key]:5.1%}" for key in (
                "rules kind", "rules category", "learned kind", "learned category",
                "combined kind", "combined category", "either category",
            )
        ) + f"  unknown category {unknown['combined category']:5.1%}")
        return known, unknown, found

    print("five folds of the training part; 'unknown category': Office Chairs without "
          "its keywords, its messages")
    show("the addon's parameters", text_classifier.NaiveBayes)
    company_kind_model(learning, text_classifier.NaiveBayes, train, rules)
    if not grid:
        return
    # the grid the parameters were chosen from (the best known category
    # first, then the unknown one)
    default_alpha = text_classifier.ALPHA
    for alpha in (0.1, 0.3, 0.5, 1.0):
        text_classifier.ALPHA = alpha
        show(f"ALPHA {alpha}", text_classifier.NaiveBayes)
    text_classifier.ALPHA = default_alpha
    _known, _unknown, found = show("(again)", text_classifier.NaiveBayes)
    results = []
    saved = (dict(learning.LEARNED_WEIGHT), learning.LEARNED_UNKNOWN_ALONE,
             learning.LEARNED_WEIGHT_UNKNOWN, dict(learning.LEARNED_OVER_RULES),
             dict(learning.MIN_SCORE))
    for (
        kind_weight, category_weight, unknown_alone, unknown_weight, over_rules, min_score,
    ) in itertools.product(
        (0.2, 0.3, 0.5, 0.8), (0.2, 0.5, 0.8, 1.2), (0.25, 0.35, 0.5, 0.6), (1.0, 2.0, 4.0),
        (0.7, 0.9, float("inf")), (0.1, 0.2),
    ):
        learning.LEARNED_WEIGHT.update(kind=kind_weight, category=category_weight)
        learning.LEARNED_UNKNOWN_ALONE = unknown_alone
        learning.LEARNED_WEIGHT_UNKNOWN = unknown_weight
        learning.LEARNED_OVER_RULES["category"] = over_rules
        learning.MIN_SCORE["category"] = min_score
        known = evaluate(learning, train, rules, category_ids, default_kinds, found[0], blind)
        unknown = evaluate(
            learning, train, rules_unknown, category_ids, default_kinds, found[1], blind_unknown
        )
        results.append((
            known["combined category"], known["combined kind"], unknown["combined category"],
            kind_weight, category_weight, unknown_alone, unknown_weight, over_rules, min_score,
        ))
    learning.LEARNED_WEIGHT.update(saved[0])
    learning.LEARNED_UNKNOWN_ALONE, learning.LEARNED_WEIGHT_UNKNOWN = saved[1:3]
    learning.LEARNED_OVER_RULES.update(saved[3])
    learning.MIN_SCORE.update(saved[4])
    print("category  kind  unknown | LEARNED_WEIGHT kind, category; LEARNED_UNKNOWN_ALONE; "
          "LEARNED_WEIGHT_UNKNOWN; LEARNED_OVER_RULES category; MIN_SCORE category")
    for result in sorted(results, reverse=True)[:10]:
        print("  ".join(f"{value:5.1%}" for value in result[:3]) + " | " + ", ".join(
            str(value) for value in result[3:]
        ))

if __name__ == "__main__":
    main()
