"""Merging duplicate tickets of one customer: what moves, what is refused,
and where the customer's links (portal page, email replies) lead after."""

import base64
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import parse_qs, urlsplit

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FeedbackCommon, RequiresHttpServer
from .test_mail_gateway import MailGatewayCase


class MergeCommon(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_colleague = cls.env["res.partner"].create({
            "name": "CF Customer Colleague", "parent_id": cls.customer_company.id,
            "email": "colleague@cf-customer.example.com",
        })
        cls.Ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True
        )

    def _dup(self, days_ago, **values):
        vals = {
            "title": "CF pump leaks", "kind": "complaint", "category_id": self.cat_a.id,
            "partner_id": self.customer_contact.id,
            "date_received": fields.Datetime.now() - timedelta(days=days_ago),
            "channel": "hotline",
        }
        vals.update(values)
        return self.Ticket.create(vals)

    def _closed(self, **values):
        """A ticket the customer had our answer for, closed."""
        ticket = self._ticket_in_state("in_progress", partner_id=self.customer_contact.id,
                                       **values)
        ticket.action_resolve()
        ticket.action_close()
        self.assertEqual(ticket.state, "closed")
        return ticket

    def _wizard(self, tickets, user=None, active_ids=None):
        Wizard = self.env["customer.feedback.merge.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.with_context(
            active_model="customer.feedback.ticket",
            active_ids=active_ids or tickets.ids,
        ).create({})

    def _merge(self, tickets, survivor=None, user=None):
        wizard = self._wizard(tickets, user=user or self.user_a)
        if survivor:
            wizard.survivor_id = survivor
        action = wizard.action_merge()
        return self.env["customer.feedback.ticket"].browse(action["res_id"])


@tagged("post_install", "-at_install")
class TestMerge(MergeCommon):
    def test_default_survivor_is_oldest_open(self):
        resolved = self._closed(date_received=fields.Datetime.now() - timedelta(days=10))
        older = self._dup(5)
        newer = self._dup(1)
        wizard = self._wizard(newer + resolved + older, user=self.user_a)
        self.assertEqual(wizard.ticket_ids, newer + resolved + older)
        self.assertEqual(wizard.survivor_id, older, "the oldest ticket still open")

    def test_form_proposes_the_customers_open_tickets(self):
        first = self._dup(3)
        colleague = self._dup(2, partner_id=self.customer_colleague.id)
        other_customer = self._dup(1, partner_id=self.customer_key.id)
        done = self._closed()
        action = first.with_user(self.user_a).action_open_merge_wizard()
        wizard = self.env[action["res_model"]].with_user(self.user_a).with_context(
            **action["context"]
        ).create({})
        self.assertIn(colleague, wizard.ticket_ids)
        self.assertIn(first, wizard.ticket_ids)
        self.assertNotIn(other_customer, wizard.ticket_ids)
        self.assertNotIn(done, wizard.ticket_ids)

    def test_merge_moves_everything(self):
        survivor = self._dup(5, tag_ids=[Command.create({"name": "CF tag kept"})])
        dup = self._dup(2, partner_id=self.customer_colleague.id,
                        tag_ids=[Command.create({"name": "CF tag moved"})],
                        description="<p>CF second call: it leaks again</p>")
        escalated = self._ticket_in_state("escalated", partner_id=self.customer_contact.id)
        action = escalated.corrective_action_id
        others = dup + escalated
        # what the duplicate holds: a customer email, a note, an attachment,
        # followers (one already following the survivor), a rating, a
        # satisfaction answer, an activity, a ticket continuing it
        email = dup.message_post(
            body="CF customer email", message_type="email", author_id=self.customer_colleague.id,
            subtype_xmlid="mail.mt_comment",
        )
        note = dup.message_post(body="CF team note", subtype_xmlid="mail.mt_note",
                                message_type="comment")
        attachment = self.env["ir.attachment"].create({
            "name": "photo.png", "res_model": dup._name, "res_id": dup.id,
            "datas": base64.b64encode(b"CF photo"),
        })
        watcher = self.env["res.partner"].create({"name": "CF Watcher"})
        dup.message_subscribe(partner_ids=(watcher + self.customer_contact).ids)
        survivor.message_subscribe(partner_ids=self.customer_contact.ids)
        rating = self.env["rating.rating"].sudo().create({
            "res_model_id": self.env["ir.model"]._get_id(dup._name), "res_id": dup.id,
            "partner_id": self.customer_colleague.id, "rating": 5, "consumed": True,
        })
        user_input = self.env["survey.user_input"].create({
            "survey_id": self.env.ref("customer_feedback.survey_customer_satisfaction").id,
            "partner_id": self.customer_colleague.id,
        })
        satisfaction = self.env["customer.feedback.satisfaction"].create({
            "partner_id": self.customer_colleague.id, "user_input_id": user_input.id,
            "ticket_id": dup.id, "company_id": self.company_a.id,
        })
        activity = dup.activity_schedule("mail.mail_activity_data_call", user_id=self.user_a2.id)
        child = self._dup(0, title="CF continues the duplicate")
        child.sudo()._write_facts({"parent_ticket_id": dup.id})
        self.flush_tracking()
        moved_messages = self.env["mail.message"].search([  # emails, comments, notes
            ("model", "=", dup._name), ("res_id", "in", others.ids),
            ("message_type", "!=", "notification"),
        ])
        self.assertIn(email, moved_messages)
        Message = self.env["mail.message"]
        # emails, comments and notes; the tracking of a ticket's own fields stays
        on_survivor = [("model", "=", survivor._name), ("res_id", "=", survivor.id),
                       ("message_type", "!=", "notification")]
        before = Message.search_count(on_survivor)
        expected_followers = (survivor + others).message_partner_ids
        self.assertNotIn(watcher, survivor.message_partner_ids)

        result = self._merge(survivor + dup + escalated, user=self.user_a)
        self.flush_tracking()

        self.assertEqual(result, survivor)
        self.assertEqual((email + note).mapped("res_id"), [survivor.id] * 2)
        self.assertEqual(moved_messages.mapped("res_id"), [survivor.id] * len(moved_messages))
        self.assertEqual(Message.search_count(on_survivor), before + len(moved_messages))
        self.assertEqual(attachment.res_id, survivor.id)
        self.assertEqual(rating.res_id, survivor.id)
        self.assertIn(rating, survivor.rating_ids)
        self.assertEqual(satisfaction.ticket_id, survivor)
        self.assertEqual(activity.res_id, survivor.id)
        self.assertEqual(child.parent_ticket_id, survivor)
        self.assertEqual(survivor.corrective_action_id, action)
        self.assertFalse(escalated.corrective_action_id)
        self.assertEqual(
            set(survivor.tag_ids.mapped("name")), {"CF tag kept", "CF tag moved"}
        )
        self.assertIn("CF second call", str(survivor.description))
        followers = survivor.message_follower_ids
        self.assertLessEqual(expected_followers, followers.partner_id, "union of the followers")
        self.assertIn(watcher, followers.partner_id)
        self.assertEqual(len(followers.filtered(lambda f: f.partner_id == self.customer_contact)),
                         1, "no follower twice")
        for ticket in others:
            self.assertEqual(ticket.state, "cancelled")
            self.assertEqual(ticket.merged_into_id, survivor)
            self.assertIn(survivor.name, ticket.cancel_reason)
            self.assertIn(survivor.name, str(ticket.message_ids.mapped("body")))
        self.assertIn(dup.name, str(survivor.message_ids.mapped("body")), "the note of the merge")
        self.assertNotEqual(survivor.state, "cancelled")

    def test_merged_into_is_a_recorded_fact(self):
        survivor, dup = self._dup(3), self._dup(1)
        with self.assertRaises(AccessError):
            dup.with_user(self.manager).write({"merged_into_id": survivor.id})

    def test_chosen_survivor_and_closed_kept(self):
        resolved = self._closed()
        dup = self._dup(1)
        # a closed ticket (the customer has our answer) cannot be merged away...
        with self.assertRaisesRegex(UserError, resolved.name):
            self._merge(resolved + dup, survivor=dup)
        self.assertEqual(resolved.state, "closed")
        self.assertFalse(resolved.merged_into_id)
        # ...but may be the one kept
        self.assertEqual(self._merge(resolved + dup, survivor=resolved), resolved)
        self.assertEqual(dup.merged_into_id, resolved)

    def test_contactless_ticket_with_the_customers_email(self):
        survivor = self._dup(3)
        by_mail = self._dup(1, partner_id=False,
                            partner_email="Nguyen.An@cf-customer.example.com")
        self._merge(survivor + by_mail)
        self.assertEqual(by_mail.merged_into_id, survivor)

    def test_refuses_different_customers(self):
        mine = self._dup(3)
        theirs = self._dup(1, partner_id=self.customer_key.id, category_id=self.cat_a.id)
        with self.assertRaisesRegex(UserError, "same customer"):
            self._merge(mine + theirs)
        other_email = self._dup(1, partner_id=False, partner_email="someone@cf-else.example.com")
        with self.assertRaisesRegex(UserError, "same customer"):
            self._merge(mine + other_email)
        anonymous = self._dup(1, partner_id=False, partner_email=False)
        with self.assertRaisesRegex(UserError, "neither a customer nor an email"):
            self._merge(mine + anonymous)
        self.assertEqual((mine + theirs + other_email).mapped("state"), ["assigned"] * 3)

    def test_refuses_without_write_access(self):
        mine = self._dup(3)
        elsewhere = self._dup(1, category_id=self.cat_b.id)  # department B
        self.assertEqual(elsewhere.department_id, self.dept_b)
        with self.assertRaises(AccessError):
            self._merge(mine + elsewhere, user=self.user_a)
        self.assertFalse(elsewhere.merged_into_id)
        with self.assertRaises(AccessError):
            self._merge(mine + elsewhere, user=self.plain_employee)
        # a manager merges any
        self._merge(mine + elsewhere, user=self.manager)
        self.assertEqual(elsewhere.merged_into_id, mine)

    def test_refuses_single_ticket(self):
        with self.assertRaisesRegex(UserError, "at least two"):
            self._merge(self._dup(1))


@tagged("post_install", "-at_install", "mail_gateway")
class TestMergeMail(MailGatewayCase):
    def _merged_pair(self):
        sender = "Trần Văn Dũng <dung.tran@cf-mail.example.com>"
        first_id = make_msgid(domain="cf-mail.example.com")
        survivor = self._process(self._email(sender=sender, subject="Máy bơm bị rò",
                                             msg_id=first_id))
        dup_id = make_msgid(domain="cf-mail.example.com")
        dup = self._process(self._email(sender=sender, subject="Máy bơm vẫn rò",
                                        msg_id=dup_id))
        self.assertNotEqual(survivor, dup)
        (survivor + dup).with_user(self.manager)._merge_into(survivor)
        self.assertEqual(dup.merged_into_id, survivor)
        return survivor, dup, dup_id

    def test_reply_to_moved_email_lands_on_survivor(self):
        survivor, _dup, dup_id = self._merged_pair()
        reply = self._process(self._email(
            sender="dung.tran@cf-mail.example.com", subject="Re: Máy bơm vẫn rò",
            body="Thêm ảnh CF-REPLY-1", headers=[("In-Reply-To", dup_id), ("References", dup_id)],
        ))
        self.assertEqual(reply, survivor)
        self.assertIn("CF-REPLY-1", str(survivor.message_ids[0].body))

    def test_reply_to_merged_ticket_lands_on_survivor(self):
        survivor, dup, _dup_id = self._merged_pair()
        # a message that stayed on the merged ticket (the note of the merge)
        kept = dup.message_ids.filtered(lambda m: survivor.name in str(m.body))[:1]
        self.assertTrue(kept.message_id)
        count = self.Ticket.search_count([])
        reply = self._process(self._email(
            sender="dung.tran@cf-mail.example.com", subject="Re: merged",
            body="CF-REPLY-2", headers=[("In-Reply-To", kept.message_id)],
        ))
        self.assertEqual(reply, survivor)
        self.assertEqual(self.Ticket.search_count([]), count)
        self.assertIn("CF-REPLY-2", str(survivor.message_ids[0].body))
        self.assertNotIn("CF-REPLY-2", str(dup.message_ids.mapped("body")))

    def test_reply_naming_merged_reference_lands_on_survivor(self):
        survivor, dup, _dup_id = self._merged_pair()
        reply = self._process(self._email(
            sender="dung.tran@cf-mail.example.com", subject=f"Re: [{dup.name}] thêm",
            body="CF-REPLY-3",
        ))
        self.assertEqual(reply, survivor)


@tagged("post_install", "-at_install")
class TestMergePortal(RequiresHttpServer, HttpCase, MergeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_portal.parent_id = cls.customer_company
        cls.company_a.feedback_portal_share_commercial = False
        cls.survivor = cls._make(3, cls.customer_portal)
        cls.dup = cls._make(1, cls.customer_portal)
        cls.colleague_survivor = cls._make(3, cls.customer_colleague)
        cls.portal_dup = cls._make(1, cls.customer_portal)
        for ticket in cls.survivor + cls.dup + cls.colleague_survivor + cls.portal_dup:
            ticket._portal_ensure_token()
        cls.dup_token = cls.dup.access_token
        cls.portal_dup_token = cls.portal_dup.access_token
        (cls.survivor + cls.dup)._merge_into(cls.survivor)
        (cls.colleague_survivor + cls.portal_dup)._merge_into(cls.colleague_survivor)

    @classmethod
    def _make(cls, days_ago, partner):
        return cls.Ticket.create({
            "title": f"CF portal merge {partner.name} {days_ago}", "kind": "complaint",
            "category_id": cls.cat_a.id, "partner_id": partner.id, "channel": "web",
        })

    def test_customer_redirected_to_survivor(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(f"/my/feedback/{self.dup.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(urlsplit(response.url).path, f"/my/feedback/{self.survivor.id}")
        self.assertIn(self.survivor.title, response.text)

    def test_token_redirected_with_survivors_token(self):
        response = self.url_open(f"/my/feedback/{self.dup.id}?access_token={self.dup_token}")
        self.assertEqual(response.status_code, 200)
        url = urlsplit(response.url)
        self.assertEqual(url.path, f"/my/feedback/{self.survivor.id}")
        self.assertEqual(parse_qs(url.query)["access_token"], [self.survivor.access_token])
        self.assertIn(self.survivor.title, response.text)

    def test_token_not_redirected_to_a_colleagues_ticket(self):
        # merged into the ticket of a colleague of the same customer company:
        # the token of one ticket does not open the other person's
        response = self.url_open(
            f"/my/feedback/{self.portal_dup.id}?access_token={self.portal_dup_token}"
        )
        self.assertEqual(urlsplit(response.url).path, f"/my/feedback/{self.portal_dup.id}")
        self.assertNotIn(self.colleague_survivor.access_token, response.url)
        self.assertNotIn(self.colleague_survivor.title, response.text)

    def test_stranger_not_redirected(self):
        stranger = new_test_user(self.env, "cf_merge_stranger", groups="base.group_portal")
        self.authenticate(stranger.login, stranger.login)
        response = self.url_open(f"/my/feedback/{self.dup.id}")
        self.assertNotIn(f"/my/feedback/{self.survivor.id}", response.url)
        self.assertNotIn(self.survivor.title, response.text)
