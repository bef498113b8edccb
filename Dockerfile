# Build stage: compile the release binary (migrations are embedded in it).
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY .cargo .cargo
# The queries' offline data: the build checks them without a database.
COPY .sqlx .sqlx
COPY build.rs build.rs
COPY src src
# The built-in lessons are embedded in the binary (src/content/tree.rs).
COPY prompts prompts
COPY migrations migrations
COPY benches benches
COPY tests tests
COPY testkit testkit
RUN cargo build --release --locked --bin tutorbot

# Run stage: a small image, a non-root user and the binary, which carries
# its lessons; mount a folder and set PROMPTS_DIR to serve your own.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app tutorbot
WORKDIR /app
COPY --from=build /src/target/release/tutorbot /usr/local/bin/tutorbot
USER tutorbot
ENV HTTP_ADDR=0.0.0.0:8080 RUST_LOG=info
EXPOSE 8080
# Refuse to start on broken content before anything else.
RUN tutorbot check
ENTRYPOINT ["tutorbot"]
CMD ["serve"]
