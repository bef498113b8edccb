# Build stage: compile the release binary (migrations are embedded in it).
FROM rust:1-slim-bookworm AS build
# The gateway's TLS is the system's OpenSSL (see Cargo.toml: serenity's
# native_tls_backend), so the build needs its headers.
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY .cargo .cargo
# The queries' offline data: the build checks them without a database.
COPY .sqlx .sqlx
COPY build.rs build.rs
COPY src src
# The built-in lessons are embedded in the binary (src/content/tree.rs).
COPY prompts prompts
# The font the demo charts are drawn with (src/demo/picture.rs).
COPY assets assets
COPY migrations migrations
COPY benches benches
COPY tests tests
COPY testkit testkit
RUN cargo build --release --locked --bin tutorbot

# Run stage: a small image, a non-root user and the binary, which carries
# its lessons; mount a folder and set PROMPTS_DIR to serve your own.
FROM debian:bookworm-slim
# bubblewrap and a Python for the lab's sandbox (/run, /exercise); the
# runtime is a venv with httpx and aiohttp pinned (scripts/lab-runtime).
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 \
        bubblewrap python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app tutorbot
COPY scripts/lab-runtime scripts/lab-requirements.txt /opt/tutorbot-lab-setup/
RUN /opt/tutorbot-lab-setup/lab-runtime
WORKDIR /app
COPY --from=build /src/target/release/tutorbot /usr/local/bin/tutorbot
USER tutorbot
ENV HTTP_ADDR=0.0.0.0:8080 OPS_ADDR=0.0.0.0:9090 RUST_LOG=info
# 8080: POST /interactions (public); 9090: /healthz and /metrics (publish to loopback only).
EXPOSE 8080 9090
# Refuse to start on broken content before anything else.
RUN tutorbot check
ENTRYPOINT ["tutorbot"]
CMD ["serve"]
