import importlib.util
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_path

from odoo.addons.customer_feedback.tests.test_satisfaction import SatisfactionCommon

RECEIVED = datetime(2026, 1, 5, 8, 0)


@tagged("post_install", "-at_install")
class TestFeedbackReportView(SatisfactionCommon):
    """The statistics view: one row per ticket, measures computed by SQL.

    Priority "CF Normal": response within 8 hours, resolution within 24 hours
    (calendar hours).
    """

    def setUp(self):
        super().setUp()
        self.Report = self.env["customer.feedback.report"]
        # Department A: answered in 2 h (on time), resolved in 30 h (late),
        # two questionnaires (overall 5/5 and 4/5, NPS 10 and 3).
        self.ticket_a = self._resolved_ticket(self.cat_a, response=2, resolution=30)
        for overall, nps in ((5, 10), (4, 3)):
            self._answer(self._new_satisfaction(ticket=self.ticket_a), overall=overall, nps=nps)
        # Department B: answered in 12 h (late), resolved in 12 h (on time),
        # rated "Okay" (3) with the one-click rating of the closing email.
        self.ticket_b = self._resolved_ticket(self.cat_b, response=12, resolution=12)
        self.ticket_b.rating_apply(3, token=self.ticket_b._rating_get_access_token())
        # Department A, still assigned long after both deadlines, never answered.
        self.ticket_late = self._ticket_in_state("assigned", category_id=self.cat_a.id)
        self.ticket_late.write({"priority_id": self.prio_normal.id, "date_received": RECEIVED})
        # Department A, just received: nothing can be judged yet.
        self.ticket_fresh = self._ticket_in_state("assigned", category_id=self.cat_a.id)
        self.ticket_fresh.priority_id = self.prio_normal
        self.tickets = self.ticket_a + self.ticket_b + self.ticket_late + self.ticket_fresh
        self._refresh()

    def _refresh(self):
        """Write the pending changes and forget what was read: the view reads the tables."""
        self.env.flush_all()
        self.env.invalidate_all()

    def _resolved_ticket(self, category, response, resolution):
        ticket = self._ticket_in_state("resolved", category_id=category.id)
        ticket.write({
            "priority_id": self.prio_normal.id,
            "date_received": RECEIVED,
            "date_first_response": RECEIVED + timedelta(hours=response),
            "date_resolved": RECEIVED + timedelta(hours=resolution),
        })
        return ticket

    def _row(self, ticket, env=None):
        return (env or self.env)["customer.feedback.report"].search([("ticket_id", "=", ticket.id)])

    def _visible_tickets(self, user):
        rows = self.Report.with_user(user).search([("ticket_id", "in", self.tickets.ids)])
        return rows.ticket_id

    def test_one_row_per_ticket_with_dimensions(self):
        rows = self.Report.search([("ticket_id", "in", self.tickets.ids)])
        self.assertEqual(rows.ticket_id, self.tickets)
        self.assertEqual(sum(rows.mapped("nbr")), 4)
        row = self._row(self.ticket_a)
        self.assertEqual(row.name, self.ticket_a.name)
        self.assertEqual(row.date_received, RECEIVED)
        self.assertEqual(row.department_id, self.dept_a)
        self.assertEqual(row.category_id, self.cat_a)
        self.assertEqual(row.priority_id, self.prio_normal)
        self.assertEqual(row.state, "resolved")
        self.assertEqual(row.kind, self.ticket_a.kind)
        self.assertEqual(row.channel, self.ticket_a.channel)
        self.assertEqual(row.user_id, self.ticket_a.user_id)
        self.assertEqual(row.partner_id, self.customer_noemail)
        self.assertEqual(row.commercial_partner_id, self.customer_noemail)
        self.assertEqual(row.company_id, self.company_a)

    def test_times_and_deadline_compliance(self):
        row_a, row_b = self._row(self.ticket_a), self._row(self.ticket_b)
        self.assertAlmostEqual(row_a.response_hours, 2.0)
        self.assertAlmostEqual(row_a.resolution_hours, 30.0)
        self.assertEqual((row_a.response_compliance, row_a.resolution_compliance), (100.0, 0.0))
        self.assertEqual((row_a.response_on_time, row_a.resolution_on_time), (True, False))
        self.assertAlmostEqual(row_b.response_hours, 12.0)
        self.assertAlmostEqual(row_b.resolution_hours, 12.0)
        self.assertEqual((row_b.response_compliance, row_b.resolution_compliance), (0.0, 100.0))
        # same figures as the ticket's own stored measures
        self.assertAlmostEqual(row_a.resolution_hours, self.ticket_a.resolution_hours)
        self.assertEqual(row_b.resolution_on_time, self.ticket_b.resolution_on_time)

        row_late, row_fresh = self._row(self.ticket_late), self._row(self.ticket_fresh)
        self.assertTrue(row_late.is_overdue)
        self.assertEqual(row_late.nbr_overdue, 1)
        self.assertEqual(row_late.response_compliance, 0.0)
        self.assertFalse(row_fresh.is_overdue)
        self.assertEqual(self.ticket_late.is_overdue, row_late.is_overdue)

        # Averages leave out what is not measured yet: the fresh ticket (no
        # deadline passed) and the unanswered tickets' times.
        [(count, response_hours, resolution_hours, response_pct, resolution_pct, overdue)] = (
            self.Report._read_group(
                [("ticket_id", "in", self.tickets.ids)], [],
                ["nbr:sum", "response_hours:avg", "resolution_hours:avg",
                 "response_compliance:avg", "resolution_compliance:avg", "nbr_overdue:sum"],
            )
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(response_hours, 7.0)  # (2 + 12) / 2
        self.assertAlmostEqual(resolution_hours, 21.0)  # (30 + 12) / 2
        self.assertAlmostEqual(response_pct, 100.0 / 3)  # on time, late, late (unanswered)
        self.assertAlmostEqual(resolution_pct, 100.0 / 3)  # late, on time, late (open)
        self.assertEqual(overdue, 1)

    def test_satisfaction_measures(self):
        row_a = self._row(self.ticket_a)
        # questionnaires: overall 5/5 -> 100 and 4/5 -> 75, NPS 10 and 3
        self.assertAlmostEqual(row_a.csat, 87.5)
        self.assertAlmostEqual(row_a.nps_score, 6.5)
        self.assertAlmostEqual(row_a.nps, 0.0)  # one promoter, one detractor
        self.assertTrue(row_a.has_csat)
        self.assertTrue(row_a.has_satisfaction)
        row_b = self._row(self.ticket_b)
        self.assertAlmostEqual(row_b.csat, 50.0)  # one-click "Okay"
        self.assertTrue(row_b.has_csat)
        self.assertFalse(row_b.nps_category)
        self.assertFalse(self._row(self.ticket_late).has_satisfaction)

        [(csat, nps)] = self.Report._read_group(
            [("ticket_id", "in", self.tickets.ids)], [], ["csat:avg", "nps:avg"]
        )
        self.assertAlmostEqual(csat, (87.5 + 50.0) / 2)  # tickets without a score left out
        self.assertAlmostEqual(nps, 0.0)

    def test_read_group_by_department(self):
        groups = {
            department: (count, resolution_hours, resolution_pct)
            for department, count, resolution_hours, resolution_pct in self.Report._read_group(
                [("ticket_id", "in", self.tickets.ids)], ["department_id"],
                ["__count", "resolution_hours:avg", "resolution_compliance:avg"],
            )
        }
        self.assertEqual(set(groups), {self.dept_a, self.dept_b})
        self.assertEqual(groups[self.dept_a][0], 3)
        self.assertAlmostEqual(groups[self.dept_a][1], 30.0)
        self.assertAlmostEqual(groups[self.dept_a][2], 0.0)  # resolved late, open past deadline
        self.assertEqual(groups[self.dept_b], (1, 12.0, 100.0))

    def test_department_users_see_their_rows_only(self):
        dept_a_tickets = self.ticket_a + self.ticket_late + self.ticket_fresh
        self.assertEqual(self._visible_tickets(self.user_a), dept_a_tickets)
        self.assertEqual(self._visible_tickets(self.user_b), self.ticket_b)
        self.assertEqual(self._visible_tickets(self.manager), self.tickets)
        # the same tickets as the ticket model's own rules show them
        for user in (self.user_a, self.user_b):
            self.assertEqual(
                self._visible_tickets(user),
                self.Ticket.with_user(user).search([("id", "in", self.tickets.ids)]),
            )
        # assigned to a user of department B: that user now sees it
        self.ticket_late.user_id = self.user_b
        self._refresh()
        self.assertEqual(self._visible_tickets(self.user_b), self.ticket_b + self.ticket_late)
        # a user's pivot counts only what they may see
        [(count,)] = self.Report.with_user(self.user_b)._read_group(
            [("ticket_id", "in", self.tickets.ids)], [], ["__count"]
        )
        self.assertEqual(count, 2)

    def test_rows_follow_department_changes_at_once(self):
        """Joining or leaving a department counts at once, as for tickets."""
        self.assertNotIn(self.ticket_b, self._visible_tickets(self.user_a))
        self.dept_b.member_ids = [Command.link(self.user_a.id)]
        self.assertIn(self.ticket_b, self._visible_tickets(self.user_a))
        self.dept_b.member_ids = [Command.unlink(self.user_a.id)]
        self.dept_b.leader_id = self.user_a
        self.assertIn(self.ticket_b, self._visible_tickets(self.user_a))
        self.dept_a.member_ids = [Command.unlink(self.user_a.id)]
        self.assertNotIn(self.ticket_late, self._visible_tickets(self.user_a))

    def test_migration_rewrites_the_rule_left_as_shipped(self):
        path = file_path(
            "customer_feedback_reports/migrations/19.0.1.1.0/post-rule-my-departments.py"
        )
        spec = importlib.util.spec_from_file_location("report_rule_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        [(xmlid, (old_domain, new_domain))] = migration.RULES.items()
        rule = self.env.ref(xmlid)
        self.assertEqual("".join(rule.domain_force.split()), "".join(new_domain.split()))
        rule.domain_force = old_domain
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(rule.domain_force, new_domain)
        self.assertEqual(
            self._visible_tickets(self.user_a),
            self.ticket_a + self.ticket_late + self.ticket_fresh,
        )
        custom = "[('user_id', '=', user.id)]"
        rule.domain_force = custom
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(rule.domain_force, custom)

    def test_multi_company(self):
        ticket_b_company = self._create_ticket(
            partner_id=self.customer_b.id, company_id=self.company_b.id,
            category_id=self.cat_orphan.id,
        )
        self._refresh()
        domain = [("ticket_id", "=", ticket_b_company.id)]
        self.assertFalse(self.Report.with_user(self.manager).search(domain))
        row = self.Report.with_user(self.manager_b).search(domain)
        self.assertEqual(row.company_id, self.company_b)
        self.assertEqual(row.department_id, self.dept_fallback_b)
        self.assertTrue(self.Report.with_user(self.user_company_b).search(domain))
        self.assertFalse(
            self.Report.with_user(self.manager_b).search([("ticket_id", "in", self.tickets.ids)])
        )

    def test_read_only_and_denied_without_feedback_rights(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.plain_employee).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal_user).search([])
        row = self._row(self.ticket_a, env=self.env(user=self.manager))
        with self.assertRaises(AccessError):
            row.write({"csat": 0.0})
        with self.assertRaises(AccessError):
            row.unlink()

    def test_menu_under_crm_reporting(self):
        menu = self.env.ref("customer_feedback_reports.menu_customer_feedback_report")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))
        self.assertEqual(menu.action.res_model, "customer.feedback.report")
        self.assertIn(self.env.ref("customer_feedback.group_feedback_user"), menu.group_ids)
        views = self.Report.get_views([(False, "pivot"), (False, "graph"), (False, "list"),
                                       (False, "search")])
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})

    def test_row_opens_its_ticket(self):
        action = self._row(self.ticket_b, env=self.env(user=self.user_b)).action_open_ticket()
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("customer.feedback.ticket", self.ticket_b.id))

    def test_now_is_utc(self):
        """Overdue is judged against UTC, as the deadlines are stored."""
        self.ticket_fresh.write({"date_received": fields.Datetime.now() - timedelta(hours=7)})
        self._refresh()
        self.assertFalse(self._row(self.ticket_fresh).is_overdue)
        self.ticket_fresh.write({"date_received": fields.Datetime.now() - timedelta(hours=9)})
        self._refresh()
        self.assertTrue(self._row(self.ticket_fresh).is_overdue)
