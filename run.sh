#!/usr/bin/env bash
# Runs Dispatch.Gis on http://localhost:5080 (GraphiQL at /graphiql, the operator map at /map) over the local PostGIS cluster,
# installing and starting what it needs first. Extra arguments go to the service, e.g. ./run.sh --urls http://0.0.0.0:5080
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

./postgis.sh up
for package in src/Dispatch.Gis.Api/GraphiQL src/Dispatch.Gis.Api/Map/web; do
  if [ -f "$package/package-lock.json" ]; then
    npm ci --prefix "$package" --no-audit --no-fund --loglevel=error
  fi
done
dotnet build src/Dispatch.Gis.Api -c Release -v quiet -nologo

export ConnectionStrings__Dispatch="${ConnectionStrings__Dispatch:-$(./postgis.sh url service)}"
export ConnectionStrings__DispatchOwner="${ConnectionStrings__DispatchOwner:-$(./postgis.sh url owner)}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Dispatch__LoadDemoData="${Dispatch__LoadDemoData:-true}"
echo "Dispatch.Gis: GraphiQL at http://localhost:5080/graphiql, the map at http://localhost:5080/map (Ctrl-C stops the service; ./postgis.sh down stops the database)"
exec dotnet src/Dispatch.Gis.Api/bin/Release/net10.0/Dispatch.Gis.Api.dll --urls "http://localhost:5080" "$@"
