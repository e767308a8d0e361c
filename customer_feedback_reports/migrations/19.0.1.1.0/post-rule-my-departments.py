"""The Feedback User's rule on the statistics reads the user's departments
in one subquery (``in_my_departments``, as the tickets' rule) instead of
joining every row to its department's members. The rule is noupdate data:
its new domain is written here, unless it was changed in the database."""

from odoo import SUPERUSER_ID, api

from odoo.addons.customer_feedback.tools.noupdate_rules import rewrite_rules

RULES = {
    "customer_feedback_reports.rule_feedback_report_user_own_departments": (
        (
            "['|', '|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
            "('department_id.member_ids', 'in', user.id), "
            "('department_id.leader_id', '=', user.id)]"
        ),
        (
            "['|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
            "('in_my_departments', '=', True)]"
        ),
    ),
}


def migrate(cr, version):
    if not version:
        return
    rewrite_rules(api.Environment(cr, SUPERUSER_ID, {}), RULES)
