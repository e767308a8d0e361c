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
- **A damaged MIME structure** (a multipart with a missing or wrong
  boundary): Python leaves the whole body as one unreadable block and Odoo
  finds no text. ``_repair_structure`` finds the boundary actually used, or
  else reads the body as plain text; the ticket is flagged for review.
- **An address Odoo cannot route** (no alias domain yet, or another domain)
  whose local part is one of our aliases: ``message_route`` sends it to that
  alias, flagged for review, instead of raising "No possible route found".
  Mail for other local parts keeps Odoo's behaviour.
- **A bounce that matches nothing** Odoo knows (neither the bounced message
  nor a contact) but is ours (addressed to our alias, or returning an email
  sent from it or naming a ticket): kept as a ticket for review. Bounces
  Odoo matches are Odoo's (bounce counter of the contact, failed
  notification), plus a note on the ticket (``_message_receive_bounce``).
- **Anything else that makes Odoo raise** on a message addressed to one of
  our aliases: ``message_process`` rolls back what was done and creates a
  ticket flagged for review with the raw message attached
  (``_feedback_fallback_ticket``), instead of leaving it in the mailbox (the
  fetchmail cron would retry it forever) or losing it (odoo-mailgate).

Two more, when the same thing happens twice at once:

- **The same email delivered twice at the same moment** (two fetchmail
  processes, or odoo-mailgate run twice by the mail server): Odoo looks for
  an earlier copy of the Message-Id, which a transaction running in parallel
  has not committed yet, and both made a ticket. ``message_process`` first
  claims the Message-Id (``customer.feedback.guard._claim``): the second
  process waits for the first and skips the message.
- **A concurrency error** (serialization failure, deadlock, lock) under
  fetchmail: fetchmail rolls the message back and marks it read, so the
  message was lost. It is retried here, in a fresh transaction, as Odoo
  retries an RPC call (odoo-mailgate) or an HTTP request.

Every ticket flagged for review keeps the original message
(``original_email.eml``): the raw bytes received are passed down in the
context (``feedback_original_email``) to ``message_new``.
"""

import ast
import base64
import codecs
import email
import email.parser
import email.policy
import logging
import random
import re
import time
from email.header import decode_header, make_header

import psycopg2
from lxml import etree

from odoo import api, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import (
    email_normalize,
    email_normalize_all,
    email_split,
    parse_contact_from_email,
)

from .customer_feedback_ticket_mail_gateway import REFERENCE_PATTERN

_logger = logging.getLogger(__name__)

# Headers of automatic mail: never acknowledged (RFC 3834 and common practice).
AUTOMATIC_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")

# Headers only mailing lists set (RFC 2369, RFC 2919, ezmlm, older list servers).
LIST_HEADERS = (
    "List-Id", "List-Unsubscribe", "List-Subscribe", "List-Post", "List-Help",
    "List-Owner", "List-Archive", "X-Mailing-List", "Mailing-List", "X-List",
)

# A MIME boundary line: "--" and the boundary's characters (RFC 2046 bchars
# without the space), "--" again on the closing line.
BOUNDARY_LINE = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70}?)(--)?[ \t]*\r?$", re.MULTILINE)

OUR_MODEL = "customer.feedback.ticket"

# A message fetchmail could not process for a concurrency error is tried
# this many times, after a random wait of up to GATEWAY_RETRY_WAIT * 2**n
# seconds (as Odoo retries RPC calls and HTTP requests).
GATEWAY_TRIES = 5
GATEWAY_RETRY_WAIT = 0.5

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


def _raw_bytes(message):
    """The bytes of a message handed to ``message_process`` (bytes, str or xmlrpc Binary)."""
    if isinstance(message, str):
        return message.encode("utf-8", errors="surrogateescape")
    if not isinstance(message, bytes):  # xmlrpc Binary
        return bytes(message.data)
    return message


def _message_id(message):
    """The Message-Id header of a message handed to ``message_process``, or ''."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
        _raw_bytes(message)
    )
    return (headers.get("Message-Id") or "").strip()


def _guess_boundary(text):
    """The boundary a multipart body really uses, or None.

    A candidate is taken when its closing line is there or when it separates
    at least two parts; a line of dashes alone is a separator, not a boundary.
    """
    seen = {}
    for match in BOUNDARY_LINE.finditer(text):
        token = match.group(1)
        if not token.strip("-"):
            continue
        if match.group(2) or seen.get(token):
            return token
        seen[token] = True
    return None


def _repair_structure(message):
    """Make a multipart whose boundary is missing or wrong readable again.

    Python's parser leaves such a body as one block of text, in which Odoo
    finds neither text part nor attachment. :return: whether anything was repaired
    """
    if message.get_content_maintype() != "multipart":
        return False
    if message.is_multipart():
        # every part is repaired: no short-circuit
        repaired = [_repair_structure(part) for part in message.get_payload()]
        return any(repaired)
    # the body's bytes as they came (without decode, non-ascii bytes would be "?")
    data = message.get_payload(decode=True)
    if not isinstance(data, bytes):
        return False
    boundary = _guess_boundary(data.decode("ascii", errors="replace"))
    if boundary:
        head = f'Content-Type: {message.get_content_type()}; boundary="{boundary}"\r\n\r\n'
        inner = email.message_from_bytes(head.encode("ascii") + data, policy=message.policy)
        if inner.is_multipart() and inner.get_payload():
            message.set_param("boundary", boundary)
            message.set_payload(inner.get_payload())
            _repair_structure(message)
            return True
    # no boundary to be found: the body, as it came, is the text
    message.del_param("boundary")
    message.set_type("text/plain")
    message.set_param("charset", "utf-8")
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
        if self.env.context.get("default_fetchmail_server_id") \
                and not self.env.context.get("feedback_gateway_retrying"):
            return self._feedback_process_retrying(
                model, message, custom_values=custom_values, save_original=save_original,
                strip_attachments=strip_attachments, thread_id=thread_id,
            )
        message_id = _message_id(message)
        if not self.env.su and self._feedback_already_received(message_id):
            # Odoo looks for an earlier copy of the message as the gateway's
            # user (odoo-mailgate's -u), who may not read the messages of every
            # ticket: a mail delivered twice made a second ticket.
            return False
        # sudo: the keys are system records; only their rows are written
        if message_id and not self.env["customer.feedback.guard"].sudo()._claim(
            f"message-id:{message_id}"
        ):
            # another process got the same email at the same moment and
            # committed it (had it rolled back, the key would be ours)
            _logger.info("Ignored email %s: already processed by another process", message_id)
            return False
        raw = _raw_bytes(message)
        try:
            with self.env.cr.savepoint():
                # the bytes as received: kept on every ticket flagged for review
                gateway = super(MailThread, self.with_context(feedback_original_email=raw))
                return gateway.message_process(
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
    def _feedback_process_retrying(self, model, message, **kwargs):
        """``message_process`` under fetchmail, tried again after a concurrency error.

        Fetchmail rolls back a message that raised and marks it read: it
        would never be fetched again. Fetchmail alone sets the context key
        ``default_fetchmail_server_id``, on a cursor it commits after each
        message: rolling back here undoes this message only.
        """
        gateway = self.with_context(feedback_gateway_retrying=True)
        for attempt in range(1, GATEWAY_TRIES + 1):
            try:
                result = gateway.message_process(model, message, **kwargs)
                # a conflict of the last writes is raised here, not at commit
                self.env.flush_all()
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                if attempt == GATEWAY_TRIES:
                    raise
                self.env.cr.rollback()
                self.env.transaction.reset()
                self.env.registry.reset_changes()
                wait = random.uniform(0.0, GATEWAY_RETRY_WAIT * 2 ** attempt)
                _logger.info("Incoming email %s: %s, tried again in %.2f s",
                             _message_id(message) or "?", error.pgcode, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    @api.model
    def _feedback_already_received(self, message_id):
        """Whether a message with this Message-Id was received already."""
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
        message = _raw_bytes(message)
        parsed = email.message_from_bytes(message, policy=email.policy.compat32)

        def header(name):
            try:
                return str(make_header(decode_header(parsed.get(name, "") or "")))
            except Exception:  # noqa: BLE001 - any garbage: keep the raw header
                return str(parsed.get(name, "") or "")

        recipients = email_normalize_all(", ".join(
            header(name) for name in ("Delivered-To", "To", "Cc", "Resent-To")
        ))
        alias = self._feedback_aliases_addressed(recipients)[:1]
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
    def _feedback_aliases_addressed(self, addresses):
        """Our aliases (of feedback tickets) that ``addresses`` are written to.

        By the full address, else by the local part of an address that is
        no alias Odoo knows: before the alias domain is set, or when the
        mail came to another domain than the alias's.
        """
        addresses = [address.lower() for address in addresses if address]
        # sudo: the gateway may run as any user; only alias definitions are read.
        Alias = self.env["mail.alias"].sudo()
        ours = [("alias_model_id.model", "=", OUR_MODEL)]
        known = Alias.search([("alias_full_name", "in", addresses)])
        if known.filtered(lambda alias: alias.alias_model_id.model == OUR_MODEL):
            return known.filtered(lambda alias: alias.alias_model_id.model == OUR_MODEL)
        known_names = set(known.mapped("alias_full_name"))
        local_parts = {
            address.partition("@")[0] for address in addresses
            if "@" in address and address not in known_names
        }
        if not local_parts:
            return Alias
        return Alias.search([("alias_name", "in", sorted(local_parts))] + ours)

    @api.model
    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        """Repair a damaged MIME structure; decode text parts in unknown or
        lying charsets as well as possible."""
        if _repair_structure(message):
            _logger.info("Incoming email %s: damaged MIME structure repaired",
                         message.get("Message-Id"))
            _feedback_review(message, self.env._(
                "damaged MIME structure (missing or wrong boundary), the text is kept as it came"
            ))
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
        """Tell ``message_new`` whether the mail was sent by a machine, needed
        its charset guessed, or must be reviewed for another reason."""
        # Odoo marks the alias valid after the first record it creates, as the
        # gateway's user (self.env.user, e.g. odoo-mailgate's -u): a user who
        # may not write aliases made the first mail to a fresh alias crash.
        # sudo: only the status of the alias the mail was routed to is set.
        for route in routes or ():
            alias = route[4].sudo() if len(route) > 4 and route[4] else None
            if alias and alias.alias_model_id.model == OUR_MODEL \
                    and alias.alias_status != "valid":
                alias.alias_status = "valid"
        return super(MailThread, self.with_context(
            feedback_automatic_mail=_is_automatic(message),
            feedback_charsets_guessed=getattr(message, "customer_feedback_charsets_guessed", None),
            feedback_review_reasons=tuple(getattr(message, "customer_feedback_review", ())),
        ))._message_route_process(message, message_dict, routes)

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None,
                      custom_values=None):
        """Mail Odoo cannot route or a bounce it cannot match, when it is ours,
        becomes a ticket for review; a reply to a merged ticket goes to the
        ticket kept; a reply to a ticket closed too long ago starts a new,
        linked ticket."""
        try:
            routes = super().message_route(
                message, message_dict, model=model, thread_id=thread_id,
                custom_values=custom_values,
            )
        except ValueError:
            # "No possible route found": mail to feedback@<a domain Odoo does not know>
            routes = self._feedback_route_by_local_part(message, message_dict)
            if routes is None:
                raise
        else:
            if message_dict.get("is_bounce") and not routes:
                routes = self._feedback_route_unmatched_bounce(message, message_dict)
        return self._feedback_reroute_closed(self._feedback_reroute_merged(routes))

    @api.model
    def _feedback_reroute_merged(self, routes):
        """Mail to a ticket merged into another goes to the one kept."""
        Ticket = self.env[OUR_MODEL]
        rerouted = []
        for route in routes:
            route_model, route_thread_id, *rest = route
            # sudo: the gateway user may not read every ticket; only the
            # link to the ticket kept is read.
            ticket = Ticket.sudo().browse(
                route_thread_id if route_model == Ticket._name else []
            ).exists()
            if ticket.merged_into_id:
                rerouted.append((route_model, ticket.merged_into_id.id, *rest))
            else:
                rerouted.append(route)
        return rerouted

    @api.model
    def _feedback_route_by_local_part(self, message, message_dict):
        """The route to our alias named by the local part of a recipient
        Odoo found no alias for. :return: routes, or None when none is ours"""
        recipients = email_split(message_dict.get("recipients") or "")
        alias = self._feedback_aliases_addressed(recipients)[:1]
        if not alias:
            return None
        address = next(
            (address for address in recipients
             if address.lower().partition("@")[0] == alias.alias_name),
            alias.alias_name,
        )
        _feedback_review(message, self.env._(
            "sent to %(address)s, an address without alias (the alias domain is not set, "
            "or is another one); delivered to the alias %(alias)s",
            address=address, alias=alias.display_name,
        ))
        return self._feedback_alias_route(message, message_dict, alias)

    @api.model
    def _feedback_route_unmatched_bounce(self, message, message_dict):
        """A bounce Odoo matched to nothing (neither the bounced message nor a
        contact) is kept for review when it is ours: addressed to one of our
        aliases, or returning an email sent from one or naming a ticket."""
        if message_dict.get("bounced_message") or message_dict.get("bounced_partner"):
            return []
        alias = self._feedback_aliases_addressed(
            email_split(message_dict.get("recipients") or "")
        )[:1] or self._feedback_alias_of_returned(message)
        if not alias:
            return []
        _feedback_review(message, self.env._(
            "a delivery failure notice (bounce) that matches none of our emails or contacts"
        ))
        return self._feedback_alias_route(message, message_dict, alias) or []

    @api.model
    def _feedback_alias_of_returned(self, message):
        """Our alias that sent the email a bounce returns, if it was ours."""
        returned = next((
            part for part in message.walk()
            if part.get_content_type() in ("message/rfc822", "text/rfc822-headers")
        ), None)
        if returned is None:
            return self.env["mail.alias"]
        if returned.get_content_type() == "message/rfc822" and returned.is_multipart():
            returned = returned.get_payload()[0]
        else:
            returned = email.message_from_string(
                returned.get_payload(decode=True).decode("utf-8", errors="replace"),
                policy=email.policy.compat32,
            )
        senders = email_normalize_all(", ".join(
            str(returned.get(name) or "") for name in ("From", "Reply-To", "Sender")
        ))
        # sudo: only alias definitions are read
        alias = self.env["mail.alias"].sudo().search([
            ("alias_full_name", "in", senders), ("alias_model_id.model", "=", OUR_MODEL),
        ], limit=1)
        if not alias and REFERENCE_PATTERN.search(str(returned.get("Subject") or "")):
            alias = self.env.ref(
                "customer_feedback.mail_alias_feedback_intake", raise_if_not_found=False
            ) or alias
        return alias

    @api.model
    def _feedback_alias_route(self, message, message_dict, alias):
        """The route Odoo builds for an alias (``message_route``, step 2)."""
        alias = alias.with_env(self.env)
        user_id = self._mail_find_user_for_gateway(
            message_dict["email_from"], alias=alias
        ).id or self.env.uid
        route = (
            OUR_MODEL, alias.alias_force_thread_id,
            ast.literal_eval(alias.alias_defaults or "{}"), user_id, alias,
        )
        route = self.env[OUR_MODEL]._routing_check_route(
            message, message_dict, route, raise_exception=True
        )
        return [route] if route else []

    @api.model
    def _feedback_reroute_closed(self, routes):
        """A reply to a ticket closed too long ago starts a new, linked ticket."""
        Ticket = self.env[OUR_MODEL]
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


def _feedback_review(message, reason):
    """Note on the parsed ``message`` why its ticket must be reviewed."""
    reasons = getattr(message, "customer_feedback_review", None)
    if reasons is None:
        reasons = message.customer_feedback_review = []
    reasons.append(reason)


def _is_automatic(message):
    """True for auto-replies, bounces, mailing lists and digests."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return_path = message.get("Return-Path")
    return bool(
        auto_submitted != "no"
        or precedence in AUTOMATIC_PRECEDENCE
        or message.get("X-Autoreply") or message.get("X-Autorespond")
        or message.get("X-Auto-Response-Suppress", "").lower() in ("all", "oof")
        or any(message.get(name) for name in LIST_HEADERS)
        or any(part.get_content_type() == "multipart/digest" for part in message.walk())
        or (return_path is not None and return_path.strip() in ("<>", ""))
    )
