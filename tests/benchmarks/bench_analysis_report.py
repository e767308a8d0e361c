"""Benchmark: the feedback analysis report (PDF) over many tickets.

Not a test. Creates tickets in batches in a scratch database (10,000 then up
to 100,000 by default), with their workflow stamps, satisfaction answers and
corrective actions, then measures at each size, for the last full month and
for the last twelve months:

- the data gathering (``_get_report_values``): wall time and SQL queries;
- the whole PDF (QWeb rendering and wkhtmltopdf): wall time and SQL queries.

    .venv/bin/python tests/benchmarks/bench_analysis_report.py \
        -c .runtime/test-cf_r1.conf -d cf_bench_analysis [-n 10000,100000] [--port 8181]

The database must have both addons installed (e.g. built by
`TEST_DB_NAME=cf_bench_analysis setup/test.sh --co -q`). Everything the
benchmark creates is rolled back at the end. The report runs as the admin
user (a feedback manager), so the record rules are applied as in real use.

Like bench_tickets.py, the tickets are created through the ORM in batches
with tracking and mails off, and the tables are ANALYZEd after each bulk
load (autovacuum does not see the benchmark's uncommitted rows). The
workflow stamps (first response, resolution, state) and the satisfaction
scores are then set with one SQL UPDATE each, with the stored durations
they imply: replaying the workflow ticket by ticket would only measure the
workflow. wkhtmltopdf fetches the report's stylesheets over HTTP: the
benchmark serves them itself on ``--port``.
"""

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service import server

BATCH = 1000
REPEAT = 3
REPORT = "customer_feedback_reports.action_report_feedback_analysis"
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
         "feedback_no_acknowledgement": True, "mail_auto_subscribe_no_notify": True}


def measure(env, function, repeat=REPEAT):
    """Median wall time (s) of ``function`` and its SQL query count, after a warm-up."""
    function()
    samples, queries = [], []
    for _i in range(repeat):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(samples), max(queries)


class Loader:
    """Creates the benchmark's tickets, answers and corrective actions."""

    def __init__(self, env, today):
        self.env = env(context=dict(env.context, **QUIET))
        self.rng = random.Random(42)
        self.today = today
        self.partners = self.env["res.partner"].create(
            [{"name": f"Bench analysis customer {i}", "email": f"bench{i}@example.com"}
             for i in range(2000)])
        self.categories = self.env["customer.feedback.category"].search(
            [("company_id", "in", [env.company.id, False])])
        self.kinds = [k for k, _l in self.env["customer.feedback.ticket"]._fields["kind"].selection]
        self.channels = [
            c for c, _l in self.env["customer.feedback.ticket"]._fields["channel"].selection]
        self.survey = self.env.ref("customer_feedback.survey_customer_satisfaction")
        self.created = 0

    def ticket_vals(self, _index):
        rng = self.rng
        received = datetime.combine(self.today, datetime.min.time()) - timedelta(
            minutes=rng.randint(1, 395 * 24 * 60))  # over the last 13 months
        return {
            "title": f"Bench analysis ticket {self.created + _index}",
            "kind": rng.choice(self.kinds),
            "channel": rng.choice(self.channels),
            "partner_id": rng.choice(self.partners).id,
            "category_id": rng.choice(self.categories).id,
            "date_received": received,
        }

    def load(self, count):
        """Bring the number of benchmark tickets up to ``count``."""
        Ticket = self.env["customer.feedback.ticket"]
        start = time.perf_counter()
        new = Ticket.browse()
        for offset in range(self.created, count, BATCH):
            size = min(BATCH, count - offset)
            new |= Ticket.create([self.ticket_vals(i) for i in range(size)])
            self.env.flush_all()
            self.env.invalidate_all()
        self.created = count
        self._stamp_workflow(new.ids)
        self._answer_surveys(new)
        self._corrective_actions(count // 2000)
        self.env.cr.execute("ANALYZE customer_feedback_ticket")
        self.env.cr.execute("ANALYZE customer_feedback_satisfaction")
        return time.perf_counter() - start

    def _stamp_workflow(self, ids):
        """Random first responses, resolutions and states, with their durations."""
        cr = self.env.cr
        cr.execute("""
            UPDATE customer_feedback_ticket
               SET date_first_response = CASE WHEN random() < 0.9
                       THEN date_received + random() * interval '30 hours' END,
                   date_resolved = CASE WHEN random() < 0.75
                       THEN date_received + interval '2 hours' + random() * interval '120 hours'
                       END
             WHERE id = ANY(%s)""", [ids])
        cr.execute("""
            UPDATE customer_feedback_ticket
               SET state = CASE WHEN date_resolved IS NOT NULL
                                THEN (ARRAY['resolved', 'waiting', 'closed', 'closed'])
                                     [1 + floor(random() * 4)::int]
                                WHEN date_first_response IS NOT NULL THEN 'in_progress'
                                ELSE 'assigned' END,
                   response_hours = COALESCE(
                       extract(epoch FROM date_first_response - date_received) / 3600, 0),
                   resolution_hours = COALESCE(
                       extract(epoch FROM date_resolved - date_received) / 3600, 0),
                   response_on_time = COALESCE(
                       date_first_response <= date_response_deadline, false),
                   resolution_on_time = COALESCE(date_resolved <= date_resolution_deadline, false)
             WHERE id = ANY(%s)""", [ids])
        self.env.invalidate_all()

    def _answer_surveys(self, tickets):
        """Satisfaction answers for one closed ticket in ten, scores set in SQL."""
        sample = tickets[::10]
        for offset in range(0, len(sample), BATCH):
            batch = sample[offset:offset + BATCH]
            user_inputs = self.env["survey.user_input"].create([
                {"survey_id": self.survey.id, "partner_id": ticket.partner_id.id}
                for ticket in batch])
            self.env["customer.feedback.satisfaction"].create([
                {"partner_id": ticket.partner_id.id, "ticket_id": ticket.id,
                 "user_input_id": user_input.id, "company_id": ticket.company_id.id}
                for ticket, user_input in zip(batch, user_inputs, strict=True)])
            self.env.flush_all()
            self.env.invalidate_all()
        self.env.cr.execute("""
            UPDATE customer_feedback_satisfaction s
               SET state = 'done', has_csat = true,
                   date_answered = t.date_received + interval '6 days',
                   csat = round((random() * 100)::numeric, 1),
                   nps_score = floor(random() * 11)::int
              FROM customer_feedback_ticket t
             WHERE t.id = s.ticket_id AND s.ticket_id = ANY(%s)""", [sample.ids])
        self.env.cr.execute("""
            UPDATE customer_feedback_satisfaction
               SET nps_category = CASE WHEN nps_score >= 9 THEN 'promoter'
                                       WHEN nps_score >= 7 THEN 'passive'
                                       ELSE 'detractor' END,
                   is_dissatisfied = csat < 50 OR nps_score < 7
             WHERE ticket_id = ANY(%s)""", [sample.ids])
        self.env.invalidate_all()

    def _corrective_actions(self, count):
        Action = self.env["customer.feedback.corrective.action"]
        actions = Action.create([{"problem": f"Bench problem {i}"} for i in range(count)])
        actions[::2].write({"state": "done", "date_done": datetime.now() - timedelta(days=20)})


def run(env, counts):
    today = date.today()
    month_from = today.replace(day=1) - relativedelta(months=1)
    month_to = today.replace(day=1) - timedelta(days=1)
    periods = {"last month": (month_from, month_to),
               "last 12 months": (month_to - relativedelta(years=1) + timedelta(days=1),
                                  month_to)}
    loader = Loader(env, today)
    Report = env["report.customer_feedback_reports.report_feedback_analysis"]
    results = []
    for count in counts:
        load_seconds = loader.load(count)
        print(f"{count:,} tickets loaded in {load_seconds:.0f} s", flush=True)
        for name, (date_from, date_to) in periods.items():
            wizard = env["customer.feedback.analysis.wizard"].create({
                "date_from": date_from, "date_to": date_to,
                "lessons": "<p>Bài học kinh nghiệm: phản hồi khiếu nại trong ngày.</p>"})
            analysed = env["customer.feedback.ticket"].search_count(
                [("date_received", ">=", date_from), ("date_received", "<=", date_to)])
            data_time, data_queries = measure(
                env, lambda wizard=wizard: Report._get_report_values(wizard.ids))
            pdf_time, pdf_queries = measure(
                env, lambda wizard=wizard: env["ir.actions.report"]._render_qweb_pdf(
                    REPORT, wizard.ids), repeat=1)
            results.append((count, name, analysed, data_time, data_queries, pdf_time,
                            pdf_queries))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--counts", default="10000,100000",
                        help="comma-separated ticket counts, increasing")
    parser.add_argument("--port", type=int, default=8181,
                        help="HTTP port serving the report's stylesheets to wkhtmltopdf")
    args = parser.parse_args()
    odoo.tools.config.parse_config([
        "-c", args.config, "-d", args.database, "--http-port", str(args.port),
        "--db-filter", f"^{args.database}$",
    ])
    counts = [int(count) for count in args.counts.split(",")]
    registry = Registry(args.database)
    httpd = server.ThreadedServer(odoo.http.root)
    httpd.http_spawn()
    try:
        with registry.cursor() as cr:
            admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
            env = api.Environment(cr, admin.id, {"lang": admin.lang, "tz": admin.tz})
            env["ir.config_parameter"].sudo().set_param(
                "report.url", f"http://127.0.0.1:{args.port}")
            results = run(env, counts)
            cr.rollback()
    finally:
        httpd.httpd.shutdown()
    print(f"\n{'tickets':>9} {'period':<15}{'analysed':>9}{'data (s)':>10}{'queries':>9}"
          f"{'PDF (s)':>9}{'queries':>9}")
    for count, name, analysed, data_time, data_queries, pdf_time, pdf_queries in results:
        print(f"{count:>9,} {name:<15}{analysed:>9,}{data_time:>10.2f}{data_queries:>9}"
              f"{pdf_time:>9.2f}{pdf_queries:>9}")


if __name__ == "__main__":
    main()
