#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian 12 packages, Odoo 19
# from Debian unstable (downloaded and unpacked, never installed), the Python
# virtual environment, a running PostgreSQL with a role for this user, and
# the Odoo configuration files. Safe to run again: what is there is checked
# and kept, so a second run takes seconds.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SID_DIR="$CACHE_DIR/apt-sid"
SID_APT_OPTS=(
    -o "Dir::Etc::SourceList=$SETUP_DIR/apt/sid.sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$SID_DIR/lists"
    -o "Dir::Cache=$SID_DIR/cache"
    -o "Dir::State::Status=/dev/null"
    -o "APT::Architecture=amd64"
    -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=root"
)

check_platform() {
    [ -r /etc/debian_version ] || fail "this machine is not Debian" \
        "use Debian 12 (bookworm); see README.md"
    command -v apt-get >/dev/null || fail "apt-get not found" "use Debian 12 (bookworm)"
    if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
        step "Some steps need sudo; you may be asked for your password."
    fi
}

install_debian_packages() {
    local missing=() pkg
    while read -r pkg; do
        [ -z "$pkg" ] && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
            || missing+=("$pkg")
    done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$SETUP_DIR/apt/debian12-packages.txt")
    if [ ${#missing[@]} -eq 0 ]; then
        step "Debian packages: all present"
        return
    fi
    step "Debian packages: installing ${missing[*]}"
    mkdir -p "$CACHE_DIR"
    as_root apt-get update -qq --error-on=any || fail "apt-get update failed: no access to Debian's package registry" \
        "check the network and /etc/apt/sources.list, then run again"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >"$CACHE_DIR/apt-install.log" 2>&1 || fail "apt-get install failed for: ${missing[*]}" \
        "read $CACHE_DIR/apt-install.log, fix the cause, then run again"
}

check_python() {
    command -v "$PYTHON_BIN" >/dev/null 2>&1 || fail "$PYTHON_BIN not found" \
        "install Debian 12's python3 (3.11), or set PYTHON to a Python 3.11 interpreter"
    local version
    version=$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$version" = "3.11" ] || fail "unsupported Python $version ($PYTHON_BIN)" \
        "the pinned requirements are Odoo 19's for Python 3.11: set PYTHON to a Python 3.11 interpreter"
}

# Download odoo-19 and fonts-montserrat from Debian unstable through a private
# apt configuration: the machine's own sources, lists and cache are not touched.
download_odoo_debs() {
    mkdir -p "$SID_DIR/lists/partial" "$SID_DIR/cache/archives/partial"
    step "Odoo: reading Debian unstable's package list (private apt configuration)"
    apt-get "${SID_APT_OPTS[@]}" -qq --error-on=any update || fail \
        "cannot read Debian unstable's package list: no access to Debian's package registry" \
        "check the network (deb.debian.org must be reachable), then run again"
    rm -rf "$CACHE_DIR/debs.partial" && mkdir -p "$CACHE_DIR/debs.partial"
    (cd "$CACHE_DIR/debs.partial" && apt-get "${SID_APT_OPTS[@]}" -qq download odoo-19 fonts-montserrat) \
        || fail "apt-get download odoo-19 fonts-montserrat failed" \
        "check the network; Debian unstable must still carry odoo-19"
    rm -rf "$CACHE_DIR/debs" && mv "$CACHE_DIR/debs.partial" "$CACHE_DIR/debs"
}

# Point every symlink that dangles inside the unpacked tree at the same path
# on this machine (where the Debian 12 font and JavaScript packages put it).
resolve_symlinks() {
    local root=$1 link target absolute system_path
    while IFS= read -r link; do
        target=$(readlink "$link")
        absolute=$(realpath -m "$(dirname "$link")/$target")
        system_path=${absolute#"$root"}
        [ -e "$system_path" ] && ln -sfn "$system_path" "$link"
    done < <(find "$root" -xtype l)
    local dangling
    dangling=$(find "$root" -xtype l)
    [ -z "$dangling" ] || fail "symlinks in the Odoo package still dangle:
$dangling" "install the Debian package that owns each target (see setup/apt/debian12-packages.txt)"
}

install_odoo() {
    local current
    current=$(odoo_dir)
    if [ -n "$current" ] && [ -x "$current/usr/bin/odoo" ] && [ -z "${REFRESH_ODOO:-}" ]; then
        step "Odoo: $(basename "$current") (cached; REFRESH_ODOO=1 fetches the newest)"
        return
    fi
    download_odoo_debs
    local deb version target
    deb=$(ls "$CACHE_DIR"/debs/odoo-19_*.deb)
    version=$(dpkg-deb -f "$deb" Version)
    target="$CACHE_DIR/odoo/odoo-19_$version"
    step "Odoo: unpacking odoo-19 $version"
    rm -rf "$target.partial"
    mkdir -p "$target.partial"
    for deb in "$CACHE_DIR"/debs/*.deb; do
        dpkg-deb -x "$deb" "$target.partial" || fail "cannot unpack $deb" "delete $CACHE_DIR/debs and run again"
    done
    resolve_symlinks "$target.partial"
    rm -rf "$target"
    mv "$target.partial" "$target"
    # Recorded: the Debian revision is not pinned, so say which one is used.
    echo "$target" > "$CACHE_DIR/odoo/current"
    ls "$CACHE_DIR"/debs/*.deb | xargs -n1 basename > "$target/DEBIAN-PACKAGES"
    step "Odoo: using $(cat "$target/DEBIAN-PACKAGES" | tr '\n' ' ')"
}

install_venv() {
    local key venv
    key=$( (cat "$SETUP_DIR"/requirements*.txt; "$PYTHON_BIN" -VV) | sha256sum | cut -c1-16)
    venv="$CACHE_DIR/venvs/$key"
    # The stamp is written last: a venv without it is half-built and redone.
    if [ ! -f "$venv/.complete" ]; then
        step "Python: building the virtual environment (a few minutes the first time)"
        rm -rf "$venv"
        mkdir -p "$CACHE_DIR/venvs"
        "$PYTHON_BIN" -m venv "$venv" || fail "cannot create a virtual environment" \
            "install Debian's python3-venv"
        { "$venv/bin/pip" install --upgrade pip wheel \
            && "$venv/bin/pip" install -r "$SETUP_DIR/requirements-dev.txt"; } \
            >"$CACHE_DIR/pip-install.log" 2>&1 \
            || fail "pip install failed: no access to PyPI, or a package did not build" \
                "read $CACHE_DIR/pip-install.log; check the network, then run again"
        touch "$venv/.complete"
    else
        step "Python: virtual environment $key (cached)"
    fi
    ln -sfn "$venv" "$VENV_LINK"
    # Make the unpacked Odoo importable (pytest-odoo imports it).
    local site
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$(odoo_dir)/usr/lib/python3/dist-packages" > "$site/odoo-19-runtime.pth"
    "$VENV_LINK/bin/python" -c 'import odoo.release, psycopg2, lxml, pytest_odoo' \
        || fail "the virtual environment cannot import Odoo" "delete $venv and run again"
}

start_postgresql() {
    command -v pg_lsclusters >/dev/null || fail "PostgreSQL tools missing" "install Debian's postgresql"
    local status
    status=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $4}')
    if [ -z "$status" ]; then
        step "PostgreSQL: creating cluster $PG_VERSION/main"
        as_root pg_createcluster "$PG_VERSION" main >/dev/null
        status=down
    fi
    if [ "$status" != "online" ]; then
        step "PostgreSQL: starting cluster $PG_VERSION/main"
        as_root pg_ctlcluster "$PG_VERSION" main start || fail "PostgreSQL $PG_VERSION/main did not start" \
            "read /var/log/postgresql/postgresql-$PG_VERSION-main.log"
    fi
    local role
    role=$(id -un)
    [ "$role" != postgres ] || fail "Odoo refuses to run as the postgres user" "run as another user"
    if ! as_postgres psql -qtAX -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'" | grep -q 1; then
        step "PostgreSQL: creating role $role"
        as_postgres createuser --createdb "$role"
    fi
    psql -qtAX -d postgres -c 'SELECT 1' >/dev/null 2>&1 || fail \
        "no PostgreSQL reachable as role $role on the local socket" \
        "start PostgreSQL ($PG_VERSION/main) and check pg_hba.conf allows local peer connections"
    install_extensions "$role"
    step "PostgreSQL: $PG_VERSION/main online, role $role, template $DB_TEMPLATE"
}

# Accent-insensitive search ('giao hang' finds 'giao hàng') is Odoo's own:
# with PostgreSQL's unaccent function in the database, every ilike search
# compares unaccent(column) with unaccent(term), and the trigram indexes are
# built on unaccent(column) when the function is immutable. With its option
# unaccent, Odoo creates the extension in each new database and marks it
# immutable, which only the function's owner may do, and our role is no
# superuser (the trusted extension's functions belong to postgres): the
# ALTER fails and takes pg_trgm with it. So new databases are copied from
# $DB_TEMPLATE (db_template in write_config), made once like Odoo makes
# them (from template0, collation C) with both extensions, unaccent(text)
# immutable and owned by our role; the existing run database gets the same.
install_extensions() {
    local role=$1
    local sql="SET client_min_messages TO warning;
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE EXTENSION IF NOT EXISTS unaccent;
        ALTER FUNCTION unaccent(text) IMMUTABLE;
        ALTER FUNCTION unaccent(text) OWNER TO \"$role\";"
    if ! database_exists "$DB_TEMPLATE"; then
        step "PostgreSQL: creating the template database $DB_TEMPLATE (unaccent, pg_trgm)"
        # built under another name and renamed when complete: a template
        # that exists is whole (it is never connected to again, so that
        # copying it is never refused for a session on it)
        local partial="${DB_TEMPLATE}_partial"
        ! database_exists "$partial" || dropdb "$partial"
        createdb --template=template0 --encoding=unicode --lc-collate=C "$partial" \
            && as_postgres psql -qtAX -v ON_ERROR_STOP=1 -d "$partial" -c "$sql" >/dev/null \
            && psql -qtAX -d postgres -c "ALTER DATABASE \"$partial\" RENAME TO \"$DB_TEMPLATE\"" \
            || fail "cannot create the template database $DB_TEMPLATE with the unaccent extension" \
                "install Debian's postgresql-$PG_VERSION (it ships unaccent) and run again"
    fi
    if database_exists "$DB_NAME"; then
        as_postgres psql -qtAX -v ON_ERROR_STOP=1 -d "$DB_NAME" -c "$sql" >/dev/null \
            || fail "cannot create the unaccent extension in database $DB_NAME" \
                "install Debian's postgresql-$PG_VERSION (it ships unaccent) and run again"
    fi
}

database_exists() {
    psql -qtAX -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

write_config() {
    # $1: file, $2: database name
    mkdir -p "$RUNTIME_DIR/data"
    cat > "$1" <<CONF
[options]
addons_path = $(odoo_dir)/usr/lib/python3/dist-packages/odoo/addons,$REPO_DIR
data_dir = $RUNTIME_DIR/data
db_name = $2
dbfilter = ^$2\$
http_port = $HTTP_PORT
list_db = False
db_template = $DB_TEMPLATE
unaccent = True
CONF
}

main() {
    check_platform
    install_debian_packages
    check_python
    install_odoo
    install_venv
    start_postgresql
    write_config "$RUNTIME_DIR/odoo.conf" "$DB_NAME"
    write_config "$TEST_CONFIG" "$TEST_DB_NAME"
    command -v wkhtmltopdf >/dev/null || fail "wkhtmltopdf missing" "install Debian's wkhtmltopdf"
    step "Runtime ready: $(grep odoo-19 "$(odoo_dir)/DEBIAN-PACKAGES"), $("$VENV_LINK/bin/python" -V), config in $RUNTIME_DIR"
}

main "$@"
