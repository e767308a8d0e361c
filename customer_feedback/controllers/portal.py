"""The customer portal: "My Feedback" list and detail, answers to the
resolution, and a form to send new feedback.

Portal users only read tickets (ACL and record rules decide which); every
change goes through the ticket's own methods, as superuser, after the checks
written next to each ``sudo``.
"""

from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.customer_feedback_ticket import KINDS
from ..models.customer_feedback_ticket_confirmation import ANSWERS, RECORDED
from ..tools.vietnamese import normalize_vietnamese
from .uploads import read_uploads

TICKET_MODEL = "customer.feedback.ticket"


class FeedbackCustomerPortal(CustomerPortal):
    """My Feedback pages of the customer portal (``/my/feedback``)."""

    # ------------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "feedback_count" in counters:
            Ticket = request.env[TICKET_MODEL]
            values["feedback_count"] = (
                Ticket.search_count([]) if Ticket.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _feedback_searchbar_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Newest"), "order": "date_received desc, id desc"},
            "name": {"label": env._("Reference"), "order": "name desc"},
            "state": {"label": env._("Status"), "order": "state, date_received desc"},
        }

    @http.route(
        ["/my/feedback", "/my/feedback/page/<int:page>"],
        type="http", auth="user", website=True, methods=["GET"], readonly=True,
    )
    def portal_my_feedback(self, page=1, sortby=None, filterby=None, search=None, **kw):
        Ticket = request.env[TICKET_MODEL]
        sortings = self._feedback_searchbar_sortings()
        sortby = sortby if sortby in sortings else "date"
        filters = Ticket._portal_filter_domains()
        filterby = filterby if filterby in filters else "all"
        domain = filters[filterby][1]
        # unaccent (setup/install.sh) makes ilike ignore the tones; the term
        # is also given the one spelling the addons compare (NFC, one tone
        # placement) for a database without it
        search = normalize_vietnamese((search or "").strip())
        if search:
            domain &= Domain("name", "ilike", search) | Domain("title", "ilike", search)

        pager = portal_pager(
            url="/my/feedback",
            url_args={"sortby": sortby, "filterby": filterby, "search": search or None},
            total=Ticket.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_feedback_history"] = tickets.ids[:100]

        values = self._prepare_portal_layout_values()
        values.update({
            # sudo: the search above applied the user's record rules; the list
            # shows customer-facing fields only, the promised date among them,
            # which is derived from internal dates (_portal_promised_date).
            "tickets": tickets.sudo(),
            "page_name": "feedback",
            "default_url": "/my/feedback",
            "pager": pager,
            "searchbar_sortings": sortings,
            "sortby": sortby,
            "searchbar_filters": {
                key: {"label": label} for key, (label, _domain) in filters.items()
            },
            "filterby": filterby,
            "searchbar_inputs": {"all": {"input": "all", "label": request.env._(
                "Search in Reference and Subject")}},
            "search_in": "all",
            "search": search,
        })
        return request.render("customer_feedback.portal_my_feedback", values)

    # ------------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------------

    def _feedback_ticket_with_access(self, ticket_id, access_token):
        """The ticket (as superuser) if the visitor may read it or holds its
        token; None otherwise."""
        try:
            return self._document_check_access(TICKET_MODEL, ticket_id, access_token)
        except (AccessError, MissingError):
            return None

    def _feedback_viewer_partner(self, ticket_sudo, access_token):
        """Who acts on the page: the holder of a valid token acts as the
        customer (the token was sent to them); otherwise the logged-in user."""
        if access_token and ticket_sudo.access_token and consteq(
            ticket_sudo.access_token, access_token
        ):
            return ticket_sudo.partner_id
        return request.env.user.partner_id

    def _feedback_page_values(self, ticket_sudo, access_token, **kw):
        partner = self._feedback_viewer_partner(ticket_sudo, access_token)
        # the portal links to attachments with their own tokens
        attachments = ticket_sudo._portal_attachments()
        attachments.generate_access_token()
        values = {
            "page_name": "feedback_ticket",
            "ticket": ticket_sudo,
            "attachments": attachments,
            "promised_date": ticket_sudo._portal_promised_date(),
            "can_answer": ticket_sudo._portal_can_answer(partner),
            "rating_token": ticket_sudo._portal_rating_token(partner),
            "refuse_error": kw.get("refuse_error"),
            "refuse_reason": kw.get("refuse_reason"),
            "answered": kw.get("answered") in ANSWERS and kw["answered"],
            "recorded": bool(kw.get("recorded")),
            "created": bool(kw.get("created")),
            "preview_object": ticket_sudo,
        }
        return self._get_page_view_values(
            ticket_sudo, access_token, values, "my_feedback_history", False, **kw
        )

    def _feedback_merged_url(self, ticket_sudo, access_token):
        """The page of the ticket a merged ticket was merged into, when the
        visitor may see it: with their own rights, or, holding the merged
        ticket's token, when the ticket kept is theirs too (same contact, or
        same email without contact); then with its own token. None otherwise:
        the merged ticket is shown, it names the ticket kept."""
        survivor_sudo = ticket_sudo.merged_into_id
        if not survivor_sudo:
            return None
        if self._feedback_ticket_with_access(survivor_sudo.id, None) is not None:
            return survivor_sudo.access_url
        holds_token = access_token and ticket_sudo.access_token and consteq(
            ticket_sudo.access_token, access_token
        )
        same_customer = (
            survivor_sudo.partner_id == ticket_sudo.partner_id if ticket_sudo.partner_id
            else not survivor_sudo.partner_id
            and survivor_sudo.partner_email == ticket_sudo.partner_email
        )
        if holds_token and same_customer:
            return self._feedback_ticket_url(
                survivor_sudo, survivor_sudo._portal_ensure_token()
            )
        return None

    # Read/write, not readonly=True: the first view of a file the customer
    # may open writes its access token (ir.attachment.generate_access_token),
    # and a merged ticket's page may give the ticket kept its token; on a
    # replica the request would fail and be served twice.
    @http.route(
        "/my/feedback/<int:ticket_id>", type="http", auth="public", website=True,
        methods=["GET"],
    )
    def portal_my_feedback_ticket(self, ticket_id, access_token=None, **kw):
        ticket_sudo = self._feedback_ticket_with_access(ticket_id, access_token)
        if ticket_sudo is None:
            return request.redirect("/my")
        survivor_url = self._feedback_merged_url(ticket_sudo, access_token)
        if survivor_url:
            return request.redirect(survivor_url)
        # only the flags this page sets itself: no text comes from the URL
        values = self._feedback_page_values(
            ticket_sudo, access_token, answered=kw.get("answered"), created=kw.get("created"),
            recorded=kw.get("recorded"),
            pid=kw.get("pid"), hash=kw.get("hash"),
        )
        return request.render("customer_feedback.portal_my_feedback_ticket", values)

    # ------------------------------------------------------------------
    # Answer to the resolution
    # ------------------------------------------------------------------

    def _feedback_ticket_url(self, ticket_sudo, access_token, **query):
        url = ticket_sudo.access_url
        if access_token:
            query["access_token"] = access_token
        return f"{url}?{urlencode(query)}" if query else url

    def _feedback_answer(self, ticket_id, access_token, answer, note, confirmation_round):
        """Record the customer's answer, whatever the state of the ticket
        (``_receive_customer_answer``), and show the ticket again."""
        ticket_sudo = self._feedback_ticket_with_access(ticket_id, access_token)
        if ticket_sudo is None:
            return request.redirect("/my")
        partner = self._feedback_viewer_partner(ticket_sudo, access_token)
        if partner != ticket_sudo.partner_id:
            # a colleague who sees the ticket: the answer is the customer's
            return request.redirect(self._feedback_ticket_url(ticket_sudo, access_token))
        confirmation_round = (
            int(confirmation_round) if str(confirmation_round or "").isdigit() else None
        )
        # sudo (from _document_check_access): checked above that the visitor
        # is the customer (or holds the ticket's token); the ticket's method
        # applies the answer through the workflow, or records it.
        outcome = ticket_sudo._receive_customer_answer(answer, note, confirmation_round)
        query = {"answered": answer}
        if outcome == RECORDED:
            query["recorded"] = 1
        return request.redirect(self._feedback_ticket_url(ticket_sudo, access_token, **query))

    @http.route(
        "/my/feedback/<int:ticket_id>/accept", type="http", auth="public", website=True,
        methods=["POST"],
    )
    def portal_feedback_accept(self, ticket_id, access_token=None, note=None,
                               confirmation_round=None, **kw):
        return self._feedback_answer(ticket_id, access_token, "accept", note, confirmation_round)

    @http.route(
        "/my/feedback/<int:ticket_id>/refuse", type="http", auth="public", website=True,
        methods=["POST"],
    )
    def portal_feedback_refuse(self, ticket_id, access_token=None, reason=None,
                               confirmation_round=None, **kw):
        reason = (reason or "").strip()
        ticket_sudo = self._feedback_ticket_with_access(ticket_id, access_token)
        if ticket_sudo is not None and not reason:
            values = self._feedback_page_values(
                ticket_sudo, access_token,
                refuse_error=request.env._("Please tell us why you refuse the resolution."),
                refuse_reason=reason,
            )
            return request.render(
                "customer_feedback.portal_my_feedback_ticket", values, status=400
            )
        return self._feedback_answer(ticket_id, access_token, "refuse", reason,
                                     confirmation_round)

    # ------------------------------------------------------------------
    # New feedback
    # ------------------------------------------------------------------

    def _feedback_form_values(self, form=None, errors=None):
        Ticket = request.env[TICKET_MODEL]
        kinds = dict(Ticket._fields["kind"]._description_selection(request.env))
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "feedback_new",
            "kinds": [(key, kinds[key]) for key, _label in KINDS],
            "categories": Ticket._portal_categories(),
            "form": form or {"kind": "complaint"},
            "errors": errors or {},
            "attachment_hint": Ticket._feedback_attachment_help(),
        })
        return values

    @http.route(
        "/my/feedback/new", type="http", auth="user", website=True, methods=["GET"],
        readonly=True,
    )
    def portal_feedback_new(self, **kw):
        return request.render(
            "customer_feedback.portal_feedback_new", self._feedback_form_values()
        )

    @http.route(
        "/my/feedback/new", type="http", auth="user", website=True, methods=["POST"],
    )
    def portal_feedback_submit(self, **post):
        form = {
            key: (post.get(key) or "")
            for key in ("kind", "category_id", "title", "description")
        }
        uploads = read_uploads(request.httprequest.files.getlist("attachments"))
        Ticket = request.env[TICKET_MODEL]
        errors = Ticket._portal_feedback_errors(form, uploads)
        if not errors:
            try:
                ticket = Ticket._create_from_portal(form, uploads)
            except UserError as error:
                errors = {"form": str(error)}
        if errors:
            return request.render(
                "customer_feedback.portal_feedback_new",
                self._feedback_form_values(form, errors), status=400,
            )
        return request.redirect(f"{ticket.access_url}?created=1")
