#!/usr/bin/env bash
# The workbench's browser tests drive Debian's Chromium (never a downloaded browser build), with a CJK font
# so the screenshots show Chinese instead of boxes.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .); then need+=(fonts-wqy-microhei); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing ${need[*]} and not root: install Debian's packages to run the browser tests" >&2
  exit 0
fi
echo "installing Debian's ${need[*]} for the browser tests…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${need[@]}" >/dev/null
