#!/usr/bin/env bash
# Builds the python-build-standalone (PBS) stand-in mirror in $PBS_DIR: for
# every section of pbs-packages.txt, Debian's CPython of that suite laid out
# and made relocatable as a PBS "install_only" build (pbs-mkdist.py), packed
# under the names uv downloads:
#   <release>/cpython-<X.Y.Z>+<release>-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz
#   <release>/cpython-<X.Y.Z>+<release>-x86_64-unknown-linux-gnu-install_only.tar.gz (same file)
#   <release>/SHA256SUMS
# each extracting to a top-level python/ directory, plus the manifest pbs.json
# (versions, files, sha256) that standins.ts and the fake uv (uv.sh) read.
# standins.ts serves the mirror at <index server>/pbs/, the value for
# UV_PYTHON_INSTALL_MIRROR.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need dpkg-deb dpkg
need apt-get apt
need patchelf patchelf
need python3 python3
need objdump binutils
require_root

hash=$(recipe_hash pbs)
# PBS releases are named by date; the stand-in's by its recipe.
release=standin.${hash:0:12}
triple=x86_64-unknown-linux-gnu

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-pbs.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$PBS_DIR.new
rm -rf "$out"
mkdir -p "$out/$release"

# glibc of the runtime images (trixie): the only libraries not bundled.
use_suite trixie
aptroot_update
libc6=$(fetch_debs libc6)

# "<minor> <section's suite> <package> <package's suite>" lines (a package's
# own suite, if it names one, else its section's), and
# "<minor> <section's suite> drop: <module>" lines.
sed -e 's/#.*//' "$STANDINS_DIR/pbs-packages.txt" | awk '
  /^\[/ { gsub(/[][]/, ""); minor = $1; suite = $2; next }
  NF { if (minor == "") exit 1
       if ($1 == "drop:") print minor, suite, $1, $2
       else print minor, suite, $1, ($2 == "" ? suite : $2) }' >"$work/packages" ||
  die "pbs-packages.txt: packages before the first [<minor> <suite>] line"
mapfile -t minors < <(cut -d' ' -f1 "$work/packages" | uniq)
[ "${#minors[@]}" -gt 0 ] || die "no versions in pbs-packages.txt"

: >"$work/summaries"
for minor in "${minors[@]}"; do
  suite=$(awk -v m="$minor" '$1 == m { print $2; exit }' "$work/packages")
  mapfile -t drop < <(awk -v m="$minor" '$1 == m && $3 == "drop:" { print $4 }' "$work/packages")
  : >"$work/debs-$minor.tsv"
  # Each suite's packages from its own apt root.
  mapfile -t pkg_suites < <(awk -v m="$minor" '$1 == m && $3 != "drop:" { print $4 }' "$work/packages" | awk '!seen[$0]++')
  for pkg_suite in "${pkg_suites[@]}"; do
    mapfile -t pkgs < <(awk -v m="$minor" -v s="$pkg_suite" '$1 == m && $4 == s && $3 != "drop:" { print $3 }' "$work/packages")
    use_suite "$pkg_suite"
    aptroot_update
    debs_out=$(fetch_debs "${pkgs[@]}") # not <(...): its failure must stop us
    while read -r deb; do
      printf '%s\t%s\t%s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" "$deb" >>"$work/debs-$minor.tsv"
    done <<<"$debs_out"
  done
  drop_args=()
  for module in "${drop[@]}"; do drop_args+=(--drop "$module"); done

  log "CPython $minor from $suite: laying out a PBS install_only tree"
  python3 "$STANDINS_DIR/pbs-mkdist.py" --minor "$minor" --out "$work/tree-$minor" \
    --debs "$work/debs-$minor.tsv" --libc6 "$libc6" "${drop_args[@]}" >"$work/summary-$minor.json"
  version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$work/summary-$minor.json")
  case $version in "$minor".*) ;; *) die "$suite's python$minor is $version" ;; esac

  name=cpython-$version+$release-$triple
  # Owned by root, sorted, no gzip timestamp: the same .debs give the same bytes.
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$work/tree-$minor" -cf - python |
    gzip -n -6 >"$out/$release/$name-install_only_stripped.tar.gz"
  ln "$out/$release/$name-install_only_stripped.tar.gz" "$out/$release/$name-install_only.tar.gz"
  printf '%s %s %s\n' "$minor" "$suite" "$work/summary-$minor.json" >>"$work/summaries"
  rm -rf "$work/tree-$minor"
done

(cd "$out/$release" && sha256sum -- *.tar.gz >SHA256SUMS)

python3 - "$out" "$release" "$hash" "$triple" "$work/summaries" <<'EOF'
import hashlib, json, os, sys
out, release, recipe_hash, triple, summaries = sys.argv[1:]
pythons = {}
for line in open(summaries):
    minor, suite, path = line.split()
    s = json.load(open(path))
    name = f"cpython-{s['version']}+{release}-{triple}"
    files = {v: f"{release}/{name}-{v}.tar.gz" for v in ("install_only_stripped", "install_only")}
    data = open(os.path.join(out, files["install_only_stripped"]), "rb").read()
    pythons[minor] = {
        "version": s["version"],
        # uv's name for the installation (its directory in UV_PYTHON_INSTALL_DIR)
        "key": f"cpython-{s['version']}-linux-x86_64-gnu",
        # what uv 0.12.5 downloads, relative to the mirror (UV_PYTHON_INSTALL_MIRROR)
        "url": files["install_only_stripped"],
        "files": files,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "debian": s["debian"],
        "suite": suite,
        "packages": s["packages"],
        "bundledLibraries": s["bundledLibraries"],
        "ensurepip": s["ensurepip"],
        # lib-dynload modules left out (drop: lines), with the symbol versions they needed
        "leftOut": s["leftOut"],
    }
manifest = {
    "format": 1,
    "recipeHash": recipe_hash,
    "release": release,
    "platform": triple,
    "source": "Debian CPython packages laid out as python-build-standalone install_only builds",
    "pythons": dict(sorted(pythons.items(), key=lambda kv: tuple(map(int, kv[0].split("."))))),
}
with open(os.path.join(out, "pbs.json"), "w") as fh:
    json.dump(manifest, fh, indent=2, sort_keys=True)
    fh.write("\n")
EOF
# Swap in the finished mirror in one rename, as index-mkwheel.py does.
rm -rf "$PBS_DIR.old"
if [ -e "$PBS_DIR" ]; then mv "$PBS_DIR" "$PBS_DIR.old"; fi
mv "$out" "$PBS_DIR"
rm -rf "$PBS_DIR.old"
for minor in "${minors[@]}"; do
  log "  $(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["pythons"][sys.argv[2]]; print(p["url"], p["size"] // 1000000, "MB")' "$PBS_MANIFEST" "$minor")"
done
