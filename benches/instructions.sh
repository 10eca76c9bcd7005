#!/usr/bin/env bash
# Instructions per rewrite of the 41 KB tracker page, exact (Valgrind callgrind), per variant of
# benches/support/mod.rs and for the proxy's rewriter. See benches/instructions.rs.
#   benches/instructions.sh [PAGE_FILTER]      (default: tracker)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import sys,json
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="instructions" and m.get("executable"): print(m["executable"])' | tail -1)
out=$(mktemp -d)
valgrind --tool=callgrind --toggle-collect='*measured*' --callgrind-out-file="$out/cg" "$bin" "${1:-tracker}" >"$out/log" 2>"$out/vg"
callgrind_annotate --inclusive=yes "$out/cg" >"$out/ann" 2>/dev/null
python3 - "$out/log" "$out/ann" <<'PY'
import re, sys
log, ann = open(sys.argv[1]).read(), open(sys.argv[2]).read()
incl = {}
for line in ann.splitlines():
    m = re.match(r'\s*([\d,]+)\s.*::measured_(\d+) ', line)
    if m:
        incl.setdefault(int(m.group(2)), int(m.group(1).replace(',', '')))
page = re.search(r'page (\S+) (\d+)', log)
print(f"{page.group(1)} ({page.group(2)} bytes): instructions per rewrite (callgrind, exact)")
base = None
for m in re.finditer(r'variant (\S+) measured_(\d+) iters (\d+)', log):
    n = incl.get(int(m.group(2)))
    per = n / int(m.group(3)) if n else float('nan')
    base = base or per
    print(f"  {m.group(1):<32} {per/1e3:>10,.0f} k   {base/per*100:>5.1f}% of bare" if n else f"  {m.group(1)}: not found")
PY
rm -rf "$out"
