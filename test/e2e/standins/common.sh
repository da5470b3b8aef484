# shellcheck shell=bash disable=SC2034 # variables are used by the recipes sourcing this
# Shared settings and helpers for the stand-in recipes. Sourced, never run.
#
# A recipe's content hash covers this file plus every file of its component
# (runtime*, builder*, index*, ...) plus the hashes of the components it is
# built from or reuses code of (DEPS below); standins.ts computes the same
# hash, so keep recipe_hash() and the TypeScript copy in step (a test
# cross-checks them).

# Files we write into image trees must be world-readable whatever the caller's
# umask (nonroot reads /etc/passwd, nsswitch.conf, the CA bundle...).
umask 022

STANDINS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Same default as cacheDir() in ../standins.ts.
CACHE=${STANDINS_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(cd ~ && pwd)}/.cache}/distroless-python-standins}
DOCKER=${DOCKER:-docker}
# The legacy builder is what the docker CLI 28 without buildx uses anyway; pin
# it so the recipes behave the same with either client.
export DOCKER_BUILDKIT=0

# Debian only: the one registry besides npm that this machine can reach.
DEBIAN_MIRROR=${STANDINS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY=${STANDINS_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
SUITE=trixie
ARCH=amd64

BUILDER_IMAGE=standin/python:3.13-slim-trixie
RUNTIME_REPO=standin/distroless-python3-debian13
CC_REPO=standin/distroless-cc-debian13
UV_IMAGE=standin/uv:0.12.5
DEBIAN_IMAGE=standin/debian:trixie-slim
CHAINGUARD_REPO=standin/chainguard-python
HASH_LABEL=standins.recipe-hash
# On standin/uv and the Chainguard stand-ins: the sha256 of the pbs.json they were made from.
PBS_LABEL=standins.pbs-manifest
# On the Chainguard stand-ins: the Python version they run.
PYVER_LABEL=standins.python-version
# Present on every image the recipes make, for pruning replaced ones.
OWNER_LABEL=standins

APTROOT=$CACHE/aptroot
DEBS=$CACHE/debs
INDEX_DIR=$CACHE/index
# The python-build-standalone stand-in mirror (served under /pbs/ next to the
# index by standins.ts) and its manifest.
PBS_DIR=$CACHE/pbs
PBS_MANIFEST=$PBS_DIR/pbs.json

log() { printf '[standins %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Components built from (or reusing the recipe code of) other components; their
# hashes are part of the dependent's. Same table as DEPS in ../standins.ts.
declare -A DEPS=(
  [cc]=runtime                 # runtime-lib.sh assembles both distroless trees
  [uv]=pbs                     # the fake uv knows the mirror's downloads
  [debian]=builder             # the builder's mmdebstrap rootfs
  [chainguard]="cc pbs debian"  # their trees, and the interpreter
)

# sha256 over "name hash" lines of common.sh and the component's files, in C
# order, then "dep <component> <hash>" lines for its DEPS. Same algorithm as
# recipeHash() in ../standins.ts.
recipe_hash() {
  local comp=$1 f dep
  (
    cd "$STANDINS_DIR" || exit
    export LC_ALL=C
    for f in common[-.]* "$comp"[-.]*; do
      [ -f "$f" ] || continue
      printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -d' ' -f1)"
    done
    for dep in ${DEPS[$comp]:-}; do
      printf 'dep %s %s\n' "$dep" "$(recipe_hash "$dep")"
    done
  ) | sha256sum | cut -d' ' -f1
}

image_label() { # image [label, default the recipe hash] -> label value or empty
  "$DOCKER" image inspect --format "{{ index .Config.Labels \"${2:-$HASH_LABEL}\" }}" "$1" 2>/dev/null || true
}

# docker build with its chatter (and the legacy builder's deprecation notice)
# kept out of the way; the log is shown only when the build fails.
docker_build() {
  local out
  out=$(mktemp "${TMPDIR:-/tmp}/standins-build.XXXXXX")
  if ! "$DOCKER" build --force-rm "$@" >"$out" 2>&1; then
    tail -n 60 "$out" >&2
    rm -f "$out"
    die "docker build $* failed"
  fi
  rm -f "$out"
}

need() { # command debian-package
  command -v "$1" >/dev/null || die "'$1' not found on the host (apt-get install $2)"
}

require_root() {
  # dpkg-deb -x and mmdebstrap must keep root/65532 ownership in the tarballs.
  [ "$(id -u)" = 0 ] || die "the stand-in recipes must run as root (they build rootfs trees with real ownership)"
}

# apt-get against a private trixie apt root, so the host's (bookworm) apt state
# is never read or changed. APT_CONFIG is read before apt.conf.d, so the host's
# hooks in /etc/apt/apt.conf.d (e.g. docker-clean) do not apply either.
apt_private() {
  APT_CONFIG=$APTROOT/etc/apt/apt.conf apt-get -q "$@"
}

# Point the apt helpers at another Debian suite: its own private apt root and
# .deb cache ($SUITE's stay where they are).
use_suite() {
  if [ "$1" != trixie ]; then
    APTROOT=$CACHE/aptroot-$1
    DEBS=$CACHE/debs-$1
  else
    APTROOT=$CACHE/aptroot
    DEBS=$CACHE/debs
  fi
  SUITE=$1
}

aptroot_setup() {
  mkdir -p "$APTROOT"/etc/apt/{apt.conf.d,preferences.d,sources.list.d,trusted.gpg.d} \
    "$APTROOT"/var/lib/apt/lists/partial "$APTROOT"/var/cache/apt/archives/partial \
    "$APTROOT"/var/lib/dpkg "$DEBS"
  [ -e "$APTROOT/var/lib/dpkg/status" ] || : >"$APTROOT/var/lib/dpkg/status"
  cat >"$APTROOT/etc/apt/apt.conf" <<EOF
Dir "$APTROOT/";
Dir::State::status "$APTROOT/var/lib/dpkg/status";
APT::Architecture "$ARCH";
APT::Architectures { "$ARCH"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
  # Unstable (sid) has neither -updates nor a security suite, and its Release
  # carries a Valid-Until a week ahead, which the mirror here can lag behind:
  # the signature is still checked, the freshness is not (pbs.json and
  # index.json record the versions taken).
  if [ "$SUITE" = sid ]; then
    echo 'Acquire::Check-Valid-Until "false";' >>"$APTROOT/etc/apt/apt.conf"
    cat >"$APTROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  else
    cat >"$APTROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
}

# Refresh the private package lists unless they are younger than 6 hours.
aptroot_update() {
  aptroot_setup
  local stamp=$APTROOT/updated.stamp
  if [ -n "$(find "$stamp" -mmin -360 2>/dev/null)" ]; then
    return 0
  fi
  log "apt-get update (private $SUITE apt root $APTROOT)"
  apt_private update >/dev/null
  touch "$stamp"
}

# Download the candidate .debs of the given packages into $DEBS (kept between
# runs, so reruns only fetch what changed) and print their paths, one a line
# (in apt's order, not necessarily the order asked).
fetch_debs() {
  local uris name size ver missing=() files=()
  uris=$(apt_private download --print-uris "$@") || die "apt-get download --print-uris $* failed"
  # Lines look like: 'URL' <pkg>_<version, : as %3a>_<arch>.deb <size> SHA256:<hex>
  while read -r _ name size _; do
    [ -n "$name" ] || continue
    files+=("$DEBS/$name")
    if [ "$(stat -c %s "$DEBS/$name" 2>/dev/null)" != "$size" ]; then
      ver=${name#*_}
      ver=${ver%_*}
      missing+=("${name%%_*}=${ver//%3a/:}")
    fi
  done <<<"$uris"
  if [ "${#missing[@]}" -gt 0 ]; then
    # Superseded versions of these packages are dead weight in the cache.
    for name in "${files[@]}"; do
      name=$(basename "$name")
      find "$DEBS" -maxdepth 1 -name "${name%%_*}_*.deb" ! -name "$name" -delete
    done
    log "downloading ${#missing[@]} .deb(s) into $DEBS"
    if ! (cd "$DEBS" && apt_private download "${missing[@]}" >/dev/null); then
      # Lists up to 6 h old can name versions the mirror has dropped since.
      [ "${FETCH_RETRY:-1}" = 1 ] || die "apt-get download ${missing[*]} failed"
      log "download failed; refreshing the package lists and retrying"
      rm -f "$APTROOT/updated.stamp"
      aptroot_update
      FETCH_RETRY=0 fetch_debs "$@"
      return
    fi
  fi
  [ "${#files[@]}" = "$#" ] || die "expected $# .debs, apt offered ${#files[@]}"
  printf '%s\n' "${files[@]}"
}

# First column of a list file: '#' comments and blank lines ignored.
read_list() {
  sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'
}
