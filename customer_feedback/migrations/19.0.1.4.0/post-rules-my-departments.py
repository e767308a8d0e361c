"""The Feedback User's rules on tickets and satisfaction answers read the
user's departments in one subquery (``in_my_departments``,
models/customer_feedback_my_departments_mixin.py) instead of joining every
record to its department's members.

The rules are noupdate data: their new domain is written here, unless a
rule was changed in the database, which is then left as it is.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.customer_feedback.tools.noupdate_rules import rewrite_rules

OLD_DOMAIN = (
    "['|', '|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
    "('department_id.member_ids', 'in', user.id), ('department_id.leader_id', '=', user.id)]"
)
NEW_DOMAIN = (
    "['|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
    "('in_my_departments', '=', True)]"
)
# {rule: (domain as shipped before, domain now)}
RULES = {
    "customer_feedback.rule_ticket_user_own_departments": (OLD_DOMAIN, NEW_DOMAIN),
    "customer_feedback.rule_satisfaction_user_own_departments": (
        (
            "['|', '|', ('ticket_id.user_id', '=', user.id), "
            "('department_id.member_ids', 'in', user.id), "
            "('department_id.leader_id', '=', user.id)]"
        ),
        "['|', ('ticket_id.user_id', '=', user.id), ('in_my_departments', '=', True)]",
    ),
}


def migrate(cr, version):
    if not version:
        return
    rewrite_rules(api.Environment(cr, SUPERUSER_ID, {}), RULES)
