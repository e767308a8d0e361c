"""What a customer reads of their own ticket with their own rights: the
customer-facing fields (one constant, TICKET_CUSTOMER_FIELDS), never the
internal handling, through the ORM and through JSON-RPC (``call_kw``)."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..models.customer_feedback_ticket import TICKET_CUSTOMER_FIELDS
from .common import FeedbackCommon, RequiresHttpServer

TICKET_MODEL = "customer.feedback.ticket"

# Internal handling the issue names: each one refused by name
INTERNAL_SAMPLE = (
    "actions_needed", "user_id", "department_id", "priority_id", "priority_sequence",
    "color", "tag_ids", "date_expected", "date_resolution_deadline",
    "date_response_deadline", "is_overdue", "cancel_reason", "corrective_action_id",
    "escalation_ids", "response_escalation_level", "classification_keywords",
    "auto_category_id", "needs_review", "review_reason", "user_received_id",
    "received_by_email", "received_by_phone", "received_by_function", "lead_id",
    "team_id", "date_assigned", "date_first_response", "access_token", "rating_ids",
    "message_follower_ids", "activity_ids", "satisfaction_ids", "parent_ticket_id",
)

SECRET_ACTIONS = "CF secret: call the supplier about the recall"


@tagged("post_install", "-at_install")
class TestPortalFields(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.Ticket.with_context(feedback_no_acknowledgement=True).create({
            "title": "CF portal fields ticket", "kind": "complaint",
            "category_id": cls.cat_a.id, "partner_id": cls.customer_portal.id,
            "description": "<p>CF the pump leaks</p>",
            "actions_needed": f"<p>{SECRET_ACTIONS}</p>",
            "date_expected": fields.Datetime.now(),
        })
        cls.portal_ticket = cls.ticket.with_user(cls.portal_user)
        cls.PortalTicket = cls.Ticket.with_user(cls.portal_user)

    def _call_kw(self, method, args, kwargs=None):
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": TICKET_MODEL, "method": method, "args": args, "kwargs": kwargs or {},
        })

    # ------------------------------------------------------------------
    # The list is one constant
    # ------------------------------------------------------------------

    def test_customer_fields_one_constant(self):
        """The fields a customer sees are exactly TICKET_CUSTOMER_FIELDS, all
        real fields: a new field is internal unless it is added there."""
        self.assertIsInstance(TICKET_CUSTOMER_FIELDS, frozenset)
        self.assertLessEqual(TICKET_CUSTOMER_FIELDS, set(self.Ticket._fields))
        self.assertEqual(set(self.PortalTicket.fields_get()), set(TICKET_CUSTOMER_FIELDS))
        for fname in INTERNAL_SAMPLE:
            self.assertIn(fname, self.Ticket._fields)
            self.assertNotIn(fname, TICKET_CUSTOMER_FIELDS)

    # ------------------------------------------------------------------
    # ORM, with the customer's rights
    # ------------------------------------------------------------------

    def test_portal_reads_customer_fields(self):
        [values] = self.portal_ticket.read(sorted(TICKET_CUSTOMER_FIELDS))
        self.assertEqual(values["title"], "CF portal fields ticket")
        self.assertEqual(values["name"], self.ticket.name)
        self.assertEqual(values["partner_id"][0], self.customer_portal.id)
        [row] = self.PortalTicket.search_read(
            [("id", "=", self.ticket.id)], ["name", "title", "state", "date_received"]
        )
        self.assertEqual(row["state"], self.ticket.state)

    @mute_logger("odoo.models")
    def test_portal_refused_every_internal_field(self):
        """Every field outside the constant is refused by name, in read,
        search (domain and order) and read_group."""
        internal = set(self.Ticket._fields) - TICKET_CUSTOMER_FIELDS
        self.assertTrue(set(INTERNAL_SAMPLE) <= internal)
        for fname in sorted(internal):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.portal_ticket.read([fname])
        with self.assertRaises(AccessError):
            self.PortalTicket.search([("actions_needed", "ilike", "recall")])
        with self.assertRaises(AccessError):
            self.PortalTicket.search([], order="priority_sequence")
        with self.assertRaises(AccessError):
            self.PortalTicket.read_group([], ["user_id"], ["user_id"])
        with self.assertRaises(AccessError):
            self.portal_ticket.web_read({"actions_needed": {}})
        with self.assertRaises(AccessError):
            self.portal_ticket.actions_needed  # noqa: B018

    def test_portal_read_all_has_no_internal_field(self):
        """Reading "all fields" gives the customer-facing ones only."""
        [values] = self.portal_ticket.read()
        self.assertEqual(set(values), set(TICKET_CUSTOMER_FIELDS))
        self.assertNotIn(SECRET_ACTIONS, str(values))

    def test_employees_keep_internal_fields(self):
        """Agents are not affected: the agent of the department reads the
        internal handling."""
        [values] = self.ticket.with_user(self.manager).read(["actions_needed", "user_id"])
        self.assertIn(SECRET_ACTIONS, values["actions_needed"])

    # ------------------------------------------------------------------
    # JSON-RPC, as the web client would send it
    # ------------------------------------------------------------------

    @mute_logger("odoo.http", "odoo.models")
    def test_json_rpc_refuses_internal_fields(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        ids = [self.ticket.id]
        for method, args, kwargs in (
            ("read", [ids, ["actions_needed"]], {}),
            ("read", [ids, ["name", "user_id"]], {}),
            ("search_read", [[("id", "in", ids)], ["title", "actions_needed"]], {}),
            ("search_read", [[("department_id", "!=", False)], ["title"]], {}),
            ("web_read", [ids], {"specification": {"actions_needed": {}}}),
            ("web_search_read", [], {"domain": [], "specification": {"escalation_ids": {}}}),
        ):
            with self.subTest(method=method, args=args), self.assertRaises(JsonRpcException):
                self._call_kw(method, args, kwargs)

    def test_json_rpc_reads_customer_fields(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        ids = [self.ticket.id]
        [values] = self._call_kw("read", [ids])
        self.assertEqual(set(values), set(TICKET_CUSTOMER_FIELDS))
        self.assertNotIn(SECRET_ACTIONS, str(values))
        [row] = self._call_kw("search_read", [[("id", "in", ids)], []])
        self.assertNotIn("actions_needed", row)
        self.assertEqual(row["title"], "CF portal fields ticket")
        [row] = self._call_kw("web_read", [ids], {"specification": {
            "name": {}, "title": {}, "state": {}, "description": {}, "date_promised": {},
            "resolution": {}, "category_id": {"fields": {"display_name": {}}},
        }})
        self.assertEqual(row["category_id"]["id"], self.cat_a.id)
        fields_desc = self._call_kw("fields_get", [], {"attributes": ["string"]})
        self.assertEqual(set(fields_desc), set(TICKET_CUSTOMER_FIELDS))

    # ------------------------------------------------------------------
    # The portal pages still render (they read as superuser)
    # ------------------------------------------------------------------

    def test_portal_list_shows_promised_date(self):
        """The list reads the promised date derived from internal dates."""
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/feedback")
        self.assertEqual(response.status_code, 200)
        self.assertIn("CF portal fields ticket", response.text)
        self.assertNotIn(SECRET_ACTIONS, response.text)
        response = self.url_open(f"/my/feedback/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_feedback_portal_promise", response.text)
        self.assertNotIn(SECRET_ACTIONS, response.text)
