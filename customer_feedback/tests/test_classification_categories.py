"""How the category is chosen from the words, and the kinds newly read.

In the second company, whose categories are only those made here (the demo
categories are the first company's).

Through ``_classify_message`` (what the mail gateway and the public form
call), on the company's own categories; a feedback manager edits them
through the ORM with their own rights.
"""

from odoo.tests import tagged

from .test_mail_gateway import MailGatewayCase


@tagged("post_install", "-at_install")
class TestClassificationCategories(MailGatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["customer.feedback.category"]

        def category(name, keywords=False, **values):
            return Category.create({
                "name": name, "keywords": keywords, "company_id": cls.company_b.id, **values,
            })

        cls.furniture = category("CF Furniture", "nội thất, furniture")
        cls.stands = category(
            "CF TV Stands", "kệ tivi, tv stand", parent_id=cls.furniture.id, kind="complaint"
        )
        cls.shipping = category("CF Shipping", "giao hàng, shipping")
        cls.lamps = category("CF Lamps", "đèn, lamp")
        cls.visits = category("CF Home Visits", "kỹ thuật viên, technician")
        # no keywords: only its name
        cls.blinds = category("Window Blinds & Rèm cuốn")

    def _classify(self, body, subject=""):
        return self.Ticket._classify_message(subject, body, self.company_b)

    def _category(self, body, subject=""):
        return self.env["customer.feedback.category"].browse(
            self._classify(body, subject)["category_id"]
        )

    def test_a_negation_does_not_hide_what_the_message_is_about(self):
        for body in (
            "Đã một tuần mà shop vẫn chưa giao hàng.",
            "da mot tuan ma shop van chua giao hang",
            "We were told the sofa is not shipping before May.",
        ):
            with self.subTest(body=body):
                self.assertEqual(self._category(body), self.shipping)

    def test_a_phrase_outweighs_an_ambiguous_syllable(self):
        # typed without diacritics, 'den' is 'đèn' (lamp) or 'đến' (comes)
        self.assertEqual(self._category("ky thuat vien den nha tre 2 tieng"), self.visits)
        self.assertEqual(self._category("Kỹ thuật viên đến nhà trễ 2 tiếng"), self.visits)
        # alone, the syllable still finds its category
        self.assertEqual(self._category("den phong khach bi chap"), self.lamps)

    def test_the_most_precise_category_wins(self):
        # the parent's two words against the child's one: the child still
        self.assertEqual(
            self._category("Nội thất (furniture) nhà mình mua ở đây, kệ tivi bị nứt chân."),
            self.stands,
        )
        self.assertEqual(self._category("Furniture delivered, the tv stand is cracked"),
                         self.stands)
        self.assertEqual(self._category("Nội thất rất bền."), self.furniture)

    def test_english_plurals_and_the_category_name(self):
        self.assertEqual(self._category("Two tv stands arrived with a cracked shelf"),
                         self.stands)
        # a category without keywords is found by its name's parts
        self.assertEqual(self._category("The window blinds are stuck half way"), self.blinds)
        self.assertEqual(self._category("Rèm cuốn phòng ngủ kéo không lên"), self.blinds)
        self.assertEqual(self._category("rem cuon phong ngu keo khong len"), self.blinds)

    def test_manager_weighs_what_happened_over_the_product_named(self):
        body = "Kệ tivi / TV stand giao hàng trễ 3 ngày so với hẹn."
        self.assertEqual(self._category(body), self.stands, "two words against one")
        self.shipping.with_user(self.manager_b).keyword_weight = 2.5
        self.assertEqual(self._category(body), self.shipping)
        values = self._classify(body)
        self.assertEqual(values["category_method"], "rules")
        self.assertIn("giao hàng", values["classification_keywords"])

    def test_a_quantity_asked_for_is_a_product_request(self):
        cases = {
            "Công ty mình cần 15 kệ tivi cho các phòng họp.": "product_request",
            "cong ty minh muon lay 30 ke tivi cho khach san": "product_request",
            "We need 12 tv stands for our hotel rooms.": "product_request",
            "We'd order 6 tv stands straight away if they came in white.": "product_request",
            # a number of times or days is no order
            "Kệ tivi giao trễ, mình đã mua 4 lần rồi mà lần nào cũng thất vọng.": "complaint",
            "ke tivi giao tre, minh da mua 45 lan roi ma lan nao cung that vong": "complaint",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                values = self._classify(body)
                self.assertEqual(values["kind"], kind)
                # the rules found it, not the generic model shipped
                self.assertEqual(values["kind_method"], "rules")

    def test_new_words_of_praise_complaint_criticism_and_support(self):
        cases = {
            "Kệ tivi dùng 3 năm vẫn như mới, rất bền.": "praise",
            "ke tivi dung 3 nam van nhu moi, rat ben": "praise",
            "The tv stand was delivered on time, much appreciated.": "praise",
            "Quảng cáo một đằng giao một nẻo, lừa khách à? Vậy là sao?": "complaint",
            "The photo of the tv stand is misleading, the colour is nothing like it.": "complaint",
            "Nhân viên trả lời cộc lốc, hỏi gì cũng nhát gừng.": "criticism",
            "The salesman sighed and kept looking at his phone.": "criticism",
            "Kệ tivi điện kêu rè rè, nhờ shop đặt lịch sửa giúp.": "technical_support",
            "The tv stand motor makes a noise, can you send a technician?": "technical_support",
            # 'my order' is what was bought, not an order to place
            "The tv stand was due last week and nobody answers about my order.": "complaint",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertEqual(self._classify(body)["kind"], kind)

    def test_questions_that_go_on_and_please_is_no_praise(self):
        for body in (
            "Kệ tivi có chống ẩm không, nhà mình ở gần biển.",
            "ke tivi co ban kem ke sach khong hay phai mua rieng",
        ):
            with self.subTest(body=body):
                values = self._classify(body)
                self.assertEqual(values["kind"], "question")
                self.assertEqual(values["kind_method"], "rules")
        # 'vui lòng' is 'please', not 'vui' (glad)
        self.assertNotEqual(
            self._classify("Vui lòng cập nhật số điện thoại nhận kệ tivi của tôi.")["kind"],
            "praise",
        )
