"""Intake through the mail gateway: raw RFC 822 bytes in, a ticket out.

Every message goes through ``mail.thread.message_process`` exactly as the
fetchmail cron or the odoo-mailgate script would pass it. The sample emails
of the product (tests/emails/*.eml) are processed first, then messages built
here with Python's ``email`` package cover the edge cases: charsets, automatic
mail, threading, reopening, attachments and malformed input.
"""

import base64
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import html2plaintext, mute_logger

from odoo.addons.mail.tests.common import MockEmail

from .common import FeedbackCommon

EMAILS = Path(__file__).parent / "emails"
GATEWAY_LOGGERS = ("odoo.addons.mail.models.mail_thread", "odoo.addons.mail.models.mail_mail",
                   "odoo.models.unlink", "odoo.tests")


def cp1258_bytes(text):
    """``text`` as Windows-1258 bytes, the way Vietnamese Windows writes it.

    Windows-1258 has the base letters with their vowel marks (â, ơ, ư...) but
    writes the tones as combining marks after them.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        encoded = char.encode("cp1258", errors="ignore")
        if encoded:
            out += encoded
            continue
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


class MailGatewayCase(FeedbackCommon, MockEmail):
    """The alias domain, the intake alias and the helpers of the mail tests
    (no test here: test_mail_not_lost.py shares them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.alias_domain = env["mail.alias.domain"].create({
            "name": "example.com", "bounce_alias": "bounce", "catchall_alias": "catchall",
            "default_from": "notifications", "sequence": 1,
        })
        cls.company_a.write({
            "alias_domain_id": cls.alias_domain.id, "email": "info@example.com",
            "feedback_create_contacts": True, "feedback_reopen_days": 30,
        })
        cls.alias = env.ref("customer_feedback.mail_alias_feedback_intake")
        cls.alias.write({"alias_domain_id": cls.alias_domain.id, "alias_name": "feedback"})
        # Only our keywords classify: demo categories must not interfere.
        env["customer.feedback.category"].search([]).write({"keywords": False})
        cls.cat_b.keywords = "giao hàng, delivery"
        cls.cat_a.keywords = "máy tính bảng, tablet"
        cls.customer = "Khách Hàng Mới <khach.moi@cf-mail.example.com>"

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _sample(self, name):
        return (EMAILS / name).read_bytes()

    def _process(self, raw):
        """Process raw bytes like the gateway does; return the ticket (or nothing)."""
        thread_id = self.env["mail.thread"].sudo().message_process(False, raw)
        if not thread_id:
            return self.Ticket
        return self.Ticket.browse(thread_id)

    def _email(self, subject="Góp ý về cửa hàng", body="Cửa hàng nên mở cửa sớm hơn.",
               sender=None, to="feedback@example.com", html=None, charset="utf-8",
               headers=(), attachments=(), msg_id=None):
        message = EmailMessage()
        message["From"] = sender if sender is not None else self.customer
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = msg_id or make_msgid(domain="cf-mail.example.com")
        message["Date"] = formatdate(localtime=True)
        for header, value in headers:
            message[header] = value
        message.set_content(body, charset=charset)
        if html is not None:
            message.add_alternative(html, subtype="html")
        for name, content, maintype, subtype in attachments:
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
        return message.as_bytes()

    def _raw(self, body_bytes, charset, subject="Phản hồi", sender="khach.raw@cf-mail.example.com",
             extra=""):
        """A message whose body bytes are exactly ``body_bytes``, labelled ``charset``."""
        head = (
            f"From: {sender}\r\nTo: feedback@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: {make_msgid(domain='cf-mail.example.com')}\r\n"
            f"Date: {formatdate()}\r\nMIME-Version: 1.0\r\n{extra}"
            f'Content-Type: text/plain; charset="{charset}"\r\n'
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        )
        return head.encode("utf-8") + body_bytes + b"\r\n"

    def _text(self, ticket):
        return nfc(html2plaintext(ticket.description or ""))

    def _acknowledgements(self, ticket):
        """Emails to the customer of ``ticket`` whose subject carries its reference."""
        mails = self.env["mail.mail"].sudo().search(
            [("model", "=", ticket._name), ("res_id", "in", ticket.ids)]
        )
        customer = ticket.partner_email or "-"
        return mails.filtered(
            lambda m: ticket.name in (m.subject or "") and (
                customer in (m.email_to or "")
                or customer in m.recipient_ids.mapped("email_normalized")
            )
        )

    def _mail_to(self, address):
        mails = self.env["mail.mail"].sudo().search([]).filtered(
            lambda m: address in (m.email_to or "")
            or address in m.recipient_ids.mapped("email_normalized")
        )

        return mails


@tagged("post_install", "-at_install", "mail_gateway")
class TestMailGateway(MailGatewayCase):
    # ------------------------------------------------------------
    # The product's sample emails
    # ------------------------------------------------------------

    def test_sample_01_complaint_vi_utf8(self):
        ticket = self._process(self._sample("01_complaint_vi_utf8.eml"))
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            ticket.title, "Khiếu nại: máy tính bảng Galaxy Tab bị lỗi màn hình sau 3 ngày"
        )
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.kind, "complaint")
        self.assertIn("khiếu nại", ticket.classification_keywords)
        self.assertEqual(ticket.category_id, self.cat_a, "'máy tính bảng' is a keyword of A")
        self.assertEqual(ticket.department_id, self.dept_a)
        self.assertEqual(ticket.priority_id, self.prio_urgent, "complaints come first")
        self.assertEqual(ticket.partner_id.email, "an.nguyen@example.vn")
        self.assertEqual(ticket.partner_id.name, "Nguyễn Văn An")
        self.assertEqual(ticket.partner_phone, "0912 345 678")
        self.assertIn("Tôi mua máy tính bảng Galaxy Tab tại cửa hàng Cầu Giấy", self._text(ticket))
        self.assertFalse(ticket.needs_review)
        self.assertTrue(self._acknowledgements(ticket))
        self.assertIn(ticket.partner_id, self._acknowledgements(ticket).recipient_ids)
        # an automatic acknowledgement: only to the customer, and not an answer
        ack = ticket.message_ids.filtered(lambda m: ticket.name in (m.subject or ""))
        self.assertEqual(ack.message_type, "auto_comment")
        self.assertEqual(ack.notification_ids.res_partner_id, ticket.partner_id)
        portal_domain = self.env["mail.message"]._get_search_domain_share()
        self.assertTrue(ack.filtered_domain(portal_domain), "the customer sees it in the portal")
        self.assertIn(self.leader_a.partner_id, ticket.message_partner_ids, "the assignee follows")
        self.assertFalse(ticket.date_first_response, "the response deadline still runs")

    def test_sample_02_attachment_kept(self):
        ticket = self._process(self._sample("02_suggestion_en_attachment.eml"))
        self.assertEqual(ticket.kind, "suggestion")
        self.assertEqual(ticket.partner_id.name, "John Miller")
        attachment = ticket.message_ids.attachment_ids.filtered(
            lambda a: a.name == "survey-sheet.pdf"
        )
        self.assertEqual(len(attachment), 1)
        self.assertTrue(attachment.raw.startswith(b"%PDF-1.4"))
        self.assertEqual(attachment.res_model, ticket._name)
        self.assertEqual(attachment.res_id, ticket.id)

    def test_sample_03_html_sanitised(self):
        ticket = self._process(self._sample("03_praise_html_only.eml"))
        self.assertEqual(ticket.kind, "praise")
        self.assertEqual(ticket.title, "Lời khen cho nhân viên chăm sóc khách hàng")
        email = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        for html in (str(ticket.description), str(email.body)):
            self.assertIn("<b>chị Lan</b>", html)
            self.assertNotIn("<script", html)
            self.assertNotIn("alert", html)
            self.assertNotIn("onerror", html)

    def test_sample_04_windows_1258_decoded_exactly(self):
        ticket = self._process(self._sample("04_complaint_cp1258.eml"))
        expected = ("Nhân viên bán hàng ở cửa hàng Quận 1 trả lời tôi rất thiếu tôn trọng. "
                    "Tôi đề nghị công ty xem xét.")
        self.assertEqual(html2plaintext(ticket.description).strip(), expected,
                         "decoded and stored in composed (NFC) form, so that searches match")
        # a complaint about the attitude of the staff: criticism of behaviour
        # ('thai do', 'thiếu tôn trọng') outweighs the word 'phàn nàn'
        self.assertEqual(ticket.kind, "criticism")
        self.assertIn("phàn nàn", ticket.classification_keywords, "'Phan nan' without diacritics")
        self.assertIn("thiếu tôn trọng", ticket.classification_keywords)
        self.assertEqual(self.Ticket.search([("description", "ilike", "thiếu tôn trọng")]), ticket)

    def test_sample_05_reply_threads_on_01(self):
        ticket = self._process(self._sample("01_complaint_vi_utf8.eml"))
        count = self.Ticket.search_count([])
        reply = self._process(self._sample("05_reply_to_ticket.eml"))
        self.assertEqual(reply, ticket)
        self.assertEqual(self.Ticket.search_count([]), count, "no new ticket")
        self.assertIn("Tôi đồng ý với phương án đổi máy", str(ticket.message_ids[0].body))
        self.assertEqual(ticket.message_ids[0].author_id, ticket.partner_id)

    def test_sample_06_out_of_office(self):
        ticket = self._process(self._sample("06_out_of_office.eml"))
        self.assertTrue(ticket.needs_review)
        self.assertIn("automatic", ticket.review_reason)
        self.assertFalse(self._acknowledgements(ticket))

    def test_sample_07_encoded_words(self):
        ticket = self._process(self._sample("07_question_encoded_words.eml"))
        self.assertEqual(ticket.title, "Hỏi về chính sách bảo hành")
        self.assertEqual(ticket.partner_id.name, "Phạm Thu Hà")
        self.assertEqual(ticket.kind, "question")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_sample_08_no_sender(self):
        ticket = self._process(self._sample("08_malformed_no_from.eml"))
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertIn("no sender", ticket.review_reason)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.title, "no sender")
        self.assertIn("Sản phẩm bị lỗi", self._text(ticket))
        self.assertFalse(self._acknowledgements(ticket))
        self.assertTrue(ticket.message_ids.attachment_ids, "the broken part is kept")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_sample_09_duplicate_message_id(self):
        ticket = self._process(self._sample("01_complaint_vi_utf8.eml"))
        count = self.Ticket.search_count([])
        self.assertFalse(self._process(self._sample("09_duplicate_message_id.eml")))
        self.assertEqual(self.Ticket.search_count([]), count)
        self.assertEqual(len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 1)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_all_samples_in_a_row(self):
        """Nothing is lost: every sample but the duplicate gives a ticket or a reply."""
        results = {}
        for path in sorted(EMAILS.glob("*.eml")):
            results[path.name] = self._process(path.read_bytes())
        self.assertEqual(len(results), 9)
        for name, ticket in results.items():
            if name.startswith("09"):
                self.assertFalse(ticket, name)
            else:
                self.assertTrue(ticket, name)
        self.assertEqual(results["05_reply_to_ticket.eml"], results["01_complaint_vi_utf8.eml"])
        self.assertEqual(len(set(results.values()) - {self.Ticket}), 7)

    # ------------------------------------------------------------
    # Customer
    # ------------------------------------------------------------

    def test_partner_found_case_insensitive(self):
        count = self.env["res.partner"].search_count([])
        ticket = self._process(self._email(sender="An <NGUYEN.AN@CF-Customer.Example.COM>"))
        self.assertEqual(ticket.partner_id, self.customer_contact)
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(ticket.partner_phone, "+84 901 234 567", "the contact's phone")

    def test_partner_created(self):
        ticket = self._process(self._email(
            body="Gọi lại cho tôi: +84 912 000 111. Cảm ơn."
        ))
        self.assertEqual(ticket.partner_id.name, "Khách Hàng Mới")
        self.assertEqual(ticket.partner_id.email, "khach.moi@cf-mail.example.com")
        self.assertEqual(ticket.partner_phone, "+84 912 000 111", "phone taken from the body")

    def test_partner_not_created_when_setting_off(self):
        self.company_a.feedback_create_contacts = False
        count = self.env["res.partner"].search_count([])
        ticket = self._process(self._email(
            sender="Lê Thị Cúc <Cuc.Le@cf-mail.example.com>", body="Số điện thoại 0987 654 321"
        ))
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_name, "Lê Thị Cúc")
        self.assertEqual(ticket.partner_email, "cuc.le@cf-mail.example.com")
        self.assertEqual(ticket.partner_phone, "0987 654 321")
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no contact created")
        self.assertTrue(self._mail_to("cuc.le@cf-mail.example.com"), "acknowledged by email")

    # ------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------

    def test_kind_keywords_vietnamese_any_form(self):
        for subject in ("Khiếu nại về đơn hàng", "khieu nai ve don hang", "KHIẾU NẠI VỀ ĐƠN HÀNG",
                        "KHIEU NAI", "Complaint about my order"):
            with self.subTest(subject=subject):
                ticket = self._process(self._email(subject=subject, body="Xin xem xét."))
                self.assertEqual(ticket.kind, "complaint")
                self.assertEqual(ticket.auto_kind, "complaint")
                self.assertTrue(ticket.is_auto_classified)
                self.assertTrue(ticket.classification_keywords)
                self.assertGreater(ticket.classification_confidence, 0)
        ticket = self._process(self._email(subject="khieu nai", body="x"))
        self.assertEqual(ticket.classification_keywords, "khiếu nại")
        self.assertEqual(ticket.classification_confidence, 1.0)

    def test_kinds_from_body(self):
        cases = {
            "Tôi muốn góp ý về cách trưng bày.": "suggestion",
            "Cảm ơn nhân viên đã hỗ trợ tận tình.": "praise",
            "Máy không hoạt động sau khi cập nhật.": "technical_support",
            "Please send me a quotation for 20 units.": "product_request",
            "The cashier was rude to my mother.": "criticism",
            "Is it possible to change the delivery address?": "question",
            "Xin chào.": "other",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                ticket = self._process(self._email(subject="Phản hồi", body=body))
                self.assertEqual(ticket.kind, kind)

    def test_negated_keywords(self):
        cases = {
            # praise in the negative: a complaint, the negation kept as the reason
            # (not about an attitude: blaming conduct is criticism)
            "Tôi không hài lòng với chiếc ghế mới mua.": ("complaint", "không hài lòng"),
            "Toi khong hai long voi chiec ghe moi mua.": ("complaint", "khong hài lòng"),
            "Tôi chưa thật sự hài lòng.": ("complaint", "chưa hài lòng"),
            "I am not very satisfied with the repair.": ("complaint", "not satisfied"),
            "It isn't excellent at all.": ("complaint", "isn't excellent"),
            # other keywords in the negative just do not count
            "Máy không lỗi, chỉ muốn hỏi cách dùng.": ("question", "hỏi"),
            # not negations: the praise counts
            "Tôi rất hài lòng, cảm ơn.": ("praise", "hài lòng"),
            "Không biết cảm ơn thế nào cho đủ!": ("praise", "cảm ơn"),
            "Nó rất tuyệt vời, cảm ơn cha tôi đã giới thiệu.": ("praise", "tuyệt vời"),
        }
        for body, (kind, keyword) in cases.items():
            with self.subTest(body=body):
                ticket = self._process(self._email(subject="Phản hồi", body=body))
                self.assertEqual(ticket.kind, kind)
                self.assertIn(keyword, ticket.classification_keywords)
        ticket = self._process(self._email(subject="Phản hồi", body="Tôi không hài lòng."))
        self.assertEqual(ticket.classification_keywords.split(", "), ["không hài lòng"],
                         "the negated word alone is not a reason")

    def test_loi_and_loi_not_confused(self):
        praise = self._process(self._email(subject="Phản hồi", body="Cảm ơn lời khuyên của bạn."))
        self.assertEqual(praise.kind, "praise")
        self.assertNotIn("lỗi", praise.classification_keywords or "")
        error = self._process(self._email(subject="Phản hồi", body="Sản phẩm bị lỗi."))
        self.assertEqual(error.kind, "technical_support")
        self.assertIn("lỗi", error.classification_keywords)

    def test_category_and_department_from_keywords(self):
        ticket = self._process(self._email(
            subject="Giao hàng chậm", body="Đơn giao hàng của tôi trễ 3 ngày."
        ))
        self.assertEqual(ticket.category_id, self.cat_b)
        self.assertEqual(ticket.auto_category_id, self.cat_b)
        self.assertEqual(ticket.department_id, self.dept_b)
        self.assertIn("giao hàng", ticket.classification_keywords)

    def test_correction_measured(self):
        right = self._process(self._email(subject="Khiếu nại giao hàng"))
        wrong = self._process(self._email(subject="Khiếu nại máy tính bảng"))
        domain = [("id", "in", (right + wrong).ids)]
        self.assertEqual(self.Ticket._classification_accuracy(domain), (1.0, 2))
        wrong.kind = "question"
        self.assertTrue(wrong.classification_corrected)
        self.assertFalse(right.classification_corrected)
        self.assertEqual(wrong.auto_kind, "complaint", "what the machine found is kept")
        self.assertEqual(self.Ticket._classification_accuracy(domain), (0.5, 2))
        right.category_id = self.cat_a
        self.assertTrue(right.classification_corrected)
        self.assertEqual(self.Ticket._classification_accuracy(domain), (0.0, 2))

    def test_urgency_raises_priority_one_level(self):
        normal = self._process(self._email(subject="Góp ý về cửa hàng"))
        urgent = self._process(self._email(subject="Góp ý GẤP về cửa hàng"))
        urgent_en = self._process(self._email(subject="Suggestion", body="Please answer ASAP."))
        self.assertFalse(normal.is_urgent)
        self.assertEqual(normal.priority_id, self.prio_low)
        self.assertTrue(urgent.is_urgent)
        self.assertEqual(urgent.priority_id, self.prio_normal)
        self.assertTrue(urgent_en.is_urgent)
        self.assertEqual(urgent_en.priority_id, self.prio_normal)

    # ------------------------------------------------------------
    # Acknowledgement and automatic mail
    # ------------------------------------------------------------

    def test_acknowledgement_sent(self):
        with self.mock_mail_gateway():
            ticket = self._process(self._email())
        acks = self._acknowledgements(ticket)
        self.assertEqual(len(acks), 1)
        self.assertEqual(acks.recipient_ids, ticket.partner_id)
        self.assertIn(f"[{ticket.name}]", acks.subject)
        self.assertFalse(ticket.needs_review)

    def test_acknowledgement_setting_off(self):
        self.company_a.feedback_send_acknowledgement = False
        ticket = self._process(self._email())
        self.assertFalse(self._acknowledgements(ticket))

    @mute_logger(*GATEWAY_LOGGERS)
    def test_no_acknowledgement_to_automatic_mail(self):
        cases = [
            ("Auto-Submitted", "auto-replied"),
            ("Auto-Submitted", "auto-generated"),
            ("Precedence", "bulk"),
            ("Precedence", "list"),
            ("Precedence", "junk"),
            ("X-Autoreply", "yes"),
            ("X-Autorespond", "yes"),
            ("List-Id", "<news.cf-mail.example.com>"),
            ("List-Unsubscribe", "<mailto:unsubscribe@cf-mail.example.com>"),
            ("Return-Path", "<>"),
        ]
        for index, header in enumerate(cases):
            with self.subTest(header=header):
                sender = f"robot{index}@cf-mail.example.com"
                ticket = self._process(self._email(sender=sender, headers=[header]))
                self.assertEqual(len(ticket), 1, "automatic mail is kept, not lost")
                self.assertTrue(ticket.needs_review)
                self.assertTrue(ticket.review_reason)
                self.assertFalse(self._acknowledgements(ticket))
                self.assertFalse(self._mail_to(sender))
        # "Auto-Submitted: no" is a human
        ticket = self._process(self._email(headers=[("Auto-Submitted", "no")]))
        self.assertFalse(ticket.needs_review)
        self.assertTrue(self._acknowledgements(ticket))

    @mute_logger(*GATEWAY_LOGGERS)
    def test_no_acknowledgement_to_our_own_alias(self):
        self._process(self._email(sender="Feedback <feedback@example.com>"))
        self._process(self._email(sender="FEEDBACK@EXAMPLE.COM"))
        self.assertFalse(self._mail_to("feedback@example.com"))

    @mute_logger(*GATEWAY_LOGGERS)
    def test_empty_body(self):
        ticket = self._process(self._email(subject="", body=""))
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertIn("empty", ticket.review_reason)
        self.assertTrue(ticket.title)
        self.assertFalse(self._acknowledgements(ticket))

    # ------------------------------------------------------------
    # Department aliases
    # ------------------------------------------------------------

    def test_department_alias(self):
        support = self.env["customer.feedback.department"].create({
            "name": "CF Support", "company_id": self.company_a.id,
            "leader_id": self.user_b.id, "alias_name": "support",
        })
        self.assertEqual(support.alias_id.alias_full_name, "support@example.com")
        ticket = self._process(self._email(to="Support <support@example.com>",
                                           subject="Khiếu nại máy tính bảng"))
        self.assertEqual(ticket.department_id, support, "the alias wins over the category")
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.user_received_id, self.user_b, "received by the leader")

    # ------------------------------------------------------------
    # Threading and reopening
    # ------------------------------------------------------------

    def _ticket_by_mail(self, sender="Trần Văn Dũng <dung.tran@cf-mail.example.com>"):
        msg_id = make_msgid(domain="cf-mail.example.com")
        ticket = self._process(self._email(sender=sender, subject="Khiếu nại giao hàng",
                                           msg_id=msg_id))
        return ticket, msg_id

    def _close(self, ticket):
        ticket.write({"category_id": self.cat_b.id, "user_id": self.user_b.id})
        if ticket.state in ("new", "classified", "assigned"):
            ticket.action_start()
        ticket.resolution = "<p>Done</p>"
        ticket.action_resolve()
        ticket.action_close()
        self.assertEqual(ticket.state, "closed")

    def test_reply_by_subject_reference(self):
        ticket, _msg_id = self._ticket_by_mail()
        count = self.Ticket.search_count([])
        reply = self._process(self._email(
            sender="DUNG.TRAN@cf-mail.example.com", subject=f"Re: [{ticket.name}] thêm thông tin",
            body="Mã đơn hàng là 12345.",
        ))
        self.assertEqual(reply, ticket)
        self.assertEqual(self.Ticket.search_count([]), count)
        self.assertIn("Mã đơn hàng là 12345", str(ticket.message_ids[0].body))

    def test_reply_by_subject_reference_only_from_customer(self):
        ticket, _msg_id = self._ticket_by_mail()
        other = self._process(self._email(
            sender="stranger@cf-mail.example.com", subject=f"Re: [{ticket.name}] hello",
        ))
        self.assertNotEqual(other, ticket)
        self.assertEqual(other.partner_email, "stranger@cf-mail.example.com")
        self.assertNotIn("stranger", str(ticket.message_ids.mapped("body")))

    def test_reply_by_references_header(self):
        ticket, msg_id = self._ticket_by_mail()
        reply = self._process(self._email(
            sender="dung.tran@cf-mail.example.com", subject="Re: anything",
            headers=[("In-Reply-To", msg_id), ("References", msg_id)],
        ))
        self.assertEqual(reply, ticket)

    def test_reply_to_closed_ticket_reopens_within_delay(self):
        with freeze_time("2026-11-02 10:00:00"):
            ticket, msg_id = self._ticket_by_mail()
            self._close(ticket)
        with freeze_time("2026-11-20 10:00:00"):
            reply = self._process(self._email(
                sender="dung.tran@cf-mail.example.com", subject="Re: Khiếu nại giao hàng",
                body="Vẫn chưa được giải quyết.", headers=[("In-Reply-To", msg_id)],
            ))
        self.assertEqual(reply, ticket)
        self.assertEqual(ticket.state, "reopened")

    def test_reply_by_subject_to_closed_ticket_reopens_within_delay(self):
        with freeze_time("2026-11-02 10:00:00"):
            ticket, _msg_id = self._ticket_by_mail()
            self._close(ticket)
        with freeze_time("2026-11-20 10:00:00"):
            reply = self._process(self._email(
                sender="dung.tran@cf-mail.example.com", subject=f"Re: [{ticket.name}]",
            ))
        self.assertEqual(reply, ticket)
        self.assertEqual(ticket.state, "reopened")

    def test_reply_after_delay_creates_linked_ticket(self):
        with freeze_time("2026-11-02 10:00:00"):
            ticket, msg_id = self._ticket_by_mail()
            self._close(ticket)
        with freeze_time("2026-12-05 10:00:00"):
            by_header = self._process(self._email(
                sender="dung.tran@cf-mail.example.com", subject="Re: Khiếu nại giao hàng",
                body="Lại bị lỗi.", headers=[("In-Reply-To", msg_id), ("References", msg_id)],
            ))
            by_subject = self._process(self._email(
                sender="dung.tran@cf-mail.example.com", subject=f"Re: [{ticket.name}] lại nữa",
            ))
        self.assertEqual(ticket.state, "closed", "too late to reopen")
        for new in (by_header, by_subject):
            self.assertNotEqual(new, ticket)
            self.assertNotEqual(new.state, "closed")
            self.assertEqual(new.parent_ticket_id, ticket)
            self.assertEqual(new.partner_id, ticket.partner_id)
        self.assertEqual(by_header.department_id, ticket.department_id)

    # ------------------------------------------------------------
    # Attachments and HTML
    # ------------------------------------------------------------

    def test_inline_image_with_content_id(self):
        message = EmailMessage()
        message["From"] = self.customer
        message["To"] = "feedback@example.com"
        message["Subject"] = "Ảnh lỗi màn hình"
        message["Message-ID"] = make_msgid(domain="cf-mail.example.com")
        message.set_content("Xem ảnh.")
        message.add_alternative(
            '<p>Xem ảnh:</p><img src="cid:screen123@cf"/>', subtype="html"
        )
        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
        )
        message.get_payload()[1].add_related(
            png, maintype="image", subtype="png", cid="<screen123@cf>", filename="screen.png"
        )
        ticket = self._process(message.as_bytes())
        attachment = ticket.message_ids.attachment_ids.filtered(lambda a: a.name == "screen.png")
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.raw, png)
        body = str(ticket.message_ids.filtered(lambda m: m.message_type == "email").body)
        self.assertNotIn("cid:", body, "the inline image points to the stored attachment")
        self.assertEqual(ticket.kind, "technical_support")

    def test_rfc2231_attachment_name(self):
        message = EmailMessage()
        message["From"] = self.customer
        message["To"] = "feedback@example.com"
        message["Subject"] = "Báo giá"
        message["Message-ID"] = make_msgid(domain="cf-mail.example.com")
        message.set_content("Đính kèm.")
        message.add_attachment(b"%PDF-1.4 quote", maintype="application", subtype="pdf",
                               filename=("utf-8", "", "báo giá tháng 11.pdf"))
        raw = message.as_bytes()
        self.assertIn(b"filename*=utf-8''b%C3%A1o", raw)
        ticket = self._process(raw)
        self.assertIn("báo giá tháng 11.pdf", ticket.message_ids.attachment_ids.mapped("name"))

    def test_huge_attachment(self):
        big = b"\x00\x01" * (15 * 1024 * 1024 // 2)
        ticket = self._process(self._email(
            subject="Video lỗi", attachments=[("video.bin", big, "application", "octet-stream")]
        ))
        self.assertEqual(len(ticket), 1)
        attachment = ticket.message_ids.attachment_ids.filtered(lambda a: a.name == "video.bin")
        self.assertEqual(attachment.file_size, len(big))

    # ------------------------------------------------------------
    # Encodings
    # ------------------------------------------------------------

    def test_iso_8859_1(self):
        body = "Thank you, the café crème at the Hanoi store was excellent."
        ticket = self._process(self._raw(body.encode("latin-1"), "ISO-8859-1",
                                         subject="Praise"))
        self.assertIn("café crème", self._text(ticket))
        self.assertEqual(ticket.kind, "praise")

    def test_windows_1258_built(self):
        body = "Khiếu nại: sản phẩm bị lỗi, đề nghị đổi hàng gấp."
        raw = self._raw(cp1258_bytes(body), "windows-1258", subject="Don hang 123")
        ticket = self._process(raw)
        self.assertEqual(html2plaintext(ticket.description).strip(), body)
        self.assertEqual(ticket.kind, "complaint")
        self.assertTrue(ticket.is_urgent)

    def test_utf8_base64_html_alternative(self):
        ticket = self._process(self._email(
            subject="Khen ngợi", body="Tuyệt vời", html="<p>Dịch vụ <b>tuyệt vời</b></p>"
        ))
        self.assertIn("<b>tuyệt vời</b>", str(ticket.description))
        self.assertEqual(ticket.kind, "praise")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_unknown_charset(self):
        body = "Sản phẩm bị lỗi, tôi cần hỗ trợ."
        ticket = self._process(self._raw(body.encode("utf-8"), "x-unknown"))
        self.assertEqual(len(ticket), 1)
        self.assertIn(body, self._text(ticket), "utf-8 is the best guess")
        self.assertEqual(ticket.kind, "technical_support")
        self.assertTrue(ticket.needs_review)
        self.assertIn("x-unknown", ticket.review_reason)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_lying_charset(self):
        """Declared utf-8, written in windows-1258: the Vietnamese text survives."""
        body = "Nhân viên trả lời tôi rất thiếu tôn trọng, ở cửa hàng Quận 1."
        ticket = self._process(self._raw(cp1258_bytes(body), "utf-8"))
        self.assertEqual(len(ticket), 1)
        self.assertIn(body, self._text(ticket))
        self.assertNotIn("\ufffd", self._text(ticket))
        self.assertEqual(ticket.kind, "criticism")
        self.assertTrue(ticket.needs_review)

    @mute_logger(*GATEWAY_LOGGERS)
    def test_viscii(self):
        """Python has no VISCII codec: decoded anyway (libxml2's iconv)."""
        # "Sản phẩm bị lỗi" in VISCII (RFC 1456)
        viscii = b"S\xe4n ph\xa6m b\xb8 l\xb2i"
        ticket = self._process(self._raw(viscii, "viscii"))
        self.assertEqual(len(ticket), 1)
        self.assertIn("Sản phẩm bị lỗi", self._text(ticket))
        self.assertEqual(ticket.kind, "technical_support")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_unknown_charset_in_multipart_and_attachment(self):
        raw = (
            "From: khach.multi@cf-mail.example.com\r\nTo: feedback@example.com\r\n"
            "Subject: =?x-unknown?q?B=E1o_l=F6i?=\r\n"
            f"Message-ID: {make_msgid(domain='cf-mail.example.com')}\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
            '--B\r\nContent-Type: text/plain; charset="x-mac-vietnamese"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\nS=E1=BA=A3n ph=E1=BA=A9m\r\n"
            '--B\r\nContent-Type: text/csv; charset="x-unknown"; name="data.csv"\r\n'
            'Content-Disposition: attachment; filename="data.csv"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(b"a;b\r\n\xe4;\xa6\r\n").decode() + "\r\n--B--\r\n"
        ).encode()
        ticket = self._process(raw)
        self.assertEqual(len(ticket), 1)
        self.assertIn("Sản phẩm", self._text(ticket))
        attachment = ticket.message_ids.attachment_ids.filtered(lambda a: a.name == "data.csv")
        self.assertEqual(attachment.raw, b"a;b\r\n\xe4;\xa6\r\n", "kept byte for byte")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_garbage_is_not_lost(self):
        """A message Odoo cannot process still becomes a ticket, raw message attached."""
        raw = (
            b"From: khach.garbage@cf-mail.example.com\r\nTo: feedback@example.com\r\n"
            b"Subject: broken\r\nMessage-ID: <garbage-1@cf-mail.example.com>\r\n"
            b"Content-Type: text/plain; charset=\"utf-8\"\r\n\r\nhello\r\n"
        )
        with self.assertRaises(ZeroDivisionError), self._breaking_parse():
            self.env["mail.thread"].sudo().with_context(
                feedback_no_fallback=True).message_process(False, raw)
        with self._breaking_parse():
            ticket = self._process(raw)
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.needs_review)
        self.assertEqual(ticket.partner_email, "khach.garbage@cf-mail.example.com")
        self.assertEqual(ticket.title, "broken")
        original = ticket.message_ids.attachment_ids
        self.assertEqual(len(original), 1)
        self.assertEqual(original.raw.replace(b"\r\n", b"\n"), raw.replace(b"\r\n", b"\n"))
        self.assertFalse(self._acknowledgements(ticket))

    def _breaking_parse(self):
        from unittest.mock import patch

        from odoo.addons.mail.models.mail_thread import MailThread

        def boom(*args, **kwargs):
            return 1 / 0

        return patch.object(MailThread, "_message_parse_extract_payload", boom)

    # ------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------

    def test_query_count_one_email(self):
        # warm-up: caches, sequences, templates
        self._process(self._email(sender="warm@cf-mail.example.com"))
        raw = self._email(subject="Khiếu nại giao hàng", body="Đơn giao hàng trễ 3 ngày.",
                          sender="An <NGUYEN.AN@CF-Customer.Example.COM>")
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=107):
            ticket = self._process(raw)
            self.env.flush_all()
        self.assertEqual(ticket.partner_id, self.customer_contact)
