"""The public feedback form (``/feedback``), its thanks page, and the link
with which the owner of an address confirms they sent a ticket
(``/feedback/verify``)."""

from odoo import http
from odoo.http import request
from odoo.tools import email_normalize

from ..models.customer_feedback_ticket_web_form import (
    WEB_FORM_FIELDS,
    FeedbackWebFormError,
)
from .uploads import read_uploads

# A field hidden from people: a robot filling every input fills it too.
HONEYPOT_FIELD = "company_website"
# The visitor's last ticket (its reference and whether it was acknowledged),
# for the thanks page only: the session is the visitor's, so nobody reads
# another ticket's reference there.
SESSION_REFERENCE_KEY = "customer_feedback_web_form_reference"


class FeedbackPublicForm(http.Controller):
    """The public feedback form, for visitors without an account.

    ``website=True``: the pages take the site's layout and language when the
    Website app is installed, and the portal's frame without it. POST is
    protected by Odoo's CSRF check (``csrf_token`` field), a honeypot field
    and limits per address and per email.
    """

    @http.route(
        "/feedback", type="http", auth="public", methods=["GET"], website=True, readonly=True
    )
    def feedback_form(self, **kwargs):
        """The empty form."""
        return self._render_form()

    @http.route(
        "/feedback", type="http", auth="public", methods=["POST"], website=True, sitemap=False
    )
    def feedback_submit(self, **post):
        """Create the ticket, or show the form again with what is wrong."""
        form = {field: post.get(field, "") for field in WEB_FORM_FIELDS}
        ip_address = request.httprequest.remote_addr or "unknown"
        email = email_normalize(form["email"]) or None
        # sudo: visitors have no access to the submission log (addresses are
        # personal data); it is only read and written here, to count them.
        SubmissionLog = request.env["customer.feedback.submission.log"].sudo()
        if post.get(HONEYPOT_FIELD):
            # A robot: it sees the usual thanks page, nothing is created, and
            # it is counted so that it soon hits the limit of its address.
            SubmissionLog._log_submission(ip_address)
            return request.redirect("/feedback/thanks", code=303)
        if SubmissionLog._is_rate_limited(ip_address, email):
            retry_after = str(SubmissionLog._window_minutes() * 60)
            return self._render_form(
                form, rate_limited=True, status=429, headers={"Retry-After": retry_after}
            )
        # sudo: visitors cannot create tickets; _create_from_web_form takes
        # only the form's fields from them and decides everything else.
        Ticket = request.env["customer.feedback.ticket"].sudo()
        try:
            ticket = Ticket._create_from_web_form(
                form, read_uploads(request.httprequest.files.getlist("attachments")),
                sender=self._logged_in_sender(),
            )
        except FeedbackWebFormError as error:
            return self._render_form(form, errors=error.errors, status=400)
        SubmissionLog._log_submission(ip_address, email)
        acknowledged = ticket.company_id.feedback_send_acknowledgement
        request.session[SESSION_REFERENCE_KEY] = {
            "reference": ticket.name,
            "acknowledged": acknowledged and bool(ticket.partner_email),
            # no email: the team calls them (see _acknowledge_without_email)
            "by_phone": acknowledged and not ticket.partner_email,
        }
        return request.redirect("/feedback/thanks", code=303)

    @http.route(
        "/feedback/thanks", type="http", auth="public", methods=["GET"], website=True,
        sitemap=False, readonly=True,
    )
    def feedback_thanks(self, **kwargs):
        """The reference of the visitor's own last ticket, from their session."""
        submitted = request.session.get(SESSION_REFERENCE_KEY) or {}
        return request.render("customer_feedback.public_form_thanks", {
            "reference": submitted.get("reference"),
            "acknowledged": submitted.get("acknowledged"),
            "by_phone": submitted.get("by_phone"),
        })

    @http.route(
        "/feedback/policy", type="http", auth="public", methods=["GET"], website=True,
        readonly=True,
    )
    def feedback_policy(self, **kwargs):
        """The company's complaint policy, in the visitor's language."""
        # sudo: visitors may not read companies; only the published policy is shown
        company = request.env.company.sudo()
        return request.render("customer_feedback.feedback_policy_page", {
            "company": company,
            "policy": company._feedback_policy_html(),
        })

    def _logged_in_sender(self):
        """The contact of a logged-in user: their session proves who they are.
        None for an anonymous visitor, who proves nothing."""
        user = request.env.user
        return None if user._is_public() else user.partner_id

    def _render_form(self, form=None, errors=None, rate_limited=False, **response_kwargs):
        Ticket = request.env["customer.feedback.ticket"]
        sender = self._logged_in_sender()
        if form is None and sender:
            form = {"name": sender.name, "email": sender.email or "", "phone": sender.phone or ""}
        return request.render("customer_feedback.public_form_page", {
            "form": form or {},
            "errors": errors or {},
            "rate_limited": rate_limited,
            "kinds": Ticket._fields["kind"]._description_selection(request.env),
            "honeypot_field": HONEYPOT_FIELD,
            "attachment_help": Ticket._feedback_attachment_help(),
        }, **response_kwargs)


class FeedbackSenderConfirmation(http.Controller):
    """The button of the acknowledgement sent to an address an anonymous
    visitor typed, when it is an existing customer's: its owner confirms
    they sent the feedback, and the ticket joins their contact.

    The token is signed for this ticket, this address and this purpose
    (``_sender_confirmation_token``): only the address received it. GET shows
    the question (mail scanners open links: they must not confirm for the
    customer); POST links. A second POST changes nothing.
    """

    def _ticket_from_token(self, ticket_id, token):
        """The ticket, as superuser, when ``token`` is its token; else None."""
        # sudo: the visitor of this link is usually not logged in; the signed
        # token checked below is what grants access to this one ticket.
        ticket = request.env["customer.feedback.ticket"].sudo().browse(ticket_id).exists()
        if not ticket or not ticket._check_sender_confirmation_token(token):
            return None
        return ticket

    @http.route(
        "/feedback/verify/<int:ticket_id>", type="http", auth="public", methods=["GET"],
        website=True, sitemap=False, readonly=True,
    )
    def sender_confirmation_page(self, ticket_id, token=None, **kwargs):
        ticket = self._ticket_from_token(ticket_id, token)
        if ticket is None:
            return request.render("customer_feedback.confirmation_invalid", status=404)
        return request.render("customer_feedback.public_form_verify_page", {
            "ticket": ticket, "token": token,
        })

    @http.route(
        "/feedback/verify/<int:ticket_id>", type="http", auth="public", methods=["POST"],
        website=True, sitemap=False,
    )
    def sender_confirmation_submit(self, ticket_id, token=None, **kwargs):
        ticket = self._ticket_from_token(ticket_id, token)
        if ticket is None:
            return request.render("customer_feedback.confirmation_invalid", status=404)
        outcome = ticket._confirm_sender_by_link()
        return request.render("customer_feedback.public_form_verify_done", {
            "ticket": ticket, "outcome": outcome,
        })
