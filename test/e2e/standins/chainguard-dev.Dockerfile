# Turns the debian:trixie-slim stand-in into the tree of
# cgr.dev/chainguard/python:latest-dev: CPython in /usr (py/usr, from
# chainguard.sh) with pip, `python` is /usr/bin/python (so venvs link there,
# as on Chainguard), a shell, and a nonroot user 65532. chainguard.sh flattens
# the result and gives it Chainguard's config (the base's ENV/CMD must not leak).
ARG BASE
FROM ${BASE}
ARG MINOR
COPY py/ /
RUN set -eux; \
    printf '#!/bin/sh\nexec /usr/bin/python%s -m pip "$@"\n' "$MINOR" >/usr/bin/pip; \
    chmod 0755 /usr/bin/pip; \
    rm -f /usr/bin/pip3; \
    echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh' >>/etc/passwd; \
    echo 'nonroot:x:65532:' >>/etc/group; \
    install -d -m 0755 -o 65532 -g 65532 /home/nonroot; \
    test "$(command -v python)" = /usr/bin/python; \
    pip --version | grep -q "python $MINOR"
