#!/usr/bin/env bash
# Builds standin/locktools:latest, the real lock tools from Debian trixie for
# the e2e tests to write poetry.lock, Pipfile.lock and pdm.lock against the
# local index (../locktools.ts runs them): mmdebstrap (trixie minbase +
# python3-poetry, pipenv, python3-pdm, path excludes as debian:*-slim) ->
# docker import. Not a stand-in for any published image. No poetry export
# plugin: `poetry lock` does not need it. The mmdebstrap tarball (the slow
# part) is kept in $CACHE, keyed by its own options, so a changed label or
# config only re-imports it.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need mmdebstrap mmdebstrap
require_root

# Same name as in build.sh and ../standins.ts.
LOCKTOOLS_IMAGE=standin/locktools:latest
# On the image: the upstream versions inside, e.g. "pdm=2.20.1 pipenv=2024.0.1 poetry=2.1.2".
VERSIONS_LABEL=standins.locktools-versions

hash=$(recipe_hash locktools)

# Debian package -> the tool's name in the label.
declare -A tools=([python3-poetry]=poetry [pipenv]=pipenv [python3-pdm]=pdm)
# shellcheck disable=SC2054 # the commas belong to --include
mm_args=(
  --variant=minbase --arch="$ARCH" --format=tar
  --include=ca-certificates,python3-poetry,pipenv,python3-pdm
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
tarball=$CACHE/locktools-rootfs-$key.tar

have() { # tarball -> "<package>=<version>" lines of its dpkg status
  tar -xOf "$1" ./var/lib/dpkg/status | awk '/^Package:/ {p=$2} /^Version:/ {print p "=" $2}'
}

if [ ! -s "$tarball" ]; then
  log "mmdebstrap $SUITE minbase + ${!tools[*]} (the slow step) -> $tarball"
  mkdir -p "$CACHE"
  rm -f "$CACHE"/locktools-rootfs-*.tar # older keys are dead weight
  mmdebstrap --quiet "${mm_args[@]}" "$tarball.part" "${mm_sources[@]}"
  mv "$tarball.part" "$tarball"
fi

# Upstream versions: python3-poetry 2.1.2+dfsg-1+deb13u1 -> poetry=2.1.2.
installed=$(have "$tarball")
versions=()
for pkg in "${!tools[@]}"; do
  ver=$(awk -F= -v p="$pkg" '$1 == p {print $2}' <<<"$installed")
  [ -n "$ver" ] || die "$pkg is not in $tarball"
  ver=${ver#*:}
  ver=${ver%-*}
  versions+=("${tools[$pkg]}=${ver%%+*}")
done
mapfile -t versions < <(printf '%s\n' "${versions[@]}" | sort)

log "importing $tarball as $LOCKTOOLS_IMAGE (${versions[*]})"
# Any uid may run it (../locktools.ts runs it as the caller, with HOME in a
# temporary directory): nothing is written outside HOME and the project.
"$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
  --change 'ENV PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring' \
  --change 'ENV POETRY_KEYRING_ENABLED=false' \
  --change 'ENV PIPENV_YES=1 PIPENV_NOSPIN=1 PIPENV_NO_INHERIT=1' \
  --change 'ENV PDM_CHECK_UPDATE=false PDM_NON_INTERACTIVE=1' \
  --change 'WORKDIR /project' \
  --change 'CMD ["bash"]' \
  --change "LABEL $HASH_LABEL=$hash" \
  --change "LABEL $VERSIONS_LABEL=\"${versions[*]}\"" \
  --change "LABEL $OWNER_LABEL=1" \
  --change 'LABEL org.opencontainers.image.description="poetry, pipenv and pdm from Debian trixie, for the e2e tests to lock against the local index (not a published image)"' \
  "$tarball" "$LOCKTOOLS_IMAGE" >/dev/null

# Each tool must start (as a uid without a passwd entry, like the tests' runs).
for tool in poetry pipenv pdm; do
  out=$("$DOCKER" run --rm --network none --user 12345:12345 -e HOME=/tmp "$LOCKTOOLS_IMAGE" "$tool" --version 2>&1) ||
    die "$tool --version failed in $LOCKTOOLS_IMAGE: $out"
  log "$tool: $(printf '%s' "$out" | tail -n1)"
done
