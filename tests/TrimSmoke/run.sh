#!/usr/bin/env bash
# The shipped libraries trimmed: publishes tests/TrimSmoke (GenResilience, GenResilience.AI and GenResilience.Redis,
# each a trimmer root, so all of their code is analysed) and runs it. Any IL2xxx/IL3xxx warning fails the publish
# (TreatWarningsAsErrors); the app then binds, validates and calls the pipeline on the trimmed code.
#
#   tests/TrimSmoke/run.sh          # PublishTrimmed (what .ci/run does)
#   tests/TrimSmoke/run.sh --aot    # native AOT instead: needs clang (or gcc) and zlib on the machine
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mode=${1:-}
publish=(-p:PublishTrimmed=true)
if [ "$mode" = "--aot" ]; then
  if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
    echo "tests/TrimSmoke/run.sh: native AOT needs clang (apt-get install clang zlib1g-dev)" >&2
    exit 1
  fi
  publish=(-p:PublishAot=true)
elif [ -n "$mode" ]; then
  echo "usage: tests/TrimSmoke/run.sh [--aot]" >&2
  exit 2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish tests/TrimSmoke/TrimSmoke.csproj -c Release --use-current-runtime "${publish[@]}" -o "$out/app" 2>&1 | tee "$out/publish.log"
status=${PIPESTATUS[0]}

# TreatWarningsAsErrors already turns each trim or AOT warning into an error; the count is for the log.
warnings=$(grep -Ec '(warning|error) IL[23][0-9]{3}' "$out/publish.log" || true)
echo "tests/TrimSmoke/run.sh: ${mode:---trimmed} publish: exit code $status, $warnings IL2xxx/IL3xxx diagnostics"
[ "$status" -eq 0 ] && [ "$warnings" -eq 0 ] || exit 1

"$out/app/TrimSmoke"
