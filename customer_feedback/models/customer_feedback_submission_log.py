"""How often the public feedback form was sent, by address and by email, to
refuse floods (``/feedback``).

Each accepted submission (and each one a robot filled the hidden honeypot
field of) is one row, kept only as long as the limits look back; the
autovacuum deletes older rows. The limits are system parameters:

- ``customer_feedback.form_limit_per_ip`` (default 5),
- ``customer_feedback.form_limit_per_email`` (default 3),
- ``customer_feedback.form_limit_window_minutes`` (default 60);

a limit of 0 or less turns that limit off.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

DEFAULT_LIMIT_PER_IP = 5
DEFAULT_LIMIT_PER_EMAIL = 3
DEFAULT_WINDOW_MINUTES = 60


class CustomerFeedbackSubmissionLog(models.Model):
    _name = "customer.feedback.submission.log"
    _description = "Feedback Form Submission"
    _order = "id desc"

    ip_address = fields.Char("IP Address", required=True, readonly=True)
    email = fields.Char(readonly=True, help="The sender's email, normalized.")

    _ip_address_create_date_idx = models.Index("(ip_address, create_date)")
    _email_create_date_idx = models.Index("(email, create_date) WHERE email IS NOT NULL")

    @api.model
    def _get_limit(self, key, default):
        """The integer system parameter ``key``; ``default`` when unset or not a number."""
        # sudo: system parameters are for administrators; the limits are read
        # while serving anonymous visitors.
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value not in (None, False, "") else default
        except ValueError:
            _logger.warning("System parameter %s is not a number (%r): using %s",
                            key, value, default)
            return default

    @api.model
    def _window_minutes(self):
        """How far back the limits look, in minutes."""
        minutes = self._get_limit(
            "customer_feedback.form_limit_window_minutes", DEFAULT_WINDOW_MINUTES
        )
        return max(minutes, 0)

    @api.model
    def _window_start(self):
        return fields.Datetime.now() - timedelta(minutes=self._window_minutes())

    @api.model
    def _is_rate_limited(self, ip_address, email=None):
        """Whether a new submission from ``ip_address`` or for ``email``
        (normalized) would go past its limit within the window.

        Parallel submissions are counted one after the other: the address
        and the email are held until the end of the transaction
        (``customer.feedback.guard._serialize``). A lock alone would not do:
        a transaction that waited for it still reads the database as it was
        when it began, without the submission it waited for; it is retried
        instead, and counts again.
        """
        since = self._window_start()
        checks = [
            ("ip_address", ip_address,
             self._get_limit("customer_feedback.form_limit_per_ip", DEFAULT_LIMIT_PER_IP)),
            ("email", email,
             self._get_limit("customer_feedback.form_limit_per_email", DEFAULT_LIMIT_PER_EMAIL)),
        ]
        for field_name, value, limit in checks:
            if not value or limit <= 0:
                continue
            # always the address first, then the email: no two requests
            # wait for each other's key
            # sudo: the keys are system records; only their rows are written
            self.env["customer.feedback.guard"].sudo()._serialize(
                f"rate:{field_name}:{value}"
            )
            count = self.search_count(
                [(field_name, "=", value), ("create_date", ">=", since)], limit=limit
            )
            if count >= limit:
                return True
        return False

    @api.model
    def _log_submission(self, ip_address, email=None):
        """Count one submission from ``ip_address`` for ``email`` (normalized)."""
        return self.create({"ip_address": ip_address, "email": email or False})

    @api.autovacuum
    def _gc_old_submissions(self):
        """Forget submissions the limits no longer look at: the addresses
        are personal data, kept no longer than needed."""
        self.env.cr.execute(SQL(
            "DELETE FROM %s WHERE create_date < %s",
            SQL.identifier(self._table), self._window_start(),
        ))
        _logger.info("GC'd %d feedback form submissions", self.env.cr.rowcount)
