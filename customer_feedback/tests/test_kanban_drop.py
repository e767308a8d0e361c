"""A card dropped on a kanban column: the web client writes the state alone
(``web_save``); the ticket runs the action leading there, with its checks,
or refuses with the state machine's message. Never a silent no-op."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestKanbanDrop(FeedbackCommon):
    def _drop(self, ticket, state):
        """What the kanban sends when a card is dropped on ``state``'s column."""
        return ticket.with_user(self.user_a).web_save(
            {"state": state}, specification={"state": {}, "date_first_response": {}}
        )

    def test_drop_runs_the_transition(self):
        ticket = self._ticket_in_state("assigned")
        self.assertFalse(ticket.date_first_response)
        result = self._drop(ticket, "in_progress")
        self.assertEqual(ticket.state, "in_progress")
        self.assertEqual(result[0]["state"], "in_progress")
        # action_start ran, not a bare write: the first response is stamped
        self.assertTrue(ticket.date_first_response)
        self.assertTrue(ticket.date_in_progress)

    def test_drop_runs_the_checks(self):
        ticket = self._ticket_in_state("assigned")
        ticket.user_id = False
        with self.assertRaisesRegex(UserError, "Assign somebody before starting"):
            self._drop(ticket, "in_progress")
        self.assertEqual(ticket.state, "assigned")

        ticket = self._ticket_in_state("in_progress")
        ticket.resolution = False
        with self.assertRaisesRegex(UserError, "Write the resolution before resolving"):
            self._drop(ticket, "resolved")
        self.assertEqual(ticket.state, "in_progress")

    def test_drop_on_closed_obeys_the_corrective_action_gate(self):
        ticket = self._ticket_in_state("resolved")
        ticket.corrective_action_id = self._corrective_action()
        with self.assertRaisesRegex(UserError, "corrective action of .* is still open"):
            self._drop(ticket, "closed")
        self.assertEqual(ticket.state, "resolved")

    def test_drop_to_reopen_and_reset(self):
        ticket = self._ticket_in_state("closed")
        self._drop(ticket, "reopened")
        self.assertEqual(ticket.state, "reopened")
        cancelled = self._ticket_in_state("cancelled")
        self._drop(cancelled, "new")
        self.assertEqual(cancelled.state, "new")
        self.assertFalse(cancelled.cancel_reason)

    def test_refused_drop_says_what_the_state_machine_says(self):
        ticket = self._ticket_in_state("new")
        with self.assertRaises(UserError) as direct:
            ticket.with_user(self.user_a).action_resolve()
        with self.assertRaises(UserError) as dropped:
            self._drop(ticket, "resolved")
        self.assertEqual(str(dropped.exception), str(direct.exception))
        self.assertIn("Resolve is not allowed for", str(dropped.exception))
        self.assertIn("in state New", str(dropped.exception))
        self.assertEqual(ticket.state, "new")

    def test_drop_needing_a_wizard(self):
        ticket = self._ticket_in_state("in_progress")
        with self.assertRaisesRegex(UserError, "Use the Cancel button: a reason is needed"):
            self._drop(ticket, "cancelled")
        with self.assertRaisesRegex(UserError, "Use the Escalate button"):
            self._drop(ticket, "escalated")
        self.assertEqual(ticket.state, "in_progress")
        # where the action is not allowed at all, the state machine answers
        closed = self._ticket_in_state("closed")
        with self.assertRaisesRegex(UserError, "Cancel is not allowed for .* in state Closed"):
            self._drop(closed, "cancelled")
        self.assertEqual(closed.state, "closed")

    def test_state_with_other_values_still_refused(self):
        ticket = self._ticket_in_state("assigned")
        with self.assertRaisesRegex(UserError, "never by editing it"):
            ticket.with_user(self.user_a).write({"state": "in_progress", "title": "Sneaky"})
        # code calls the actions: a superuser write of the state is refused
        with self.assertRaisesRegex(UserError, "never by editing it"):
            ticket.sudo().write({"state": "in_progress"})
        self.assertEqual(ticket.state, "assigned")

    def test_no_such_state(self):
        ticket = self._ticket_in_state("assigned")
        with self.assertRaises(UserError):
            ticket.with_user(self.user_a).write({"state": "nowhere"})
        self.assertEqual(ticket.state, "assigned")

    def test_portal_user_cannot_drop(self):
        ticket = self._ticket_in_state("assigned", partner_id=self.customer_portal.id)
        with self.assertRaises(Exception) as refused:
            ticket.with_user(self.portal_user).write({"state": "in_progress"})
        self.assertIsInstance(refused.exception, (AccessError, UserError))
        self.assertEqual(ticket.state, "assigned")
