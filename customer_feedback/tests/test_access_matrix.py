"""Who may do what: the access matrix of both addons (issue 14).

MATRIX below is the one place where a reviewer reads who may read, write,
create and delete the records of every model of customer_feedback and
customer_feedback_reports, and of the Odoo models they expose (ratings,
survey answers, messages and attachments of tickets). The rules it states are
the README's "Confidentiality" section and the product brief: agents see
their departments' tickets, customers only their own, managers all, nothing
across companies.

The checker tries every entry as the user, through the public API, on a
record of department A / company A (a ticket of the portal owner):

- read: ``search([('id', '=', rec.id)])`` finds it, ``_read_group`` counts
  it and ``read`` returns it; when search does not find it, read_group does
  not count it and ``export_data`` is refused (the employees may export);
- write: ``write`` of a harmless value, in a savepoint rolled back;
- create: ``create`` of a similar record, in a savepoint rolled back;
- unlink: ``unlink``, in a savepoint rolled back.

Wizards (transient records are their creator's) are checked on their access
rights (``has_access``) only. A model of the addons without an entry fails
the test, and so does a ticket field a portal customer can read beyond
``TICKET_CUSTOMER_FIELDS``.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from ..models.customer_feedback_ticket import TICKET_CUSTOMER_FIELDS
from .common import FeedbackCommon

# The profiles, in the order of the columns of MATRIX.
PROFILES = (
    "anonymous",  # the public user (website visitor)
    "portal_owner",  # the portal customer whose ticket it is
    "portal_colleague",  # a portal user of the same customer company (sharing off)
    "colleague_shared",  # the same colleague, the company sharing tickets with colleagues
    "employee",  # an internal user without any feedback group
    "user_dept",  # Feedback User member of the ticket's department (A)
    "user_other_dept",  # Feedback User of another department (B), same company
    "manager",  # Feedback Manager
    "user_other_company",  # Feedback User of company B only
)
OPERATIONS = ("read", "write", "create", "unlink")

# Y: allowed, -: refused. One string per operation, one column per profile:
# anon(ymous), (portal) owner, (portal) colleague, colleague when the company
# shares tickets (shar), employee, dept = user_dept, odep = user_other_dept,
# manager, co_b = user_other_company. Wizards: their access rights only.
# "known:" notes where the code differs from the README's words without a leak.
# fmt: off
MATRIX = {
    #                                    anon ownr coll shar empl dept odep mgr  co_b
    "customer.feedback.ticket": {
        "read":                        "  -    Y    -    Y    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    Y    -    Y    - ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # the statistics view: the tickets' rules, read only
    "customer.feedback.report": {
        "read":                        "  -    -    -    -    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # escalation state: written by the cron, managers read it
    "customer.feedback.escalation": {
        "read":                        "  -    -    -    -    -    -    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.satisfaction": {
        "read":                        "  -    -    -    -    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    "customer.feedback.corrective.action": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    "customer.feedback.survey.campaign": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # configuration: read by the team, kept by managers
    "customer.feedback.department": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # the portal picks a category on its form
    "customer.feedback.category": {
        "read":                        "  -    Y    Y    Y    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    "customer.feedback.priority": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # segments and tags have no company: every feedback user shares them
    "customer.feedback.segment": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    "customer.feedback.tag": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    Y    Y    Y    Y ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    Y ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # a company's own words (shared words, without company, are everyone's)
    "customer.feedback.kind.keyword": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # the learned model: trained by the nightly job only
    "customer.feedback.classifier": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # the public form's rate limit: administrators only (none of the profiles)
    "customer.feedback.submission.log": {
        "read":                        "  -    -    -    -    -    -    -    -    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # concurrency keys (hashed Message-Ids, form addresses): administrators
    # only (none of the profiles); written by the code, as superuser
    "customer.feedback.guard": {
        "read":                        "  -    -    -    -    -    -    -    -    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # the numbers the gap-free ticket sequence gave: administrators only
    # (none of the profiles); written by the code, as superuser
    "customer.feedback.reference": {
        "read":                        "  -    -    -    -    -    -    -    -    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # wizards (ACL)
    "customer.feedback.hotline.wizard": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    Y    Y    Y    Y ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    Y ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.cancel.wizard": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    Y    Y    Y    Y ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    Y ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.refuse.wizard": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    Y    Y    Y    Y ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    Y ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.merge.wizard": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    Y ",
        "write":                       "  -    -    -    -    -    Y    Y    Y    Y ",
        "create":                      "  -    -    -    -    -    Y    Y    Y    Y ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.escalate.wizard": {
        "read":                        "  -    -    -    -    -    -    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    "customer.feedback.analysis.wizard": {
        "read":                        "  -    -    -    -    -    -    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    "customer.feedback.analysis.wizard.kind": {
        "read":                        "  -    -    -    -    -    -    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    Y    - ",
        "create":                      "  -    -    -    -    -    -    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    -    -    Y    - ",
    },
    # Odoo's models, for the records of the ticket
    # the ticket's rating: as confidential as the ticket, written by no user
    "rating.rating": {
        "read":                        "  -    -    -    -    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # the customer's answer to our satisfaction survey
    # known: the feedback groups give no right on Odoo's survey answers (the
    # Survey app's groups do); the team reads them as customer.feedback.satisfaction
    "survey.user_input": {
        "read":                        "  -    -    -    -    -    -    -    -    - ",
        "write":                       "  -    -    -    -    -    -    -    -    - ",
        "create":                      "  -    -    -    -    -    -    -    -    - ",
        "unlink":                      "  -    -    -    -    -    -    -    -    - ",
    },
    # a message to the customer in the ticket's chatter (create: message_post)
    # known: a portal customer posts through the portal page's chatter route
    # (its token), not message_post by RPC (Odoo asks write access on the ticket)
    # known: Odoo lets whoever may write the ticket edit and delete any of its
    # messages, the customer's included (integrity of the register, not a leak)
    "mail.message comment": {
        "read":                        "  -    Y    -    Y    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    Y    -    Y    - ",
        "create":                      "  -    -    -    -    -    Y    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    Y    -    Y    - ",
    },
    # an internal note on the ticket: never the customer's
    # known: edited and deleted by whoever may write the ticket (as above)
    "mail.message note": {
        "read":                        "  -    -    -    -    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    Y    -    Y    - ",
        "create":                      "  -    -    -    -    -    Y    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    Y    -    Y    - ",
    },
    # the satisfaction summary on the customer's contact (a field-level entry:
    # fields groups, read only; the contact itself keeps Odoo's rules): "read"
    # is reading the summary of company A's answers; company B's users read
    # their own company's summary of the shared contact (empty here)
    "res.partner satisfaction": {
        "read":                        "  -    -    -    -    -    Y    Y    Y    - ",
    },
    # a file of the ticket (not of a message)
    # known: portal and public users have no right on ir.attachment in Odoo;
    # the portal page gives the customer the files of their messages by token
    "ir.attachment": {
        "read":                        "  -    -    -    -    -    Y    -    Y    - ",
        "write":                       "  -    -    -    -    -    Y    -    Y    - ",
        "create":                      "  -    -    -    -    -    Y    -    Y    - ",
        "unlink":                      "  -    -    -    -    -    Y    -    Y    - ",
    },
}
# fmt: on

# the models of customer_feedback_reports, absent when it is not installed
REPORTS_MODELS = {
    "customer.feedback.report",
    "customer.feedback.analysis.wizard",
    "customer.feedback.analysis.wizard.kind",
}

ACCESS_LOGGERS = (
    "odoo.addons.base.models.ir_rule",
    "odoo.addons.base.models.ir_model",
    "odoo.orm.models",
    "odoo.models",
    "odoo.sql_db",
)


def expected_rights(entry):
    """{operation: {profile: bool}} of a MATRIX entry."""
    rights = {}
    for operation in filter(entry.__contains__, OPERATIONS):
        marks = entry[operation].split()
        assert len(marks) == len(PROFILES), f"{operation}: one mark per profile"
        rights[operation] = {
            profile: mark == "Y" for profile, mark in zip(PROFILES, marks, strict=True)
        }
    return rights


def profile_users(case):
    """{profile: user} for a test class of FeedbackCommon.

    Makes the portal customer's colleague: the owner and the colleague are
    contacts of one customer company.
    """
    env = case.env
    colleague = new_test_user(
        env, "cf_portal_colleague", groups="base.group_portal",
        name="CF Portal Colleague", email="cf.portal.colleague@example.com",
        company_id=case.company_a.id, company_ids=[Command.set(case.company_a.ids)],
    )
    (case.portal_user + colleague).partner_id.parent_id = case.customer_company
    return {
        "anonymous": env.ref("base.public_user"),
        "portal_owner": case.portal_user,
        "portal_colleague": colleague,
        "colleague_shared": colleague,
        "employee": case.plain_employee,
        "user_dept": case.user_a,
        "user_other_dept": case.user_b,
        "manager": case.manager,
        "user_other_company": case.user_company_b,
    }


def _word(outcome):
    """An outcome of the checker in words (an unexpected error as it is)."""
    if isinstance(outcome, str):
        return outcome
    return "allowed" if outcome else "refused"


class _Rollback(Exception):
    """Undoes a successful attempt (its savepoint is rolled back)."""


class _NotFound(Exception):
    """The user's search does not find the record: they may not read it."""


class TestAccessMatrix(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.users = profile_users(cls)
        # the employees may export (a company that allows it): export must
        # then give nothing that read refuses
        export_group = env.ref("base.group_allow_export")
        for user in (cls.plain_employee, cls.user_a, cls.user_b, cls.manager,
                     cls.user_company_b):
            user.group_ids = [Command.link(export_group.id)]
        cls.ticket = cls._create_ticket(
            title="CF matrix ticket", category_id=cls.cat_a.id,
            partner_id=cls.portal_user.partner_id.id, company_id=cls.company_a.id,
        )
        cls.other_ticket = cls._create_ticket(
            title="CF matrix other ticket", category_id=cls.cat_a.id,
            partner_id=cls.portal_user.partner_id.id,
        )
        cls.probes = cls._make_probes()

    @classmethod
    def _make_probes(cls):
        """{matrix key: (record, write values, create values[, fields read])}.

        Create values may be a function of the user doing the create.

        Records are created as superuser, of department A / company A.
        Wizards have none: only their access rights count.
        """
        env = cls.env
        ticket = cls.ticket
        ticket_ref = {"res_model": ticket._name, "res_id": ticket.id}
        survey = env.ref("customer_feedback.survey_customer_satisfaction")
        UserInput = env["survey.user_input"]
        partner = cls.portal_user.partner_id
        user_input, other_input, answered_input = UserInput.create([
            {"survey_id": survey.id, "partner_id": partner.id, "email": partner.email}
        ] * 3)
        satisfaction, _answered = env["customer.feedback.satisfaction"].create([{
            "partner_id": partner.id, "user_input_id": answer.id,
            "ticket_id": ticket.id, "company_id": cls.company_a.id,
        } for answer in (user_input, answered_input)])
        # the customer answered company A once, with the lowest score
        env["survey.user_input.line"].create({
            "user_input_id": answered_input.id, "answer_type": "scale", "value_scale": 1,
            "question_id": survey.question_ids.filtered(
                lambda q: q.feedback_measure == "overall").id,
        })
        answered_input._mark_done()
        escalation = ticket.escalation_ids or env["customer.feedback.escalation"].create(
            {"ticket_id": ticket.id})
        classifier = env["customer.feedback.classifier"].search(
            [("company_id", "=", cls.company_a.id)], limit=1,
        ) or env["customer.feedback.classifier"].create({"company_id": cls.company_a.id})
        campaign_vals = {
            "name": "CF matrix campaign", "company_id": cls.company_a.id,
            "survey_id": survey.id,
        }
        keyword_vals = {
            "term": "cfmatrixterm", "usage": "kind", "kind": "complaint",
            "company_id": cls.company_a.id,
        }
        comment = ticket.message_post(
            body="CF matrix: your replacement is on its way",
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        note = ticket.message_post(
            body="CF matrix: internal note", message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

        def post(subtype_xmlid):
            """A message posted on the ticket as the user (chatter, portal)."""
            return lambda user: ticket.with_user(user).message_post(
                body="CF matrix post", message_type="comment", subtype_xmlid=subtype_xmlid)

        attachment_vals = {"name": "cf-matrix.txt", "raw": b"CF matrix", **ticket_ref}
        rating = env["rating.rating"].search([
            ("res_model", "=", ticket._name), ("res_id", "=", ticket.id),
        ], limit=1) or env["rating.rating"].create({
            "res_model_id": env["ir.model"]._get_id(ticket._name),
            "res_id": ticket.id, "partner_id": partner.id,
        })
        Model = env.__getitem__
        return {
            "customer.feedback.ticket": (ticket, {"title": "CF matrix ticket"}, {
                "title": "CF matrix create", "kind": "other", "partner_id": partner.id,
                "category_id": cls.cat_a.id, "company_id": cls.company_a.id,
            }),
            "customer.feedback.report": (
                env["customer.feedback.report"].browse(ticket.id) if
                "customer.feedback.report" in env else None, {"title": "x"}, {"title": "x"}),
            "customer.feedback.escalation": (
                escalation, {"response_level": escalation.response_level},
                {"ticket_id": cls.other_ticket.id}),
            "customer.feedback.satisfaction": (
                satisfaction, {"follow_up_done": False}, {
                    "partner_id": partner.id, "user_input_id": other_input.id,
                    "ticket_id": ticket.id, "company_id": cls.company_a.id,
                }),
            "customer.feedback.corrective.action": (
                Model("customer.feedback.corrective.action").create(
                    {"problem": "CF batch of faulty parts", "company_id": cls.company_a.id}),
                {"problem": "CF batch of faulty parts"},
                {"problem": "CF matrix problem", "company_id": cls.company_a.id}),
            "customer.feedback.survey.campaign": (
                Model("customer.feedback.survey.campaign").create(campaign_vals),
                {"cooldown_days": 30}, {**campaign_vals, "name": "CF matrix campaign 2"}),
            "customer.feedback.department": (
                cls.dept_a, {"name": cls.dept_a.name},
                {"name": "CF matrix dept", "company_id": cls.company_a.id}),
            "customer.feedback.category": (
                cls.cat_a, {"name": cls.cat_a.name}, {
                    "name": "CF matrix category", "company_id": cls.company_a.id,
                    "department_id": cls.dept_a.id,
                }),
            "customer.feedback.priority": (
                Model("customer.feedback.priority").create({
                    "name": "CF matrix priority A", "company_id": cls.company_a.id,
                    "sequence": 99, "response_hours": 8, "resolution_hours": 24,
                }), {"sequence": 99},
                {"name": "CF matrix priority", "response_hours": 8, "resolution_hours": 24}),
            "customer.feedback.segment": (
                cls.segment_plain, {"sequence": cls.segment_plain.sequence},
                {"name": "CF matrix segment"}),
            "customer.feedback.tag": (
                Model("customer.feedback.tag").create({"name": "CF matrix tag"}),
                {"color": 3}, {"name": "CF matrix tag 2"}),
            "customer.feedback.kind.keyword": (
                Model("customer.feedback.kind.keyword").create(keyword_vals),
                {"weight": 1.0}, {**keyword_vals, "term": "cfmatrixterm2"}),
            "customer.feedback.classifier": (
                classifier, {"is_used": classifier.is_used},
                {"company_id": cls.company_b.id}),
            "customer.feedback.submission.log": (
                Model("customer.feedback.submission.log").create(
                    {"ip_address": "203.0.113.7", "email": "cf.matrix@example.com"}),
                {"email": "cf.matrix@example.com"}, {"ip_address": "203.0.113.8"}),
            "customer.feedback.guard": (
                Model("customer.feedback.guard").create({"key": "cf-matrix-probe"}),
                {"key": "cf-matrix-probe-2"}, {"key": "cf-matrix-probe-3"}),
            "customer.feedback.reference": (
                Model("customer.feedback.reference").create(
                    {"sequence_id": env.ref("customer_feedback.seq_customer_feedback_ticket").id,
                     "number": 999999}),
                {"number": 999998}, {
                    "sequence_id": env.ref("customer_feedback.seq_customer_feedback_ticket").id,
                    "number": 999997}),
            "rating.rating": (rating, {"feedback": "CF matrix"}, {
                "res_model_id": env["ir.model"]._get_id(ticket._name),
                "res_id": ticket.id, "partner_id": partner.id,
            }),
            "survey.user_input": (
                user_input, {"email": partner.email},
                {"survey_id": survey.id, "partner_id": partner.id}),
            "mail.message comment": (comment, {"body": comment.body}, post("mail.mt_comment")),
            "mail.message note": (note, {"body": note.body}, post("mail.mt_note")),
            "res.partner satisfaction": (
                partner, None, None, ["feedback_survey_count", "feedback_is_dissatisfied"],
                {"feedback_survey_count": 1, "feedback_is_dissatisfied": True}),
            "ir.attachment": (
                Model("ir.attachment").create(attachment_vals), {"description": "CF matrix"},
                {**attachment_vals, "name": "cf-matrix-2.txt"}),
        }

    # ------------------------------------------------------------------
    # The checker
    # ------------------------------------------------------------------

    def _attempt(self, function, share=False):
        """Whether ``function`` passes the access checks (always rolled back).

        ``share``: the ticket's company shares tickets with the customer's
        colleagues (its portal setting) during the attempt.
        """
        try:
            with mute_logger(*ACCESS_LOGGERS), self.env.cr.savepoint():
                if share:
                    self.company_a.feedback_portal_share_commercial = True
                    self.env.flush_all()
                function()
                self.env.flush_all()
                raise _Rollback
        except _Rollback:
            return True
        except (AccessError, _NotFound):
            return False
        except Exception as error:  # noqa: BLE001 - reported as a difference of the matrix
            return f"error {type(error).__name__}: {error}"[:300]
        finally:
            self.env.invalidate_all()

    def _actual(self, key, profile, operation):
        model = key.split()[0]
        user = self.users[profile]
        record, write_vals, create, *read_fields = self.probes.get(key) or (None, {}, {})
        Model = self.env[model].with_user(user)
        if record is None or record._transient:
            return Model.browse().has_access(operation)
        record = record.with_user(user)

        def read():
            # every way of reading gives the same answer: search, read_group
            # (the counts of lists and reports), read and export
            domain = [("id", "=", record.id)]
            fnames, *expected = read_fields or [["display_name"]]
            found = bool(record.search(domain))
            [(counted,)] = Model._read_group(domain, aggregates=["__count"])
            if found != bool(counted):
                raise AssertionError(f"search finds {found}, read_group counts {counted}")
            if not found:
                # export may be refused to those who read (Odoo keeps it to
                # a group, mail.message to administrators), never given to others
                try:
                    record.export_data(fnames)
                except (AccessError, UserError):
                    raise _NotFound from None
                raise AssertionError("exported what search hides")
            values = record.read(fnames)[0]
            if expected and any(values[name] != value for name, value in expected[0].items()):
                raise _NotFound  # read, but not the probe's values

        attempts = {
            "read": read,
            "write": lambda: record.write(write_vals),
            "create": (lambda: create(user)) if callable(create) else (
                lambda: Model.create(create)),
            "unlink": record.unlink,
        }
        return self._attempt(attempts[operation], share=profile == "colleague_shared")

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def _addon_models(self):
        models = self.env["ir.model"].search([("model", "=like", "customer.feedback.%")])
        return {name for name in models.mapped("model") if not self.env[name]._abstract}

    def test_every_model_has_an_entry(self):
        matrix_models = {key.split()[0] for key in MATRIX}
        missing = self._addon_models() - matrix_models
        self.assertFalse(
            missing, f"add it to the matrix (test_access_matrix.MATRIX): {sorted(missing)}"
        )

    def test_matrix(self):
        self.assertEqual(self.ticket.department_id, self.dept_a, "fixture: ticket of dept A")
        installed = {key for key in MATRIX if key.split()[0] in self.env}
        unknown = {key.split()[0] for key in MATRIX} - {key.split()[0] for key in installed}
        self.assertLessEqual(unknown, REPORTS_MODELS, "a model of MATRIX does not exist")
        unprobed = {
            key for key in installed
            if not self.env[key.split()[0]]._transient and key not in self.probes
        }
        self.assertFalse(unprobed, "give these models a record in _make_probes")
        differences = []
        for key in sorted(installed):
            for operation, rights in expected_rights(MATRIX[key]).items():
                for profile, expected in rights.items():
                    actual = self._actual(key, profile, operation)
                    if actual != expected:
                        differences.append(
                            f"{key} {operation} by {profile}: {_word(actual)}, "
                            f"expected {_word(expected)}"
                        )
        self.assertFalse(differences, "access matrix:\n" + "\n".join(differences))

    def test_portal_reads_customer_fields_only(self):
        """A field added to tickets is internal until it is in TICKET_CUSTOMER_FIELDS."""
        ticket = self.ticket.with_user(self.portal_user)
        readable = {
            name for name in ticket._fields
            if self._attempt(lambda name=name: ticket.read([name]))
        }
        self.assertTrue(readable, "fixture: the owner reads their ticket")
        self.assertLessEqual(readable, TICKET_CUSTOMER_FIELDS, "read by the portal customer")
