#!/usr/bin/env bash
# Times the probes of two builds of the runtime side by side in one process (see Harness/Program.cs).
#   benchmarks/ProbeAB/run.sh <git revision> [ProbeAB options: --rounds N --ms M]
# compares the runtime at that revision ("before", built in a temporary worktree) with the working tree ("after").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rev="${1:?usage: run.sh <git revision> [--rounds N] [--ms M]}"; shift
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/before-src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/before-src" "$rev"
# the loops are this tree's, built against each runtime (the probe API they call is the stable one)
rm -rf "$work/before-src/benchmarks/ProbeAB" && mkdir -p "$work/before-src/benchmarks/ProbeAB"
cp -r "$root/benchmarks/ProbeAB/Loops" "$work/before-src/benchmarks/ProbeAB/Loops"
rm -rf "$work/before-src/benchmarks/ProbeAB/Loops/bin" "$work/before-src/benchmarks/ProbeAB/Loops/obj"
build() { dotnet build -c Release -nologo -v q "$1/benchmarks/ProbeAB/Loops/ProbeLoops.csproj" -o "$2" >&2; }
build "$work/before-src" "$work/before"
build "$root" "$work/after"
dotnet build -c Release -nologo -v q "$root/benchmarks/ProbeAB/Harness/ProbeAB.csproj" -o "$work/harness" >&2
echo "before: $(git -C "$root" rev-parse --short "$rev"); after: working tree at $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src/Runtime || echo ' + uncommitted src/Runtime changes'); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$work/harness/ProbeAB.dll" before="$work/before" after="$work/after" "$@"
