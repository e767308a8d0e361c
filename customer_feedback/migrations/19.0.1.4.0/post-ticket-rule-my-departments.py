"""The Feedback User's ticket rule reads the user's departments in one
subquery (``in_my_departments``, models/customer_feedback_ticket_my_departments.py)
instead of joining every ticket to its department's members.

The rule is noupdate data: its new domain is written here, unless the
rule was changed in the database, which is then left as it is.
"""

from odoo import SUPERUSER_ID, api

OLD_DOMAIN = (
    "['|', '|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
    "('department_id.member_ids', 'in', user.id), ('department_id.leader_id', '=', user.id)]"
)
NEW_DOMAIN = (
    "['|', '|', ('user_id', '=', user.id), ('user_received_id', '=', user.id), "
    "('in_my_departments', '=', True)]"
)


def _normalized(domain):
    return "".join((domain or "").split())


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("customer_feedback.rule_ticket_user_own_departments", raise_if_not_found=False)
    if rule and _normalized(rule.domain_force) == _normalized(OLD_DOMAIN):
        rule.domain_force = NEW_DOMAIN
