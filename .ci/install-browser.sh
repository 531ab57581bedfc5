#!/usr/bin/env bash
# Installs the browser the HTML report tests drive: Debian's Chromium and ChromeDriver (/usr/bin/chromium,
# /usr/bin/chromedriver). Idempotent: does nothing when both are already there. Test tools never download a browser
# of their own; this script is the only place one comes from. Needs root (or passwordless sudo) for apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
else
    echo "install-browser.sh: Chromium is missing and this is not root (no sudo): run as root:" >&2
    echo "  apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 1
fi

echo "install-browser.sh: installing Debian's chromium and chromium-driver" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation >/dev/null

if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    echo "install-browser.sh: apt-get finished but /usr/bin/chromium or /usr/bin/chromedriver is still missing" >&2
    exit 1
fi
/usr/bin/chromium --version >&2 || true
