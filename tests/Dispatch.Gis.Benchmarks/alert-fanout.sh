#!/usr/bin/env bash
# Fan-out at scale (issue 12): 10,000 standing subscriptions and 10,000 WebSockets on one or two service instances
# over one database of its own. Makes the database (dropped and made again each run), starts the instances
# (Release build, Development key, logs at Warning), waits for /health/ready, runs the `alerts-fanout` scenario of the
# benchmark tool against them and stops them.
#
#   tests/Dispatch.Gis.Benchmarks/alert-fanout.sh [instances 1|2] [events 200] [sockets 10000] [ms between events 50]
#
# Environment: DISPATCH_TEST_DB (an owner connection string, else ./postgis.sh's cluster), FANOUT_DB (alerts_fanout_bench), FANOUT_PORT (5190; a second instance takes the next port).
# Build first: dotnet build Dispatch.Gis.sln -c Release
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

instances=${1:-1}
events=${2:-200}
sockets=${3:-10000}
gap=${4:-50}
name=${FANOUT_DB:-alerts_fanout_bench}
port=${FANOUT_PORT:-5190}

# Every socket is a file descriptor in the tool and another in the service.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((sockets + 1000)) ]; then
  echo "alert-fanout.sh: ulimit -n is $(ulimit -n), below the $((sockets + 1000)) the sockets need" >&2
  exit 1
fi

if [ -n "${DISPATCH_TEST_DB:-}" ]; then
  # A cluster already running (as for the tests): its owner; the service logs in as dispatch / dispatch.
  owner=$DISPATCH_TEST_DB
  service=$(sed -e 's/Username=[^;]*/Username=dispatch/; s/Password=[^;]*/Password=dispatch/' <<<"$owner")
else
  ./postgis.sh up
  owner=$(./postgis.sh url owner)
  service=$(./postgis.sh url service)
fi
# Npgsql's Key=Value;… as libpq's key=value ….
libpq() { sed -e 's/Host=/host=/; s/Port=/port=/; s/Database=[^;]*/dbname='"$2"'/; s/Username=/user=/; s/Password=/password=/; s/;/ /g' <<<"$1"; }
psql -X -q -v ON_ERROR_STOP=1 "$(libpq "$owner" postgres)" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\""
psql -X -q -v ON_ERROR_STOP=1 "$(libpq "$owner" "$name")" -c "CREATE EXTENSION IF NOT EXISTS postgis"
owner_db=$(sed -e "s/Database=[^;]*/Database=$name/" <<<"$owner")
service_db=$(sed -e "s/Database=[^;]*/Database=$name/" <<<"$service")

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT

urls=()
for i in $(seq 0 $((instances - 1))); do
  url="http://127.0.0.1:$((port + i))"
  ASPNETCORE_ENVIRONMENT=Development Dispatch__LoadDemoData=false Serilog__MinimumLevel__Default=Warning \
    ConnectionStrings__Dispatch="$service_db" ConnectionStrings__DispatchOwner="$owner_db" \
    dotnet src/Dispatch.Gis.Api/bin/Release/net10.0/Dispatch.Gis.Api.dll --urls "$url" >"${TMPDIR:-/tmp}/alert-fanout-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/health/ready" >/dev/null || { echo "alert-fanout.sh: instance $i not ready; see ${TMPDIR:-/tmp}/alert-fanout-$i.log" >&2; exit 1; }
  urls+=("$url")
done

DISPATCH_BENCH_DB="$owner_db" dotnet tests/Dispatch.Gis.Benchmarks/bin/Release/net10.0/Dispatch.Gis.Benchmarks.dll \
  "$(IFS=,; echo "${urls[*]}")" alerts-fanout "$events" "$sockets" "$gap"
