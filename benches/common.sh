# Shared by the load scripts (sourced): a work folder nginx workers can read, removed with every
# process the script started when it exits, and free loopback ports.
work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as www-data
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for pid in "$work"/*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
