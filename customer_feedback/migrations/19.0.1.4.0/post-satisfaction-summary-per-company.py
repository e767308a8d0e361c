"""The customer's satisfaction summary is kept per company (README,
Confidentiality): one stored column for every company's summary, computed by
the update, and fields that read the current company's part.

The five fields were stored columns holding one summary for every company.
Odoo keeps the columns of fields that are no longer stored: they are dropped,
so that no copy of a company's summary stays readable beside the new one.
"""

from odoo.tools import SQL

OLD_COLUMNS = (
    "feedback_csat_last", "feedback_csat_avg", "feedback_nps_category",
    "feedback_survey_count", "feedback_is_dissatisfied",
)


def migrate(cr, version):
    if not version:
        return
    for column in OLD_COLUMNS:
        cr.execute(SQL(
            "ALTER TABLE res_partner DROP COLUMN IF EXISTS %s", SQL.identifier(column),
        ))
