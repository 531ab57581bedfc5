#!/usr/bin/env bash
# Requests per second of an ASP.NET Core server with AsyncProf.AspNetCore, side by side (docs/aspnetcore-benchmark.md):
# the plain build, the woven build with nothing profiled, the woven build while 1 request in N is profiled.
# Usage: benchmarks/AspNetCoreThroughput/run.sh [rounds] [seconds] [clients] [every]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/asyncprof-throughput.XXXXXX")
trap 'rm -rf "$work"' EXIT
dotnet build "$here/Web" -c Release -o "$work/plain" --nologo -v:q -clp:ErrorsOnly >&2
dotnet build "$here/Load" -c Release -o "$work/load" --nologo -v:q -clp:ErrorsOnly >&2
cp -r "$work/plain" "$work/woven"
dotnet run --project "$root/src/Cli" -c Release -- weave "$work/woven/ThroughputWeb.dll" >&2
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), dotnet $(dotnet --version)" >&2
dotnet "$work/load/ThroughputLoad.dll" "$work/plain/ThroughputWeb.dll" "$work/woven/ThroughputWeb.dll" "$@"
