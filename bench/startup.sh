#!/usr/bin/env bash
# What the standard library's bytecode buys at start: an import-light app (the default demo) and
# an import-heavy one (json, http.client, ssl and Flask), each built as generated and without
# docker/stdlib_bytecode.py's output (the COPY of /tmp/stdlib-bytecode left out), side by side.
# Each start is timed inside the image, hardened (read-only, nonroot), by a Python driver that
# runs the app RUNS times (default 15) and takes the median: docker's own start-up is left out.
#
# usage: bash bench/startup.sh   (stand-in images and the local index: works offline;
#        E2E_REAL_IMAGES=1 for the real images and PyPI)
# Prints a Markdown table of medians and ratios; asserts nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docker=/usr/bin/docker # Debian's 20.10 client: BuildKit with DOCKER_BUILDKIT=1
export DOCKER_BUILDKIT=1 BUILDKIT_PROGRESS=plain
runs=${RUNS:-15}
work=$(mktemp -d)
tag=bench-startup
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  "$docker" image rm -f "$tag:light" "$tag:light-without" "$tag:heavy" "$tag:heavy-without" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=images.sh
. "$root/bench/images.sh"
args=(--network host --build-arg "BUILDER_IMAGE=$builder" --build-arg "RUNTIME_IMAGE=$runtime" "${index[@]}")

bin=$root/packages/create-distroless-python/dist/cli.js
(cd "$work" && node "$bin" light --yes 2>/dev/null && node "$bin" heavy --yes --deps flask 2>/dev/null)
printf 'import http.client\nimport json\nimport ssl\n\nimport flask\n\nif __name__ == "__main__":\n    print(json.dumps({"flask": flask.__name__, "ssl": ssl.OPENSSL_VERSION}))\n' >"$work/heavy/src/app.py"

for app in light heavy; do
  "$docker" build "${args[@]}" -t "$tag:$app" "$work/$app" >/dev/null 2>&1
  grep -v '^COPY --from=check /tmp/stdlib-bytecode/ /$' "$work/$app/Dockerfile" >"$work/$app/without.Dockerfile"
  "$docker" build "${args[@]}" -f "$work/$app/without.Dockerfile" -t "$tag:$app-without" "$work/$app" >/dev/null 2>&1
done

# The median start of the image's own command, in ms, timed from inside (hardened).
driver="import json, statistics, subprocess, sys, time
command = json.loads(sys.argv[1])
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(round(statistics.median(times)))"
start() { # image -> median ms
  local command
  command=$("$docker" image inspect --format '{{json .Config.Entrypoint}}' "$1")
  "$docker" run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges --entrypoint /opt/venv/bin/python "$1" -c "$driver" "$command" "$runs"
}
size() { "$docker" image inspect --format '{{.Size}}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }

echo "| app (median start of $runs, in the image, hardened) | with the stdlib's bytecode | without | ratio | size with − without |"
echo "|---|---|---|---|---|"
for app in light heavy; do
  with=$(start "$tag:$app")
  without=$(start "$tag:$app-without")
  label=$([ "$app" = light ] && echo 'import-light: the demo (emoji)' || echo 'import-heavy: json, http.client, ssl, Flask')
  echo "| $label | $with ms | $without ms | $(ratio "$with" "$without") | $(mb $(($(size "$tag:$app") - $(size "$tag:$app-without")))) |"
done
echo
echo "the demo above its base: $(mb $(($(size "$tag:light") - $(size "$runtime"))))"
