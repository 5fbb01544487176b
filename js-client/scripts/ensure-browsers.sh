#!/usr/bin/env bash
# Installs what the JS client's browser tests drive, from Debian's packages (TOOLCHAIN.md: no
# browser downloads by npm packages): the two real browsers, dbus-daemon for the private
# session bus on which the tests play the desktop's notification service, and libnotify,
# through which Firefox shows its notifications there. Idempotent and fast when all are
# there: apt is only touched when something is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus-daemon)
has_libnotify() { [[ "$(ldconfig -p 2>/dev/null || true)" == *libnotify.so.4* ]]; }
has_libnotify || missing+=(libnotify4)
if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-browsers: chromium, firefox-esr, dbus-daemon and libnotify4 present"
  exit 0
fi

echo "ensure-browsers: installing ${missing[*]} with apt-get"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v chromium >/dev/null && command -v firefox-esr >/dev/null && command -v dbus-daemon >/dev/null
has_libnotify
echo "ensure-browsers: done"
