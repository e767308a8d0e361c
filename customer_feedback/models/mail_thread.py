"""Mail gateway hooks for feedback tickets that act before a model is known.

Nothing a customer sends may be lost (see PRODUCT.md). Two weaknesses of the
standard gateway are covered here:

- **Charsets.** Python decodes a text part with the charset the message
  declares: an unknown one (``x-unknown``, or ``viscii``, which Python lacks)
  raises ``LookupError`` and the whole mail is refused; a lying one (declared
  utf-8, written in windows-1258) silently turns every Vietnamese letter into
  U+FFFD. ``_message_parse_extract_payload`` now decodes such parts as well as
  it can (``_best_effort_decode``) before Odoo reads them, keeps attachments in
  such charsets byte for byte, and the ticket is flagged for review.
- **Anything else that makes Odoo raise** on a message addressed to one of
  our aliases: ``message_process`` rolls back what was done and creates a
  ticket flagged for review with the raw message attached
  (``_feedback_fallback_ticket``), instead of leaving it in the mailbox (the
  fetchmail cron would retry it forever) or losing it (odoo-mailgate).
"""

import ast
import base64
import codecs
import email
import email.parser
import email.policy
import logging
import re
from email.header import decode_header, make_header

import psycopg2
from lxml import etree

from odoo import api, models
from odoo.tools import email_normalize, email_normalize_all, parse_contact_from_email

_logger = logging.getLogger(__name__)

# Headers of automatic mail: never acknowledged (RFC 3834 and common practice).
AUTOMATIC_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")

# A charset name as it may be handed to libxml2 (no quotes, no spaces).
CHARSET_NAME = re.compile(r"[A-Za-z0-9][\w.:+-]{0,39}")


def _cp1258_for_invalid_bytes(error):
    """Decoding error handler: read the bytes that are not utf-8 as windows-1258.

    Vietnamese mail declared utf-8 but written by an old Windows client is the
    common case of a lying charset; valid utf-8 sequences around are kept.
    """
    bad = error.object[error.start:error.end]
    return bad.decode("cp1258", errors="replace"), error.end


codecs.register_error("customer_feedback_cp1258", _cp1258_for_invalid_bytes)


def _iconv_decode(data, charset):
    """Decode with libxml2's iconv, which knows charsets Python lacks (VISCII...).

    :return: the text, or None when iconv does not know the charset either
    """
    if not CHARSET_NAME.fullmatch(charset or ""):
        return None
    escaped = data.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    document = b'<?xml version="1.0" encoding="%s"?><t>%s</t>' % (charset.encode(), escaped)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(document, parser=parser).text or ""
    except (etree.Error, ValueError):
        return None


def _best_effort_decode(data, charset):
    """Text of ``data`` that the declared ``charset`` could not decode."""
    try:
        codecs.lookup(charset)
    except LookupError:
        text = _iconv_decode(data, charset)
        if text is not None:
            return text
    return data.decode("utf-8", errors="customer_feedback_cp1258")


def _is_attachment(part):
    return bool(part.get_filename()) or (
        part.get("Content-Disposition", "").strip().lower().startswith("attachment")
    )


def _decodes(data, charset):
    """Whether ``data`` is valid text in ``charset`` (a known one)."""
    try:
        data.decode(charset)
    except (LookupError, UnicodeError):
        return False
    return True


def _repair_charsets(message):
    """Make every text part of ``message`` decodable; return what was guessed."""
    notes = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        charset = part.get_param("charset") or "utf-8"
        data = part.get_payload(decode=True) or b""
        if _decodes(data, charset):
            continue
        if _is_attachment(part):
            # a file: keep its bytes as they are rather than re-encode a guess
            part.set_type("application/octet-stream")
            part.del_param("charset")
            continue
        text = _best_effort_decode(data, charset)
        del part["Content-Transfer-Encoding"]
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload(base64.encodebytes(text.encode("utf-8")).decode("ascii"))
        part.set_param("charset", "utf-8")
        notes.append(charset)
    return notes


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, custom_values=None, save_original=False,
                        strip_attachments=False, thread_id=None):
        """Never lose a message to our aliases: see ``_feedback_fallback_ticket``."""
        if not self.env.su and self._feedback_already_received(message):
            # Odoo looks for an earlier copy of the message as the gateway's
            # user (odoo-mailgate's -u), who may not read the messages of every
            # ticket: a mail delivered twice made a second ticket.
            return False
        try:
            with self.env.cr.savepoint():
                return super().message_process(
                    model, message, custom_values=custom_values, save_original=save_original,
                    strip_attachments=strip_attachments, thread_id=thread_id,
                )
        except psycopg2.OperationalError:
            raise  # concurrency, lock or connection: the caller retries the message
        except Exception as error:
            if self.env.context.get("feedback_no_fallback"):
                raise
            ticket = self._feedback_fallback_ticket(message, error)
            if not ticket:
                raise
            _logger.exception(
                "Could not process an incoming email; kept it on ticket %s for review",
                ticket.name,
            )
            return ticket.id

    @api.model
    def _feedback_already_received(self, message):
        if isinstance(message, str):
            message = message.encode("utf-8", errors="surrogateescape")
        elif not isinstance(message, bytes):  # xmlrpc Binary
            message = bytes(message.data)
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(message)
        message_id = (headers.get("Message-Id") or "").strip()
        # sudo: only whether a message with this Message-Id exists is read
        return bool(message_id) and bool(self.env["mail.message"].sudo().search_count(
            [("message_id", "=", message_id)], limit=1
        ))

    @api.model
    def _feedback_fallback_ticket(self, message, error=None):
        """A ticket for review holding the raw ``message`` Odoo could not process.

        Only for messages addressed to an alias of feedback tickets; the
        headers are read leniently. :return: the ticket, or an empty recordset
        """
        if isinstance(message, str):
            message = message.encode("utf-8", errors="surrogateescape")
        elif not isinstance(message, bytes):  # xmlrpc Binary
            message = bytes(message.data)
        parsed = email.message_from_bytes(message, policy=email.policy.compat32)

        def header(name):
            try:
                return str(make_header(decode_header(parsed.get(name, "") or "")))
            except Exception:  # noqa: BLE001 - any garbage: keep the raw header
                return str(parsed.get(name, "") or "")

        recipients = email_normalize_all(", ".join(
            header(name) for name in ("Delivered-To", "To", "Cc", "Resent-To")
        ))
        # sudo: the gateway may run as any user; only alias definitions are read.
        alias = self.env["mail.alias"].sudo().search([
            ("alias_full_name", "in", recipients),
            ("alias_model_id.model", "=", "customer.feedback.ticket"),
        ], limit=1)
        if not alias:
            return self.env["customer.feedback.ticket"]
        message_id = (parsed.get("Message-Id") or "").strip()
        Ticket = self.env["customer.feedback.ticket"].sudo()  # as the gateway does
        if message_id and self.env["mail.message"].sudo().search_count(
            [("message_id", "=", message_id), ("model", "=", Ticket._name)], limit=1
        ):
            return Ticket.search([("message_ids.message_id", "=", message_id)], limit=1)
        name, address = parse_contact_from_email(header("From"))
        try:
            values = dict(ast.literal_eval(alias.alias_defaults or "{}"))
        except (ValueError, SyntaxError):
            values = {}
        values.update({
            "title": header("Subject").strip() or self.env._("(no subject)"),
            "channel": "email",
            "partner_name": name or False,
            "partner_email": email_normalize(address) or address or False,
            "needs_review": True,
            "review_reason": self.env._(
                "the email could not be processed (%s); the original is attached",
                f"{type(error).__name__}: {error}"[:200] if error else "?",
            ),
        })
        ticket = Ticket.with_context(
            feedback_no_acknowledgement=True, mail_create_nolog=True,
        ).create({key: value for key, value in values.items() if key in Ticket._fields})
        ticket.message_post(
            body=self.env._("This email could not be processed; the original is attached."),
            message_type="email", subtype_xmlid="mail.mt_note", message_id=message_id or None,
            attachments=[("original_email.eml", message)],
        )
        return ticket

    @api.model
    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        """Decode text parts in unknown or lying charsets as well as possible."""
        notes = _repair_charsets(message)
        if notes:
            _logger.info("Incoming email %s: text in charset(s) %s decoded by guess",
                         message.get("Message-Id"), ", ".join(notes))
            message.customer_feedback_charsets_guessed = notes
        return super()._message_parse_extract_payload(
            message, message_dict, save_original=save_original
        )

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Tell ``message_new`` whether the mail was sent by a machine or
        needed its charset guessed."""
        # Odoo marks the alias valid after the first record it creates, as the
        # gateway's user (self.env.user, e.g. odoo-mailgate's -u): a user who
        # may not write aliases made the first mail to a fresh alias crash.
        # sudo: only the status of the alias the mail was routed to is set.
        for route in routes or ():
            alias = route[4].sudo() if len(route) > 4 and route[4] else None
            if alias and alias.alias_model_id.model == "customer.feedback.ticket" \
                    and alias.alias_status != "valid":
                alias.alias_status = "valid"
        return super(MailThread, self.with_context(
            feedback_automatic_mail=_is_automatic(message),
            feedback_charsets_guessed=getattr(message, "customer_feedback_charsets_guessed", None),
        ))._message_route_process(message, message_dict, routes)

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None,
                      custom_values=None):
        """A reply to a ticket closed too long ago starts a new, linked ticket."""
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        Ticket = self.env["customer.feedback.ticket"]
        rerouted = []
        for route in routes:
            route_model, route_thread_id, route_values, *rest = route
            # sudo: the gateway user may not read every ticket; only the
            # state and closing date are looked at.
            ticket = Ticket.sudo().browse(
                route_thread_id if route_model == Ticket._name else []
            ).exists()
            if ticket.state == "closed" and ticket._closed_too_long_ago():
                values = dict(
                    route_values or {}, parent_ticket_id=ticket.id,
                    department_id=ticket.department_id.id,
                )
                rerouted.append((route_model, False, values, *rest))
            else:
                rerouted.append(route)
        return rerouted


def _is_automatic(message):
    """True for auto-replies, bounces and list mail."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return_path = message.get("Return-Path")
    return bool(
        auto_submitted != "no"
        or precedence in AUTOMATIC_PRECEDENCE
        or message.get("X-Autoreply") or message.get("X-Autorespond")
        or message.get("X-Auto-Response-Suppress", "").lower() in ("all", "oof")
        or message.get("List-Id") or message.get("List-Unsubscribe")
        or (return_path is not None and return_path.strip() in ("<>", ""))
    )
