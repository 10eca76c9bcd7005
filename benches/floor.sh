#!/usr/bin/env bash
# The floor of a hyper-based proxy and the price of each layer above it (issue 23): the 1 KB
# scenario of benches/load.sh (wrk -t1 -c32 on loopback, the proxy pinned to CPU 0, wrk and the
# nginx origin on CPU 1) against nginx's plain proxy, the throw-away `examples/floor.rs` with one
# layer added at a time, and consent-proxy itself. Interleaved rounds, medians; CPU µs per
# request = the serving process's user+system time / requests.
#   benches/floor.sh                # DURATION=5s ROUNDS=3 CONNECTIONS=32
#   INSTRUCTIONS=1 benches/floor.sh # instructions per request of each layer instead (callgrind)
#   LAYERS="floor proxy" benches/floor.sh        # only these rows (and nginx's); also with INSTRUCTIONS=1
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build --release --quiet --bin consent-proxy --example floor
. benches/common.sh
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/1k.txt"
ORIGIN=$(free_port); NGINX=$(free_port)
start_origin "$ORIGIN" 1

# INSTRUCTIONS=1: user-space instructions per request of each layer, exact (callgrind), from two
# runs of 1,000 and 5,000 sequential keep-alive requests (the difference cancels start-up).
if [ "${INSTRUCTIONS:-0}" = 1 ]; then
  command -v valgrind >/dev/null || { echo "floor.sh: INSTRUCTIONS=1 needs valgrind" >&2; exit 1; }
  python3 - "$work" "$ORIGIN" <<'PY'
import http.client, os, re, socket, subprocess, sys, time
work, origin = sys.argv[1], sys.argv[2]
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def count(layer, n):
    port, out = free_port(), f"{work}/cg.{layer}.{n}"
    env = dict(os.environ, FLOOR_EXIT_AFTER=str(n))
    if layer == "proxy":  # consent-proxy itself: stopped by SIGTERM after the n requests
        env.update(CONSENT_PROXY__SERVER__WORKERS="1", CONSENT_PROXY__LOG__ACCESS_LOG="false", CONSENT_PROXY__LOG__LEVEL="warn",
                   CONSENT_PROXY__AUDIT__SINK="/dev/null", CONSENT_PROXY__SHUTDOWN__DELAY="0s")
        cmd = ["target/release/consent-proxy", "--upstream", f"http://127.0.0.1:{origin}", "--listen", f"127.0.0.1:{port}",
               "--admin", f"127.0.0.1:{free_port()}"]
    else:
        cmd = ["target/release/examples/floor", layer, f"127.0.0.1:{port}", f"127.0.0.1:{origin}"]
    p = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd, env=env, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try: socket.create_connection(("127.0.0.1", port)).close(); break
        except OSError: time.sleep(0.1)
    c = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(n):
        c.request("GET", "/1k.txt"); r = c.getresponse(); assert len(r.read()) == 1024
    if layer == "proxy":
        c.close(); p.send_signal(15)
    else:
        try: c.request("GET", "/1k.txt"); c.getresponse()
        except Exception: pass
    p.wait(timeout=120)
    return int(re.search(r"^(?:summary|totals): (\d+)", open(out).read(), re.M).group(1))
print("user-space instructions per request (callgrind; 5,000 - 1,000 sequential keep-alive requests)")
prev = None
for layer in os.environ.get("LAYERS", "floor legacy auto header timer proxy").split():
    per = (count(layer, 5000) - count(layer, 1000)) / 4000
    print(f"{layer:8} {per:10,.0f}" + ("" if prev is None else f"   {per - prev:+9,.0f}"))
    prev = per
PY
  exit 0
fi
start_nginx_proxy "$ORIGIN" "$NGINX" 0
declare -A PORT PID
LAYERS=${LAYERS:-floor legacy auto header timer proxy}
for layer in $LAYERS; do
  [ "$layer" = proxy ] && continue
  PORT[$layer]=$(free_port)
  taskset -c 0 target/release/examples/floor "$layer" "127.0.0.1:${PORT[$layer]}" "127.0.0.1:$ORIGIN" &
  PID[$layer]=$!
done
PORT[proxy]=$(free_port); ADMIN=$(free_port)
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
  taskset -c 0 target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" \
  --listen "127.0.0.1:${PORT[proxy]}" --admin "127.0.0.1:$ADMIN" &
PID[proxy]=$!
sleep 0.5
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGINX/1k.txt" >/dev/null && break; sleep 0.1; done
PORT[nginx]=$NGINX; PID[nginx]=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)
for k in $LAYERS; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:${PORT[$k]}/1k.txt" >/dev/null && break; sleep 0.1; done
done
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.4f", ($14 + $15) / hz}' "/proc/$1/stat"; }
read -r -a ORDER <<<"nginx $LAYERS"
for round in $(seq "$ROUNDS"); do
  for k in "${ORDER[@]}"; do
    c0=$(cpu_of "${PID[$k]}")
    out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:${PORT[$k]}/1k.txt")
    c1=$(cpu_of "${PID[$k]}")
    awk -v c0="$c0" -v c1="$c1" '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2}
      END {printf "%s %s %.2f\n", rps, p99, (c1 - c0) / n * 1e6}' <<<"$out" >> "$work/$k.rows"
  done
done
echo "1 KB through each, wrk -t1 -c$CONNECTIONS -d$DURATION, $ROUNDS interleaved rounds (medians); serving process pinned to CPU 0"
python3 - "$work" "${ORDER[@]}" <<'PY'
import sys, statistics
work, order = sys.argv[1], sys.argv[2:]
label = {"nginx": "nginx plain proxy (1 worker)", "floor": "floor: hyper http1 server + conn::http1 sender list",
         "legacy": "+ hyper-util legacy pooled Client", "auto": "+ auto server builder (h1/h2)",
         "header": "+ header-read timer", "timer": "+ per-request response timer", "proxy": "consent-proxy (whole pipeline)"}
rows = {k: [l.split() for l in open(f"{work}/{k}.rows")] for k in order}
med = {k: (statistics.median(float(r[0]) for r in v), statistics.median(float(r[2]) for r in v)) for k, v in rows.items()}
print(f"{'':52} {'requests/s':>11} {'CPU µs/req':>11} {'(min-max)':>13} {'Δ µs':>7} {'vs nginx':>9}")
prev = None
for k in order:
    rps, cpu = med[k]
    delta = "" if prev is None or k == "floor" else f"{cpu - prev:+.2f}"
    cpus = [float(r[2]) for r in rows[k]]
    spread = f"{min(cpus):.1f}-{max(cpus):.1f}"
    print(f"{label[k]:52} {rps:11.0f} {cpu:11.2f} {spread:>13} {delta:>7} {med['nginx'][1] / cpu:8.2f}x")
    if k != "nginx":
        prev = cpu
PY
