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

if ! command -v apt-get >/dev/null 2>&1; then
  # Not Debian or Ubuntu (macOS, Fedora, Alpine...): say what to install instead of failing obscurely.
  cat >&2 <<EOF_HELP
ensure-browsers: missing ${missing[*]}, and there is no apt-get here to install them.
The JS client's browser tests drive real browsers found on the PATH:
  - Chromium as 'chromium'      (macOS: brew install --cask chromium, then link it as 'chromium';
                                 Fedora: dnf install chromium)
  - Firefox ESR as 'firefox-esr' (macOS: brew install --cask firefox@esr, then link it;
                                 Fedora: dnf install firefox, linked as 'firefox-esr')
  - dbus-daemon and libnotify   (Linux only: dnf install dbus-daemon libnotify)
Install them and run the build again, or skip the browser tests with -DskipTests on the
js-client module; the server's tests do not need them.
EOF_HELP
  exit 1
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
