#!/usr/bin/env bash
# Builds the stand-in for gcr.io/distroless/python3-debian13, tags latest,
# nonroot, debug and debug-nonroot, the way distroless does it: the data of
# exactly the 38 listed .debs plus generated files, assembled on the host. No
# shell ever runs inside the image (it has none), no maintainer script runs.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need dpkg-deb dpkg
need apt-get apt
require_root

hash=$(recipe_hash runtime)
aptroot_update
mapfile -t pkgs < <(read_list "$STANDINS_DIR/runtime-packages.txt")
[ "${#pkgs[@]}" = 38 ] || die "runtime-packages.txt lists ${#pkgs[@]} packages, expected 38"
debs_out=$(fetch_debs "${pkgs[@]}" busybox-static) # not <(...): its failure must stop us
mapfile -t debs <<<"$debs_out"

deb_of() { # package -> its .deb among the downloaded ones
  local d
  for d in "${debs[@]}"; do
    case $(basename "$d") in "${1}_"*) printf '%s\n' "$d"; return 0 ;; esac
  done
  die "no .deb for $1"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-runtime.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/var/lib/dpkg/status.d" "$work/control"

log "unpacking ${#pkgs[@]} packages"
for pkg in "${pkgs[@]}"; do
  deb=$(deb_of "$pkg")
  ctrl=$work/control/$pkg
  dpkg-deb -e "$deb" "$ctrl"
  if [ "$pkg" = ca-certificates ]; then
    # distroless' cacerts rule keeps only the concatenated bundle (and the
    # copyright), not the individual certificates or update-ca-certificates.
    dpkg-deb -x "$deb" "$work/ca"
    mkdir -p "$root/etc/ssl/certs" "$root/usr/share/doc/ca-certificates"
    find "$work/ca/usr/share/ca-certificates" -name '*.crt' -print0 | LC_ALL=C sort -z |
      xargs -0 cat >"$root/etc/ssl/certs/ca-certificates.crt"
    cp "$work/ca/usr/share/doc/ca-certificates/copyright" "$root/usr/share/doc/ca-certificates/"
    (cd "$root" && md5sum etc/ssl/certs/ca-certificates.crt usr/share/doc/ca-certificates/copyright) \
      >"$ctrl/md5sums"
  else
    dpkg-deb -x "$deb" "$root"
  fi
  # distroless' package metadata layout (read by syft/trivy): no
  # /var/lib/dpkg/status, one control file per package plus its md5sums.
  cp "$ctrl/control" "$root/var/lib/dpkg/status.d/$pkg"
  if [ -f "$ctrl/md5sums" ]; then
    cp "$ctrl/md5sums" "$root/var/lib/dpkg/status.d/$pkg.md5sums"
  fi
done

for l in bin lib lib64 sbin; do
  [ -L "$root/$l" ] || die "/$l is not the merged-/usr symlink any more"
done

# Generated files, as distroless' common/BUILD.bazel and static.bzl make them.
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
chmod 0644 "$root/etc/passwd" "$root/etc/group"
install -d -m 0700 -o 0 -g 0 "$root/root"
install -d -m 0755 -o 0 -g 0 "$root/home"
install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"
install -d -m 1777 -o 0 -g 0 "$root/tmp"
cat >"$root/etc/nsswitch.conf" <<'EOF'
# /etc/nsswitch.conf
#
# Example configuration of GNU Name Service Switch functionality.
# If you have the `glibc-doc-reference' and `info' packages installed, try:
# `info libc "Name Service Switch"' for information about this file.

passwd:         compat
group:          compat
shadow:         compat
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
EOF
# base-files' /etc/os-release is a symlink to this file.
cat >"$root/usr/lib/os-release" <<'EOF'
PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="13"
VERSION="Debian GNU/Linux 13 (trixie)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
EOF
ln -sfn /usr/bin/python3.13 "$root/usr/bin/python"
ln -sfn /usr/bin/python3.13 "$root/usr/bin/python3"

# ctypes.util.find_library() reads ld.so.cache; generate it with the image's
# own (static) ldconfig, chrooted, without touching the library links.
"$root/usr/sbin/ldconfig" -X -r "$root"
[ -s "$root/etc/ld.so.cache" ] || die "ldconfig wrote no /etc/ld.so.cache"

# The whole point of distroless: nothing to exec a shell or manage packages.
# (Directories such as base-files' /etc/dpkg/origins are fine.)
bad=$(find "$root" ! -type d \( -name sh -o -name bash -o -name dash -o -name busybox \
  -o -name 'dpkg*' -o -name 'apt' -o -name 'apt-get' \) ! -path "$root/var/lib/dpkg/*" -print)
[ -z "$bad" ] || die "the runtime rootfs must not contain: $bad"
[ ! -e "$root/var/lib/dpkg/status" ] || die "/var/lib/dpkg/status must not exist"

n=$(find "$root/var/lib/dpkg/status.d" -type f ! -name '*.md5sums' | wc -l)
[ "$n" = 38 ] || die "status.d has $n packages, expected 38"

env_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
latest=$RUNTIME_REPO:latest
log "importing $latest"
tar --numeric-owner --sort=name -C "$root" -cf - . |
  "$DOCKER" import \
    --change "ENV PATH=$env_path" \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENTRYPOINT ["/usr/bin/python3.13"]' \
    --change 'USER 0' \
    --change 'WORKDIR /' \
    --change "LABEL $HASH_LABEL=$hash" \
    --change "LABEL $OWNER_LABEL=1" \
    --change 'LABEL org.opencontainers.image.description="offline test stand-in for gcr.io/distroless/python3-debian13 (not the real image)"' \
    - "$latest" >/dev/null

# Debug: same image plus busybox in /busybox, PATH gains :/busybox; the
# entrypoint stays python, as in the real python3 debug tags.
bb=$work/debug
mkdir -p "$bb/busybox"
dpkg-deb -x "$(deb_of busybox-static)" "$work/bbdeb"
install -m 0755 "$work/bbdeb/usr/bin/busybox" "$bb/busybox/busybox"
for applet in $("$bb/busybox/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$bb/busybox/$applet"
done
[ -L "$bb/busybox/sh" ] || die "busybox has no sh applet"
cp "$STANDINS_DIR/runtime-debug.Dockerfile" "$bb/Dockerfile"
log "building $RUNTIME_REPO:debug"
docker_build --build-arg "BASE=$latest" --build-arg "DEBUG_PATH=$env_path:/busybox" \
  -t "$RUNTIME_REPO:debug" "$bb"

# nonroot variants differ only in USER and WORKDIR (no context needed).
for pair in latest:nonroot debug:debug-nonroot; do
  from=${pair%%:*} to=${pair#*:}
  log "building $RUNTIME_REPO:$to"
  printf 'FROM %s\nUSER 65532\nWORKDIR /home/nonroot\n' "$RUNTIME_REPO:$from" |
    docker_build -t "$RUNTIME_REPO:$to" -
done
