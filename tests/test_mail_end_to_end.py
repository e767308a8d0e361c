"""System test: an email delivered by Odoo's own odoo-mailgate.py script.

The MTA pipes each message to ``odoo-mailgate.py``, which calls
``mail.thread.message_process`` over XML-RPC (``/xmlrpc/2/object``). Here the
script runs in a subprocess against the HTTP server of the test run
(pytest --odoo-http); HttpCase serves requests on the test transaction, so
what the script creates is visible to the test and rolled back after it.
Odoo 19 still serves XML-RPC at /xmlrpc/2/object (deprecated, with a
warning in the log); during tests it only answers requests that carry the
test's cookie, hence ``allow_requests(all_requests=True)``.
"""

import subprocess
import sys
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import odoo
from odoo.tests import HttpCase, new_test_user
from odoo.tools import html2plaintext

import odoo.addons.mail as mail_addon

MAILGATE = Path(mail_addon.__file__).parent / "static" / "scripts" / "odoo-mailgate.py"
SAMPLES = Path(__file__).parent.parent / "customer_feedback" / "tests" / "emails"


class TestMailEndToEnd(HttpCase):
    test_tags = frozenset({"standard", "post_install"})
    test_module = "tests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        domain = env["mail.alias.domain"].create({"name": "example.com", "sequence": 1})
        env.company.alias_domain_id = domain
        env.ref("customer_feedback.mail_alias_feedback_intake").write(
            {"alias_domain_id": domain.id, "alias_name": "feedback"}
        )
        # the account the MTA's pipe uses: an internal user with a password
        cls.gateway_user = new_test_user(
            env, "sys_mailgate", password="sys_mailgate_pw_2026",
            groups="base.group_user,customer_feedback.group_feedback_user",
        )

    def _mailgate(self, raw):
        """Pipe ``raw`` to odoo-mailgate.py as an MTA would; return the process."""
        self.assertTrue(MAILGATE.exists(), MAILGATE)
        # Odoo 19 serves, during a test, only the requests carrying the test's
        # cookie; the script sends none: let every request in (and release
        # the test lock so that the server thread can use the test cursor).
        with self.allow_requests(all_requests=True):
            return self._run_mailgate(raw)

    def _run_mailgate(self, raw):
        return subprocess.run(
            [sys.executable, str(MAILGATE), "--host", "127.0.0.1",
             "--port", str(odoo.tools.config["http_port"]), "-d", self.env.cr.dbname,
             "-u", str(self.gateway_user.id), "-p", "sys_mailgate_pw_2026", "--debug"],
            input=raw, capture_output=True, timeout=120, check=False,
        )

    def _ticket_of(self, message_id):
        self.env.invalidate_all()
        return self.env["customer.feedback.ticket"].search(
            [("message_ids.message_id", "=", message_id)]
        )

    def test_mailgate_creates_ticket_and_threads_reply(self):
        result = self._mailgate((SAMPLES / "01_complaint_vi_utf8.eml").read_bytes())
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        ticket = self._ticket_of("<complaint-001@mail.example.vn>")
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "email")
        self.assertFalse(ticket.needs_review, ticket.review_reason)
        self.assertEqual(ticket.kind, "complaint")
        self.assertEqual(ticket.partner_id.email, "an.nguyen@example.vn")
        self.assertIn("Galaxy Tab", ticket.title)

        count = self.env["customer.feedback.ticket"].search_count([])
        result = self._mailgate((SAMPLES / "05_reply_to_ticket.eml").read_bytes())
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        reply = self._ticket_of("<reply-005@mail.example.vn>")
        self.assertEqual(reply, ticket, (reply.needs_review, reply.review_reason, reply.title))
        self.assertEqual(self.env["customer.feedback.ticket"].search_count([]), count,
                         self.env["customer.feedback.ticket"].search([], limit=1).read(
                             ["title", "review_reason", "partner_email"]))

        # the same message delivered twice by the MTA: still one ticket
        result = self._mailgate((SAMPLES / "09_duplicate_message_id.eml").read_bytes())
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        self.assertEqual(self.env["customer.feedback.ticket"].search_count([]), count)

    def test_mailgate_reply_by_reference_in_subject(self):
        message = EmailMessage()
        message["From"] = "Võ Thị Mai <mai.vo@cf-e2e.example.com>"
        message["To"] = "feedback@example.com"
        message["Subject"] = "Góp ý về giờ mở cửa"
        message["Message-ID"] = first_id = make_msgid(domain="cf-e2e.example.com")
        message["Date"] = formatdate()
        message.set_content("Cửa hàng nên mở cửa lúc 7 giờ.")
        self.assertEqual(self._mailgate(message.as_bytes()).returncode, 0)
        ticket = self._ticket_of(first_id)
        self.assertEqual(ticket.kind, "suggestion")

        reply = EmailMessage()
        reply["From"] = "mai.vo@cf-e2e.example.com"
        reply["To"] = "feedback@example.com"
        reply["Subject"] = f"Re: [{ticket.name}] We received your feedback"
        reply["Message-ID"] = reply_id = make_msgid(domain="cf-e2e.example.com")
        reply.set_content("Thêm: cả ngày chủ nhật.")
        self.assertEqual(self._mailgate(reply.as_bytes()).returncode, 0)
        self.assertEqual(self._ticket_of(reply_id), ticket)
        self.assertIn("cả ngày chủ nhật", unicodedata.normalize(
            "NFC", html2plaintext(str(ticket.message_ids[0].body))))

    def test_mailgate_8bit_windows_1258(self):
        """odoo-mailgate.py reads stdin as text in the locale's encoding (utf-8)
        and re-encodes it: 8-bit mail in another charset cannot pass through it
        (the script exits with an error, the MTA bounces or retries). Recorded
        here so that a change of the script is noticed; fetchmail (IMAP/POP)
        takes such mail unharmed (see customer_feedback test_mail_gateway)."""
        result = self._mailgate((SAMPLES / "04_complaint_cp1258.eml").read_bytes())
        ticket = self._ticket_of("<cp1258-004@mail.example.vn>")
        if result.returncode == 0:
            self.assertEqual(len(ticket), 1)
        else:
            self.assertFalse(ticket)
            self.assertRegex(result.stderr, rb"Unicode(De|En)codeError")
