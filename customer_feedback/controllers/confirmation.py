from odoo import http
from odoo.http import request
from odoo.tools import consteq


class FeedbackConfirmationController(http.Controller):
    """Accept / refuse links sent with the resolution, protected by the ticket's token.

    GET shows the question (mail scanners that open links must not answer
    for the customer); POST records the answer through the ticket's actions.
    """

    def _ticket_from_token(self, ticket_id, access_token):
        """The ticket, as superuser, when ``access_token`` is its token; else None.

        Only the token counts, not the visitor's rights: the answer is the
        customer's, so an employee following the link cannot give it.
        """
        # sudo: visitors of these links are usually not logged in; the token
        # compared below is what grants access to this one ticket.
        ticket = request.env["customer.feedback.ticket"].sudo().browse(ticket_id).exists()
        if not ticket or not access_token or not ticket.access_token:
            return None
        return ticket if consteq(ticket.access_token, access_token) else None

    @http.route(
        "/feedback/confirm/<int:ticket_id>/<string:answer>",
        type="http", auth="public", methods=["GET"], website=False, sitemap=False,
    )
    def confirmation_page(self, ticket_id, answer, access_token=None, **kw):
        ticket = self._ticket_from_token(ticket_id, access_token)
        if ticket is None or answer not in ("accept", "refuse"):
            return request.render("customer_feedback.confirmation_invalid", status=404)
        return request.render("customer_feedback.confirmation_page", {
            "ticket": ticket,
            "answer": answer,
            "access_token": access_token,
            "can_answer": ticket.state == "waiting",
        })

    @http.route(
        "/feedback/confirm/<int:ticket_id>/<string:answer>",
        type="http", auth="public", methods=["POST"], website=False, sitemap=False,
    )
    def confirmation_submit(self, ticket_id, answer, access_token=None, note=None, **kw):
        ticket = self._ticket_from_token(ticket_id, access_token)
        if ticket is None or answer not in ("accept", "refuse"):
            return request.render("customer_feedback.confirmation_invalid", status=404)
        if ticket.state != "waiting":
            return request.render("customer_feedback.confirmation_page", {
                "ticket": ticket, "answer": answer, "access_token": access_token,
                "can_answer": False,
            })
        note = (note or "").strip()
        if answer == "refuse" and not note:
            return request.render("customer_feedback.confirmation_page", {
                "ticket": ticket, "answer": answer, "access_token": access_token,
                "can_answer": True, "error": True,
            })
        if answer == "accept":
            ticket.action_customer_accept(note=note)
        else:
            ticket.action_customer_refuse(note)
        return request.render("customer_feedback.confirmation_done", {
            "ticket": ticket, "answer": answer,
        })
