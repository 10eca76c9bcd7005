#!/usr/bin/env bash
# Bounded soak run on loopback: consent-proxy (release) in front of nginx serving static files,
# wrk sending a steady mix for DURATION — the 1 KB file, the ~50 KB tracker-heavy HTML page
# undecided (rewritten, banner injected) and the same page with an accepted consent cookie — in
# rotation, one request of each per three. The proxy's RSS (and open descriptors) is sampled from
# /proc every SAMPLE seconds. Exits non-zero when, after WARMUP, RSS grew by more than
# RSS_BOUND_MIB (last sample against the first one after warm-up), when any response was not
# 2xx/3xx or a socket error occurred, or when the proxy stopped answering.
# Same setup as benches/load.sh: proxy pinned to CPU 0, wrk and the origin to CPU 1; installs
# nginx and wrk from Debian if missing.
#   benches/soak.sh                 # DURATION=3m WARMUP=30 SAMPLE=10 CONNECTIONS=64 RSS_BOUND_MIB=16
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-3m}
WARMUP=${WARMUP:-30}
SAMPLE=${SAMPLE:-10}
CONNECTIONS=${CONNECTIONS:-64}
RSS_BOUND_MIB=${RSS_BOUND_MIB:-16}

case "$DURATION" in
  *h) secs=$(( ${DURATION%h} * 3600 )) ;;
  *m) secs=$(( ${DURATION%m} * 60 )) ;;
  *s) secs=${DURATION%s} ;;
  *) secs=$DURATION ;;
esac
if [ "$secs" -le "$WARMUP" ]; then echo "DURATION ($DURATION) must be longer than WARMUP (${WARMUP}s)" >&2; exit 2; fi

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --quiet --bin consent-proxy

. benches/common.sh

# Content: as benches/load.sh.
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
ORIGIN=$(free_port); PROXY=$(free_port); ADMIN=$(free_port)
start_origin "$ORIGIN" 1
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
  taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
  --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
PROXY_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null && break; sleep 0.1; done
COOKIE=$(curl -si -d action=accept_all "http://127.0.0.1:$PROXY/__consent" | tr -d '\r' | sed -n 's/^set-cookie: \(consent=[^;]*\).*/\1/ip' | head -1)
[ -n "$COOKIE" ] || { echo "no consent cookie from the proxy" >&2; exit 1; }
cat > "$work/mix.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local k = n % 3
  if k == 0 then return wrk.format("GET", "/1k.txt")
  elseif k == 1 then return wrk.format("GET", "/page.html")
  else return wrk.format("GET", "/page.html", { ["Cookie"] = "$COOKIE" }) end
end
LUA

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$PROXY_PID/status"; }
fds() { ls "/proc/$PROXY_PID/fd" | wc -l; }
echo "consent-proxy soak: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
echo "wrk -t1 -c$CONNECTIONS -d$DURATION, mix 1:1:1 of /1k.txt, /page.html undecided, /page.html accepted"
echo "page.html: $(wc -c < "$work/page.html") bytes; proxy pinned to CPU 0, wrk and nginx to CPU 1"
echo "RSS sampled every ${SAMPLE}s; warm-up ${WARMUP}s; bound: growth after warm-up <= ${RSS_BOUND_MIB} MiB"
start_rss=$(rss_kib)
printf "%6s %10s %6s\n" "t(s)" "RSS(KiB)" "fds"
printf "%6s %10s %6s\n" 0 "$start_rss" "$(fds)"
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/mix.lua" "http://127.0.0.1:$PROXY" > "$work/wrk.out" &
WRK_PID=$!
samples=(); times=()
t=0
while kill -0 "$WRK_PID" 2>/dev/null && [ "$t" -lt "$secs" ]; do
  sleep "$SAMPLE"; t=$((t + SAMPLE))
  kill -0 "$PROXY_PID" 2>/dev/null || { echo "the proxy died" >&2; exit 1; }
  r=$(rss_kib); samples+=("$r"); times+=("$t")
  printf "%6s %10s %6s\n" "$t" "$r" "$(fds)"
done
wait "$WRK_PID"
echo
cat "$work/wrk.out"
echo
status=0
curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null || { echo "FAIL: the proxy does not answer after the run"; status=1; }
if grep -q "Non-2xx or 3xx responses" "$work/wrk.out"; then echo "FAIL: $(grep 'Non-2xx' "$work/wrk.out")"; status=1; fi
if grep -q "Socket errors" "$work/wrk.out"; then echo "FAIL: $(grep 'Socket errors' "$work/wrk.out")"; status=1; fi
python3 - "$WARMUP" "$RSS_BOUND_MIB" "$start_rss" "${times[*]}" "${samples[*]}" <<'PY' || status=1
import sys
warmup, bound, start = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
times = [int(x) for x in sys.argv[4].split()]
rss = [int(x) for x in sys.argv[5].split()]
after = [r for t, r in zip(times, rss) if t > warmup]
if not after:
    print("FAIL: no sample after warm-up"); sys.exit(1)
mib = lambda k: k / 1024
first, last, peak = after[0], after[-1], max(rss)
growth = mib(last - first)
print(f"RSS at start {mib(start):.1f} MiB; first sample after warm-up {mib(first):.1f} MiB; "
      f"last {mib(last):.1f} MiB; max {mib(peak):.1f} MiB")
print(f"growth after warm-up (last - first): {growth:+.1f} MiB (bound {bound:.0f} MiB)")
if growth > bound:
    print("FAIL: RSS grew beyond the bound"); sys.exit(1)
print("PASS")
PY
exit $status
