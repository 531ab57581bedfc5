#!/usr/bin/env bash
# The whole test suite from a fresh machine: installs what is missing (.ci/setup.sh), then runs
#   dotnet test Weaver.sln
# Extra arguments go to dotnet test (for example --filter TestCategory!=Integration: the in-memory tests only).
set -euo pipefail
cd "$(dirname "$0")"
bash .ci/setup.sh
exec dotnet test Weaver.sln "$@"
