#!/usr/bin/env bash
# Local PostgreSQL 15 + PostGIS 3 for development and tests, without Docker.
#
#   ./postgis.sh up       install PostGIS if missing, create the cluster once, start it, create the database
#   ./postgis.sh down     stop the cluster (data stays)
#   ./postgis.sh status   say whether it runs
#   ./postgis.sh url [service|owner]
#                         print a connection string: the service's login (dispatch, in dispatch_app) or the
#                         database owner (dispatch_owner), which runs migrations and creates test databases
#
# Idempotent: `up` on a running cluster only checks it. Settings (environment):
#   DISPATCH_PG_PORT  (55432)      DISPATCH_PG_DIR (.local/postgis under the repo, or a temp folder
#   DISPATCH_PG_DB    (dispatch)   when the postgres user cannot reach the repo)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${DISPATCH_PG_PORT:-55432}
db=${DISPATCH_PG_DB:-dispatch}
owner=dispatch_owner
pg_bin=/usr/lib/postgresql/15/bin

say() { printf 'postgis.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# initdb refuses to run as root, so root runs the server as the system's postgres user.
# From /, and with files passed on stdin: a clone under /root is not readable by the postgres user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

cluster_dir() {
  if [ -n "${DISPATCH_PG_DIR:-}" ]; then echo "$DISPATCH_PG_DIR"; return; fi
  local inside="$repo/.local/postgis"
  if [ "$(id -u)" -ne 0 ]; then echo "$inside"; return; fi
  mkdir -p "$repo/.local"
  # The postgres user must be able to walk into the repo; a clone under /root usually is not.
  if runuser -u postgres -- test -x "$repo/.local" 2>/dev/null; then
    echo "$inside"
  else
    echo "${TMPDIR:-/tmp}/dispatch-gis-postgis-$(printf '%s' "$repo" | md5sum | cut -c1-8)"
  fi
}

install_packages() {
  [ -x "$pg_bin/initdb" ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] && return 0
  say "PostgreSQL 15 server or PostGIS 3 is missing; installing Debian's postgresql-15 and postgresql-15-postgis-3"
  local apt=(apt-get)
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "run as root or install sudo: apt-get install postgresql-15 postgresql-15-postgis-3"
    apt=(sudo apt-get)
  fi
  command -v apt-get >/dev/null || die "no apt-get here: install PostgreSQL 15 with PostGIS 3 yourself and set ConnectionStrings__Dispatch"
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" update -q >/dev/null || die "apt-get update failed; check the network or the package sources"
  "${apt[@]}" install -y -q --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null \
    || die "could not install postgresql-15-postgis-3 (Debian bookworm package); install it by hand"
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || die "postgis.control not found after install"
}

is_running() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

psql_admin() {
  as_owner "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"
}

up() {
  install_packages
  local dir; dir=$(cluster_dir)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "creating cluster in $dir/data"
    as_owner "$pg_bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Loopback only; the admin user trusts loopback so this script needs no password file.
    {
      echo "host all postgres 127.0.0.1/32 trust"
      echo "host all all 127.0.0.1/32 scram-sha-256"
      echo "host all all ::1/128 scram-sha-256"
    } | as_owner tee "$dir/data/pg_hba.conf" >/dev/null
  fi
  if ! is_running "$dir"; then
    say "starting PostgreSQL on 127.0.0.1:$port"
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 -c shared_buffers=256MB -c fsync=${DISPATCH_PG_FSYNC:-on}" \
      start >/dev/null || { tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  # The owner is a superuser of this throwaway local cluster (tests create databases with it).
  psql_admin -d postgres <<SQL
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner') THEN
    CREATE ROLE $owner LOGIN SUPERUSER PASSWORD '$owner';
  END IF;
END\$\$;
SQL
  psql_admin -d postgres < "$repo/schema/roles/010_roles.sql" >/dev/null
  if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_admin -d postgres -c "CREATE DATABASE $db OWNER $owner" >/dev/null
  fi
  psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  say "ready: $(url service)"
}

down() {
  local dir; dir=$(cluster_dir)
  if is_running "$dir"; then as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi
}

url() {
  case "${1:-service}" in
    service) echo "Host=127.0.0.1;Port=$port;Database=$db;Username=dispatch;Password=dispatch" ;;
    owner) echo "Host=127.0.0.1;Port=$port;Database=$db;Username=$owner;Password=$owner" ;;
    *) die "url takes service or owner" ;;
  esac
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if is_running "$(cluster_dir)"; then echo "running on 127.0.0.1:$port ($(cluster_dir))"; else echo "not running"; exit 3; fi ;;
  url) url "${2:-service}" ;;
  *) die "usage: $0 up|down|status|url" ;;
esac
