"""Merging duplicate tickets of one customer into one, the survivor.

A customer who calls, then writes, then fills in the web form about the same
problem opens three tickets: the team works one of them. The others are
merged into it (the merge wizard, customer_feedback_merge_wizard.py):

- **Who may be merged**: tickets of one customer only: the same customer
  company (``commercial_partner_id``), or, for tickets without a contact,
  the same email (a contact-less ticket joins contact tickets whose email
  it has). Everyone who merges must be allowed to write every ticket
  (Feedback Users: those of their departments; managers: all).
- **What moves to the survivor**: the messages (emails, comments, notes:
  the tracking of the other ticket's own fields stays with it, it tells
  that ticket's story), the attachments, the followers (union, each with
  its subtypes), the ratings, the satisfaction answers, the activities,
  the tags, the tickets that continue a merged one (``parent_ticket_id``),
  the corrective action and the opportunity when the survivor has none, and
  the description (appended, named after its ticket). Customers' replies to
  the moved emails find the survivor by their headers, as any reply.
- **What becomes of the others**: cancelled through the workflow, the
  reason naming the survivor, and linked to it (``merged_into_id``); a note
  on both sides. Only tickets still being handled can be merged away: a
  resolved, waiting or closed ticket holds the answer the customer was given
  and its recorded facts (dates, on-time, the customer's confirmation), which
  the statistics count; cancelling it would rewrite that, so the merge
  refuses it (it may be the survivor, or be reopened first).
- **Links of the customer**: the portal page of a merged ticket redirects
  to the survivor (controllers/portal.py), and mail routed to a merged
  ticket is delivered to the survivor (``mail_thread.message_route``, and
  the reference in a subject: ``_ticket_named_in_subject``).
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize, is_html_empty

from .customer_feedback_ticket_workflow import TRANSITIONS


class CustomerFeedbackTicket(models.Model):
    _inherit = "customer.feedback.ticket"

    merged_into_id = fields.Many2one(
        "customer.feedback.ticket", index="btree_not_null", readonly=True,
        copy=False, help="This ticket was a duplicate: its messages, attachments and "
        "followers were moved to this ticket, which is handled instead.",
    )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _merge_customer_key(self):
        """What identifies the customer of this ticket for a merge."""
        self.ensure_one()
        if self.commercial_partner_id:
            return ("partner", self.commercial_partner_id.id)
        email = email_normalize(self.partner_email or "")
        return ("email", email) if email else None

    def _check_merge(self, survivor):
        """Refuse a merge of tickets of several customers, of tickets the
        user may not write, or of tickets that can no longer be cancelled."""
        if len(self) < 2:
            raise UserError(self.env._("Select at least two tickets to merge."))
        if survivor not in self:
            raise UserError(self.env._("The ticket to keep must be one of the tickets merged."))
        # a Feedback User writes the tickets of their departments only
        self.check_access("write")
        self._check_merge_same_customer()
        if survivor.state == "cancelled":
            raise UserError(self.env._(
                "%s is cancelled: choose a ticket still handled as the one to keep.",
                survivor.name,
            ))
        others = self - survivor
        stuck = others.filtered(lambda t: t.state not in TRANSITIONS["cancel"][0])
        if stuck:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(tickets)s cannot be merged into another ticket: in state %(states)s, the "
                "customer already has our answer (or the ticket is cancelled). Keep it as "
                "the ticket the others are merged into, or reopen it first.",
                tickets=", ".join(stuck.mapped("name")),
                states=", ".join(sorted({labels[s] for s in stuck.mapped("state")})),
            ))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Tickets of different companies cannot be merged."))

    def _check_merge_same_customer(self):
        keys = {ticket: ticket._merge_customer_key() for ticket in self}
        nameless = [ticket for ticket, key in keys.items() if key is None]
        if nameless:
            raise UserError(self.env._(
                "%s has neither a customer nor an email: nothing shows it comes from the "
                "same customer as the others. Set its customer first.",
                ", ".join(ticket.name for ticket in nameless),
            ))
        partners = {key for key in keys.values() if key[0] == "partner"}
        emails = {key[1] for key in keys.values() if key[0] == "email"}
        known_emails = {
            email_normalize(email or "")
            for ticket in self.filtered("commercial_partner_id")
            for email in (ticket.partner_email, ticket.partner_id.email)
        }
        if len(partners) > 1 or len(emails) > 1 or (partners and emails - known_emails):
            raise UserError(self.env._(
                "Only tickets of the same customer can be merged: %(tickets)s come from "
                "different customers (%(customers)s).",
                tickets=", ".join(self.mapped("name")),
                customers=", ".join(sorted({
                    ticket.commercial_partner_id.display_name or ticket.partner_email
                    for ticket in self
                })),
            ))

    def _merge_candidates(self):
        """The other tickets of this ticket's customer still open, that the
        user may see: the likely duplicates (the wizard opened from a form)."""
        self.ensure_one()
        key = self._merge_customer_key()
        if key is None:
            return self.browse()
        if key[0] == "partner":
            customer = Domain("commercial_partner_id", "=", key[1])
        else:
            customer = Domain("partner_id", "=", False) & Domain("partner_email", "=ilike", key[1])
        return self.search(
            customer & Domain("state", "in", self.OPEN_STATES)
            & Domain("company_id", "=", self.company_id.id) & Domain("id", "!=", self.id),
            limit=20,
        )

    def _merge_default_survivor(self):
        """The oldest ticket still open, else the oldest one."""
        still_open = self.filtered(lambda t: t.state in self.OPEN_STATES) or self
        return still_open.sorted(lambda t: (t.date_received, t.id))[:1]

    # ------------------------------------------------------------------
    # The merge
    # ------------------------------------------------------------------

    def _merge_into(self, survivor):
        """Merge the tickets of ``self`` (the survivor among them) into
        ``survivor``; see the module's doc for what moves.

        :return: the survivor
        """
        self._check_merge(survivor)
        others = self - survivor
        survivor._merge_followers(others)
        survivor._merge_dependences(others)
        survivor._merge_values(others)
        survivor._merge_links(others)
        survivor._merge_post_notes(others)
        for ticket in others:
            ticket.action_cancel_with_reason(
                self.env._("Duplicate, merged into %s", survivor.name)
            )
        others._write_facts({"merged_into_id": survivor.id})
        return survivor

    def _merge_followers(self, others):
        """Union of the followers, each keeping its subtypes."""
        self.ensure_one()
        following = self.message_partner_ids
        subtypes = {}
        for follower in others.message_follower_ids:
            if follower.partner_id and follower.partner_id not in following:
                subtypes.setdefault(follower.partner_id.id, set()).update(follower.subtype_ids.ids)
        # grouped by subtypes: one subscription per set of subtypes
        by_subtypes = {}
        for partner_id, subtype_ids in subtypes.items():
            by_subtypes.setdefault(tuple(sorted(subtype_ids)), []).append(partner_id)
        for subtype_ids, partner_ids in by_subtypes.items():
            # the user may write the survivor (checked): the public API
            self.message_subscribe(partner_ids=partner_ids, subtype_ids=list(subtype_ids) or None)

    def _merge_dependences(self, others):
        """Move messages, attachments, ratings, satisfaction answers and
        activities of ``others`` to this ticket."""
        self.ensure_one()
        # sudo: the user may write every ticket merged (_check_merge), but
        # not the mail.message, ir.attachment, rating.rating (written only
        # by the customer's link), satisfaction answers (read-only to users)
        # and activities of other users attached to them; only their
        # link to the ticket changes.
        domain = [("res_id", "in", others.ids), ("model", "=", self._name)]
        self.env["mail.message"].sudo().search(
            domain + [("message_type", "!=", "notification")]
        ).write({"res_id": self.id})
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", others.ids)]
        ).write({"res_id": self.id})
        self.env["rating.rating"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", others.ids)]
        ).write({"res_id": self.id})
        self.env["customer.feedback.satisfaction"].sudo().search(
            [("ticket_id", "in", others.ids)]
        ).write({"ticket_id": self.id})
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", others.ids)]
        ).write({"res_id": self.id})
        # the one2many of the tickets do not see a res_id written on the other side
        (self + others).invalidate_recordset()

    def _merge_values(self, others):
        """Tags, urgency, description, and what the survivor lacks."""
        self.ensure_one()
        vals = {
            "tag_ids": [fields.Command.link(tag.id) for tag in others.tag_ids - self.tag_ids],
            "is_urgent": self.is_urgent or any(others.mapped("is_urgent")),
        }
        # not the category: it would route the survivor anew
        for fname in ("product_id", "lead_id"):
            if not self[fname]:
                vals[fname] = next((t[fname].id for t in others if t[fname]), False)
        descriptions = [
            Markup("<p><strong>%s</strong></p>%s") % (
                self.env._("From %s:", ticket.display_name), ticket.description
            )
            for ticket in others if not is_html_empty(ticket.description)
        ]
        if descriptions:
            vals["description"] = Markup().join(
                [Markup(self.description or "")] + descriptions
            )
        self.write({key: value for key, value in vals.items() if value or key == "is_urgent"})

    def _merge_links(self, others):
        """Tickets that continue or were merged into a merged ticket now
        continue the survivor; its corrective action passes to the survivor
        when it has none."""
        self.ensure_one()
        # sudo: the tickets that point to a merged one may be of another
        # department; only their link follows the merge.
        parent = self.parent_ticket_id
        if parent in others:
            # the survivor continued a duplicate: it continues what that one did
            grandparent = parent.parent_ticket_id
            self._write_facts({"parent_ticket_id": grandparent.id
                               if grandparent not in self | others else False})
        Ticket = self.sudo()
        Ticket.search(
            [("parent_ticket_id", "in", others.ids), ("id", "!=", self.id)]
        )._write_facts({"parent_ticket_id": self.id})
        Ticket.search([("merged_into_id", "in", others.ids)])._write_facts(
            {"merged_into_id": self.id}
        )
        action = others.corrective_action_id[:1]
        if action and not self.corrective_action_id:
            others.filtered(lambda t: t.corrective_action_id == action)._write_facts(
                {"corrective_action_id": False}
            )
            self._write_facts({"corrective_action_id": action.id})

    def _merge_post_notes(self, others):
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "Duplicates merged into this ticket by %(user)s: %(tickets)s. Their messages, "
                "attachments, followers, ratings and activities are here now.",
                user=self.env.user.name,
                tickets=Markup(", ").join(t._get_html_link(t.name) for t in others),
            ),
            subtype_xmlid="mail.mt_note",
        )
        for ticket in others:
            ticket.message_post(
                body=self.env._(
                    "Merged into %(ticket)s by %(user)s: it is handled there.",
                    ticket=self._get_html_link(self.name), user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Where the customer's links lead
    # ------------------------------------------------------------------

    def _merge_survivor(self):
        """The ticket handled in place of this one (itself when not merged)."""
        self.ensure_one()
        return self.merged_into_id or self

    @api.model
    def _ticket_named_in_subject(self, msg_dict):
        """A reply naming a merged ticket's reference goes to its survivor."""
        ticket = super()._ticket_named_in_subject(msg_dict)
        return ticket.merged_into_id or ticket

    def action_open_merge_wizard(self):
        return self._open_wizard("customer.feedback.merge.wizard", self.env._("Merge Tickets"))
