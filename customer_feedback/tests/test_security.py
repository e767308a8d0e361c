import importlib.util

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_path, mute_logger

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestSecurity(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # user_received_id is the creator by default: superuser here
        cls.ticket_a = cls._create_ticket(title="CF sec A", category_id=cls.cat_a.id)
        cls.ticket_b = cls._create_ticket(title="CF sec B", category_id=cls.cat_b.id)
        cls.ticket_b_assigned_a = cls._create_ticket(
            title="CF sec B assigned to A", category_id=cls.cat_b.id, user_id=cls.user_a.id,
        )
        cls.ticket_b_received_a = cls._create_ticket(
            title="CF sec B received by A", category_id=cls.cat_b.id,
            user_received_id=cls.user_a.id,
        )
        cls.ticket_portal = cls._create_ticket(
            title="CF sec portal", category_id=cls.cat_b.id, partner_id=cls.customer_portal.id,
        )
        cls.ticket_company_b = cls._create_ticket(
            title="CF sec company B", company_id=cls.company_b.id,
            partner_id=cls.customer_b.id,
        )
        cls.all_tickets = (
            cls.ticket_a + cls.ticket_b + cls.ticket_b_assigned_a + cls.ticket_b_received_a
            + cls.ticket_portal + cls.ticket_company_b
        )

    def _visible(self, user):
        return self.env["customer.feedback.ticket"].with_user(user).search(
            [("id", "in", self.all_tickets.ids)]
        )

    def _assert_cannot_read(self, user, ticket):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            ticket.with_user(user).read(["title"])

    def test_department_member_sees_own_department(self):
        self.assertEqual(
            self._visible(self.user_a),
            self.ticket_a + self.ticket_b_assigned_a + self.ticket_b_received_a,
        )
        self.assertEqual(self.ticket_a.with_user(self.user_a).title, "CF sec A")
        self._assert_cannot_read(self.user_a, self.ticket_b)
        self._assert_cannot_read(self.user_a, self.ticket_portal)
        with self.assertRaises(AccessError):
            self.ticket_b.with_user(self.user_a).write({"title": "hijacked"})
        self.assertEqual(self.ticket_b.title, "CF sec B")

    def test_leader_sees_department(self):
        self.dept_a.member_ids = False  # the leader sees it as leader, not member
        self.assertIn(self.ticket_a, self._visible(self.leader_a))
        self.assertNotIn(self.ticket_b, self._visible(self.leader_a))

    def test_other_department(self):
        self.assertEqual(
            self._visible(self.user_b),
            self.ticket_b + self.ticket_b_assigned_a + self.ticket_b_received_a
            + self.ticket_portal,
        )
        self._assert_cannot_read(self.user_b, self.ticket_a)

    def test_rule_follows_department_changes_at_once(self):
        """The rule reads the departments' members and leader when the user
        searches: joining, leaving or leading a department counts at once,
        in the same transaction (the rule's domain is cached per user)."""
        self.assertNotIn(self.ticket_b, self._visible(self.user_a))
        self.dept_b.member_ids = [Command.link(self.user_a.id)]
        self.assertIn(self.ticket_b, self._visible(self.user_a))
        self.assertTrue(self.ticket_b.with_user(self.user_a).in_my_departments)
        self.dept_b.member_ids = [Command.unlink(self.user_a.id)]
        self.assertNotIn(self.ticket_b, self._visible(self.user_a))
        self.dept_b.leader_id = self.user_a
        self.assertIn(self.ticket_b, self._visible(self.user_a))
        self.dept_a.member_ids = [Command.unlink(self.user_a.id)]
        self.assertNotIn(self.ticket_a, self._visible(self.user_a))
        # sudo: she may no longer read it; the field is still computed for her
        self.assertFalse(self.ticket_a.with_user(self.user_a).sudo().in_my_departments)

    def test_archived_department_still_grants_its_tickets(self):
        self.dept_a.active = False
        self.assertIn(self.ticket_a, self._visible(self.user_a))

    def test_migration_rewrites_the_rule_left_as_shipped(self):
        """Databases of 19.0.1.3.0 keep the noupdate rules on the department's
        members: the migration writes the subquery form, and leaves a rule
        changed in the database alone."""
        path = file_path(
            "customer_feedback/migrations/19.0.1.4.0/post-rules-my-departments.py"
        )
        spec = importlib.util.spec_from_file_location("rule_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        rule = self.env.ref("customer_feedback.rule_ticket_user_own_departments")
        self.assertEqual(
            "".join(rule.domain_force.split()), "".join(migration.NEW_DOMAIN.split()),
            "a new database gets the subquery form",
        )
        rule.domain_force = migration.OLD_DOMAIN.replace(", (", ",\n                (")
        migration.migrate(self.env.cr, "19.0.1.3.0")
        self.assertEqual(rule.domain_force, migration.NEW_DOMAIN)
        self.assertEqual(
            self._visible(self.user_a),
            self.ticket_a + self.ticket_b_assigned_a + self.ticket_b_received_a,
        )
        custom = "[('user_id', '=', user.id)]"
        rule.domain_force = custom
        migration.migrate(self.env.cr, "19.0.1.3.0")
        self.assertEqual(rule.domain_force, custom)
        # the satisfaction answers' rule likewise
        old_domain, new_domain = migration.RULES[
            "customer_feedback.rule_satisfaction_user_own_departments"]
        rule = self.env.ref("customer_feedback.rule_satisfaction_user_own_departments")
        self.assertEqual("".join(rule.domain_force.split()), "".join(new_domain.split()))
        rule.domain_force = old_domain
        migration.migrate(self.env.cr, "19.0.1.3.0")
        self.assertEqual(rule.domain_force, new_domain)

    def test_rule_follows_reassignment(self):
        self.ticket_a.user_id = self.user_b
        self.assertIn(self.ticket_a, self._visible(self.user_b))

    def test_manager_sees_all_of_company(self):
        self.assertEqual(self._visible(self.manager), self.all_tickets - self.ticket_company_b)
        self.assertEqual(self.ticket_b.with_user(self.manager).title, "CF sec B")

    def test_multi_company(self):
        self._assert_cannot_read(self.manager, self.ticket_company_b)
        self._assert_cannot_read(self.user_a, self.ticket_company_b)
        self.assertEqual(self._visible(self.user_company_b), self.ticket_company_b)
        self.assertEqual(self._visible(self.manager_b), self.ticket_company_b)
        self._assert_cannot_read(self.manager_b, self.ticket_a)
        # a manager allowed in both companies sees both, once both are active
        self.manager.company_ids = self.company_a + self.company_b
        manager_env = self.env["customer.feedback.ticket"].with_user(self.manager).with_context(
            allowed_company_ids=(self.company_a + self.company_b).ids
        )
        self.assertEqual(
            manager_env.search([("id", "in", self.all_tickets.ids)]), self.all_tickets
        )
        # but not with only company A active
        manager_env = manager_env.with_context(allowed_company_ids=self.company_a.ids)
        self.assertNotIn(
            self.ticket_company_b, manager_env.search([("id", "in", self.all_tickets.ids)])
        )

    def test_portal_sees_only_own(self):
        self.assertEqual(self._visible(self.portal_user), self.ticket_portal)
        self.assertEqual(self.ticket_portal.with_user(self.portal_user).title, "CF sec portal")
        self._assert_cannot_read(self.portal_user, self.ticket_a)
        with self.assertRaises(AccessError):
            self.ticket_portal.with_user(self.portal_user).write({"title": "changed"})
        with self.assertRaises(AccessError):
            self._create_ticket(env=self.env(user=self.portal_user), title="portal create")

    def test_portal_does_not_see_company_contacts_tickets(self):
        # another contact of the same customer company is not the portal user
        self.customer_portal.parent_id = self.customer_company
        other = self._create_ticket(partner_id=self.customer_contact.id)
        self.assertNotIn(
            other,
            self.env["customer.feedback.ticket"].with_user(self.portal_user).search([]),
        )

    def test_employee_without_group(self):
        with self.assertRaises(AccessError):
            self.env["customer.feedback.ticket"].with_user(self.plain_employee).search([])

    def test_user_cannot_delete(self):
        with self.assertRaises(AccessError):
            self.ticket_a.with_user(self.user_a).unlink()
        self.ticket_a.with_user(self.manager).unlink()
        self.assertFalse(self.ticket_a.exists())

    def test_user_can_create_and_see_received(self):
        ticket = self._create_ticket(env=self.env(user=self.user_b), title="CF by B",
                                     category_id=self.cat_a.id)
        self.assertEqual(ticket.user_received_id, self.user_b)
        self.assertEqual(ticket.with_user(self.user_b).title, "CF by B")

    def test_configuration_read_only_for_users(self):
        records = {
            "priority": self.prio_normal,
            "category": self.cat_a,
            "department": self.dept_a,
            "segment": self.segment_key,
        }
        for name, record in records.items():
            with self.subTest(model=name):
                as_user = record.with_user(self.user_a)
                as_user.read(["name"])  # readable
                with self.assertRaises(AccessError):
                    as_user.write({"name": "changed"})
                with self.assertRaises(AccessError):
                    as_user.unlink()
                with self.assertRaises(AccessError):
                    as_user.copy()
                # the leader of the department is no manager either
                with self.assertRaises(AccessError):
                    record.with_user(self.leader_a).write({"name": "changed"})
                record.with_user(self.manager).write({"name": f"CF managed {name}"})
                self.assertEqual(record.name, f"CF managed {name}")

    def test_corrective_actions_managed_by_managers(self):
        action = self._corrective_action()
        action.with_user(self.user_a).read(["problem"])
        with self.assertRaises(AccessError):
            action.with_user(self.user_a).write({"problem": "x"})
        with self.assertRaises(AccessError):
            self.env["customer.feedback.corrective.action"].with_user(self.user_a).create(
                {"problem": "x"}
            )
        action.with_user(self.manager).write({"problem": "CF managed"})
        # the escalate wizard is for managers only
        with self.assertRaises(AccessError):
            self.env["customer.feedback.escalate.wizard"].with_user(self.user_a).create({})

    def test_every_model_has_access_rules(self):
        models = self.env["ir.model"].search([("model", "=like", "customer.feedback.%")]).filtered(
            lambda m: not self.env[m.model]._abstract  # no table, no records to protect
        )
        self.assertGreaterEqual(len(models), 11)
        Access = self.env["ir.model.access"]
        for model in models:
            with self.subTest(model=model.model):
                accesses = Access.search([("model_id", "=", model.id)])
                self.assertTrue(accesses, f"no ACL for {model.model}")
                self.assertTrue(
                    accesses.filtered(lambda a: a.perm_read and a.group_id),
                    "every model is readable by some group, and only by groups",
                )
                self.assertFalse(accesses.filtered(lambda a: not a.group_id),
                                 "no global ACL")
        # every model defined by the addon is covered by the search above
        defined = {
            name for name, model in self.env.registry.items()
            if model._original_module == "customer_feedback" and not model._abstract
        }
        self.assertLessEqual(defined, set(models.mapped("model")))
