#!/usr/bin/env bash
# Builds the stand-in for python:3.13-slim-trixie: mmdebstrap (trixie minbase +
# Debian's python3/python3-venv, slimmed like debian:trixie-slim) -> docker
# import -> builder.Dockerfile. The mmdebstrap tarball is the slow part (~80 s)
# and is kept in $CACHE, keyed by its own options, so a changed Dockerfile
# rebuilds in seconds.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need mmdebstrap mmdebstrap
need dpkg-deb dpkg
need apt-get apt
require_root

hash=$(recipe_hash builder)
aptroot_update

# Exactly what python:3.13-slim-trixie adds to debian:trixie-slim from apt
# (ca-certificates netbase tzdata), plus Debian's python in place of the
# source build; path excludes as debian:*-slim (docs, man pages, locales).
# shellcheck disable=SC2054 # the commas belong to --include
mm_args=(
  --variant=minbase --arch="$ARCH" --format=tar
  --include=ca-certificates,netbase,tzdata,python3,python3-venv
  --aptopt='Acquire::Languages "none"'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/groff/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/lintian/overrides/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/man/*'
  "$SUITE"
)
mm_sources=(
  "deb $DEBIAN_MIRROR $SUITE main"
  "deb $DEBIAN_MIRROR $SUITE-updates main"
  "deb $DEBIAN_SECURITY $SUITE-security main"
)
key=$(printf '%s\n' "${mm_args[@]}" "${mm_sources[@]}" | sha256sum | cut -c1-16)
tarball=$CACHE/builder-rootfs-$key.tar
rootfs_image=standin/python-rootfs:$key

if [ ! -s "$tarball" ]; then
  log "mmdebstrap $SUITE minbase + python3 (the slow step) -> $tarball"
  mkdir -p "$CACHE"
  rm -f "$CACHE"/builder-rootfs-*.tar # older keys are dead weight
  mmdebstrap --quiet "${mm_args[@]}" "$tarball.part" "${mm_sources[@]}"
  mv "$tarball.part" "$tarball"
  "$DOCKER" image rm "$rootfs_image" >/dev/null 2>&1 || true
fi
if ! "$DOCKER" image inspect "$rootfs_image" >/dev/null 2>&1; then
  log "importing $tarball as $rootfs_image"
  "$DOCKER" import --change "LABEL $OWNER_LABEL=1" "$tarball" "$rootfs_image" >/dev/null
fi
# Untag rootfs images of earlier keys (layers still in use stay).
"$DOCKER" images --format '{{.Repository}}:{{.Tag}}' standin/python-rootfs |
  grep -vxF "$rootfs_image" | xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-builder.XXXXXX")
trap 'rm -rf "$work"' EXIT
ctx=$work/ctx
mkdir -p "$ctx"
cp "$STANDINS_DIR/builder.Dockerfile" "$ctx/Dockerfile"
dev=$(fetch_debs libpython3.13-dev)
dpkg-deb -x "$dev" "$work/dev"
cp -a "$work/dev/usr/include" "$ctx/include"

# PYTHON_VERSION as the official image sets it: the upstream version of the
# interpreter inside (python3.13-minimal 3.13.5-2+deb13u5 -> 3.13.5).
pyver=$(tar -xOf "$tarball" ./var/lib/dpkg/status |
  awk '/^Package: python3.13-minimal$/ {p=1} p && /^Version:/ {print $2; exit}')
pyver=${pyver%%-*}
[ -n "$pyver" ] || die "cannot read the python3.13-minimal version from $tarball"

log "building $BUILDER_IMAGE (Python $pyver)"
docker_build --build-arg "BASE=$rootfs_image" --build-arg "PYTHON_VERSION=$pyver" \
  --label "$HASH_LABEL=$hash" \
  --label 'org.opencontainers.image.description=offline test stand-in for python:3.13-slim-trixie (not the real image)' \
  -t "$BUILDER_IMAGE" "$ctx"
