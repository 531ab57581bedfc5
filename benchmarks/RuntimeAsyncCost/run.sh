#!/usr/bin/env bash
# Per-call cost of woven runtime-async methods against woven state machines doing the same work (.NET 10:
# DOTNET_RuntimeAsync=1). Usage: benchmarks/RuntimeAsyncCost/run.sh [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
dotnet build "$root/benchmarks/RuntimeAsyncCost" -c Release -o "$work/plain" --nologo -v:q >/dev/null
cp -r "$work/plain" "$work/woven"
dotnet run --project "$root/src/Cli" -c Release -- weave "$work/woven/RuntimeAsyncCost.dll" --include 'RuntimeAsyncCost.Measured.*'
rounds=${1:-5}
export DOTNET_RuntimeAsync=1
dotnet "$work/plain/RuntimeAsyncCost.dll" "$rounds" > "$work/plain.txt"
dotnet "$work/woven/RuntimeAsyncCost.dll" "$rounds" > "$work/idle.txt"
ASYNCPROF_OUTPUT="$work/profile.json" dotnet "$work/woven/RuntimeAsyncCost.dll" "$rounds" > "$work/recording.txt"
printf '%-40s %10s %12s %12s   %s\n' "workload (ns/call)" unwoven "no session" recording "bytes/call: unwoven, no session, recording"
paste "$work/plain.txt" "$work/idle.txt" "$work/recording.txt" | awk -F'\t' '{ printf "%-40s %10.1f %12.1f %12.1f   %.1f, %.1f, %.1f\n", $1, $2, $5, $8, $3, $6, $9 }'
rm -rf "$work"
