#!/usr/bin/env bash
# Quick load run on loopback: wrk straight to an nginx origin vs through consent-proxy, 1 KB
# response. Bounded: two runs of DURATION each. Installs nginx and wrk from Debian if missing.
#   benches/quick-load.sh            # DURATION=10s CONNECTIONS=32 THREADS=1 by default
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --quiet --bin consent-proxy

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/1k.txt"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN=$(free_port); PROXY=$(free_port); ADMIN=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$ORIGIN; root $work; keepalive_requests 1000000; }
}
CONF
nginx -c "$work/nginx.conf"
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn \
  taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
  --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null && break; sleep 0.1; done

run() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk -v name="$2" '
  /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
  END {printf "%-28s %10s req/s   p50 %8s   p99 %8s\n", name, rps, p50, p99}'; }
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, 1 KB static file, consent-proxy pinned to 1 core"
run "http://127.0.0.1:$ORIGIN/1k.txt" "origin direct (nginx)"
run "http://127.0.0.1:$PROXY/1k.txt" "through consent-proxy"
