#!/usr/bin/env bash
# Builds the repo's Dockerfile, unchanged, with podman and runs the image the way a cluster would:
# /healthz, /readyz, a page through it with the banner, JSON on the container's log streams (the
# audit record on stdout), a non-root uid, and a SIGTERM drain that lets an in-flight request
# finish and exits 0.
#
#   scripts/container-test.sh [BINARY]     (default target/debug/consent-proxy; run as root)
#
# Public base images cannot be pulled here, so the names the Dockerfile uses are filled with
# stand-ins made on this machine (kept in podman's storage and reused; an image already present
# under a name, e.g. the real one, is used as it is):
# - debian:bookworm-slim: a minimal Debian bookworm root made with debootstrap from the Debian
#   mirror (the tarball is cached in $CONTAINER_TEST_CACHE);
# - gcr.io/distroless/cc-debian12:nonroot: like distroless, no shell and no package manager: glibc,
#   libgcc, CA certificates, /etc/passwd with root, nobody and nonroot (uid 65532), from that root;
# - the `build` stage (rust:1-bookworm, a release build with fat LTO: ~15 minutes on 2 cores) is
#   replaced by `--build-context build=DIR` holding BINARY (stripped of debug info) at the path the
#   final stage copies from. The `lists` stage runs for real: apt-get inside the build fetches
#   EasyList and EasyPrivacy from the Debian mirror.
# Needs: podman, runc, debootstrap, curl, python3 (scripts/test-all.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/debug/consent-proxy}
cache=${CONTAINER_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/consent-proxy/container}
image=localhost/consent-proxy:container-test
base=docker.io/library/debian:bookworm-slim
distroless=gcr.io/distroless/cc-debian12:nonroot
started=$(date +%s)

say() { echo "container-test: $*"; }
fail() { echo "container-test: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, podman build and run as root)"
[ -x "$bin" ] || fail "no binary at $bin (cargo build --bin consent-proxy)"
for tool in podman debootstrap curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

work=$(mktemp -d)
name=consent-proxy-test-$$
origin_pid=
cleanup() {
  [ -n "$origin_pid" ] && kill "$origin_pid" 2>/dev/null
  podman rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- stand-in base images ------------------------------------------------------------------------
root_tar=$cache/bookworm-minbase.tar
if ! podman image exists "$base" || ! podman image exists "$distroless"; then
  if [ ! -s "$root_tar" ]; then
    say "debootstrap: a minimal Debian bookworm root (cached in $cache)"
    mkdir -p "$cache"
    t=$(date +%s)
    debootstrap --variant=minbase --include=ca-certificates bookworm "$work/root" http://deb.debian.org/debian \
      >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    rm -rf "$work/root/var/cache/apt/archives"/*.deb "$work/root/var/lib/apt/lists"/*_Packages
    tar -C "$work/root" -cf "$root_tar.tmp" . && mv "$root_tar.tmp" "$root_tar"
    rm -rf "$work/root"
    say "debootstrap took $(($(date +%s) - t))s"
  fi
fi
stand_in="LABEL org.opencontainers.image.description=stand-in made by scripts/container-test.sh"
if ! podman image exists "$base"; then
  say "stand-in $base (debootstrap root)"
  podman import -q --change "$stand_in" --change 'CMD ["bash"]' "$root_tar" "$base" >/dev/null
fi
if ! podman image exists "$distroless"; then
  say "stand-in $distroless (glibc, libgcc, CA certificates, nonroot uid 65532; no shell)"
  full=$work/full && d=$work/distroless && mkdir -p "$full" "$d"
  tar -C "$full" -xf "$root_tar"
  mkdir -p "$d/lib/x86_64-linux-gnu" "$d/lib64" "$d/etc/ssl/certs" "$d/tmp" "$d/home/nonroot" "$d/root"
  for lib in libc.so.6 libm.so.6 libgcc_s.so.1 libpthread.so.0 libdl.so.2 librt.so.1; do
    cp -L "$full/lib/x86_64-linux-gnu/$lib" "$d/lib/x86_64-linux-gnu/"
  done
  cp -L "$full/lib64/ld-linux-x86-64.so.2" "$d/lib64/"
  cp -L "$full/etc/ssl/certs/ca-certificates.crt" "$d/etc/ssl/certs/"
  cp "$full/etc/nsswitch.conf" "$d/etc/"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$d/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$d/etc/group"
  chmod 1777 "$d/tmp" && chmod 700 "$d/root" && chown 65532:65532 "$d/home/nonroot"
  tar -C "$d" -c . | podman import -q --change "$stand_in" --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
    - "$distroless" >/dev/null
  rm -rf "$full" "$d"
fi

# ---- build: the repo's Dockerfile, unchanged -----------------------------------------------------
ctx=$work/build-stage
mkdir -p "$ctx/src/target/release"
objcopy --strip-debug "$bin" "$ctx/src/target/release/consent-proxy"
say "podman build (Dockerfile unchanged; build stage = $bin, stripped)"
build_started=$(date +%s)
podman build --isolation chroot --pull=never --build-context "build=$ctx" -t "$image" -f Dockerfile . \
  >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "podman build"; }
say "built $image in $(($(date +%s) - build_started))s"

# ---- inspect: user, entrypoint, env, ports, files ------------------------------------------------
inspect() { podman image inspect "$image" --format "$1"; }
[ "$(inspect '{{.Config.User}}')" = "nonroot:nonroot" ] || fail "user is $(inspect '{{.Config.User}}')"
[ "$(inspect '{{json .Config.Entrypoint}}')" = '["/usr/local/bin/consent-proxy"]' ] || fail "entrypoint"
env_lines=$(inspect '{{range .Config.Env}}{{println .}}{{end}}')
for want in CONSENT_PROXY_LISTEN=0.0.0.0:8080 CONSENT_PROXY_ADMIN=0.0.0.0:9090 \
  CONSENT_PROXY_CONFIG=/etc/consent-proxy/consent-proxy.toml CONSENT_PROXY__LOG__FORMAT=json; do
  grep -qx "$want" <<<"$env_lines" || fail "env $want missing"
done
ports=$(inspect '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')
[[ "$ports" == *8080/tcp* && "$ports" == *9090/tcp* ]] || fail "exposed ports: $ports"
cid=$(podman create "$image")
podman export "$cid" | tar -t >"$work/files"
podman rm "$cid" >/dev/null
for f in usr/local/bin/consent-proxy etc/consent-proxy/consent-proxy.toml usr/share/consent-proxy/lists/easylist.txt \
  usr/share/consent-proxy/lists/easyprivacy.txt usr/share/consent-proxy/lists/ublock-privacy.txt \
  usr/share/consent-proxy/lists/copyright; do
  grep -qx "\(\./\)\?$f" "$work/files" || fail "file /$f missing from the image"
done
! grep -qE '^(\./)?(bin|usr/bin)/(ba)?sh$' "$work/files" || fail "the final image has a shell"
say "inspected: user nonroot:nonroot, entrypoint, env, ports 8080 9090, binary, config, lists; no shell"

# ---- run -----------------------------------------------------------------------------------------
# This machine: crun 1.8 refuses a hybrid cgroup v1/v2 host, so runc; and the container may not
# raise its limits above ours (podman's default nofile is 1048576).
run_flags=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
command -v runc >/dev/null && run_flags=(--runtime runc "${run_flags[@]}")
if ! err=$(podman run --rm "${run_flags[@]}" "$image" --version 2>&1); then
  say "SKIPPED running the container: this machine cannot run one ($err). Built and inspected only."
  exit 0
fi
say "runs: $err"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
origin_port=$(free_port) proxy_port=$(free_port) admin_port=$(free_port)
# The origin, on the host: a page with a tracker, and /slow, which answers once $work/release exists.
cat >"$work/origin.py" <<'EOF'
import os, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
port, work = int(sys.argv[1]), sys.argv[2]
PAGE = (b"<!doctype html><html><head><title>shop</title>"
        b"<script src=\"https://www.google-analytics.com/analytics.js\"></script></head>"
        b"<body><h1>shop</h1></body></html>")
class Origin(BaseHTTPRequestHandler):
    def do_GET(self):
        body, kind = PAGE, "text/html; charset=utf-8"
        if self.path == "/slow":
            open(os.path.join(work, "slow-arrived"), "w").close()
            for _ in range(1200):
                if os.path.exists(os.path.join(work, "release")):
                    break
                time.sleep(0.1)
            body, kind = b"slow done\n", "text/plain"
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("0.0.0.0", port), Origin).serve_forever()
EOF
python3 "$work/origin.py" "$origin_port" "$work" &
origin_pid=$!

podman run -d --name "$name" "${run_flags[@]}" -p "127.0.0.1:$proxy_port:8080" -p "127.0.0.1:$admin_port:9090" \
  -e "CONSENT_PROXY_UPSTREAM=http://host.containers.internal:$origin_port" "$image" >/dev/null
proxy=http://127.0.0.1:$proxy_port admin=http://127.0.0.1:$admin_port

# Waits (polling, up to 60 s) until the command succeeds.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 600); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  podman logs "$name" 2>&1 | tail -20
  fail "gave up waiting: $what"
}
wait_for "/healthz" curl -fsS --max-time 2 "$admin/healthz"
[ "$(curl -fsS "$admin/healthz")" = ok ] || fail "/healthz"
wait_for "/readyz (the origin reachable from the container)" curl -fsS --max-time 5 "$admin/readyz"
say "/healthz ok, /readyz ready"

page=$(curl -fsS --max-time 10 "$proxy/")
grep -q 'class="cp-banner' <<<"$page" || fail "no banner in the page: $page"
! grep -qF '<script src="https://www.google-analytics.com/analytics.js">' <<<"$page" \
  || fail "the analytics script was not neutralised: $page"
say "a page through the container: banner injected, analytics script neutralised"

status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X POST -H 'content-type: application/x-www-form-urlencoded' \
  -H 'sec-fetch-site: same-origin' --data action=reject_all "$proxy/__consent")
[[ "$status" == 2* || "$status" == 3* ]] || fail "consent decision answered $status"

metrics=$(curl -fsS "$admin/metrics")
grep -q '^consent_proxy_upstream_response_head_seconds_count [1-9]' <<<"$metrics" || fail "no upstream latency in /metrics"
grep -q '^consent_proxy_audit_records_total{result="ok"} 1' <<<"$metrics" || fail "audit record not counted"

pid=$(podman inspect "$name" --format '{{.State.Pid}}')
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = 65532 ] || fail "the proxy runs as uid $uid"
say "the proxy runs as uid 65532 (host pid $pid)"

# SIGTERM drain: a request waiting on the origin when the signal comes still gets its answer.
curl -sS --max-time 120 -o "$work/slow.body" -w '%{http_code}' "$proxy/slow" >"$work/slow.status" &
slow_pid=$!
wait_for "the slow request at the origin" test -e "$work/slow-arrived"
podman kill --signal TERM "$name" >/dev/null
wait_for "/readyz 503 after SIGTERM" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $admin/readyz)\" = 503 ]"
wait_for "the drain to start (after shutdown.delay)" sh -c "podman logs $name 2>&1 | grep -q 'draining open connections'"
touch "$work/release"
wait "$slow_pid" || fail "the in-flight request failed during the drain"
[ "$(cat "$work/slow.status")" = 200 ] && [ "$(cat "$work/slow.body")" = "slow done" ] \
  || fail "in-flight request during the drain: $(cat "$work/slow.status") $(cat "$work/slow.body")"
code=$(podman wait "$name")
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
say "SIGTERM: /readyz 503, drain waited for the in-flight request (200), exit 0"

podman logs "$name" >"$work/stdout" 2>"$work/stderr"
python3 - "$work/stdout" "$work/stderr" <<'EOF'
import json, sys
out = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
err = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]   # raises on any non-JSON line
assert any(r.get("action") == "reject_all" for r in out), f"no audit record on stdout: {out}"
access = [r for r in err if r.get("target") == "access"]
assert any(r.get("fields", r).get("path") == "/slow" for r in access), f"no access line for /slow: {access}"
assert any("stopped" == r.get("fields", r).get("message") for r in err), "no 'stopped' line"
print(f"container-test: logs: {len(out)} JSON line(s) on stdout (audit), {len(err)} on stderr (log), all JSON")
EOF
say "passed in $(($(date +%s) - started))s"
