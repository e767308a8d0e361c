from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from odoo.addons.customer_feedback.models.customer_feedback_ticket import STATES
from odoo.addons.customer_feedback.models.customer_feedback_ticket_workflow import (
    STATE_STAMPS,
    TRANSITIONS,
)

from .common import FeedbackCommon

ALL_STATES = [state for state, _label in STATES]
NOW = datetime(2026, 3, 10, 9, 30, 0)


@tagged("post_install", "-at_install")
class TestWorkflowTable(FeedbackCommon):
    """Every action of the TRANSITIONS table, from every state."""

    def _run(self, ticket, action):
        """Call the public method behind ``action``."""
        if action == "escalate":
            return ticket.action_escalate_to(self._corrective_action())
        if action == "cancel":
            return ticket.action_cancel_with_reason("Customer withdrew")
        return getattr(ticket, f"action_{action}")()

    def test_table_covers_every_state(self):
        for action, (sources, target) in TRANSITIONS.items():
            self.assertTrue(sources <= set(ALL_STATES), action)
            self.assertIn(target, ALL_STATES, action)
        # Every state but "new" can be left and every state reached.
        self.assertEqual(set(ALL_STATES), set().union(*(s for s, _t in TRANSITIONS.values())))

    def test_every_transition_from_table(self):
        for action, (sources, target) in TRANSITIONS.items():
            for state in ALL_STATES:
                with self.subTest(action=action, state=state):
                    ticket = self._ticket_in_state(state)
                    if state in sources:
                        self._run(ticket, action)
                        expected = target
                        if action == "resolve":
                            # no customer email: no confirmation asked
                            expected = "resolved"
                        self.assertEqual(ticket.state, expected)
                        stamp = STATE_STAMPS.get(target)
                        if stamp:
                            self.assertTrue(ticket[stamp], f"{stamp} not set by {action}")
                    else:
                        with self.assertRaises(UserError):
                            self._run(ticket, action)
                        self.assertEqual(ticket.state, state)

    def test_allowed_actions_follow_table(self):
        ticket = self._ticket_in_state("in_progress")
        self.assertEqual(
            set(ticket._allowed_actions()),
            {a for a, (sources, _t) in TRANSITIONS.items() if "in_progress" in sources},
        )
        self.assertEqual(set(ticket._allowed_actions()), {"resolve", "escalate", "cancel"})


@tagged("post_install", "-at_install")
class TestWorkflow(FeedbackCommon):
    # ------------------------------------------------------------------
    # Explicit cases
    # ------------------------------------------------------------------

    def test_full_happy_path(self):
        with freeze_time(NOW):
            ticket = self._create_ticket(department_id=False, date_received=NOW)
            self.assertEqual(ticket.state, "new")
            ticket.category_id = self.cat_a
            ticket.action_classify()
            self.assertEqual(ticket.state, "classified")
            ticket.department_id = self.dept_a
            ticket.action_assign()
            self.assertEqual(ticket.state, "assigned")
            ticket.user_id = self.user_a
            ticket.action_start()
            self.assertEqual(ticket.state, "in_progress")
            ticket.resolution = "<p>We replaced it.</p>"
            ticket.action_resolve()
            self.assertEqual(ticket.state, "resolved")
            ticket.action_close()
            self.assertEqual(ticket.state, "closed")
            ticket.action_reopen(reason="Still broken")
            self.assertEqual(ticket.state, "reopened")
            self.assertFalse(ticket.date_resolved, "reopening forgets the resolution date")

    def test_explicit_refusals(self):
        new = self._ticket_in_state("new")
        with self.assertRaises(UserError):
            new.action_start()
        with self.assertRaises(UserError):
            new.action_resolve()
        with self.assertRaises(UserError):
            new.action_close()
        closed = self._ticket_in_state("closed")
        with self.assertRaises(UserError):
            closed.action_cancel_with_reason("too late")
        with self.assertRaises(UserError):
            closed.action_classify()
        cancelled = self._ticket_in_state("cancelled")
        with self.assertRaises(UserError):
            cancelled.action_reopen()
        cancelled.action_reset()
        self.assertEqual(cancelled.state, "new")
        self.assertFalse(cancelled.cancel_reason)

    def test_mixed_batch_refused_as_a_whole(self):
        ok = self._ticket_in_state("assigned")
        wrong = self._ticket_in_state("closed")
        with self.assertRaises(UserError):
            (ok + wrong).action_start()
        self.assertEqual(ok.state, "assigned")
        self.assertEqual(wrong.state, "closed")

    # ------------------------------------------------------------------
    # Preconditions
    # ------------------------------------------------------------------

    def test_no_classify_without_category(self):
        ticket = self._create_ticket(department_id=False)
        self.assertEqual(ticket.state, "new")
        with self.assertRaises(UserError):
            ticket.action_classify()
        self.assertEqual(ticket.state, "new")
        ticket.category_id = self.cat_a
        ticket.action_classify()
        self.assertEqual(ticket.state, "classified")

    def test_no_assign_without_department(self):
        ticket = self._create_ticket(category_id=self.cat_a.id, department_id=False)
        self.assertEqual(ticket.state, "classified")
        with self.assertRaises(UserError):
            ticket.action_assign()
        self.assertEqual(ticket.state, "classified")

    def test_no_start_without_assignee(self):
        ticket = self._create_ticket(category_id=self.cat_a.id)
        self.assertEqual(ticket.state, "assigned")
        ticket.user_id = False
        with self.assertRaises(UserError):
            ticket.action_start()
        self.assertEqual(ticket.state, "assigned")

    def test_no_resolve_without_resolution(self):
        ticket = self._ticket_in_state("in_progress")
        for empty in (False, "<p><br></p>", "<p></p>"):
            ticket.resolution = empty
            with self.assertRaises(UserError):
                ticket.action_resolve()
            self.assertEqual(ticket.state, "in_progress")

    def test_no_cancel_without_reason(self):
        ticket = self._ticket_in_state("assigned")
        for empty in ("", "   "):
            with self.assertRaises(UserError):
                ticket.action_cancel_with_reason(empty)
        ticket.cancel_reason = False
        with self.assertRaises(UserError):
            ticket._apply_transition("cancel")
        self.assertEqual(ticket.state, "assigned")

    def test_cancel_wizard_keeps_reason(self):
        ticket = self._ticket_in_state("assigned")
        wizard = self.env["customer.feedback.cancel.wizard"].with_context(
            active_ids=ticket.ids
        ).create({"reason": "Spam call"})
        wizard.action_confirm()
        self.assertEqual(ticket.state, "cancelled")
        self.assertEqual(ticket.cancel_reason, "Spam call")
        self.assertTrue(ticket.date_cancelled)

    def _complaint_with_open_action(self):
        ticket = self._ticket_in_state("in_progress", kind="complaint")
        action = self._corrective_action()
        ticket.action_escalate_to(action)
        ticket.action_start()
        ticket.action_resolve()
        self.assertEqual(ticket.state, "resolved")
        return ticket, action

    def test_no_close_complaint_with_open_corrective_action(self):
        ticket, action = self._complaint_with_open_action()
        with self.assertRaises(UserError):
            ticket.action_close()
        self.assertEqual(ticket.state, "resolved")
        # A done corrective action no longer blocks.
        action.write({"root_cause": "<p>Bad batch</p>", "corrective_action": "<p>Recall</p>",
                      "verification": "<p>Checked</p>"})
        action.action_verify()
        action.action_done()
        ticket.action_close()
        self.assertEqual(ticket.state, "closed")

    def test_manager_forces_close(self):
        ticket, _action = self._complaint_with_open_action()
        ticket.with_user(self.manager).action_force_close()
        self.assertEqual(ticket.state, "closed")

    def test_non_manager_force_close_denied(self):
        ticket, _action = self._complaint_with_open_action()
        ticket_as_user = ticket.with_user(self.user_a)
        with self.assertRaises(AccessError):
            ticket_as_user.action_force_close()
        with self.assertRaises(AccessError):
            ticket_as_user.action_close(force=True)
        self.assertEqual(ticket.state, "resolved")

    def test_force_needed_whatever_the_kind(self):
        """Issue 13: the kind can be changed, so it cannot open the gate."""
        ticket = self._ticket_in_state("in_progress", kind="suggestion")
        ticket.action_escalate_to(self._corrective_action())
        ticket.action_start()
        ticket.action_resolve()
        with self.assertRaises(UserError):
            ticket.with_user(self.user_a).action_close()
        ticket.with_user(self.manager).action_force_close()
        self.assertEqual(ticket.state, "closed")

    # ------------------------------------------------------------------
    # Time stamps
    # ------------------------------------------------------------------

    def test_time_stamps(self):
        with freeze_time("2026-03-10 08:00:00"):
            ticket = self._create_ticket(department_id=False)
            self.assertFalse(ticket.date_classified)
            ticket.category_id = self.cat_a
            ticket.department_id = False
        with freeze_time("2026-03-10 08:05:00"):
            ticket.action_classify()
        with freeze_time("2026-03-10 08:10:00"):
            ticket.department_id = self.dept_a
            ticket.action_assign()
        with freeze_time("2026-03-10 08:20:00"):
            ticket.user_id = self.user_a
            ticket.action_start()
        with freeze_time("2026-03-10 09:00:00"):
            ticket.resolution = "<p>Answer</p>"
            ticket.action_resolve()
        with freeze_time("2026-03-10 09:30:00"):
            ticket.action_request_confirmation()
        with freeze_time("2026-03-10 10:00:00"):
            ticket.action_close()
        self.assertEqual(ticket.date_classified, datetime(2026, 3, 10, 8, 5))
        self.assertEqual(ticket.date_assigned, datetime(2026, 3, 10, 8, 10))
        self.assertEqual(ticket.date_in_progress, datetime(2026, 3, 10, 8, 20))
        self.assertEqual(ticket.date_first_response, datetime(2026, 3, 10, 8, 20))
        self.assertEqual(ticket.date_resolved, datetime(2026, 3, 10, 9, 0))
        self.assertEqual(ticket.date_waiting, datetime(2026, 3, 10, 9, 30))
        self.assertEqual(ticket.date_closed, datetime(2026, 3, 10, 10, 0))
        with freeze_time("2026-03-11 10:00:00"):
            ticket.action_reopen()
        self.assertEqual(ticket.date_reopened, datetime(2026, 3, 11, 10, 0))
        with freeze_time("2026-03-11 11:00:00"):
            ticket.action_escalate_to(self._corrective_action())
        self.assertEqual(ticket.date_escalated, datetime(2026, 3, 11, 11, 0))
        with freeze_time("2026-03-11 12:00:00"):
            ticket.action_cancel_with_reason("Merged")
        self.assertEqual(ticket.date_cancelled, datetime(2026, 3, 11, 12, 0))

    def test_start_keeps_earlier_first_response(self):
        with freeze_time("2026-03-10 08:00:00"):
            ticket = self._create_ticket(category_id=self.cat_a.id)
            ticket.date_first_response = datetime(2026, 3, 10, 7, 0)
        with freeze_time("2026-03-10 12:00:00"):
            ticket.action_start()
        self.assertEqual(ticket.date_first_response, datetime(2026, 3, 10, 7, 0))

    # ------------------------------------------------------------------
    # Tracking
    # ------------------------------------------------------------------

    def test_state_change_tracked_in_chatter(self):
        ticket = self._create_ticket(category_id=self.cat_a.id)
        self.flush_tracking()
        before = ticket.message_ids
        ticket.action_start()
        self.flush_tracking()
        new_messages = ticket.message_ids - before
        tracking = new_messages.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "state"
        )
        self.assertEqual(len(tracking), 1, "one tracking value for the state change")
        self.assertEqual(tracking.old_value_char, "Assigned")
        self.assertEqual(tracking.new_value_char, "In Progress")

    def test_resolved_state_uses_resolved_subtype(self):
        ticket = self._ticket_in_state("in_progress")
        self.flush_tracking()
        before = ticket.message_ids
        ticket.action_resolve()
        self.flush_tracking()
        new_messages = ticket.message_ids - before
        tracked = new_messages.filtered(
            lambda m: "state" in m.tracking_value_ids.field_id.mapped("name")
        )
        self.assertEqual(tracked.subtype_id, self.env.ref("customer_feedback.mt_ticket_resolved"))

    # ------------------------------------------------------------------
    # The state cannot be written directly
    # ------------------------------------------------------------------

    def test_write_state_refused(self):
        ticket = self._ticket_in_state("assigned")
        with self.assertRaises(UserError):
            ticket.write({"state": "closed"})
        with self.assertRaises(UserError):
            ticket.with_user(self.manager).write({"state": "closed"})
        with self.assertRaises(UserError):
            ticket.sudo().write({"state": "in_progress"})
        self.assertEqual(ticket.state, "assigned")

    def test_write_state_forged_context_refused(self):
        ticket = self._ticket_in_state("assigned")
        for forged in (True, 1, "1", object()):
            with self.assertRaises(UserError):
                ticket.with_context(feedback_transition=forged).write({"state": "closed"})
        self.assertEqual(ticket.state, "assigned")

    def test_write_other_fields_allowed(self):
        ticket = self._ticket_in_state("assigned")
        ticket.with_user(self.user_a).write({"title": "Renamed"})
        self.assertEqual(ticket.title, "Renamed")

    def test_create_with_state_refused(self):
        for state in ALL_STATES:
            if state == "new":
                continue
            with self.subTest(state=state), self.assertRaises(UserError):
                self._create_ticket(state=state)
        # in a batch, one bad value refuses everything
        count = self.Ticket.search_count([("title", "=", "CF batch create")])
        with self.assertRaises(UserError):
            self.Ticket.create([
                {"title": "CF batch create"},
                {"title": "CF batch create", "state": "closed"},
            ])
        self.assertEqual(self.Ticket.search_count([("title", "=", "CF batch create")]), count)
        ticket = self._create_ticket(state="new", department_id=False)
        self.assertEqual(ticket.state, "new")

    def test_copy_starts_new(self):
        ticket = self._ticket_in_state("closed")
        copy = ticket.copy()
        self.assertNotEqual(copy.state, "closed")
        self.assertFalse(copy.date_closed)
        self.assertNotEqual(copy.name, ticket.name)
