"""The customer's copy of the reception slip, printed from the portal."""

from odoo import http
from odoo.http import content_disposition, request

from odoo.addons.customer_feedback.controllers.portal import FeedbackCustomerPortal

SLIP_CUSTOMER_REPORT = "customer_feedback_reports.action_report_reception_slip_customer"


class FeedbackSlipPortal(FeedbackCustomerPortal):
    @http.route(
        "/my/feedback/<int:ticket_id>/slip", type="http", auth="public", website=True,
        methods=["GET"], readonly=True,
    )
    def portal_feedback_slip(self, ticket_id, access_token=None, report_type="pdf",
                             download=False, **kw):
        """The customer's copy of the slip (never the internal one), for whoever
        may read the ticket on the portal: its customer, a colleague when
        shared, the holder of its token."""
        ticket_sudo = self._feedback_ticket_with_access(ticket_id, access_token)
        if ticket_sudo is None or report_type not in ("html", "pdf"):
            return request.redirect("/my")
        # sudo (as the portal's own reports): the visitor's access was checked
        # above; the customer's copy prints customer-facing data only.
        Report = request.env["ir.actions.report"].sudo().with_company(ticket_sudo.company_id)
        content, _fmt = getattr(Report, f"_render_qweb_{report_type}")(
            SLIP_CUSTOMER_REPORT, ticket_sudo.ids, data={"report_type": report_type}
        )
        headers = [("Content-Type", "application/pdf" if report_type == "pdf" else "text/html")]
        if report_type == "pdf":
            # as the report's print_report_name
            filename = f"Reception slip - {ticket_sudo.name.replace('/', '-')}.pdf"
            headers.append(("Content-Disposition", content_disposition(
                filename, disposition_type="attachment" if download else "inline"
            )))
        return request.make_response(content, headers=headers)
