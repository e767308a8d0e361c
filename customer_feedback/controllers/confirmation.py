from odoo import http
from odoo.http import request

from ..models.customer_feedback_ticket_confirmation import ANSWERS


class FeedbackConfirmationController(http.Controller):
    """Accept / refuse buttons of the resolution email.

    Each link carries a token signed for one ticket, one round of
    confirmation and this purpose (``_confirmation_token``): only the
    customer got it. GET shows the question (mail scanners that open links
    must not answer for the customer); POST records the answer through the
    ticket's ``_receive_customer_answer``, which never loses it. Pages are in
    the customer's language.
    """

    def _ticket_from_token(self, ticket_id, confirmation_round, token):
        """The ticket, as superuser, when ``token`` is its token for this
        round; else None."""
        # sudo: visitors of these links are usually not logged in; the signed
        # token checked below is what grants access to this one ticket.
        ticket = request.env["customer.feedback.ticket"].sudo().browse(ticket_id).exists()
        if not ticket or not ticket._check_confirmation_token(confirmation_round, token):
            return None
        if request.env.user._is_public() and ticket.partner_id.lang:
            request.update_context(lang=ticket.partner_id.lang)
            ticket = ticket.with_context(lang=ticket.partner_id.lang)
        return ticket

    def _page(self, ticket, confirmation_round, answer, token, **values):
        return request.render("customer_feedback.confirmation_page", {
            "ticket": ticket,
            "answer": answer,
            "confirmation_round": confirmation_round,
            "token": token,
            # the answer is taken in every state; it says when it will only
            # be passed on to the team
            "applies": ticket.state == "waiting"
            and confirmation_round == ticket.confirmation_round,
            **values,
        })

    @http.route(
        "/feedback/confirm/<int:ticket_id>/<int:confirmation_round>/<string:answer>",
        type="http", auth="public", methods=["GET"], website=False, sitemap=False,
        readonly=True,
    )
    def confirmation_page(self, ticket_id, confirmation_round, answer, token=None, **kw):
        ticket = self._ticket_from_token(ticket_id, confirmation_round, token)
        if ticket is None or answer not in ANSWERS:
            return request.render("customer_feedback.confirmation_invalid", status=404)
        return self._page(ticket, confirmation_round, answer, token)

    @http.route(
        "/feedback/confirm/<int:ticket_id>/<int:confirmation_round>/<string:answer>",
        type="http", auth="public", methods=["POST"], website=False, sitemap=False,
    )
    def confirmation_submit(self, ticket_id, confirmation_round, answer, token=None, note=None,
                            **kw):
        ticket = self._ticket_from_token(ticket_id, confirmation_round, token)
        if ticket is None or answer not in ANSWERS:
            return request.render("customer_feedback.confirmation_invalid", status=404)
        note = (note or "").strip()
        if answer == "refuse" and not note:
            return self._page(ticket, confirmation_round, answer, token, error=True)
        outcome = ticket._receive_customer_answer(answer, note, confirmation_round)
        return request.render("customer_feedback.confirmation_done", {
            "ticket": ticket, "answer": answer, "outcome": outcome,
        })
