# Turns the builder stand-in (Debian's python3.13 + pip in /usr/local) into the
# tree of cgr.dev/chainguard/python:latest-dev: `python` is /usr/bin/python
# (so venvs link there, as on Chainguard), pip runs with /usr/bin/python3.13,
# and there is a nonroot user 65532. chainguard.sh flattens the result and
# gives it Chainguard's config (the builder's ENV/CMD must not leak).
ARG BASE
FROM ${BASE}
RUN set -eux; \
    rm -f /usr/local/bin/python /usr/local/bin/python3 /usr/local/bin/python3.13; \
    ln -s python3.13 /usr/bin/python; \
    for f in /usr/local/bin/pip /usr/local/bin/pip3 /usr/local/bin/pip3.13; do \
        sed -i '1s|^#!.*$|#!/usr/bin/python3.13|' "$f"; \
    done; \
    echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh' >>/etc/passwd; \
    echo 'nonroot:x:65532:' >>/etc/group; \
    install -d -m 0755 -o 65532 -g 65532 /home/nonroot; \
    test "$(command -v python)" = /usr/bin/python; \
    pip --version | grep -q 'python 3.13'
