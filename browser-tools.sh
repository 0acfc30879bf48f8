#!/usr/bin/env bash
# Installs what the browser and GIS-client tests drive, when missing: Debian's Chromium (run through Playwright;
# nothing downloads a browser build of its own) and GDAL's command-line tools (ogrinfo, ogr2ogr read /ogc).
# Idempotent; needs root or sudo only when something is missing. Used by ./test.sh.
set -euo pipefail

die() { echo "browser-tools.sh: $*" >&2; exit 1; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/ogrinfo ] && [ -x /usr/bin/ogr2ogr ] || missing+=(gdal-bin)
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || die "no apt-get here: install ${missing[*]} yourself (Chromium at /usr/bin/chromium, GDAL's ogrinfo and ogr2ogr)"
apt=(apt-get)
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "run as root or install sudo: apt-get install ${missing[*]}"
  apt=(sudo apt-get)
fi
echo "browser-tools.sh: installing ${missing[*]}"
"${apt[@]}" update -q >/dev/null || die "apt-get update failed; check the network or the package sources"
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
  || die "apt-get install ${missing[*]} failed"
