"""Concurrency (issue 18): the same thing done twice at the same moment.

Every test runs two real transactions at once: two cursors of the registry,
in two threads (or an HTTP request served by Odoo's server, with Odoo's own
retry of serialization failures), each committing as the real process does
(fetchmail, odoo-mailgate over XML-RPC, a cron run, the public form). Where
the order matters, it is forced: one transaction is held open until the
other one is seen waiting for its lock in ``pg_stat_activity``.

What the tests commit stays in the shared test database only for the test:
every row newer than the test's start (tickets, contacts, messages, mails,
activities, concurrency keys, form submissions) is deleted afterwards, and
the records and settings the tests change are put back.

The IMAP mailbox is the one thing that cannot run here: fetchmail's
``_connect__`` returns a mailbox in memory (``FakeMailbox``); the rest of
fetchmail (``fetchmail.server._fetch_mail``: a cursor per server, a commit
per message, a failed message rolled back and marked read) is Odoo's own.
"""

import re
import threading
import time
import unittest
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from unittest.mock import patch

import psycopg2.errors
import requests

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.service import server
from odoo.tests import tagged
from odoo.tests.common import BaseCase, TransactionCase, get_db_name
from odoo.tools import config, mute_logger

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
DOMAIN = "cf-concurrency.example.com"
CUSTOMER = f"Khách Song Song <khach.song@{DOMAIN}>"
TIMEOUT = 30  # seconds: a thread that takes longer is stuck
# rows a test may create, deleted afterwards (children first)
CREATED_TABLES = (
    "mail_notification", "mail_mail", "mail_activity", "mail_followers", "mail_message",
    "ir_attachment", "bus_bus", "customer_feedback_guard", "customer_feedback_submission_log",
    "customer_feedback_reference",
)
QUIET = ("odoo.sql_db", "odoo.addons.mail.models.mail_thread",
         "odoo.addons.mail.models.fetchmail", "odoo.service.model", "odoo.http",
         "odoo.addons.customer_feedback.models.mail_thread",
         "odoo.addons.customer_feedback.models.customer_feedback_scheduled_job")


# the ticket sequence as shipped (gap-free), and as an administrator may set it
SEQUENCES = ("no_gap", "standard")


class Fetchers(list):
    """Functions running fetchmail, one per server (``by_server``: their mailboxes)."""


class FakeMailbox:
    """An IMAP mailbox as fetchmail reads it (``OdooIMAP4``), in memory.

    ``barrier``: every mailbox hands out its message when all of them are
    ready, so that the fetchmail processes work on it at the same moment.
    """

    def __init__(self, messages, barrier=None):
        self.messages = list(messages)
        self.barrier = barrier
        self.handled = []

    def check_unread_messages(self):
        return len(self.messages)

    def retrieve_unread_messages(self):
        for number, message in enumerate(self.messages, 1):
            if self.barrier:
                self.barrier.wait(TIMEOUT)
            yield str(number).encode(), message

    def handled_message(self, number):
        self.handled.append(number)  # marked read: fetchmail never fetches it again

    def disconnect(self):
        pass


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cls.alias = env.ref("customer_feedback.mail_alias_feedback_intake")
            cls.alias_saved = {"alias_domain_id": cls.alias.alias_domain_id.id,
                               "alias_name": cls.alias.alias_name}
            cls.alias_domain_id = env["mail.alias.domain"].create({"name": DOMAIN}).id
            cls.alias.write({"alias_domain_id": cls.alias_domain_id, "alias_name": "feedback"})
            cls.company_id = env.company.id
            company = env.company
            cls.company_saved = {
                "feedback_create_contacts": company.feedback_create_contacts,
                "feedback_reopen_days": company.feedback_reopen_days,
            }
            company.write({"feedback_create_contacts": True, "feedback_reopen_days": 30})
            cls.priority_id = env["customer.feedback.priority"].search(
                [("use_working_hours", "=", False)], order="response_hours", limit=1
            ).id
            Server = env["fetchmail.server"]
            cls.server_ids = Server.create([{
                "name": f"CF concurrency {i}", "server": f"imap{i}.{DOMAIN}",
                "server_type": "imap", "state": "done", "user": "feedback", "password": "x",
            } for i in (1, 2)]).ids
        cls.addClassCleanup(cls._restore_class)

    @classmethod
    def _restore_class(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["fetchmail.server"].browse(cls.server_ids).unlink()
            # the first alias domain was given to every company and alias without one
            domain = env["mail.alias.domain"].browse(cls.alias_domain_id)
            env["res.company"].with_context(active_test=False).search(
                [("alias_domain_id", "=", domain.id)]).write({"alias_domain_id": False})
            env["mail.alias"].with_context(active_test=False).search(
                [("alias_domain_id", "=", domain.id)]).write({"alias_domain_id": False})
            cls.alias.with_env(env).write(cls.alias_saved)
            domain.unlink()
            env["res.company"].browse(cls.company_id).write(cls.company_saved)

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            marks = {}
            for table in (*CREATED_TABLES, "customer_feedback_ticket", "res_partner"):
                cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                marks[table] = cr.fetchone()[0]
            cr.execute("SELECT id, number_next, implementation FROM ir_sequence"
                       " WHERE code = 'customer.feedback.ticket'")
            sequences = cr.fetchall()
        self.marks = marks
        self.addCleanup(self._delete_created, marks, sequences)

    def _delete_created(self, marks, sequences):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["customer.feedback.ticket"].search(
                [("id", ">", marks["customer_feedback_ticket"])]
            ).unlink()
            env.flush_all()
            for table in CREATED_TABLES:
                cr.execute(f"DELETE FROM {table} WHERE id > %s", [marks[table]])
            env.invalidate_all()
            env["res.partner"].search([("id", ">", marks["res_partner"])]).unlink()
            # the references the test took are given back: gap-free afterwards too
            for sequence_id, number_next, implementation in sequences:
                env["ir.sequence"].browse(sequence_id).write(
                    {"implementation": implementation, "number_next": number_next}
                )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _committed(self, function, uid=SUPERUSER_ID, context=None):
        """``function(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return function(api.Environment(cr, uid, context or {}))

    def _parallel(self, *functions):
        """Run the functions in threads at once; their results, in order."""
        with ThreadPoolExecutor(max_workers=len(functions)) as executor:
            futures = [executor.submit(function) for function in functions]
            return [future.result(timeout=TIMEOUT * 2) for future in futures]

    def _wait_for_lock_waiters(self, count=1):
        """Until ``count`` transactions of the database wait for a lock."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM pg_stat_activity"
                           " WHERE datname = current_database() AND wait_event_type = 'Lock'")
                if cr.fetchone()[0] >= count:
                    return
            time.sleep(0.05)
        self.fail("no transaction ever waited for the other one's lock")

    def _neutralise(self, query, restore):
        """Keep the records the database already holds out of a cron run:
        ``query`` returns (id, value) of each and moves it out of the way;
        ``restore`` puts the value back (its parameters: value, id)."""
        with self.registry.cursor() as cr:
            cr.execute(query)
            saved = cr.fetchall()

        def put_back():
            with self.registry.cursor() as cr:
                for record_id, value in saved:
                    cr.execute(restore, [value, record_id])
        self.addCleanup(put_back)

    def _email(self, subject="Góp ý giao hàng", body="Giao hàng chậm ba ngày.", msg_id=None,
               reply_to_id=None, sender=CUSTOMER):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = f"feedback@{DOMAIN}"
        message["Subject"] = subject
        message["Message-ID"] = msg_id or make_msgid(domain=DOMAIN)
        message["Date"] = formatdate()
        if reply_to_id:
            message["In-Reply-To"] = reply_to_id
            message["References"] = reply_to_id
        message.set_content(body)
        return message.as_bytes()

    def _alias_in_use(self):
        """Fixture: the alias has received mail before (Odoo marks it valid
        at its first email, which makes that first email's transactions
        write the same row)."""
        self._committed(lambda env: self.alias.with_env(env).write({"alias_status": "valid"}))

    def _fetchmail(self, mailboxes, patched=None):
        """Functions running fetchmail on our servers, the mailbox of each given.

        :param patched: the result of an earlier call of the same test (the
            connection is patched once)
        """
        if patched:
            patched.by_server.clear()
            patched.by_server.update(zip(self.server_ids, mailboxes, strict=False))
            return patched
        by_server = dict(zip(self.server_ids, mailboxes, strict=False))

        def connect(server_record, allow_archived=False):
            return by_server[server_record.id]

        Server = self.registry["fetchmail.server"]
        patcher = patch.object(Server, "_connect__", connect)
        patcher.start()
        self.addCleanup(patcher.stop)

        def run(server_id):
            def fetch():
                error = self._committed(
                    lambda env: env["fetchmail.server"].browse(server_id)._fetch_mail()
                )
                self.assertIsNone(error, "fetchmail reached the mailbox")
            return fetch
        fetchers = Fetchers(run(server_id) for server_id in by_server)
        fetchers.by_server = by_server
        return fetchers

    def _tickets(self, env, **domain):
        return env["customer.feedback.ticket"].search(
            [(field, "=", value) for field, value in domain.items()]
        )

    def _ticket_from_email(self, **kwargs):
        """A ticket made by the gateway from a new email; (ticket id, Message-Id)."""
        msg_id = make_msgid(domain=DOMAIN)
        ticket_id = self._committed(lambda env: env["mail.thread"].message_process(
            False, self._email(msg_id=msg_id, **kwargs)))
        self.assertTrue(ticket_id)
        return ticket_id, msg_id

    def _set_state(self, ticket_id, state, **values):
        """Fixture: put the ticket in ``state`` (the workflow is not under test)."""
        def write(env):
            env["customer.feedback.ticket"].browse(ticket_id)._write_facts(
                dict(values, state=state)
            )
        self._committed(write)

    # ------------------------------------------------------------------
    # The mail gateway
    # ------------------------------------------------------------------

    @mute_logger(*QUIET)
    def test_same_email_fetched_twice_at_once_makes_one_ticket(self):
        """Two fetchmail processes get the same email (same Message-Id) at once.

        The gap-free ticket sequence makes ticket creations wait for each
        other; the "standard" one an administrator may choose does not: the
        email must not depend on it."""
        fetchers = None
        for implementation in SEQUENCES:
            with self.subTest(sequence=implementation):
                self._set_sequence(implementation)
                self._alias_in_use()
                subject = f"Một email, hai máy ({implementation})"
                raw = self._email(subject=subject, sender=f"khach.{implementation}@{DOMAIN}")
                barrier = threading.Barrier(2)
                mailboxes = [FakeMailbox([raw], barrier), FakeMailbox([raw], barrier)]
                fetchers = self._fetchmail(mailboxes, patched=fetchers)
                self._parallel(*fetchers)
                tickets = self._committed(lambda env, s=subject: self._tickets(env, title=s).ids)
                self.assertEqual(len(tickets), 1, "one email, one ticket")
                self.assertEqual([len(mailbox.handled) for mailbox in mailboxes], [1, 1])

    @mute_logger(*QUIET)
    def test_same_email_from_two_mailgates_at_once_makes_one_ticket(self):
        """odoo-mailgate run twice on one message: two XML-RPC calls at once."""
        if not server.server:
            raise unittest.SkipTest("the Odoo HTTP server is not running: pytest --odoo-http")
        url = f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/"
        db = get_db_name()
        uid = xmlrpc.client.ServerProxy(url + "common").authenticate(db, "admin", "admin", {})
        if not uid:
            raise unittest.SkipTest("the admin user of the test database has no password admin")
        for implementation in SEQUENCES:
            with self.subTest(sequence=implementation):
                self._set_sequence(implementation)
                self._alias_in_use()
                subject = f"Hai lần mailgate ({implementation})"
                raw = self._email(subject=subject, sender=f"khach.{implementation}@{DOMAIN}")
                barrier = threading.Barrier(2)

                def mailgate(raw=raw, barrier=barrier):
                    models = xmlrpc.client.ServerProxy(url + "object", allow_none=True)
                    barrier.wait(TIMEOUT)
                    return models.execute_kw(db, uid, "admin", "mail.thread", "message_process",
                                             [False, xmlrpc.client.Binary(raw)], {})

                results = self._parallel(mailgate, mailgate)
                tickets = self._committed(lambda env, s=subject: self._tickets(env, title=s).ids)
                self.assertEqual(len(tickets), 1, "one email, one ticket")
                self.assertEqual(sorted(results, key=bool), [False, tickets[0]])

    @mute_logger(*QUIET)
    def test_two_replies_at_once_both_land(self):
        """Two replies of the customer to their closed ticket, fetched by two
        processes at once: both reopen it, one of them waits for the other."""
        ticket_id, msg_id = self._ticket_from_email(subject="Máy lạnh hỏng")
        self._set_state(ticket_id, "closed", date_closed=fields.Datetime.now())
        replies = [
            self._email(subject="Re: Máy lạnh hỏng", body=f"Vẫn hỏng, lần {i}.",
                        reply_to_id=msg_id)
            for i in (1, 2)
        ]
        barrier = threading.Barrier(2)
        mailboxes = [FakeMailbox([replies[0]], barrier), FakeMailbox([replies[1]], barrier)]
        self._parallel(*self._fetchmail(mailboxes))

        def read(env):
            ticket = env["customer.feedback.ticket"].browse(ticket_id)
            bodies = ticket.message_ids.filtered(lambda m: m.message_type == "email")
            return ticket.state, bodies.mapped("body")
        state, bodies = self._committed(read)
        self.assertEqual(state, "reopened")
        for i in (1, 2):
            self.assertTrue(any(f"Vẫn hỏng, lần {i}." in body for body in bodies),
                            f"reply {i} is on the ticket")

    @mute_logger(*QUIET)
    def test_serialization_failure_under_fetchmail_is_retried(self):
        """An agent saves the ticket while fetchmail reopens it with the
        customer's reply: fetchmail's transaction fails to serialize; the
        reply is processed again, not dropped (fetchmail marks it read)."""
        ticket_id, msg_id = self._ticket_from_email(subject="Hóa đơn sai")
        self._set_state(ticket_id, "closed", date_closed=fields.Datetime.now())
        reply = self._email(subject="Re: Hóa đơn sai", body="Hóa đơn vẫn sai.",
                            reply_to_id=msg_id)
        mailbox = FakeMailbox([reply])
        [fetch] = self._fetchmail([mailbox])
        with self.registry.cursor() as agent_cr:
            agent = api.Environment(agent_cr, SUPERUSER_ID, {})
            agent["customer.feedback.ticket"].browse(ticket_id).write(
                {"partner_phone": "+84 28 3822 1234"}
            )
            agent.flush_all()  # the row is written, not committed
            with ThreadPoolExecutor(max_workers=1) as executor:
                fetched = executor.submit(fetch)
                self._wait_for_lock_waiters()
                agent_cr.commit()  # fetchmail's snapshot is now out of date
                fetched.result(timeout=TIMEOUT * 2)
        self.assertEqual(mailbox.handled, [b"1"], "fetchmail marked it read")

        def read(env):
            ticket = env["customer.feedback.ticket"].browse(ticket_id)
            return ticket.state, ticket.partner_phone, " ".join(ticket.message_ids.mapped("body"))
        state, phone, bodies = self._committed(read)
        self.assertEqual(state, "reopened")
        self.assertEqual(phone, "+84 28 3822 1234", "the agent's change is kept")
        self.assertIn("Hóa đơn vẫn sai.", bodies, "the reply is on the ticket")

    # ------------------------------------------------------------------
    # The state machine: a reopen racing the auto-close
    # ------------------------------------------------------------------

    def _waiting_ticket(self, title):
        ticket_id, _msg_id = self._ticket_from_email(subject=title)
        past = fields.Datetime.now() - timedelta(hours=1)
        self._set_state(ticket_id, "waiting", resolution="<p>Đã thay máy mới.</p>",
                        date_resolved=past, date_waiting=past, confirmation_round=1,
                        date_confirmation_deadline=past, confirmation_state=False)
        return ticket_id

    def _neutralise_waiting(self):
        """The tickets already waiting past their deadline are not closed."""
        self._neutralise(
            "UPDATE customer_feedback_ticket t SET date_confirmation_deadline = NULL"
            " FROM customer_feedback_ticket o WHERE t.id = o.id AND t.state = 'waiting'"
            " AND t.date_confirmation_deadline IS NOT NULL"
            " RETURNING t.id, o.date_confirmation_deadline",
            "UPDATE customer_feedback_ticket SET date_confirmation_deadline = %s WHERE id = %s",
        )

    def _refuse_over_http(self, ticket_id):
        """The customer's "I do not accept" button, posted as they do."""
        token = self._committed(
            lambda env: env["customer.feedback.ticket"].browse(ticket_id)._confirmation_token(1)
        )
        url = (f"http://127.0.0.1:{config['http_port']}/feedback/confirm/{ticket_id}/1/refuse"
               f"?token={token}")
        session = requests.Session()
        page = session.get(url, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_PATTERN.search(page.text).group(1)

        def post():
            return session.post(url, data={"csrf_token": csrf, "note": "Máy mới cũng hỏng."},
                                timeout=TIMEOUT * 2)
        return post

    def _close_cron(self, env):
        env["customer.feedback.ticket"]._cron_close_unconfirmed()
        env.flush_all()

    def _ticket_outcome(self, ticket_id):
        def read(env):
            ticket = env["customer.feedback.ticket"].browse(ticket_id)
            activities = ticket.activity_ids.mapped("summary")
            return (ticket.state, ticket.confirmation_state,
                    " ".join(ticket.message_ids.mapped("body")), activities)
        return self._committed(read)

    @mute_logger(*QUIET)
    def test_refusal_waiting_for_the_auto_close_is_recorded(self):
        """The cron closes the ticket first; the customer's refusal waits for
        the ticket's row, fails to serialize, and Odoo runs the request again:
        it finds the ticket closed and records the answer for the team."""
        if not server.server:
            raise unittest.SkipTest("the Odoo HTTP server is not running: pytest --odoo-http")
        self._neutralise_waiting()
        ticket_id = self._waiting_ticket("Tủ lạnh kêu to")
        post = self._refuse_over_http(ticket_id)
        closed, go_on = threading.Event(), threading.Event()

        def cron():
            def run(env):
                self._close_cron(env)
                closed.set()
                go_on.wait(TIMEOUT)  # committed only once the customer waits for it
            self._committed(run)

        with ThreadPoolExecutor(max_workers=2) as executor:
            cron_done = executor.submit(cron)
            self.assertTrue(closed.wait(TIMEOUT))
            answered = executor.submit(post)
            self._wait_for_lock_waiters()
            go_on.set()
            cron_done.result(timeout=TIMEOUT)
            self.assertEqual(answered.result(timeout=TIMEOUT * 2).status_code, 200)
        state, confirmation, bodies, activities = self._ticket_outcome(ticket_id)
        self.assertEqual((state, confirmation), ("closed", "silent"))
        self.assertIn("Máy mới cũng hỏng.", bodies, "the customer's words are kept")
        self.assertIn("Customer's answer to handle", activities)

    @mute_logger(*QUIET)
    def test_auto_close_after_a_refusal_it_did_not_see_is_undone(self):
        """The cron began before the customer's refusal was committed: it
        still sees the ticket waiting, and its close fails to serialize; the
        run is rolled back whole, and the next run has nothing to close."""
        if not server.server:
            raise unittest.SkipTest("the Odoo HTTP server is not running: pytest --odoo-http")
        self._neutralise_waiting()
        ticket_id = self._waiting_ticket("Máy giặt rò nước")
        post = self._refuse_over_http(ticket_id)
        with self.registry.cursor() as cron_cr:
            cron_env = api.Environment(cron_cr, SUPERUSER_ID, {})
            cron_cr.execute("SELECT 1")  # the run's transaction has begun
            self.assertEqual(post().status_code, 200)
            with self.assertRaises(Exception) as failure:
                self._close_cron(cron_env)
            self.assertIn("could not serialize", str(failure.exception))
            cron_cr.rollback()  # what ir.cron does with a failed run
        self._committed(self._close_cron)  # the next run
        state, confirmation, bodies, _activities = self._ticket_outcome(ticket_id)
        self.assertEqual((state, confirmation), ("reopened", "refused"))
        self.assertIn("Máy mới cũng hỏng.", bodies)
        closed = self._committed(lambda env: env["customer.feedback.ticket"].browse(
            ticket_id).date_closed)
        self.assertFalse(closed)

    # ------------------------------------------------------------------
    # The crons, started twice
    # ------------------------------------------------------------------

    def _twice_at_once(self, cron, method, **kwargs):
        """Two runs of a cron method at once (two servers, or a run by hand
        while the scheduled one runs), each in its own transaction, as
        ir.cron runs them: a batch committed at a time, a failed run rolled
        back. :return: the errors of the runs (None when it succeeded)"""
        barrier = threading.Barrier(2)
        cron_id = self._committed(lambda env: env.ref(cron).id)

        def run():
            with self.registry.cursor() as cr:
                # a cron context: each batch is committed (_process_in_batches)
                env = api.Environment(cr, SUPERUSER_ID, {"cron_id": cron_id})
                cr.execute("SELECT 1")  # the transaction has begun
                barrier.wait(TIMEOUT)
                try:
                    getattr(env["customer.feedback.ticket"], method)(**kwargs)
                    env.flush_all()
                except Exception as error:  # noqa: BLE001 - ir.cron logs it, and so do we
                    cr.rollback()
                    return error
            return None
        return self._parallel(run, run)

    @mute_logger(*QUIET)
    def test_escalation_cron_twice_at_once_escalates_once(self):
        self._neutralise(
            "UPDATE customer_feedback_escalation e SET next_escalation_date = NULL"
            " FROM customer_feedback_escalation o WHERE e.id = o.id"
            " AND e.next_escalation_date IS NOT NULL RETURNING e.id, o.next_escalation_date",
            "UPDATE customer_feedback_escalation SET next_escalation_date = %s WHERE id = %s",
        )
        received = fields.Datetime.now() - timedelta(days=5)

        def create(env):
            return env["customer.feedback.ticket"].create([{
                "title": f"CF late {i}", "priority_id": self.priority_id,
                "date_received": received, "description": "<p>Chưa ai trả lời.</p>",
            } for i in range(3)]).ids
        ticket_ids = self._committed(create)
        errors = self._twice_at_once(
            "customer_feedback.ir_cron_escalate_breaches", "_cron_escalate_breaches",
            batch_size=2,
        )
        self._assert_one_run_failed_to_serialize(errors)

        def read(env):
            tickets = env["customer.feedback.ticket"].browse(ticket_ids)
            return [
                (ticket.response_escalation_level, ticket.resolution_escalation_level,
                 [(activity.summary, activity.user_id.id) for activity in ticket.activity_ids
                  if "deadline missed" in (activity.summary or "")])
                for ticket in tickets
            ]
        for response, resolution, activities in self._committed(read):
            self.assertEqual((response, resolution), (1, 1), "one step each, not two")
            self.assertTrue(activities)
            self.assertEqual(len(activities), len(set(activities)),
                             "each person told once of each missed deadline")

    @mute_logger(*QUIET)
    def test_close_cron_twice_at_once_closes_once(self):
        self._neutralise_waiting()
        ticket_ids = [self._waiting_ticket(f"Lò vi sóng {i}") for i in range(3)]
        errors = self._twice_at_once(
            "customer_feedback.ir_cron_close_unconfirmed", "_cron_close_unconfirmed",
            batch_size=2,
        )
        self._assert_one_run_failed_to_serialize(errors)

        def read(env):
            tickets = env["customer.feedback.ticket"].browse(ticket_ids)
            closings = [
                env["mail.tracking.value"].search_count([
                    ("mail_message_id.model", "=", tickets._name),
                    ("mail_message_id.res_id", "=", ticket.id),
                    ("field_id.name", "=", "state"), ("new_value_char", "=", "Closed"),
                ])
                for ticket in tickets
            ]
            return tickets.mapped("state"), tickets.mapped("confirmation_state"), closings
        states, confirmations, closings = self._committed(read)
        self.assertEqual(states, ["closed"] * 3)
        self.assertEqual(confirmations, ["silent"] * 3)
        self.assertEqual(closings, [1] * 3, "each ticket closed once")

    def _assert_one_run_failed_to_serialize(self, errors):
        """Both runs began before either wrote: the second one to write a
        record the first one wrote cannot go on."""
        failed = [error for error in errors if error is not None]
        self.assertEqual(len(failed), 1, errors)
        self.assertIsInstance(failed[0], psycopg2.errors.TransactionRollbackError)

    @mute_logger(*QUIET)
    def test_serialization_failure_in_a_cron_leaves_the_batch_for_the_next_run(self):
        """The auto-close commits a batch at a time. A batch whose ticket an
        agent saves meanwhile fails to serialize: it is rolled back whole
        (no ticket of it closed, no closing email), the batches before stay
        done, and the next run closes what is left."""
        self._neutralise_waiting()
        first, second = (self._waiting_ticket(f"Bếp từ {i}") for i in (1, 2))
        with self.registry.cursor() as cr:  # the first is due first: batch 1
            cr.execute("UPDATE customer_feedback_ticket SET date_confirmation_deadline ="
                       " date_confirmation_deadline - interval '1 hour' WHERE id = %s", [first])
        with self.registry.cursor() as agent_cr:
            agent = api.Environment(agent_cr, SUPERUSER_ID, {})
            agent["customer.feedback.ticket"].browse(second).write(
                {"partner_phone": "+84 28 3822 5678"}
            )
            agent.flush_all()

            cron_id = self._committed(
                lambda env: env.ref("customer_feedback.ir_cron_close_unconfirmed").id)

            def cron():
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"cron_id": cron_id})
                    try:
                        env["customer.feedback.ticket"]._cron_close_unconfirmed(batch_size=1)
                    except Exception as error:  # noqa: BLE001 - as ir.cron does
                        cr.rollback()
                        return error
                return None

            with ThreadPoolExecutor(max_workers=1) as executor:
                run = executor.submit(cron)
                self._wait_for_lock_waiters()
                agent_cr.commit()
                error = run.result(timeout=TIMEOUT * 2)
        self.assertIn("could not serialize", str(error))

        def read(env):
            tickets = env["customer.feedback.ticket"].browse([first, second])
            return [(t.state, t.confirmation_state, bool(t.date_closed)) for t in tickets]
        self.assertEqual(self._committed(read), [
            ("closed", "silent", True),  # its batch was committed
            ("waiting", False, False),  # nothing of its batch is left
        ])
        self._committed(self._close_cron)  # the next run
        self.assertEqual(self._committed(read)[1], ("closed", "silent", True))

    # ------------------------------------------------------------------
    # The public form
    # ------------------------------------------------------------------

    def _form_posts(self, count, prefix="khach"):
        """``count`` visitors' posts of the form, each with its session and
        token, ready to be sent at once; all from this machine's address."""
        base = f"http://127.0.0.1:{config['http_port']}"
        barrier = threading.Barrier(count)
        posts = []
        for i in range(count):
            session = requests.Session()
            page = session.get(f"{base}/feedback", timeout=TIMEOUT)
            self.assertEqual(page.status_code, 200)
            data = {
                "csrf_token": CSRF_PATTERN.search(page.text).group(1),
                "name": f"Khách {i}", "kind": "suggestion",
                "email": f"{prefix}.{i}@{DOMAIN}",
                "message": f"Góp ý song song số {i}.",
            }

            def post(session=session, data=data):
                barrier.wait(TIMEOUT)
                return session.post(f"{base}/feedback", data=data, allow_redirects=False,
                                    timeout=TIMEOUT * 3).status_code
            posts.append(post)
        return posts

    def _set_params(self, **params):
        def write(env):
            Param = env["ir.config_parameter"]
            saved = {key: Param.get_param(key) for key in params}
            for key, value in params.items():
                Param.set_param(key, value)
            return saved
        saved = self._committed(write)
        self.addCleanup(self._committed, lambda env: [
            env["ir.config_parameter"].set_param(key, value or False)
            for key, value in saved.items()
        ])

    def _set_sequence(self, implementation):
        def write(env):
            env["ir.sequence"].search([("code", "=", "customer.feedback.ticket")]).write(
                {"implementation": implementation})
        self._committed(write)

    @mute_logger(*QUIET)
    def test_rate_limit_holds_under_parallel_posts(self):
        """One post an hour from an address: three posts at once, one ticket.
        Also with a "standard" ticket sequence, which does not make the posts
        wait for each other as the gap-free one does."""
        if not server.server:
            raise unittest.SkipTest("the Odoo HTTP server is not running: pytest --odoo-http")
        self._set_params(**{
            "customer_feedback.form_limit_per_ip": "1",
            "customer_feedback.form_limit_per_email": "0",
            "customer_feedback.form_limit_window_minutes": "60",
        })
        for implementation in SEQUENCES:
            with self.subTest(sequence=implementation):
                self._set_sequence(implementation)
                # the posts of the first round are forgotten: a new hour
                self._committed(lambda env: env.cr.execute(
                    "DELETE FROM customer_feedback_submission_log WHERE id > %s",
                    [self.marks["customer_feedback_submission_log"]]))
                statuses = self._parallel(*self._form_posts(3, prefix=implementation))
                self.assertEqual(sorted(statuses), [303, 429, 429])
                count = self._committed(lambda env: env["customer.feedback.ticket"].search_count(
                    [("partner_email", "like", f"%@{DOMAIN}"), ("channel", "=", "web")]))
                self.assertEqual(count, 1 if implementation == "no_gap" else 2)

    @mute_logger(*QUIET)
    def test_references_unique_and_gap_free_under_parallel_posts(self):
        if not server.server:
            raise unittest.SkipTest("the Odoo HTTP server is not running: pytest --odoo-http")
        self._set_params(**{
            "customer_feedback.form_limit_per_ip": "0",
            "customer_feedback.form_limit_per_email": "0",
        })
        number_next = self._next_number()
        statuses = self._parallel(*self._form_posts(4))
        self.assertEqual(statuses, [303] * 4)
        names = self._committed(lambda env: env["customer.feedback.ticket"].search(
            [("partner_email", "like", f"%@{DOMAIN}"), ("channel", "=", "web")]).mapped("name"))
        numbers = sorted(self._number(name) for name in names)
        self.assertEqual(numbers, list(range(number_next, number_next + 4)),
                         "one reference each, none skipped")


    def _next_number(self):
        return self._committed(lambda env: env["ir.sequence"].search(
            [("code", "=", "customer.feedback.ticket")]).number_next_actual)

    def _create_holding_its_number(self, title, held, release, outcome):
        """A function creating a ticket in its own transaction, which it
        keeps open (``held`` set) until ``release`` is set, then commits
        (``outcome`` is "commit") or rolls back; it returns the reference."""
        def run():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                ticket = env["customer.feedback.ticket"].create(
                    {"title": title, "priority_id": self.priority_id})
                name = ticket.name
                env.flush_all()
                held.set()
                self.assertTrue(release.wait(TIMEOUT), "the test never released the ticket")
                if outcome != "commit":
                    cr.rollback()
                return name
        return run

    def _create_after(self, title, started):
        """A function creating and committing a ticket in a transaction
        that began before ``started`` is set (its view of the database is
        older than the other ticket's commit); it returns the reference."""
        def run():
            with self.registry.cursor() as cr:
                cr.execute("SELECT 1")  # the transaction's snapshot, taken now
                started.set()
                env = api.Environment(cr, SUPERUSER_ID, {})
                return env["customer.feedback.ticket"].create(
                    {"title": title, "priority_id": self.priority_id}).name
        return run

    def _overlapping_creations(self, outcome):
        """Two ticket creations overlapping in time: the first holds its
        number while the second, begun before the first ends, asks for one.
        Their references, once both ended."""
        held, release, started = threading.Event(), threading.Event(), threading.Event()
        with ThreadPoolExecutor(max_workers=2) as executor:
            first = executor.submit(
                self._create_holding_its_number("CF first", held, release, outcome))
            # the first holds its number before the second begins
            self.assertTrue(held.wait(TIMEOUT), "the first creation never ran")
            second = executor.submit(self._create_after("CF second", started))
            self.assertTrue(started.wait(TIMEOUT))
            self._wait_for_lock_waiters()
            release.set()
            return first.result(timeout=TIMEOUT), second.result(timeout=TIMEOUT)

    @staticmethod
    def _number(name):
        return int(name.rsplit("/", 1)[1])

    @mute_logger(*QUIET)
    def test_overlapping_creations_both_numbered_without_retry(self):
        """The second waits for the first one's number, then takes the next
        one: with Odoo's own gap-free sequence it failed to serialize (its
        request retried, up to 5 times, then an error)."""
        number_next = self._next_number()
        first, second = self._overlapping_creations("commit")
        self.assertEqual([self._number(first), self._number(second)],
                         [number_next, number_next + 1])
        names = self._committed(lambda env: env["customer.feedback.ticket"].search(
            [("title", "in", ["CF first", "CF second"])]).mapped("name"))
        self.assertCountEqual(names, [first, second])
        self.assertEqual(self._next_number(), number_next + 2, "the next number shown")

    @mute_logger(*QUIET)
    def test_number_of_a_rolled_back_creation_goes_to_the_next(self):
        """A creation rolled back keeps no number: the one waiting for it
        gets it, and the register has no gap."""
        number_next = self._next_number()
        first, second = self._overlapping_creations("rollback")
        self.assertEqual(self._number(first), number_next)
        self.assertEqual(self._number(second), number_next, "the number given back is taken")
        names = self._committed(lambda env: env["customer.feedback.ticket"].search(
            [("title", "in", ["CF first", "CF second"])]).mapped("name"))
        self.assertEqual(names, [second])
        self.assertEqual(self._next_number(), number_next + 1)


@tagged("post_install", "-at_install")
class TestGuardKeys(TransactionCase):
    """The keys themselves: kept hashed, held once, forgotten after two days."""

    def test_claim_serialize_and_cleanup(self):
        Guard = self.env["customer.feedback.guard"]
        self.assertTrue(Guard._claim("message-id:<cf-guard@example.com>"))
        self.assertFalse(Guard._claim("message-id:<cf-guard@example.com>"), "held once")
        Guard._serialize("rate:ip:198.51.100.4")
        Guard._serialize("rate:ip:198.51.100.4")  # the same key, taken again
        keys = Guard.search([("key", "in", [
            Guard._hash("message-id:<cf-guard@example.com>"), Guard._hash("rate:ip:198.51.100.4"),
        ])])
        self.assertEqual(len(keys), 2)
        self.assertFalse(Guard.search([("key", "like", "198.51.100.4")]), "no address in clear")
        old = Guard.create({"key": "cf-guard-old"})
        self.env.cr.execute(
            "UPDATE customer_feedback_guard SET write_date = now() - interval '3 days'"
            " WHERE id = %s", [old.id])
        Guard._gc_old_keys()
        self.assertFalse(old.exists())
        self.assertEqual(len(keys.exists()), 2, "recent keys are kept")
