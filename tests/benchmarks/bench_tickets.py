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
        [-n 200000] [--create 20000] [--keep | --reuse]

``--keep`` keeps the filled copy (``<database>_scratch``); ``--reuse`` then
measures the reads again on it (lists, counts, group-by, searches, the
overview, the kanban and list), after a code change, without building
200,000 records again (nothing is created, settled or escalated; the cron
and creation measures are left out). Drop the copy with ``dropdb`` when done.

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

The ticket kanban and list are then loaded as the web client loads them
(``kanban_list_measures``): the kanban's columns with their first 40 cards
each (``web_read_group`` with the kanban view's fields, auto-unfold), its
progress bars (``read_progress_bar``), and the list's first page
(``web_search_read``, 80 rows of the list view's fields, counted up to
10,000); side by side with OCA helpdesk_mgmt's ticket kanban and list when
that module is installed in the database (its addons directory added to
the configuration's addons_path, then ``-i helpdesk_mgmt``): as many
helpdesk tickets, with the same 3-year spread and the last 10 days open
(``build_helpdesk``). Without it, the peer is Odoo's CRM pipeline.

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
import ast
import random
import statistics
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

BATCH = 1000
SEARCH_EVERY = 100
BENCH_TABLES = ("customer_feedback_ticket", "customer_feedback_escalation", "crm_lead")
# the peer of the kanban and list measures, when installed (OCA helpdesk_mgmt)
HELPDESK = "helpdesk.ticket"
HELPDESK_TABLE = "helpdesk_ticket"
HELPDESK_CREATE = 5000
RECENT_DAYS = 10
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
    """Build the data, then measure everything."""
    now = datetime.now()
    results = build(env, count, create_count, now)
    results.update(measure_reads(env, now))
    Ticket = env["customer.feedback.ticket"]
    # warm-up, as for the reads: the first message a process posts compiles
    # the mail layouts, which the server running the crons has long done
    cron_time(env, Ticket, 50)
    for share in (0.01, 0.005):
        results[f"escalation cron, {share:.1%} due (ms)"] = (
            cron_time(env, Ticket, int(count * share)), None)
    results.update(overview_measures(env))
    results.update(kanban_list_measures(env))
    return results


def run_again(env):
    """The reads of a database kept by an earlier run (``--keep``), as it
    is: nothing created, settled or escalated again."""
    results = measure_reads(env, datetime.now())
    results.update(overview_measures(env, settle=False))
    results.update(kanban_list_measures(env))
    return results


def build(env, count, create_count, now):
    rng = random.Random(42)
    partners = env["res.partner"].create([{"name": f"Bench customer {i}"} for i in range(500)])
    users = env["res.users"].search([("share", "=", False)], limit=5)
    categories = env["customer.feedback.category"].search([]) or env[
        "customer.feedback.category"
    ].create([{"name": f"Bench category {i}"} for i in range(20)])
    kinds = [k for k, _label in env["customer.feedback.ticket"]._fields["kind"].selection]
    channels = [c for c, _label in env["customer.feedback.ticket"]._fields["channel"].selection]

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
    if HELPDESK in env:
        build_helpdesk(tickets_env, count, min(create_count, HELPDESK_CREATE), rng, partners,
                       users, now)
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
    vacuum_analyze(env.cr.dbname, BENCH_TABLES + ((HELPDESK_TABLE,) if HELPDESK in env else ()))
    return results


def measure_reads(env, now):
    results = {}
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
                AND {resolved} <= date_resolution_deadline,
            deadline_status = CASE WHEN date_received < %(recent)s OR id %% 10 = 0 THEN NULL
                WHEN date_resolution_deadline < %(now)s THEN 'overdue' ELSE 'on_track' END,
            deadline_status_deadline = CASE WHEN date_received < %(recent)s OR id %% 10 = 0
                THEN NULL ELSE 'resolution' END
        """, {"departments": departments, "now": datetime.now(),
              "recent": datetime.now() - timedelta(days=RECENT_DAYS)})
    env.cr.commit()
    vacuum_analyze(env.cr.dbname, ("customer_feedback_ticket",))
    env.invalidate_all()


def ticket_counts(env):
    """(open, closed) feedback tickets."""
    env.cr.execute(
        "SELECT state = 'closed', count(*) FROM customer_feedback_ticket GROUP BY 1 ORDER BY 1")
    (_open, open_count), (_closed, closed_count) = env.cr.fetchall()
    return open_count, closed_count


def build_helpdesk(env, count, create_count, rng, partners, users, now):
    """The peer of the kanban and list measures: OCA helpdesk_mgmt's tickets
    (when installed in the database), made like ours (the ORM, then copies
    in SQL) and given the same history as ``settle_tickets`` gives ours:
    created over the last 3 years, those of the last 10 days open (spread
    over the open stages), the others in a closed stage (one in twenty
    cancelled) a few hours after."""

    def vals(i):
        return {"name": f"Bench helpdesk ticket {i}", "description": f"<p>Bench {i}</p>",
                "partner_id": rng.choice(partners).id, "user_id": rng.choice(users).id}

    # no "you were assigned" email for each ticket
    create_in_batches(env(context=dict(env.context, mail_auto_subscribe_no_notify=True)),
                      HELPDESK, create_count, vals)
    clone_rows(env, HELPDESK_TABLE, count)
    Stage = env["helpdesk.ticket.stage"]
    open_stages = Stage.search([("closed", "=", False)], order="sequence, id").ids
    done, cancelled = Stage.search([("closed", "=", True)], order="sequence, id").ids[:2]
    minutes = 3 * 365 * 24 * 60
    env.cr.execute(SQL("""
        UPDATE helpdesk_ticket t SET
            create_date = c.created,
            last_stage_update = c.created + (t.id %% 3600) * interval '1 minute',
            assigned_date = c.created + (t.id %% 600) * interval '1 minute',
            closed_date = CASE WHEN c.created < %(recent)s
                THEN c.created + (t.id %% 3600) * interval '1 minute' END,
            stage_id = CASE WHEN c.created >= %(recent)s
                THEN (%(open)s::int[])[1 + t.id %% cardinality(%(open)s::int[])]
                WHEN t.id %% 20 = 0 THEN %(cancelled)s ELSE %(done)s END,
            priority = (t.id %% 4)::varchar
        FROM (SELECT id, %(now)s - ((id * 7919) %% %(minutes)s) * interval '1 minute' AS created
              FROM helpdesk_ticket) c
        WHERE c.id = t.id
    """, now=now, recent=now - timedelta(days=RECENT_DAYS), open=open_stages,
        cancelled=cancelled, done=done, minutes=minutes))
    env.cr.execute(
        "UPDATE helpdesk_ticket t SET unattended = s.unattended "
        "FROM helpdesk_ticket_stage s WHERE s.id = t.stage_id")
    env.invalidate_all()


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


def overview_measures(env, settle=True):
    """The feedback overview (a card per department, Feedback menu) next to
    the CRM sales teams' dashboard (a card per team), both read as the web
    client reads its kanban, by the admin (a feedback and sales manager)
    and by a Feedback User member of every department (record rules)."""
    if settle:
        settle_tickets(env)
    open_count, closed_count = ticket_counts(env)
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


def view_spec(env, model, view_type):
    """(arch, specification) of the model's default ``view_type`` view: the
    fields the web client asks for, a relational field's display name
    read with it."""
    from lxml import etree

    views = env[model].get_views([(False, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    fields = views["models"][model]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        relational = fields[name]["type"] in ("many2one", "one2many", "many2many")
        spec[name] = {"fields": {"display_name": {}}} if relational else {}
    return arch, spec


def kanban_loads(Model):
    """The two calls the web client makes to open the model's kanban: the
    columns with their first 40 cards each (the first 10 unfolded columns),
    and the columns' progress bars."""
    arch, spec = view_spec(Model.env, Model._name, "kanban")
    group_by = arch.get("default_group_by")
    order = arch.get("default_order")
    progressbar = arch.find("progressbar")

    def columns():
        Model.env.invalidate_all()
        return Model.web_read_group(
            [], [group_by], [], order=order, auto_unfold=True,
            unfold_read_specification=spec, unfold_read_default_limit=40)

    def bars():
        Model.env.invalidate_all()
        return Model.read_progress_bar([], group_by, {
            "field": progressbar.get("field"),
            "colors": ast.literal_eval(progressbar.get("colors")),
        })

    return columns, bars if progressbar is not None else None


def list_load(Model):
    """The list's first page, as the web client asks it: 80 rows of the
    list view's fields, counted up to 10,000."""
    arch, spec = view_spec(Model.env, Model._name, "list")
    order = arch.get("default_order")

    def page():
        Model.env.invalidate_all()
        return Model.web_search_read([], spec, offset=0, limit=80, order=order,
                                     count_limit=10001)

    return page


def kanban_list_measures(env):
    """The ticket kanban and list as the web client loads them, side by side
    with the peer's: OCA helpdesk_mgmt's tickets when installed in the
    database (same count, same history), else Odoo's CRM pipeline (the
    opportunities' kanban and list). Ours by the admin and by a Feedback
    User member of every department (record rules); the peer's by the
    admin."""
    admin = env.ref("base.user_admin")
    agent = env.ref("customer_feedback.user_feedback_agent")
    peer_model = HELPDESK if HELPDESK in env else "crm.lead"
    peer = env(user=admin.id, su=False)[peer_model]
    peer_columns, peer_bars = kanban_loads(peer)
    peer_page = list_load(peer)
    peer_times = {
        "kanban columns": timed(peer_columns),
        "kanban bars": timed(peer_bars) if peer_bars else None,
        "list page": timed(peer_page),
    }
    groups = peer_columns()["groups"]
    results = {f"  peer: {peer_model}, columns / records": (
        len(groups), sum(group.get("__count", 0) for group in groups))}
    for label, user in (("admin", admin), ("feedback user", agent)):
        Ticket = env(user=user.id, su=False)["customer.feedback.ticket"]
        columns, bars = kanban_loads(Ticket)
        ours = {"kanban columns": timed(columns), "kanban bars": timed(bars),
                "list page": timed(list_load(Ticket))}
        for measure, ms in ours.items():
            results[f"{measure}, {label} (ms)"] = (ms, peer_times[measure])
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
def scratch_copy(template, keep=False, reuse=False):
    """A copy of database ``template``, dropped on exit unless ``keep``;
    with ``reuse``, the copy kept by an earlier run, kept again."""
    scratch = f"{template}_scratch"
    connection = psycopg2.connect(**odoo.sql_db.connection_info_for("postgres")[1])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            if reuse:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
                if not cursor.fetchone():
                    raise SystemExit(f"--reuse: no database {scratch}; run with --keep first")
            else:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
                cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{template}"')
                # The template's tables may hold the dead rows of earlier
                # rolled-back runs, which would slow everything measured here.
                vacuum_analyze(scratch, BENCH_TABLES, full=True)
        yield scratch
    finally:
        Registry.delete(scratch)
        odoo.sql_db.close_db(scratch)
        if not (keep or reuse):
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
    parser.add_argument("--keep", action="store_true",
                        help="keep the filled database (<database>_scratch) for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="only the reads, again, on the database kept by --keep "
                        "(after a code change: nothing is built again)")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--no-http"])
    with scratch_copy(args.database, args.keep, args.reuse) as scratch, \
            Registry(scratch).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        unaccent = env.registry.has_unaccent.name
        if args.reuse:
            results = run_again(env)
        else:
            results = run(env, args.count, args.create or args.count)
        cr.execute("SELECT count(*) FROM customer_feedback_ticket")
        (count,) = cr.fetchone()
        cr.rollback()
    print(f"\n{count:,} feedback tickets vs the peer's (crm.lead, or {HELPDESK} for the "
          f"kanban and list when installed), unaccent: {unaccent}")
    print(f"{'measure':<40}{'tickets':>12}{'peer':>12}{'ratio':>8}")
    for name, (ours, theirs) in results.items():
        if theirs is None:
            print(f"{name:<40}{ours:>12.1f}{'':>12}{'':>8}")
        elif not theirs:
            print(f"{name:<40}{ours:>12.1f}{theirs:>12.1f}{'':>8}")
        else:
            print(f"{name:<40}{ours:>12.1f}{theirs:>12.1f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
