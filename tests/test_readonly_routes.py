"""System test: the addons' read-only routes write nothing.

A route marked ``readonly=True`` is served on a cursor of the read replica
(``db_replica_host``); when it writes anyway, PostgreSQL refuses
(ReadOnlySqlTransaction), and Odoo logs a warning and serves the request
again on the primary: twice the work, and the replica's load is back on the
primary. Here an Odoo server of its own runs with ``--dev=replica``, which
opens the read-only cursors on the same database in read-only transactions
(PostgreSQL refuses their writes as a replica would), and logs, with every
request, the cursor that served it: ``ro``, ``rw`` (a read/write route) or
``ro->rw`` (a read-only route that wrote). Each read-only route is requested
as the visitor it is for (anonymous, portal customer, employee) and must be
served ``ro``, with its page; the routes that must write are checked to be
read/write, so that marking them read-only fails here too.

The data the pages show is created in the test database and committed (the
server is another process), then deleted.
"""

import re
import secrets
import uuid
from pathlib import Path

import pytest
import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests.common import new_test_user

from .odoo_server import OdooServer

PORT = 8182
PASSWORD = "readonly-routes-" + secrets.token_hex(4)
# `"GET /path?query HTTP/1.1" 200 - <queries> <sql time> <other time> <cursor>`
ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>[^\s#]+)\S* HTTP/[\d.]+" (?P<status>\d+)'
    r" \S+ \S+ \S+ \S+ (?P<mode>\S+)$",
    re.MULTILINE,
)


def _database():
    name = odoo.tools.config["db_name"]
    # Odoo 19 keeps a list (db_name may name several databases)
    return name[0] if isinstance(name, (list, tuple)) else name


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


@pytest.fixture(scope="module")
def data():
    """A portal customer with tickets, an employee in charge of them, and the
    tokens of the links the customer receives; deleted afterwards."""
    database = _database()
    tag = uuid.uuid4().hex[:8]
    registry = Registry(database)
    with registry.cursor() as cr:
        env = _env(cr)
        employee = new_test_user(
            env, f"ro_agent_{tag}", password=PASSWORD,
            groups="base.group_user,customer_feedback.group_feedback_user",
        )
        portal = new_test_user(
            env, f"ro_portal_{tag}", password=PASSWORD, groups="base.group_portal",
            email=f"ro.portal.{tag}@example.com",
        )
        Ticket = env["customer.feedback.ticket"].with_context(feedback_no_acknowledgement=True)
        ticket = Ticket.create({
            "title": f"Read-only routes {tag}", "kind": "complaint",
            "partner_id": portal.partner_id.id, "user_id": employee.id,
        })
        # a public message with a file: the portal page lists the file
        ticket.message_post(
            body="<p>The photo of the damage.</p>", message_type="comment",
            subtype_xmlid="mail.mt_comment", author_id=portal.partner_id.id,
            attachment_ids=[env["ir.attachment"].create({
                "name": "photo.txt", "raw": b"photo", "res_model": ticket._name,
                "res_id": ticket.id,
            }).id],
        )
        # sent by an anonymous visitor with the customer's address: the
        # acknowledgement asks its owner to confirm (/feedback/verify)
        unverified = Ticket._create_from_web_form({
            "name": "Visitor", "email": portal.email, "phone": "",
            "kind": "question", "message": f"Question from the public form {tag}",
        })
        values = {
            "tag": tag,
            "employee": employee.login,
            "portal": portal.login,
            "partner_id": portal.partner_id.id,
            "ticket_id": ticket.id,
            "access_token": ticket._portal_ensure_token(),
            "confirmation_round": ticket.confirmation_round,
            "confirmation_token": ticket._confirmation_token(ticket.confirmation_round),
            "unverified_id": unverified.id,
            "unverified_verifiable": unverified._sender_verifiable(),
            "sender_token": unverified._sender_confirmation_token(),
            "user_ids": (employee | portal).ids,
            "ticket_ids": (ticket | unverified).ids,
        }
    try:
        yield values
    finally:
        with registry.cursor() as cr:
            env = _env(cr)
            env["customer.feedback.ticket"].browse(values["ticket_ids"]).unlink()
            users = env["res.users"].browse(values["user_ids"])
            partners = users.partner_id
            users.unlink()
            partners.unlink()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    logfile = Path(tmp_path_factory.mktemp("readonly")) / "odoo.log"
    with OdooServer(
        odoo.tools.config["config"], _database(), PORT, logfile,
        ["--dev=replica", "--max-cron-threads=0", "--log-handler=py.warnings:ERROR"],
    ) as running:
        yield running


def _login(server, login):
    session = requests.Session()
    page = session.get(f"{server.url}/web/login", timeout=60)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{server.url}/web/login", data={
        "login": login, "password": PASSWORD, "csrf_token": csrf, "redirect": "/web/health",
    }, timeout=60)
    assert response.ok and session.cookies.get("session_id"), response.text[:500]
    return session


def _call_kw(session, server, model, method, args, kwargs):
    response = session.post(f"{server.url}/web/dataset/call_kw/{model}/{method}", json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
    }, timeout=120)
    assert response.ok, response.text[:500]
    assert "error" not in response.json(), response.json()["error"]
    return response


def _modes(server):
    """(method, path) -> cursor modes of its requests, from the server's log."""
    modes = {}
    for match in ACCESS_LINE.finditer(server.log_text()):
        modes.setdefault((match["method"], match["path"]), []).append(
            (int(match["status"]), match["mode"])
        )
    return modes


def test_readonly_routes_never_write(server, data):
    anonymous = requests.Session()
    portal = _login(server, data["portal"])
    employee = _login(server, data["employee"])
    ticket, token = data["ticket_id"], data["access_token"]
    # (visitor, path, the text the page shows): each must be served read-only
    readonly = [
        (anonymous, "/feedback", 'name="message"'),
        (anonymous, "/feedback/thanks", ""),
        (anonymous, "/feedback/policy", ""),
        (anonymous, (f"/feedback/confirm/{ticket}/{data['confirmation_round']}/accept"
                     f"?token={data['confirmation_token']}"), data["tag"]),
        (anonymous, f"/my/feedback/{ticket}/slip?access_token={token}", "%PDF"),
        (portal, "/my/feedback", data["tag"]),
        (portal, f"/my/feedback?search={data['tag']}&sortby=name&filterby=all", data["tag"]),
        (portal, "/my/feedback/new", 'name="description"'),
        (portal, f"/my/feedback/{ticket}/slip", "%PDF"),
        (portal, f"/my/feedback/{ticket}/slip?report_type=html", data["tag"]),
        (employee, f"/report/pdf/customer_feedback_reports.report_reception_slip/{ticket}",
         "%PDF"),
        (employee, ("/report/pdf/customer_feedback_reports.report_customer_history/"
                    f"{data['partner_id']}"), "%PDF"),
    ]
    if data["unverified_verifiable"]:
        readonly.append((
            anonymous, f"/feedback/verify/{data['unverified_id']}?token={data['sender_token']}",
            "",
        ))
    # the list, kanban and form of the backend: Odoo's call_kw is read-only
    # for the methods marked @api.readonly, which our models must not undo
    fields_spec = {"name": {}, "title": {}, "state": {}, "partner_id": {"fields": {}}}
    _call_kw(employee, server, "customer.feedback.ticket", "web_search_read", [], {
        "domain": [], "specification": fields_spec, "limit": 80,
    })
    _call_kw(employee, server, "customer.feedback.ticket", "web_read_group", [], {
        "domain": [], "groupby": ["state"], "aggregates": ["__count"],
    })
    _call_kw(employee, server, "customer.feedback.ticket", "web_read", [[ticket]], {
        "specification": fields_spec,
    })
    _call_kw(employee, server, "customer.feedback.report", "web_read_group", [], {
        "domain": [], "groupby": ["kind"], "aggregates": ["__count"],
    })
    # the portal home's counters (Odoo's read-only route) count the tickets
    counters = portal.post(f"{server.url}/my/counters", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {"counters": ["feedback_count"]},
    }, timeout=60)
    assert counters.json()["result"]["feedback_count"] >= 1, counters.text[:300]
    for session, path, expected in readonly:
        response = session.get(server.url + path, timeout=120)
        assert response.status_code == 200, (path, response.status_code)
        body = response.content.decode(errors="replace")
        assert expected in body, (path, body[:300])

    # the ticket's page stays read/write: see portal_my_feedback_ticket
    detail = portal.get(f"{server.url}/my/feedback/{ticket}", timeout=120)
    assert detail.status_code == 200 and data["tag"] in detail.text

    modes = _modes(server)
    served = {
        path: modes.get(("GET", path)) for _session, path, _text in readonly
    }
    for model_method in ("customer.feedback.ticket/web_search_read",
                         "customer.feedback.ticket/web_read_group",
                         "customer.feedback.ticket/web_read",
                         "customer.feedback.report/web_read_group"):
        path = f"/web/dataset/call_kw/{model_method}"
        served[path] = modes.get(("POST", path))
    served["/my/counters"] = modes.get(("POST", "/my/counters"))
    not_readonly = {path: got for path, got in served.items() if got != [(200, "ro")]}
    assert not not_readonly, f"served otherwise than once, read-only: {not_readonly}"
    assert "retrying with a read/write cursor" not in server.log_text()
    assert modes[("GET", f"/my/feedback/{ticket}")] == [(200, "rw")]
