#!/usr/bin/env bash
# Install the Chromium the dashboard's browser tests drive (tests/python/test_dashboard.py,
# Playwright with the system browser: no browser download by Playwright itself).
# Idempotent: does nothing when /usr/bin/chromium (or $CHROMIUM_PATH) is already there;
# otherwise installs Debian's `chromium` package with apt-get (apt-get update first when
# the package lists do not know it yet), through sudo when not root. Prints what it does.
# Called by scripts/test.sh before pytest; exits non-zero when no Chromium can be had,
# so CI fails here with a clear message rather than in the tests.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

version() {
    # Debian's wrapper script may print a harmless shell warning on stderr
    "$CHROMIUM" --version 2>/dev/null || echo "(version unknown)"
}

if [ -x "$CHROMIUM" ]; then
    echo "==> Chromium already installed: $CHROMIUM ($(version)); nothing to do"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "==> no Chromium at $CHROMIUM and no apt-get to install it: install Chromium" \
         "yourself and set CHROMIUM_PATH to its binary" >&2
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "==> no Chromium at $CHROMIUM, not root and no sudo: run as root" \
             "'apt-get install -y chromium', or set CHROMIUM_PATH" >&2
        exit 1
    fi
    SUDO=(sudo -n)  # non-interactive: fail rather than wait for a password
fi
export DEBIAN_FRONTEND=noninteractive

if ! apt-cache show chromium >/dev/null 2>&1; then
    echo "==> package lists do not know chromium yet: ${SUDO[*]:+${SUDO[*]} }apt-get update"
    "${SUDO[@]}" apt-get update -q
fi
echo "==> installing Chromium: ${SUDO[*]:+${SUDO[*]} }apt-get install -y chromium"
"${SUDO[@]}" apt-get install -y -q chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "==> apt-get installed chromium but there is no $CHROMIUM: set CHROMIUM_PATH" \
         "to the browser's binary" >&2
    exit 1
fi
echo "==> Chromium installed: $CHROMIUM ($(version))"
