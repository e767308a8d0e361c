"""The categories as the classification reads them, cached per company.

Every incoming message is matched against every category's keywords: read
from the database for each message, the categories cost more than the
matching itself. They are cached per company and the cache is cleared when a
category changes.
"""

from odoo import api, models, tools


class CustomerFeedbackCategory(models.Model):
    _inherit = "customer.feedback.category"

    @api.model
    def _classification_keywords(self, company_id):
        """((category id, (keyword, ...)), ...): the active categories of
        ``company_id`` and the shared ones, with their keywords (maybe none:
        the learned model may still choose them)."""
        return self._classification_keywords_cached(company_id)

    @tools.ormcache("company_id")
    def _classification_keywords_cached(self, company_id):
        # sudo: the classification runs for the mail gateway and the public
        # form; which categories exist is configuration, not confidential
        categories = self.sudo().search_fetch(
            [("company_id", "in", [company_id, False])], ["keyword_list"]
        )
        return tuple(
            (category.id, tuple(category.keyword_list or ())) for category in categories
        )

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
