#!/usr/bin/env bash
# Builds the offline stand-ins the e2e tests use, skipping what is current:
#   runtime     standin/distroless-python3-debian13:{latest,nonroot,debug,debug-nonroot}
#   builder     standin/python:3.13-slim-trixie
#   index       the local PEP 503 index in $CACHE/index (served by standins.ts)
#   cc          standin/distroless-cc-debian13:{latest,nonroot}
#   pbs         the python-build-standalone mirror in $CACHE/pbs (served too)
#   uv          standin/uv:0.12.5 (a fake uv that knows the pbs mirror)
#   debian      standin/debian:trixie-slim (+ python3, for the fake uv)
#   chainguard  standin/chainguard-python:{latest,latest-dev} (Python 3.14), :next (3.15)
#   locktools   standin/locktools:latest (the real poetry, pipenv and pdm of
#               trixie, for locking against the index; see ../locktools.ts)
# An image is current when its standins.recipe-hash label equals the hash of
# its recipe files and of the components it derives from (see common.sh); the
# index and the mirror record the hash in index.json and pbs.json.
#
# usage: bash test/e2e/standins/build.sh [--force] [COMPONENT]...
#        bash test/e2e/standins/build.sh --print-hashes
# env:   STANDINS_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/distroless-python-standins),
#        DOCKER (docker CLI, default docker), STANDINS_DEBIAN_MIRROR, STANDINS_DEBIAN_SECURITY
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# In dependency order (DEPS in common.sh).
all=(runtime builder index cc pbs uv debian chainguard locktools)
force=0
wanted=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --print-hashes)
      for c in "${all[@]}"; do printf '%s %s\n' "$c" "$(recipe_hash "$c")"; done
      exit 0
      ;;
    runtime | builder | index | cc | pbs | uv | debian | chainguard | locktools) wanted+=("$arg") ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=("${all[@]}")
# Not in common.sh (that would change every recipe's hash); same as in
# locktools.sh and ../standins.ts.
LOCKTOOLS_IMAGE=standin/locktools:latest
# Build in dependency order whatever the order asked.
mapfile -t wanted < <(for c in "${all[@]}"; do
  for w in "${wanted[@]}"; do [ "$w" != "$c" ] || { echo "$c"; break; }; done
done)

is_current() { # component -> 0 when nothing needs to be built
  local comp=$1 hash tag
  hash=$(recipe_hash "$comp")
  case $comp in
    runtime)
      for tag in latest nonroot debug debug-nonroot; do
        [ "$(image_label "$RUNTIME_REPO:$tag")" = "$hash" ] || return 1
      done
      ;;
    builder) [ "$(image_label "$BUILDER_IMAGE")" = "$hash" ] ;;
    index) grep -qs "\"recipeHash\": \"$hash\"" "$INDEX_DIR/index.json" ;;
    cc)
      for tag in latest nonroot; do
        [ "$(image_label "$CC_REPO:$tag")" = "$hash" ] || return 1
      done
      ;;
    pbs) grep -qs "\"recipeHash\": \"$hash\"" "$PBS_MANIFEST" ;;
    uv)
      # ... and it must know the mirror's current files.
      [ "$(image_label "$UV_IMAGE")" = "$hash" ] &&
        [ "$(image_label "$UV_IMAGE" "$PBS_LABEL")" = "$(sha256sum <"$PBS_MANIFEST" 2>/dev/null | cut -d' ' -f1)" ]
      ;;
    debian) [ "$(image_label "$DEBIAN_IMAGE")" = "$hash" ] ;;
    chainguard)
      for tag in latest latest-dev next; do
        [ "$(image_label "$CHAINGUARD_REPO:$tag")" = "$hash" ] || return 1
        [ "$(image_label "$CHAINGUARD_REPO:$tag" "$PBS_LABEL")" = "$(sha256sum <"$PBS_MANIFEST" 2>/dev/null | cut -d' ' -f1)" ] || return 1
      done
      ;;
    locktools) [ "$(image_label "$LOCKTOOLS_IMAGE")" = "$hash" ] ;;
  esac
}

mkdir -p "$CACHE"
# One build at a time per cache (parallel vitest workers may all ask).
exec 9>"$CACHE/.lock"
flock 9

start=$SECONDS
built=0
for comp in "${wanted[@]}"; do
  if [ "$force" = 0 ] && is_current "$comp"; then
    log "$comp: up to date"
    continue
  fi
  t0=$SECONDS
  bash "$STANDINS_DIR/$comp.sh"
  is_current "$comp" || die "$comp: built, but its recipe hash does not match (changed during the build?)"
  log "$comp: built in $((SECONDS - t0)) s"
  built=$((built + 1))
done
if [ "$built" -gt 0 ]; then
  # Replaced stand-ins leave untagged images behind; drop ours only.
  "$DOCKER" image prune -f --filter "label=$OWNER_LABEL" >/dev/null || true
fi
log "done in $((SECONDS - start)) s (cache: $CACHE)"
