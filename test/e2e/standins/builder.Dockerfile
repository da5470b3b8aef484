# Finishes the builder stand-in (standin/python:3.13-slim-trixie) on top of the
# imported mmdebstrap rootfs (trixie minbase + Debian's python3 + python3-venv),
# so that it behaves like docker-library's python:3.13-slim-trixie:
# the interpreter is reached through /usr/local/bin, pip lives in
# /usr/local/lib/python3.13/site-packages, there is no PEP 668 marker and no
# /usr/bin/python. Built with the legacy builder (no BuildKit features).
ARG BASE
FROM ${BASE}

# Only /usr/include of Debian's libpython3.13-dev (Python.h, pyconfig.h): the
# real image has its headers too, but no compiler and no libc6-dev.
COPY include/ /usr/include/

ARG PYTHON_VERSION
RUN set -eux; \
    # The official image has no EXTERNALLY-MANAGED marker (PEP 668).
    rm -f /usr/lib/python3.13/EXTERNALLY-MANAGED; \
    # /usr/local/bin/python3.13 is the interpreter there; here it points at
    # Debian's. /usr/bin/python3.13 stays a real binary on purpose (generated
    # Dockerfiles guard with [ -e /usr/bin/python3.13 ] || ln -s ...).
    ln -s /usr/bin/python3.13 /usr/local/bin/python3.13; \
    ln -s python3.13 /usr/local/bin/python3; \
    ln -s python3 /usr/local/bin/python; \
    # pip installs as root go to /usr/local/lib/python3.13/site-packages, as in
    # the official image; Debian's scheme names it dist-packages.
    mkdir -p /usr/local/lib/python3.13/site-packages; \
    rm -rf /usr/local/lib/python3.13/dist-packages; \
    ln -s site-packages /usr/local/lib/python3.13/dist-packages; \
    # Bootstrap pip from Debian's wheel (ensurepip is disabled for the system
    # python); run through /usr/local/bin so scripts get that shebang.
    whl=$(echo /usr/share/python-wheels/pip-*.whl); \
    # --no-compile: the official image deletes its .pyc files too.
    /usr/local/bin/python3 "$whl/pip" install --no-index --no-cache-dir --no-compile \
        --disable-pip-version-check --root-user-action=ignore "$whl"; \
    test -x /usr/local/bin/pip; \
    test ! -e /usr/bin/python

ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHON_VERSION=${PYTHON_VERSION}

CMD ["python3"]
