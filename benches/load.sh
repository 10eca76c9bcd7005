#!/usr/bin/env bash
# Side-by-side load comparison on loopback, one run, same origin, same CPU budget:
#   (a) the origin (nginx, static files) direct
#   (b) nginx as a plain reverse proxy, 1 worker
#   (c) nginx with sub_filter rewriting the HTML page, 1 worker
#   (d) consent-proxy on the non-HTML response
#   (e) consent-proxy rewriting the HTML page, undecided and decided
# Both proxies are pinned to CPU 0 (consent-proxy then runs a 1-worker runtime); wrk and the origin
# share CPU 1. Installs nginx and wrk from Debian if missing. Bounded: 8 scenarios x ROUNDS runs of
# DURATION, interleaved; prints medians and the serving process's CPU time per request.
#   benches/load.sh                 # DURATION=5s ROUNDS=3 CONNECTIONS=32
#   TRACES=1 benches/load.sh        # also consent-proxy exporting traces (sampled 100% and 1%)
#                                   # to a local OTLP sink on CPU 1: the cost of [traces]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --quiet --bin consent-proxy

. benches/common.sh

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

start_origin "$ORIGIN" 1
# The same proxy with the rewrite nginx can do: sub_filter on the tracker tags of the page.
subf_server=$(cat <<CONF
  server { listen 127.0.0.1:$SUBF; keepalive_requests 1000000;
    location / { $PROXY_TO_ORIGIN
      proxy_set_header Accept-Encoding ""; sub_filter_once off;
      sub_filter '<script async src="https://www.googletagmanager.com' '<script type="text/plain" data-src="https://www.googletagmanager.com';
      sub_filter '//js.hs-scripts.com' '//invalid.hs-scripts.com';
      sub_filter 'src="https://www.youtube.com/embed' 'data-src="https://www.youtube.com/embed';
      sub_filter 'src="https://px.ads.linkedin.com' 'data-src="https://px.ads.linkedin.com';
      sub_filter "fbq('init'" "void('init'";
      sub_filter '</body>' '<div id="consent-banner">Cookies?</div></body>'; } }
CONF
)
start_nginx_proxy "$ORIGIN" "$NGINX" 0 "$subf_server"
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
  taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
  --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
PROXY_PID=$!   # taskset execs the proxy: same process
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null && break; sleep 0.1; done
if [ -n "${TRACES:-}" ]; then
  # A stand-in collector: accepts every OTLP/HTTP export and discards it.
  SINK=$(free_port); TRACED=$(free_port); TRACED1=$(free_port)
  taskset -c 1 python3 - "$SINK" <<'PY' &
import sys, http.server
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
  for spec in "$TRACED always_on 1" "$TRACED1 traceidratio 0.01"; do
    read -r port sampler ratio <<<"$spec"
    CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
      CONSENT_PROXY__TRACES__EXPORT=otlp CONSENT_PROXY__TRACES__ENDPOINT="http://127.0.0.1:$SINK/v1/traces" \
      CONSENT_PROXY__TRACES__SAMPLER=$sampler CONSENT_PROXY__TRACES__SAMPLE_RATIO=$ratio \
      taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
      --listen "127.0.0.1:$port" --admin "127.0.0.1:$(free_port)" &
    echo $! > "$work/traced-$port.pid"
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/1k.txt" >/dev/null && break; sleep 0.1; done
  done
fi
COOKIE=$(curl -si -d action=accept_all "http://127.0.0.1:$PROXY/__consent" | tr -d '\r' | sed -n 's/^set-cookie: \(consent=[^;]*\).*/\1/ip' | head -1)

# CPU seconds (user + system) a process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.4f", ($14 + $15) / hz}' "/proc/$1/stat"; }
NGINX_PID=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)     # nginx's single proxy worker
ORIGIN_PID=$(pgrep -P "$(cat "$work/origin.pid")" | head -1)

# name url cpu-pid [header] -> appends "rps p50 p99 cpu_us_per_request" to $work/<slug>
run() {
  local out c0 c1 slug
  slug=$(tr -c 'a-zA-Z0-9' '_' <<<"$1")
  c0=$(cpu_of "$3")
  if [ -n "${4:-}" ]; then out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$4" "$2")
  else out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$2"); fi
  c1=$(cpu_of "$3")
  awk -v c0="$c0" -v c1="$c1" '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {printf "%s %s %s %.1f\n", rps, p50, p99, (c1 - c0) / n * 1e6}' <<<"$out" >> "$work/$slug"
}
SCENARIOS=(
  "origin direct, 1 KB|http://127.0.0.1:$ORIGIN/1k.txt|$ORIGIN_PID|"
  "nginx proxy, 1 KB|http://127.0.0.1:$NGINX/1k.txt|$NGINX_PID|"
  "consent-proxy, 1 KB|http://127.0.0.1:$PROXY/1k.txt|$PROXY_PID|"
  "origin direct, 50 KB HTML|http://127.0.0.1:$ORIGIN/page.html|$ORIGIN_PID|"
  "nginx proxy, 50 KB HTML|http://127.0.0.1:$NGINX/page.html|$NGINX_PID|"
  "nginx sub_filter, 50 KB HTML|http://127.0.0.1:$SUBF/page.html|$NGINX_PID|"
  "consent-proxy rewrite, undecided|http://127.0.0.1:$PROXY/page.html|$PROXY_PID|"
  "consent-proxy rewrite, accepted|http://127.0.0.1:$PROXY/page.html|$PROXY_PID|Cookie: $COOKIE"
)
if [ -n "${TRACES:-}" ]; then
  SCENARIOS+=(
    "consent-proxy traced 100%, 1 KB|http://127.0.0.1:$TRACED/1k.txt|$(cat "$work/traced-$TRACED.pid")|"
    "consent-proxy traced 1%, 1 KB|http://127.0.0.1:$TRACED1/1k.txt|$(cat "$work/traced-$TRACED1.pid")|"
    "consent-proxy traced 100%, rewrite|http://127.0.0.1:$TRACED/page.html|$(cat "$work/traced-$TRACED.pid")|"
  )
fi
echo "wrk -t1 -c$CONNECTIONS -d$DURATION on loopback, $ROUNDS interleaved rounds (medians); proxies pinned to CPU 0,"
echo "wrk and the origin on CPU 1; cpu/req = the serving process's user+system CPU per request"
echo "page.html: $(wc -c < "$work/page.html") bytes, 1k.txt: 1024 bytes"
for round in $(seq "$ROUNDS"); do
  for s in "${SCENARIOS[@]}"; do IFS='|' read -r name url pid header <<<"$s"; run "$name" "$url" "$pid" "$header"; done
done
declare -A RPS CPU
printf "%-36s %12s %10s %10s %14s\n" "" "requests/s" "p50" "p99" "CPU/request"
for s in "${SCENARIOS[@]}"; do
  IFS='|' read -r name _ <<<"$s"
  slug=$(tr -c 'a-zA-Z0-9' '_' <<<"$name")
  read -r rps p50 p99 cpu < <(python3 - "$work/$slug" <<'PY'
import sys, statistics, re
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def ms(v):  # wrk prints 512.00us / 1.20ms / 2.00s
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[u]
med = lambda xs: statistics.median(xs)
print(f"{med([float(r[0]) for r in rows]):.0f} {med([ms(r[1]) for r in rows]):.2f}ms {med([ms(r[2]) for r in rows]):.2f}ms {med([float(r[3]) for r in rows]):.1f}")
PY
)
  RPS[$name]=$rps; CPU[$name]=$cpu
  printf "%-36s %12s %10s %10s %11s µs\n" "$name" "$rps" "$p50" "$p99" "$cpu"
done
python3 - "${RPS[consent-proxy, 1 KB]}" "${RPS[nginx proxy, 1 KB]}" "${RPS[consent-proxy rewrite, undecided]}" \
  "${RPS[consent-proxy rewrite, accepted]}" "${RPS[nginx sub_filter, 50 KB HTML]}" \
  "${CPU[consent-proxy, 1 KB]}" "${CPU[nginx proxy, 1 KB]}" "${CPU[consent-proxy rewrite, undecided]}" \
  "${CPU[consent-proxy rewrite, accepted]}" "${CPU[nginx sub_filter, 50 KB HTML]}" <<'PY'
import sys
cp1, ng1, cpu, cpa, sub, c_cp1, c_ng1, c_cpu, c_cpa, c_sub = map(float, sys.argv[1:])
print(f"ratio consent-proxy / nginx proxy, 1 KB:               {cp1/ng1:.2f} (requests/s)  {c_ng1/c_cp1:.2f} (CPU per request)")
print(f"ratio consent-proxy rewrite (undecided) / sub_filter:  {cpu/sub:.2f} (requests/s)  {c_sub/c_cpu:.2f} (CPU per request)")
print(f"ratio consent-proxy rewrite (accepted) / sub_filter:   {cpa/sub:.2f} (requests/s)  {c_sub/c_cpa:.2f} (CPU per request)")
PY
if [ -n "${TRACES:-}" ]; then
  python3 - "${CPU[consent-proxy, 1 KB]}" "${CPU[consent-proxy traced 100%, 1 KB]}" "${CPU[consent-proxy traced 1%, 1 KB]}" \
    "${CPU[consent-proxy rewrite, undecided]}" "${CPU[consent-proxy traced 100%, rewrite]}" \
    "${RPS[consent-proxy, 1 KB]}" "${RPS[consent-proxy traced 100%, 1 KB]}" "${RPS[consent-proxy traced 1%, 1 KB]}" <<'PY'
import sys
off, t100, t1, page, page100, r_off, r100, r1 = map(float, sys.argv[1:])
print(f"traces, 1 KB: CPU per request off {off:.1f} µs, sampled 1% {t1:.1f} µs ({t1/off:.2f}x), 100% {t100:.1f} µs ({t100/off:.2f}x); "
      f"requests/s {r1/r_off:.2f}x and {r100/r_off:.2f}x of off")
print(f"traces, rewritten page: CPU per request off {page:.1f} µs, sampled 100% {page100:.1f} µs ({page100/page:.2f}x)")
PY
fi

# Added latency at moderate load: 4 connections instead of CONNECTIONS (the proxy is far from
# saturated), p99 through the proxy minus p99 straight to the origin.
p99_of() { taskset -c 1 wrk -t1 -c4 -d"$DURATION" --latency ${2:+-H "$2"} "$1" | awk '/^ +99%/ {print $2}'; }
python3 - "$(p99_of "http://127.0.0.1:$ORIGIN/1k.txt")" "$(p99_of "http://127.0.0.1:$PROXY/1k.txt")" \
  "$(p99_of "http://127.0.0.1:$ORIGIN/page.html")" "$(p99_of "http://127.0.0.1:$PROXY/page.html")" \
  "$(p99_of "http://127.0.0.1:$NGINX/1k.txt")" <<'PY'
import sys, re
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[u]
o1, p1, oh, ph, n1 = map(ms, sys.argv[1:])
print(f"p99 at 4 connections: 1 KB origin {o1:.2f} ms, via nginx {n1:.2f} ms, via consent-proxy {p1:.2f} ms (+{p1 - o1:.2f} ms); "
      f"HTML origin {oh:.2f} ms, rewritten {ph:.2f} ms (+{ph - oh:.2f} ms)")
PY
