#!/usr/bin/env bash
# Runs every test: installs and starts the local PostGIS (unless DISPATCH_TEST_DB is set), installs Chromium and
# GDAL when missing (browser-tools.sh), the Node packages of the pages and the conformance checks, builds, and runs
# the whole suite against real servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ -z "${DISPATCH_TEST_DB:-}" ]; then
  ./postgis.sh up
  export DISPATCH_TEST_DB="$(./postgis.sh url owner)"
fi
./browser-tools.sh
for package in src/Dispatch.Gis.Api/GraphiQL src/Dispatch.Gis.Api/Map/web tests/conformance; do
  if [ -f "$package/package-lock.json" ]; then
    npm ci --prefix "$package" --no-audit --no-fund --loglevel=error
  fi
done

dotnet build Dispatch.Gis.sln -c Release -v quiet -nologo
dotnet test Dispatch.Gis.sln -c Release --no-build --logger "console;verbosity=minimal" "$@"
