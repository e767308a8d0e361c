"""What the classification learned from each company's history.

Every night a scheduled job counts, per company, the words of the tickets
whose kind and category an agent confirmed (the ticket went past *New*) or
corrected, and stores the counts (a naive Bayes model,
tools/text_classifier.py) as JSON on one record per company. The
classification of new messages uses them next to the rules once there are
enough examples (``MIN_EXAMPLES``); before that, the kind is learned from a
generic model shipped with the addon (data/classification_kind_model.json,
trained on a labelled corpus of customer messages: the kinds are the same
for every company), and the category from the categories' keywords only.
The company's kind model is the generic one with the company's tickets
added: a few dozen tickets do not teach every kind.

One company's failure does not stop the others: the job runs each company's
record in isolation (``customer.feedback.scheduled.job``), and a feedback
manager gets an activity on the record that failed.
"""

import json
from functools import lru_cache

from odoo import api, fields, models, tools
from odoo.tools.misc import file_open

from ..tools.text_classifier import NaiveBayes

# Below this many examples a company's own model is not used.
MIN_EXAMPLES = 20
# The latest tickets learned from: enough for the words of the year, and a
# training that stays in seconds.
MAX_EXAMPLES = 20000
GENERIC_KIND_MODEL = "customer_feedback/data/classification_kind_model.json"
TRAIN_JOB = "customer_feedback.ir_cron_train_classifiers"
# The label of the tickets an agent left without a category (a greeting, a
# CV for human resources, an unsubscription): the model learns what no
# department has to act on, instead of giving such messages a category.
NO_CATEGORY = "none"


def category_label(category_id):
    """The label a ticket's category is learned under."""
    return str(category_id) if category_id else NO_CATEGORY


@lru_cache(maxsize=1)
def generic_kind_model():
    """The kind model shipped with the addon (None when absent)."""
    try:
        with file_open(GENERIC_KIND_MODEL) as file:
            return NaiveBayes.from_dict(json.load(file))
    except FileNotFoundError:
        return None


class CustomerFeedbackClassifier(models.Model):
    _name = "customer.feedback.classifier"
    _description = "Learned Feedback Classification"
    # the activity mixin and the scheduled job: a failed training is told to
    # a feedback manager on the company's record
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.feedback.scheduled.job"]
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind_model = fields.Json(readonly=True, copy=False)
    category_model = fields.Json(readonly=True, copy=False)
    example_count = fields.Integer(
        "Examples", readonly=True, help="Tickets confirmed or corrected by agents learned from."
    )
    date_trained = fields.Datetime("Last Training", readonly=True)
    is_used = fields.Boolean(
        "In Use", compute="_compute_is_used",
        help="Enough examples: the learned model is used next to the rules.",
    )

    _company_uniq = models.Constraint("unique(company_id)", "One learned model per company.")

    @api.depends("example_count")
    def _compute_is_used(self):
        for classifier in self:
            classifier.is_used = classifier.example_count >= MIN_EXAMPLES

    @api.model
    def _learned_models(self, company_id):
        """(kind model, category model) of the company: its own once it has
        enough examples, else the generic kind model and no category model."""
        kind_model, category_model = self._learned_models_cached(company_id)
        return kind_model or generic_kind_model(), category_model

    @tools.ormcache("company_id")
    def _learned_models_cached(self, company_id):
        # sudo: the classification runs for the mail gateway and the public
        # form, whose users read no configuration
        classifier = self.sudo().search([("company_id", "=", company_id)], limit=1)
        if not classifier or classifier.example_count < MIN_EXAMPLES:
            return None, None
        return (
            NaiveBayes.from_dict(classifier.kind_model),
            NaiveBayes.from_dict(classifier.category_model),
        )

    @api.model
    def _cron_train(self):
        """Train the model of every company that has tickets."""
        # every company: a database has a handful of them
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        existing = self.search([("company_id", "in", companies.ids)])
        missing = companies - existing.company_id
        classifiers = existing | self.create([{"company_id": c.id} for c in missing])
        # on this model (it inherits the scheduled job): the failed records
        # it returns are classifiers
        self._run_isolated(classifiers, lambda records: records._train(), TRAIN_JOB)

    def action_train(self):
        """Train now (a manager, after correcting many tickets)."""
        self._train()
        return True

    def _train(self):
        for classifier in self:
            examples = classifier._training_examples()
            # the kinds are the same for every company: its tickets are
            # added to the generic model's examples rather than replacing
            # them (better at every size in cross-validation, 20 to 100
            # tickets: tests/benchmarks/cv_classification.py)
            generic = generic_kind_model()
            kind_model = NaiveBayes.from_dict(generic.to_dict() if generic else None).learn(
                (text, kind) for text, kind, _category in examples
            )
            category_model = NaiveBayes().learn(
                (text, category_label(category)) for text, _kind, category in examples
            )
            classifier.write({
                "kind_model": kind_model.to_dict(),
                "category_model": category_model.to_dict(),
                "example_count": len(examples),
                "date_trained": fields.Datetime.now(),
            })
        self.env.registry.clear_cache()

    def _training_examples(self):
        """[(text, kind, category id)] of the tickets an agent confirmed or
        corrected, the latest first."""
        self.ensure_one()
        tickets = self.env["customer.feedback.ticket"].search_fetch(
            [
                ("company_id", "=", self.company_id.id),
                "|", ("classification_corrected", "=", True),
                ("state", "not in", ("new", "cancelled")),
            ],
            ["title", "description", "kind", "category_id"],
            order="id desc", limit=MAX_EXAMPLES,
        )
        return [
            (ticket._classification_text(), ticket.kind, ticket.category_id.id)
            for ticket in tickets
        ]
