#!/usr/bin/env bash
# Debian packages the test suite uses (never a downloaded build):
#   chromium        headless browser for the end-to-end UI test
#   fonts-noto-cjk  so that Japanese text renders in screenshots (docs/screenshots/)
#   postgresql      server binaries; the store tests start a private throwaway server on a socket
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-system: missing ${need[*]} and this is not root; run: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${need[@]}" >/dev/null
