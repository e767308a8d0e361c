from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, html2plaintext

REPORT_XMLID = "customer_feedback_reports.action_report_feedback_analysis"


def _kind_selection(records):
    """The ticket kinds, including those other addons add."""
    return records.env["customer.feedback.ticket"]._fields["kind"]._description_selection(
        records.env
    )


class CustomerFeedbackAnalysisWizard(models.TransientModel):
    """Choose the period and the scope of the feedback analysis, write the
    lessons learned, and print the report for the management review."""

    _name = "customer.feedback.analysis.wizard"
    _description = "Feedback Analysis Report"

    date_from = fields.Date(
        "From", required=True, default=lambda self: self._default_period()[0]
    )
    date_to = fields.Date("To", required=True, default=lambda self: self._default_period()[1])
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    department_ids = fields.Many2many(
        "customer.feedback.department", "customer_feedback_analysis_department_rel",
        "wizard_id", "department_id", string="Departments",
        domain="[('company_id', '=', company_id)]",
        help="Only the feedback of these departments; all when empty.",
    )
    category_ids = fields.Many2many(
        "customer.feedback.category", "customer_feedback_analysis_category_rel",
        "wizard_id", "category_id", string="Categories",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Only the feedback of these categories and their subcategories; all when empty.",
    )
    kind_line_ids = fields.One2many(
        "customer.feedback.analysis.wizard.kind", "wizard_id", string="Kinds",
        help="Only the feedback of these kinds; all when empty.",
    )
    lessons = fields.Html(
        "Lessons Learned",
        help="Lessons learned from complaint handling, strengths and weaknesses, and "
        "proposals to raise satisfaction. Printed in the report and archived with it.",
    )

    @api.model
    def _default_period(self):
        """The last full month, in the user's time zone."""
        today = fields.Date.context_today(self)
        first_of_month = today.replace(day=1)
        return first_of_month - relativedelta(months=1), first_of_month - timedelta(days=1)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period must start before it ends."))

    def _kinds(self):
        """The kinds chosen, all when none is."""
        self.ensure_one()
        return self.kind_line_ids.mapped("kind") or [kind for kind, _label in _kind_selection(self)]

    def _previous_period(self):
        """The period of equal length that ends the day before this one starts."""
        self.ensure_one()
        date_to = self.date_from - timedelta(days=1)
        return date_to - (self.date_to - self.date_from), date_to

    def _utc_bounds(self, date_from, date_to):
        """UTC datetimes [start, stop) of the days from ``date_from`` to ``date_to``,
        the days being those of the user's time zone."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        return (start.astimezone(pytz.utc).replace(tzinfo=None),
                stop.astimezone(pytz.utc).replace(tzinfo=None))

    def _report_filename(self):
        self.ensure_one()
        return self.env._(
            "Feedback analysis %(date_from)s - %(date_to)s.pdf",
            date_from=self.date_from.isoformat(), date_to=self.date_to.isoformat(),
        )

    def action_print(self):
        """Render the analysis, archive the PDF with the manager's text, download it.

        The PDF is rendered here rather than by the report action, so that the
        exact document the manager gets is the one archived. The attachment is
        not linked to this wizard (wizards are deleted by the vacuum, and their
        attachments with them): it stays with its author and the administrators,
        in the "Archived Feedback Analyses" menu.
        """
        self.ensure_one()
        pdf, report_format = self.env["ir.actions.report"]._render_qweb_pdf(
            REPORT_XMLID, self.ids
        )
        attachment = self.env["ir.attachment"].create({
            "name": self._report_filename(),
            "raw": pdf,
            "mimetype": "application/pdf" if report_format == "pdf" else "text/html",
            "res_model": self._name,
            "description": self._archive_description(),
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _archive_description(self):
        """What the archived report covers, and the manager's text, searchable."""
        self.ensure_one()
        scope = self.env._(
            "Feedback analysis of %(company)s from %(date_from)s to %(date_to)s",
            company=self.company_id.name,
            date_from=format_date(self.env, self.date_from),
            date_to=format_date(self.env, self.date_to),
        )
        lessons = html2plaintext(self.lessons or "").strip()
        return f"{scope}\n\n{lessons}" if lessons else scope


class CustomerFeedbackAnalysisWizardKind(models.TransientModel):
    """A kind of feedback the analysis is restricted to."""

    _name = "customer.feedback.analysis.wizard.kind"
    _description = "Feedback Analysis Kind"

    wizard_id = fields.Many2one(
        "customer.feedback.analysis.wizard", "Analysis", required=True, ondelete="cascade"
    )
    kind = fields.Selection(_kind_selection, required=True)
