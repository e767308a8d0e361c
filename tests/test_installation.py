"""System tests: both addons installed in the database and usable together."""

from odoo.tests.common import TransactionCase, new_test_user


class TestInstallation(TransactionCase):
    # Odoo tags test classes of addons only; these live outside any addon.
    test_tags = frozenset({"standard", "post_install"})
    test_module = "tests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.feedback_user = new_test_user(
            cls.env, "sys_feedback_user", groups="customer_feedback.group_feedback_user"
        )
        cls.feedback_manager = new_test_user(
            cls.env, "sys_feedback_manager", groups="customer_feedback.group_feedback_manager"
        )
        cls.plain_employee = new_test_user(cls.env, "sys_employee", groups="base.group_user")

    def test_addons_installed(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ("customer_feedback", "customer_feedback_reports"))]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 2)

    def test_models_in_registry(self):
        for model in (
            "customer.feedback.ticket",
            "customer.feedback.category",
            "customer.feedback.priority",
            "customer.feedback.department",
            "customer.feedback.corrective.action",
            "customer.feedback.segment",
            "customer.feedback.tag",
        ):
            self.assertIn(model, self.env.registry)

    def _visible_menu_xmlids(self, user):
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.ui.menu"), ("res_id", "in", list(menus)),
             ("module", "=", "customer_feedback")]
        )
        return {d.name for d in data}

    def test_feedback_menu_visible_to_its_groups_only(self):
        root = "menu_customer_feedback_root"
        self.assertIn(root, self._visible_menu_xmlids(self.feedback_user))
        self.assertIn(root, self._visible_menu_xmlids(self.feedback_manager))
        self.assertNotIn(root, self._visible_menu_xmlids(self.plain_employee))

    def test_configuration_menu_for_managers_only(self):
        config = "menu_customer_feedback_config"
        self.assertIn(config, self._visible_menu_xmlids(self.feedback_manager))
        self.assertNotIn(config, self._visible_menu_xmlids(self.feedback_user))

    def test_crm_app_opens_for_feedback_users(self):
        crm_root = self.env.ref("crm.crm_menu_root")
        visible = self.env["ir.ui.menu"].with_user(self.feedback_user)._visible_menu_ids()
        self.assertIn(crm_root.id, visible)
