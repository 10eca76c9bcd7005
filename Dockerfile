# consent-proxy: multi-stage build, small non-root final image.
#   docker build -t consent-proxy .
#   docker run -p 8080:8080 -p 9090:9090 -e CONSENT_PROXY_UPSTREAM=http://origin:80 consent-proxy
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY data data
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin consent-proxy

# distroless/cc: glibc, CA certificates (for https:// origins), no shell, uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/consent-proxy /usr/local/bin/consent-proxy
COPY config/consent-proxy.toml /etc/consent-proxy/consent-proxy.toml
# In a container the admin port must be reachable by kubelet probes and Prometheus.
ENV CONSENT_PROXY_LISTEN=0.0.0.0:8080 \
    CONSENT_PROXY_ADMIN=0.0.0.0:9090 \
    CONSENT_PROXY_CONFIG=/etc/consent-proxy/consent-proxy.toml \
    CONSENT_PROXY__LOG__FORMAT=json
EXPOSE 8080 9090
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/consent-proxy"]
