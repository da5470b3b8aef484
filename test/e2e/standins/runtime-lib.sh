# shellcheck shell=bash
# Distroless tree assembly shared by runtime.sh (python3-debian13) and cc.sh
# (cc-debian13): the way distroless does it, the data of exactly the listed
# .debs plus generated files, assembled on the host. No shell ever runs inside
# the image (it has none), no maintainer script runs. Sourced after common.sh.

declare -A DEB_OF=() # package -> its downloaded .deb

# fetch_debs the packages and remember each one's .deb in DEB_OF.
load_debs() {
  local out d name
  out=$(fetch_debs "$@") # not <(...): its failure must stop us
  while read -r d; do
    name=$(basename "$d")
    DEB_OF[${name%%_*}]=$d
  done <<<"$out"
  for name in "$@"; do
    [ -n "${DEB_OF[$name]:-}" ] || die "no .deb for $name"
  done
}

# distroless_tree <root> <work> <package>...: unpack the packages (in the given
# order; base-files first, it carries the merged-/usr symlinks) into <root>
# with distroless' package metadata and generated files (users, groups, homes,
# /tmp, nsswitch.conf, os-release, the CA bundle). Their .debs must be loaded.
distroless_tree() {
  local root=$1 work=$2 pkg deb ctrl l
  shift 2
  mkdir -p "$root/var/lib/dpkg/status.d" "$work/control"
  for pkg in "$@"; do
    deb=${DEB_OF[$pkg]}
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
}

# distroless_check <root> <package count>: the whole point of distroless,
# nothing to exec a shell or manage packages (directories such as base-files'
# /etc/dpkg/origins are fine), and exactly the listed packages in status.d.
distroless_check() {
  local root=$1 count=$2 bad n
  bad=$(find "$root" ! -type d \( -name sh -o -name bash -o -name dash -o -name busybox \
    -o -name 'dpkg*' -o -name 'apt' -o -name 'apt-get' \) ! -path "$root/var/lib/dpkg/*" -print)
  [ -z "$bad" ] || die "the distroless rootfs must not contain: $bad"
  [ ! -e "$root/var/lib/dpkg/status" ] || die "/var/lib/dpkg/status must not exist"
  n=$(find "$root/var/lib/dpkg/status.d" -type f ! -name '*.md5sums' | wc -l)
  [ "$n" = "$count" ] || die "status.d has $n packages, expected $count"
}

DISTROLESS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# distroless_import <root> <image> <recipe hash> <description> [--change ...]:
# one-layer image of <root> with the static layer's config (PATH,
# SSL_CERT_FILE, uid 0 in /) plus the given changes.
distroless_import() {
  local root=$1 image=$2 hash=$3 description=$4
  shift 4
  log "importing $image"
  tar --numeric-owner --sort=name -C "$root" -cf - . |
    "$DOCKER" import \
      --change "ENV PATH=$DISTROLESS_PATH" \
      --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
      "$@" \
      --change 'USER 0' \
      --change 'WORKDIR /' \
      --change "LABEL $HASH_LABEL=$hash" \
      --change "LABEL $OWNER_LABEL=1" \
      --change "LABEL org.opencontainers.image.description=\"$description\"" \
      - "$image" >/dev/null
}

# distroless_nonroot <from> <to>: nonroot variants differ only in USER and
# WORKDIR (no context needed).
distroless_nonroot() {
  log "building $2"
  printf 'FROM %s\nUSER 65532\nWORKDIR /home/nonroot\n' "$1" | docker_build -t "$2" -
}
