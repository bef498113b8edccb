# Build stages. cargo-chef keeps the dependencies in a layer of their own,
# keyed on a recipe of the manifests only: a change to src/ (or a lesson)
# rebuilds tutorbot itself, not the few hundred crates below it.
FROM rust:1-slim-bookworm AS chef
# The gateway's TLS is the system's OpenSSL (see Cargo.toml: serenity's
# native_tls_backend), so the build needs its headers.
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
RUN cargo install cargo-chef --version 0.1.78 --locked
WORKDIR /src

# The recipe: Cargo.toml, Cargo.lock and the crates' layout, nothing else.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
# Changes only when the recipe does.
# (tutorbot-lab-init's few dependencies are among tutorbot's.)
RUN cargo chef cook --release --locked --recipe-path recipe.json --bin tutorbot
# The sources (.dockerignore keeps target/, .git and .env out). The queries'
# offline data (.sqlx/) lets the build check them without a database;
# migrations and the built-in lessons are embedded in the binary.
COPY . .
# tutorbot-lab-init is the lab sandbox's PID 1, found next to tutorbot.
RUN cargo build --release --locked --bin tutorbot --bin tutorbot-lab-init

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
COPY --from=build /src/target/release/tutorbot /src/target/release/tutorbot-lab-init /usr/local/bin/
USER tutorbot
# ON_CONFIG_ERROR=wait: a missing setting (a blank DISCORD_TOKEN, say) prints
# its one line and the container waits to be stopped, instead of exiting
# and being restarted into the same line forever.
ENV HTTP_ADDR=0.0.0.0:8080 OPS_ADDR=0.0.0.0:9090 RUST_LOG=info ON_CONFIG_ERROR=wait
# 8080: POST /interactions (public); 9090: /healthz and /metrics (publish to loopback only).
EXPOSE 8080 9090
# Refuse to start on broken content before anything else.
RUN tutorbot check
ENTRYPOINT ["tutorbot"]
CMD ["serve"]
