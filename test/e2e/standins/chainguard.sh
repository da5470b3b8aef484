#!/usr/bin/env bash
# Builds standin/chainguard-python:{latest,latest-dev}, stand-ins for
# cgr.dev/chainguard/python:latest and :latest-dev, and :next, the same as
# latest with the Python a moved `latest` would run. Chainguard (Wolfi) builds
# its own CPython into /usr: here the python-build-standalone stand-in of the
# same minor (pbs.sh) is unpacked into /usr (its RUNPATHs, $ORIGIN/../lib,
# find its libraries in /usr/lib), sysconfig says /usr.
#   latest      the cc-debian13 stand-in's tree (glibc, OpenSSL, CA bundle,
#               nonroot 65532, no shell) + that CPython without pip
#   latest-dev  the debian:trixie-slim stand-in (a shell, apt) + that CPython
#               with pip (chainguard-dev.Dockerfile), flattened
#   next        latest with the next minor, for tests of the build's guard
# All get the Chainguard config (images/python locked_config.json): ENTRYPOINT
# /usr/bin/python, user 65532 for every tag, no WORKDIR, ENV PATH and
# SSL_CERT_FILE only, and the standins.python-version label.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need python3 python3
require_root

# The minor Chainguard's latest runs (the catalogue's chainguard target, which
# standins.test compares), and the one after it.
LATEST=3.14
NEXT=3.15

hash=$(recipe_hash chainguard)
# Like standin/uv: the images know which mirror they took their CPython from.
pbs_sha=$(sha256sum <"$PBS_MANIFEST" | cut -d' ' -f1)
work=$(mktemp -d "${TMPDIR:-/tmp}/standins-chainguard.XXXXXX")
container=
cleanup() {
  [ -z "$container" ] || "$DOCKER" rm -f "$container" >/dev/null 2>&1 || true
  "$DOCKER" image rm "$CHAINGUARD_REPO:build-dev" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# python_tree <minor> <dir>: the PBS stand-in of <minor>, laid out under <dir>/usr.
python_tree() {
  local file version
  read -r file version < <(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["pythons"][sys.argv[2]]; print(p["url"], p["version"])' "$PBS_MANIFEST" "$1") ||
    die "no CPython $1 in $PBS_MANIFEST"
  mkdir -p "$2/usr"
  tar -xzf "$PBS_DIR/$file" -C "$2/usr" --strip-components=1 python
  # As Wolfi's: no headers in the runtime, python -> python3 -> python3.X.
  rm -rf "$2/usr/include"
  ln -sfn python3 "$2/usr/bin/python"
  sed -i "s|'/install|'/usr|g; s| /install/| /usr/|g; s|=/install/|=/usr/|g" "$2/usr/lib/python$1"/_sysconfigdata_*.py
  grep -q "'prefix': '/usr'" "$2/usr/lib/python$1"/_sysconfigdata_*.py || die "sysconfig of $1 does not say /usr"
  echo "$version"
}

# without_pip <dir> <minor>: latest has no installer.
without_pip() {
  rm -rf "$1/usr/bin/pip3" "$1/usr/lib/python$2/site-packages"/pip "$1/usr/lib/python$2/site-packages"/pip-*.dist-info
}

# chainguard_import <image> <what> <python version> < rootfs tar
chainguard_import() {
  log "importing $1 (Python $3)"
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENTRYPOINT ["/usr/bin/python"]' \
    --change 'USER 65532' \
    --change "LABEL $HASH_LABEL=$hash" \
    --change "LABEL $PBS_LABEL=$pbs_sha" \
    --change "LABEL $PYVER_LABEL=$3" \
    --change "LABEL $OWNER_LABEL=1" \
    --change "LABEL org.opencontainers.image.description=\"offline test stand-in for cgr.dev/chainguard/python:$2 (Debian's CPython $3 laid out as python-build-standalone, not Chainguard's; not the real image)\"" \
    - "$1" >/dev/null
}

# latest and next: the cc stand-in's only layer plus the interpreter.
"$DOCKER" save "$CC_REPO:latest" | tar -x -C "$work" --wildcards '*/layer.tar'
layers=("$work"/*/layer.tar)
[ "${#layers[@]}" = 1 ] || die "$CC_REPO:latest has ${#layers[@]} layers, expected 1"
for tag in latest next; do
  minor=$LATEST
  [ "$tag" = latest ] || minor=$NEXT
  mkdir -p "$work/$tag"
  tar -x -C "$work/$tag" -f "${layers[0]}"
  version=$(python_tree "$minor" "$work/$tag")
  without_pip "$work/$tag" "$minor"
  [ ! -e "$work/$tag/bin/sh" ] && [ ! -e "$work/$tag/usr/bin/sh" ] || die "$tag must have no shell"
  tar --sort=name --numeric-owner -C "$work/$tag" -cf - . | chainguard_import "$CHAINGUARD_REPO:$tag" "$tag" "$version"
  if [ "$tag" = latest ]; then latest_version=$version; fi
done

# latest-dev: the debian:trixie-slim stand-in with the interpreter and its pip,
# then flattened (docker export; its /.dockerenv dropped).
mkdir -p "$work/dev"
python_tree "$LATEST" "$work/dev/py" >/dev/null
# Chainguard's -dev image has the CA bundle too; debian:trixie-slim has none.
install -D -m 0644 "$work/latest/etc/ssl/certs/ca-certificates.crt" "$work/dev/py/etc/ssl/certs/ca-certificates.crt"
cp "$STANDINS_DIR/chainguard-dev.Dockerfile" "$work/dev/Dockerfile"
log "building $CHAINGUARD_REPO:latest-dev"
docker_build --build-arg "BASE=$DEBIAN_IMAGE" --build-arg "MINOR=$LATEST" -t "$CHAINGUARD_REPO:build-dev" "$work/dev"
container=$("$DOCKER" create "$CHAINGUARD_REPO:build-dev")
"$DOCKER" export "$container" | tar --delete .dockerenv | chainguard_import "$CHAINGUARD_REPO:latest-dev" latest-dev "$latest_version"
