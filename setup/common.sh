# Shared paths and helpers for the setup scripts. Sourced, never run.
# shellcheck shell=bash

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SETUP_DIR="$REPO_DIR/setup"
# Downloads, the unpacked Odoo and the virtual environments live outside the
# clone so that a fresh clone on the same machine reuses them.
CACHE_DIR=${CUSTOMER_FEEDBACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/customer-feedback}
# Per-clone state: configuration files, logs, filestore. Ignored by git.
RUNTIME_DIR="$REPO_DIR/.runtime"
VENV_LINK="$REPO_DIR/.venv"
# Debian 12's own Python 3.11 unless PYTHON names another interpreter.
PYTHON_BIN=${PYTHON:-/usr/bin/python3.11}
PG_VERSION=15

DB_NAME=${DB_NAME:-customer_feedback}
TEST_DB_NAME=${TEST_DB_NAME:-customer_feedback_test}
HTTP_PORT=${HTTP_PORT:-8069}
# Odoo copies new databases from this one: it has unaccent (setup/install.sh).
DB_TEMPLATE=customer_feedback_template
# One configuration file per test database, so that several runs can coexist.
TEST_CONFIG="$RUNTIME_DIR/test-$TEST_DB_NAME.conf"
ADDONS="customer_feedback,customer_feedback_reports"

step() { printf '==> %s\n' "$*"; }
fail() {
    # $1: what failed, $2: how to fix it
    printf '\nERROR: %s\n' "$1" >&2
    [ -n "${2:-}" ] && printf 'How to fix: %s\n' "$2" >&2
    exit 1
}

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        fail "this step needs root rights: $*" "run as root or install sudo"
    fi
}

# Run a command as the PostgreSQL superuser (peer authentication).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

odoo_dir() { cat "$CACHE_DIR/odoo/current" 2>/dev/null || true; }

# The Odoo command of the runtime, with the project's configuration.
odoo_bin() {
    "$VENV_LINK/bin/python" "$(odoo_dir)/usr/bin/odoo" "$@"
}
