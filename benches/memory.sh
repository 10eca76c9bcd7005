#!/usr/bin/env bash
# Memory figures, on loopback, bounded:
#   1. peak RSS while rewriting a 1 GiB HTML page streamed from the origin (trackers in every block);
#   2. RSS per idle keep-alive connection, with 10,000 connections open after one request each.
#   benches/memory.sh          # SIZE_MIB=1024 CONNECTIONS=10000
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-1024}
CONNECTIONS=${CONNECTIONS:-10000}
cargo build --release --quiet --bin consent-proxy
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN=$(free_port); PROXY=$(free_port); ADMIN=$(free_port)
python3 - "$ORIGIN" "$SIZE_MIB" <<'PY' &
import socket, sys, threading
port, mib = int(sys.argv[1]), int(sys.argv[2])
block = (b'<div><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'
         b'<img src="https://www.facebook.com/tr?id=1&ev=PageView" width="1" height="1">'
         b'<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></div>\n') * 400
def serve(c):
    try:
        while True:
            req = b''
            while b'\r\n\r\n' not in req:
                d = c.recv(65536)
                if not d: return
                req += d
            if b'GET /big' in req:
                c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n')
                total, want = 0, mib << 20
                while total < want:
                    c.sendall(b'%x\r\n%s\r\n' % (len(block), block)); total += len(block)
                c.sendall(b'0\r\n\r\n')
            else:
                c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok')
    except OSError:
        pass
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port)); s.listen(4096)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
ORIGIN_PID=$!
CONSENT_PROXY__LOG__ACCESS_LOG=false CONSENT_PROXY__LOG__LEVEL=warn CONSENT_PROXY__AUDIT__SINK=/dev/null \
  CONSENT_PROXY__SERVER__IDLE_TIMEOUT=10m CONSENT_PROXY__SERVER__HEADER_READ_TIMEOUT=10m \
  target/release/consent-proxy --upstream "http://127.0.0.1:$ORIGIN" --listen "127.0.0.1:$PROXY" --admin "127.0.0.1:$ADMIN" &
PROXY_PID=$!
trap 'kill $PROXY_PID $ORIGIN_PID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY/ok" >/dev/null && break; sleep 0.1; done
rss() { awk '/^VmRSS/ {print $2}' /proc/$PROXY_PID/status; }
hwm() { awk '/^VmHWM/ {print $2}' /proc/$PROXY_PID/status; }

base=$(hwm)
start=$(date +%s.%N)
bytes=$(curl -s "http://127.0.0.1:$PROXY/big" | wc -c)
secs=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
peak=$(hwm)
echo "1. rewrote a ${SIZE_MIB} MiB HTML page ($bytes bytes out) in ${secs}s: peak RSS $((peak / 1024)) MiB (before: $((base / 1024)) MiB)"

before=$(rss)
rm -f /tmp/consent-proxy-idle-ready
python3 - "$PROXY" "$CONNECTIONS" <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(b'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
    socks.append(s)
for s in socks:
    s.settimeout(10); data = b''
    while not data.endswith(b'ok'):
        data += s.recv(4096)
open('/tmp/consent-proxy-idle-ready', 'w').write(str(len(socks)))
time.sleep(5)
PY
CLIENT_PID=$!
for _ in $(seq 600); do [ -f /tmp/consent-proxy-idle-ready ] && break; sleep 0.1; done
sleep 1
after=$(rss)
wait $CLIENT_PID
echo "2. $CONNECTIONS idle keep-alive connections (after one request each): RSS $((before / 1024)) MiB → $((after / 1024)) MiB, $(( (after - before) * 1024 / CONNECTIONS )) bytes per connection"
