"""Shared fixtures of the customer_feedback tests.

Everything the tests rely on is created here, so that they do not depend on
demo data: two companies, users of every group, departments (with their
leaders, members, calendars and the fallback of each company), a category
tree, priority levels with known deadlines, care segments and customers.

The priority levels and the fallback departments shipped as data are
neutralised inside the test transaction (archived / no longer fallback) so
that routing only sees the records below.
"""

import unittest

from odoo import Command
from odoo.service import server
from odoo.tests.common import TransactionCase, new_test_user


class FeedbackCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env

        # ------------------------------------------------------------
        # Companies
        # ------------------------------------------------------------
        cls.company_a = env.ref("base.main_company")
        cls.company_a.write({
            "feedback_confirmation_days": 7,
            "feedback_escalation_delay_hours": 24.0,
            "feedback_send_acknowledgement": True,
        })
        cls.company_b = env["res.company"].create({
            "name": "CF Second Company",
            "feedback_confirmation_days": 3,
            "feedback_escalation_delay_hours": 12.0,
        })

        # ------------------------------------------------------------
        # Users
        # ------------------------------------------------------------
        user_groups = "base.group_user,customer_feedback.group_feedback_user"
        company_a_vals = {
            "company_id": cls.company_a.id,
            "company_ids": [Command.set(cls.company_a.ids)],
        }
        cls.user_a = new_test_user(
            env, "cf_user_a", groups=user_groups, name="CF User A",
            email="cf.user.a@example.com", **company_a_vals,
        )
        cls.user_a2 = new_test_user(
            env, "cf_user_a2", groups=user_groups, name="CF User A2",
            email="cf.user.a2@example.com", **company_a_vals,
        )
        cls.leader_a = new_test_user(
            env, "cf_leader_a", groups=user_groups, name="CF Leader A",
            email="cf.leader.a@example.com", **company_a_vals,
        )
        cls.user_b = new_test_user(
            env, "cf_user_b", groups=user_groups, name="CF User B",
            email="cf.user.b@example.com", **company_a_vals,
        )
        cls.leader_fallback = new_test_user(
            env, "cf_leader_fb", groups=user_groups, name="CF Leader Fallback",
            email="cf.leader.fb@example.com", **company_a_vals,
        )
        cls.manager = new_test_user(
            env, "cf_manager",
            groups="base.group_user,customer_feedback.group_feedback_manager",
            name="CF Manager", email="cf.manager@example.com", **company_a_vals,
        )
        cls.user_company_b = new_test_user(
            env, "cf_user_cb", groups=user_groups, name="CF User Company B",
            email="cf.user.cb@example.com",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_b = new_test_user(
            env, "cf_manager_cb",
            groups="base.group_user,customer_feedback.group_feedback_manager",
            name="CF Manager Company B", email="cf.manager.cb@example.com",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.portal_user = new_test_user(
            env, "cf_portal", groups="base.group_portal", name="CF Portal Customer",
            email="cf.portal@example.com", **company_a_vals,
        )
        cls.plain_employee = new_test_user(
            env, "cf_employee", groups="base.group_user", name="CF Employee",
            email="cf.employee@example.com", **company_a_vals,
        )

        # ------------------------------------------------------------
        # Priority levels: only ours are active during the tests
        # ------------------------------------------------------------
        Priority = env["customer.feedback.priority"]
        Priority.search([]).write({"active": False})
        cls.prio_urgent, cls.prio_normal, cls.prio_low = Priority.create([
            {"name": "CF Urgent", "sequence": 1, "response_hours": 2,
             "resolution_hours": 8, "use_working_hours": False},
            {"name": "CF Normal", "sequence": 2, "response_hours": 8,
             "resolution_hours": 24, "use_working_hours": False},
            {"name": "CF Low", "sequence": 3, "response_hours": 24,
             "resolution_hours": 72, "use_working_hours": False},
        ])

        # ------------------------------------------------------------
        # Departments: A, B and a fallback per company
        # ------------------------------------------------------------
        Department = env["customer.feedback.department"]
        Department.search([("is_fallback", "=", True)]).write({"is_fallback": False})
        Department.flush_model()  # before the unique index sees our fallbacks
        cls.dept_a = Department.create({
            "name": "CF Department A",
            "company_id": cls.company_a.id,
            "leader_id": cls.leader_a.id,
            "member_ids": [Command.set((cls.user_a + cls.user_a2).ids)],
            "assignment_method": "leader",
        })
        cls.dept_b = Department.create({
            "name": "CF Department B",
            "company_id": cls.company_a.id,
            "leader_id": cls.user_b.id,
            "member_ids": [Command.set(cls.user_b.ids)],
        })
        cls.dept_fallback = Department.create({
            "name": "CF Fallback A",
            "company_id": cls.company_a.id,
            "leader_id": cls.leader_fallback.id,
            "is_fallback": True,
        })
        cls.dept_fallback_b = Department.create({
            "name": "CF Fallback B",
            "company_id": cls.company_b.id,
            "leader_id": cls.user_company_b.id,
            "member_ids": [Command.set(cls.user_company_b.ids)],
            "is_fallback": True,
        })

        # ------------------------------------------------------------
        # Categories
        # ------------------------------------------------------------
        Category = env["customer.feedback.category"]
        company_a = cls.company_a.id
        cls.cat_a = Category.create({
            "name": "CF Product A", "department_id": cls.dept_a.id, "company_id": company_a,
        })
        cls.cat_a_child = Category.create({
            "name": "CF Product A Spare", "parent_id": cls.cat_a.id, "company_id": company_a,
        })
        cls.cat_b = Category.create({
            "name": "CF Service B", "department_id": cls.dept_b.id, "company_id": company_a,
        })
        # shared between companies, no department: goes to each company's fallback
        cls.cat_orphan = Category.create({"name": "CF Misc", "company_id": False})
        cls.cat_low = Category.create({
            "name": "CF Brochure", "department_id": cls.dept_a.id, "company_id": company_a,
            "priority_id": cls.prio_low.id,
        })

        # ------------------------------------------------------------
        # Segments and customers
        # ------------------------------------------------------------
        Segment = env["customer.feedback.segment"]
        cls.segment_key = Segment.create({"name": "CF Key Account", "raise_priority": True})
        cls.segment_plain = Segment.create({"name": "CF Plain", "raise_priority": False})

        Partner = env["res.partner"]
        cls.customer_company = Partner.create({
            "name": "CF Customer Co", "is_company": True,
            "email": "contact@cf-customer.example.com",
        })
        cls.customer_contact = Partner.create({
            "name": "CF Customer Contact", "parent_id": cls.customer_company.id,
            "email": "nguyen.an@cf-customer.example.com", "phone": "+84 901 234 567",
        })
        cls.customer_noemail = Partner.create({"name": "CF No Email Customer"})
        cls.customer_key = Partner.create({
            "name": "CF Key Customer", "is_company": True, "email": "key@cf-key.example.com",
            "feedback_segment_id": cls.segment_key.id,
        })
        cls.customer_portal = cls.portal_user.partner_id
        cls.customer_b = Partner.create({
            "name": "CF Customer Of B", "email": "customer@cf-b.example.com",
            "company_id": cls.company_b.id,
        })

        cls.Ticket = env["customer.feedback.ticket"]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @classmethod
    def _create_ticket(cls, env=None, **values):
        vals = {"title": "CF ticket", "kind": "other", "partner_id": cls.customer_noemail.id}
        vals.update(values)
        return (env or cls.env)["customer.feedback.ticket"].create(vals)

    def flush_tracking(self):
        """Create the pending tracking messages (done at flush / precommit)."""
        self.env.flush_all()
        self.env.cr.flush()

    def _ticket_in_state(self, state, **values):
        """A ticket brought to ``state`` through the workflow actions.

        Every precondition of the actions that may follow is filled in
        (category, department, assignee, resolution, cancel reason), so that
        the only reason an action can be refused is the state.
        """
        if state == "new":
            ticket = self._create_ticket(**{"department_id": False, **values})
        elif state == "classified":
            ticket = self._create_ticket(
                **{"category_id": self.cat_a.id, "department_id": False, **values}
            )
        elif state == "assigned":
            ticket = self._create_ticket(**{"category_id": self.cat_a.id, **values})
        elif state == "in_progress":
            ticket = self._ticket_in_state("assigned", **values)
            ticket.action_start()
        elif state == "resolved":
            ticket = self._ticket_in_state("in_progress", **values)
            ticket.resolution = "<p>Replaced the part.</p>"
            ticket.action_resolve()
        elif state == "waiting":
            ticket = self._ticket_in_state("resolved", **values)
            ticket.action_request_confirmation()
        elif state == "closed":
            ticket = self._ticket_in_state("resolved", **values)
            ticket.action_close()
        elif state == "reopened":
            ticket = self._ticket_in_state("closed", **values)
            ticket.action_reopen()
        elif state == "escalated":
            ticket = self._ticket_in_state("in_progress", **values)
            ticket.action_escalate_to(self._corrective_action())
        elif state == "cancelled":
            ticket = self._ticket_in_state("new", **values)
            ticket.action_cancel_with_reason("Duplicate")
        else:
            raise ValueError(state)
        self.assertEqual(ticket.state, state, "fixture could not reach the state")
        # Satisfy every precondition so that only the state decides.
        ticket.write({
            "category_id": ticket.category_id.id or self.cat_a.id,
            "department_id": ticket.department_id.id or self.dept_a.id,
            "user_id": ticket.user_id.id or self.user_a.id,
            "resolution": ticket.resolution or "<p>Done.</p>",
            "cancel_reason": ticket.cancel_reason or "Customer withdrew",
        })
        return ticket

    def _corrective_action(self, **values):
        vals = {"problem": "CF batch of faulty parts", "company_id": self.company_a.id}
        vals.update(values)
        return self.env["customer.feedback.corrective.action"].create(vals)


class RequiresHttpServer:
    """Mixin (first among the bases) for HttpCase classes that make real
    requests: skipped, with the reason, when Odoo's HTTP server is not
    running (pytest without --odoo-http)."""

    @classmethod
    def setUpClass(cls):
        if not server.server:
            raise unittest.SkipTest(
                "the Odoo HTTP server is not running: run pytest with --odoo-http"
            )
        super().setUpClass()
