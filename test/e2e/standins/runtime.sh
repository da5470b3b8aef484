#!/usr/bin/env bash
# Builds the stand-in for gcr.io/distroless/python3-debian13, tags latest,
# nonroot, debug and debug-nonroot, the way distroless does it (runtime-lib.sh):
# the data of exactly the 38 listed .debs plus generated files, assembled on
# the host. No shell ever runs inside the image (it has none), no maintainer
# script runs.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=runtime-lib.sh
. "$STANDINS_DIR/runtime-lib.sh"

need dpkg-deb dpkg
need apt-get apt
require_root

hash=$(recipe_hash runtime)
aptroot_update
mapfile -t pkgs < <(read_list "$STANDINS_DIR/runtime-packages.txt")
[ "${#pkgs[@]}" = 38 ] || die "runtime-packages.txt lists ${#pkgs[@]} packages, expected 38"
load_debs "${pkgs[@]}" busybox-static

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-runtime.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

log "unpacking ${#pkgs[@]} packages"
distroless_tree "$root" "$work" "${pkgs[@]}"
ln -sfn /usr/bin/python3.13 "$root/usr/bin/python"
ln -sfn /usr/bin/python3.13 "$root/usr/bin/python3"

# ctypes.util.find_library() reads ld.so.cache; generate it with the image's
# own (static) ldconfig, chrooted, without touching the library links.
"$root/usr/sbin/ldconfig" -X -r "$root"
[ -s "$root/etc/ld.so.cache" ] || die "ldconfig wrote no /etc/ld.so.cache"

distroless_check "$root" 38

latest=$RUNTIME_REPO:latest
distroless_import "$root" "$latest" "$hash" \
  'offline test stand-in for gcr.io/distroless/python3-debian13 (not the real image)' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENTRYPOINT ["/usr/bin/python3.13"]'

# Debug: same image plus busybox in /busybox, PATH gains :/busybox; the
# entrypoint stays python, as in the real python3 debug tags.
bb=$work/debug
mkdir -p "$bb/busybox"
dpkg-deb -x "${DEB_OF[busybox-static]}" "$work/bbdeb"
install -m 0755 "$work/bbdeb/usr/bin/busybox" "$bb/busybox/busybox"
for applet in $("$bb/busybox/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$bb/busybox/$applet"
done
[ -L "$bb/busybox/sh" ] || die "busybox has no sh applet"
cp "$STANDINS_DIR/runtime-debug.Dockerfile" "$bb/Dockerfile"
log "building $RUNTIME_REPO:debug"
docker_build --build-arg "BASE=$latest" --build-arg "DEBUG_PATH=$DISTROLESS_PATH:/busybox" \
  -t "$RUNTIME_REPO:debug" "$bb"

for pair in latest:nonroot debug:debug-nonroot; do
  distroless_nonroot "$RUNTIME_REPO:${pair%%:*}" "$RUNTIME_REPO:${pair#*:}"
done
