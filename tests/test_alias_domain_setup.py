"""System test: the alias-domain step of setup/run.sh (setup/alias_domain.py).

A fresh database has no alias domain: Odoo routed no mail to feedback@…
("No possible route found"). The step is run here on the test database's
environment, inside the test transaction (rolled back after).
"""

import runpy
from email.utils import make_msgid
from pathlib import Path

from odoo.tests import TransactionCase
from odoo.tools import mute_logger

SETUP = Path(__file__).resolve().parent.parent / "setup"


class TestAliasDomainSetup(TransactionCase):
    test_tags = frozenset({"standard", "post_install"})
    test_module = "tests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the script, as a module: without `env` in its globals it only defines
        cls.configure = staticmethod(
            runpy.run_path(str(SETUP / "alias_domain.py"))["configure_alias_domain"]
        )
        cls.company = cls.env.ref("base.main_company")
        cls.alias = cls.env.ref("customer_feedback.mail_alias_feedback_intake")
        # a fresh database: no alias domain anywhere
        cls.env["res.company"].with_context(active_test=False).search([]).alias_domain_id = False
        cls.env["mail.alias"].search([]).alias_domain_id = False
        cls.env["mail.alias.domain"].search([]).unlink()

    def _mail(self, to):
        return (
            f"From: khach.setup@cf-mail.example.com\r\nTo: {to}\r\nSubject: setup\r\n"
            f"Message-ID: {make_msgid(domain='cf-mail.example.com')}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nXin chào\r\n"
        ).encode()

    def test_run_sh_calls_the_step(self):
        run_sh = (SETUP / "run.sh").read_text()
        self.assertIn("alias_domain.py", run_sh)
        self.assertIn("ALIAS_DOMAIN", run_sh)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_fresh_database_gets_localhost(self):
        domain = self.configure(self.env)
        self.assertEqual(domain.name, "localhost")
        self.assertEqual(self.company.alias_domain_id, domain)
        self.assertEqual(self.alias.alias_full_name, "feedback@localhost")
        ticket_id = self.env["mail.thread"].message_process(False, self._mail("feedback@localhost"))
        ticket = self.env["customer.feedback.ticket"].browse(ticket_id)
        self.assertTrue(ticket)
        self.assertFalse(ticket.needs_review, "routed by Odoo itself, nothing to review")

    def test_default_keeps_what_is_set(self):
        domain = self.configure(self.env, "mail.cf-setup.example.com")
        self.assertEqual(self.configure(self.env), domain, "a second run changes nothing")
        self.assertEqual(self.alias.alias_full_name, "feedback@mail.cf-setup.example.com")

    def test_explicit_value_changes_it(self):
        self.configure(self.env)
        domain = self.configure(self.env, "mail.cf-setup.example.com")
        self.assertEqual(self.company.alias_domain_id, domain)
        self.assertEqual(self.alias.alias_full_name, "feedback@mail.cf-setup.example.com",
                         "the aliases follow the renamed domain")
        other = self.env["mail.alias.domain"].create({"name": "other.cf-setup.example.com"})
        self.assertEqual(self.configure(self.env, "other.cf-setup.example.com"), other)
        self.assertEqual(self.company.alias_domain_id, other)
