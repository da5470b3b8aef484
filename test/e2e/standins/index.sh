#!/usr/bin/env bash
# Builds the local PEP 503 index ($CACHE/index) from Debian python3-* packages
# (trixie, plus the few index-packages.txt takes from another suite): every
# build starts from the .debs, so the index matches the recipe.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need dpkg-deb dpkg
need python3 python3
need apt-get apt

list=$STANDINS_DIR/index-packages.txt
# "<package> <role> <suite>" lines; the suite defaults to trixie.
mapfile -t lines < <(sed -e 's/#.*//' "$list" |
  awk -v d="$SUITE" 'NF { print $1, ($2 == "" ? "-" : $2), ($3 == "" ? d : $3) }')
[ "${#lines[@]}" -gt 0 ] || die "no packages in $list"
default_suite=$SUITE

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-index.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One "<package> <version> <role> <unpacked root> <suite>" line (tab-separated)
# per package for index-mkwheel.py; each suite from its own apt root.
: >"$work/packages.tsv"
mapfile -t suites < <(printf '%s\n' "${lines[@]}" | awk '{ print $3 }' | awk '!seen[$0]++')
for suite in "${suites[@]}"; do
  use_suite "$suite"
  aptroot_update
  mapfile -t pkgs < <(printf '%s\n' "${lines[@]}" | awk -v s="$suite" '$3 == s { print $1 }')
  debs_out=$(fetch_debs "${pkgs[@]}") # not <(...): its failure must stop us
  mapfile -t debs <<<"$debs_out"
  while read -r pkg role _; do
    deb=
    for d in "${debs[@]}"; do
      case $(basename "$d") in "${pkg}_"*) deb=$d ;; esac
    done
    [ -n "$deb" ] || die "no .deb for $pkg ($suite)"
    mkdir -p "$work/$suite"
    dpkg-deb -x "$deb" "$work/$suite/$pkg"
    printf '%s\t%s\t%s\t%s\t%s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" "$role" "$work/$suite/$pkg" "$suite" \
      >>"$work/packages.tsv"
  done < <(printf '%s\n' "${lines[@]}" | awk -v s="$suite" '$3 == s')
done

log "writing wheels and PEP 503 pages into $INDEX_DIR"
python3 "$STANDINS_DIR/index-mkwheel.py" --out "$INDEX_DIR" --suite "$default_suite" \
  --recipe-hash "$(recipe_hash index)" <"$work/packages.tsv"
