#!/usr/bin/env bash
# Measures what the generated project buys: the default demo built as generated (two stages,
# distroless runtime) and as a single-stage -slim image of the same app, side by side.
#
# usage: bash bench/image.sh            (stand-in images and the local index: works offline)
#        E2E_REAL_IMAGES=1 bash bench/image.sh   (the real images and PyPI, where reachable)
# Prints a Markdown table: image bytes, packages (dpkg + Python distributions), bytes above the
# base image, cold build time (--no-cache) and rebuild time after a change to src/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docker=/usr/bin/docker # Debian's 20.10 client: BuildKit with DOCKER_BUILDKIT=1
export DOCKER_BUILDKIT=1 BUILDKIT_PROGRESS=plain
work=$(mktemp -d)
tag=bench-distroless-python
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  "$docker" image rm -f "$tag:distroless" "$tag:slim" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=images.sh
. "$root/bench/images.sh"

(cd "$work" && node "$root/packages/create-distroless-python/dist/cli.js" demo --yes 2>/dev/null)
app=$work/demo
cp "$root/bench/slim.Dockerfile" "$app/slim.Dockerfile"
args=(--network host --build-arg "BUILDER_IMAGE=$builder" --build-arg "RUNTIME_IMAGE=$runtime" "${index[@]}")

seconds() { # command... -> wall seconds, one decimal
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

build() { # variant dockerfile [extra docker build args]
  "$docker" build "${args[@]}" -f "$app/$2" -t "$tag:$1" "${@:3}" "$app"
}

size() { "$docker" image inspect --format '{{.Size}}' "$1"; }

packages() { # image -> "dpkg python" counted in the exported filesystem
  local id tar
  id=$("$docker" create "$1")
  tar=$work/fs.tar
  "$docker" export "$id" >"$tar"
  "$docker" rm "$id" >/dev/null
  local status statusd dist
  status=$({ tar -xOf "$tar" var/lib/dpkg/status 2>/dev/null || true; } | grep -c '^Status: install ok installed' || true)
  statusd=$(tar -tf "$tar" | grep -E '^var/lib/dpkg/status\.d/[^/]+$' | grep -vc '\.md5sums$' || true)
  dist=$(tar -tf "$tar" | grep -cE '\.(dist|egg)-info/$' || true)
  echo "$((status + statusd)) $dist"
}

row() { # label variant dockerfile base
  local cold rebuild bytes base counts
  cold=$(seconds build "$2" "$3" --no-cache)
  echo "# changed" >>"$app/src/app.py"
  rebuild=$(seconds build "$2" "$3")
  bytes=$(size "$tag:$2")
  base=$(size "$4")
  read -r -a counts <<<"$(packages "$tag:$2")"
  printf '| %s | %s | %.1f MB | %s + %s = %s | %.1f MB | %s s | %s s |\n' "$1" "$bytes" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" \
    "${counts[0]}" "${counts[1]}" "$((counts[0] + counts[1]))" "$(awk -v b="$((bytes - base))" 'BEGIN { print b / 1e6 }')" "$cold" "$rebuild"
}

echo "| image | bytes | size | packages (dpkg + python) | above base | cold build | rebuild after src/ change |"
echo "|---|---|---|---|---|---|---|"
row "generated: distroless ($runtime)" distroless Dockerfile "$runtime"
row "single stage ($builder)" slim slim.Dockerfile "$builder"
