#!/usr/bin/env bash
# The complaint's PDF (casework/complaint_pdf.py) embeds a CJK font from Debian's fonts-noto-cjk (Noto Serif CJK SC,
# a 宋体-style face). Installed once by `make run` / `make test`; nothing is fetched at run time.
set -euo pipefail
font=/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
[ -f "$font" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing $font and not root: install Debian's fonts-noto-cjk, or the complaint is offered as Word only" >&2
  exit 0
fi
echo "installing Debian's fonts-noto-cjk for the complaint PDF…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
