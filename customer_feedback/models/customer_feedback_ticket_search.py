"""Accent-insensitive search of tickets keeps its trigram indexes.

With PostgreSQL's ``unaccent`` in the database (setup/install.sh), Odoo
searches ``unaccent(title) ILIKE unaccent('%giao hang%')`` and builds the
trigram indexes of new databases on ``unaccent(column)``. It builds an
index only when it is missing, though: a database whose indexes were built
before unaccent was installed keeps plain ``gin (title gin_trgm_ops)``
indexes, which that search cannot use (a full scan of the tickets). They
are dropped here; Odoo's index check, which runs right after ``init`` on
every install and update, builds them again on ``unaccent(column)``.
"""

from odoo import models
from odoo.modules.db import FunctionStatus
from odoo.tools import SQL
from odoo.tools.sql import make_index_name


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    def init(self):
        result = super().init()
        self._drop_trigram_indexes_without_unaccent()
        return result

    def _drop_trigram_indexes_without_unaccent(self):
        if self.env.registry.has_unaccent != FunctionStatus.INDEXABLE:
            return
        names = tuple(
            make_index_name(self._table, name)
            for name, field in self._fields.items()
            if field.store and field.index == "trigram"
        )
        self.env.cr.execute(SQL(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema"
            " AND tablename = %s AND indexname IN %s AND indexdef NOT LIKE %s",
            self._table, names, "%unaccent(%",
        ))
        for (index,) in self.env.cr.fetchall():
            self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(index)))
