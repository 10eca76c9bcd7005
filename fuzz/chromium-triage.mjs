#!/usr/bin/env node
// Chromium as the judge of `rewrite_html` findings: is what the fuzz oracle calls a leak one in a
// browser? Each input (libFuzzer's `[flags][n][n × u16 cuts][page]` format; the page bytes are
// used, served whole) is served by a local origin through the proxy binary (default config, an
// undecided visitor) and loaded in headless Chromium three times:
//   - JavaScript on, as a visitor gets it (banner.js and its client guard running);
//   - JavaScript off: what `<noscript>` content loads;
//   - JavaScript on with the proxy's banner.js blocked: the wire alone. A tracker loaded only
//     here is a NOTE, not a leak: code that is not a whole vendor snippet runs by design, and the
//     client guard stops what it loads.
// Every request Chromium makes to a host other than 127.0.0.1 is answered by an empty stub and
// put to the proxy's `POST /__consent/classify`; a URL it classifies (a refused tracker for an
// undecided visitor) is a LEAK. `<a ping>` fires on a click only, so live `ping` attributes in the
// rendered DOM are classified too. Exit 1 if any input leaks.
//
//   node fuzz/chromium-triage.mjs DIR [--bin target/debug/consent-proxy]   (e.g. fuzz/artifacts/rewrite_html)
//
// Needs Debian's chromium (/usr/bin/chromium) and playwright-core (`cd tests/urloracle && npm
// install`; it never downloads a browser).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(ROOT, 'tests/urloracle/node_modules/playwright-core/index.mjs'));
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
const binAt = args.indexOf('--bin');
const BIN = binAt >= 0 ? args[binAt + 1] : path.join(ROOT, 'target/debug/consent-proxy');
if (!dir) { console.error('usage: chromium-triage.mjs DIR [--bin PROXY]'); process.exit(2); }

const files = fs.readdirSync(dir).filter((f) => !f.endsWith('.md')).sort();
const pages = new Map();
for (const f of files) {
  const d = fs.readFileSync(path.join(dir, f));
  const n = d.length > 1 ? d[1] & 7 : 0;
  pages.set(f, d.subarray(Math.min(2 + 2 * n, d.length)));
}
const origin = http.createServer((req, res) => {
  const page = pages.get(decodeURIComponent(req.url.split('/').pop()));
  res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page ?? '');
}).listen(0, '127.0.0.1');
await new Promise((r) => origin.once('listening', r));
const child = spawn(BIN, ['--upstream', `http://127.0.0.1:${origin.address().port}`, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, CONSENT_PROXY__AUDIT__SINK: '/dev/null', CONSENT_PROXY__CONSENT__RATE_LIMIT_PER_MINUTE: '0' },
});
const proxy = await new Promise((resolve, reject) => {
  let buf = '';
  const on = (x) => { buf += x; const m = /(?:listening|proxy)[^\n]*?(127\.0\.0\.1:\d+)/i.exec(buf); if (m) resolve(`http://${m[1]}`); };
  child.stdout.on('data', on); child.stderr.on('data', on);
  child.on('exit', (c) => reject(new Error(`proxy exited (${c}): ${buf}`)));
});

async function classify(urls, type) {
  if (!urls.length) return [];
  const res = await fetch(`${proxy}/__consent/classify`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ page: `${proxy}/`, requests: urls.slice(0, 64).map((url) => ({ url, type })) }),
  });
  const { verdicts } = await res.json();
  return urls.slice(0, 64).filter((_, i) => verdicts[i]);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
let leaking = 0;
for (const f of files) {
  const found = [];
  const notes = [];
  for (const [js, guard] of [[true, true], [false, true], [true, false]]) {
    const ctx = await browser.newContext({ javaScriptEnabled: js });
    const requested = new Set();
    await ctx.route('**/*', async (route) => {
      const u = route.request().url();
      try {
        if (!guard && u.includes('/__consent/banner.js')) await route.abort();
        else if (/^https?:\/\/127\.0\.0\.1[:/]/.test(u) || !/^(https?|wss?):/.test(u)) await route.continue();
        else { requested.add(u); await route.fulfill({ status: 200, body: '' }); }
      } catch { /* page gone */ }
    });
    const page = await ctx.newPage();
    try { await page.goto(`${proxy}/f/${encodeURIComponent(f)}`, { waitUntil: 'load', timeout: 15000 }); } catch { /* judged on what loaded */ }
    await page.waitForTimeout(800);
    const pings = await page.evaluate(() => [...document.querySelectorAll('a[ping], area[ping]')]
      .flatMap((a) => a.getAttribute('ping').split(/[\t\n\f\r ]+/).filter(Boolean).map((p) => { try { return new URL(p, document.baseURI).href; } catch { return null; } }))
      .filter(Boolean)).catch(() => []);
    await ctx.close();
    const mode = !js ? 'JS off' : guard ? 'JS on' : 'JS on, no client guard (note)';
    const into = guard ? found : notes;
    for (const u of await classify([...requested], 'other')) into.push(`${mode}: requested ${u}`);
    for (const u of await classify(pings, 'ping')) into.push(`${mode}: live <a ping> ${u}`);
  }
  if (found.length) leaking += 1;
  const lines = [...found, ...notes].map((x) => `\n       ${x}`).join('');
  console.log(`${found.length ? 'LEAK' : notes.length ? 'note' : 'ok  '} ${f}${lines}`);
}
await browser.close();
child.kill('SIGKILL');
origin.close();
console.log(`chromium-triage: ${files.length} inputs, ${leaking} leak in Chromium`);
process.exit(leaking ? 1 : 0);
