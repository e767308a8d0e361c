from odoo import fields, models
from odoo.tools import is_html_empty


class ResCompany(models.Model):
    _inherit = "res.company"

    feedback_confirmation_days = fields.Integer(
        "Confirmation Delay (days)", default=7,
        help="Days a customer has to accept or refuse a resolution before the ticket "
        "closes by itself.",
    )
    feedback_escalation_delay_hours = fields.Float(
        "Escalation to Managers (hours)", default=24.0,
        help="Hours after the department leader was alerted of a missed deadline "
        "before the feedback managers are.",
    )
    feedback_create_contacts = fields.Boolean(
        "Create Contacts from Emails", default=True,
        help="An email from an unknown address creates a contact; otherwise the "
        "ticket keeps the sender's name and address only.",
    )
    feedback_reopen_days = fields.Integer(
        "Reopen on Reply (days)", default=30,
        help="A customer's reply to a ticket closed less than this many days ago "
        "reopens it; a later reply starts a new ticket linked to the old one.",
    )
    feedback_low_score_action = fields.Selection(
        [("activity", "An activity for the department leader"),
         ("ticket", "A new complaint ticket")],
        "Low Score Follow-up", default="activity", required=True,
        help="What a dissatisfied answer to a satisfaction questionnaire starts.",
    )
    feedback_send_acknowledgement = fields.Boolean(
        "Acknowledge New Feedback", default=True,
        help="Email the customer the reference and the deadline of each new ticket.",
    )
    feedback_portal_share_commercial = fields.Boolean(
        "Colleagues See Each Other's Feedback",
        help="On the customer portal, the contacts of a customer company see all the "
        "feedback of that company, not only their own.",
    )
    feedback_at_risk_percent = fields.Float(
        "At Risk Below (% of Allowed Time Left)", default=25.0,
        help="An open ticket is at risk when less than this share of the time its "
        "priority level allows for the response (or the resolution) is left.",
    )
    feedback_policy = fields.Html(
        "Complaint Policy", translate=True, sanitize_attributes=True,
        help="How the company handles feedback and complaints, published at "
        "/feedback/policy and linked from the feedback form, the portal and the "
        "acknowledgement. Empty: the standard policy shipped with the module, in the "
        "visitor's language.",
    )

    def _feedback_policy_html(self):
        """The published policy in the environment's language: the company's
        own text, else the standard one (translated with the module's terms)."""
        self.ensure_one()
        if not is_html_empty(self.feedback_policy):
            return self.feedback_policy
        return self._feedback_policy_default()

    def _feedback_policy_default(self):
        """The standard policy, in the environment's language."""
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            "customer_feedback.feedback_policy_default", {"company": self}
        )

    def _feedback_policy_load_default(self):
        """Write the standard policy, in English and as translated in each
        active language, for the company to adapt it rather than start from
        nothing.

        The field is translated term by term (Odoo's ``html_translate``, as
        for every sanitised translated HTML): the English text is the
        source, each language's render gives the translation of its terms.
        """
        self.ensure_one()
        field = self._fields["feedback_policy"]
        english = self.with_context(lang="en_US")
        english.feedback_policy = english._feedback_policy_default()
        source_terms = field.get_trans_terms(english.feedback_policy)
        translations = {}
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            rendered = field.convert_to_cache(
                self.with_context(lang=lang)._feedback_policy_default(), self
            )
            terms = field.get_trans_terms(rendered)
            if len(terms) == len(source_terms):  # the same text, translated
                translations[lang] = dict(zip(source_terms, terms, strict=True))
        if translations:
            self._update_field_translations("feedback_policy", translations)
