# The same app the usual way: one stage on the -slim image, for comparison with the
# generated two-stage distroless build (bench/image.sh).
ARG BUILDER_IMAGE=python:3.13-slim-trixie
FROM ${BUILDER_IMAGE}
ARG PIP_INDEX_URL
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN python3 -m pip install --requirement requirements.txt
COPY src src
USER 65532:65532
ENTRYPOINT ["python3", "/app/src/app.py"]
