"""The facts the statistics are built on cannot be written by hand.

Every test acts as a hostile or careless user through the public API
(``write``/``create`` as that user, or ``call_kw`` as JSON-RPC does), with
the rights of the role; the owning code paths keep writing the facts.
"""

from datetime import datetime, timedelta

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.service.model import call_kw
from odoo.tests import HttpCase, tagged

from odoo.addons.customer_feedback.models.customer_feedback_ticket_recorded_facts import (
    MANAGER,
    MANAGER_DETACH,
    RECORDED_FACTS,
)

from .common import FeedbackCommon, RequiresHttpServer

PAST = datetime(2026, 1, 5, 8, 0)


class RecordedFactsCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_action = cls.env["customer.feedback.corrective.action"].create(
            {"problem": "CF other problem", "company_id": cls.company_a.id}
        )
        cls.previous = cls._create_ticket(title="CF previous ticket")

    def _fact_value(self, fname):
        """A value a cheater would write into ``fname``."""
        field = self.Ticket._fields[fname]
        if fname == "escalation_ids":
            return [Command.clear()]
        if fname == "corrective_action_id":
            return self.other_action.id
        if fname == "parent_ticket_id":
            return self.previous.id
        if field.type == "selection":
            return field.selection[0][0]
        return {
            "datetime": PAST,
            "boolean": True,
            "float": 0.99,
            "integer": 7,
            "char": "CF faked",
            "text": "CF faked",
            "many2one": self.cat_a.id,
        }[field.type]


@tagged("post_install", "-at_install")
class TestRecordedFactsRefused(RecordedFactsCommon):
    def setUp(self):
        super().setUp()
        self.ticket = self._ticket_in_state("in_progress", user_id=self.user_a.id)

    def test_table_names_real_fields(self):
        for fname in RECORDED_FACTS:
            self.assertIn(fname, self.Ticket._fields, fname)

    def test_user_writes_no_fact(self):
        as_user = self.ticket.with_user(self.user_a)
        as_user.write({"title": "CF renamed"})  # the ticket itself is theirs to work
        for fname in RECORDED_FACTS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                as_user.write({fname: self._fact_value(fname)})

    def test_user_writes_no_fact_over_rpc(self):
        """What JSON-RPC runs: ``call_kw`` as the user, whatever the views say."""
        model = self.Ticket.with_user(self.user_a)
        stolen = {
            "date_first_response": PAST, "date_resolved": PAST, "date_received": PAST,
            "confirmation_state": "accepted", "confirmation_note": "CF I am happy",
            "auto_kind": "other", "is_auto_classified": False, "classification_confidence": 1,
            "corrective_action_id": False, "response_on_time": True,
        }
        for fname, value in stolen.items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                call_kw(model, "write", [[self.ticket.id], {fname: value}], {})
        self.assertFalse(self.ticket.confirmation_state)
        self.assertNotEqual(self.ticket.date_received, PAST)

    def test_user_creates_no_fact(self):
        Ticket = self.Ticket.with_user(self.user_a)
        for fname in set(RECORDED_FACTS) - {"date_received"}:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                call_kw(Ticket, "create", [{
                    "title": "CF cheat", "partner_id": self.customer_noemail.id,
                    "department_id": self.dept_a.id, fname: self._fact_value(fname),
                }], {})
        self.assertFalse(self.Ticket.search([("title", "=", "CF cheat")]))

    def test_portal_and_employee_write_or_create_nothing(self):
        for user in (self.portal_user, self.plain_employee):
            for fname in ("date_first_response", "confirmation_state", "auto_kind"):
                value = self._fact_value(fname)
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(AccessError):
                        self.ticket.with_user(user).write({fname: value})
                    with self.assertRaises(AccessError):
                        self.Ticket.with_user(user).create({"title": "CF x", fname: value})

    def test_reception_date_at_creation(self):
        Ticket = self.Ticket.with_user(self.user_a)
        # feedback that came earlier, typed now
        hotline = Ticket.create({"title": "CF call of yesterday", "channel": "hotline",
                                 "date_received": PAST})
        self.assertEqual(hotline.date_received, PAST)
        # what the system receives, it dates itself
        with self.assertRaises(UserError):
            Ticket.create({"title": "CF mail", "channel": "email", "date_received": PAST})
        with self.assertRaises(UserError):
            Ticket.create({"title": "CF tomorrow", "channel": "hotline",
                           "date_received": fields.Datetime.now() + timedelta(days=1)})
        # and never changed afterwards by a user
        with self.assertRaises(AccessError):
            hotline.write({"date_received": PAST + timedelta(days=1)})

    def test_agent_records_the_answer_given_by_phone(self):
        """The buttons own the customer's answer: an agent records it, as the agent."""
        accepted = self._ticket_in_state("waiting", user_id=self.user_a.id)
        accepted.with_user(self.user_a).action_customer_accept(note="CF fine by phone")
        self.assertEqual((accepted.state, accepted.confirmation_state), ("closed", "accepted"))
        refused = self._ticket_in_state("waiting", user_id=self.user_a.id)
        wizard = self.env["customer.feedback.refuse.wizard"].with_user(self.user_a).create(
            {"ticket_ids": refused.ids, "reason": "CF still broken"}
        )
        wizard.action_confirm()
        self.assertEqual((refused.state, refused.confirmation_state), ("reopened", "refused"))
        self.assertEqual(refused.confirmation_note, "CF still broken")

    def test_user_duplicates_a_ticket(self):
        """Copying carries no recorded fact, so a user may still duplicate."""
        self.ticket.write({"date_received": PAST, "is_auto_classified": True,
                           "auto_kind": "complaint", "needs_review": True})
        copy = self.ticket.with_user(self.user_a).copy()
        self.assertFalse(copy.is_auto_classified or copy.needs_review or copy.auto_kind)
        self.assertNotEqual(copy.date_received, PAST)

    def test_owning_code_writes_as_the_user(self):
        """The user's own actions still record the facts they own."""
        ticket = self._ticket_in_state("assigned", user_id=self.user_a.id)
        ticket.with_user(self.user_a).action_start()
        self.assertTrue(ticket.date_first_response)
        other = self._ticket_in_state("classified")
        other.write({"department_id": self.dept_a.id, "user_id": self.user_a.id})
        other.with_user(self.user_a).message_post(
            body="CF we are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(other.date_first_response)


@tagged("post_install", "-at_install")
class TestCorrectiveActionGate(RecordedFactsCommon):
    def _escalated_and_resolved(self, kind="complaint"):
        ticket = self._ticket_in_state("in_progress", kind=kind, user_id=self.user_a.id)
        action = self._corrective_action()
        ticket.action_escalate_to(action)
        ticket.action_start()
        ticket.action_resolve()
        return ticket, action

    def test_kind_change_does_not_open_the_gate(self):
        ticket, _action = self._escalated_and_resolved()
        as_user = ticket.with_user(self.user_a)
        as_user.write({"kind": "other"})
        with self.assertRaises(UserError):
            as_user.action_close()
        with self.assertRaises(AccessError):
            as_user.action_close(force=True)
        self.assertEqual(ticket.state, "resolved")
        ticket.with_user(self.manager).action_force_close()
        self.assertEqual(ticket.state, "closed")

    def test_user_cannot_detach_the_corrective_action(self):
        ticket, action = self._escalated_and_resolved()
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_a).write({"corrective_action_id": False})
        self.assertEqual(ticket.corrective_action_id, action)


@tagged("post_install", "-at_install")
class TestManagerCorrections(RecordedFactsCommon):
    def setUp(self):
        super().setUp()
        self.ticket = self._ticket_in_state("in_progress")
        self.as_manager = self.ticket.with_user(self.manager)

    def _correction_notes(self):
        return self.ticket.message_ids.filtered(
            lambda m: "Recorded facts corrected by CF Manager" in (m.body or "")
        )

    def test_documented_corrections_are_allowed_and_noted(self):
        action = self._corrective_action()
        self.ticket.action_escalate_to(action)
        self.as_manager.write({"date_received": PAST})
        self.as_manager.write({"needs_review": True})
        self.as_manager.write({"parent_ticket_id": self.previous.id})
        self.as_manager.write({"corrective_action_id": False})
        self.assertEqual(self.ticket.date_received, PAST)
        self.assertEqual(self.ticket.parent_ticket_id, self.previous)
        self.assertFalse(self.ticket.corrective_action_id)
        notes = self._correction_notes()
        self.assertEqual(len(notes), 4, "one note per correction")
        bodies = " ".join(notes.mapped("body"))
        self.assertIn("Received On", bodies)
        self.assertIn("→", bodies)
        self.assertIn(self.previous.display_name, bodies)
        self.assertIn(f"{action.name} → (empty)", bodies, "the detached action is named")

    def test_other_facts_stay_closed_to_managers(self):
        for fname, who in RECORDED_FACTS.items():
            if who == MANAGER:
                continue
            value = self._fact_value(fname)
            if who == MANAGER_DETACH:
                value = self.other_action.id  # only detaching is a correction
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.as_manager.write({fname: value})
        self.assertFalse(self._correction_notes())

    def test_manager_reception_date_not_in_future(self):
        with self.assertRaises(UserError):
            self.as_manager.write({"date_received": fields.Datetime.now() + timedelta(days=2)})


@tagged("post_install", "-at_install")
class TestCorrectiveActionStates(RecordedFactsCommon):
    def setUp(self):
        super().setUp()
        self.action = self._corrective_action()
        self.as_manager = self.action.with_user(self.manager)

    def _ready_for_verification(self):
        self.as_manager.write({"root_cause": "<p>Bad batch</p>",
                               "corrective_action": "<p>Recall</p>"})
        self.as_manager.action_start()
        self.as_manager.action_verify()

    def test_state_is_not_written_over_rpc(self):
        for vals in ({"state": "done"}, {"date_done": PAST}, {"verified_by_id": self.manager.id}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                call_kw(self.action.with_user(self.manager), "write", [self.action.ids, vals], {})
        with self.assertRaises(AccessError):
            call_kw(self.env["customer.feedback.corrective.action"].with_user(self.manager),
                    "create", [{"problem": "CF born done", "state": "done"}], {})
        self.assertEqual(self.action.state, "draft")

    def test_transitions_follow_the_table(self):
        with self.assertRaises(UserError):
            self.as_manager.action_done()  # from draft
        self._ready_for_verification()
        self.assertEqual(self.action.state, "verification")
        with self.assertRaises(UserError):
            self.as_manager.action_start()

    def test_done_records_the_verification(self):
        self._ready_for_verification()
        with self.assertRaises(UserError):
            self.as_manager.action_done()  # no verification written
        self.as_manager.write({"verification": "<p>Checked 20 parts: all good</p>"})
        with self.assertRaises(AccessError):
            self.action.with_user(self.user_a).action_done()
        self.as_manager.action_done()
        self.assertEqual(self.action.state, "done")
        self.assertEqual(self.action.verified_by_id, self.manager)
        self.assertTrue(self.action.date_verified)
        self.assertTrue(self.action.date_done)

    def test_escalation_records_are_the_crons(self):
        ticket = self._ticket_in_state("in_progress")
        Escalation = self.env["customer.feedback.escalation"]
        for user in (self.user_a, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Escalation.with_user(user).create({"ticket_id": ticket.id})
                with self.assertRaises(AccessError):
                    ticket.escalation_ids.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    ticket.with_user(user).write(
                        {"escalation_ids": [Command.update(ticket.escalation_ids.id,
                                                           {"response_level": 2})]}
                    )
        self.assertEqual(ticket.escalation_ids.response_level, 0)


@tagged("post_install", "-at_install")
class TestRecordedFactsFromTheWeb(RequiresHttpServer, HttpCase, RecordedFactsCommon):
    """The superuser paths of the portal and the public form take no fact
    from what the visitor posts."""

    FORGED = {
        "date_first_response": "2026-01-05 08:00:00",
        "date_received": "2020-01-01 00:00:00",
        "confirmation_state": "accepted",
        "auto_kind": "praise",
        "is_auto_classified": "",
        "needs_review": "1",
        "corrective_action_id": "1",
        "state": "closed",
    }

    def _assert_not_forged(self, ticket):
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.date_first_response)
        self.assertGreater(ticket.date_received, datetime(2025, 1, 1))
        self.assertFalse(ticket.confirmation_state)
        self.assertFalse(ticket.needs_review)
        self.assertFalse(ticket.corrective_action_id)
        self.assertNotEqual(ticket.state, "closed")

    def test_portal_new_feedback(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.url_open("/my/feedback/new", data={
            "csrf_token": http.Request.csrf_token(self), "kind": "suggestion",
            "title": "CF forged portal", "description": "CF please", **self.FORGED,
        })
        self._assert_not_forged(self.Ticket.search([("title", "=", "CF forged portal")]))

    def test_public_form(self):
        self.authenticate(None, None)
        page = self.url_open("/feedback")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        self.url_open("/feedback", data={
            "csrf_token": token, "name": "CF Forger", "email": "forger@cf-web.example.com",
            "kind": "complaint", "message": "CF forged public form message", **self.FORGED,
        })
        ticket = self.Ticket.search([("partner_email", "=", "forger@cf-web.example.com")])
        self._assert_not_forged(ticket)
        self.assertTrue(ticket.is_auto_classified, "classified by the form itself")
