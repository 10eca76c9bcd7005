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

# nginx serving the files of $work on port $1 (one worker), pinned to CPU $2 when given.
start_origin() {
  cat > "$work/origin.conf" <<CONF
worker_processes 1; pid $work/origin.pid; error_log $work/origin-error.log;
events { worker_connections 4096; }
http { access_log off; types { text/html html; text/plain txt; } default_type text/plain;
  server { listen 127.0.0.1:$1; root $work; keepalive_requests 1000000; } }
CONF
  ${2:+taskset -c "$2"} nginx -c "$work/origin.conf"
}

# nginx as a plain reverse proxy (one worker, keep-alive upstream) of the origin on port $1,
# listening on $2, pinned to CPU $3 when given; $4: more server blocks, with
# $PROXY_TO_ORIGIN for the proxying lines they share.
PROXY_TO_ORIGIN='proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";'
start_nginx_proxy() {
  cat > "$work/proxy.conf" <<CONF
worker_processes 1; pid $work/proxy.pid; error_log $work/proxy-error.log;
events { worker_connections 4096; }
http { access_log off;
  upstream origin { server 127.0.0.1:$1; keepalive 64; }
  server { listen 127.0.0.1:$2; keepalive_requests 1000000; location / { $PROXY_TO_ORIGIN } }
  ${4:-} }
CONF
  ${3:+taskset -c "$3"} nginx -c "$work/proxy.conf"
}
