"""Every user-facing string is translatable, exported, and translated to Vietnamese."""

import io
from pathlib import Path

import polib

from odoo.tests.common import TransactionCase
from odoo.tools.translate import trans_export

REPO = Path(__file__).resolve().parent.parent
ADDONS = ("customer_feedback", "customer_feedback_reports")


def _msgids(po):
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


class TestTranslations(TransactionCase):
    # Odoo tags test classes of addons only; these live outside any addon.
    test_tags = frozenset({"standard", "post_install"})
    test_module = "tests"

    def test_pot_in_sync_with_odoo_export(self):
        """The committed .pot holds exactly what Odoo exports (run setup/i18n.sh)."""
        for addon in ADDONS:
            with self.subTest(addon=addon):
                buffer = io.BytesIO()
                trans_export(None, [addon], buffer, "po", self.env)
                exported = polib.pofile(buffer.getvalue().decode())
                committed = polib.pofile(str(REPO / addon / "i18n" / f"{addon}.pot"))
                self.assertEqual(_msgids(committed), _msgids(exported))

    def test_vietnamese_translation_complete(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                pot = polib.pofile(str(REPO / addon / "i18n" / f"{addon}.pot"))
                po = polib.pofile(str(REPO / addon / "i18n" / "vi.po"))
                translated = {
                    (e.msgctxt, e.msgid) for e in po
                    if e.msgstr.strip() and not e.obsolete and "fuzzy" not in e.flags
                }
                missing = sorted(msgid for _ctx, msgid in _msgids(pot) - translated)
                self.assertEqual(missing, [], f"untranslated in {addon}/i18n/vi.po")
