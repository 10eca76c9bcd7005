#!/usr/bin/env bash
# The plain path's profile against nginx (issue 13): system calls and heap allocations per
# request for a 1 KB non-HTML response through (a) nginx as a plain reverse proxy and (b)
# consent-proxy, both with one worker, both with keep-alive to the same nginx origin.
#   benches/syscalls.sh                       # REQUESTS_SECONDS=3 CONNECTIONS=4
#   CONSENT_PROXY_BIN=target/debug/consent-proxy benches/syscalls.sh   # counts do not depend on
#                                                                       # the optimisation level
#   ALLOCS=1 benches/syscalls.sh              # also heap allocations per request (valgrind DHAT)
# Installs nginx, wrk, strace (and valgrind with ALLOCS=1) from Debian if missing. Loopback only,
# bounded: two wrk runs of REQUESTS_SECONDS under strace, one short one under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${REQUESTS_SECONDS:-3}
CONNECTIONS=${CONNECTIONS:-4}
BIN=${CONSENT_PROXY_BIN:-target/release/consent-proxy}
need="nginx wrk strace"; [ "${ALLOCS:-0}" = 1 ] && need="$need valgrind"
for c in $need; do
  command -v "$c" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk strace valgrind >/dev/null; break; }
done
[ -x "$BIN" ] || cargo build --release --quiet --bin consent-proxy

. benches/common.sh
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/1k.txt"
ORIGIN=$(free_port); NGINX=$(free_port); PROXY=$(free_port); ADMIN=$(free_port); PROXY2=$(free_port); ADMIN2=$(free_port)
start_origin "$ORIGIN"
start_nginx_proxy "$ORIGIN" "$NGINX"
export CONSENT_PROXY__SERVER__WORKERS=1 CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null
taskset -c 0 "$BIN" --upstream "http://127.0.0.1:$ORIGIN" --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
PROXY_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/1k.txt" >/dev/null && break; sleep 0.1; done
NGINX_PID=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)

# name pid url: system calls per request, and the five most frequent.
profile() {
  strace -c -f -q -o "$work/strace.$2" -p "$2" & local st=$!
  sleep 0.5
  local n
  n=$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" "$3" | awk '/requests in/ {print $1}')
  sleep 0.3; kill -INT "$st"; wait "$st" 2>/dev/null || true
  python3 - "$1" "$n" "$work/strace.$2" <<'PY'
import sys
name, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
for line in open(path):
    f = line.split()
    if len(f) >= 5 and f[0][0].isdigit() and f[-1] not in ("total",):
        calls = int(f[3]); rows.append((calls, f[-1]))
total = sum(c for c, _ in rows)
rows.sort(reverse=True)
top = ", ".join(f"{s} {c / n:.2f}" for c, s in rows[:6])
print(f"{name:<28} {n:>8} requests  {total / n:6.2f} syscalls/request  ({top})")
PY
}
echo "1 KB non-HTML, wrk -t1 -c$CONNECTIONS -d${SECONDS_EACH}s under strace -c -f (throughput under strace is meaningless; counts are per request)"
profile "nginx proxy" "$NGINX_PID" "http://127.0.0.1:$NGINX/1k.txt"
profile "consent-proxy" "$PROXY_PID" "http://127.0.0.1:$PROXY/1k.txt"

if [ "${ALLOCS:-0}" = 1 ]; then
  kill "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null || true
  # dhat_run SECONDS -> "requests allocations bytes" for one process life (0 s: start-up and one
  # request only). The difference of two lives is the cost of the requests alone.
  dhat_run() {
    valgrind --tool=dhat --dhat-out-file=/dev/null "$BIN" --upstream "http://127.0.0.1:$ORIGIN" \
      --listen "127.0.0.1:$PROXY2" --admin "127.0.0.1:$ADMIN2" 2>"$work/valgrind.log" &
    local vg=$! n=1
    for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PROXY2/1k.txt" >/dev/null && break; sleep 0.1; done
    if [ "$1" != 0 ]; then
      n=$(( 1 + $(wrk -t1 -c"$CONNECTIONS" -d"$1s" "http://127.0.0.1:$PROXY2/1k.txt" | awk '/requests in/ {print $1}') ))
    fi
    kill -INT "$vg"; wait "$vg" 2>/dev/null || true
    python3 - "$n" "$work/valgrind.log" <<'PY'
import sys, re
m = re.search(r"Total:\s+([\d,]+) bytes in ([\d,]+) blocks", open(sys.argv[2]).read())
b, blocks = (int(x.replace(",", "")) for x in m.groups()) if m else (0, 0)
print(sys.argv[1], blocks, b)
PY
  }
  read -r n0 a0 b0 < <(dhat_run 0)
  read -r n1 a1 b1 < <(dhat_run "$SECONDS_EACH")
  python3 -c "import sys; n=$n1-$n0; print(f'consent-proxy under valgrind DHAT: {n} requests, {($a1-$a0)/n:.1f} heap allocations and {($b1-$b0)/n:.0f} bytes allocated per request (start-up: {$a0} allocations)')"
fi
