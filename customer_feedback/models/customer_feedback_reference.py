"""The numbers of the gap-free ticket sequence, one row per number taken.

Odoo's "no gap" sequences keep their counter in the sequence's row and take
a number by updating it. PostgreSQL runs Odoo's transactions in REPEATABLE
READ: of two ticket creations that overlap in time, the one that updates the
row second fails to serialize, and Odoo runs its whole request again (74
retries in 50 s with 4 busy workers, and now and then a request that ran out
of its 5 tries). See the README, Deploying for many users.

Here a number is taken by inserting it: a unique index is checked against
every transaction, committed or running. A creation that tries a number
another running one holds waits for it; it gets the number if the other one
rolls back (no gap), and tries the next one if it commits (unique). Nothing
is retried, and a number belongs to a committed ticket only. The sequence's
"Next Number" stays the administrator's floor.
"""

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

# More numbers committed by others since this transaction began than a busy
# server makes in an hour: something else is wrong.
MAX_TRIES = 1000


class CustomerFeedbackReference(models.Model):
    _name = "customer.feedback.reference"
    _description = "Feedback Reference Number"
    _order = "sequence_id, number"
    _log_access = False

    sequence_id = fields.Many2one(
        "ir.sequence", required=True, readonly=True, ondelete="cascade",
    )
    number = fields.Integer(required=True, readonly=True)

    _number_uniq = models.Constraint(
        "UNIQUE(sequence_id, number)", "This reference number is already taken.",
    )

    @api.model
    def _take(self, sequence, count):
        """``count`` numbers of ``sequence``, the lowest free ones from its
        floor on, held by the current transaction.

        :return: the numbers, in increasing order
        """
        numbers = self._insert_after_last(sequence, count)
        if numbers:
            return numbers
        # another transaction took (or holds) a number this one sees free:
        # the numbers one by one, each waiting for its holder
        step = sequence.number_increment or 1
        number = self._next_numbers(sequence)[sequence.id]
        for _try in range(MAX_TRIES):
            if len(numbers) == count:
                return numbers
            if self._insert(sequence, number):
                numbers.append(number)
            number += step
        raise RuntimeError(f"No free number in sequence {sequence.id} after {MAX_TRIES} tries")

    @api.model
    def _insert_after_last(self, sequence, count):
        """Take the ``count`` numbers after the last one this transaction
        sees taken (or from the floor), in one statement: the usual case,
        nobody else creating a ticket at that moment. [] when one of them
        is taken by another transaction."""
        sequence.flush_recordset(["number_next", "number_increment"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    """
                    INSERT INTO %(table)s (sequence_id, number)
                    SELECT %(sequence)s, first.number + %(step)s * series.rank
                      FROM (SELECT GREATEST(%(floor)s, COALESCE(MAX(number) + %(step)s, 0))
                                   AS number
                              FROM %(table)s WHERE sequence_id = %(sequence)s) AS first,
                           generate_series(0, %(count)s - 1) AS series(rank)
                    RETURNING number
                    """,
                    table=SQL.identifier(self._table), sequence=sequence.id,
                    step=sequence.number_increment or 1, floor=sequence.number_next or 1,
                    count=count,
                ), log_exceptions=False)
                return sorted(number for (number,) in self.env.cr.fetchall())
        except psycopg2.errors.UniqueViolation:
            return []

    @api.model
    def _insert(self, sequence, number):
        """Take ``number``: False if another transaction took it (and
        committed, after waiting for it if it was still running)."""
        try:
            # no flush: the number must not wait for the caller's pending writes
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "INSERT INTO %s (sequence_id, number) VALUES (%s, %s)",
                    SQL.identifier(self._table), sequence.id, number,
                ), log_exceptions=False)
        except psycopg2.errors.UniqueViolation:
            return False
        return True

    @api.model
    def _next_numbers(self, sequences):
        """{sequence id: its next number}: the sequence's floor ("Next
        Number"), or the number after the last one this transaction sees
        taken, whichever is higher."""
        last_numbers = dict(self._read_group(
            [("sequence_id", "in", sequences.ids)], ["sequence_id"], ["number:max"],
        ))
        next_numbers = {}
        for sequence in sequences:
            floor = sequence.number_next or 1
            last = last_numbers.get(sequence)
            next_numbers[sequence.id] = floor if last is None else max(
                floor, last + (sequence.number_increment or 1))
        return next_numbers
