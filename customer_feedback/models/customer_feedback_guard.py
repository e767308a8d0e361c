"""Keys that two transactions cannot both hold: what makes intake safe
when the same thing happens twice at the same moment.

PostgreSQL runs Odoo's transactions in REPEATABLE READ: a transaction reads
the database as it was when it began, so "look whether it was done, then do
it" lets two transactions both see "not done" and both do it (the same email
fetched by two processes, two posts of the form from one address). A unique
index is checked against every transaction, committed or not: of two that
insert the same key, the second waits for the first and fails if it commits.

- ``_claim(key)`` inserts the key: True for the transaction that got it,
  False when another one has it (the caller then knows the work is done or
  being done, and skips it). Used for the Message-Id of an incoming email
  (``mail_thread.message_process``).
- ``_serialize(key)`` inserts or updates the key: a transaction that began
  before another one holding the key committed cannot go on (serialization
  failure) and is retried by Odoo's HTTP and RPC layers with a fresh view of
  the database. Used by the public form's limits
  (``customer.feedback.submission.log._is_rate_limited``).

Keys are stored hashed (SHA-256): a key may name an address or an email.
Rows are only needed while the transactions they order may still run; the
autovacuum deletes those older than ``GUARD_KEEP_DAYS``.
"""

import hashlib
import logging
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Longer than any transaction, and than a mail server may take to deliver
# the same message again to a second mailbox process.
GUARD_KEEP_DAYS = 2


class CustomerFeedbackGuard(models.Model):
    _name = "customer.feedback.guard"
    _description = "Feedback Concurrency Guard"
    _order = "id desc"

    key = fields.Char(
        required=True, readonly=True,
        help="SHA-256 of what is guarded, e.g. 'message-id:<...>' or 'rate:ip:<address>'.",
    )

    _key_uniq = models.Constraint("UNIQUE(key)", "This key is already held.")

    @api.model
    def _hash(self, key):
        return hashlib.sha256(key.encode("utf-8", errors="surrogateescape")).hexdigest()

    @api.model
    def _claim(self, key):
        """Take ``key`` for the current transaction, if nobody has it.

        Waits while another transaction holding it is running.
        :return: True when taken; False when another transaction (running
            then committed, or committed earlier) has it
        """
        uid = self.env.uid
        try:
            # no flush: the key must not wait for the caller's pending writes
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "INSERT INTO %s (key, create_uid, create_date, write_uid, write_date)"
                    " VALUES (%s, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC')",
                    SQL.identifier(self._table), self._hash(key), uid, uid,
                ), log_exceptions=False)
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure):
            return False
        return True

    @api.model
    def _serialize(self, key):
        """Hold ``key`` until the end of the transaction, orderly.

        A transaction that began before another one holding ``key``
        committed stops here with a serialization failure: Odoo rolls it
        back and runs it again (HTTP requests and RPC calls), and the second
        run sees what the first one committed.
        """
        uid = self.env.uid
        self.env.cr.execute(SQL(
            "INSERT INTO %s (key, create_uid, create_date, write_uid, write_date)"
            " VALUES (%s, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC')"
            " ON CONFLICT (key) DO UPDATE SET write_date = EXCLUDED.write_date,"
            " write_uid = EXCLUDED.write_uid",
            SQL.identifier(self._table), self._hash(key), uid, uid,
        ), log_exceptions=False)  # a concurrency error here is expected: Odoo retries

    @api.autovacuum
    def _gc_old_keys(self):
        """Forget keys no running transaction can still compete for."""
        limit = fields.Datetime.now() - timedelta(days=GUARD_KEEP_DAYS)
        self.env.cr.execute(SQL(
            "DELETE FROM %s WHERE write_date < %s", SQL.identifier(self._table), limit,
        ))
        _logger.info("GC'd %d feedback concurrency keys", self.env.cr.rowcount)
