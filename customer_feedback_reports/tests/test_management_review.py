"""The management review a manager signs: deadlines met per department and
priority, corrective actions with their owner and verification, a trend by
week or month, the dissatisfied customers who did not complain, page
numbers, a sign-off block, and no blank band where Debian's wkhtmltopdf
prints no header."""

from datetime import date

from odoo.tests import tagged

from odoo.addons.customer_feedback_reports.report.customer_feedback_analysis_report import Period

from .common import pdf_text
from .test_analysis_report import REPORT, AnalysisCommon, at


@tagged("post_install", "-at_install")
class TestManagementReview(AnalysisCommon):
    def _rows_by_label(self, rows):
        return {row["label"]: row for row in rows}

    def test_deadlines_met_per_department_and_priority(self):
        analysis = self._analysis(self._wizard())
        departments = self._rows_by_label(analysis["on_time"]["departments"])
        # department A: first responses all in time; one resolution of three
        # (t_started) past its deadline without a resolution
        self.assertEqual(departments[self.dept_a.display_name]["tickets"], 3)
        self.assertEqual(departments[self.dept_a.display_name]["response"], "100.0%")
        self.assertEqual(departments[self.dept_a.display_name]["resolution"], "66.7%")
        # department B: t_late answered in time but resolved late, t_overdue
        # never answered
        self.assertEqual(departments[self.dept_b.display_name]["tickets"], 2)
        self.assertEqual(departments[self.dept_b.display_name]["response"], "50.0%")
        self.assertEqual(departments[self.dept_b.display_name]["resolution"], "0.0%")
        priorities = self._rows_by_label(analysis["on_time"]["priorities"])
        self.assertEqual(priorities[self.prio_normal.display_name]["tickets"], 5)
        self.assertEqual(priorities[self.prio_normal.display_name]["response"], "80.0%")

    def test_dissatisfied_customers_without_a_complaint(self):
        quiet = self.env["res.partner"].create({"name": "CF Quiet Unhappy", "email": "q@x.vn"})
        closed = self._known_ticket("question", self.cat_a, quiet, at(3), response=1,
                                    resolution=2)
        closed.action_close()
        self._satisfaction_answer(closed, overall=1, nps=2, answered_at=at(6))
        # unhappy too, but their complaint is still open: they did complain
        self._satisfaction_answer(self.t_late, overall=1, nps=1, answered_at=at(13))
        self.assertIn(self.t_started.state, self.t_started.OPEN_STATES)
        silent = self._analysis(self._wizard())["customers"]["silent_dissatisfied"]
        self.assertEqual([row["name"] for row in silent["rows"]], [quiet.display_name])
        self.assertEqual(silent["count"], 1)

    def test_trend_by_week_or_month(self):
        Report = self.env["report.customer_feedback_reports.report_feedback_analysis"]
        for date_from, date_to, expected in (
            (date(2023, 3, 1), date(2023, 3, 31), "week"),
            (date(2023, 1, 1), date(2023, 3, 31), "week"),
            (date(2023, 1, 1), date(2023, 12, 31), "month"),
            (date(2023, 3, 6), date(2023, 3, 12), "week"),
        ):
            with self.subTest(days=(date_to - date_from).days + 1):
                period = Period(None, None, date_from, date_to)
                self.assertEqual(Report._trend_granularity(period), expected)

    def test_corrective_actions_with_owner_and_verification(self):
        action = self.env["customer.feedback.corrective.action"].with_user(self.manager).create({
            "problem": "CF bản lề gãy", "company_id": self.company_a.id,
            "user_id": self.manager.id, "date_due": date(2023, 3, 30),
            "root_cause": "<p>Thép mỏng</p>", "corrective_action": "<p>Đổi nhà cung cấp</p>",
        })
        action.action_start()
        action.action_verify()
        action.verification = "<p>Đã kiểm tra 100 bản lề</p>"
        action.action_done()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_feedback_corrective_action SET create_date = %s WHERE id = %s",
            [at(9), action.id])
        self.env.invalidate_all()
        text = pdf_text(self._pdf(self._wizard()))
        for expected in ("CF bản lề gãy", self.manager.name, "Đã kiểm tra 100 bản lề",
                         "Owner", "Due", "Verification"):
            self.assertIn(expected, text)

    def test_pages_numbered_signed_off_and_no_blank_header_band(self):
        pdf = self._pdf(self._wizard())
        text = pdf_text(pdf)
        self.assertIn("Page 1 of", text)
        for expected in ("Sign-off", "Prepared by", "Reviewed by", self.manager.name,
                         self.company_a.name):
            self.assertIn(expected, text)
        paperformat = self.env.ref(REPORT).paperformat_id
        self.assertLessEqual(paperformat.margin_top, 15, "no room kept for a header")
        self.assertEqual(paperformat.format, "A4")

    def test_archived_copy_is_numbered(self):
        wizard = self._wizard()
        action = wizard.with_context(force_report_rendering=True).action_print()
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertIn("Page 1 of", pdf_text(attachment.raw))
