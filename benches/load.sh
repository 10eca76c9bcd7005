#!/usr/bin/env bash
# Side-by-side load comparison on loopback, one run, same origin, same CPU budget:
#   (a) the origin (nginx, static files) direct
#   (b) nginx as a plain reverse proxy, 1 worker
#   (c) nginx with sub_filter rewriting the HTML page, 1 worker
#   (d) consent-proxy on the non-HTML response
#   (e) consent-proxy rewriting the HTML page, undecided and decided
# Both proxies are pinned to CPU 0 (consent-proxy then runs a 1-worker runtime); wrk and the origin
# share CPU 1. Installs nginx and wrk from Debian if missing. Bounded: 8 runs of DURATION.
#   benches/load.sh                 # DURATION=10s CONNECTIONS=32
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --quiet --bin consent-proxy

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as www-data
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for pid in "$work"/*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Content: a 1 KB file and a ~50 KB tracker-heavy HTML page (the test fixture's trackers among
# article filler).
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/1k.txt"
python3 - "$work/page.html" <<'PY'
import sys
src = open("tests/fixtures/trackers.html").read()
head, body = src.split("<body>", 1)
teaser = ('<article class="teaser"><h2><a href="/news/{0}">Headline number {0} about the day</a></h2>'
          '<img src="/img/{0}.jpg" srcset="/img/{0}@2x.jpg 2x" alt="" width="320" height="180">'
          '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore '
          'et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco.</p></article>\n')
filler = "".join(teaser.format(i) for i in range(105))
open(sys.argv[1], "w").write(head + "<body>" + filler + body)
PY
ORIGIN=$(free_port); NGINX=$(free_port); SUBF=$(free_port); PROXY=$(free_port); ADMIN=$(free_port)

cat > "$work/origin.conf" <<CONF
worker_processes 1; pid $work/origin.pid; error_log $work/origin-error.log;
events { worker_connections 4096; }
http { access_log off; types { text/html html; text/plain txt; } default_type text/plain;
  server { listen 127.0.0.1:$ORIGIN; root $work; keepalive_requests 1000000; } }
CONF
cat > "$work/proxy.conf" <<CONF
worker_processes 1; pid $work/proxy.pid; error_log $work/proxy-error.log;
events { worker_connections 4096; }
http { access_log off;
  upstream origin { server 127.0.0.1:$ORIGIN; keepalive 64; }
  server { listen 127.0.0.1:$NGINX; keepalive_requests 1000000;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$SUBF; keepalive_requests 1000000;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Accept-Encoding ""; sub_filter_once off;
      sub_filter '<script async src="https://www.googletagmanager.com' '<script type="text/plain" data-src="https://www.googletagmanager.com';
      sub_filter '//js.hs-scripts.com' '//invalid.hs-scripts.com';
      sub_filter 'src="https://www.youtube.com/embed' 'data-src="https://www.youtube.com/embed';
      sub_filter 'src="https://px.ads.linkedin.com' 'data-src="https://px.ads.linkedin.com';
      sub_filter "fbq('init'" "void('init'";
      sub_filter '</body>' '<div id="consent-banner">Cookies?</div></body>'; } } }
CONF
taskset -c 1 nginx -c "$work/origin.conf"
taskset -c 0 nginx -c "$work/proxy.conf"
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
  taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
  --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null && break; sleep 0.1; done
COOKIE=$(curl -si -d action=accept_all "http://127.0.0.1:$PROXY/__consent" | tr -d '\r' | sed -n 's/^set-cookie: \(consent=[^;]*\).*/\1/ip' | head -1)

declare -A RPS
run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2")
  else out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$2"); fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p50=$(awk '/^ +50%/ {print $2}' <<<"$out"); p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
  RPS[$1]=$rps
  printf "%-44s %10s req/s   p50 %9s   p99 %9s\n" "$1" "$rps" "$p50" "$p99"
}
echo "wrk -t1 -c$CONNECTIONS -d$DURATION on loopback; proxies pinned to CPU 0, wrk and origin on CPU 1"
echo "page.html: $(wc -c < "$work/page.html") bytes, 1k.txt: 1024 bytes"
run "origin direct, 1 KB"                      "http://127.0.0.1:$ORIGIN/1k.txt"
run "nginx proxy, 1 KB"                        "http://127.0.0.1:$NGINX/1k.txt"
run "consent-proxy, 1 KB"                      "http://127.0.0.1:$PROXY/1k.txt"
run "origin direct, 50 KB HTML"                "http://127.0.0.1:$ORIGIN/page.html"
run "nginx proxy, 50 KB HTML"                  "http://127.0.0.1:$NGINX/page.html"
run "nginx sub_filter, 50 KB HTML"             "http://127.0.0.1:$SUBF/page.html"
run "consent-proxy rewrite, undecided"         "http://127.0.0.1:$PROXY/page.html"
run "consent-proxy rewrite, accepted"          "http://127.0.0.1:$PROXY/page.html" "Cookie: $COOKIE"
python3 - "${RPS[consent-proxy, 1 KB]}" "${RPS[nginx proxy, 1 KB]}" "${RPS[consent-proxy rewrite, undecided]}" "${RPS[consent-proxy rewrite, accepted]}" "${RPS[nginx sub_filter, 50 KB HTML]}" <<'PY'
import sys
cp1, ng1, cpu, cpa, sub = map(float, sys.argv[1:])
print(f"ratio consent-proxy / nginx proxy, 1 KB:                 {cp1/ng1:.2f}")
print(f"ratio consent-proxy rewrite (undecided) / sub_filter:    {cpu/sub:.2f}")
print(f"ratio consent-proxy rewrite (accepted) / sub_filter:     {cpa/sub:.2f}")
PY
