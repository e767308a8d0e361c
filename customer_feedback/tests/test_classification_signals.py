"""Classification that reads customers: signals, vocabulary as data, learning.

The messages go through the mail gateway (raw RFC 822, ``message_process``)
where the test is about a ticket, and through ``_classify_message`` (what the
gateway and the public form call) for the tables of small examples.
"""

import unicodedata
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..models.customer_feedback_classifier import MIN_EXAMPLES
from ..tools.text_classifier import NaiveBayes
from .test_mail_gateway import GATEWAY_LOGGERS, MailGatewayCase


@tagged("post_install", "-at_install")
class TestClassificationSignals(MailGatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Category = cls.env["customer.feedback.category"]
        # a category whose default kind is a complaint, like the demo's products
        cls.cat_stands = cls.Category.create({
            "name": "CF TV Stands", "kind": "complaint", "keywords": "kệ tivi, tv stand",
            "company_id": cls.company_a.id,
        })
        # a category the rules do not know: no keywords
        cls.cat_lamps = cls.Category.create({
            "name": "CF Lamps", "kind": "complaint", "company_id": cls.company_a.id,
        })

    def _kind(self, body, subject=""):
        return self.Ticket._classify_message(subject, body, self.company_a)["kind"]

    def test_questions_both_languages(self):
        for body in (
            "Cho mình hỏi kệ tivi này còn màu trắng không?",
            "cho minh hoi ke tivi nay con mau trang khong?",
            "Kệ tivi dài bao nhiêu vậy shop",
            "ke tivi giao mat bao lau",
            "Kệ tivi có kèm ốc vít không ạ",
            "How long is the tv stand?",
            "Does the tv stand come assembled?",
            "tv stand in walnut?",
        ):
            with self.subTest(body=body):
                self.assertEqual(self._kind(body), "question")

    def test_praise_and_dissatisfaction_weighted_with_negation(self):
        cases = {
            "Kệ tivi đẹp, giao nhanh, rất hài lòng!": "praise",
            "ke tivi dep, giao nhanh, rat hai long": "praise",
            "Quick delivery and the tv stand looks amazing, thanks!": "praise",
            "Kệ tivi không đẹp như hình, giao cũng không nhanh.": "complaint",
            "The tv stand is not great and the delivery was not fast.": "complaint",
            # one thank-you at the end of a complaint does not make it praise
            "Kệ tivi bị trầy và móp, thất vọng quá. Cảm ơn.": "complaint",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertEqual(self._kind(body), kind)

    def test_requests_suggestions_criticism_errors(self):
        cases = {
            "Bên mình cần 20 cái kệ tivi, gửi giúp báo giá nhé": "product_request",
            "We would like to buy 12 tv stands, please quote": "product_request",
            "Shop nên có thêm kệ tivi màu xám": "suggestion",
            "shop nen co them ke tivi mau xam": "suggestion",
            "Mong shop đề xuất thêm mẫu kệ tivi treo tường": "suggestion",
            "It would be useful to have a tv stand with a drawer": "suggestion",
            "Nhân viên giao kệ tivi thái độ cáu gắt, quát cả mẹ tôi": "criticism",
            "The installer of the tv stand was rude and unprofessional": "criticism",
            "Kệ tivi điện hiện mã lỗi E4 rồi đứng im": "technical_support",
            "the motorised tv stand shows error 12": "technical_support",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertEqual(self._kind(body), kind)

    def test_praise_cut_short_by_but(self):
        """Praise, then "but" and what went wrong: the matter is what went
        wrong. Praise after the "but", or a question after it, stays."""
        cases = {
            "Kệ tivi rất đẹp, nhưng thợ lắp làm trầy hết sàn nhà mình.": "complaint",
            "ke tivi rat dep, nhung tho lap lam tray het san nha minh": "complaint",
            "The tv stand is great, but the two guys left screws all over the floor.":
                "complaint",
            "Giao hơi chậm nhưng kệ tivi rất đẹp, cảm ơn shop nhiều!": "praise",
            "Lovely tv stand, but could you tell me if it comes in grey?": "question",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertEqual(self._kind(body), kind)

    def test_asking_to_have_it_made_and_asking_how_to_make_it_work(self):
        cases = {
            "Bên mình có nhận làm kệ tivi theo bản vẽ riêng không ạ?": "product_request",
            "ben minh co nhan lam ke tivi theo kich thuoc khong": "product_request",
            "Do you make tv stands to custom dimensions?": "product_request",
            "Kệ tivi chỉ kéo ra được một ngăn, làm sao để mở các ngăn còn lại?":
                "technical_support",
            "ke tivi ko ha xuong dc nua, chi minh cach chinh voi": "technical_support",
            "How do I reset the motorised tv stand?": "technical_support",
            # nobody answering is not a device that does not work
            "Gọi mãi không liên lạc được với bên giao kệ tivi, thất vọng quá.": "complaint",
        }
        for body, kind in cases.items():
            with self.subTest(body=body):
                self.assertEqual(self._kind(body), kind)

    def test_both_tone_placements_and_decomposed(self):
        old = "Kệ tivi giao sai hóa đơn, khỏe thì tôi ra cửa hàng. Thất vọng."
        new = "Kệ tivi giao sai hoá đơn, khoẻ thì tôi ra cửa hàng. Thất vọng."
        results = {
            self._kind(text) for text in (old, new, unicodedata.normalize("NFD", new))
        }
        self.assertEqual(results, {"complaint"})

    @mute_logger(*GATEWAY_LOGGERS)
    def test_category_default_never_overrides_question_or_praise(self):
        question = self._process(self._email(
            subject="Kệ tivi", body="Kệ tivi gỗ sồi có bảo hành bao lâu vậy?"
        ))
        self.assertEqual(question.category_id, self.cat_stands)
        self.assertEqual(question.kind, "question", "not the category's default complaint")
        self.assertNotEqual(question.kind_method, "default")
        praise = self._process(self._email(
            subject="TV stand", body="The tv stand arrived quickly, lovely finish. Thank you!"
        ))
        self.assertEqual(praise.kind, "praise")
        silent = self._process(self._email(subject="Kệ tivi", body="Kệ tivi."))
        self.assertEqual(silent.kind, "complaint", "nothing said: the category's default")
        self.assertEqual(silent.kind_method, "default")

    @mute_logger(*GATEWAY_LOGGERS)
    def test_manager_edits_vocabulary_and_it_changes_the_result(self):
        body = "Đèn phòng khách cứ chập chờn từ hôm qua."
        self.assertNotEqual(self._kind(body), "technical_support")
        Keyword = self.env["customer.feedback.kind.keyword"]
        with self.assertRaises(AccessError):
            Keyword.with_user(self.user_a).create({"term": "chập chờn", "kind": "complaint"})
        self.assertTrue(Keyword.with_user(self.user_a).search_count([]), "users read it")
        term = Keyword.with_user(self.manager).create({
            "term": "chập chờn", "kind": "technical_support", "weight": 3, "lang": "vi",
        })
        self.assertEqual(self._kind(body), "technical_support")
        self.assertEqual(self._kind("den phong khach cu chap chon"), "technical_support")
        self.assertFalse(
            Keyword.with_user(self.user_company_b).search([("id", "=", term.id)]),
            "another company's users do not read it",
        )
        self.assertTrue(Keyword.with_user(self.user_company_b).search_count([]), "shared terms")
        ticket = self._process(self._email(subject="Đèn", body=body))
        self.assertIn("chập chờn", ticket.classification_keywords)
        term.with_user(self.manager).active = False
        self.assertNotEqual(self._kind(body), "technical_support")
        # urgency words too
        self.assertFalse(
            self.Ticket._classify_message("", "Đèn bốc khói", self.company_a)["is_urgent"]
        )
        Keyword.with_user(self.manager).create({"term": "bốc khói", "usage": "urgency"})
        self.assertTrue(
            self.Ticket._classify_message("", "den boc khoi", self.company_a)["is_urgent"]
        )
        # another company does not see it
        self.assertFalse(
            self.Ticket._classify_message("", "Đèn bốc khói", self.company_b)["is_urgent"]
        )

    def _lamp_messages(self):
        return [
            "Đèn bàn mua tuần trước bóng bị chập, bật lên tắt ngay.",
            "den ban chap chon, sang toi lai tat",
            "The desk lamp flickers all the time.",
            "Chao đèn bị nứt một đường.",
            "Dây đèn ngắn quá không tới ổ điện.",
            "Đèn đứng ở phòng khách không sáng nữa.",
            "my floor lamp lightbulb burned out on day two",
            "Bóng đèn led nhanh cháy quá.",
            "den cay bi nghieng, chan de khong vung",
            "The lamp shade arrived crushed.",
        ]

    @mute_logger(*GATEWAY_LOGGERS)
    def test_training_on_corrections_changes_the_next_ticket(self):
        probe = "Cái đèn ngủ bóng chập chờn, sáng được một lúc là tắt."
        before = self.Ticket._classify_message("", probe, self.company_a)
        self.assertNotEqual(before["category_id"], self.cat_lamps.id)
        for ticket in self._correct_lamp_tickets():
            self.assertTrue(ticket.classification_corrected)
        # the nightly job learns; a manager may also start it from the list
        cron = self.env.ref("customer_feedback.ir_cron_train_classifiers")
        self.assertTrue(cron.active)
        self.env["customer.feedback.classifier"]._cron_train()
        classifier = self.env["customer.feedback.classifier"].search(
            [("company_id", "=", self.company_a.id)]
        )
        self.assertGreaterEqual(classifier.example_count, MIN_EXAMPLES + 2)
        self.assertTrue(classifier.is_used)
        ticket = self._process(self._email(subject="Đèn ngủ", body=probe))
        self.assertEqual(ticket.category_id, self.cat_lamps)
        self.assertEqual(ticket.category_method, "learned")
        # the explanation names the words that decided
        self.assertIn("den", ticket.classification_keywords.split(", "))
        # another company learned nothing from it
        other = self.Ticket._classify_message("", probe, self.company_b)
        self.assertNotEqual(other["category_id"], self.cat_lamps.id)

    def test_tickets_left_without_category_teach_no_category(self):
        """What agents leave without a category (a greeting, a CV for human
        resources) is learned as such: a message like them gets no category
        from the learned model, instead of the one it resembles least badly."""
        probe = "Chào công ty, em gửi CV ứng tuyển, nhờ chuyển phòng nhân sự giúp em."
        tickets = self._correct_lamp_tickets()
        uncategorised = [
            "Em gửi CV ứng tuyển vị trí kế toán, nhờ chuyển phòng nhân sự.",
            "Chào công ty, chúc mừng năm mới.",
            "Xin chào, em gửi hồ sơ ứng tuyển ạ.",
            "Test, xin chào.",
        ]
        for index in range(MIN_EXAMPLES):
            ticket = self._process(self._email(
                sender=f"Người {index} <nguoi{index}@cf-mail.example.com>",
                subject=f"Thư {index}", body=uncategorised[index % len(uncategorised)],
            ))
            ticket.with_user(self.manager).write({"category_id": False})
            tickets |= ticket
        self.env["customer.feedback.classifier"]._cron_train()
        values = self.Ticket._classify_message("", probe, self.company_a)
        self.assertFalse(values["category_id"])
        self.assertEqual(values["category_method"], "learned")

    def test_greetings_alone_say_nothing(self):
        """A message of greetings only is "other" and has no category: the
        learned models, which saw greetings open many questions, are not
        asked (they are, once the message says more)."""
        self._correct_lamp_tickets()
        self.env["customer.feedback.classifier"]._cron_train()
        greetings = ("Xin chào.", "xin chao shop", "Hello team!", "Chào anh chị, chúc mừng năm mới")
        for body in greetings:
            with self.subTest(body=body):
                values = self.Ticket._classify_message("Phản hồi", body, self.company_a)
                self.assertEqual((values["kind"], values["category_id"]), ("other", False))
                self.assertEqual(values["kind_method"], "none")
        values = self.Ticket._classify_message(
            "", "Xin chào, cái đèn ngủ bóng chập chờn, sáng được một lúc là tắt.", self.company_a)
        self.assertEqual(values["category_id"], self.cat_lamps.id)

    def _correct_lamp_tickets(self):
        """MIN_EXAMPLES + 2 lamp tickets by mail, their category corrected
        to the lamps by a feedback manager: the tickets."""
        messages = self._lamp_messages()
        tickets = self.env["customer.feedback.ticket"]
        for index in range(MIN_EXAMPLES + 2):
            ticket = self._process(self._email(
                # as many customers (one customer's flood of mail is held back)
                sender=f"Khách {index} <khach{index}@cf-mail.example.com>",
                subject=f"Phản hồi {index}",
                body=f"{messages[index % len(messages)]} Mã đơn {1000 + index}.",
            ))
            # a feedback manager corrects the category (through the write of the form)
            ticket.with_user(self.manager).write({"category_id": self.cat_lamps.id})
            tickets |= ticket
        return tickets

    def test_company_kind_model_keeps_what_the_generic_one_knows(self):
        # a new company whose agents so far corrected complaints only
        company = self.env["res.company"].create({"name": "CF Lamps Only"})
        messages = self._lamp_messages()
        self.Ticket.create([
            {
                "title": f"Phản hồi {index}", "description": messages[index % len(messages)],
                "company_id": company.id, "kind": "complaint", "auto_kind": "other",
                "is_auto_classified": True,
            }
            for index in range(MIN_EXAMPLES + 2)
        ])
        # the nightly job
        self.env["customer.feedback.classifier"]._cron_train()
        kind_model, _category_model = self.env["customer.feedback.classifier"]._learned_models(
            company.id
        )
        # its own tickets teach no question; questions are still known, from
        # the generic model its tickets were added to
        self.assertEqual(
            kind_model.predict("Cho mình hỏi ghế xoay này bảo hành bao lâu vậy ạ?")[0],
            "question",
        )

    @mute_logger(*GATEWAY_LOGGERS)
    def test_learned_category_the_rules_cannot_find_wins_over_their_finding(self):
        # the lamp was bought with a TV stand: the rules find the stand, in
        # the subject and the body, clearly
        probe = "Đèn ngủ mua kèm kệ tivi, bóng chập chờn, sáng được một lúc là tắt."
        before = self.Ticket._classify_message("Kệ tivi và đèn", probe, self.company_a)
        self.assertEqual(before["category_id"], self.cat_stands.id)
        self.assertEqual(before["category_method"], "rules")
        self._correct_lamp_tickets()
        self.env["customer.feedback.classifier"]._cron_train()
        # the lamps have no keywords: that the rules found the stand says
        # nothing against them, what the agents taught decides
        ticket = self._process(self._email(subject="Kệ tivi và đèn", body=probe))
        self.assertEqual(ticket.category_id, self.cat_lamps)
        self.assertEqual(ticket.category_method, "learned")
        self.assertIn("den", ticket.classification_keywords.split(", "))
        # once the lamps have keywords, the rules know them: the learned
        # model no longer sets aside what the rules found
        self.cat_lamps.keywords = "đèn bàn"
        after = self.Ticket._classify_message("Kệ tivi và đèn", probe, self.company_a)
        self.assertEqual(after["category_id"], self.cat_stands.id)

    def test_manager_trains_now_user_cannot(self):
        Classifier = self.env["customer.feedback.classifier"]
        classifier = Classifier.search([("company_id", "=", self.company_a.id)])
        classifier = classifier or Classifier.create({"company_id": self.company_a.id})
        with self.assertRaises(AccessError):
            classifier.with_user(self.user_a).action_train()
        classifier.with_user(self.manager).action_train()
        self.assertTrue(classifier.date_trained)

    @mute_logger("odoo.addons.customer_feedback.models.customer_feedback_scheduled_job")
    def test_training_failure_isolated_per_company(self):
        Classifier = type(self.env["customer.feedback.classifier"])
        original = Classifier._training_examples

        def failing(classifier):
            if classifier.company_id == self.company_b:
                raise ValueError("corrupted history")
            return original(classifier)

        with patch.object(Classifier, "_training_examples", failing):
            self.env["customer.feedback.classifier"]._cron_train()
        classifiers = self.env["customer.feedback.classifier"].search([])
        trained = classifiers.filtered("date_trained")
        failed = classifiers.filtered(lambda c: c.company_id == self.company_b)
        self.assertIn(self.company_a, trained.company_id)
        self.assertFalse(failed.date_trained)
        self.assertTrue(failed.activity_ids, "a manager is told on the failed record")

    def test_report_fields_tell_the_method_and_what_was_kept(self):
        values = self.Ticket._classify_message("", "Kệ tivi có màu đen không?", self.company_a)
        self.assertEqual(values["kind_method"], "rules")
        self.assertEqual(values["category_method"], "rules")
        ticket = self.Ticket.sudo().create({  # sudo: as the gateway creates it
            "title": "Kệ tivi", "description": "Kệ tivi có màu đen không?", **values,
        })
        self.assertEqual((ticket.kind_kept, ticket.category_kept), (1.0, 1.0))
        ticket.with_user(self.manager).kind = "complaint"
        # what the classification recorded is written by nobody
        with self.assertRaises(AccessError):
            ticket.with_user(self.manager).write({"kind_method": "learned"})
        self.assertEqual((ticket.kind_kept, ticket.category_kept), (0.0, 1.0))
        groups = self.Ticket._read_group(
            [("id", "=", ticket.id)], ["kind_method"], ["kind_kept:avg"]
        )
        self.assertEqual(groups, [("rules", 0.0)])


@tagged("post_install", "-at_install")
class TestTextClassifier(BaseCase):
    def test_learns_explains_and_round_trips(self):
        model = NaiveBayes().learn([
            ("giao hàng chậm quá", "delivery"), ("giao hang tre 3 ngay", "delivery"),
            ("hóa đơn sai", "billing"), ("hoa don ghi sai ten", "billing"),
        ])
        label, probability, reasons = model.predict("đơn giao hàng trễ")
        self.assertEqual(label, "delivery")
        self.assertGreater(probability, 0.5)
        self.assertIn("giao hang", reasons)
        copy = NaiveBayes.from_dict(model.to_dict())
        self.assertEqual(copy.predict("hoá đơn")[0], "billing", "either tone placement")
        self.assertEqual(copy.predict("x", labels={"billing"})[0], "billing")
        self.assertEqual(NaiveBayes().predict("x"), (None, 0.0, []))

    def test_a_word_counts_once_per_ticket(self):
        """Three tickets saying 'lỗi' weigh more than one that repeats it
        ten times (an angry customer does not teach the model alone)."""
        model = NaiveBayes().learn([
            ("web lỗi lỗi lỗi lỗi lỗi lỗi lỗi lỗi, lỗi hoài lỗi mãi", "website"),
            ("giao hàng bị lỗi bể góc", "delivery"),
            ("hàng giao tới bị lỗi trầy", "delivery"),
            ("giao hàng lỗi móp", "delivery"),
        ])
        probabilities = model.probabilities("lỗi")
        self.assertGreater(probabilities["delivery"], probabilities["website"])
