"""The categories as the classification reads them, cached per company.

Every incoming message is matched against every category's keywords: read
from the database for each message, the categories cost more than the
matching itself. They are cached per company and the cache is cleared when a
category changes.

A category's name counts as keywords too, in every installed language
('Giao hàng', 'Warranty & Repair': 'warranty', 'repair'): a category
created without keywords is found from the day it is created.
"""

import re

from odoo import api, models, tools

# The parts of a name, each a keyword: "Warranty & Repair", "Bàn / Ghế"
NAME_PARTS = re.compile(r"\s*(?:[&/,;()+]|\band\b|\bvà\b)\s*", re.IGNORECASE)


def name_keywords(name):
    """The keywords of a category's name: its parts, the last English word
    of each in the singular (matching adds the plural back: 'Office Desks'
    gives 'office desk', which finds 'office desks')."""
    keywords = []
    for part in NAME_PARTS.split(name or ""):
        words = part.lower().split()
        if not words:
            continue
        last = words[-1]
        if last.isascii() and last.endswith("s") and not last.endswith(("ss", "us", "is")):
            words[-1] = last[:-1]
        keywords.append(" ".join(words))
    return keywords


class CustomerFeedbackCategory(models.Model):
    _inherit = "customer.feedback.category"

    @api.model
    def _classification_keywords(self, company_id):
        """((category id, (keyword, ...), (ancestor id, ...), weight), ...):
        the active categories of ``company_id`` and the shared ones, with
        their keywords and the words of their names, their ancestors and the
        weight of their keywords."""
        return self._classification_categories_cached(company_id)[0]

    @api.model
    def _categories_without_keywords(self, company_id):
        """The ids of the categories of ``company_id`` (and the shared ones)
        without keywords of their own: the rules find them by their name at
        most, so only what was learned from the agents' corrections can
        choose them over what the rules found."""
        return self._classification_categories_cached(company_id)[1]

    @tools.ormcache("company_id")
    def _classification_categories_cached(self, company_id):
        """(``_classification_keywords``, ``_categories_without_keywords``),
        from one read of the categories."""
        # sudo: the classification runs for the mail gateway and the public
        # form; which categories exist is configuration, not confidential
        categories = self.sudo().search_fetch(
            [("company_id", "in", [company_id, False])],
            ["keyword_list", "parent_path", "keyword_weight"],
        )
        names = {category.id: set() for category in categories}
        for lang, _name in self.env["res.lang"].get_installed():
            for category in categories.with_context(lang=lang):
                names[category.id].update(name_keywords(category.name))
        keywords = tuple(
            (
                category.id,
                tuple(sorted(set(category.keyword_list or ()) | names[category.id])),
                tuple(int(pid) for pid in category.parent_path.split("/")[:-2]),
                category.keyword_weight,
            )
            for category in categories
        )
        without_keywords = frozenset(categories.filtered(lambda c: not c.keyword_list).ids)
        return keywords, without_keywords

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
