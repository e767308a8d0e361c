#!/usr/bin/env bash
# Refresh each addon's .pot with Odoo's own export, then merge the new terms
# into its vi.po (untranslated ones come out empty, for a translator).
# Uses the test database; build it first with setup/test.sh.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v msgmerge >/dev/null || fail "msgmerge not found" "apt-get install gettext"
for addon in customer_feedback customer_feedback_reports; do
    step "i18n: exporting $addon.pot"
    odoo_bin i18n export -c "$TEST_CONFIG" -d "$TEST_DB_NAME" "$addon" \
        || fail "the export of $addon failed" "build the test database with setup/test.sh"
    po="$REPO_DIR/$addon/i18n/vi.po"
    pot="$REPO_DIR/$addon/i18n/$addon.pot"
    if [ -f "$po" ]; then
        msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" "$pot"
        msgattrib --no-obsolete --output-file="$po" "$po"
    else
        msginit --no-translator --locale=vi_VN --input="$pot" --output-file="$po"
    fi
done
