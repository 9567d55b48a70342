#!/usr/bin/env bash
# Headless Chromium from Debian for the end-to-end UI test (never a downloaded browser build),
# and a CJK font so that Japanese text renders in screenshots (docs/screenshots/).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-browser: missing ${need[*]} and this is not root; run: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${need[@]}" >/dev/null
command -v chromium
