# syntax=docker/dockerfile:1
# spacewarden as a container: one static (musl) binary on distroless/static, run as
# uid 1000 (Hugging Face Spaces' convention), its SQLite file in /data, HTTP on 7860.
# Build: docker build -t spacewarden .    Run: see README ("Docker").

FROM rust:1.95-slim AS build
# musl-tools: a C compiler for the musl target (bundled SQLite, ring). Debian's archive
# moves on, so the package is not pinned to a version.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# A static binary for this machine's architecture (x86_64 or aarch64). The cache
# mounts keep the registry and build artefacts between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    target="$(uname -m)-unknown-linux-musl" \
 && rustup target add "$target" \
 && cargo build --release --locked --target "$target" \
 && cp "target/$target/release/spacewarden" /usr/local/bin/spacewarden \
 && mkdir /data

# distroless/static: CA certificates, tzdata, /etc/passwd; no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /usr/local/bin/spacewarden /usr/local/bin/spacewarden
COPY --from=build --chown=1000:1000 /data /data
ENV DATABASE_URL=sqlite:///data/spacewarden.db \
    PORT=7860 \
    RUST_LOG=info
USER 1000:1000
WORKDIR /data
EXPOSE 7860
# The binary asks its own /healthz: the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/spacewarden", "healthcheck"]
# SIGTERM (what `docker stop` and Hugging Face send) stops spacewarden cleanly.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/spacewarden"]
CMD ["run"]
