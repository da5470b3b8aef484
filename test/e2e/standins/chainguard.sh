#!/usr/bin/env bash
# Builds standin/chainguard-python:{latest,latest-dev}, stand-ins for
# cgr.dev/chainguard/python:latest and :latest-dev, from the Debian 3.13
# stand-ins: latest = the distroless python3 runtime's tree, latest-dev = the
# builder's with chainguard-dev.Dockerfile; both flattened and given the
# Chainguard config (images/python locked_config.json): ENTRYPOINT
# /usr/bin/python, user 65532 (nonroot) for both tags, no WORKDIR, ENV PATH and
# SSL_CERT_FILE only. The real images run Python 3.14 today; these run 3.13,
# recorded in the standins.python-version label, so that tests can show a
# version guard catching a moved `latest`.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

hash=$(recipe_hash chainguard)
pyver=$("$DOCKER" run --rm "$RUNTIME_REPO:latest" -c 'import platform; print(platform.python_version())')
[[ $pyver == 3.13.* ]] || die "the runtime stand-in runs Python '$pyver', expected 3.13.x"

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-chainguard.XXXXXX")
container=
cleanup() {
  [ -z "$container" ] || "$DOCKER" rm -f "$container" >/dev/null 2>&1 || true
  "$DOCKER" image rm "$CHAINGUARD_REPO:build-dev" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# chainguard_import <image> <what> < rootfs tar
chainguard_import() {
  log "importing $1"
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENTRYPOINT ["/usr/bin/python"]' \
    --change 'USER 65532' \
    --change "LABEL $HASH_LABEL=$hash" \
    --change "LABEL $PYVER_LABEL=$pyver" \
    --change "LABEL $OWNER_LABEL=1" \
    --change "LABEL org.opencontainers.image.description=\"offline test stand-in for cgr.dev/chainguard/python:$2 (Debian Python $pyver, not Chainguard's; not the real image)\"" \
    - "$1" >/dev/null
}

# latest: the runtime stand-in's only layer (it already has /usr/bin/python
# and the nonroot user).
"$DOCKER" save "$RUNTIME_REPO:latest" | tar -x -C "$work" --wildcards '*/layer.tar'
layers=("$work"/*/layer.tar)
[ "${#layers[@]}" = 1 ] || die "$RUNTIME_REPO:latest has ${#layers[@]} layers, expected 1"
chainguard_import "$CHAINGUARD_REPO:latest" latest <"${layers[0]}"

# latest-dev: the builder, adjusted, then flattened (docker export; its
# /.dockerenv dropped).
mkdir -p "$work/dev"
cp "$STANDINS_DIR/chainguard-dev.Dockerfile" "$work/dev/Dockerfile"
log "building $CHAINGUARD_REPO:latest-dev"
docker_build --build-arg "BASE=$BUILDER_IMAGE" -t "$CHAINGUARD_REPO:build-dev" "$work/dev"
container=$("$DOCKER" create "$CHAINGUARD_REPO:build-dev")
"$DOCKER" export "$container" | tar --delete .dockerenv | chainguard_import "$CHAINGUARD_REPO:latest-dev" latest-dev
