#!/usr/bin/env bash
# Runs Dispatch.Gis on http://localhost:5080 (GraphiQL at /graphiql, the operator map at /map) over the local PostGIS cluster, with the demo
# data and the feed simulator (http://127.0.0.1:5081) its monitoring feeds poll, installing and starting what it needs
# first. Extra arguments go to the service, e.g. ./run.sh --urls http://0.0.0.0:5080
# RUN_FEED_SIMULATOR=0 leaves the simulator out (the demo feeds then show FAILING health).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./postgis.sh up
for package in src/Dispatch.Gis.Api/GraphiQL src/Dispatch.Gis.Api/Map/web; do
  if [ -f "$package/package-lock.json" ]; then
    npm ci --prefix "$package" --no-audit --no-fund --loglevel=error
  fi
done
dotnet build src/Dispatch.Gis.Api -c Release -v quiet -nologo
dotnet build src/Dispatch.Gis.FeedSimulator -c Release -v quiet -nologo

export ConnectionStrings__Dispatch="${ConnectionStrings__Dispatch:-$(./postgis.sh url service)}"
export ConnectionStrings__DispatchOwner="${ConnectionStrings__DispatchOwner:-$(./postgis.sh url owner)}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Dispatch__LoadDemoData="${Dispatch__LoadDemoData:-true}"
export Dispatch__Monitoring__SimulatorUrl="${Dispatch__Monitoring__SimulatorUrl:-http://127.0.0.1:5081}"

if [ "${RUN_FEED_SIMULATOR:-1}" != "0" ]; then
  # The simulator serves data/monitoring/scenarios/almaty-demo.json (a 30-minute loop) on loopback; it stops with the service.
  dotnet src/Dispatch.Gis.FeedSimulator/bin/Release/net10.0/Dispatch.Gis.FeedSimulator.dll --urls "$Dispatch__Monitoring__SimulatorUrl" &
  simulator=$!
  trap 'kill "$simulator" 2>/dev/null || true' EXIT
fi

echo "Dispatch.Gis: GraphiQL at http://localhost:5080/graphiql, the map at http://localhost:5080/map (Ctrl-C stops the service and the simulator; ./postgis.sh down stops the database)"
dotnet src/Dispatch.Gis.Api/bin/Release/net10.0/Dispatch.Gis.Api.dll --urls "http://localhost:5080" "$@"
