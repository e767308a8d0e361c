"""Which language the addons write in for someone who did not choose one.

- A new contact (mail gateway, public form): the language of the channel
  (the page's language, else the language the message is written in),
  else the company's (``_feedback_new_contact_lang``).
- Text written by a cron or the gateway for someone (an activity, a
  message): the recipient's language (``_feedback_recipient_lang``), so
  never the language of the user the job runs as.

Only active languages are ever chosen: Odoo refuses to translate into, or
to set on a contact, a language that is not installed.
"""

from odoo import api, models

from ..tools.language import text_language


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _feedback_company_lang(self, company):
        """The language of ``company``: its partner's (the company's address
        card, which its documents use), else English, else the first
        installed language."""
        return (
            self._get_code(company.partner_id.lang or "")
            or self._get_code("en_US")
            or next(code for code, _name in self.get_installed())
        )

    @api.model
    def _feedback_new_contact_lang(self, company, lang=None, text=None):
        """The language of a contact created from a channel: ``lang`` (the
        page's), else the language ``text`` is written in, else the
        company's. Only installed languages: Vietnamese text when Vietnamese
        is not installed gives the company's language."""
        return (
            self._get_code(lang or "")
            or self._get_code(text_language(text) or "")
            or self._feedback_company_lang(company)
        )

    @api.model
    def _feedback_recipient_lang(self, partner, company=None):
        """The language to write to ``partner`` in: theirs when installed,
        else ``company``'s (a language since uninstalled)."""
        return self._get_code(partner.lang or "") or self._feedback_company_lang(
            company or partner.company_id or self.env.company
        )
