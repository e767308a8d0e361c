"""Load test: a realistic mix of visitors against real Odoo servers with 1, 2
and 4 prefork workers.

Not a test (pytest does not collect it). It copies the test database
(``createdb -T``, filestore too) into a database of its own, adds to it the
people of the run -- portal customers with tickets, agents of a department,
the account of the mail gateway -- and raises the public form's limits;
then, for each worker count, starts a server on loopback sized by
setup/server_options.sh (cron worker, memory and time limits), sends it for
``--duration`` seconds the traffic of:

- portal customers: log in, list their tickets, open one, reply on it
  (the portal chatter's /mail/message/post), log in again after ten rounds;
- anonymous visitors: open the public form, send it (/feedback), each from
  an address of its own (``X-Forwarded-For``; the server runs in
  ``--proxy-mode``, as behind a reverse proxy);
- the mail gateway: new emails and replies to earlier ones, delivered with
  ``mail.thread.message_process`` over XML-RPC, as odoo-mailgate.py does;
- agents (Feedback Users): the ticket list, the kanban and a form, with the
  JSON-RPC calls the web client makes (web_search_read, web_read_group,
  web_read);

prints requests/s and p50/p95/p99 latency per kind of request and the
errors, and checks that every form, reply and email it sent exists exactly
once in the database (each carries a unique marker). The acknowledgements
the addons send go to an SMTP sink on loopback, which records when each
arrived (``--smtp-delay`` makes it as slow as a remote server).

The client is asyncio with a bounded pool of threads running ``requests``
(aiohttp is not in the runtime's virtual environment); each visitor is a
task doing one request at a time, ``--think`` seconds apart. Everything is
bounded: the duration, a maximum of rounds per visitor, the request
timeouts; servers and the sink are killed on the way out.

    .venv/bin/python tests/benchmarks/load_test.py -c .runtime/test-<db>.conf \\
        -d <db> [--workers 1,2,4] [--duration 45] [--portal 6] [--anonymous 3] \\
        [--mail 2] [--agents 4] [--think 0.3] [--port 8180]

Ports: the server on --port, its websocket process on --port + 1, the SMTP
sink on --port + 9. The copied database is dropped at the end unless
--keep-db.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import psycopg2
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.odoo_server import OdooServer, server_options

PASSWORD = "load-test-pw-2026"
TICKET = "customer.feedback.ticket"
ALIAS = "feedback@example.com"
ROUNDS_MAX = 500  # per visitor and phase: the duration normally ends it first
TIMEOUT = 60  # seconds per request
# a customer logs in, looks at a few tickets, answers, leaves; each login
# costs Odoo a PBKDF2 check of 600,000 rounds (about a second of CPU)
VISITS_PER_LOGIN = 10


# ----------------------------------------------------------------------
# The SMTP sink: a process of its own, so that the client's threads do not
# slow the server's deliveries
# ----------------------------------------------------------------------


async def _smtp_session(reader, writer, delay, log):
    writer.write(b"220 load-test sink\r\n")
    await writer.drain()
    while line := await reader.readline():
        command = line.decode("latin-1").strip().upper()
        if command.startswith("EHLO"):
            writer.write(b"250-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 104857600\r\n")
        elif command == "DATA":
            writer.write(b"354 go on\r\n")
            await writer.drain()
            raw = []
            while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                raw.append(data)
            headers = b"".join(raw).split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
            found = re.search(r"^Message-Id:\s*(\S+)", headers, re.IGNORECASE | re.MULTILINE)
            await asyncio.sleep(delay)
            log.write(json.dumps({
                "time": time.time(), "message_id": found and found.group(1),
            }) + "\n")
            log.flush()
            writer.write(b"250 queued\r\n")
        elif command.startswith("QUIT"):
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        elif command.startswith(("HELO", "MAIL", "RCPT", "RSET", "NOOP")):
            writer.write(b"250 ok\r\n")
        else:
            writer.write(b"502 not here\r\n")
        await writer.drain()
    writer.close()


def run_smtp_sink(port, delay, log_path):
    async def main(log):
        server = await asyncio.start_server(
            lambda r, w: _smtp_session(r, w, delay, log), "127.0.0.1", port
        )
        async with server:
            await server.serve_forever()

    # a line per message, written as it arrives (the file is small)
    with open(log_path, "a", encoding="utf-8") as log:
        asyncio.run(main(log))


@contextlib.contextmanager
def smtp_sink(port, delay, log_path):
    Path(log_path).write_text("")
    process = subprocess.Popen(
        [sys.executable, __file__, "--smtp-sink", str(port), str(delay), str(log_path)],
        stdin=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield
    finally:
        process.kill()
        process.wait()


def sink_arrivals(log_path):
    """Message-Id -> when the sink received it (epoch seconds)."""
    arrivals = {}
    for line in Path(log_path).read_text().splitlines():
        entry = json.loads(line)
        if entry["message_id"]:
            arrivals.setdefault(entry["message_id"], entry["time"])
    return arrivals


# ----------------------------------------------------------------------
# The database of the run
# ----------------------------------------------------------------------


def copy_database(config, source, target, runtime):
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    subprocess.run(["createdb", "-T", source, target], check=True)
    filestore = runtime / "data" / "filestore"
    shutil.rmtree(filestore / target, ignore_errors=True)
    if (filestore / source).exists():
        shutil.copytree(filestore / source, filestore / target)
    text = Path(config).read_text()
    text = re.sub(r"^db_name = .*$", f"db_name = {target}", text, flags=re.MULTILINE)
    text = re.sub(r"^dbfilter = .*$", f"dbfilter = ^{target}$", text, flags=re.MULTILINE)
    target_config = runtime / f"load-{target}.conf"
    target_config.write_text(text)
    return target_config


def prepare_database(config, database, portal_count, agent_count, sequence=None):
    """The people of the run, in ``database``; returns their logins and
    the tickets each customer may open. ``sequence``: the implementation of
    the ticket references' sequence, when not the shipped one (no_gap)."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tests.common import new_test_user

    odoo.tools.config.parse_config(["-c", str(config), "-d", database], setup_logging=False)
    with Registry(database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"feedback_no_acknowledgement": True})
        if sequence:
            env.ref("customer_feedback.seq_customer_feedback_ticket").implementation = sequence
        # the copy's queue is emptied and its jobs put off for a day: each
        # server of the run measures the traffic of the run, not a backlog
        # of the test database (the mail queue's job still runs when woken)
        env["mail.mail"].search([("state", "=", "outgoing")]).state = "cancel"
        env["ir.cron"].search([]).nextcall = datetime.datetime.now() + datetime.timedelta(days=1)
        params = env["ir.config_parameter"]
        for key in ("form_limit_per_ip", "form_limit_per_email"):
            params.set_param(f"customer_feedback.{key}", "1000000")
        domain = env["mail.alias.domain"].search([("name", "=", "example.com")], limit=1)
        domain = domain or env["mail.alias.domain"].create({"name": "example.com", "sequence": 1})
        env.company.alias_domain_id = domain
        env.ref("customer_feedback.mail_alias_feedback_intake").write(
            {"alias_domain_id": domain.id, "alias_name": "feedback"}
        )
        department = env["customer.feedback.department"].search([], limit=1)
        agents = [
            new_test_user(
                env, f"load_agent_{n}", password=PASSWORD, name=f"Load agent {n}",
                groups="base.group_user,customer_feedback.group_feedback_user",
            )
            for n in range(agent_count)
        ]
        department.member_ids |= env["res.users"].browse([a.id for a in agents])
        mailgate = new_test_user(
            env, "load_mailgate", password=PASSWORD,
            groups="base.group_user,customer_feedback.group_feedback_user",
        )
        customers = {}
        for n in range(portal_count):
            user = new_test_user(
                env, f"load_portal_{n}", password=PASSWORD, name=f"Load customer {n}",
                groups="base.group_portal", email=f"load.portal.{n}@example.net",
            )
            tickets = env[TICKET].create([{
                "title": f"Load customer {n}: ticket {k}", "kind": "complaint",
                "description": f"<p>Ticket {k} of load customer {n}.</p>",
                "partner_id": user.partner_id.id, "department_id": department.id,
                "user_id": agents[(n + k) % len(agents)].id if agents else False,
            } for k in range(2)])
            customers[user.login] = tickets.ids
        people = {
            "customers": customers,
            "agents": [a.login for a in agents],
            "mailgate_uid": mailgate.id,
        }
    # the servers of the run are other processes; the copy is dropped at the end
    odoo.sql_db.close_all()
    return people


# ----------------------------------------------------------------------
# The visitors
# ----------------------------------------------------------------------


class Recorder:
    """Latencies and outcomes per kind of request, and what was sent."""

    def __init__(self):
        self.latencies = collections.defaultdict(list)
        self.errors = collections.defaultdict(collections.Counter)
        # kind -> {marker: True when the server said it was done}
        self.sent = collections.defaultdict(dict)
        self.email_threads = {}  # reply marker -> ticket id its parent made

    async def call(self, kind, func, *args, ok=lambda r: True, **kwargs):
        start = time.perf_counter()
        try:
            response = await asyncio.to_thread(func, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 (counted and shown)
            self.errors[kind][type(error).__name__] += 1
            return None
        elapsed = time.perf_counter() - start
        status = getattr(response, "status_code", 200)
        if status >= 400 or not ok(response):
            self.errors[kind][f"HTTP {status}" if status >= 400 else "bad answer"] += 1
            return None
        self.latencies[kind].append(elapsed)
        return response


def _csrf(html):
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found and found.group(1)


def _jsonrpc(params):
    return {"jsonrpc": "2.0", "method": "call", "id": random.randrange(10**9), "params": params}


def _no_rpc_error(response):
    return response.ok and "error" not in response.json()


async def _login(rec, session, url, login, kind):
    page = await rec.call(f"{kind}_login", session.get, f"{url}/web/login", timeout=TIMEOUT)
    if page is None:
        return False
    answer = await rec.call(
        f"{kind}_login", session.post, f"{url}/web/login",
        data={"login": login, "password": PASSWORD, "csrf_token": _csrf(page.text),
              "redirect": "/web/health"},
        timeout=TIMEOUT, ok=lambda r: "session_id" in session.cookies,
    )
    return answer is not None


async def portal_customer(rec, url, login, ticket_ids, phase, deadline, think):
    rounds = 0
    while time.monotonic() < deadline and rounds < ROUNDS_MAX:
        with requests.Session() as session:
            if not await _login(rec, session, url, login, "portal"):
                await asyncio.sleep(1)
                continue
            for _visit in range(VISITS_PER_LOGIN):
                if time.monotonic() >= deadline or rounds >= ROUNDS_MAX:
                    break
                rounds += 1
                await rec.call("portal_list", session.get, f"{url}/my/feedback",
                               timeout=TIMEOUT, ok=lambda r: "/my/feedback/" in r.text)
                await asyncio.sleep(think)
                ticket_id = random.choice(ticket_ids)
                await rec.call("portal_ticket", session.get, f"{url}/my/feedback/{ticket_id}",
                               timeout=TIMEOUT, ok=lambda r: "Load customer" in r.text)
                await asyncio.sleep(think)
                if rounds % 2:
                    marker = f"LT{phase}-reply-{uuid.uuid4().hex[:12]}"
                    rec.sent["reply"][marker] = False
                    done = await rec.call(
                        "portal_reply", session.post, f"{url}/mail/message/post",
                        json=_jsonrpc({
                            "thread_model": TICKET, "thread_id": ticket_id,
                            "post_data": {"body": f"Any news? {marker}",
                                          "message_type": "comment",
                                          "subtype_xmlid": "mail.mt_comment"},
                        }),
                        timeout=TIMEOUT, ok=_no_rpc_error,
                    )
                    rec.sent["reply"][marker] = done is not None
                    await asyncio.sleep(think)


async def anonymous_visitor(rec, url, number, phase, deadline, think):
    rounds = 0
    while time.monotonic() < deadline and rounds < ROUNDS_MAX:
        with requests.Session() as session:
            # each visitor from an address of its own, as a reverse proxy
            # tells Odoo (the server runs with --proxy-mode): the form's
            # limits count per address, and one address is served in turn
            # (Odoo applies the proxy's headers when X-Forwarded-Host is set)
            session.headers.update({
                "X-Forwarded-For": f"198.51.100.{number + 1}",
                "X-Forwarded-Host": url.split("://", 1)[1], "X-Forwarded-Proto": "http",
            })
            for _form in range(5):
                if time.monotonic() >= deadline or rounds >= ROUNDS_MAX:
                    break
                rounds += 1
                page = await rec.call("form_page", session.get, f"{url}/feedback",
                                      timeout=TIMEOUT, ok=lambda r: _csrf(r.text))
                if page is None:
                    await asyncio.sleep(1)
                    continue
                await asyncio.sleep(think)
                marker = f"LT{phase}-form-{uuid.uuid4().hex[:12]}"
                rec.sent["form"][marker] = False
                done = await rec.call(
                    "form_post", session.post, f"{url}/feedback",
                    data={"csrf_token": _csrf(page.text), "name": f"Visitor {number}",
                          "email": f"visitor.{marker.rsplit('-', 1)[1]}@example.org",
                          "phone": "", "kind": "complaint",
                          "message": f"The delivery came two days late. Reference {marker}."},
                    allow_redirects=False, timeout=TIMEOUT,
                    ok=lambda r: r.status_code == 303 and "/feedback/thanks" in r.headers.get(
                        "Location", ""),
                )
                rec.sent["form"][marker] = done is not None
                await asyncio.sleep(think)


def _email(marker, number, parent=None):
    message = EmailMessage()
    # a sender per new email: Odoo's gateway refuses a sender past
    # mail.gateway.loop.threshold new tickets (a mail loop); replies come from
    # the sender of the email they answer
    sender = (parent[0] if parent else marker).rsplit("-", 1)[1]
    message["From"] = f"Mail sender {number} <sender.{sender}@example.org>"
    message["To"] = ALIAS
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<{marker}@load.example.org>"
    if parent:
        message["Subject"] = f"Re: {parent[1]}"
        message["In-Reply-To"] = message["References"] = f"<{parent[0]}@load.example.org>"
        message.set_content(f"Still waiting for an answer. {marker}")
    else:
        subject = f"Khiếu nại: giao hàng chậm {marker}"
        message["Subject"] = subject
        message.set_content(f"Đơn hàng của tôi giao chậm 5 ngày. Mã {marker}.")
    return message.as_bytes()


async def mail_gateway(rec, url, database, uid, number, phase, deadline, think):
    rounds, earlier = 0, []
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def deliver(raw):
        return proxy.execute_kw(database, uid, PASSWORD, "mail.thread", "message_process",
                                [False, xmlrpc.client.Binary(raw)], {})

    while time.monotonic() < deadline and rounds < ROUNDS_MAX:
        rounds += 1
        marker = f"LT{phase}-mail-{uuid.uuid4().hex[:12]}"
        parent = random.choice(earlier) if earlier and rounds % 3 == 0 else None
        kind = "mail_reply" if parent else "mail_new"
        rec.sent[kind][marker] = False
        started = time.perf_counter()
        try:
            ticket_id = await asyncio.to_thread(deliver, _email(marker, number, parent))
        except Exception as error:  # noqa: BLE001 (counted and shown)
            rec.errors[kind][type(error).__name__] += 1
        else:
            rec.latencies[kind].append(time.perf_counter() - started)
            rec.sent[kind][marker] = True
            if parent:
                rec.email_threads[marker] = parent[2]
            else:
                earlier.append((marker, f"Khiếu nại: giao hàng chậm {marker}", ticket_id))
        await asyncio.sleep(think)


async def agent(rec, url, login, deadline, think):
    with requests.Session() as session:
        if not await _login(rec, session, url, login, "agent"):
            return
        spec = {"name": {}, "title": {}, "state": {}, "kind": {}, "date_received": {},
                "partner_id": {"fields": {"display_name": {}}},
                "user_id": {"fields": {"display_name": {}}}}

        def kw(method, args, kwargs):
            return session.post(
                f"{url}/web/dataset/call_kw/{TICKET}/{method}",
                json=_jsonrpc({"model": TICKET, "method": method, "args": args,
                               "kwargs": kwargs}),
                timeout=TIMEOUT,
            )

        rounds = 0
        while time.monotonic() < deadline and rounds < ROUNDS_MAX:
            rounds += 1
            listed = await rec.call("agent_list", kw, "web_search_read", [], {
                "domain": [], "specification": spec, "limit": 80, "order": "id desc",
            }, ok=_no_rpc_error)
            await asyncio.sleep(think)
            await rec.call("agent_kanban", kw, "web_read_group", [], {
                "domain": [], "groupby": ["state"], "aggregates": ["__count"],
            }, ok=_no_rpc_error)
            await asyncio.sleep(think)
            records = listed.json()["result"]["records"] if listed is not None else []
            if records:
                form_spec = {**spec, "description": {}, "message_ids": {"fields": {}}}
                await rec.call("agent_form", kw, "web_read",
                               [[random.choice(records)["id"]]], {"specification": form_spec},
                               ok=_no_rpc_error)
                await asyncio.sleep(think)


async def run_phase(url, database, people, args, phase):
    rec = Recorder()
    deadline = time.monotonic() + args.duration
    customers = list(people["customers"].items())
    tasks = [
        portal_customer(rec, url, *customers[n % len(customers)], phase, deadline, args.think)
        for n in range(args.portal)
    ] + [
        anonymous_visitor(rec, url, n, phase, deadline, args.think)
        for n in range(args.anonymous)
    ] + [
        mail_gateway(rec, url, database, people["mailgate_uid"], n, phase, deadline, args.think)
        for n in range(args.mail)
    ] + [
        agent(rec, url, people["agents"][n % len(people["agents"])], deadline, args.think)
        for n in range(args.agents)
    ]
    loop = asyncio.get_running_loop()
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=len(tasks) + 2))
    ramp = min(5.0, args.duration / 4)

    async def ramped(visitor):
        # visitors arrive over the first seconds, not all in the same instant
        await asyncio.sleep(random.uniform(0, ramp))
        await visitor

    started = time.monotonic()
    await asyncio.gather(*(ramped(task) for task in tasks))
    return rec, time.monotonic() - started


# ----------------------------------------------------------------------
# Checks and figures
# ----------------------------------------------------------------------


def check_database(database, rec, phase):
    """kind -> (sent, done, lost, duplicated, applied although it failed)."""
    found = collections.defaultdict(collections.Counter)
    threads = {}
    with psycopg2.connect(dbname=database) as cnx, cnx.cursor() as cr:
        cr.execute("SELECT description FROM customer_feedback_ticket WHERE description LIKE %s",
                   (f"%LT{phase}-form-%",))
        for (text,) in cr.fetchall():
            found["form"].update(set(re.findall(rf"LT{phase}-form-[0-9a-f]+", text)))
        cr.execute("SELECT body FROM mail_message WHERE model = %s AND message_type = 'comment'"
                   " AND body LIKE %s", (TICKET, f"%LT{phase}-reply-%"))
        for (text,) in cr.fetchall():
            found["reply"].update(set(re.findall(rf"LT{phase}-reply-[0-9a-f]+", text)))
        # an email is one message (its Message-ID) ...
        cr.execute("SELECT message_id, res_id FROM mail_message WHERE model = %s"
                   " AND message_id LIKE %s", (TICKET, f"<LT{phase}-mail-%"))
        for message_id, res_id in cr.fetchall():
            marker = message_id.strip("<>").split("@")[0]
            kind = "mail_reply" if marker in rec.sent["mail_reply"] else "mail_new"
            found[kind][marker] += 1
            threads[marker] = res_id
        # ... and a new one one ticket
        cr.execute("SELECT title, description FROM customer_feedback_ticket"
                   " WHERE description LIKE %s", (f"%LT{phase}-mail-%",))
        tickets_per_mail = collections.Counter()
        for title, text in cr.fetchall():
            tickets_per_mail.update(set(re.findall(rf"LT{phase}-mail-[0-9a-f]+",
                                                   f"{title} {text}")))
    result = {}
    for kind, sent in rec.sent.items():
        done = [m for m, ok in sent.items() if ok]
        failed = [m for m, ok in sent.items() if not ok]
        lost = [m for m in done if found[kind][m] == 0]
        duplicated = [m for m in sent if found[kind][m] > 1]
        if kind == "mail_new":
            lost += [m for m in done if tickets_per_mail[m] == 0 and m not in lost]
            duplicated += [m for m in sent if tickets_per_mail[m] > 1 and m not in duplicated]
        if kind == "mail_reply":
            # a reply joins the ticket of its parent, and makes no ticket
            lost += [m for m in done if threads.get(m) not in (None, rec.email_threads.get(m))]
            duplicated += [m for m in sent if tickets_per_mail[m]]
        applied = [m for m in failed if found[kind][m]]
        result[kind] = [len(sent), len(done), lost, duplicated, applied]
    return result


def server_memory(pid):
    """(processes, largest resident MB, total resident MB) of a server and
    its workers."""
    import psutil

    root = psutil.Process(pid)
    sizes = [p.memory_info().rss / 2**20 for p in [root, *root.children(recursive=True)]]
    return len(sizes), max(sizes), sum(sizes)


def server_log_errors(log):
    """(errors, serialization failures) in a server's log. A serialization
    failure is logged as an ERROR ("bad query") and the request retried by
    Odoo (up to 5 times): counted apart, unless the retries ran out."""
    errors = 0
    retries = len(re.findall(r"SERIALIZATION_FAILURE, \d+ tries left", log))
    for entry in re.split(r"\n(?=\d{4}-\d\d-\d\d )", log):
        if re.match(r"\S+ \S+ \d+ (?:ERROR|CRITICAL) ", entry) and not (
            "bad query" in entry and "could not serialize access" in entry
        ):
            errors += 1
    return errors, retries


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_phase(workers, rec, elapsed, checks, server_errors):
    total = sum(len(v) for v in rec.latencies.values())
    print(f"\n== {workers} worker(s): {total} requests in {elapsed:.1f} s = "
          f"{total / elapsed:.1f} requests/s; server errors logged: {server_errors}")
    print(f"{'request':<14}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"  errors")
    for kind in sorted(set(rec.latencies) | set(rec.errors)):
        values = rec.latencies.get(kind) or [0.0]
        errors = ", ".join(f"{k}: {v}" for k, v in rec.errors[kind].items()) or "0"
        print(f"{kind:<14}{len(rec.latencies.get(kind, [])):>7}"
              f"{len(rec.latencies.get(kind, [])) / elapsed:>8.1f}"
              f"{percentile(values, 0.5) * 1000:>9.0f}{percentile(values, 0.95) * 1000:>9.0f}"
              f"{percentile(values, 0.99) * 1000:>9.0f}  {errors}")
    print(f"{'sent':<14}{'count':>7}{'done':>7}{'lost':>7}{'dupl.':>7}  applied despite an error")
    for kind, (sent, done, lost, duplicated, applied) in sorted(checks.items()):
        print(f"{kind:<14}{sent:>7}{done:>7}{len(lost):>7}{len(duplicated):>7}  {len(applied)}")
        for marker in (lost + duplicated)[:5]:
            print(f"    {marker}")


def ack_delays(database, phase, arrivals):
    """Seconds from each ticket of the phase's forms and new emails to the
    arrival of its acknowledgement at the sink."""
    delays, missing = [], 0
    with psycopg2.connect(dbname=database) as cnx, cnx.cursor() as cr:
        cr.execute("""
            SELECT t.id, extract(epoch FROM t.create_date AT TIME ZONE 'UTC'),
                   array_agg(m.message_id) FILTER (WHERE m.id IS NOT NULL)
              FROM customer_feedback_ticket t
              LEFT JOIN mail_message m ON m.model = %s AND m.res_id = t.id
                   AND m.subtype_id = (SELECT res_id FROM ir_model_data
                                        WHERE module = 'customer_feedback'
                                          AND name = 'mt_ticket_automatic_email')
             WHERE t.description LIKE %s OR t.description LIKE %s
             GROUP BY t.id, t.create_date""", (TICKET, f"%LT{phase}-form-%", f"%LT{phase}-mail-%"))
        for _id, created, message_ids in cr.fetchall():
            times = [arrivals[m] for m in message_ids or () if m in arrivals]
            if times:
                delays.append(min(times) - float(created))
            else:
                missing += 1
    return delays, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="the test database's config")
    parser.add_argument("-d", "--database", required=True, help="the test database (copied)")
    parser.add_argument("--target", help="the copy's name (default: <database>_load)")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds per worker count")
    parser.add_argument("--portal", type=int, default=6, help="portal customers at once")
    parser.add_argument("--anonymous", type=int, default=3, help="visitors of the public form")
    parser.add_argument("--mail", type=int, default=2, help="mail gateway deliveries at once")
    parser.add_argument("--agents", type=int, default=4, help="agents at once")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between requests")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds before measuring")
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--smtp-delay", type=float, default=0.0,
                        help="seconds the SMTP sink takes per message")
    parser.add_argument("--sequence", choices=("no_gap", "standard"),
                        help="the ticket references' sequence (default: as shipped, no_gap)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    runtime = REPO / ".runtime"
    target = args.target or f"{args.database}_load"
    logs = runtime / "log" / "load"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"Copying {args.database} to {target}...", flush=True)
    config = copy_database(args.config, args.database, target, runtime)
    try:
        people = prepare_database(
            config, target, max(args.portal, 1), max(args.agents, 1), args.sequence
        )
        summary = []
        sink_log = logs / "smtp.jsonl"
        with smtp_sink(args.port + 9, args.smtp_delay, sink_log):
            for workers in [int(w) for w in args.workers.split(",")]:
                phase = f"w{workers}x{uuid.uuid4().hex[:4]}"
                options = server_options(workers, GEVENT_PORT=args.port + 1, MAX_CRON_THREADS=1)
                extra = [*options, "--proxy-mode",
                         "--smtp=127.0.0.1", f"--smtp-port={args.port + 9}",
                         "--log-handler=py.warnings:ERROR", "--log-handler=werkzeug:WARNING"]
                print(f"\nStarting {workers} worker(s): {' '.join(options)}", flush=True)
                with OdooServer(config, target, args.port, logs / f"odoo-{target}-{workers}.log",
                                extra) as server:
                    # each worker loads the registry and the assets on its first
                    # requests: a short run of the same mix first, checked too
                    warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
                    warm_rec, _elapsed = asyncio.run(
                        run_phase(server.url, target, people, warm, f"{phase}warm")
                    )
                    load_before = os.getloadavg()[0]
                    rec, elapsed = asyncio.run(run_phase(server.url, target, people, args, phase))
                    load_after = os.getloadavg()[0]
                    memory = server_memory(server.process.pid)
                    time.sleep(5)  # the acknowledgements still on their way
                    log = server.log_text()
                server_errors, retries = server_log_errors(log)
                checks = check_database(target, rec, phase)
                warm_checks = check_database(target, warm_rec, f"{phase}warm")
                for kind, (_s, _d, lost, duplicated, _a) in warm_checks.items():
                    checks[kind][2].extend(lost)
                    checks[kind][3].extend(duplicated)
                print_phase(workers, rec, elapsed, checks, server_errors)
                print(f"memory (resident) of the server's {memory[0]} processes: "
                      f"{memory[1]:.0f} MB the largest, {memory[2]:.0f} MB in all")
                print(f"serialization failures retried by Odoo (no-gap ticket sequence and "
                      f"others): {retries}; machine load average {load_before:.1f} before, "
                      f"{load_after:.1f} after (2 cores, shared)")
                delays, missing = ack_delays(target, phase, sink_arrivals(sink_log))
                print(f"acknowledgements: {len(delays)} received, "
                      f"p50 {statistics.median(delays or [0]):.1f} s, "
                      f"max {max(delays or [0]):.1f} s; not received: {missing}")
                total = sum(len(v) for v in rec.latencies.values())
                reads = [v for k in ("portal_list", "portal_ticket", "agent_list",
                                     "agent_kanban", "agent_form")
                         for v in rec.latencies.get(k, [])]
                summary.append((
                    workers, total / elapsed, percentile(reads or [0], 0.95),
                    sum(sum(c.values()) for c in rec.errors.values()), server_errors,
                    sum(len(c[2]) for c in checks.values()),
                    sum(len(c[3]) for c in checks.values()),
                ))
        print("\nworkers  req/s  p95 reads ms  client errors  server errors  lost  duplicated")
        for row in summary:
            print(f"{row[0]:>7}{row[1]:>7.1f}{row[2] * 1000:>14.0f}{row[3]:>15}{row[4]:>15}"
                  f"{row[5]:>6}{row[6]:>12}")
    finally:
        if not args.keep_db:
            subprocess.run(["dropdb", "--if-exists", target], check=False)
            shutil.rmtree(runtime / "data" / "filestore" / target, ignore_errors=True)
            Path(config).unlink(missing_ok=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--smtp-sink":
        run_smtp_sink(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        main()
