from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from odoo.addons.customer_feedback.tests.test_satisfaction import SatisfactionCommon

from .common import pdf_fonts, pdf_text

REPORT = "customer_feedback_reports.action_report_feedback_analysis"
LESSONS = "Bài học: trả lời khiếu nại trong ngày, đào tạo lại đội lắp đặt."

# The analysed period (March 2023, 31 days) and the previous one of equal
# length (30 January - 28 February): far from the demo data's dates.
DATE_FROM, DATE_TO = date(2023, 3, 1), date(2023, 3, 31)


def at(day, hour=8, month=3):
    return datetime(2023, month, day, hour)


class AnalysisCommon(SatisfactionCommon):
    """Known tickets in March 2023 and the month before.

    March: 5 tickets, 3 complaints. Resolution in 10, 42 and 20 hours
    (average 24, median 20; the 42 hours one is late), first response in
    2, 4, 6 and 0.5 hours (median 3). Two open tickets past their deadlines.
    Previous period: 2 tickets, one complaint resolved in 50 hours.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.tz = "UTC"
        cls.customer_viet = cls.env["res.partner"].create({
            "name": "Nguyễn Thị Hằng", "email": "hang@example.vn",
        })
        cls.previous_complaint = cls._known_ticket(
            "complaint", cls.cat_a, cls.customer_contact, at(10, month=2),
            response=1, resolution=50)
        cls.previous_question = cls._known_ticket(
            "question", cls.cat_a, cls.customer_noemail, at(20, month=2))
        cls.t_on_time = cls._known_ticket(
            "complaint", cls.cat_a, cls.customer_contact, at(5), response=2, resolution=10)
        cls.t_late = cls._known_ticket(
            "complaint", cls.cat_b, cls.customer_key, at(10), response=4, resolution=42)
        cls.t_suggestion = cls._known_ticket(
            "suggestion", cls.cat_a, cls.customer_noemail, at(12), response=6, resolution=20)
        cls.t_overdue = cls._known_ticket(
            "praise", cls.cat_b, cls.customer_viet, at(15), title="Khen nhân viên lắp đặt")
        cls.t_started = cls._known_ticket(
            "complaint", cls.cat_a, cls.customer_key, at(20), response=0.5)

    @classmethod
    def _known_ticket(cls, kind, category, partner, received, response=None,
                      resolution=None, title=None):
        """A ticket received at ``received``, answered and resolved after the
        given hours (the workflow stamps the current time: it is rewritten)."""
        ticket = cls.env["customer.feedback.ticket"].with_context(
            feedback_no_acknowledgement=True, mail_notrack=True,
        ).create({
            "title": title or f"CF analysis {kind} {received:%m-%d}",
            "kind": kind, "category_id": category.id, "partner_id": partner.id,
            "priority_id": cls.prio_normal.id, "date_received": received,
            "channel": "hotline" if kind == "complaint" else "email",
        })
        stamps = {}
        if response is not None or resolution is not None:
            ticket.action_start()
        if response is not None:
            stamps["date_first_response"] = received + timedelta(hours=response)
        if resolution is not None:
            ticket.resolution = "<p>Done.</p>"
            ticket.action_resolve()
            stamps["date_resolved"] = received + timedelta(hours=resolution)
        ticket.write(stamps)
        return ticket

    def _satisfaction_answer(self, ticket, overall, nps, answered_at):
        satisfaction = self._new_satisfaction(partner=ticket.partner_id, ticket=ticket)
        return self._answer(satisfaction, overall=overall, nps=nps, answered_at=answered_at)

    def _wizard(self, **values):
        vals = {"date_from": DATE_FROM, "date_to": DATE_TO, "company_id": self.company_a.id,
                "lessons": f"<p>{LESSONS}</p>"}
        vals.update(values)
        return self.env["customer.feedback.analysis.wizard"].with_user(self.manager).create(vals)

    def _analysis(self, wizard):
        Report = self.env["report.customer_feedback_reports.report_feedback_analysis"]
        values = Report.with_user(wizard.env.user)._get_report_values(wizard.ids)
        return values["analyses"][wizard.id]

    def _pdf(self, wizard):
        pdf, report_format = self.env["ir.actions.report"].with_user(wizard.env.user).with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, wizard.ids)
        self.assertEqual(report_format, "pdf")
        return pdf

    def _pdf_text(self, wizard):
        return pdf_text(self._pdf(wizard))


@tagged("post_install", "-at_install")
class TestAnalysisReport(AnalysisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        action = cls.env["customer.feedback.corrective.action"].create({
            "problem": "CF lô linh kiện lỗi", "company_id": cls.company_a.id,
            "department_id": cls.dept_a.id,
        })
        earlier_action = cls.env["customer.feedback.corrective.action"].create({
            "problem": "CF earlier batch", "company_id": cls.company_a.id,
        })
        (action + earlier_action).write({"state": "done", "date_done": at(25)})
        earlier_action.date_done = at(15)
        # create_date is not writable through the ORM: back-date the actions.
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE customer_feedback_corrective_action SET create_date = %s WHERE id = %s",
            [at(8), action.id])
        cls.env.cr.execute(
            "UPDATE customer_feedback_corrective_action SET create_date = %s WHERE id = %s",
            [at(10, month=2), earlier_action.id])
        cls.env.invalidate_all()
        cls.corrective_action = action

    def setUp(self):
        super().setUp()
        self._satisfaction_answer(self.t_on_time, overall=5, nps=10, answered_at=at(12))
        self._satisfaction_answer(self.t_late, overall=2, nps=3, answered_at=at(13))
        self._satisfaction_answer(self.t_suggestion, overall=4, nps=9, answered_at=at(22))

    def test_figures(self):
        """The numbers of each section, computed by the database."""
        analysis = self._analysis(self._wizard())
        kinds = {row["key"]: row for row in analysis["breakdowns"]["kind"]["rows"]}
        self.assertEqual(analysis["breakdowns"]["kind"]["total"], 5)
        self.assertEqual(analysis["breakdowns"]["kind"]["previous_total"], 2)
        self.assertEqual((kinds["complaint"]["count"], kinds["complaint"]["previous"]), (3, 1))
        self.assertEqual((kinds["question"]["count"], kinds["question"]["previous"]), (0, 1))
        self.assertEqual(kinds["complaint"]["share"], "60.0%")
        departments = {row["key"]: row["count"]
                       for row in analysis["breakdowns"]["department_id"]["rows"]}
        self.assertEqual(departments, {self.dept_a: 3, self.dept_b: 2})
        channels = {row["key"]: row["count"] for row in analysis["breakdowns"]["channel"]["rows"]}
        self.assertEqual(channels, {"hotline": 3, "email": 2})

        customers = analysis["customers"]
        # customer_contact counts as its company; it and customer_noemail came before
        self.assertEqual(customers["current"], {"total": 4, "returning": 2, "new": 2})
        self.assertEqual(customers["previous"], {"total": 2, "returning": 0, "new": 2})
        self.assertEqual(customers["dissatisfied"]["count"], 1)
        self.assertEqual(customers["dissatisfied"]["rows"][0]["name"], "CF Key Customer")

        resolution = analysis["times"]["current"]["resolution"]
        self.assertEqual(resolution["measured"], 3)
        self.assertAlmostEqual(resolution["average"], 24.0)
        self.assertAlmostEqual(resolution["median"], 20.0)
        # on time: 10 h and 20 h of 24; late: the 42 h one and the two unresolved
        self.assertEqual(resolution["on_time"], "40.0%")
        response = analysis["times"]["current"]["response"]
        self.assertEqual(response["measured"], 4)
        self.assertAlmostEqual(response["median"], 3.0)
        self.assertEqual(response["on_time"], "80.0%")
        self.assertAlmostEqual(analysis["times"]["previous"]["resolution"]["median"], 50.0)

        satisfaction = analysis["satisfaction"]
        self.assertAlmostEqual(satisfaction["overall"]["csat"], 200 / 3)
        self.assertEqual(satisfaction["overall"]["nps"], 33)  # 2 promoters, 1 detractor of 3
        by_department = {row["name"]: row for row in satisfaction["departments"]}
        self.assertEqual(by_department["CF Department A"]["csat_label"], "87.5")
        self.assertEqual(by_department["CF Department A"]["nps_label"], "+100")
        self.assertEqual(by_department["CF Department B"]["nps_label"], "-100")
        self.assertEqual(satisfaction["previous"]["answers"], 0)

        self.assertEqual(analysis["top_complaints"][0]["label"], "CF Product A")
        self.assertEqual(analysis["top_complaints"][0]["count"], 2)
        # still overdue: the question of the previous period counts too
        self.assertEqual(analysis["overdue"]["tickets"],
                         self.previous_question | self.t_overdue | self.t_started)
        self.assertEqual(analysis["corrective_actions"]["opened"], 1)
        self.assertEqual(analysis["corrective_actions"]["closed"], 2)

    def test_pdf_font_covers_vietnamese(self):
        """Drawn in Noto Sans (full Vietnamese), not in a web font turned into shapes."""
        fonts = pdf_fonts(self._pdf(self._wizard()))
        self.assertTrue(any("NotoSans" in font for font in fonts), fonts)

    def test_pdf(self):
        """wkhtmltopdf renders every section; its text has the names and numbers."""
        text = self._pdf_text(self._wizard())
        for expected in (
            "Feedback Analysis Report",
            "03/01/2023 to 03/31/2023",
            "01/29/2023 to 02/28/2023",  # previous period of equal length
            "Tickets received 5 2 +150.0%",
            "Complaints 3 1 +200.0%",
            "Complaint 3 60.0% 1",
            "Suggestion 1 20.0% 0",
            "Customers who gave feedback 4 2 +100.0%",
            "New customers 2 2",
            "Returning customers 2 0",
            "Median resolution time (hours) 20.0 50.0 -60.0%",
            "First response time 4 3.1 3.0 80.0%",
            "Resolution time 3 24.0 20.0 40.0% 50.0",
            "CF Department A 2 87.5 +100",
            "CF Service B 1 25.0 -100",
            "CF Key Customer",
            self.t_overdue.name,
            "Khen nhân viên lắp đặt",
            "Nguyễn Thị Hằng",
            self.corrective_action.name,
            "CF lô linh kiện lỗi",
            "Opened in the period 1",
            "Closed in the period 2",
            LESSONS,
        ):
            self.assertIn(expected, text)
        self.assertIn("Question 0 0.0% 1", text, "a kind of the previous period only")
        self.assertNotIn("Technical Support", text, "no row for a kind absent from both")

    def test_charts_are_drawn_in_the_pdf(self):
        """The charts are inline SVG in the page: their labels are PDF text."""
        html = self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
            REPORT, self._wizard().ids)[0].decode()
        self.assertEqual(html.count("<svg"), 3)
        self.assertIn("<polyline", html)
        text = self._pdf_text(self._wizard())
        self.assertIn("All feedback", text)  # the trend's legend

    def test_vietnamese(self):
        """Printed in the user's language, diacritics intact."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"].search(
            [("name", "=", "customer_feedback")])._update_translations(["vi_VN"])
        self.manager.lang = "vi_VN"
        text = self._pdf_text(self._wizard())
        self.assertIn("Khiếu nại", text)  # the complaint kind, in Vietnamese
        self.assertNotIn("Complaint 3", text)
        self.assertIn("Nguyễn Thị Hằng", text)
        self.assertIn(LESSONS, text)
        self.assertIn("01/03/2023", text)  # Vietnamese date format

    def test_filter_department(self):
        """A department restricts every figure, satisfaction included."""
        analysis = self._analysis(self._wizard(department_ids=[Command.set(self.dept_b.ids)]))
        self.assertEqual(analysis["breakdowns"]["kind"]["total"], 2)
        self.assertEqual(analysis["breakdowns"]["kind"]["previous_total"], 0)
        self.assertEqual(analysis["customers"]["current"]["total"], 2)
        self.assertEqual(analysis["satisfaction"]["overall"]["answers"], 1)
        self.assertEqual(analysis["overdue"]["tickets"], self.t_overdue)
        self.assertEqual(analysis["corrective_actions"]["opened"], 0)
        self.assertEqual(analysis["filters"][1][1], "CF Department B")

    def test_filter_kind_and_category(self):
        wizard = self._wizard(kind_line_ids=[Command.create({"kind": "complaint"})])
        analysis = self._analysis(wizard)
        self.assertEqual(analysis["breakdowns"]["kind"]["total"], 3)
        self.assertEqual({row["key"] for row in analysis["breakdowns"]["kind"]["rows"]},
                         {"complaint"})
        self.assertEqual(analysis["satisfaction"]["overall"]["answers"], 2)
        self.assertIn("Complaints 3 1 +200.0%", self._pdf_text(wizard))

        analysis = self._analysis(self._wizard(category_ids=[Command.set(self.cat_b.ids)]))
        self.assertEqual(analysis["breakdowns"]["kind"]["total"], 2)

    def test_print_archives_the_pdf(self):
        """Printing archives the PDF with the manager's text; the download is that file."""
        wizard = self._wizard()
        action = wizard.with_context(force_report_rendering=True).action_print()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "customer.feedback.analysis.wizard")], order="id desc", limit=1)
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.create_uid, self.manager)
        self.assertEqual(attachment.name, "Feedback analysis 2023-03-01 - 2023-03-31.pdf")
        self.assertIn(LESSONS, pdf_text(attachment.raw))
        self.assertIn(LESSONS, attachment.description)
        # The wizard goes with the vacuum; the archive stays.
        wizard.unlink()
        self.assertTrue(attachment.exists())
        self.assertIn(attachment, self.env["ir.attachment"].with_user(self.manager).search(
            [("res_model", "=", "customer.feedback.analysis.wizard")]))


@tagged("post_install", "-at_install")
class TestAnalysisWizard(AnalysisCommon):
    @freeze_time("2026-11-23 10:00:00")
    def test_default_period_is_last_full_month(self):
        wizard = self.env["customer.feedback.analysis.wizard"].with_user(self.manager).create({})
        self.assertEqual((wizard.date_from, wizard.date_to),
                         (date(2026, 10, 1), date(2026, 10, 31)))
        self.assertEqual(wizard._previous_period(), (date(2026, 8, 31), date(2026, 9, 30)))
        self.assertEqual(wizard.company_id, self.company_a)

    def test_dates_in_wrong_order_refused(self):
        with self.assertRaisesRegex(ValidationError, "start before it ends"):
            self._wizard(date_from=DATE_TO, date_to=DATE_FROM)

    def test_empty_period(self):
        """A period without feedback prints, with dashes rather than errors."""
        wizard = self._wizard(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
        text = self._pdf_text(wizard)
        self.assertIn("Tickets received 0 0 –", text)
        self.assertIn("No complaint in the period", text)

    def test_plain_user_refused(self):
        """Only feedback managers open the wizard and print the analysis."""
        action = self.env.ref("customer_feedback_reports.action_customer_feedback_analysis_wizard")
        manager_group = self.env.ref("customer_feedback.group_feedback_manager")
        self.assertEqual(action.group_ids, manager_group)
        menu = self.env.ref("customer_feedback_reports.menu_customer_feedback_analysis")
        self.assertEqual(menu.group_ids, manager_group)
        Wizard = self.env["customer.feedback.analysis.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_a).create({"date_from": DATE_FROM, "date_to": DATE_TO})
        wizard = self._wizard()
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_a).with_context(
                force_report_rendering=True)._render_qweb_pdf(REPORT, wizard.ids)
        # a manager of another company does not print the analysis of this one
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.manager_b)._render_qweb_html(
                REPORT, wizard.ids)

    def test_query_count_does_not_grow_with_tickets(self):
        """Gathering the data costs the same queries for 10 and 50 tickets."""
        wizard = self._wizard()
        Report = self.env["report.customer_feedback_reports.report_feedback_analysis"].with_user(
            self.manager)
        partners = self.env["res.partner"].create(
            [{"name": f"CF analysis customer {i}"} for i in range(50)])
        counts = []
        for batch in (partners[:10], partners[10:]):
            for index, partner in enumerate(batch):
                self._known_ticket(
                    ("complaint", "question", "praise")[index % 3],
                    (self.cat_a, self.cat_b, self.cat_low)[index % 3], partner,
                    at(1 + index % 28, hour=index % 24), response=index % 5 or None,
                    resolution=(index % 7) * 5 or None)
            self.env.flush_all()
            self.env.invalidate_all()
            Report._get_report_values(wizard.ids)  # warm the caches (selection labels...)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            analysis = Report._get_report_values(wizard.ids)["analyses"][wizard.id]
            counts.append(self.env.cr.sql_log_count - before)
            self.assertGreater(analysis["breakdowns"]["kind"]["total"], len(batch))
        self.assertEqual(counts[0], counts[1], "queries for 10 and for 50 tickets")
