# shellcheck shell=bash disable=SC2034 # variables are used by the recipes sourcing this
# Shared settings and helpers for the stand-in recipes. Sourced, never run.
#
# A recipe's content hash covers this file plus every file of its component
# (runtime*, builder*, index*); standins.ts computes the same hash, so keep
# recipe_hash() and the TypeScript copy in step (a test cross-checks them).

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
HASH_LABEL=standins.recipe-hash
# Present on every image the recipes make, for pruning replaced ones.
OWNER_LABEL=standins

APTROOT=$CACHE/aptroot
DEBS=$CACHE/debs
INDEX_DIR=$CACHE/index

log() { printf '[standins %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# sha256 over "name hash" lines of common.sh and the component's files, in C
# order. Same algorithm as recipeHash() in ../standins.ts.
recipe_hash() {
  local comp=$1 f
  (
    cd "$STANDINS_DIR" || exit
    export LC_ALL=C
    for f in common[-.]* "$comp"[-.]*; do
      [ -f "$f" ] || continue
      printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -d' ' -f1)"
    done
  ) | sha256sum | cut -d' ' -f1
}

image_label() { # image -> label value or empty
  "$DOCKER" image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
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
