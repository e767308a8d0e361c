"""Mail gateway hooks for feedback tickets that act before a model is known."""

from odoo import api, models

# Headers of automatic mail: never acknowledged (RFC 3834 and common practice).
AUTOMATIC_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Tell ``message_new`` whether the mail was sent by a machine."""
        return super(
            MailThread, self.with_context(feedback_automatic_mail=_is_automatic(message))
        )._message_route_process(message, message_dict, routes)

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None,
                      custom_values=None):
        """A reply to a ticket closed too long ago starts a new, linked ticket."""
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        Ticket = self.env["customer.feedback.ticket"]
        rerouted = []
        for route in routes:
            route_model, route_thread_id, route_values, *rest = route
            # sudo: the gateway user may not read every ticket; only the
            # state and closing date are looked at.
            ticket = Ticket.sudo().browse(
                route_thread_id if route_model == Ticket._name else []
            ).exists()
            if ticket.state == "closed" and ticket._closed_too_long_ago():
                values = dict(
                    route_values or {}, parent_ticket_id=ticket.id,
                    department_id=ticket.department_id.id,
                )
                rerouted.append((route_model, False, values, *rest))
            else:
                rerouted.append(route)
        return rerouted


def _is_automatic(message):
    """True for auto-replies, bounces and list mail."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return_path = message.get("Return-Path")
    return bool(
        auto_submitted != "no"
        or precedence in AUTOMATIC_PRECEDENCE
        or message.get("X-Autoreply") or message.get("X-Autorespond")
        or message.get("X-Auto-Response-Suppress", "").lower() in ("all", "oof")
        or message.get("List-Id") or message.get("List-Unsubscribe")
        or (return_path is not None and return_path.strip() in ("<>", ""))
    )
