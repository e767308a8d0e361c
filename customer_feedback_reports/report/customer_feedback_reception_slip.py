"""The reception slip: the internal one, with the handling of the ticket, and
the customer's copy, which the portal prints.

Each has its report model, so that whatever route renders them (the portal,
or ``/report/<type>/...`` called directly) the customer never gets the
internal slip, and gets the copy of their own tickets only.
"""

from odoo import api, models
from odoo.exceptions import AccessError

TICKET_MODEL = "customer.feedback.ticket"


class ReportReceptionSlip(models.AbstractModel):
    _name = "report.customer_feedback_reports.report_reception_slip"
    _description = "Reception Slip"

    @api.model
    def _get_report_values(self, docids, data=None):
        # the user who asks, even under sudo: no customer gets the internal slip
        if self.env.user.share:
            raise AccessError(self.env._(
                "The reception slip with its handling is for employees: customers print "
                "their copy from their feedback page."
            ))
        return {
            "doc_ids": docids,
            "doc_model": TICKET_MODEL,
            "docs": self.env[TICKET_MODEL].browse(docids),
            "customer_version": False,
        }


class ReportReceptionSlipCustomer(models.AbstractModel):
    _name = "report.customer_feedback_reports.report_reception_slip_customer"
    _description = "Reception Slip (Customer Copy)"

    @api.model
    def _get_report_values(self, docids, data=None):
        tickets = self.env[TICKET_MODEL].browse(docids)
        # the reader's rights decide which tickets (the portal checked its
        # visitor, token holders included, and renders as superuser)
        tickets.check_access("read")
        # sudo: the copy prints customer-facing data only, the promised date
        # among them, which is derived from internal dates.
        tickets = tickets.sudo()
        return {
            "doc_ids": docids,
            "doc_model": TICKET_MODEL,
            "docs": tickets,
            "customer_version": True,
            "promised_dates": {ticket.id: ticket._portal_promised_date() for ticket in tickets},
        }
