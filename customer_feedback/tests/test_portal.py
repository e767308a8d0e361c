"""The customer portal over real HTTP: each route for its customer, another
customer, a colleague (with and without the sharing setting), an anonymous
visitor, and the ticket's token (valid or not)."""

from urllib.parse import urlsplit

from odoo import Command, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..models.customer_feedback_ticket_portal import (
    FEEDBACK_ATTACHMENT_MAX_BYTES,
    FEEDBACK_ATTACHMENT_MAX_COUNT,
)
from .common import FeedbackCommon, RequiresHttpServer

# The smallest valid PNG and PDF files: the server checks the content
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@tagged("post_install", "-at_install")
class TestPortal(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_a_vals = {
            "company_id": cls.company_a.id,
            "company_ids": [Command.set(cls.company_a.ids)],
        }
        cls.company_a.feedback_portal_share_commercial = False
        # The portal customer and a colleague work for the same customer company
        cls.customer_portal.parent_id = cls.customer_company
        cls.colleague_user = new_test_user(
            cls.env, "cf_portal_colleague", groups="base.group_portal",
            name="CF Portal Colleague", email="cf.portal.colleague@example.com",
            **company_a_vals,
        )
        cls.colleague_user.partner_id.parent_id = cls.customer_company
        cls.stranger_user = new_test_user(
            cls.env, "cf_portal_stranger", groups="base.group_portal",
            name="CF Portal Stranger", email="cf.portal.stranger@example.com",
            **company_a_vals,
        )
        Ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        cls.ticket = Ticket.create({
            "title": "CF portal own ticket", "kind": "complaint",
            "category_id": cls.cat_a.id, "partner_id": cls.customer_portal.id,
            "description": "<p>CF the pump leaks</p>",
        })
        cls.stranger_ticket = Ticket.create({
            "title": "CF portal stranger ticket", "kind": "question",
            "category_id": cls.cat_b.id, "partner_id": cls.stranger_user.partner_id.id,
        })
        cls.colleague_ticket = Ticket.create({
            "title": "CF portal colleague ticket", "kind": "suggestion",
            "category_id": cls.cat_b.id, "partner_id": cls.colleague_user.partner_id.id,
        })
        for ticket in cls.ticket + cls.stranger_ticket + cls.colleague_ticket:
            ticket._portal_ensure_token()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _get(self, url):
        return self.url_open(url)

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data)

    def _waiting(self, partner=None):
        """A ticket of ``partner`` (default: the portal customer) whose
        resolution waits for the customer's answer."""
        ticket = self._ticket_in_state(
            "in_progress", partner_id=(partner or self.customer_portal).id
        )
        ticket.resolution = "<p>CF we replaced the pump.</p>"
        ticket.action_resolve()
        self.assertEqual(ticket.state, "waiting")
        return ticket

    def _state(self, ticket):
        ticket.invalidate_recordset()
        return ticket.state

    def _assert_not_shown(self, response, ticket):
        """The page does not show ``ticket``: a redirection to the portal
        home or to the login, or an error."""
        self.assertNotIn(ticket.title, response.text)
        if response.status_code == 200:
            self.assertIn(urlsplit(response.url).path, ("/my", "/my/home", "/web/login"))

    # ------------------------------------------------------------------
    # Home and list
    # ------------------------------------------------------------------

    def test_home_counter_and_entries(self):
        self._login(self.portal_user)
        response = self._get("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/feedback"', response.text)
        self.assertIn('href="/my/feedback/new"', response.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["feedback_count"]})
        self.assertEqual(counters["feedback_count"], 1)

    def test_list_shows_only_own(self):
        self._login(self.portal_user)
        response = self._get("/my/feedback")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.name, response.text)
        self.assertIn(self.ticket.title, response.text)
        self.assertNotIn(self.stranger_ticket.title, response.text)
        self.assertNotIn(self.colleague_ticket.title, response.text)

    def test_list_filters_and_search(self):
        closed = self._waiting()
        closed.action_customer_accept()
        self._login(self.portal_user)
        response = self._get("/my/feedback?filterby=closed")
        self.assertIn(closed.name, response.text)
        self.assertNotIn(self.ticket.name, response.text)
        response = self._get("/my/feedback?filterby=open")
        self.assertIn(self.ticket.name, response.text)
        self.assertNotIn(closed.name, response.text)
        response = self._get("/my/feedback?search=pump+leaks+nowhere")
        self.assertNotIn(self.ticket.name, response.text)
        self.assertIn("No feedback matches your search.", response.text)
        response = self._get("/my/feedback?search=own+ticket&sortby=state")
        self.assertIn(self.ticket.name, response.text)
        self.assertNotIn(closed.name, response.text)
        # unknown sort and filter keys fall back to the defaults
        response = self._get("/my/feedback?sortby=id;drop&filterby=nope")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.name, response.text)

    def test_list_pager(self):
        Ticket = self.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        Ticket.create([
            {"title": f"CF paged {i}", "partner_id": self.customer_portal.id}
            for i in range(81)
        ])
        self._login(self.portal_user)
        first = self._get("/my/feedback")
        second = self._get("/my/feedback/page/2")
        self.assertEqual(first.text.count("o_feedback_portal_row"), 80)
        self.assertEqual(second.text.count("o_feedback_portal_row"), 2)
        self.assertIn('href="/my/feedback/page/2', first.text)

    def _request_query_count(self, url):
        """The SQL queries one request to ``url`` makes (on the test cursor)."""
        self.url_open(url)  # warm the caches of the worker
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_list_queries_do_not_grow_with_tickets(self):
        self._login(self.portal_user)
        few = self._request_query_count("/my/feedback")
        Ticket = self.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )
        Ticket.create([
            {"title": f"CF many {i}", "partner_id": self.customer_portal.id,
             "category_id": (self.cat_a if i % 2 else self.cat_b).id,
             "date_promised": "2031-05-06 03:00:00"}
            for i in range(30)
        ])
        self.env.flush_all()
        many = self._request_query_count("/my/feedback")
        self.assertGreater(few, 0, "the requests run on the test cursor")
        self.assertLessEqual(many, few + 2, "one query per page, not per ticket")

    def test_list_anonymous_redirected_to_login(self):
        self.authenticate(None, None)
        for url in ("/my/feedback", "/my/feedback/new"):
            response = self._get(url)
            self.assertEqual(urlsplit(response.url).path, "/web/login", url)

    # ------------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------------

    def test_detail_owner(self):
        self.ticket.date_promised = "2031-05-06 03:00:00"
        self._login(self.portal_user)
        response = self._get(f"/my/feedback/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.ticket.name, page)
        self.assertIn(self.ticket.title, page)
        self.assertIn("CF the pump leaks", page)
        self.assertIn("Complaint", page)
        self.assertIn(self.cat_a.complete_name, page)
        self.assertIn("We promise you an answer by", page)
        self.assertIn("2031", page)
        self.assertIn('class="d-print-none o_portal_chatter', page)
        self.assertIn('data-res_model="customer.feedback.ticket"', page)
        # logged in: the chatter relies on the user's access, not on the token
        self.assertNotIn(self.ticket.access_token, page)
        self.assertNotIn("o_feedback_portal_accept", page)

    def test_detail_other_customer_refused(self):
        self._login(self.stranger_user)
        response = self._get(f"/my/feedback/{self.ticket.id}")
        self._assert_not_shown(response, self.ticket)
        # another ticket's token does not open this one
        response = self._get(
            f"/my/feedback/{self.ticket.id}?access_token={self.stranger_ticket.access_token}"
        )
        self._assert_not_shown(response, self.ticket)
        # an id that does not exist
        response = self._get("/my/feedback/999999999")
        self.assertIn(urlsplit(response.url).path, ("/my", "/my/home"))

    def test_detail_anonymous_and_token(self):
        self.authenticate(None, None)
        response = self._get(f"/my/feedback/{self.ticket.id}")
        self._assert_not_shown(response, self.ticket)
        self.assertEqual(urlsplit(response.url).path, "/web/login")
        for token in ("wrong", self.stranger_ticket.access_token, ""):
            response = self._get(f"/my/feedback/{self.ticket.id}?access_token={token}")
            self._assert_not_shown(response, self.ticket)
        response = self._get(
            f"/my/feedback/{self.ticket.id}?access_token={self.ticket.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.title, response.text)
        # the chatter gets the token, to post as the customer
        self.assertIn(f'data-token="{self.ticket.access_token}"', response.text)

    def test_detail_internal_links_back_to_backend(self):
        self._login(self.manager)
        response = self._get(f"/my/feedback/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        action = self.env.ref("customer_feedback.action_customer_feedback_ticket_all")
        self.assertIn(f"/odoo/action-{action.id}/{self.ticket.id}", response.text)

    def test_detail_attachments_only_public(self):
        public = self.ticket.message_post(
            body="CF public answer", message_type="comment", subtype_xmlid="mail.mt_comment",
            attachments=[("cf_public.pdf", PDF_BYTES)],
        )
        self.ticket.message_post(
            body="CF internal note", message_type="comment", subtype_xmlid="mail.mt_note",
            attachments=[("cf_internal.pdf", PDF_BYTES)],
        )
        self._login(self.portal_user)
        page = self._get(f"/my/feedback/{self.ticket.id}").text
        self.assertIn("cf_public.pdf", page)
        self.assertNotIn("cf_internal.pdf", page)
        attachment = public.attachment_ids
        response = self._get(
            f"/web/content/{attachment.id}?download=true&access_token={attachment.access_token}"
        )
        self.assertEqual(response.content, PDF_BYTES)

    # ------------------------------------------------------------------
    # Colleagues of the same customer company
    # ------------------------------------------------------------------

    def test_colleague_visibility_follows_setting(self):
        self._login(self.colleague_user)
        self.assertNotIn(self.ticket.title, self._get("/my/feedback").text)
        self._assert_not_shown(self._get(f"/my/feedback/{self.ticket.id}"), self.ticket)

        self.company_a.feedback_portal_share_commercial = True
        page = self._get("/my/feedback").text
        self.assertIn(self.ticket.title, page)
        self.assertIn(self.colleague_ticket.title, page)
        self.assertNotIn(self.stranger_ticket.title, page, "not of the same company")
        response = self._get(f"/my/feedback/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.title, response.text)

        # the stranger sees nothing more
        self._login(self.stranger_user)
        self.assertNotIn(self.ticket.title, self._get("/my/feedback").text)

    def test_setting_in_settings_view(self):
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.feedback_portal_share_commercial)
        settings.feedback_portal_share_commercial = True
        settings.execute()
        self.assertTrue(self.env.company.feedback_portal_share_commercial)

    # ------------------------------------------------------------------
    # Accept / refuse the resolution
    # ------------------------------------------------------------------

    def test_accept_closes(self):
        ticket = self._waiting()
        self._login(self.portal_user)
        page = self._get(f"/my/feedback/{ticket.id}").text
        self.assertIn("o_feedback_portal_accept", page)
        self.assertIn("CF we replaced the pump.", page)
        response = self._post(f"/my/feedback/{ticket.id}/accept", note="CF works again")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you for confirming our resolution.", response.text)
        self.assertEqual(self._state(ticket), "closed")
        self.assertEqual(ticket.confirmation_state, "accepted")
        self.assertEqual(ticket.confirmation_note, "CF works again")

    def test_refuse_reopens(self):
        ticket = self._waiting()
        self._login(self.portal_user)
        response = self._post(f"/my/feedback/{ticket.id}/refuse", reason="CF still leaking")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(ticket), "reopened")
        self.assertEqual(ticket.confirmation_state, "refused")
        self.assertEqual(ticket.confirmation_note, "CF still leaking")

    def test_refuse_needs_reason(self):
        ticket = self._waiting()
        self._login(self.portal_user)
        response = self._post(f"/my/feedback/{ticket.id}/refuse", reason="   ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please tell us why you refuse the resolution.", response.text)
        self.assertEqual(self._state(ticket), "waiting")
        self.assertFalse(ticket.confirmation_state)

    @mute_logger("odoo.http")
    def test_answer_refused_to_others(self):
        ticket = self._waiting()
        self.company_a.feedback_portal_share_commercial = True
        for user in (self.stranger_user, self.colleague_user):
            self._login(user)
            for answer, data in (("accept", {}), ("refuse", {"reason": "CF not mine"})):
                with self.subTest(user=user.login, answer=answer):
                    response = self._post(f"/my/feedback/{ticket.id}/{answer}", **data)
                    # shown the portal again, the answer not taken
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(self._state(ticket), "waiting")
                    self.assertFalse(ticket.message_ids.filtered(
                        lambda m: "CF not mine" in (m.body or "")
                    ))
        # the colleague sees the ticket but is not asked for the answer
        self.assertNotIn("o_feedback_portal_accept", self._get(ticket.access_url).text)
        # anonymous, without or with a wrong token
        self.authenticate(None, None)
        for token in (None, "wrong", self.stranger_ticket.access_token):
            data = {"access_token": token} if token else {}
            response = self._post(f"/my/feedback/{ticket.id}/accept", **data)
            self.assertNotIn(ticket.title, response.text)
        self.assertEqual(self._state(ticket), "waiting")
        self.assertFalse(ticket.confirmation_state)

    @mute_logger("odoo.http")
    def test_answer_needs_csrf_and_post(self):
        ticket = self._waiting()
        self._login(self.portal_user)
        response = self.url_open(f"/my/feedback/{ticket.id}/accept", data={"note": "x"})
        self.assertEqual(response.status_code, 400)
        response = self._get(f"/my/feedback/{ticket.id}/accept")
        self.assertIn(response.status_code, (404, 405))
        self.assertEqual(self._state(ticket), "waiting")

    def test_answer_with_token_without_login(self):
        ticket = self._waiting()
        self.authenticate(None, None)
        page = self._get(f"{ticket.access_url}?access_token={ticket.access_token}").text
        self.assertIn("o_feedback_portal_accept", page)
        response = self._post(
            f"/my/feedback/{ticket.id}/accept", access_token=ticket.access_token
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(ticket), "closed")
        self.assertEqual(ticket.confirmation_state, "accepted")

    def test_answer_applied_only_when_waiting(self):
        """An answer to a ticket that waits for none is kept, not applied."""
        self._login(self.portal_user)
        messages = self.ticket.message_ids
        response = self._post(f"/my/feedback/{self.ticket.id}/accept", note="CF early thanks")
        self.assertEqual(response.status_code, 200)
        self.assertIn("we received your answer", response.text)
        self.assertEqual(self._state(self.ticket), "assigned")
        self.assertTrue((self.ticket.message_ids - messages).filtered(
            lambda m: "CF early thanks" in m.body
        ))

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------

    def test_rating_faces_for_closed_ticket(self):
        ticket = self._waiting()
        ticket.action_customer_accept()
        self._login(self.portal_user)
        page = self._get(ticket.access_url).text
        rating = self.env["rating.rating"].search([
            ("res_model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("partner_id", "=", self.customer_portal.id), ("consumed", "=", False),
        ])
        self.assertEqual(len(rating), 1, "the closing email asked for a rating")
        self.assertIn(f"/rate/{rating.access_token}/5", page)
        # the colleague, allowed to see it, is not asked to rate
        self.company_a.feedback_portal_share_commercial = True
        self._login(self.colleague_user)
        self.assertNotIn(rating.access_token, self._get(ticket.access_url).text)
        # once rated, the page shows the rating instead
        ticket.rating_apply(5, token=rating.access_token)
        self._login(self.portal_user)
        page = self._get(ticket.access_url).text
        self.assertNotIn(f"/rate/{rating.access_token}/", page)
        self.assertIn("o_feedback_portal_rated", page)

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------

    def _post_message(self, ticket, body, **kwargs):
        return self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": ticket._name,
            "thread_id": ticket.id,
            # what the portal composer sends
            "post_data": {
                "body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment",
            },
            **kwargs,
        })

    def test_owner_replies_in_chatter(self):
        self._login(self.portal_user)
        self._post_message(self.ticket, "CF reply from the portal")
        message = self.ticket.message_ids.filtered(
            lambda m: "CF reply from the portal" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.customer_portal)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_token_holder_replies_as_customer(self):
        self.authenticate(None, None)
        self._post_message(self.ticket, "CF reply with the token", token=self.ticket.access_token)
        message = self.ticket.message_ids.filtered(
            lambda m: "CF reply with the token" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.customer_portal)

    @mute_logger("odoo.http")
    def test_chatter_refused_to_others(self):
        self._login(self.stranger_user)
        with self.assertRaises(JsonRpcException):
            self._post_message(self.ticket, "CF stranger reply")
        with self.assertRaises(JsonRpcException):
            self._post_message(
                self.ticket, "CF stranger reply", token=self.stranger_ticket.access_token
            )
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException):
            self._post_message(self.ticket, "CF anonymous reply", token="wrong")
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/chatter_fetch", {
                "thread_model": self.ticket._name, "thread_id": self.ticket.id,
                "token": "wrong",
            })
        self.assertFalse(self.ticket.message_ids.filtered(
            lambda m: "reply" in (m.body or "") and "CF" in (m.body or "")
        ))

    # ------------------------------------------------------------------
    # New feedback
    # ------------------------------------------------------------------

    def _submit(self, files=None, **fields):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "kind": "suggestion",
            "category_id": str(self.cat_b.id),
            "title": "CF portal new feedback",
            "description": "CF please open on Sundays\nThank you",
            **fields,
        }
        return self.url_open("/my/feedback/new", data=data, files=files or [])

    def _new_tickets(self, title="CF portal new feedback"):
        return self.env["customer.feedback.ticket"].search([("title", "=", title)])

    def test_new_form_lists_company_categories(self):
        archived = self.env["customer.feedback.category"].create({
            "name": "CF Archived Category", "company_id": self.company_a.id, "active": False,
        })
        other_company = self.env["customer.feedback.category"].create({
            "name": "CF Category Of B", "company_id": self.company_b.id,
        })
        self._login(self.portal_user)
        response = self._get("/my/feedback/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.cat_b.complete_name, response.text)
        self.assertIn(self.cat_orphan.complete_name, response.text)
        self.assertNotIn(archived.name, response.text)
        self.assertNotIn(other_company.name, response.text)

    def test_new_feedback_created(self):
        self._login(self.portal_user)
        response = self._submit(files=[
            ("attachments", ("cf_photo.png", PNG_BYTES, "image/png")),
            ("attachments", ("cf_report.pdf", PDF_BYTES, "application/pdf")),
        ])
        ticket = self._new_tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(urlsplit(response.url).path, f"/my/feedback/{ticket.id}")
        self.assertIn(ticket.name, response.text)
        self.assertEqual(ticket.channel, "web")
        self.assertEqual(ticket.partner_id, self.customer_portal)
        self.assertEqual(ticket.company_id, self.company_a)
        self.assertEqual(ticket.kind, "suggestion")
        self.assertEqual(ticket.category_id, self.cat_b)
        self.assertFalse(ticket.user_received_id)
        self.assertIn("CF please open on Sundays<br>Thank you", ticket.description)
        # routed like any ticket, and the customer follows it
        self.assertEqual(ticket.department_id, self.dept_b)
        self.assertEqual(ticket.state, "assigned")
        self.assertIn(self.customer_portal, ticket.message_partner_ids)
        # the files came with a public message and show on the page
        self.assertEqual(
            sorted(ticket._portal_attachments().mapped("name")),
            ["cf_photo.png", "cf_report.pdf"],
        )
        self.assertIn("cf_photo.png", response.text)
        # and the customer sees it in the list
        self.assertIn(ticket.name, self._get("/my/feedback").text)

    def test_new_feedback_acknowledged(self):
        self.company_a.feedback_send_acknowledgement = True
        self._login(self.portal_user)
        self._submit()
        ticket = self._new_tickets()
        template = self.env.ref("customer_feedback.mail_template_ticket_acknowledgement")
        acks = ticket.message_ids.filtered(lambda m: m.subject and ticket.name in m.subject)
        self.assertTrue(acks, f"the acknowledgement ({template.name}) was sent")

    def test_new_feedback_invalid_fields_keep_input(self):
        self._login(self.portal_user)
        response = self._submit(
            kind="nonsense", category_id=str(self.cat_b.id + 100000), title="  ",
            description="CF kept description",
        )
        self.assertEqual(response.status_code, 400)
        page = response.text
        self.assertIn("Choose the kind of feedback.", page)
        self.assertIn("Choose a category from the list.", page)
        self.assertIn("Give your feedback a subject.", page)
        self.assertIn("CF kept description", page)
        self.assertEqual(page.count("is-invalid"), 3)
        self.assertFalse(self._new_tickets("  "))
        response = self._submit(description="", title="CF kept title")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Tell us what happened.", response.text)
        self.assertIn('value="CF kept title"', response.text)
        self.assertFalse(self._new_tickets("CF kept title"))

    def test_new_feedback_other_company_category_refused(self):
        other_company = self.env["customer.feedback.category"].create({
            "name": "CF Category Of B", "company_id": self.company_b.id,
        })
        self._login(self.portal_user)
        response = self._submit(category_id=str(other_company.id))
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose a category from the list.", response.text)
        self.assertFalse(self._new_tickets())

    def test_new_feedback_attachment_limits(self):
        self._login(self.portal_user)
        too_large = b"%PDF-1.4\n" + b"0" * FEEDBACK_ATTACHMENT_MAX_BYTES
        cases = {
            "too large": [("attachments", ("cf_big.pdf", too_large, "application/pdf"))],
            "wrong type": [("attachments", ("cf_photo.png", EXE_BYTES, "image/png"))],
            "too many": [
                ("attachments", (f"cf_{i}.png", PNG_BYTES, "image/png"))
                for i in range(FEEDBACK_ATTACHMENT_MAX_COUNT + 1)
            ],
        }
        messages = {
            "too large": "is too large",
            "wrong type": "is not accepted",
            "too many": f"Send at most {FEEDBACK_ATTACHMENT_MAX_COUNT} files.",
        }
        for case, files in cases.items():
            with self.subTest(case=case):
                response = self._submit(files=files)
                self.assertEqual(response.status_code, 400)
                self.assertIn(messages[case], response.text)
                self.assertIn("CF please open on Sundays", response.text)
                self.assertFalse(self._new_tickets())
        self.assertFalse(self.env["ir.attachment"].search([("name", "like", "cf_%.png")]))

    @mute_logger("odoo.http")
    def test_new_feedback_needs_csrf(self):
        self._login(self.portal_user)
        response = self.url_open("/my/feedback/new", data={
            "kind": "praise", "title": "CF portal new feedback", "description": "CF x",
        })
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets())

    def test_portal_user_still_cannot_write(self):
        """The portal writes only through the controllers: the ORM still refuses."""
        Ticket = self.env["customer.feedback.ticket"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Ticket.browse(self.ticket.id).write({"title": "CF changed"})
        self.assertEqual(self.ticket.title, "CF portal own ticket")
