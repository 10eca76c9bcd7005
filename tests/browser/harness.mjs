// The harness of the browser tests (run.mjs): the Node origin and its fixtures, the proxy
// binaries, headless Chromium with every non-local request stubbed, the helpers the scenarios
// share, the scenario registry and the runner. Scenarios live in scenarios/*.mjs.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');
export const FIX = path.join(HERE, 'fixtures');
export const ARTIFACTS = path.join(HERE, 'artifacts');
export const BIN = path.resolve(REPO, process.env.CONSENT_PROXY_BIN || 'target/debug/consent-proxy');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ONLY = process.env.ONLY ? process.env.ONLY.split(',').map(Number) : null;
export const RUN_DEADLINE_MS = 170_000;

export const ANALYTICS_HOSTS = ['www.googletagmanager.com', 'www.google-analytics.com'];
export const MARKETING_HOSTS = ['connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'];

// ------------------------------------------------------------------------------ helpers --

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export class Failure extends Error {}
export function check(cond, message) {
  if (!cond) throw new Failure(message);
}
/** Polls `fn` (sync or async) until truthy, at most `ms`; fails with `what` otherwise. */
export async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    let v;
    try { v = await fn(); } catch { v = undefined; }
    if (v) return v;
    if (Date.now() > end) throw new Failure(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}
export const isLocal = (u) => u.hostname === '127.0.0.1' || u.hostname === 'localhost';

// ------------------------------------------------------------------------------- origin --

export const originLog = { posts: [] };
export function startOrigin() {
  const file = (name) => fs.readFileSync(path.join(FIX, name));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://origin');
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': type, ...headers });
      res.end(body);
    };
    if (req.method === 'POST' && url.pathname === '/thanks') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        originLog.posts.push(body);
        send(200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Thanks</title></head><body><h1>Thanks for subscribing</h1></body></html>');
      });
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      // The shop sets tracking cookies itself too; the proxy must drop the refused ones.
      return send(200, 'text/html; charset=utf-8', file('shop.html'), {
        'Set-Cookie': ['_ga=GA1.1.999.888; Path=/; Max-Age=600', '_fbp=fb.1.999.888; Path=/; Max-Age=600', 'sessionid=s3ss10n; Path=/; HttpOnly'],
      });
    }
    if (url.pathname === '/odd.html') return send(200, 'text/html', file('odd.html'));
    if (url.pathname === '/frames.html' || url.pathname === '/frames2.html') return send(200, 'text/html; charset=utf-8', file(url.pathname.slice(1)));
    if (url.pathname === '/write.html') return send(200, 'text/html; charset=utf-8', file('write.html'));
    if (url.pathname === '/onload.html') return send(200, 'text/html; charset=utf-8', file('onload.html'));
    if (['/appwork.html', '/longtail.html', '/runtime.html'].includes(url.pathname)) return send(200, 'text/html; charset=utf-8', file(url.pathname.slice(1)));
    if (url.pathname === '/snippets.html') return send(200, 'text/html; charset=utf-8', snippetsPage());
    if (url.pathname === '/own.png') return send(200, 'image/gif', GIF);
    if (url.pathname === '/app.js') return send(200, 'text/javascript', file('app.js'));
    if (url.pathname === '/odd.js') return send(200, 'text/javascript', file('odd.js'));
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    send(404, 'text/plain', 'not found\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The vendors' published snippets (tests/fixtures/snippets/*.js): {name, text}. */
export function snippetFixtures() {
  const dir = path.join(REPO, 'tests/fixtures/snippets');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()
    .map((f) => ({ name: f.replace(/\.js$/, ''), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}
/** Site code around a snippet, in the shapes real pages have; `{s}` is the snippet. Each
 *  script ends by noting that it ran to its end. */
export const SITE_SHAPES = {
  after: '{s}\nwindow.slateAmplitudeQueue = window.slateAmplitudeQueue || { _q: [], push: function (e) { this._q.push(e); } };',
  before: 'var siteConfig = { lang: "en", currency: "EUR" };\n{s}',
  function: '{s}\nfunction trackSignup(plan) { window.lastPlan = plan; }',
  listener: '{s}\ndocument.addEventListener("click", function () { window.clicks = (window.clicks || 0) + 1; });',
  try: 'try {\n{s}\n} catch (e) { window.__caught = (window.__caught || []).concat(String(e)); }',
  second: '{s};\n{next}', // (`;`: a snippet may end without one, and the next may start with `(`)
};
/** One page: every snippet alone (to be made inert), then every snippet mixed with site code in
 *  every shape (to run), then the site's bundle using what its code defined. */
export function snippetsPage() {
  const all = snippetFixtures();
  const safe = (t) => t.replace(/<\/script/gi, '<\\/script');
  const alone = all.map((f) => `<script data-alone="${f.name}">\n${safe(f.text)}\n</script>`);
  const mixed = [];
  all.forEach((f, i) => {
    for (const [shape, wrap] of Object.entries(SITE_SHAPES)) {
      const code = wrap.replace('{s}', () => f.text).replace('{next}', () => all[(i + 1) % all.length].text);
      mixed.push(`<script>\n${safe(code)}\n;(window.__ran = window.__ran || []).push(${JSON.stringify(`${f.name}/${shape}`)});\n</script>`);
    }
  });
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Snippets</title>\n${alone.join('\n')}\n</head><body>
<h1>Vendor snippets and the site's own code</h1>
${mixed.join('\n')}
<script>window.slateAmplitudeQueue.push({ event: 'page' }); window.__bundle = 'ok';</script>
</body></html>`;
}

// -------------------------------------------------------------------------------- proxy --

/** banner.js as the binary embeds it: the `include_str!` parts of `BANNER_JS` in
 *  src/rewrite/assets.rs, in that order, concatenated into a temporary file (once). */
export let assembled = null;
export function assembledScript() {
  if (assembled) return assembled;
  const rs = fs.readFileSync(path.join(REPO, 'src/rewrite/assets.rs'), 'utf8');
  const block = /pub const BANNER_JS: &str = concat!\(([^;]*)\);/.exec(rs);
  const parts = block ? [...block[1].matchAll(/include_str!\("([^"]+)"\)/g)].map((m) => m[1]) : [];
  if (parts.length === 0) throw new Error('no include_str! parts found in BANNER_JS (src/rewrite/assets.rs)');
  const js = parts.map((p) => fs.readFileSync(path.join(REPO, 'src/rewrite', p), 'utf8')).join('');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-proxy-browser-'));
  assembled = path.join(dir, 'banner.js');
  fs.writeFileSync(assembled, js);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return assembled;
}

export function startProxy(originPort, extraEnv = {}, demo = false, config = path.join(FIX, 'proxy.toml')) {
  if (!fs.existsSync(BIN)) throw new Error(`proxy binary not found: ${BIN} (build it, or set CONSENT_PROXY_BIN)`);
  const args = demo
    ? ['demo', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0']
    : ['--upstream', `http://127.0.0.1:${originPort}`, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0',
      '--config', config];
  const child = spawn(BIN, args, {
    env: {
      ...process.env,
      CONSENT_PROXY__AUDIT__SINK: '/dev/null',
      CONSENT_PROXY__LOG__FORMAT: 'json',
      CONSENT_PROXY__SHUTDOWN__DELAY: '0s',
      CONSENT_PROXY__CONSENT__RATE_LIMIT_PER_MINUTE: '0',
      // The script from this checkout's files, so that the tests check them even with an older
      // binary (the built one embeds the same parts, in the same order).
      CONSENT_PROXY__HTML__BANNER_SCRIPT_FILE: process.env.BANNER_SCRIPT_FILE || assembledScript(),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`proxy did not start:\n${buf}`)); }, 15_000);
    child.on('exit', (code) => reject(new Error(`proxy exited with ${code}:\n${buf}`)));
    child.stderr.on('data', (d) => {
      buf = (buf + d).slice(-20_000); // access log lines keep coming: keep the tail only
      for (const line of buf.split('\n')) {
        if (!line.includes('consent-proxy listening')) continue;
        try {
          const j = JSON.parse(line);
          const f = j.fields || j;
          clearTimeout(timer);
          resolve({ child, url: `http://${f.listen}` });
        } catch { /* partial line */ }
      }
    });
  });
}

// ------------------------------------------------------------------------------ browser --

export const VENDOR = {
  gtag: fs.readFileSync(path.join(FIX, 'vendor/gtag.js')),
  fbevents: fs.readFileSync(path.join(FIX, 'vendor/fbevents.js')),
  hubspot: fs.readFileSync(path.join(FIX, 'vendor/hubspot.js')),
  youtube: fs.readFileSync(path.join(FIX, 'vendor/youtube.html')),
};
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The stub a third-party URL gets, shaped like the vendor's answer. */
export function stubFor(u) {
  const js = (body) => ({ status: 200, contentType: 'text/javascript', body });
  if (u.hostname === 'www.googletagmanager.com') return js(VENDOR.gtag);
  if (u.hostname === 'connect.facebook.net') return js(VENDOR.fbevents);
  if (u.hostname === 'js.hs-scripts.com') return js(VENDOR.hubspot);
  if (u.hostname === 'cdn.statslib.example') return js('window.__lib = 1;');
  if (u.hostname === 'cdn.longtail-adtech.example') return js('window.__longtail = (window.__longtail || 0) + 1;');
  if (u.hostname === 'cdn.friendly-cdn.example') return js('window.__friendly = (window.__friendly || 0) + 1;');
  if (u.pathname.endsWith('.gif')) return { status: 200, contentType: 'image/gif', body: GIF };
  if (u.hostname.endsWith('youtube.com')) return { status: 200, contentType: 'text/html', body: VENDOR.youtube };
  if (u.pathname.startsWith('/tr')) return { status: 200, contentType: 'image/gif', body: GIF };
  return { status: 204, body: '' };
}

export let browser;
export let proxyUrl;
export let sharedUrl; // a second proxy with html.cache_mode = "shared"
export let demoUrl; // `consent-proxy demo`
export let originPort;
export const lateProxies = []; // started by the scenarios that need them (killed at the end)
export let listsUrl; // a proxy whose catalog includes fixtures/longtail.txt as a filter list

/** The proxy with `[[trackers.lists]]` (fixtures/longtail.txt, marketing), started once. */
export async function listsProxy() {
  if (CLASSIFY_STUB) return proxyUrl; // the browser answers /classify itself (below)
  if (listsUrl) return listsUrl;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-proxy-lists-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'proxy.toml');
  fs.writeFileSync(config, `[[trackers.lists]]\npath = ${JSON.stringify(path.join(FIX, 'longtail.txt'))}\ncategory = "marketing"\nformat = "adblock"\n`);
  const p = await startProxy(originPort, {}, false, config);
  lateProxies.push(p);
  listsUrl = p.url;
  return listsUrl;
}

// CLASSIFY_STUB=1: answer POST /__consent/classify in the browser from fixtures/longtail.txt's
// `||host^` lines, as the proxy does (a development aid for banner.js before the proxy has the
// endpoint; a run with it does not test the proxy's side).
export const CLASSIFY_STUB = process.env.CLASSIFY_STUB === '1';
export const LIST_HOSTS = fs.readFileSync(path.join(FIX, 'longtail.txt'), 'utf8').split('\n')
  .map((l) => /^\|\|([^/^$]+)\^/.exec(l.trim())).filter(Boolean).map((m) => m[1]);
export function stubClassify(route) {
  const body = route.request().postDataJSON();
  const verdicts = body.requests.map((q) => {
    const h = new URL(q.url).hostname;
    const d = LIST_HOSTS.find((l) => h === l || h.endsWith(`.${l}`));
    return d ? { category: 'marketing', provider: d } : null;
  });
  return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ verdicts }) });
}

/** A fresh context whose third-party traffic is recorded (and stubbed); `t.hosts()` lists it. */
export async function newContext(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...options });
  const requests = [];
  ctx.on('request', (r) => {
    let u;
    try { u = new URL(r.url()); } catch { return; }
    if (/^https?:$/.test(u.protocol) && !isLocal(u)) requests.push({ url: r.url(), host: u.hostname, type: r.resourceType() });
  });
  await ctx.route((u) => /^(https?|wss?):$/.test(u.protocol) && !isLocal(u), async (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === 'cdn.statslib.example') await sleep(300); // slow: order must still hold
    await route.fulfill(stubFor(u));
  });
  if (CLASSIFY_STUB) await ctx.route('**/__consent/classify', stubClassify);
  const page = await ctx.newPage();
  // Connections are not requests to Playwright: recorded apart, as requests of type websocket.
  page.on('websocket', (ws) => {
    const u = new URL(ws.url());
    if (!isLocal(u)) requests.push({ url: ws.url(), host: u.hostname, type: 'websocket' });
  });
  // The guard's questions to the proxy: {status, asked: [{url, type}], verdicts}.
  const asks = [];
  page.on('response', async (r) => {
    if (!new URL(r.url()).pathname.endsWith('/__consent/classify')) return;
    const entry = { status: r.status(), asked: r.request().postDataJSON()?.requests || [], verdicts: null };
    asks.push(entry);
    try { entry.verdicts = (await r.json()).verdicts; } catch { /* not JSON */ }
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.text().startsWith('consent-proxy:')) errors.push(m.text()); });
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
  return {
    ctx, page, requests, errors, asks,
    navigations: () => navigations,
    hosts: () => [...new Set(requests.map((r) => r.host))],
    hit: (host) => requests.some((r) => r.host === host),
    cookies: async () => Object.fromEntries((await ctx.cookies()).map((c) => [c.name, c.value])),
  };
}

/** Loads the shop and waits until app.js has inserted its late trackers (+ time to fetch). */
export async function openShop(t, p = '/') {
  await t.page.goto(proxyUrl + p);
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js to insert its trackers');
  await sleep(700);
}
export const state = (t) => t.page.evaluate(() => fetch('/__consent').then((r) => r.json()));
export const listenChanges = (t) => t.page.evaluate(() => {
  window.__changes = [];
  document.addEventListener('consent:change', (e) => window.__changes.push(e.detail));
});

// ---------------------------------------------------------------------------- scenarios --

export const scenarios = [];
export const scenario = (name, fn) => scenarios.push({ n: scenarios.length + 1, name, fn });
// --------------------------------------------------------------------------------- main --

async function main() {
  const deadline = setTimeout(() => { console.error(`run exceeded ${RUN_DEADLINE_MS / 1000} s`); cleanup(); process.exit(1); }, RUN_DEADLINE_MS);
  const origin = await startOrigin();
  originPort = origin.address().port;
  const proxy = await startProxy(originPort);
  proxyUrl = proxy.url;
  const shared = await startProxy(origin.address().port, { CONSENT_PROXY__HTML__CACHE_MODE: 'shared' });
  sharedUrl = shared.url;
  const demo = await startProxy(0, {}, true);
  demoUrl = demo.url;
  cleanup = () => {
    for (const p of [proxy, shared, demo, ...lateProxies]) { try { p.child.kill('SIGKILL'); } catch { /* gone */ } }
    origin.close();
  };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let passed = 0;
  let failed = 0;
  for (const s of scenarios) {
    if (ONLY && !ONLY.includes(s.n)) continue;
    const start = Date.now();
    try {
      await Promise.race([s.fn(), sleep(30_000).then(() => { throw new Failure('scenario timed out (30 s)'); })]);
      passed += 1;
      console.log(`ok   ${String(s.n).padStart(2)} ${s.name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${String(s.n).padStart(2)} ${s.name}: ${e instanceof Failure ? e.message : e.stack}`);
    }
  }
  await browser.close();
  cleanup();
  clearTimeout(deadline);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

let cleanup = () => {};

/** Starts the origin, the proxies and Chromium, runs every registered scenario (or those in
 *  ONLY), and exits 0 only if all passed. */
export function run() {
  return main().catch((e) => {
    console.error(e);
    cleanup();
    process.exit(1);
  });
}
