#!/usr/bin/env bash
# Times the same compiled workload three ways in one run: unwoven, woven with no session, woven while recording.
# Usage: benchmarks/Overhead/run.sh [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
dotnet build "$root/benchmarks/Overhead" -c Release -o "$work/plain" --nologo -v:q >/dev/null
cp -r "$work/plain" "$work/woven"
dotnet run --project "$root/src/Cli" -c Release -- weave "$work/woven/Overhead.dll" >/dev/null
rounds=${1:-7}
dotnet "$work/plain/Overhead.dll" "$rounds" > "$work/plain.txt"
dotnet "$work/woven/Overhead.dll" "$rounds" > "$work/idle.txt"
ASYNCPROF_OUTPUT="$work/profile.json" dotnet "$work/woven/Overhead.dll" "$rounds" > "$work/recording.txt"
printf '%-34s %12s %12s %8s %12s %8s\n' "workload (ns/op)" unwoven "no session" ratio recording ratio
paste "$work/plain.txt" "$work/idle.txt" "$work/recording.txt" | awk -F'\t' '{ printf "%-34s %12.2f %12.2f %7.2fx %12.2f %7.2fx\n", $1, $2, $4, $4/$2, $6, $6/$2 }'
rm -rf "$work"
