#!/usr/bin/env bash
# Installs the two real browsers the JS client's tests drive, from Debian's packages
# (TOOLCHAIN.md: no browser downloads by npm packages). Idempotent and fast when both are
# there: apt is only touched when a binary is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-browsers: chromium and firefox-esr present"
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
command -v chromium >/dev/null && command -v firefox-esr >/dev/null
echo "ensure-browsers: done"
