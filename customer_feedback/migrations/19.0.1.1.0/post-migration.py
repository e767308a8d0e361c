"""Escalation state moved from the ticket to customer.feedback.escalation.

The levels and last escalation kept on the tickets are copied; the next
escalation date is computed again from them. The old columns are dropped,
with their index, which every write of a ticket would still update.
"""

from odoo import SUPERUSER_ID, api

BATCH = 10_000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'customer_feedback_ticket' AND column_name = 'date_last_escalation'
    """)
    old_columns = bool(cr.rowcount)
    Escalation = env["customer.feedback.escalation"]
    cr.execute("""
        SELECT t.id FROM customer_feedback_ticket t
         WHERE NOT EXISTS (SELECT 1 FROM customer_feedback_escalation e WHERE e.ticket_id = t.id)
         ORDER BY t.id
    """)
    ticket_ids = [row[0] for row in cr.fetchall()]
    for offset in range(0, len(ticket_ids), BATCH):
        Escalation.create([{"ticket_id": tid} for tid in ticket_ids[offset:offset + BATCH]])
        env.flush_all()
    if old_columns:
        cr.execute("""
            UPDATE customer_feedback_escalation e
               SET response_level = COALESCE(t.response_escalation_level, 0),
                   resolution_level = COALESCE(t.resolution_escalation_level, 0),
                   promise_level = COALESCE(t.promise_escalation_level, 0),
                   date_last_escalation = t.date_last_escalation
              FROM customer_feedback_ticket t
             WHERE t.id = e.ticket_id
        """)
        env.invalidate_all()
        escalations = Escalation.search([])
        env.add_to_compute(Escalation._fields["next_escalation_date"], escalations)
        env.flush_all()
        cr.execute("""
            ALTER TABLE customer_feedback_ticket
                DROP COLUMN response_escalation_level,
                DROP COLUMN resolution_escalation_level,
                DROP COLUMN promise_escalation_level,
                DROP COLUMN date_last_escalation,
                DROP COLUMN next_escalation_date
        """)
