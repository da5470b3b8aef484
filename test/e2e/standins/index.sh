#!/usr/bin/env bash
# Builds the local PEP 503 index ($CACHE/index) from Debian trixie python3-*
# packages: every build starts from the .debs, so the index matches the recipe.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need dpkg-deb dpkg
need python3 python3
need apt-get apt

aptroot_update
list=$STANDINS_DIR/index-packages.txt
mapfile -t pkgs < <(read_list "$list")
[ "${#pkgs[@]}" -gt 0 ] || die "no packages in $list"
debs_out=$(fetch_debs "${pkgs[@]}") # not <(...): its failure must stop us
mapfile -t debs <<<"$debs_out"

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-index.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One "<package> <version> <role> <unpacked root>" line (tab-separated) per
# package for index-mkwheel.py.
: >"$work/packages.tsv"
while read -r pkg role; do
  deb=
  for d in "${debs[@]}"; do
    case $(basename "$d") in "${pkg}_"*) deb=$d ;; esac
  done
  [ -n "$deb" ] || die "no .deb for $pkg"
  dpkg-deb -x "$deb" "$work/$pkg"
  printf '%s\t%s\t%s\t%s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" "${role:--}" "$work/$pkg" >>"$work/packages.tsv"
done < <(sed -e 's/#.*//' "$list" | awk 'NF { print $1, ($2 == "" ? "-" : $2) }')

log "writing wheels and PEP 503 pages into $INDEX_DIR"
python3 "$STANDINS_DIR/index-mkwheel.py" --out "$INDEX_DIR" --suite "$SUITE" \
  --recipe-hash "$(recipe_hash index)" <"$work/packages.tsv"
