#!/usr/bin/env bash
# Builds standin/uv:0.12.5, the stand-in for ghcr.io/astral-sh/uv:0.12.5: FROM
# scratch with /uv and /uvx, WORKDIR /io, ENTRYPOINT ["/uv"], like uv's own
# Dockerfile. /uv is a Python zip application (uv-fake.py + the downloads of
# the PBS stand-in mirror + Debian's pip wheel) run by the builder image's
# /usr/bin/python3; /uvx only says it is not implemented. Real uv is a static
# binary that needs no Python in the builder.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need dpkg-deb dpkg
need apt-get apt
need python3 python3
require_root

hash=$(recipe_hash uv)
[ -s "$PBS_MANIFEST" ] || die "no $PBS_MANIFEST (build.sh pbs first)"
pbs_sha=$(sha256sum <"$PBS_MANIFEST" | cut -d' ' -f1)
aptroot_update
pip_deb=$(fetch_debs python3-pip-whl)

work=$(mktemp -d "${TMPDIR:-/tmp}/standins-uv.XXXXXX")
trap 'rm -rf "$work"' EXIT
app=$work/app
root=$work/root
mkdir -p "$app" "$root/io"
cp "$STANDINS_DIR/uv-fake.py" "$app/__main__.py"
dpkg-deb -x "$pip_deb" "$work/pip"
cp "$work"/pip/usr/share/python-wheels/pip-*.whl "$app/"

# The downloads this uv knows (real uv: crates/uv-python/download-metadata.json,
# compiled in), keyed like uv's and with the GitHub URLs uv has; the mirror
# replaces the URL prefix, as UV_PYTHON_INSTALL_MIRROR does.
python3 - "$PBS_MANIFEST" "$app/downloads.json" <<'EOF'
import json, sys
manifest = json.load(open(sys.argv[1]))
prefix = "https://github.com/astral-sh/python-build-standalone/releases/download/"
downloads = {
    p["key"]: {
        "version": p["version"],
        "url": prefix + p["url"].replace("+", "%2B"),
        "sha256": p["sha256"],
        "build": manifest["release"],
    }
    for p in manifest["pythons"].values()
}
json.dump(downloads, open(sys.argv[2], "w"), indent=2, sort_keys=True)
EOF

python3 -m zipapp "$app" -o "$root/uv" -p '/usr/bin/python3 -I'
cat >"$root/uvx" <<'EOF'
#!/usr/bin/python3 -I
import sys
sys.stderr.write("error: `uvx` is not implemented in the stand-in of uv 0.12.5 (test/e2e/standins/uv.sh)\n")
sys.exit(2)
EOF
chmod 0755 "$root/uv" "$root/uvx"

log "importing $UV_IMAGE"
tar --numeric-owner --owner=0 --group=0 --sort=name -C "$root" -cf - . |
  "$DOCKER" import \
    --change 'WORKDIR /io' \
    --change 'ENTRYPOINT ["/uv"]' \
    --change "LABEL $HASH_LABEL=$hash" \
    --change "LABEL $PBS_LABEL=$pbs_sha" \
    --change "LABEL $OWNER_LABEL=1" \
    --change 'LABEL org.opencontainers.image.description="offline test stand-in for ghcr.io/astral-sh/uv:0.12.5 (a Python script run by /usr/bin/python3 of the builder; not the real image)"' \
    - "$UV_IMAGE" >/dev/null
