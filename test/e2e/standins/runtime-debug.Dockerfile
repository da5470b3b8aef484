# :debug tag of the runtime stand-in: the runtime plus Debian's busybox-static
# in /busybox (sh and the applet links), reachable through PATH. COPY only: the
# base has no shell to RUN anything. The entrypoint stays python, as upstream.
ARG BASE
FROM ${BASE}
ARG DEBUG_PATH
COPY busybox/ /busybox/
ENV PATH=${DEBUG_PATH}
