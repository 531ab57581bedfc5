#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, from Debian's and npm's packages. Idempotent: each
# script in .ci/setup.d/ checks what is there and installs only what is missing. Needs root (or passwordless sudo)
# the first time. Add a capability's needs as a script of its own in .ci/setup.d/ (sourced in name order, with
# `apt_install PKG...` available), never as a step only one machine has.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else sudo=(); fi
apt_updated=0

# apt_install PKG...: installs the Debian packages that are not installed yet (apt-get update once per run).
apt_install() {
    local missing=()
    for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] && [ ${#sudo[@]} -eq 0 ]; then
        echo "setup: missing Debian packages ${missing[*]} and this is not root: run as root: apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ "$apt_updated" -eq 0 ]; then "${sudo[@]}" apt-get update -qq >/dev/null; apt_updated=1; fi
    echo "setup: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

for script in .ci/setup.d/*.sh; do
    # shellcheck source=/dev/null
    source "$script"
done
