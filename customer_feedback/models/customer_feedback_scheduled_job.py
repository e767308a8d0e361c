"""Scheduled jobs that one bad record cannot stop.

Every cron of the addons hands its records to ``_run_isolated`` (or, for
tickets found by a domain, to ``_process_in_batches``, which uses it). Each
batch runs in a savepoint; when it fails, its records are tried one by one,
so that only the record that fails is left out. That record is logged, and a
feedback manager gets one "exception" activity on it naming the job and the
error (Odoo shows it as the red exception mark of lists and kanban, and the
*Automation Problems* filters find it). The record is tried again at the next
run: once the cause is fixed the job finishes it, and its activity is marked
done with that note.

A record a rule of the procedure refuses (a UserError) is logged as a
warning, without a traceback: it is no bug, and it may come back at every run
until someone acts. Concurrency errors (serialization, locks) are not
failures of the record:
they are raised, so that the run stops and Odoo tries again later, as it does
for its own crons.
"""

import logging
import sys

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

FAILURE_ACTIVITY_TYPE = "mail.mail_activity_data_warning"


class CustomerFeedbackScheduledJob(models.AbstractModel):
    _name = "customer.feedback.scheduled.job"
    _description = "Scheduled Job Isolating Failures"

    @api.model
    def _process_in_batches(self, domain, order, process, batch_size, job):
        """Call ``process`` on the records matching ``domain``, a batch at a time.

        ``process`` must take each batch out of ``domain``, or the loop would
        not end; records it fails on are left out for the rest of the run.
        Run by a cron, each batch is committed and the run stops when the
        cron's time is up; Odoo starts it again for what remains.

        :param job: the XML id of the cron that runs this (see ``_run_isolated``)
        """
        in_cron = bool(self.env.context.get("cron_id"))
        pending = self._job_failures_pending(job)  # once per run, not per batch
        failed = self.browse()
        while records := self.search(
            Domain(domain) & Domain("id", "not in", failed.ids), limit=batch_size, order=order
        ):
            failed |= self._run_isolated(records, process, job, pending)
            if in_cron:
                remaining = self.search_count(domain) if len(records) == batch_size else 0
                if self.env["ir.cron"]._commit_progress(len(records), remaining=remaining) <= 0:
                    break
            if len(records) < batch_size:
                break

    @api.model
    def _run_isolated(self, records, process, job, pending=None):
        """``process(records)``; when it fails, ``process(record)`` for each.

        :param job: the XML id of the cron that runs this: its name tells
            the manager which job failed
        :param pending: ids of the records with an open failure activity of
            ``job`` (read when not given), updated as they succeed
        :return: the records ``process`` failed on (reported, see module doc)
        """
        if pending is None:
            pending = self._job_failures_pending(job)
        try:
            with self.env.cr.savepoint():
                process(records)
        except psycopg2.OperationalError:
            raise
        except Exception:  # noqa: BLE001 - any error of one record: isolate it below
            if len(records) == 1:
                records._report_job_failure(job)
                return records
        else:
            self._clear_job_failures(records, job, pending)
            return self.browse()
        failed = self.browse()
        for record in records:
            failed |= self._run_isolated(record, process, job, pending)
        return failed

    def _report_job_failure(self, job):
        """Log the error being handled and tell a feedback manager, once."""
        self.ensure_one()
        if isinstance(sys.exc_info()[1], UserError):
            # a rule of the procedure refused it (e.g. a corrective action
            # still open): no bug to trace, and it may repeat at every run
            _logger.warning("%s could not process %s: %s", job, self, _last_error_message())
        else:
            _logger.exception("%s failed on %s; the other records go on", job, self)
        if self._open_failure_activities(job):
            return
        manager = self._job_failure_user()
        # in the manager's language: the activity is theirs to read
        record = self.with_context(
            lang=self.env["res.lang"]._feedback_recipient_lang(manager.partner_id)
        )
        # sudo: the job runs as the cron's user, who may not see the record's
        # activities; the activity goes to a manager, who may.
        record.sudo().activity_schedule(
            FAILURE_ACTIVITY_TYPE,
            summary=record._job_failure_summary(job),
            note=record.env._(
                "The scheduled job could not process this record: %(error)s. It will "
                "try again at its next run; fix the cause (or handle the record by "
                "hand) and this activity is marked done by itself.",
                error=_last_error_message(),
            ),
            user_id=manager.id,
        )

    @api.model
    def _job_failure_summary(self, job):
        """The activity's summary: the job (a cron's XML id) in the
        language of the environment."""
        cron = self.env.ref(job, raise_if_not_found=False)
        # sudo: only the name of the cron is read, for the message
        name = cron.sudo().name if cron else job
        return self.env._("Automatic job failed: %s", name)[:200]

    @api.model
    def _job_failure_summaries(self, job):
        """The summary in every installed language, to find the activities
        written for managers of any language."""
        return [
            self.with_context(lang=lang)._job_failure_summary(job)
            for lang, _name in self.env["res.lang"].get_installed()
        ]

    def _job_failure_user(self):
        """The feedback manager told of a failure: the first of the record's
        company, else the administrator."""
        self.ensure_one()
        company = self["company_id"] if "company_id" in self._fields else self.env.company
        managers = self.env.ref("customer_feedback.group_feedback_manager").all_user_ids.filtered(
            lambda user: user.active and not user.share
            and (not company or company in user.company_ids)
        )
        return managers.sorted("id")[:1] or self.env.ref("base.user_admin")

    def _open_failure_activities(self, job):
        # sudo: see _report_job_failure
        return self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name),
            ("res_id", "in", self.ids),
            ("activity_type_id", "=", self.env.ref(FAILURE_ACTIVITY_TYPE).id),
            ("summary", "in", self._job_failure_summaries(job)),
        ])

    @api.model
    def _clear_job_failures(self, records, job, pending):
        """The job succeeded on ``records``: close what it reported on them."""
        if not set(records.ids) & pending:
            return
        activities = records._open_failure_activities(job)
        activities.action_feedback(
            feedback=self.env._("The scheduled job processed the record at its next run.")
        )
        pending.difference_update(records.ids)

    @api.model
    def _job_failures_pending(self, job):
        """Ids of the records with an open failure activity of ``job``.

        One query per run: the summaries (the job's name in each language)
        are only compared when there are failure activities at all.
        """
        # sudo: see _report_job_failure
        activities = self.env["mail.activity"].sudo().search_fetch([
            ("res_model", "=", self._name),
            ("activity_type_id", "=", self.env.ref(FAILURE_ACTIVITY_TYPE).id),
        ], ["res_id", "summary"])
        if not activities:
            return set()
        summaries = set(self._job_failure_summaries(job))
        return {activity.res_id for activity in activities if activity.summary in summaries}


def _last_error_message():
    """The message of the exception being handled, as a user reads it."""
    error = sys.exc_info()[1]
    if error is None:
        return "?"
    message = getattr(error, "args", None) and error.args[0]
    return str(message if isinstance(message, str) else error)[:500]
