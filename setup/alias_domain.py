"""The alias domain of the run database: setup/run.sh pipes this file into `odoo shell`.

Without an alias domain Odoo routes no mail to ``feedback@…`` (its aliases
have no address), so run.sh gives the database one, through Odoo's own
mechanism: a ``mail.alias.domain`` record, the company's *Alias Domain*
(Settings → General Settings), the domain of every alias created before it.

- ``ALIAS_DOMAIN`` unset: a company without alias domain gets ``localhost``;
  one already set (in Settings or by an earlier run) is left as it is.
- ``ALIAS_DOMAIN=mail.example.com``: the main company's alias domain becomes
  ``mail.example.com`` (renamed, so that its aliases follow; or, if a domain
  of that name exists already, that one).
"""

import os

DEFAULT_ALIAS_DOMAIN = "localhost"


def configure_alias_domain(env, name=None):
    """Set the alias domain as described above; :return: the main company's domain."""
    Domain = env["mail.alias.domain"]
    company = env.ref("base.main_company")
    current = company.alias_domain_id
    if current and (not name or current.name == name):
        return current
    name = name or DEFAULT_ALIAS_DOMAIN
    existing = Domain.search([("name", "=", name)], limit=1)
    if current and not existing:
        current.name = name  # the aliases on it follow (alias_full_name depends on it)
        return current
    domain = existing or Domain.create({"name": name})
    company.alias_domain_id = domain
    # what Odoo does when the first domain is created, for companies and
    # aliases that still have none (e.g. created before it)
    env["res.company"].with_context(active_test=False).search(
        [("alias_domain_id", "=", False)]
    ).alias_domain_id = domain
    env["mail.alias"].search([("alias_domain_id", "=", False)]).alias_domain_id = domain
    return domain


if "env" in globals():  # run by `odoo shell` (run.sh), not imported by a test
    configured = configure_alias_domain(env, os.environ.get("ALIAS_DOMAIN") or None)  # noqa: F821
    env.cr.commit()  # noqa: F821
    alias = env.ref("customer_feedback.mail_alias_feedback_intake", raise_if_not_found=False)  # noqa: F821
    print(f"Alias domain: {configured.name}; feedback address: "
          f"{alias.alias_full_name if alias else '-'}")
