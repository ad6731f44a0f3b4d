#!/usr/bin/env bash
# Installs the Debian packages the real-VS-Code test runtime needs, only when missing.
#   chromium     headless browser driven by playwright-core (integration + e2e + npm start users)
#   libkrb5-dev  headers for code-server's `kerberos` native module (gssapi/gssapi.h)
#   make g++ python3  node-gyp toolchain for code-server's native modules
# Idempotent: when everything is present it exits in well under a second.
set -euo pipefail

PACKAGES=(chromium libkrb5-dev make g++ python3)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "[ensure-system] system packages present: ${PACKAGES[*]}"
  exit 0
fi

cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "[ensure-system] missing: ${missing[*]}; installing with sudo"
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -q
    sudo -n env DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
    exit 0
  fi
  echo "[ensure-system] ERROR: missing Debian packages: ${missing[*]}" >&2
  echo "[ensure-system] run as root:  apt-get update && ${cmd[*]}" >&2
  exit 1
fi

echo "[ensure-system] missing: ${missing[*]}; running: apt-get update && ${cmd[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
"${cmd[@]}"
echo "[ensure-system] installed: ${missing[*]}"
