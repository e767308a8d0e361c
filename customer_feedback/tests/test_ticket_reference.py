"""Ticket references have no gaps: a refused create (no right to create, a
constraint) consumes no number; the next ticket gets the number that follows."""

import importlib.util
from pathlib import Path

import psycopg2

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import FeedbackCommon, RequiresHttpServer

MIGRATION = (
    Path(__file__).parent.parent / "migrations/19.0.1.3.0/post-ticket-sequence-no-gap.py"
)


@tagged("post_install", "-at_install")
class TestTicketReference(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sequence = cls.env.ref("customer_feedback.seq_customer_feedback_ticket")
        cls.NoMail = cls.Ticket.with_context(feedback_no_acknowledgement=True)

    def _number(self, ticket):
        return int(ticket.name.rsplit("/", 1)[1])

    def _new(self, **values):
        return self.NoMail.with_user(self.manager).create(
            {"title": "CF numbered", "partner_id": self.customer_noemail.id, **values}
        )

    def _use_implementation(self, implementation):
        """As an administrator would switch it, carrying the next number over."""
        self.sequence.write({
            "implementation": implementation,
            "number_next": self.sequence.number_next_actual,
        })

    @mute_logger("odoo.http", "odoo.models", "odoo.addons.base.models.ir_model")
    def _refused_rpc_creates(self):
        for user in (self.portal_user, self.plain_employee):
            self.authenticate(user.login, user.login)
            with self.subTest(user=user.login), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request("/web/dataset/call_kw", {
                    "model": "customer.feedback.ticket", "method": "create",
                    "args": [{"title": "CF not allowed", "partner_id": user.partner_id.id}],
                    "kwargs": {},
                })

    def test_shipped_sequence_is_gap_free(self):
        self.assertEqual(self.sequence.implementation, "no_gap")

    def test_refused_create_burns_no_number(self):
        first = self._new()
        self._refused_rpc_creates()
        self.assertFalse(self.Ticket.search([("title", "=", "CF not allowed")]))
        self.assertEqual(self._number(self._new()), self._number(first) + 1)

    def test_refused_create_burns_no_number_standard(self):
        """Even with a sequence set back to "standard" (numbers that no
        rollback returns), the access is checked before a number is taken."""
        self._use_implementation("standard")
        first = self._new()
        self._refused_rpc_creates()
        self.assertEqual(self._number(self._new()), self._number(first) + 1)

    def test_constraint_in_savepoint_burns_no_number(self):
        """A create refused by the database after its number was taken gives
        the number back with the savepoint (gap-free sequence)."""
        first = self._new()
        with (
            self.assertRaises(psycopg2.errors.CheckViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self._new(quantity=-1)
        second = self._new()
        self.assertEqual(self._number(second), self._number(first) + 1)

    def test_batch_numbers_follow(self):
        first = self._new()
        batch = self.NoMail.with_user(self.manager).create([
            {"title": f"CF batch {i}", "partner_id": self.customer_noemail.id}
            for i in range(3)
        ])
        self.assertEqual(
            [self._number(ticket) for ticket in batch],
            [self._number(first) + i for i in (1, 2, 3)],
        )
        self.assertEqual(len(set(batch.mapped("name"))), 3)

    def test_caller_values_reused(self):
        """The values a caller passes are not changed: reused, they make a
        second ticket with its own number (an import or a script's loop)."""
        vals = {"title": "CF reused values", "partner_id": self.customer_noemail.id}
        first = self.NoMail.with_user(self.manager).create(vals)
        second = self.NoMail.with_user(self.manager).create(vals)
        self.assertEqual(vals, {"title": "CF reused values",
                                "partner_id": self.customer_noemail.id})
        self.assertEqual(self._number(second), self._number(first) + 1)

    def test_migration_keeps_the_next_number(self):
        """A database numbered by a standard sequence becomes gap-free and
        goes on from its next number (none is given twice)."""
        self._use_implementation("standard")
        first = self._new()
        spec = importlib.util.spec_from_file_location("cf_migration_no_gap", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.2.0")
        self.sequence.invalidate_recordset()
        self.assertEqual(self.sequence.implementation, "no_gap")
        self.assertEqual(self._number(self._new()), self._number(first) + 1)

    def test_next_number_shown_and_set_by_the_administrator(self):
        """The sequence's "Next Number" is the number the next ticket gets,
        and an administrator may move it on, never back onto a given one."""
        first = self._new()
        self.sequence.invalidate_recordset()
        self.assertEqual(self.sequence.number_next_actual, self._number(first) + 1)
        self.sequence.number_next_actual = self._number(first) + 10
        self.assertEqual(self._number(self._new()), self._number(first) + 10)
        self.sequence.number_next_actual = self._number(first)
        self.assertEqual(self._number(self._new()), self._number(first) + 11,
                         "a number given is not given again")

    def test_switching_implementation_goes_on_from_the_next_number(self):
        """Switched to "standard" and back, as an administrator may (only the
        implementation changed), the sequence gives no number twice."""
        first = self._new()
        self.sequence.write({"implementation": "standard"})
        second = self._new()
        self.sequence.write({"implementation": "no_gap"})
        third = self._new()
        self.assertEqual([self._number(second), self._number(third)],
                         [self._number(first) + 1, self._number(first) + 2])
