#!/usr/bin/env bash
# The side-by-side performance harness (issue 9, "The benchmark"); docs/performance.md explains it.
# Builds the workloads once, makes three builds of each (plain, woven by AsyncProf, woven by the naive timing weaver),
# restores dotnet-trace from this folder's tool manifest, then runs the harness driver, which interleaves the rounds.
# Usage: benchmarks/Performance/run.sh [--quick] [--rounds N] [--reps N] [--only json,fib,yield,concurrent,web,memory]
#                                      [--no-trace] [--no-memory] [--keep]
# --keep leaves the work folder (builds, profiles, traces) and prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keep=0
args=()
for a in "$@"; do if [ "$a" = --keep ]; then keep=1; else args+=("$a"); fi; done
work=$(mktemp -d "${TMPDIR:-/tmp}/asyncprof-perf.XXXXXX")
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT
step() { echo "== $*" >&2; }

build() { dotnet build "$1" -c Release -o "$2" --nologo -v:q -clp:ErrorsOnly >&2; }
step "building the workloads, the naive timing weaver and the driver"
build "$here/Workload" "$work/PerfWorkload/plain"
build "$here/WebWorkload" "$work/PerfWeb/plain"
build "$root/benchmarks/NaiveTimingWeaver" "$work/tools/naive"
build "$here/Harness" "$work/tools/harness"

# Newtonsoft.Json as shipped: the package's own lib dll, not a build of ours.
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
shipped="$packages/newtonsoft.json/13.0.4/lib/net6.0/Newtonsoft.Json.dll"
[ -f "$shipped" ] || { echo "run.sh: $shipped not found (did the restore of Workload succeed?)" >&2; exit 1; }
cp "$shipped" "$work/PerfWorkload/plain/Newtonsoft.Json.dll"

for app in PerfWorkload PerfWeb; do
  cp -r "$work/$app/plain" "$work/$app/woven"
  cp -r "$work/$app/plain" "$work/$app/naive"
done
step "weaving with AsyncProf (src/Cli)"
dotnet run --project "$root/src/Cli" -c Release -- weave "$work/PerfWorkload/woven" "$work/PerfWeb/woven" 2>&1 | grep -v 'strong-name signed' >&2
step "weaving with the naive timing weaver"
dotnet "$work/tools/naive/NaiveTimingWeaver.dll" "$work/PerfWorkload/naive/PerfWorkload.dll" "$work/PerfWorkload/naive/Newtonsoft.Json.dll" "$work/PerfWeb/naive/PerfWeb.dll" >&2

step "restoring dotnet-trace (dotnet-tools.json)"
(cd "$here" && dotnet tool restore >&2)

step "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), dotnet $(dotnet --version)"
dotnet "$work/tools/harness/PerfHarness.dll" --work "$work" --tool-dir "$here" ${args[@]+"${args[@]}"}
[ $keep = 0 ] || echo "work folder kept: $work" >&2
