#!/usr/bin/env bash
# Soak (issue 15), on demand, never in CI: one service on a database of its own, mixed load on loopback (AVL batches
# and queries every second, readings pushed to a feed every second, the demo feeds polled from the feed simulator,
# SOAK_SUBSCRIBERS WebSocket subscribers on every event, a runForecast every minute that replaces the last one, so
# one forecast at a time follows the readings), and every SOAK_INTERVAL seconds one line of RSS, the managed heap
# after the last garbage collection (the runtime's own metric, scraped from the metrics port: RSS follows what the
# GC keeps reserved, the heap what is still referenced), with dotnet-gcdump on PATH also the live heap after a full
# collection (a gcdump's total: gen1 can hold tens of MiB of garbage between its rare collections), open handles, server
# connections, query latency (p50/p95 of 20 calls), events appended in the interval (the load: it must not grow),
# events the subscribers received and forecasts computed. Flat after warm-up is the pass mark.
#   tests/faults/soak.sh [minutes]        (default 30; SOAK_INTERVAL=60; SOAK_SUBSCRIBERS=5; Release build of the
#   service and the feed simulator first, and `npm ci` in tests/conformance for the subscribers' graphql-ws client;
#   SOAK_BIN=<dir> runs the service and simulator from copies of their build output, so a rebuild meanwhile cannot
#   touch the running soak: <dir>/api and <dir>/simulator)
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-30}
interval=${SOAK_INTERVAL:-60}
subscribers=${SOAK_SUBSCRIBERS:-5}
[[ -d tests/conformance/node_modules/graphql-ws ]] || { echo "npm ci in tests/conformance first (the subscribers' client)" >&2; exit 1; }
if [[ -n ${SOAK_BIN:-} ]]; then
  dll=$SOAK_BIN/api/Dispatch.Gis.Api.dll simulator=$SOAK_BIN/simulator/Dispatch.Gis.FeedSimulator.dll
else
  dll=src/Dispatch.Gis.Api/bin/Release/net10.0/Dispatch.Gis.Api.dll simulator=src/Dispatch.Gis.FeedSimulator/bin/Release/net10.0/Dispatch.Gis.FeedSimulator.dll
fi
[[ -f $dll && -f $simulator ]] || { echo "build first: dotnet build Dispatch.Gis.sln -c Release" >&2; exit 1; }
owner=$(./postgis.sh url owner)
kv() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$owner"; }
db="dispatch_soak_$(date +%s)"
export PGHOST=$(kv Host) PGPORT=$(kv Port) PGUSER=$(kv Username) PGPASSWORD=$(kv Password) PGDATABASE=$(kv Database)
psql -qX -v ON_ERROR_STOP=1 -f schema/roles/010_roles.sql >/dev/null 2>&1 || true
psql -qX -c "CREATE DATABASE $db" && psql -qX -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
simulator_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
# The demo's monitoring feeds poll the simulator (a 30-minute scenario loop), so ingestion runs through the soak too.
dotnet "$simulator" --urls "http://127.0.0.1:$simulator_port" >"$work/simulator.log" 2>&1 &
simulator_pid=$!
ConnectionStrings__Dispatch="Host=$PGHOST;Port=$PGPORT;Database=$db;Username=dispatch;Password=dispatch" \
ConnectionStrings__DispatchOwner="Host=$PGHOST;Port=$PGPORT;Database=$db;Username=$PGUSER;Password=$PGPASSWORD" \
Dispatch__LoadDemoData=true Dispatch__Telemetry__MetricsUrl="http://127.0.0.1:$metrics_port" Dispatch__Monitoring__SimulatorUrl="http://127.0.0.1:$simulator_port" Serilog__MinimumLevel__Default=Warning \
  dotnet "$dll" --urls "$base" --environment Development >"$work/service.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" "$simulator_pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true
            psql -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 120); do curl -fs "$base/health/ready" >/dev/null && break; sleep 1; done
token=$(dotnet "$dll" token --environment Development --role DUTY_OFFICER_112 --territories '*' --name soak --hours 12 2>/dev/null | tail -1)
admin=$(dotnet "$dll" token --environment Development --role ADMIN --territories '*' --name soak-admin --hours 12 2>/dev/null | tail -1)
gql() { curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$1" "$base/graphql"; }
units=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"query":"{ units(first: 50) { nodes { id } } }"}' "$base/graphql" | python3 -c 'import json,sys; print(" ".join(n["id"] for n in json.load(sys.stdin)["data"]["units"]["nodes"]))')
[[ -n $units ]] || { echo "no demo units: $(tail -5 "$work/service.log")" >&2; exit 1; }
post() { curl -s -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$1" "$base/graphql"; }
post '{"query":"mutation ($i: StationInput!) { upsertStation(input: $i) { id } }","variables":{"i":{"code":"SOAK-ST","name":"soak","operator":"soak","kind":"METEO_STATION","location":{"type":"Point","coordinates":[76.95,43.24]},"parameters":["WIND_SPEED"]}}}' "$admin" >/dev/null
post '{"query":"mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }","variables":{"i":{"code":"SOAK-FEED","name":"soak","format":"PUSH","silenceSeconds":86400}}}' "$admin" >/dev/null
node tests/conformance/soak-subscribers.mjs "$base/graphql" "$token" "$subscribers" "$work/received" 2>"$work/subscribers.log" &
echo "soak: $minutes min on $base (pid $pid), database $db, $(wc -w <<<"$units") units, a line every ${interval}s"

# Load: an AVL batch of every unit and a reading each second, queries in between, a forecast each minute that replaces
# the previous one (cancelled, its zones closed), until the soak ends. Forecasts recompute on every new reading, so
# letting them pile up would make the load grow by the minute and hide whether memory does.
(
  n=0
  forecast=""
  while true; do
    n=$((n + 1)); at=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    fixes=$(for u in $units; do printf '{"unit":"%s","point":{"type":"Point","coordinates":[76.9%02d,43.2%02d]},"at":"%s"},' "$u" $((n % 97)) $((RANDOM % 97)) "$at"; done)
    gql "{\"query\":\"mutation (\$p: [PositionInput!]!) { reportPositions(positions: \$p) { stored } }\",\"variables\":{\"p\":[${fixes%,}]}}" >/dev/null
    gql '{"query":"{ units(first: 100) { totalCount nodes { id callSign status } } territories(level: REGION) { totalCount } }"}' >/dev/null
    gql "{\"query\":\"mutation (\$o: [ObservationInput!]!) { reportObservations(feed: \\\"SOAK-FEED\\\", observations: \$o) { stored } }\",\"variables\":{\"o\":[{\"station\":\"SOAK-ST\",\"parameter\":\"WIND_SPEED\",\"observedAt\":\"$at\",\"value\":$((n % 9 + 1)),\"unit\":\"m/s\"}]}}" >/dev/null
    if (( n % 60 == 1 )); then
      if [[ -n $forecast ]]; then
        post "{\"query\":\"mutation { cancelForecast(forecast: \\\"$forecast\\\") { state } }\"}" "$token" >/dev/null
      fi
      forecast=$(post "{\"query\":\"mutation (\$i: RunForecastInput!) { runForecast(input: \$i) { id } }\",\"variables\":{\"i\":{\"location\":{\"type\":\"Point\",\"coordinates\":[76.9$((n % 89 + 10)),43.25]},\"substance\":\"chlorine\",\"releasedMassKilograms\":$((1000 + n))}}}" "$token" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["runForecast"]["id"])' || true)
    fi
    sleep 1
  done
) &

printf '%-8s %10s %9s %9s %8s %12s %10s %10s %16s %16s %8s %14s\n' minute rss_mib heap_mib live_mib handles connections p50_ms p95_ms events_appended events_received polled forecasts_s/c/all
end=$(( $(date +%s) + minutes * 60 ))
minute=0
appended_before=$(psql -qXAt -d "$db" -c "SELECT coalesce(max(id), 0) FROM events")
while (( $(date +%s) < end )); do
  sleep "$interval"; minute=$((minute + interval / 60))
  rss=$(( $(ps -o rss= -p "$pid") / 1024 ))
  heap=$(curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s += $NF} END {printf "%.0f", s / 1048576}')
  live=-
  if command -v dotnet-gcdump >/dev/null; then
    dotnet-gcdump collect -p "$pid" -o "$work/heap.gcdump" >/dev/null 2>&1 \
      && live=$(dotnet-gcdump report "$work/heap.gcdump" 2>/dev/null | awk '/GC Heap bytes/ {gsub(",", "", $1); printf "%.1f", $1 / 1048576; exit}')
    rm -f "$work/heap.gcdump"
  fi
  handles=$(ls /proc/$pid/fd | wc -l)
  conns=$(psql -qXAt -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db'")
  lat=$(for _ in $(seq 20); do gql '{"query":"{ territory(kato: \"750000000\") { nameEn } }"}'; done | sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f %.1f", a[int(NR*0.5)], a[int(NR*0.95)]}')
  received=$(cut -d' ' -f1 "$work/received" 2>/dev/null || echo 0)
  appended_now=$(psql -qXAt -d "$db" -c "SELECT coalesce(max(id), 0) FROM events")
  appended=$((appended_now - appended_before)); appended_before=$appended_now
  forecasts=$(psql -qXAt -d "$db" -c "SELECT count(*) FILTER (WHERE state = 'SUCCEEDED') || '/' || count(*) FILTER (WHERE state = 'CANCELLED') || '/' || count(*) FROM forecasts")
  # Readings stored in the interval from feeds other than the pushed one: the simulator's polled feeds at work.
  polled=$(psql -qXAt -d "$db" -c "SELECT count(*) FROM observations o JOIN feeds f ON f.id = o.feed_id WHERE f.code <> 'SOAK-FEED' AND o.received_at > now() - make_interval(secs => $interval)")
  printf '%-8s %10s %9s %9s %8s %12s %10s %10s %16s %16s %8s %14s\n' "$minute" "$rss" "$heap" "$live" "$handles" "$conns" $lat "$appended" "$received" "$polled" "$forecasts"
done
