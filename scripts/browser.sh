#!/usr/bin/env bash
# The console's browser tests drive Debian's Chromium (headless) through Playwright for Python;
# installs it when missing (Debian, as root). Playwright's own browser download is not used.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1; then
  printf 'browser: installing chromium\n' >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
    || { as_root apt-get update -q >/dev/null \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
fi
