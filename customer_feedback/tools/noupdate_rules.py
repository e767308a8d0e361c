"""Rewriting record rules shipped as noupdate data, in migrations.

Odoo never updates noupdate records: a rule whose shipped domain changes
must be rewritten by a migration. A rule an administrator changed in the
database is theirs and is left as it is.
"""


def _normalized(domain):
    return "".join((domain or "").split())


def rewrite_rules(env, rules):
    """Give each rule still as shipped its new domain.

    :param rules: {xmlid: (domain as shipped before, domain now)}
    """
    for xmlid, (old_domain, new_domain) in rules.items():
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule and _normalized(rule.domain_force) == _normalized(old_domain):
            rule.domain_force = new_domain
