# consent-proxy: multi-stage build, small non-root final image.
#   docker build -t consent-proxy .
#   docker run -p 8080:8080 -p 9090:9090 -e CONSENT_PROXY_UPSTREAM=http://origin:80 consent-proxy
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY vendor vendor
COPY data data
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin consent-proxy

# EasyPrivacy and EasyList (GPL-3.0+ or CC BY-SA 3.0+, the EasyList authors) and uBlock Origin's
# own privacy list (GPL-3.0+, the uBlock Origin authors) from Debian's package, with Debian's
# copyright file; the image's config enables them (config/lists.toml).
FROM debian:bookworm-slim AS lists
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends webext-ublock-origin-chromium \
 && mkdir -p /out/lists \
 && cp /usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt \
       /usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt \
       /usr/share/doc/webext-ublock-origin-chromium/copyright /out/lists/ \
 && cp /usr/share/chromium/extensions/ublock-origin/assets/ublock/privacy.min.txt /out/lists/ublock-privacy.txt
COPY config/consent-proxy.toml config/lists.toml /out/
RUN cat /out/consent-proxy.toml /out/lists.toml > /out/image.toml

# distroless/cc: glibc, CA certificates (for https:// origins), no shell, uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/consent-proxy /usr/local/bin/consent-proxy
COPY --from=lists /out/image.toml /etc/consent-proxy/consent-proxy.toml
COPY --from=lists /out/lists /usr/share/consent-proxy/lists
# In a container the admin port must be reachable by kubelet probes and Prometheus.
ENV CONSENT_PROXY_LISTEN=0.0.0.0:8080 \
    CONSENT_PROXY_ADMIN=0.0.0.0:9090 \
    CONSENT_PROXY_CONFIG=/etc/consent-proxy/consent-proxy.toml \
    CONSENT_PROXY__LOG__FORMAT=json
EXPOSE 8080 9090
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/consent-proxy"]
