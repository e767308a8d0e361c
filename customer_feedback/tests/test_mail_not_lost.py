"""Mail that must not be lost: raw RFC 822 bytes through ``message_process``.

- an address Odoo cannot route (no alias domain, another domain) whose local
  part is one of our aliases becomes a review ticket; other mail keeps
  Odoo's "No possible route found";
- every review ticket keeps the original message; a multipart with a
  missing or wrong boundary keeps its text;
- a bounce of our email is counted by Odoo on the contact and noted on the
  ticket; a bounce that matches nothing but is ours is kept for review;
- mailing-list mail is never acknowledged, whatever list header says so.
"""

import base64
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_mail_gateway import GATEWAY_LOGGERS, MailGatewayCase

ORIGINAL = "original_email.eml"


@tagged("post_install", "-at_install", "mail_gateway")
class TestMailNotLost(MailGatewayCase):
    def _original(self, ticket):
        return ticket.message_ids.attachment_ids.filtered(lambda a: a.name == ORIGINAL)

    def _assert_original_kept(self, ticket, raw):
        original = self._original(ticket)
        self.assertEqual(len(original), 1, "the original message is attached")
        self.assertEqual(original.raw.replace(b"\r\n", b"\n"), raw.replace(b"\r\n", b"\n"))

    def _bounce(self, to, final_recipient, returned_id, returned_from="feedback@example.com",
                returned_subject="Chúng tôi đã nhận phản hồi của bạn"):
        """A delivery status notification as Postfix writes it (RFC 3464)."""
        return (
            "Return-Path: <>\r\n"
            f"Delivered-To: {to}\r\n"
            f"Date: {formatdate()}\r\n"
            "From: MAILER-DAEMON@mx.cf-mail.example.com (Mail Delivery System)\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            f"To: {to}\r\n"
            "Auto-Submitted: auto-replied\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status;\r\n"
            ' boundary="DSN-BOUNDARY"\r\n'
            f"Message-Id: {make_msgid(domain='mx.cf-mail.example.com')}\r\n\r\n"
            "--DSN-BOUNDARY\r\nContent-Description: Notification\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            "I'm sorry to have to inform you that your message could not\r\n"
            f"be delivered to one or more recipients.\r\n\r\n<{final_recipient}>: 550 No such"
            " person at this address.\r\n\r\n"
            "--DSN-BOUNDARY\r\nContent-Description: Delivery report\r\n"
            "Content-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.cf-mail.example.com\r\n\r\n"
            f"Final-Recipient: rfc822; {final_recipient}\r\n"
            "Action: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 No such person at this address.\r\n\r\n"
            "--DSN-BOUNDARY\r\nContent-Description: Undelivered Message\r\n"
            "Content-Type: message/rfc822\r\n\r\n"
            f"Message-Id: {returned_id}\r\n"
            f"From: {returned_from}\r\n"
            f"To: {final_recipient}\r\n"
            "Subject: =?utf-8?b?" + _b64(returned_subject) + "?=\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            "Thank you.\r\n\r\n"
            "--DSN-BOUNDARY--\r\n"
        ).encode()

    # ------------------------------------------------------------
    # Item 8: an address Odoo cannot route
    # ------------------------------------------------------------

    @mute_logger(*GATEWAY_LOGGERS)
    def test_our_local_part_at_unknown_domain_becomes_review_ticket(self):
        raw = self._email(to="feedback@unknown-domain.example",
                          body="Nhân viên giao hàng rất nhiệt tình.")
        with self.mock_mail_gateway():
            ticket = self._process(raw)
        self.assertEqual(len(ticket), 1, "not lost: Odoo raised 'No possible route found'")
        self.assertTrue(ticket.needs_review)
        self.assertIn("feedback@unknown-domain.example", ticket.review_reason)
        self.assertIn("Nhân viên giao hàng rất nhiệt tình.", self._text(ticket))
        self.assertEqual(ticket.partner_email, "khach.moi@cf-mail.example.com")
        self.assertEqual(ticket.channel, "email")
        self._assert_original_kept(ticket, raw)
        self.assertFalse(self._acknowledgements(ticket), "a review ticket is not acknowledged")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_no_alias_domain_at_all(self):
        """A fresh database: the alias has no domain, its full name is "feedback"."""
        self.alias.alias_domain_id = False
        self.assertEqual(self.alias.alias_full_name, "feedback")
        raw = self._email(to="Góp ý <feedback@localhost>", body="Cửa hàng đóng cửa quá sớm.")
        ticket = self._process(raw)
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertIn("feedback@localhost", ticket.review_reason)
        self.assertIn("Cửa hàng đóng cửa quá sớm.", self._text(ticket))
        self._assert_original_kept(ticket, raw)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_department_alias_local_part_goes_to_its_department(self):
        self.dept_a.alias_name = "cf-dept-sales"
        raw = self._email(to="cf-dept-sales@unknown-domain.example")
        ticket = self._process(raw)
        self.assertTrue(ticket.needs_review)
        self.assertEqual(ticket.department_id, self.dept_a)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_other_local_parts_keep_odoo_behaviour(self):
        """Only our aliases: mail for anyone else (or another app's alias) still raises."""
        self.env["mail.alias"].create({
            "alias_name": "cf-sales-leads", "alias_domain_id": self.alias_domain.id,
            "alias_model_id": self.env["ir.model"]._get_id("crm.lead"),
        })
        count = self.Ticket.search_count([])
        for address in ("someone-else@unknown-domain.example",
                        "cf-sales-leads@unknown-domain.example"):
            with self.subTest(address=address), \
                    self.assertRaisesRegex(ValueError, "No possible route found"):
                self._process(self._email(to=address))
        self.assertEqual(self.Ticket.search_count([]), count)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_unprocessable_mail_at_unknown_domain_kept(self):
        """The exception path (Odoo raises for another reason) knows the local part too."""
        raw = self._email(to="feedback@unknown-domain.example", subject="broken")
        from odoo.addons.mail.models.mail_thread import MailThread

        with patch.object(MailThread, "_message_parse_extract_payload", side_effect=KeyError):
            ticket = self._process(raw)
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertEqual(ticket.title, "broken")
        self._assert_original_kept(ticket, raw)

    # ------------------------------------------------------------
    # Item 9: the original is kept, a damaged structure keeps its text
    # ------------------------------------------------------------

    @mute_logger(*GATEWAY_LOGGERS)
    def test_every_review_ticket_keeps_the_original(self):
        cases = {
            "empty": self._email(subject="", body="", sender="cf-empty@cf-mail.example.com"),
            "automatic": self._email(sender="cf-robot@cf-mail.example.com",
                                     headers=[("Auto-Submitted", "auto-replied")]),
            "no sender": self._email(sender=""),
            "unknown charset": self._raw("Sản phẩm tốt".encode(), "x-unknown",
                                         sender="cf-charset@cf-mail.example.com"),
        }
        for case, raw in cases.items():
            with self.subTest(case=case):
                ticket = self._process(raw)
                self.assertEqual(len(ticket), 1)
                self.assertTrue(ticket.needs_review, ticket.review_reason)
                self._assert_original_kept(ticket, raw)
        normal = self._process(self._email(sender="cf-normal@cf-mail.example.com"))
        self.assertFalse(normal.needs_review)
        self.assertFalse(self._original(normal), "a normal ticket carries no copy")

    def _damaged(self, content_type, body):
        return (
            "From: Khach Cau Truc <khach.cautruc@cf-mail.example.com>\r\n"
            "To: feedback@example.com\r\nSubject: =?utf-8?b?" + _b64("Hỏng màn hình") + "?=\r\n"
            f"Message-ID: {make_msgid(domain='cf-mail.example.com')}\r\n"
            f"Date: {formatdate()}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {content_type}\r\n\r\n" + body
        ).encode()

    PARTS = (
        "This is a multi-part message in MIME format.\r\n"
        "--sep42\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "Máy tính bảng mua hôm qua bị hỏng màn hình.\r\n"
        "--sep42\r\nContent-Type: text/csv; name=\"order.csv\"\r\n"
        "Content-Disposition: attachment; filename=\"order.csv\"\r\n\r\n"
        "order;date\r\nSO042;2026-03-01\r\n"
        "--sep42--\r\n"
    )

    @mute_logger(*GATEWAY_LOGGERS)
    def test_multipart_boundary_missing_or_wrong(self):
        for content_type in ("multipart/mixed", 'multipart/mixed; boundary="not-the-one"'):
            with self.subTest(content_type=content_type):
                raw = self._damaged(content_type, self.PARTS)
                ticket = self._process(raw)
                self.assertEqual(len(ticket), 1)
                self.assertIn("Máy tính bảng mua hôm qua bị hỏng màn hình.", self._text(ticket))
                self.assertNotIn("sep42", self._text(ticket))
                attachment = ticket.message_ids.attachment_ids.filtered(
                    lambda a: a.name == "order.csv")
                # the CRLF before a boundary belongs to the boundary (RFC 2046)
                self.assertEqual(attachment.raw, b"order;date\r\nSO042;2026-03-01")
                self.assertTrue(ticket.needs_review)
                self.assertIn("boundary", ticket.review_reason)
                self._assert_original_kept(ticket, raw)
                self.assertEqual(ticket.title, "Hỏng màn hình")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_multipart_without_any_part_is_read_as_text(self):
        raw = self._damaged('multipart/alternative; boundary="x"',
                            "Xin chào, tôi muốn góp ý về giờ mở cửa.\r\n-- \r\nAn\r\n")
        ticket = self._process(raw)
        self.assertIn("Xin chào, tôi muốn góp ý về giờ mở cửa.", self._text(ticket))
        self.assertTrue(ticket.needs_review)
        self._assert_original_kept(ticket, raw)

    def test_sound_multipart_untouched(self):
        raw = self._email(html="<p>Cửa hàng <b>rất</b> sạch.</p>",
                          sender="cf-sound@cf-mail.example.com")
        ticket = self._process(raw)
        self.assertFalse(ticket.needs_review, ticket.review_reason)

    # ------------------------------------------------------------
    # Item 10: bounces and mailing lists
    # ------------------------------------------------------------

    @mute_logger(*GATEWAY_LOGGERS)
    def test_bounce_of_our_acknowledgement(self):
        with self.mock_mail_gateway():
            ticket = self._process(self._email(sender="Bà Lan <lan.bounce@cf-mail.example.com>"))
        ack = self._acknowledgements(ticket)
        self.assertEqual(len(ack), 1)
        ticket.sudo().user_id = self.user_a
        partner = ticket.partner_id
        self.assertEqual(partner.message_bounce, 0)
        count = self.Ticket.search_count([])
        bounce = self._bounce("bounce@example.com", "lan.bounce@cf-mail.example.com",
                              ack.mail_message_id.message_id)
        with self.mock_mail_gateway():
            self.assertFalse(self._process(bounce), "a bounce makes no new ticket")
        self.assertEqual(self.Ticket.search_count([]), count)
        # Odoo's bounce mechanism
        self.assertEqual(partner.message_bounce, 1)
        notification = ack.mail_message_id.notification_ids.filtered(
            lambda n: n.res_partner_id == partner)
        self.assertEqual(notification.notification_status, "bounce")
        # and ours: the agent knows the customer did not get it
        notes = ticket.message_ids.filtered(lambda m: "returned undelivered" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("lan.bounce@cf-mail.example.com", notes.body)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        call = ticket.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(call.user_id, self.user_a)
        self.assertFalse(self._mail_to("mx.cf-mail.example.com"), "no mail to the mail server")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_unmatched_bounce_that_is_ours_is_kept(self):
        contacts = self.env["res.partner"].search_count([])
        cases = {
            "to our alias": ("feedback@example.com", "feedback@example.com", "Xin chào"),
            "returns an email of our alias": (
                "bounce@example.com", "Góp ý <feedback@example.com>", "Xin chào"),
            "names a ticket": (
                "bounce@example.com", "notifications@example.com", "[FB/2026/00042] Trả lời"),
        }
        for case, (to, returned_from, subject) in cases.items():
            with self.subTest(case=case):
                raw = self._bounce(to, "gone@cf-mail.example.com",
                                   make_msgid(domain="example.com"), returned_from, subject)
                with self.mock_mail_gateway():
                    ticket = self._process(raw)
                self.assertEqual(len(ticket), 1, "a bounce matching nothing is not lost")
                self.assertTrue(ticket.needs_review)
                self.assertIn("bounce", ticket.review_reason)
                self.assertFalse(ticket.partner_id, "MAILER-DAEMON is not a customer")
                self.assertFalse(ticket.partner_email)
                self.assertIn("could not", self._text(ticket))
                self._assert_original_kept(ticket, raw)
                self.assertFalse(self._mail_to("mx.cf-mail.example.com"))
        self.assertEqual(self.env["res.partner"].search_count([]), contacts)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_unmatched_bounce_of_another_app_is_odoo_s(self):
        count = self.Ticket.search_count([])
        raw = self._bounce("bounce@example.com", "gone@cf-mail.example.com",
                           make_msgid(domain="example.com"), "sales@example.com", "Quotation")
        self.assertFalse(self._process(raw))
        self.assertEqual(self.Ticket.search_count([]), count)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_mailing_list_mail_never_acknowledged(self):
        headers = [
            ("List-Id", "Tin tức <news.cf-mail.example.com>"),
            ("List-Unsubscribe", "<mailto:leave@cf-mail.example.com>"),
            ("List-Subscribe", "<mailto:join@cf-mail.example.com>"),
            ("List-Post", "<mailto:news@cf-mail.example.com>"),
            ("List-Help", "<mailto:help@cf-mail.example.com>"),
            ("List-Owner", "<mailto:owner@cf-mail.example.com>"),
            ("List-Archive", "<https://cf-mail.example.com/archive>"),
            ("X-Mailing-List", "news@cf-mail.example.com"),
            ("Mailing-List", "contact news-help@cf-mail.example.com; run by ezmlm"),
            ("Precedence", "list"),
            ("Precedence", "bulk"),
        ]
        for index, header in enumerate(headers):
            with self.subTest(header=header):
                sender = f"cf-list{index}@cf-mail.example.com"
                with self.mock_mail_gateway():
                    ticket = self._process(self._email(sender=sender, headers=[header]))
                self.assertEqual(len(ticket), 1)
                self.assertTrue(ticket.needs_review)
                self.assertFalse(self._mail_to(sender), "never acknowledged")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_digest_never_acknowledged(self):
        digest = EmailMessage()
        digest["From"] = "cf-digest@cf-mail.example.com"
        digest["To"] = "feedback@example.com"
        digest["Subject"] = "Digest, Vol 12, Issue 3"
        digest["Message-ID"] = make_msgid(domain="cf-mail.example.com")
        digest.set_content("Today's topics: 1. Giờ mở cửa")
        digest.make_mixed()
        digest.set_type("multipart/digest")
        with self.mock_mail_gateway():
            ticket = self._process(digest.as_bytes())
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertFalse(self._mail_to("cf-digest@cf-mail.example.com"))


def _b64(text):
    return base64.b64encode(text.encode()).decode()
