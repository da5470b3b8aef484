#!/usr/bin/env bash
# Builds standin/debian:trixie-slim, the builder stand-in for the standalone
# (uv + python-build-standalone) strategy: the builder's mmdebstrap rootfs
# (trixie minbase, dpkg excludes as debian:*-slim) with debian:trixie-slim's
# config (PATH, CMD ["bash"]). Unlike the real image it also has
# ca-certificates, netbase, tzdata and Debian's python3/python3-venv
# (/usr/bin/python3.13): the fake uv of standin/uv:0.12.5 is a Python script
# (it ignores that interpreter when it looks for Pythons).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

hash=$(recipe_hash debian)
# The imported rootfs is the bottom image of the builder (builder.sh).
base=$("$DOCKER" history -q --no-trunc "$BUILDER_IMAGE" | tail -n1)
case $base in
  sha256:*) ;;
  *) die "cannot find the rootfs image under $BUILDER_IMAGE (got '$base'; build.sh --force builder)" ;;
esac
if ! "$DOCKER" run --rm --entrypoint /bin/sh "$base" -c \
  'test -x /usr/bin/python3.13 && test ! -e /usr/local/bin/python3 && test -x /usr/bin/apt-get' >/dev/null 2>&1; then
  die "$base is not the builder's mmdebstrap rootfs (build.sh --force builder)"
fi

log "building $DEBIAN_IMAGE"
printf 'FROM %s\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["bash"]\n' "$base" |
  docker_build --label "$HASH_LABEL=$hash" --label "$OWNER_LABEL=1" \
    --label 'org.opencontainers.image.description=offline test stand-in for debian:trixie-slim (plus python3 for the fake uv; not the real image)' \
    -t "$DEBIAN_IMAGE" -
