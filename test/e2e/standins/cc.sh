#!/usr/bin/env bash
# Builds the stand-in for gcr.io/distroless/cc-debian13, tags latest and
# nonroot: distroless' static + base + cc layers (cc-packages.txt) assembled
# like the python3 runtime stand-in (runtime-lib.sh). Upstream's cc image has
# no ENTRYPOINT, no LANG, no libc-bin (so no ldconfig) and no ld.so.cache
# (distroless generates that for python3 only).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=runtime-lib.sh
. "$STANDINS_DIR/runtime-lib.sh"

need dpkg-deb dpkg
need apt-get apt
require_root

hash=$(recipe_hash cc)
aptroot_update
mapfile -t pkgs < <(read_list "$STANDINS_DIR/cc-packages.txt")
[ "${#pkgs[@]}" = 14 ] || die "cc-packages.txt lists ${#pkgs[@]} packages, expected 14"
load_debs "${pkgs[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-cc.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

log "unpacking ${#pkgs[@]} packages"
distroless_tree "$root" "$work" "${pkgs[@]}"
[ ! -e "$root/usr/sbin/ldconfig" ] || die "cc must not have ldconfig (libc-bin is python3's layer)"
[ ! -e "$root/usr/bin/python3" ] || die "cc must not have python"
distroless_check "$root" 14

distroless_import "$root" "$CC_REPO:latest" "$hash" \
  'offline test stand-in for gcr.io/distroless/cc-debian13 (not the real image)'
distroless_nonroot "$CC_REPO:latest" "$CC_REPO:nonroot"
