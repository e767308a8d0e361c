"""Vietnamese as it is typed: without its tones, with the old or the new
placement of the tone marks, composed (NFC) or decomposed (NFD).

The search tests need PostgreSQL's unaccent in the test database, which
setup/install.sh provides: ``test_unaccent_is_enabled`` fails when the setup
forgot it, rather than letting the others be skipped.
"""

import unicodedata

from odoo.modules.db import FunctionStatus
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config

from ..tools.vietnamese import normalize_vietnamese
from .common import FeedbackCommon, RequiresHttpServer
from .test_mail_gateway import MailGatewayCase

# (new style, old style): the tone on the second or the first vowel of the pair
TONE_PAIRS = [
    ("hoá", "hóa"), ("thuỷ", "thủy"), ("oà", "òa"), ("uý", "úy"), ("oè", "òe"),
    ("khoẻ", "khỏe"), ("hoạ", "họa"), ("luỹ", "lũy"), ("tuỳ", "tùy"), ("xoã", "xõa"),
]


def nfd(text):
    return unicodedata.normalize("NFD", text)


class TestNormalizeVietnamese(TransactionCase):
    def test_both_placements_give_the_old_style(self):
        for new, old in TONE_PAIRS:
            with self.subTest(word=new):
                self.assertEqual(normalize_vietnamese(new), old)
                self.assertEqual(normalize_vietnamese(old), old)

    def test_decomposed_input(self):
        for new, old in TONE_PAIRS:
            with self.subTest(word=new):
                self.assertEqual(normalize_vietnamese(nfd(new)), old)
                self.assertEqual(normalize_vietnamese(nfd(old)), old)
        self.assertEqual(normalize_vietnamese(nfd("Khiếu nại hoá đơn")), "Khiếu nại hóa đơn")

    def test_case_is_kept(self):
        self.assertEqual(normalize_vietnamese("HOÁ ĐƠN"), "HÓA ĐƠN")
        self.assertEqual(normalize_vietnamese("Thuỷ Tiên"), "Thủy Tiên")
        self.assertEqual(normalize_vietnamese("Hoà Bình"), "Hòa Bình")
        self.assertEqual(normalize_vietnamese(nfd("KHOẺ")), "KHỎE")

    def test_words_with_one_placement_unchanged(self):
        # a final consonant or vowel, 'qu' (a consonant), a longer vowel group,
        # a pair with a circumflex, breve or horn
        for word in ("hoàn", "khuyến", "ngoài", "quý", "quà", "quỳnh", "khuya", "khuỷu",
                     "hoặc", "thuở", "Khiếu nại", "đơn"):
            with self.subTest(word=word):
                self.assertEqual(normalize_vietnamese(word), word)
                self.assertEqual(normalize_vietnamese(nfd(word)), word)

    def test_text_without_diacritics_unchanged(self):
        for text in ("giao hang", "hoa don", "thuy", "Buy a toy", "", "123 oa-oe"):
            with self.subTest(text=text):
                self.assertEqual(normalize_vietnamese(text), text)
        self.assertEqual(normalize_vietnamese(None), "")

    def test_idempotent(self):
        text = "Khách hàng khoẻ, tuỳ ý huỷ hoá đơn thuỷ điện ở Hoà Bình"
        once = normalize_vietnamese(text)
        self.assertEqual(once, "Khách hàng khỏe, tùy ý hủy hóa đơn thủy điện ở Hòa Bình")
        self.assertEqual(normalize_vietnamese(once), once)


@tagged("post_install", "-at_install")
class TestAccentInsensitiveSearch(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_an = cls.env["res.partner"].create({
            "name": "Nguyễn Văn An", "email": "an.nguyen@cf-vn.example.com",
        })
        Ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        values = {"kind": "complaint", "category_id": cls.cat_a.id}
        cls.late = Ticket.create([
            {**values, "title": "Giao hàng chậm 3 ngày", "partner_id": cls.customer_an.id},
            {**values, "title": "Khiếu nại giao hàng sai địa chỉ"},
        ])
        cls.invoice = Ticket.create({**values, "title": "Hóa đơn thiếu thuế"})
        cls.other = Ticket.create({**values, "title": "Giá cao"})
        cls.env.flush_all()

    def _web_search(self, domain):
        """What the list view of a Feedback User gets for ``domain``."""
        result = self.env["customer.feedback.ticket"].with_user(self.user_a).web_search_read(
            domain, {"title": {}, "name": {}}
        )
        return {record["id"] for record in result["records"]}

    def _ticket_search(self, term):
        """The search view's 'Ticket' field: reference or title."""
        return self._web_search(["|", ("name", "ilike", term), ("title", "ilike", term)])

    def test_unaccent_is_enabled(self):
        self.assertTrue(config["unaccent"], "setup/install.sh writes unaccent = True")
        self.assertEqual(
            self.env.registry.has_unaccent, FunctionStatus.INDEXABLE,
            "setup/install.sh creates the unaccent extension, immutable, in template1",
        )

    def test_trigram_indexes_on_unaccent(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'customer_feedback_ticket' AND indexname IN "
            "('customer_feedback_ticket__name_index', 'customer_feedback_ticket__title_index')"
        )
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(len(indexes), 2)
        for name, definition in indexes.items():
            with self.subTest(index=name):
                self.assertIn("gin (unaccent(", definition)

    def test_plain_trigram_index_rebuilt_on_update(self):
        """A database indexed before unaccent was installed gets the
        unaccent index at the next module update."""
        cr = self.env.cr
        cr.execute("DROP INDEX customer_feedback_ticket__title_index")
        cr.execute(
            "CREATE INDEX customer_feedback_ticket__title_index "
            "ON customer_feedback_ticket USING gin (title gin_trgm_ops)"
        )
        # what the registry does for each model on -u: init, then the index check
        self.env["customer.feedback.ticket"].init()
        self.env.registry.check_indexes(cr, ["customer.feedback.ticket"])
        cr.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'customer_feedback_ticket__title_index'"
        )
        self.assertIn("gin (unaccent((title)::text) gin_trgm_ops)", cr.fetchone()[0])

    def test_web_client_search_without_tones(self):
        for term in ("giao hang", "giao hàng", "GIAO HANG", "giáo hang", nfd("giao hàng")):
            with self.subTest(term=term):
                self.assertEqual(self._ticket_search(term), set(self.late.ids))

    def test_web_client_search_either_tone_placement(self):
        for term in ("hoa don", "hóa đơn", "hoá đơn", nfd("hoá đơn")):
            with self.subTest(term=term):
                self.assertEqual(self._ticket_search(term), set(self.invoice.ids))

    def test_web_client_search_by_customer(self):
        """The search view's 'Customer' field: partner, name, email, phone."""
        term = "nguyen van an"
        found = self._web_search([
            "|", "|", "|", ("partner_id", "ilike", term), ("partner_name", "ilike", term),
            ("partner_email", "ilike", term), ("partner_phone", "ilike", term),
        ])
        self.assertEqual(found, set(self.late[0].ids))

    def test_contact_search_without_tones(self):
        Partner = self.env["res.partner"].with_user(self.user_a)
        for term in ("nguyen van an", "Nguyen Van An", "nguyễn văn an", nfd("Nguyễn Văn An")):
            with self.subTest(term=term):
                found = [partner_id for partner_id, _name in Partner.name_search(term)]
                self.assertIn(self.customer_an.id, found)


@tagged("post_install", "-at_install")
class TestPortalSearchVietnamese(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        values = {"kind": "complaint", "partner_id": cls.customer_portal.id}
        cls.late = Ticket.create({**values, "title": "Giao hàng chậm"})
        cls.invoice = Ticket.create({**values, "title": "Hóa đơn sai"})
        cls.other = Ticket.create({**values, "title": "Giá cao"})

    def _search(self, term):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/feedback", params={"search": term})
        self.assertEqual(response.status_code, 200)
        return {
            ticket for ticket in self.late + self.invoice + self.other
            if ticket.name in response.text
        }

    def test_search_without_tones(self):
        for term in ("giao hang", "Giao Hàng", nfd("giao hàng")):
            with self.subTest(term=term):
                self.assertEqual(self._search(term), set(self.late))

    def test_search_either_tone_placement(self):
        for term in ("hoá đơn", "hóa đơn", nfd("hoá đơn"), "hoa don"):
            with self.subTest(term=term):
                self.assertEqual(self._search(term), set(self.invoice))


@tagged("post_install", "-at_install", "mail_gateway")
class TestClassificationSpellings(MailGatewayCase):
    """The words of a category match however the customer spells them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_a.keywords = "hóa đơn, thủy điện"  # old style
        cls.cat_b.keywords = "hoà mạng"  # new style

    def test_same_classification_for_every_spelling(self):
        subjects = ["Khiếu nại hóa đơn", "Khiếu nại hoá đơn",
                    nfd("Khiếu nại hóa đơn"), nfd("Khiếu nại hoá đơn"), "KHIẾU NẠI HOÁ ĐƠN"]
        for subject in subjects:
            with self.subTest(subject=subject):
                ticket = self._process(self._email(subject=subject, body="Xin kiểm tra."))
                self.assertEqual(ticket.kind, "complaint")
                self.assertEqual(ticket.category_id, self.cat_a)
                self.assertEqual(ticket.classification_keywords, "khiếu nại, hóa đơn")

    def test_keyword_in_new_style_matches_old_style_text(self):
        for body in ("Tôi muốn hòa mạng.", "Tôi muốn hoà mạng.", nfd("Tôi muốn hòa mạng.")):
            with self.subTest(body=body):
                ticket = self._process(self._email(subject="Yêu cầu", body=body))
                self.assertEqual(ticket.category_id, self.cat_b)

    def test_body_in_decomposed_form_new_style(self):
        ticket = self._process(self._email(
            subject="Phản ánh", body=nfd("Nhà máy thuỷ điện gửi hoá đơn trễ."),
        ))
        self.assertEqual(ticket.category_id, self.cat_a)
        self.assertIn("hóa đơn", ticket.classification_keywords)
        self.assertIn("thủy điện", ticket.classification_keywords)
