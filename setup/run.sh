#!/usr/bin/env bash
# The run command: installs what is missing, creates or updates the database
# with both addons and their demo data, and starts Odoo in the foreground.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$SETUP_DIR/install.sh"

mkdir -p "$RUNTIME_DIR/log"
if psql -qtAX -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    step "Database $DB_NAME: updating $ADDONS"
    mode=(-u "$ADDONS")
else
    step "Database $DB_NAME: creating it with $ADDONS and demo data (a few minutes)"
    mode=(-i "$ADDONS" --with-demo)
fi
# The languages offered besides English, their translations loaded or
# updated; English first, for Odoo makes the first the database's default.
LANGUAGES=${LANGUAGES:-vi_VN}
odoo_bin -c "$RUNTIME_DIR/odoo.conf" -d "$DB_NAME" "${mode[@]}" --load-language="en_US,$LANGUAGES" \
    --stop-after-init --no-http --log-level=warn --logfile="$RUNTIME_DIR/log/install.log" \
    || fail "installing $ADDONS into $DB_NAME failed" "read $RUNTIME_DIR/log/install.log"

# Without an alias domain Odoo routes no mail to feedback@… (see setup/alias_domain.py).
step "Database $DB_NAME: alias domain ${ALIAS_DOMAIN:-(kept, or localhost when none)}"
ALIAS_DOMAIN=${ALIAS_DOMAIN:-} odoo_bin shell -c "$RUNTIME_DIR/odoo.conf" -d "$DB_NAME" --no-http \
    --log-level=warn --logfile="$RUNTIME_DIR/log/install.log" < "$SETUP_DIR/alias_domain.py" \
    || fail "setting the alias domain of $DB_NAME failed" "read $RUNTIME_DIR/log/install.log"

# WORKERS=auto (or a number) runs prefork worker processes sized for this
# machine, see setup/server_options.sh and "Deploying for many users" in
# README.md; without it, one process with threads, for development.
options_text=$("$SETUP_DIR/server_options.sh") \
    || fail "invalid server sizing" "see the variables in setup/server_options.sh"
server_options=()
if [ -n "$options_text" ]; then
    mapfile -t server_options <<< "$options_text"
    step "Server options: ${server_options[*]}"
fi

cat <<MSG

  Odoo is starting on http://localhost:$HTTP_PORT
  Log in as admin / admin (demo data). Feedback is in the CRM app.
  Feedback by email: see "Receiving feedback by email" in README.md.
  Stop with Ctrl+C. Log: $RUNTIME_DIR/log/odoo.log

MSG
exec "$VENV_LINK/bin/python" "$(odoo_dir)/usr/bin/odoo" -c "$RUNTIME_DIR/odoo.conf" -d "$DB_NAME" \
    --logfile="$RUNTIME_DIR/log/odoo.log" "${server_options[@]}"
