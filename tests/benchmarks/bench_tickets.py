"""Benchmark: feedback tickets at scale, side by side with Odoo's crm.lead.

Not a test. Fills a scratch database with N tickets and N leads (200,000 by
default), then times, for both models in the same run: batch creation, the
default list's first page, a filtered count (overdue tickets / overdue
opportunities), a two-level group-by, a search typed without the tones
('giao hang', what the search view's Ticket field and the lead's name
search send), and for tickets the escalation cron with 1% and 0.5% of the
tickets overdue.

    .venv/bin/python tests/benchmarks/bench_tickets.py \
        -c .runtime/test-customer_feedback_bench.conf -d customer_feedback_bench \
        [-n 200000] [--create 20000]

All N records of each model are created through the ORM, in batches of
1,000, and timed. ``--create 20000`` times the first 20,000 only and copies
them in SQL up to N: a 200,000-row run then takes minutes instead of half an
hour, for the same reads and cron measures.

The database must have customer_feedback installed (e.g. built by
`TEST_DB_NAME=customer_feedback_bench setup/test.sh --co -q`); it is not
changed: the benchmark works in a copy (``<database>_scratch``, made with
``CREATE DATABASE ... TEMPLATE``) and drops it at the end.

The records are committed, then both tables are vacuumed and analyzed, as
autovacuum does in a real database: without it the planner would plan
200,000 rows with the statistics of the few demo rows (for instance an index
scan of the whole table for a group-by), index-only scans would have no
visibility map to rely on, and the measures would depend on which table
happens to get the worse plan.

The feedback overview (a card per department, ``overview_measures``) is read
last, as the web client reads its kanban (``web_search_read`` with the view's
fields), by the admin and by a Feedback User member of every department,
next to the CRM sales teams' dashboard kanban. Before it, the tickets are
given a history (``settle_tickets``): those received in the last 10 days
open, the others answered, resolved and closed, spread over the demo
departments, so that the overview reads ~2,000 open tickets among 200,000.

The group-by is the one the web client runs for a graph or pivot grouped on
two levels (``formatted_read_group``, ordered like the groups are shown, so
many2one groups are sorted by the comodel's ``_order``), on two
low-cardinality columns of each model: category x state for the tickets (a
many2one and a selection), stage x salesperson for the leads (two many2one).
One record in ``SEARCH_EVERY`` of each model is titled 'Giao hàng chậm ...'.
'giao hang' finds them only with PostgreSQL's unaccent in the database
(setup/install.sh), which the report says; the search is then
``unaccent(title) ILIKE unaccent('%giao hang%')``, and stays fast only with
the trigram indexes built on ``unaccent(title)``. 'giao hàng' is measured
too: the search that found them before unaccent.
"""

import argparse
import random
import statistics
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

BATCH = 1000
SEARCH_EVERY = 100
BENCH_TABLES = ("customer_feedback_ticket", "customer_feedback_escalation", "crm_lead")
REPEAT = 7


def timed(function, repeat=REPEAT):
    """Median wall time of ``function`` in ms, after one warm-up call."""
    function()
    samples = []
    for _i in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def create_in_batches(env, model, count, make_vals):
    start = time.perf_counter()
    for offset in range(0, count, BATCH):
        env[model].create([make_vals(i) for i in range(offset, min(offset + BATCH, count))])
        env.flush_all()
        env.invalidate_all()
    seconds = time.perf_counter() - start
    return count / seconds


def clone_rows(env, table, count, unique=()):
    """Copy the rows of ``table`` in SQL until it holds ``count`` more than before.

    ``unique`` columns get a suffix per copy so that unique indexes hold.
    """
    env.flush_all()
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id'", [table])
    columns = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(f"SELECT count(*) FROM {table}")
    (existing,) = env.cr.fetchone()
    copy = 1
    while existing < count:
        values = ", ".join(
            f"{column} || '-{copy}'" if column in unique else column for column in columns
        )
        env.cr.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {values} FROM {table} ORDER BY id LIMIT %s",
            [count - existing],
        )
        existing += env.cr.rowcount
        copy += 1
    env.invalidate_all()


def run(env, count, create_count):
    rng = random.Random(42)
    partners = env["res.partner"].create([{"name": f"Bench customer {i}"} for i in range(500)])
    users = env["res.users"].search([("share", "=", False)], limit=5)
    categories = env["customer.feedback.category"].search([]) or env[
        "customer.feedback.category"
    ].create([{"name": f"Bench category {i}"} for i in range(20)])
    kinds = [k for k, _label in env["customer.feedback.ticket"]._fields["kind"].selection]
    channels = [c for c, _label in env["customer.feedback.ticket"]._fields["channel"].selection]
    now = datetime.now()

    def ticket_vals(i):
        return {
            "title": f"Giao hàng chậm {i}" if i % SEARCH_EVERY == 0 else f"Bench ticket {i}",
            "kind": rng.choice(kinds),
            "channel": rng.choice(channels),
            "partner_id": rng.choice(partners).id,
            "category_id": rng.choice(categories).id,
            "date_received": now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
        }

    def lead_vals(i):
        return {
            "name": f"Giao hàng chậm {i}" if i % SEARCH_EVERY == 0
            else f"Bench opportunity {i}",
            "type": "opportunity",
            "partner_id": rng.choice(partners).id,
            "user_id": rng.choice(users).id,
            "expected_revenue": rng.randint(100, 100000),
            "date_deadline": (now + timedelta(days=rng.randint(-300, 300))).date(),
        }

    quiet = {"tracking_disable": True, "mail_create_nolog": True,
             "feedback_no_acknowledgement": True, "mail_notrack": True}
    tickets_env = env(context=dict(env.context, **quiet))
    results = {}
    create_count = min(create_count, count)
    results["create (records/s)"] = (
        create_in_batches(tickets_env, "customer.feedback.ticket", create_count, ticket_vals),
        create_in_batches(tickets_env, "crm.lead", create_count, lead_vals),
    )
    clone_rows(env, "customer_feedback_ticket", count, unique=("name",))
    clone_rows(env, "crm_lead", count)
    # Escalated long ago: nothing due until the cron measure makes some
    # tickets due. The copies get their escalation record here.
    env.cr.execute(
        "INSERT INTO customer_feedback_escalation (ticket_id) SELECT t.id "
        "FROM customer_feedback_ticket t LEFT JOIN customer_feedback_escalation e "
        "ON e.ticket_id = t.id WHERE e.id IS NULL"
    )
    env.cr.execute(
        "UPDATE customer_feedback_escalation SET next_escalation_date = NULL, "
        "response_level = 2, resolution_level = 2, promise_level = 2"
    )
    env.cr.commit()
    vacuum_analyze(env.cr.dbname, BENCH_TABLES)
    Ticket, Lead = env["customer.feedback.ticket"], env["crm.lead"]
    ticket_list = {f: {} for f in ("name", "title", "partner_id", "kind", "category_id",
                                   "priority_id", "state", "user_id", "date_resolution_deadline")}
    lead_list = {f: {} for f in ("name", "partner_id", "email_from", "user_id", "team_id",
                                 "stage_id", "expected_revenue", "priority", "date_deadline")}
    results["first list page (ms)"] = (
        timed(lambda: Ticket.web_search_read([], ticket_list, limit=80)),
        timed(lambda: Lead.web_search_read([("type", "=", "opportunity")], lead_list, limit=80)),
    )
    results["filtered count (ms)"] = (
        timed(lambda: Ticket.search_count([("is_overdue", "=", True)])),
        timed(lambda: Lead.search_count([("type", "=", "opportunity"),
                                         ("date_deadline", "<", now.date())])),
    )
    results["two-level group-by (ms)"] = (
        timed(lambda: Ticket.formatted_read_group([], ["category_id", "state"], ["__count"])),
        timed(lambda: Lead.formatted_read_group([], ["stage_id", "user_id"], ["__count"])),
    )
    for term in ("giao hang", "giao hàng"):
        ticket_domain = ["|", ("name", "ilike", term), ("title", "ilike", term)]
        lead_domain = [("type", "=", "opportunity"), ("name", "ilike", term)]
        results[f"search '{term}' (ms)"] = (
            timed(lambda d=ticket_domain: Ticket.web_search_read(
                d, ticket_list, limit=80, count_limit=10001)),
            timed(lambda d=lead_domain: Lead.web_search_read(
                d, lead_list, limit=80, count_limit=10001)),
        )
        results[f"  found by '{term}'"] = (
            Ticket.search_count(ticket_domain), Lead.search_count(lead_domain))
    # warm-up, as for the reads: the first message a process posts compiles
    # the mail layouts, which the server running the crons has long done
    cron_time(env, Ticket, 50)
    for share in (0.01, 0.005):
        results[f"escalation cron, {share:.1%} due (ms)"] = (
            cron_time(env, Ticket, int(count * share)), None)
    results.update(overview_measures(env))
    return results


def cron_time(env, Ticket, due):
    """Make ``due`` tickets freshly breached, time one cron run."""
    # Only the tickets of the previous measure are not fully escalated.
    env.cr.execute(
        "UPDATE customer_feedback_escalation SET next_escalation_date = NULL, "
        "response_level = 2, resolution_level = 2, promise_level = 2 "
        "WHERE next_escalation_date IS NOT NULL OR resolution_level < 2"
    )
    env.cr.execute(
        "UPDATE customer_feedback_ticket SET date_resolution_deadline = now() at time zone "
        "'utc' - interval '1 hour', state = 'in_progress' WHERE id IN (SELECT id FROM "
        "customer_feedback_ticket ORDER BY id LIMIT %s)", [due])
    env.cr.execute(
        "UPDATE customer_feedback_escalation SET next_escalation_date = now() at time zone "
        "'utc' - interval '1 hour', resolution_level = 0 WHERE ticket_id IN (SELECT id FROM "
        "customer_feedback_ticket ORDER BY id LIMIT %s)", [due])
    env.invalidate_all()
    start = time.perf_counter()
    Ticket._cron_escalate_breaches()
    env.flush_all()
    elapsed = (time.perf_counter() - start) * 1000
    escalated = Ticket.search_count([("resolution_escalation_level", "=", 1)])
    assert escalated == due, (escalated, due)
    return elapsed


def settle_tickets(env):
    """Give the tickets the life of a real history: those received in the
    last 10 days still open (one in ten waiting for the customer), the others
    answered within 0-10 h, resolved within 0-60 h and closed a day later,
    with the times and on-time flags the ORM would store. Then every ticket
    of a department belongs to one of the demo departments."""
    env.flush_all()
    env.cr.execute("SELECT id FROM customer_feedback_department WHERE active ORDER BY id")
    departments = [row[0] for row in env.cr.fetchall()]
    # one pass over the table: its wide rows and many indexes make each
    # UPDATE of 200,000 rows cost minutes
    resolved = "date_received + (id %% 3600) * interval '1 minute'"
    answered = "date_received + (id %% 600) * interval '1 minute'"
    env.cr.execute(f"""
        UPDATE customer_feedback_ticket SET
            department_id = (%(departments)s::int[])[1 + id %% cardinality(%(departments)s)],
            date_first_response = {answered},
            date_resolved = CASE WHEN date_received < %(recent)s THEN {resolved} END,
            date_closed = CASE WHEN date_received < %(recent)s
                THEN {resolved} + interval '1 day' END,
            state = CASE WHEN date_received < %(recent)s THEN 'closed'
                WHEN id %% 10 = 0 THEN 'waiting' ELSE 'in_progress' END,
            date_next_deadline = CASE WHEN date_received >= %(recent)s AND id %% 10 != 0
                THEN date_resolution_deadline END,
            response_hours = EXTRACT(EPOCH FROM {answered} - date_received) / 3600,
            resolution_hours = CASE WHEN date_received < %(recent)s
                THEN EXTRACT(EPOCH FROM {resolved} - date_received) / 3600 ELSE 0 END,
            response_on_time = {answered} <= date_response_deadline,
            resolution_on_time = date_received < %(recent)s
                AND {resolved} <= date_resolution_deadline
        """, {"departments": departments, "recent": datetime.now() - timedelta(days=10)})
    env.cr.execute(
        "SELECT state = 'closed', count(*) FROM customer_feedback_ticket GROUP BY 1 ORDER BY 1")
    (_open, open_count), (_closed, closed_count) = env.cr.fetchall()
    env.cr.commit()
    vacuum_analyze(env.cr.dbname, ("customer_feedback_ticket",))
    env.invalidate_all()
    return open_count, closed_count


def kanban_spec(env, model, xmlid):
    """The fields a kanban view asks for, as the web client does."""
    from lxml import etree

    view = env.ref(xmlid)
    arch = env[model].get_views([(view.id, "kanban")])["views"]["kanban"]["arch"]
    return {node.get("name"): {} for node in etree.fromstring(arch).iter("field")}


def dashboard_measure(env, model, domain, spec):
    """(median ms, queries) of reading a dashboard's cards from a cold record
    cache (the registry's caches warm, as in a running server)."""
    Model = env[model]

    def read():
        env.invalidate_all()
        return Model.web_search_read(domain, spec)

    read()
    before = env.cr.sql_log_count
    read()
    queries = env.cr.sql_log_count - before
    return timed(read), queries


def overview_measures(env):
    """The feedback overview (a card per department, Feedback menu) next to
    the CRM sales teams' dashboard (a card per team), both read as the web
    client reads its kanban, by the admin (a feedback and sales manager)
    and by a Feedback User member of every department (record rules)."""
    open_count, closed_count = settle_tickets(env)
    admin = env.ref("base.user_admin")
    agent = env.ref("customer_feedback.user_feedback_agent")
    env["customer.feedback.department"].search([]).write(
        {"member_ids": [(4, agent.id)]})
    env.flush_all()
    overview_spec = kanban_spec(
        env, "customer.feedback.department",
        "customer_feedback.customer_feedback_department_view_kanban_overview")
    teams_spec = kanban_spec(env, "crm.team", "sales_team.crm_team_view_kanban_dashboard")
    results = {"  open / closed tickets (overview)": (open_count, closed_count)}
    for label, user in (("admin", admin), ("feedback user", agent)):
        user_env = env(user=user.id, su=False)
        ours = dashboard_measure(
            user_env, "customer.feedback.department", [("on_my_overview", "=", True)],
            overview_spec)
        theirs = dashboard_measure(user_env, "crm.team", [], teams_spec)
        results[f"overview, {label} (ms)"] = (ours[0], theirs[0])
        results[f"  overview, {label} (queries)"] = (ours[1], theirs[1])
    return results


def vacuum_analyze(dbname, tables, full=False):
    """VACUUM (ANALYZE) ``tables``: VACUUM cannot run inside a transaction."""
    connection = psycopg2.connect(**odoo.sql_db.connection_info_for(dbname)[1])
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ({'FULL, ' if full else ''}ANALYZE) {table}")
    finally:
        connection.close()


@contextmanager
def scratch_copy(template):
    """A copy of database ``template``, dropped on exit."""
    scratch = f"{template}_scratch"
    connection = psycopg2.connect(**odoo.sql_db.connection_info_for("postgres")[1])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{template}"')
        # The template's tables may hold the dead rows of earlier rolled-back
        # runs, which would slow everything measured here.
        vacuum_analyze(scratch, BENCH_TABLES, full=True)
        yield scratch
    finally:
        Registry.delete(scratch)
        odoo.sql_db.close_db(scratch)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--count", type=int, default=200_000)
    parser.add_argument("--create", type=int, default=None,
                        help="records of each model created through the ORM and timed "
                        "(default: all of them); the rest are copied in SQL")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--no-http"])
    with scratch_copy(args.database) as scratch, Registry(scratch).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        unaccent = env.registry.has_unaccent.name
        results = run(env, args.count, args.create or args.count)
        cr.rollback()
    print(f"\n{args.count:,} feedback tickets vs {args.count:,} crm.lead, "
          f"unaccent: {unaccent}")
    print(f"{'measure':<34}{'tickets':>12}{'crm.lead':>12}{'ratio':>8}")
    for name, (ours, theirs) in results.items():
        if theirs is None:
            print(f"{name:<34}{ours:>12.1f}{'':>12}{'':>8}")
        elif not theirs:
            print(f"{name:<34}{ours:>12.1f}{theirs:>12.1f}{'':>8}")
        else:
            print(f"{name:<34}{ours:>12.1f}{theirs:>12.1f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
