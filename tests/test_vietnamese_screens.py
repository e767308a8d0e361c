"""What a Vietnamese team and a Vietnamese customer see is Vietnamese.

The completeness of ``vi.po`` proves little: a term can be translated and
still reach the screen in English (a string left out of the export, a label
computed in Python, a template rendered in the wrong language). So this test
renders what people see, in ``vi_VN``, and looks for the English source
terms of the addons in it:

- the backend screens (list, kanban, form, search of each model, with the
  field labels and choices the web client shows), as a feedback manager;
- the portal pages and the public form, as a portal customer and as an
  anonymous visitor on the Vietnamese pages of the language selector;
- the customer emails, for a Vietnamese customer;
- the activities the crons write, for a Vietnamese recipient;
- the three PDF reports (their HTML).

A term counts as English when a fragment of its source (the text between
placeholders and markup, long enough to mean something) appears in what is
rendered. Terms whose Vietnamese is the same as their source (``Email``,
``CSAT``...) are not looked for.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import polib
from lxml import etree, html

from odoo import Command
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import freeze_time

REPO = Path(__file__).resolve().parent.parent
ADDONS = ("customer_feedback", "customer_feedback_reports")
LANG = "vi_VN"
# shorter fragments are words that Vietnamese text may well contain (names,
# "Email", "OK"...): only a fragment this long tells an English sentence
MIN_FRAGMENT = 14
PLACEHOLDER = re.compile(
    r"%\([^)]*\)[sdf]|%[sdf]|\{\{.*?\}\}|\{[^}]*\}|<[^>]+>|&[a-z]+;|[\n\t]+"
)
ATTRIBUTES = ("string", "help", "placeholder", "title", "confirm", "aria-label", "sum")


def _collapse(text):
    return " ".join((text or "").split())


def _english_fragments():
    """Fragments of the source terms whose translation differs from them."""
    fragments = {}
    for addon in ADDONS:
        po = polib.pofile(str(REPO / addon / "i18n" / "vi.po"))
        for entry in po:
            if entry.obsolete or _collapse(entry.msgstr) == _collapse(entry.msgid):
                continue
            for raw in PLACEHOLDER.split(entry.msgid):
                piece = _collapse(raw).strip(" .,:;!?()-–")
                if len(piece) >= MIN_FRAGMENT and not piece.isupper():
                    fragments.setdefault(piece, entry.msgid)
    return fragments


def _text_of_html(markup):
    if not markup or not str(markup).strip():
        return ""
    tree = html.fromstring(str(markup))
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    texts = [tree.text_content()]
    for attribute in ("placeholder", "title", "aria-label", "alt", "value"):
        texts += tree.xpath(f"//@{attribute}")
    return _collapse(" ".join(texts))


def _text_of_arch(arch):
    tree = etree.fromstring(arch)
    texts = []
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        texts += [node.text or "", node.tail or ""]
        texts += [node.get(attribute) or "" for attribute in ATTRIBUTES]
    return _collapse(" ".join(texts))


class TestVietnameseScreens(HttpCase):
    test_tags = frozenset({"standard", "post_install"})
    test_module = "tests"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang(LANG)
        # the addons' terms, and those of mail, whose fields (aliases,
        # activities) the addons' models show
        env["ir.module.module"].search(
            [("name", "in", (*ADDONS, "mail"))]
        )._update_translations([LANG])
        env.registry.clear_cache()  # field labels and views are cached per language
        cls.fragments = _english_fragments()
        cls.manager = new_test_user(
            env, "cf_vi_manager", name="Quản lý Phản hồi", lang=LANG, tz="Asia/Ho_Chi_Minh",
            groups="base.group_user,customer_feedback.group_feedback_manager",
        )
        cls.portal = new_test_user(
            env, "cf_vi_portal", name="Trần Thị Bình", lang=LANG,
            email="binh@vi-customer.example", groups="base.group_portal",
        )
        department = env["customer.feedback.department"].create({
            "name": "Chăm sóc khách hàng", "leader_id": cls.manager.id,
            "member_ids": [Command.set(cls.manager.ids)],
        })
        cls.ticket = env["customer.feedback.ticket"].create({
            "title": "Giao hàng chậm", "kind": "complaint", "channel": "email",
            "partner_id": cls.portal.partner_id.id, "department_id": department.id,
            "user_id": cls.manager.id,
        })
        cls.ticket.action_start()
        cls.ticket.resolution = "<p>Đã giao lại.</p>"
        cls.ticket.action_resolve()

    def _assert_vietnamese(self, what, text):
        english = sorted(
            {source for fragment, source in self.fragments.items() if fragment in text}
        )
        self.assertEqual(english, [], f"English terms of the addons in {what}")

    # ------------------------------------------------------------------
    # Backend screens
    # ------------------------------------------------------------------

    def test_backend_screens(self):
        env = self.env(user=self.manager, context={"lang": LANG})
        models = [
            "customer.feedback.ticket", "customer.feedback.category",
            "customer.feedback.priority", "customer.feedback.department",
            "customer.feedback.corrective.action", "customer.feedback.segment",
            "customer.feedback.tag", "customer.feedback.satisfaction",
            "customer.feedback.survey.campaign", "customer.feedback.report",
        ]
        for model in models:
            Model = env[model]
            view_types = [
                view_type for view_type in ("list", "kanban", "form", "search", "pivot", "graph")
                if env["ir.ui.view"].sudo().search_count(
                    [("model", "=", model), ("type", "=", view_type)], limit=1)
            ]
            with self.subTest(model=model):
                result = Model.get_views([(False, view_type) for view_type in view_types])
                texts = [_text_of_arch(view["arch"]) for view in result["views"].values()]
                for description in result["models"][model]["fields"].values():
                    texts += [description.get("string") or "", description.get("help") or ""]
                    texts += [label for _key, label in description.get("selection") or []]
                self._assert_vietnamese(f"the views of {model}", " ".join(texts))

    def test_wizards(self):
        env = self.env(user=self.manager, context={"lang": LANG})
        for model in ("customer.feedback.hotline.wizard", "customer.feedback.cancel.wizard",
                      "customer.feedback.refuse.wizard", "customer.feedback.escalate.wizard",
                      "customer.feedback.analysis.wizard"):
            with self.subTest(model=model):
                result = env[model].get_views([(False, "form")])
                texts = [_text_of_arch(result["views"]["form"]["arch"])]
                for description in result["models"][model]["fields"].values():
                    texts += [description.get("string") or "", description.get("help") or ""]
                    texts += [label for _key, label in description.get("selection") or []]
                self._assert_vietnamese(f"the form of {model}", " ".join(texts))

    def test_menus(self):
        env = self.env(user=self.manager, context={"lang": LANG})
        menus = env["ir.ui.menu"].search([("id", "child_of", env.ref("crm.crm_menu_root").id)])
        self._assert_vietnamese("the CRM menus", " ".join(menus.mapped("name")))

    # ------------------------------------------------------------------
    # Customer side
    # ------------------------------------------------------------------

    def test_portal_pages(self):
        self.authenticate("cf_vi_portal", "cf_vi_portal")
        for url in ("/my", "/my/feedback", f"/my/feedback/{self.ticket.id}", "/my/feedback/new"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self._assert_vietnamese(url, _text_of_html(response.text))

    def test_public_pages(self):
        # the Vietnamese pages of the language selector (/vi/...), for a new
        # visitor; the confirmation page speaks the customer's language
        confirmation_round = self.ticket.confirmation_round
        token = self.ticket._confirmation_token(confirmation_round)
        confirm = f"/feedback/confirm/{self.ticket.id}/{confirmation_round}/accept?token={token}"
        urls = ["/vi/feedback", "/vi/feedback/thanks", "/vi/feedback/policy", confirm]
        for url in urls:
            with self.subTest(url=url):
                self.opener.cookies.clear()
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self._assert_vietnamese(url, _text_of_html(response.text))

    def test_customer_emails(self):
        for xmlid in ("mail_template_ticket_acknowledgement", "mail_template_ticket_resolution",
                      "mail_template_ticket_closure", "mail_template_ticket_promised_date"):
            template = self.env.ref(f"customer_feedback.{xmlid}")
            with self.subTest(template=xmlid):
                for field in ("subject", "body_html"):
                    rendered = template._render_field(field, self.ticket.ids, compute_lang=True)
                    self._assert_vietnamese(f"{xmlid} {field}", _text_of_html(
                        rendered[self.ticket.id]) if field == "body_html"
                        else rendered[self.ticket.id])
        # the customer's buttons of the resolution email
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", self.ticket._name), ("res_id", "=", self.ticket.id),
            ("recipient_ids", "in", self.portal.partner_id.ids),
        ])
        self.assertTrue(mails)
        for mail in mails:
            self._assert_vietnamese(f"the email {mail.subject}", _text_of_html(mail.body_html))

    # ------------------------------------------------------------------
    # What the crons write
    # ------------------------------------------------------------------

    def test_cron_activities(self):
        Ticket = self.env["customer.feedback.ticket"]
        late = Ticket.create({
            "title": "Máy lạnh hỏng", "kind": "complaint", "channel": "hotline",
            "partner_id": self.portal.partner_id.id,
            "department_id": self.ticket.department_id.id,
        })
        with freeze_time(datetime.now() + timedelta(days=30)):
            Ticket._cron_escalate_breaches()
        activities = self.env["mail.activity"].search([
            ("res_model", "=", Ticket._name), ("res_id", "=", late.id),
        ])
        self.assertTrue(activities, "the escalation wrote activities")
        texts = activities.mapped("summary") + [str(note) for note in activities.mapped("note")]
        digest = late.department_id.message_ids[:1]
        texts.append(_text_of_html(digest.body))
        self._assert_vietnamese("the escalation activities", " ".join(filter(None, texts)))

    # ------------------------------------------------------------------
    # PDFs
    # ------------------------------------------------------------------

    def test_reports(self):
        env = self.env(user=self.manager, context={"lang": LANG})
        Report = env["ir.actions.report"]
        slip = Report._render_qweb_html(
            "customer_feedback_reports.report_reception_slip", self.ticket.ids
        )[0]
        self._assert_vietnamese("the reception slip", _text_of_html(slip))
        history = Report._render_qweb_html(
            "customer_feedback_reports.report_customer_history", self.portal.partner_id.ids
        )[0]
        self._assert_vietnamese("the customer history", _text_of_html(history))
        wizard = env["customer.feedback.analysis.wizard"].create({})
        analysis = Report._render_qweb_html(
            "customer_feedback_reports.report_feedback_analysis", wizard.ids
        )[0]
        self._assert_vietnamese("the feedback analysis", _text_of_html(analysis))
