import unicodedata

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .customer_feedback_ticket import KINDS


def normalize_keyword(text):
    """Lower-case, strip Vietnamese diacritics (and đ), collapse spaces.

    Every spelling of a word gives the same result: composed or decomposed,
    either placement of the tone ('hóa', 'hoá'); words written with their
    diacritics are compared with ``normalize_vietnamese`` instead.
    """
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if unicodedata.category(char) != "Mn")
    return " ".join(text.lower().split())


class CustomerFeedbackCategory(models.Model):
    """What the feedback is about: a tree of products and services."""

    _name = "customer.feedback.category"
    _description = "Feedback Category"
    _parent_store = True
    _rec_name = "complete_name"
    # the path in the reader's language is searched through the names
    _rec_names_search = ["complete_name", "name"]
    # ``complete_name`` is stored once, in the source language, for ordering
    # and search; people read ``display_name``, built from the translated names
    _order = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True, index="trigram"
    )
    parent_id = fields.Many2one(
        "customer.feedback.category", "Parent Category", index=True, ondelete="cascade",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("customer.feedback.category", "parent_id", "Subcategories")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        KINDS,
        string="Default Kind",
    )
    priority_id = fields.Many2one(
        "customer.feedback.priority", "Default Priority", check_company=True
    )
    department_id = fields.Many2one(
        "customer.feedback.department",
        "Responsible Department",
        check_company=True,
        help="Tickets of this category go to this department; without one, to the "
        "parent category's, then to the company's fallback department.",
    )
    keywords = fields.Text(
        help="Comma-separated words or phrases that put an incoming message in this "
        "category. Diacritics and case do not matter: 'khiếu nại' also matches "
        "'khieu nai' and 'KHIẾU NẠI'."
    )
    keyword_list = fields.Json(compute="_compute_keyword_list", store=True)
    keyword_weight = fields.Float(
        default=1.0,
        help="How much the keywords of this category count against another's. Raise it "
        "for what happened (a delivery, a repair, a payment) so that it wins over the "
        "product only named in passing ('the desk was delivered late': Delivery).",
    )
    satisfaction_survey_id = fields.Many2one(
        "survey.survey", "Satisfaction Questionnaire",
        help="Sent to the customer when a ticket of this category (or of a subcategory "
        "without its own) is closed.",
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    @api.depends_context("lang")
    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        """The full path ("Dịch vụ / Giao hàng"), in the reader's language."""
        for category in self:
            names, node = [], category
            while node:
                names.append(node.name or "")
                node = node.parent_id
            category.display_name = " / ".join(reversed(names))

    @api.depends("keywords")
    def _compute_keyword_list(self):
        for category in self:
            words = (" ".join(w.split()) for w in (category.keywords or "").split(","))
            category.keyword_list = sorted({w for w in words if w})

    def _compute_ticket_count(self):
        counts = dict(
            self.env["customer.feedback.ticket"]._read_group(
                [("category_id", "child_of", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.ticket_count = sum(
                count for cat, count in counts.items()
                if cat.parent_path.startswith(category.parent_path)
            )

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A category cannot be its own ancestor."))

    def _responsible_department(self):
        """The department of this category, else of the nearest ancestor."""
        self.ensure_one()
        category = self
        while category and not category.department_id:
            category = category.parent_id
        return category.department_id
