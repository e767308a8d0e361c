"""Benchmark: email intake through the mail gateway, side by side with crm.lead.

Not a test. Builds N raw emails (1,000 by default) with a realistic mix --
Vietnamese and English, utf-8 and 8-bit windows-1258, some with a PDF
attachment, some replies to earlier mails of the stream, some auto-replies --
and feeds them through ``mail.thread.message_process`` to the ``feedback``
alias (feedback tickets), then the SAME emails (own Message-IDs and sender
addresses, so that every stream meets its senders for the first time) to an
alias of ``crm.lead``, in the same run; prints emails/second for both and
the ratio. The ticket stream is run twice: with the acknowledgement email
(the default) and without, since crm.lead sends none.

With ``--breakdown``, four more ticket streams leave out, one after the
other, the other steps crm.lead does not take: assigning the ticket (hence
emailing the assignee, who follows it), creating contacts for new senders
(a company setting), classifying, computing deadlines. Assignment,
classification and deadlines are switched off in this process only. The
difference between two rows is what a step costs; the last ticket row is
the ticket itself. A last stream sends the emails to a crm.lead alias that
assigns a salesperson, to compare with "tickets (no ack)".

    .venv/bin/python tests/benchmarks/bench_intake.py \\
        -c .runtime/test-<db>.conf -d <db> [-n 1000] [--breakdown] [--profile]

Everything the benchmark creates is rolled back at the end.
"""

import argparse
import contextlib
import cProfile
import io
import pstats
import random
import time
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

CHUNK = 25  # emails per stream between switches

VI = [
    ("Khiếu nại: máy tính bảng bị lỗi màn hình",
     ("Tôi mua máy tính bảng tại cửa hàng Cầu Giấy. Sau 3 ngày màn hình bị sọc. "
     "Tôi rất thất vọng và yêu cầu đổi máy. Số điện thoại: 0912 345 678.")),
    ("Góp ý về giờ mở cửa", "Cửa hàng nên mở cửa lúc 7 giờ vào cuối tuần. Cảm ơn."),
    ("Lời khen cho nhân viên", "Xin chân thành cảm ơn chị Lan đã hỗ trợ tôi rất nhiệt tình!"),
    ("Hỏi về chính sách bảo hành", "Cho tôi hỏi chính sách bảo hành điện thoại là bao lâu?"),
    ("Giao hàng chậm GẤP", "Đơn hàng của tôi giao chậm 5 ngày, đề nghị xử lý khẩn cấp."),
]
EN = [
    ("Complaint: broken charger", ("The charger I bought is broken. I want a refund. "
     "Call me at +84 901 234 567.")),
    ("Suggestion: opening hours", "It would help a lot if the store opened at 8:00."),
    ("Thank you", "Excellent service at the Da Nang store, well done."),
    ("Question about delivery", "How can I change the delivery address of my order?"),
    ("Quotation request", "Please send a quotation for 20 units of the new product."),
]
PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"

# stream -> (alias, company settings, ticket steps switched off)
WITH_ACK = {"feedback_send_acknowledgement": True, "feedback_create_contacts": True}
NO_ACK = dict(WITH_ACK, feedback_send_acknowledgement=False)
NO_CONTACTS = dict(NO_ACK, feedback_create_contacts=False)
STREAMS = {
    "tickets": ("feedback", WITH_ACK, ()),
    "tickets (no ack)": ("feedback", NO_ACK, ()),
}
BREAKDOWN = {
    "  - assignment": ("feedback", NO_ACK, ("assignment",)),
    "  - new contacts": ("feedback", NO_CONTACTS, ("assignment",)),
    "  - classification": ("feedback", NO_CONTACTS, ("assignment", "classification")),
    "  - deadlines": ("feedback", NO_CONTACTS, ("assignment", "classification", "deadlines")),
}
CRM = {"crm.lead": ("bench-leads", NO_ACK, ())}
# for comparison with "tickets (no ack)": a lead assigned by its alias to a
# salesperson, who follows it and is emailed the customer's message
CRM_BREAKDOWN = {"crm.lead, assigned": ("bench-leads-assigned", NO_ACK, ())}


def _no_deadlines(tickets):
    tickets.update({"date_response_deadline": False, "date_resolution_deadline": False})


# step -> the ticket methods that stand in for it, replaced by no-ops
SWITCH_OFF = {
    "assignment": {
        "_advance_after_routing": lambda tickets: None,
        "_record_leader_as_receiver": lambda tickets: None,
    },
    "classification": {"_classify_message": lambda tickets, *args, **kwargs: {}},
    "deadlines": {"_compute_deadlines": _no_deadlines},
}


@contextlib.contextmanager
def steps_switched_off(env, steps):
    """Replace the ticket methods of ``steps`` by no-ops on the registry's
    class, for this process and until the block ends."""
    model_class = type(env["customer.feedback.ticket"])
    replaced = {name: fn for step in steps for name, fn in SWITCH_OFF[step].items()}
    for name, fn in replaced.items():
        setattr(model_class, name, fn)
    try:
        yield
    finally:
        for name in replaced:
            delattr(model_class, name)


def cp1258_bytes(text):
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def make_specs(count, seed=42):
    """The stream, independent of the target: a list of dicts."""
    rng = random.Random(seed)
    specs = []
    for i in range(count):
        vietnamese = rng.random() < 0.6
        subject, body = rng.choice(VI if vietnamese else EN)
        spec = {
            "i": i,
            "sender": f"Customer {i % 300} <customer{i % 300}@bench-mail.example.com>",
            "subject": subject,
            "body": body,
            "cp1258": vietnamese and rng.random() < 0.3,
            "attachment": rng.random() < 0.2,
            "auto": rng.random() < 0.05,
            "reply_to": None,
        }
        if specs and rng.random() < 0.15:
            parent = rng.choice(specs[-50:])
            spec.update(reply_to=parent["i"], sender=parent["sender"],
                        subject="Re: " + parent["subject"])
        specs.append(spec)
    return specs


def build(spec, to, prefix):
    def msg_id(i):
        return f"<{prefix}-{i}@bench-mail.example.com>"

    sender = spec["sender"].replace("@", f"@{prefix}.")
    headers = (
        f"From: {sender}\r\nTo: {to}\r\nDate: {formatdate()}\r\n"
        f"Message-ID: {msg_id(spec['i'])}\r\n"
    )
    if spec["reply_to"] is not None:
        headers += f"In-Reply-To: {msg_id(spec['reply_to'])}\r\n"
        headers += f"References: {msg_id(spec['reply_to'])}\r\n"
    if spec["auto"]:
        headers += "Auto-Submitted: auto-replied\r\n"
    if spec["cp1258"] and not spec["attachment"]:
        subject = EmailMessage()
        subject["Subject"] = spec["subject"]
        return (
            headers.encode() + subject.as_bytes().split(b"\n\n")[0].strip() + b"\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"windows-1258\"\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + cp1258_bytes(spec["body"]) + b"\r\n"
        )
    message = EmailMessage()
    message["Subject"] = spec["subject"]
    message.set_content(spec["body"])
    if spec["attachment"]:
        message.add_attachment(PDF, maintype="application", subtype="pdf",
                               filename=f"scan-{spec['i']}.pdf")
    return headers.encode() + message.as_bytes()


def feed(env, raws):
    """Process ``raws``; return (wall seconds, CPU seconds of this process)."""
    MailThread = env["mail.thread"]
    start, cpu = time.perf_counter(), time.process_time()
    for raw in raws:
        MailThread.message_process(False, raw)
    env.flush_all()
    return time.perf_counter() - start, time.process_time() - cpu


def run(env, count, profile, breakdown):
    domain = env["mail.alias.domain"].search([("name", "=", "bench.example.com")]) or env[
        "mail.alias.domain"].create({"name": "bench.example.com"})
    env.company.alias_domain_id = domain
    env.ref("customer_feedback.mail_alias_feedback_intake").write(
        {"alias_domain_id": domain.id, "alias_name": "feedback"})

    def lead_alias(name, **defaults):
        env["mail.alias"].create({
            "alias_name": name, "alias_domain_id": domain.id,
            "alias_model_id": env["ir.model"]._get_id("crm.lead"), "alias_contact": "everyone",
            "alias_defaults": repr({"type": "lead", **defaults}),
        })

    lead_alias("bench-leads")
    specs = make_specs(count)
    if breakdown:
        # a member of a feedback department, as the tickets' assignees are
        salesperson = env["customer.feedback.department"].search(
            [("member_ids", "!=", False)], limit=1).member_ids[:1]
        lead_alias("bench-leads-assigned", user_id=salesperson.id)
    streams = dict(STREAMS, **(BREAKDOWN if breakdown else {}), **CRM,
                   **(CRM_BREAKDOWN if breakdown else {}))
    raws = {
        name: [build(spec, f"{alias}@bench.example.com", f"s{index}") for spec in specs]
        for index, (name, (alias, _settings, _off)) in enumerate(streams.items())
    }
    # warm-up: caches, templates, sequences
    warm = make_specs(20, seed=7)
    feed(env, [build(s, "feedback@bench.example.com", "wt") for s in warm])
    feed(env, [build(s, "bench-leads@bench.example.com", "wl") for s in warm])
    # The streams are fed in interleaved chunks, so that a change of load on
    # a shared machine weighs on all of them alike.
    totals = {name: [0.0, 0.0] for name in streams}
    profilers = {name: cProfile.Profile() for name in streams} if profile else {}
    for offset in range(0, count, CHUNK):
        for name, (_alias, settings, off) in streams.items():
            env.company.write(settings)
            env.invalidate_all()
            with steps_switched_off(env, off):
                if profile:
                    profilers[name].enable()
                wall, cpu = feed(env, raws[name][offset:offset + CHUNK])
                if profile:
                    profilers[name].disable()
            totals[name][0] += wall
            totals[name][1] += cpu
    for name, profiler in profilers.items():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(f"\n===== profile: {name} =====\n{out.getvalue()}")
    results = {name: (count / wall, count / cpu) for name, (wall, cpu) in totals.items()}
    prefix = {name: f"<s{index}-%" for index, name in enumerate(streams)}
    tickets = env["customer.feedback.ticket"].search_count(
        [("message_ids.message_id", "=like", prefix["tickets"])]
    )
    leads = env["crm.lead"].search_count(
        [("message_ids.message_id", "=like", prefix["crm.lead"])]
    )
    return results, tickets, leads


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--breakdown", action="store_true",
                        help="also ticket streams leaving out one step after another")
    parser.add_argument("--profile", action="store_true", help="cProfile each stream")
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--no-http", "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        results, tickets, leads = run(env, args.count, args.profile, args.breakdown)
        cr.rollback()
    print(f"\n{args.count:,} emails per stream ({tickets} tickets, {leads} leads created; "
          "the rest are replies threaded on them)")
    lead_rate, lead_cpu_rate = results["crm.lead"]
    print("emails/s: wall clock; CPU: this process only (PostgreSQL's work not counted)")
    print(f"{'stream':<20}{'emails/s':>10}{'ms/email':>10}{'vs crm.lead':>13}"
          f"{'CPU ms/email':>14}{'vs crm.lead':>13}")
    for name, (rate, cpu_rate) in results.items():
        print(f"{name:<20}{rate:>10.1f}{1000 / rate:>10.2f}{rate / lead_rate:>13.2f}"
              f"{1000 / cpu_rate:>14.2f}{cpu_rate / lead_cpu_rate:>13.2f}")


if __name__ == "__main__":
    main()
