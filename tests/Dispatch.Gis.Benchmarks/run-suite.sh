#!/usr/bin/env bash
# The issue-14 benchmark suite, one command (never in CI; it takes the machine for 10–20 minutes):
#
#   tests/Dispatch.Gis.Benchmarks/run-suite.sh            # 100,000 units, 10,000 zones: every scenario, side by side
#   tests/Dispatch.Gis.Benchmarks/run-suite.sh growth     # 10k / 100k / 1M units (1k / 10k / 100k zones), the service alone
#   tests/Dispatch.Gis.Benchmarks/run-suite.sh scaleout   # two instances behind nginx, reads on a streaming replica of the
#                                                         # local cluster (pg_basebackup), events across instances, replica lag
#
# It seeds a benchmark database of its own on the local PostGIS (dispatch_bench_suite_<units>; never the service's
# `dispatch`), starts the service in Release on it, applies the two SQL functions PostGraphile serves, installs
# PostGraphile 4 + @graphile/postgis from peers/postgraphile/package-lock.json (npm ci) and starts it on the same
# database, then runs the benchmark program's suite: within, nearest, bbox, zone membership (raw SQL via pgbench
# -M prepared, PostGraphile for the first two, the service), tiles (the service vs its own statement), then ingest
# and fan-out. Results (table, chart, log) go to tests/Dispatch.Gis.Benchmarks/results/.
#
# Environment: SUITE_SECONDS (per measured run, default 8), SUITE_CLIENTS (default 1,8,32), SUITE_WARMUP (seconds of load
# on every contender and scenario before measuring, default 20: the JIT's settling is not measured), SUITE_FRESH=1 (drop and
# reseed the database), GROWTH_SIZES (default "10000:1000 100000:10000 1000000:100000").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=${1:-suite}
seconds=${SUITE_SECONDS:-8}
clients=${SUITE_CLIENTS:-1,8,32}
service_port=${SUITE_SERVICE_PORT:-5680}
peer_port=${SUITE_PEER_PORT:-5690}
results="$here/results"
mkdir -p "$results"

say() { echo "run-suite: $*" >&2; }

owner_base=$("$repo/postgis.sh" url owner)
pg_host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$owner_base")
pg_port=$(sed -E 's/.*Port=([^;]+).*/\1/' <<<"$owner_base")
# The local server may belong to another checkout's postgis.sh; only start one when nothing answers.
if ! pg_isready -q -h "$pg_host" -p "$pg_port"; then
  "$repo/postgis.sh" up
fi
export PGHOST=$pg_host PGPORT=$pg_port PGUSER=dispatch_owner PGPASSWORD=dispatch_owner

say "building the service and the benchmark program (Release)"
dotnet build "$repo/src/Dispatch.Gis.Api" -c Release -nologo -v quiet >/dev/null
dotnet build "$here" -c Release -nologo -v quiet >/dev/null
api_dll="$repo/src/Dispatch.Gis.Api/bin/Release/net10.0/Dispatch.Gis.Api.dll"
bench_dll="$here/bin/Release/net10.0/Dispatch.Gis.Benchmarks.dll"

signing_key=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() { # port: refuse to measure whatever else may already listen there
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; then say "port $1 is taken; set SUITE_SERVICE_PORT / SUITE_PEER_PORT"; exit 1; fi
}

wait_for() { # url, seconds
  for _ in $(seq 1 "$2"); do curl -fs -o /dev/null "$1" && return 0; sleep 1; done
  return 1
}

# Creates (or reuses) the database for a size and leaves the service running on it: sets db, owner, service_pid.
prepare() { # units zones
  local units=$1 zones=$2
  db="dispatch_bench_suite_${units}"
  owner="${owner_base/Database=dispatch;/Database=$db;}"
  local service_cs="${owner/Username=dispatch_owner;Password=dispatch_owner/Username=dispatch;Password=dispatch}"
  if [ "${SUITE_FRESH:-0}" = 1 ]; then psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; fi
  psql -X -q -d postgres -v ON_ERROR_STOP=1 < "$repo/schema/roles/010_roles.sql" >/dev/null
  if [ -z "$(psql -X -tA -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql -X -q -d postgres -c "CREATE DATABASE $db"
  fi
  psql -X -q -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"

  free_port "$service_port"
  say "starting the service (Release, Production settings) on $db"
  # Without the per-request access log, as PostGraphile runs with --disable-query-log: the suite measures queries, not logging.
  env ConnectionStrings__Dispatch="$service_cs" ConnectionStrings__DispatchOwner="$owner" ASPNETCORE_ENVIRONMENT=Production \
    Dispatch__Auth__SigningKey="$signing_key" Dispatch__Auth__AllowAnonymousRead=true \
    Serilog__MinimumLevel__Override__Serilog.AspNetCore.RequestLoggingMiddleware=Warning \
    dotnet "$api_dll" --urls "http://127.0.0.1:$service_port" >"$results/.service-$units.log" 2>&1 &
  service_pid=$!
  pids+=("$service_pid")
  wait_for "http://127.0.0.1:$service_port/health/ready" 180 || { tail -30 "$results/.service-$units.log" >&2; exit 1; }
  local started=$SECONDS
  DISPATCH_BENCH_DB="$owner" dotnet "$bench_dll" "http://127.0.0.1:$service_port" seed "$units" "$zones" 0.1
  say "seeded or reused $db in $((SECONDS - started)) s"
  psql -X -q -d "$db" -c "VACUUM ANALYZE response_units" -c "VACUUM ANALYZE emergency_zones"
}

stop_service() {
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
}

token() { # role
  Dispatch__Auth__SigningKey="$signing_key" ASPNETCORE_ENVIRONMENT=Production dotnet "$api_dll" token --role "$1" --territories '*' --hours 2 | tail -1
}

run_suite() {
  prepare 100000 10000
  psql -X -q -d "$db" -v ON_ERROR_STOP=1 -f "$here/peers/postgraphile/functions.sql"
  say "installing PostGraphile from its lock file"
  (cd "$here/peers/postgraphile" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  free_port "$peer_port"
  local peer_url="postgres://dispatch_owner:dispatch_owner@$pg_host:$pg_port/$db"
  NODE_ENV=production "$here/peers/postgraphile/node_modules/.bin/postgraphile" -c "$peer_url" --schema bench_peer \
    --append-plugins @graphile/postgis --host 127.0.0.1 --port "$peer_port" --disable-graphiql --disable-query-log \
    --max-pool-size 30 >"$results/.postgraphile.log" 2>&1 &
  local peer_pid=$!
  pids+=("$peer_pid")
  # PostGraphile answers GET /graphql with 405 once it listens.
  for _ in $(seq 1 60); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$peer_port/graphql")" != 000 ] && break; sleep 1; done
  kill -0 "$peer_pid" 2>/dev/null || { cat "$results/.postgraphile.log" >&2; exit 1; }

  local log="$results/suite-100k.log"
  say "running the suite ($seconds s per run, clients $clients); log in $log"
  DISPATCH_BENCH_DB="$owner" DISPATCH_BENCH_SERVER_PID="$service_pid" DISPATCH_BENCH_POSTGRAPHILE="http://127.0.0.1:$peer_port" \
    DISPATCH_BENCH_POSTGRAPHILE_PID="$peer_pid" DISPATCH_BENCH_RESULTS="$results" DISPATCH_BENCH_LABEL=suite-100k \
    dotnet "$bench_dll" "http://127.0.0.1:$service_port" suite "$seconds" "$clients" 2>&1 | tee "$log"
  kill "$peer_pid" 2>/dev/null || true

  # Ingest and fan-out change the data (positions move, regimes flip), so they come last.
  local officer; officer=$(token DUTY_OFFICER_112)
  say "ingest: reportPositions with geofencing"
  DISPATCH_BENCH_DB="$owner" DISPATCH_BENCH_TOKEN="$officer" DISPATCH_BENCH_SERVER_PID="$service_pid" \
    dotnet "$bench_dll" "http://127.0.0.1:$service_port" ingest 12 2 5000 2>&1 | tee -a "$log"
  say "fan-out: 20 changes to 50 WebSocket subscribers (anonymous readers share one identity, whose quota is 50 subscriptions)"
  DISPATCH_BENCH_TOKEN="$officer" dotnet "$bench_dll" "http://127.0.0.1:$service_port" fanout 20 50 2>&1 | tee -a "$log"
  stop_service
}

run_growth() {
  for size in ${GROWTH_SIZES:-10000:1000 100000:10000 1000000:100000}; do
    local units=${size%%:*} zones=${size##*:}
    prepare "$units" "$zones"
    local label="growth-$((units / 1000))k"
    DISPATCH_BENCH_DB="$owner" DISPATCH_BENCH_SERVER_PID="$service_pid" DISPATCH_BENCH_RESULTS="$results" DISPATCH_BENCH_LABEL="$label" \
      dotnet "$bench_dll" "http://127.0.0.1:$service_port" growth "$seconds" "${GROWTH_CLIENTS:-1,8}" 2>&1 | tee "$results/$label.log"
    stop_service
  done
}

# Issue 14, item 7. The replica copies the whole local cluster (its other databases too) into .local/postgis-replica;
# it is stopped and removed at the end. nginx (Debian's package, installed when missing) balances by token, so a
# caller's reads after its own writes meet the instance that remembers them.
run_scaleout() {
  prepare 100000 10000
  stop_service
  local replica_port=${SUITE_REPLICA_PORT:-55433} nginx_port=${SUITE_NGINX_PORT:-5689}
  local pg_bin=/usr/lib/postgresql/15/bin as_pg=()
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
    say "installing nginx"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx >/dev/null
  }
  local data; data=$(psql -X -tA -d postgres -c "SHOW data_directory")
  # A standby refuses to replay with fewer connection slots than its primary has.
  local max_connections; max_connections=$(psql -X -tA -d postgres -c "SHOW max_connections")
  if ! grep -q "^host replication postgres 127.0.0.1/32 trust" "$data/pg_hba.conf"; then
    echo "host replication postgres 127.0.0.1/32 trust" | "${as_pg[@]}" tee -a "$data/pg_hba.conf" >/dev/null
    psql -X -q -d postgres -c "SELECT pg_reload_conf()" >/dev/null
  fi
  local replica_dir="$repo/.local/postgis-replica"
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$replica_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$replica_dir"; mkdir -p "$replica_dir"; [ "$(id -u)" -eq 0 ] && chown postgres: "$replica_dir"
  say "pg_basebackup of the local cluster into $replica_dir"
  local started=$SECONDS
  "${as_pg[@]}" "$pg_bin/pg_basebackup" -h "$pg_host" -p "$pg_port" -U postgres -D "$replica_dir/data" -R -X stream -c fast
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$replica_dir/data" -l "$replica_dir/server.log" -w -t 120 \
    -o "-c port=$replica_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$replica_dir' -c hot_standby=on -c max_connections=$max_connections" \
    start >/dev/null || { tail -5 "$replica_dir/server.log" >&2; exit 1; }
  say "replica up on $replica_port after $((SECONDS - started)) s"
  stop_replica() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$replica_dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$replica_dir"; }

  local service_cs="${owner/Username=dispatch_owner;Password=dispatch_owner/Username=dispatch;Password=dispatch}"
  local read_cs="${service_cs/Port=$pg_port;/Port=$replica_port;}"
  local instance_pids=() port
  for port in 5681 5682; do
    free_port "$port"
    ConnectionStrings__Dispatch="$service_cs" ConnectionStrings__DispatchOwner="$owner" ConnectionStrings__DispatchRead="$read_cs" \
      ASPNETCORE_ENVIRONMENT=Production Dispatch__Auth__SigningKey="$signing_key" Dispatch__Auth__AllowAnonymousRead=true \
      dotnet "$api_dll" --urls "http://127.0.0.1:$port" >"$results/.scaleout-$port.log" 2>&1 &
    instance_pids+=($!); pids+=($!)
  done
  for port in 5681 5682; do wait_for "http://127.0.0.1:$port/health/ready" 180 || { tail -30 "$results/.scaleout-$port.log" >&2; exit 1; }; done

  local nginx_dir; nginx_dir=$(mktemp -d)
  cat >"$nginx_dir/nginx.conf" <<NGINX
worker_processes 1;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  # The service's own bound (Dispatch:GraphQL:MaxRequestBytes, 4 MiB) decides; nginx's 1 MB default would refuse a batch of 5,000 positions.
  client_max_body_size 8m;
  # Bodies stay in memory: nginx's workers cannot write to a temporary folder only its master's user may enter.
  client_body_buffer_size 8m;
  client_body_temp_path $nginx_dir/body;
  proxy_temp_path $nginx_dir/proxy;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  # A token keeps to one instance (its read-your-writes memory is there); sockets and anonymous callers spread by port.
  map \$http_authorization \$balance_key { "" \$remote_addr:\$remote_port; default \$http_authorization; }
  upstream dispatch {
    hash \$balance_key consistent;
    server 127.0.0.1:5681;
    server 127.0.0.1:5682;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://dispatch;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 1h;
    }
  }
}
NGINX
  free_port "$nginx_port"
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$nginx_dir/nginx.conf" -p "$nginx_dir" -g "daemon off;" &
  pids+=($!)
  wait_for "http://127.0.0.1:$nginx_port/health/ready" 30 || { cat "$nginx_dir/error.log" >&2; exit 1; }

  local log="$results/scaleout-100k.log" lag_log="$results/.scaleout-lag.tsv"
  local officer; officer=$(token DUTY_OFFICER_112)
  echo "### scaleout-100k: two instances behind nginx (hash by token), reads on a streaming replica; 2 cores shared by everything" | tee "$log"
  say "reads through nginx: units(within:) and nearestUnits, the service pair vs the same SQL on the primary"
  DISPATCH_BENCH_DB="$owner" dotnet "$bench_dll" "http://127.0.0.1:$nginx_port" spatial "${SCALEOUT_REQUESTS:-2000}" 1,8 2>&1 | tee -a "$log"
  # Replica lag while positions stream in, sampled on the replica every 200 ms: WAL received but not yet replayed.
  (while true; do
     psql -X -tA -h 127.0.0.1 -p "$replica_port" -d "$db" -c "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())" 2>/dev/null
     sleep 0.2
   done) >"$lag_log" &
  local lag_pid=$!; pids+=($lag_pid)
  say "ingest through nginx while the replica follows"
  DISPATCH_BENCH_DB="$owner" DISPATCH_BENCH_TOKEN="$officer" dotnet "$bench_dll" "http://127.0.0.1:$nginx_port" ingest 12 2 5000 2>&1 | tee -a "$log" || true
  kill "$lag_pid" 2>/dev/null || true
  sort -n "$lag_log" | grep -E '^[0-9]+$' | awk '{ b[NR] = $1 } END {
    if (NR == 0) { print "replica lag: no samples"; exit }
    p99 = int(NR * 0.99) + 1; if (p99 > NR) p99 = NR
    printf "replica replay backlog during ingest, %d samples every 200 ms: p50 %d bytes, p99 %d bytes, max %d bytes\n", NR, b[int(NR / 2) + 1], b[p99], b[NR] }' \
    | tee -a "$log"
  say "events across instances: subscribers spread by nginx, changes committed through either"
  DISPATCH_BENCH_TOKEN="$officer" dotnet "$bench_dll" "http://127.0.0.1:$nginx_port" fanout 20 50 2>&1 | tee -a "$log" || true
  echo "instances whose reads went to the replica: $(grep -l "serves reads" "$results"/.scaleout-568[12].log | wc -l) of 2" | tee -a "$log"
  for pid in "${instance_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_replica
  rm -rf "$nginx_dir"
}

case "$mode" in
  suite) run_suite ;;
  growth) run_growth ;;
  scaleout) run_scaleout ;;
  *) echo "usage: $0 [suite|growth|scaleout]" >&2; exit 2 ;;
esac
