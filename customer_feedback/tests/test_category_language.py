"""A category reads in the reader's language, its whole path too, and is
found by the words of that language."""

from odoo.tests import tagged

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestCategoryLanguage(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        Category = cls.env["customer.feedback.category"]
        cls.services = Category.create({"name": "CF Services"})
        cls.delivery = Category.create({"name": "CF Delivery", "parent_id": cls.services.id})
        cls.services.with_context(lang="vi_VN").name = "CF Dịch vụ"
        cls.delivery.with_context(lang="vi_VN").name = "CF Giao hàng"

    def test_path_in_the_reader_language(self):
        user = self.user_a
        self.assertEqual(
            self.delivery.with_user(user).with_context(lang="vi_VN").display_name,
            "CF Dịch vụ / CF Giao hàng",
        )
        self.assertEqual(
            self.delivery.with_user(user).with_context(lang="en_US").display_name,
            "CF Services / CF Delivery",
        )
        ticket = self._create_ticket(category_id=self.delivery.id)
        self.assertEqual(
            ticket.with_user(user).with_context(lang="vi_VN").category_id.display_name,
            "CF Dịch vụ / CF Giao hàng",
        )

    def test_found_by_the_words_of_the_reader(self):
        Category = self.env["customer.feedback.category"].with_user(self.user_a)
        found = Category.with_context(lang="vi_VN").name_search("Giao hàng")
        self.assertIn(self.delivery.id, [record_id for record_id, _name in found])
        self.assertIn(
            "CF Dịch vụ / CF Giao hàng", [name for _record_id, name in found]
        )
        found = Category.with_context(lang="en_US").name_search("Delivery")
        self.assertIn(self.delivery.id, [record_id for record_id, _name in found])
