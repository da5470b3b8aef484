# Sourced by the image benchmarks: sets builder, runtime and index (build args) to the real images
# and PyPI (E2E_REAL_IMAGES=1), or to the stand-ins and the local index, served on a free port
# (server: its pid, for the caller's cleanup to kill).
# shellcheck shell=bash
if [ "${E2E_REAL_IMAGES:-}" = 1 ]; then
  builder=python:3.13-slim-trixie runtime=gcr.io/distroless/python3-debian13:nonroot
  index=()
else
  bash "$root/test/e2e/standins/build.sh" >&2
  builder=standin/python:3.13-slim-trixie runtime=standin/distroless-python3-debian13:nonroot
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "${STANDINS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/distroless-python-standins}/index" "$port" >/dev/null 2>&1 &
  server=$!
  index=(--build-arg "PIP_INDEX_URL=http://127.0.0.1:$port/simple/")
  sleep 1
fi
