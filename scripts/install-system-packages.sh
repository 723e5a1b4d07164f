#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python: Chromium for the browser
# tests (driven by Playwright with executable_path=/usr/bin/chromium; no browser is
# ever downloaded by Playwright) and Noto CJK so Chinese pages render real glyphs in
# screenshots; nginx for `make prod-check`, which runs it in the foreground on a
# loopback port with a configuration of its own (the package's service is not started
# here). Idempotent: when everything is present it returns at once, without touching
# the package lists. Needs root (CI runs as root).
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk nginx)

missing=()
for package in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: already installed (${PACKAGES[*]})"
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "system packages: missing ${missing[*]}; run this script as root:" >&2
  echo "  sudo bash scripts/install-system-packages.sh" >&2
  exit 1
fi

echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages with a service (nginx) must not start it: nothing here should listen on
# port 80. policy-rc.d is Debian's switch for that, removed again afterwards.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi
trap 'if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
