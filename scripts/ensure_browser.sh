#!/usr/bin/env bash
# The browser tests (tests/browser) drive Debian's chromium through Playwright for Python;
# Playwright's own browser download is not used. Installs chromium and the fonts the screenshots
# need when /usr/bin/chromium is missing (needs root, as on CI). Safe to run again: it does nothing
# when chromium is already there.
set -euo pipefail

CHROMIUM=${CLARION_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null 2>&1 || {
    echo "ensure_browser: $CHROMIUM is missing and this is not root: install chromium and fonts-dejavu-core" >&2
    exit 1
  }
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure_browser: installing chromium and fonts (apt-get)…" >&2
$SUDO apt-get update -qq
packages=(chromium fonts-dejavu-core)
# Colour emoji, where the distribution has them: the console may show emoji in previews.
if apt-cache show fonts-noto-color-emoji >/dev/null 2>&1; then
  packages+=(fonts-noto-color-emoji)
fi
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2

if ! "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1; then
  echo "ensure_browser: $CHROMIUM was installed but does not run headless" >&2
  exit 1
fi
echo "ensure_browser: $("$CHROMIUM" --version 2>/dev/null)" >&2
