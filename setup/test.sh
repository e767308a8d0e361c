#!/usr/bin/env bash
# The test command: installs what is missing, builds a fresh test database
# with both addons (and their demo data) installed, then runs pytest with
# pytest-odoo over the addons' tests/ and the root tests/.
# Extra arguments go to pytest, e.g.:  setup/test.sh -k workflow
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$SETUP_DIR/install.sh"

step "Test database: $TEST_DB_NAME (fresh, with $ADDONS and demo data)"
dropdb --if-exists "$TEST_DB_NAME"
rm -rf "$RUNTIME_DIR/data/filestore/$TEST_DB_NAME"
mkdir -p "$RUNTIME_DIR/log"
: > "$RUNTIME_DIR/log/install-$TEST_DB_NAME.log"
odoo_bin -c "$TEST_CONFIG" -d "$TEST_DB_NAME" -i "$ADDONS" --with-demo \
    --stop-after-init --no-http --log-level=warn --logfile="$RUNTIME_DIR/log/install-$TEST_DB_NAME.log" \
    || fail "installing $ADDONS into $TEST_DB_NAME failed" "read $RUNTIME_DIR/log/test-install.log"
if grep -E ' (ERROR|CRITICAL) ' "$RUNTIME_DIR/log/install-$TEST_DB_NAME.log"; then
    fail "installing $ADDONS logged errors" "read $RUNTIME_DIR/log/test-install.log"
fi

step "pytest"
cd "$REPO_DIR"
targets=()
[ $# -eq 0 ] && targets=(customer_feedback/tests customer_feedback_reports/tests tests)
exec "$VENV_LINK/bin/pytest" --odoo-config="$TEST_CONFIG" --odoo-http \
    --odoo-database="$TEST_DB_NAME" "${targets[@]}" "$@"
