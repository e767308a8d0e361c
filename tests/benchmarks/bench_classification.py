"""Benchmark: automatic classification of customer messages (not a test).

Runs the classification of the addon (``_classify_message``, what the mail
gateway and the public form call) on a labelled corpus of customer messages
(classification_corpus.jsonl next to this script: Vietnamese with and
without diacritics, both placements of the tone marks, some decomposed (NFD)
as some mail clients send them, English; short and long; ambiguous ones
included), with the demo categories plus unrelated ones up to 50
categories. The corpus is split into a training part (2/3) and a test part
(1/3, the ``split`` of each line); the figures are on the test part.

    .venv/bin/python tests/benchmarks/bench_classification.py \
        -c .runtime/test-<db>.conf -d <db> [--write-model]

Prints the accuracy of the kind, the category and both for the rules only,
the learned models only and both combined (what the addon does), the
confusion matrix of the kinds, the learning curve of a category the rules do
not know (Office Chairs without its keywords, after 0, 25, 50, 100 and 200
corrected tickets of the company), and the time per message.

``--write-model`` writes the generic kind model the addon ships
(customer_feedback/data/classification_kind_model.json), trained on the
training part only, so that the test part stays unseen.

The parameters of the learned model and of its combination with the rules
are chosen by cross-validation on the training part (cv_classification.py
next to this script); the test part is reported, never tuned on.

The database must have customer_feedback installed with its demo data; it
is not changed (everything runs in a transaction rolled back at the end).
"""

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "classification_corpus.jsonl"
MODEL = HERE.parent.parent / "customer_feedback/data/classification_kind_model.json"
UNKNOWN_CATEGORY = "products_chairs"
CURVE = (0, 25, 50, 100, 200)
# unrelated categories, up to 50 in all, as a company selling more would have
EXTRA_CATEGORIES = [
    ("Lighting", "đèn, bóng đèn, đèn bàn, lamp, lighting, bulb"),
    ("Curtains", "rèm, rèm cửa, curtain, blind"),
    ("Sofas", "sofa, ghế sofa, couch"),
    ("Carpets", "thảm, thảm trải sàn, carpet, rug"),
    ("Beds", "giường, nệm, bed, mattress"),
    ("Plants", "cây xanh, chậu cây, plant, planter"),
    ("Air Purifiers", "máy lọc không khí, air purifier"),
    ("Whiteboards", "bảng trắng, bảng từ, whiteboard"),
    ("Glass Partitions", "vách kính, glass partition"),
    ("Wall Art", "tranh treo tường, wall art, painting"),
    ("Clocks", "đồng hồ, clock"),
    ("Fans", "quạt, quạt trần, fan, ceiling fan"),
    ("Projectors", "máy chiếu, projector"),
    ("Coffee Machines", "máy pha cà phê, coffee machine"),
    ("Water Dispensers", "cây nước nóng lạnh, water dispenser"),
    ("Shoe Racks", "kệ giày, shoe rack"),
    ("Mirrors", "gương, mirror"),
    ("Kitchen", "bếp, tủ bếp, kitchen"),
    ("Bathroom", "phòng tắm, bồn rửa, bathroom, sink"),
    ("Outdoor", "bàn ghế sân vườn, ngoài trời, outdoor, garden"),
    ("Kids Room", "phòng trẻ em, giường tầng, bunk bed"),
    ("Pet Furniture", "nhà cho mèo, chuồng chó, pet"),
    ("Stationery", "văn phòng phẩm, bút, giấy in, stationery"),
    ("Printers", "máy in, printer, toner"),
    ("Safes", "két sắt, safe box"),
    ("Flooring", "sàn gỗ, sàn nhựa, flooring, laminate"),
    ("Wallpaper", "giấy dán tường, wallpaper"),
    ("Acoustic Panels", "tấm tiêu âm, acoustic panel"),
    ("Reception Desks", "quầy lễ tân, reception counter"),
    ("Conference Tech", "loa hội nghị, micro, conference speaker"),
    ("Cable Management", "máng cáp, ổ cắm, power strip"),
    ("Gift Cards", "thẻ quà tặng, gift card"),
    ("Recycling", "thu gom đồ cũ, tái chế, recycling"),
    ("Rentals", "cho thuê, thuê bàn ghế, rental"),
    ("Corporate Accounts", "tài khoản doanh nghiệp, corporate account"),
    ("Franchise", "nhượng quyền, đại lý, franchise, dealer"),
    ("Careers", "tuyển dụng, ứng tuyển, job, recruitment"),
]


def load_corpus():
    with CORPUS.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def text_of(row):
    return f"{row['subject']} . {row['body']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--write-model", action="store_true")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    from odoo.addons.customer_feedback.models import (
        customer_feedback_classifier as classifier_module,
    )
    from odoo.addons.customer_feedback.tools.text_classifier import (
        NaiveBayes,
    )

    corpus = load_corpus()
    train = [row for row in corpus if row["split"] == "train"]
    test = [row for row in corpus if row["split"] == "test"]
    generic = NaiveBayes().learn((text_of(row), row["kind"]) for row in train)
    if args.write_model:
        MODEL.write_text(
            json.dumps(generic.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        )
        print(f"wrote {MODEL} ({generic.size} examples)")

    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            run(env, classifier_module, NaiveBayes, corpus, train, test, generic)
        finally:
            cr.rollback()


def run(env, classifier_module, NaiveBayes, corpus, train, test, generic):
    Ticket = env["customer.feedback.ticket"]
    Category = env["customer.feedback.category"]
    company = env.company
    categories = {
        row["category"]: env.ref(f"customer_feedback.category_{row['category']}")
        for row in corpus if row["category"]
    }
    Category.create([
        {"name": name, "keywords": keywords, "company_id": company.id}
        for name, keywords in EXTRA_CATEGORIES
    ])
    count = Category.search_count([("company_id", "in", [company.id, False])])
    print(f"corpus: {len(corpus)} messages, {len(train)} to train, {len(test)} to test; "
          f"{count} categories")
    by_id = {str(category.id): xmlid for xmlid, category in categories.items()}

    def category_model(rows):
        # as the addon learns them (customer_feedback_classifier._train)
        return NaiveBayes().learn(
            (text_of(row), classifier_module.category_label(
                row["category"] and categories[row["category"]].id))
            for row in rows
        )

    def set_learned(kind_model, cat_model, examples):
        """What the company learned; the generic model when ``kind_model``
        is None, nothing at all when it is False."""
        classifier_module.generic_kind_model = (lambda: None) if kind_model is False else (
            lambda: generic
        )
        record = env["customer.feedback.classifier"].search([("company_id", "=", company.id)])
        record = record or env["customer.feedback.classifier"].create({"company_id": company.id})
        record.write({
            "kind_model": kind_model.to_dict() if kind_model else False,
            "category_model": cat_model.to_dict() if cat_model else False,
            "example_count": examples,
        })
        env.registry.clear_cache()

    def classify_all(rows):
        results, started = [], time.perf_counter()
        for row in rows:
            values = Ticket._classify_message(row["subject"], row["body"], company)
            xmlid = next((x for x, c in categories.items() if c.id == values["category_id"]), None)
            results.append((values["kind"], xmlid))
        return results, (time.perf_counter() - started) * 1000 / len(rows)

    def report(name, results, rows, ms=None):
        kind = sum(r[0] == row["kind"] for r, row in zip(results, rows, strict=True))
        cat = sum(r[1] == row["category"] for r, row in zip(results, rows, strict=True))
        both = sum(
            r == (row["kind"], row["category"]) for r, row in zip(results, rows, strict=True)
        )
        timing = f"  {ms:5.2f} ms/message" if ms is not None else ""
        print(f"{name:<14} kind {kind / len(rows):6.1%}  category {cat / len(rows):6.1%}  "
              f"both {both / len(rows):6.1%}{timing}")

    print("\n== test part ==")
    set_learned(False, None, 0)
    rules, rules_ms = classify_all(test)
    report("rules only", rules, test, rules_ms)
    cat_model = category_model(train)
    learned = []
    for row in test:
        kind, _p, _r = generic.predict(text_of(row))
        cat, _p, _r = cat_model.predict(text_of(row))
        learned.append((kind, by_id.get(cat)))
    report("learned only", learned, test)
    set_learned(generic, cat_model, len(train))
    combined, combined_ms = classify_all(test)
    report("combined", combined, test, combined_ms)
    set_learned(None, None, 0)
    shipped, shipped_ms = classify_all(test)
    report("out of the box", shipped, test, shipped_ms)
    print("  (out of the box: rules + the shipped generic kind model, no company history)")

    print("\n== kinds, combined: rows = expected, columns = found ==")
    kinds = sorted({row["kind"] for row in corpus})
    print(" " * 18 + "".join(f"{k[:8]:>9}" for k in kinds))
    confusion = Counter((row["kind"], r[0]) for r, row in zip(combined, test, strict=True))
    for expected in kinds:
        print(f"{expected:<18}" + "".join(f"{confusion[expected, k]:>9}" for k in kinds))

    print(f"\n== learning curve: {UNKNOWN_CATEGORY} without its keywords ==")
    categories[UNKNOWN_CATEGORY].keywords = False
    unknown = [row for row in test if row["category"] == UNKNOWN_CATEGORY]
    shuffled = train[:]
    random.Random(16).shuffle(shuffled)
    for size in CURVE:
        examples = shuffled[:size]
        seen = sum(row["category"] == UNKNOWN_CATEGORY for row in examples)
        if size < classifier_module.MIN_EXAMPLES:
            set_learned(None, None, size)
        else:
            # the company's kind model is the generic one with its tickets
            # added (customer_feedback_classifier._train): here its tickets
            # are of the training part, which the generic model has learned
            set_learned(generic, category_model(examples), size)
        results, _ms = classify_all(test)
        new, _ms = classify_all(unknown)
        right = sum(r[1] == UNKNOWN_CATEGORY for r in new)
        print(f"{size:>4} corrected tickets ({seen:>2} of it): its messages "
              f"{right}/{len(unknown)} right; all: ", end="")
        report("", results, test)


if __name__ == "__main__":
    main()
