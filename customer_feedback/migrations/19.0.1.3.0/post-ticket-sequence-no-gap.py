"""The ticket references became gap-free: a refused or failed create no
longer burns a number (README, Confidentiality).

The sequence is ``noupdate`` (a company may change its prefix), so Odoo does
not apply the new implementation itself. Switching from "standard" drops the
PostgreSQL sequence: the next number is carried over first, so that no
reference is given twice.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    sequences = env["ir.sequence"].search([
        ("code", "=", "customer.feedback.ticket"), ("implementation", "=", "standard"),
    ])
    # the next number as PostgreSQL has it now (never a value computed earlier)
    sequences.invalidate_recordset(["number_next_actual"])
    for sequence in sequences:
        sequence.write({
            "implementation": "no_gap", "number_next": sequence.number_next_actual,
        })
