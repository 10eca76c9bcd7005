#!/usr/bin/env node
// Real-browser tests of consent-proxy's banner.js: a Node origin serving a shop page with
// real-shaped tracker snippets, the proxy binary in front of it, headless Chromium in front of
// that. Every request to a host other than 127.0.0.1 is recorded and answered by a local stub
// that behaves like the vendor (sets its cookies, processes its queue). No internet is used.
//
//   CONSENT_PROXY_BIN  proxy binary (default: target/debug/consent-proxy under the repo root)
//   CHROMIUM_PATH      browser (default: /usr/bin/chromium)
//   ONLY=3,6           run only these scenarios
//   BANNER_SCRIPT_FILE another banner.js to test (default: the parts in src/rewrite/banner/,
//                      assembled as src/rewrite/assets.rs lists them)
//
// One line per scenario, then "N passed, M failed"; exit 1 on any failure.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const FIX = path.join(HERE, 'fixtures');
const ARTIFACTS = path.join(HERE, 'artifacts');
const BIN = path.resolve(REPO, process.env.CONSENT_PROXY_BIN || 'target/debug/consent-proxy');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ONLY = process.env.ONLY ? process.env.ONLY.split(',').map(Number) : null;
const RUN_DEADLINE_MS = 170_000;

const ANALYTICS_HOSTS = ['www.googletagmanager.com', 'www.google-analytics.com'];
const MARKETING_HOSTS = ['connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'];

// ------------------------------------------------------------------------------ helpers --

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
class Failure extends Error {}
function check(cond, message) {
  if (!cond) throw new Failure(message);
}
/** Polls `fn` (sync or async) until truthy, at most `ms`; fails with `what` otherwise. */
async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    let v;
    try { v = await fn(); } catch { v = undefined; }
    if (v) return v;
    if (Date.now() > end) throw new Failure(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}
const isLocal = (u) => u.hostname === '127.0.0.1' || u.hostname === 'localhost';

// ------------------------------------------------------------------------------- origin --

const originLog = { posts: [] };
function startOrigin() {
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
function snippetFixtures() {
  const dir = path.join(REPO, 'tests/fixtures/snippets');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()
    .map((f) => ({ name: f.replace(/\.js$/, ''), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}
/** Site code around a snippet, in the shapes real pages have; `{s}` is the snippet. Each
 *  script ends by noting that it ran to its end. */
const SITE_SHAPES = {
  after: '{s}\nwindow.slateAmplitudeQueue = window.slateAmplitudeQueue || { _q: [], push: function (e) { this._q.push(e); } };',
  before: 'var siteConfig = { lang: "en", currency: "EUR" };\n{s}',
  function: '{s}\nfunction trackSignup(plan) { window.lastPlan = plan; }',
  listener: '{s}\ndocument.addEventListener("click", function () { window.clicks = (window.clicks || 0) + 1; });',
  try: 'try {\n{s}\n} catch (e) { window.__caught = (window.__caught || []).concat(String(e)); }',
  second: '{s};\n{next}', // (`;`: a snippet may end without one, and the next may start with `(`)
};
/** One page: every snippet alone (to be made inert), then every snippet mixed with site code in
 *  every shape (to run), then the site's bundle using what its code defined. */
function snippetsPage() {
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
let assembled = null;
function assembledScript() {
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

function startProxy(originPort, extraEnv = {}, demo = false, config = path.join(FIX, 'proxy.toml')) {
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

const VENDOR = {
  gtag: fs.readFileSync(path.join(FIX, 'vendor/gtag.js')),
  fbevents: fs.readFileSync(path.join(FIX, 'vendor/fbevents.js')),
  hubspot: fs.readFileSync(path.join(FIX, 'vendor/hubspot.js')),
  youtube: fs.readFileSync(path.join(FIX, 'vendor/youtube.html')),
};
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The stub a third-party URL gets, shaped like the vendor's answer. */
function stubFor(u) {
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

let browser;
let proxyUrl;
let sharedUrl; // a second proxy with html.cache_mode = "shared"
let demoUrl; // `consent-proxy demo`
let originPort;
const lateProxies = []; // started by the scenarios that need them (killed at the end)
let listsUrl; // a proxy whose catalog includes fixtures/longtail.txt as a filter list

/** The proxy with `[[trackers.lists]]` (fixtures/longtail.txt, marketing), started once. */
async function listsProxy() {
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
const CLASSIFY_STUB = process.env.CLASSIFY_STUB === '1';
const LIST_HOSTS = fs.readFileSync(path.join(FIX, 'longtail.txt'), 'utf8').split('\n')
  .map((l) => /^\|\|([^/^$]+)\^/.exec(l.trim())).filter(Boolean).map((m) => m[1]);
function stubClassify(route) {
  const body = route.request().postDataJSON();
  const verdicts = body.requests.map((q) => {
    const h = new URL(q.url).hostname;
    const d = LIST_HOSTS.find((l) => h === l || h.endsWith(`.${l}`));
    return d ? { category: 'marketing', provider: d } : null;
  });
  return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ verdicts }) });
}

/** A fresh context whose third-party traffic is recorded (and stubbed); `t.hosts()` lists it. */
async function newContext(options = {}) {
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
async function openShop(t, p = '/') {
  await t.page.goto(proxyUrl + p);
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js to insert its trackers');
  await sleep(700);
}
const state = (t) => t.page.evaluate(() => fetch('/__consent').then((r) => r.json()));
const listenChanges = (t) => t.page.evaluate(() => {
  window.__changes = [];
  document.addEventListener('consent:change', (e) => window.__changes.push(e.detail));
});

// ---------------------------------------------------------------------------- scenarios --

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ n: scenarios.length + 1, name, fn });

scenario('before any choice: no tracker requests, banner is a focused dialog, no tracking cookies', async () => {
  const t = await newContext();
  await openShop(t);
  check(t.requests.length === 0, `tracker requests before consent: ${t.requests.map((r) => r.url).join(', ')}`);
  const banner = t.page.locator('#consent-proxy.cp-banner[role="dialog"]');
  check(await banner.isVisible(), 'banner (role=dialog) not visible');
  const label = await banner.getAttribute('aria-labelledby');
  check(label && (await t.page.locator(`#${label}`).textContent()).trim().length > 0, 'dialog has no label');
  const focused = await t.page.evaluate(() => {
    const a = document.activeElement;
    return a && a.tagName === 'BUTTON' && a.closest('#consent-proxy') ? a.textContent : null;
  });
  check(focused === 'Accept all', `focus is not on the banner's first button (${focused})`);
  const c = await t.cookies();
  check(!('_ga' in c) && !('_fbp' in c) && !('hubspotutk' in c), `tracking cookies present: ${Object.keys(c)}`);
  check(c.sessionid === 's3ss10n', 'the necessary session cookie did not pass');
  const g = await t.page.evaluate(() => ({
    script: document.getElementById('app-fbevents')?.type,
    pixel: document.getElementById('app-pixel')?.hasAttribute('src'),
    html: document.getElementById('html-pixel')?.hasAttribute('src'),
    beacon: window.__beacon, fetchStatus: window.__fetchStatus, fbq: typeof window.fbq, hsq: Array.isArray(window._hsq),
  }));
  check(g.script === 'text/plain', `late fbevents script not inert (type ${g.script})`);
  check(g.pixel === false && g.html === false, 'late pixels kept their src');
  check(g.beacon === true && g.fetchStatus === 204, `dropped beacon/fetch should look sent (${g.beacon}, ${g.fetchStatus})`);
  check(g.fbq === 'function' && g.hsq, 'queueing stubs missing');
  await t.page.click('#add-to-cart');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('accept all: trackers load without a navigation, consent:change, cookies, shield', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.click('#add-to-cart'); // queued by the fbq stub, replayed into Meta's code
  await listenChanges(t);
  await t.page.evaluate(() => { window.__marker = 42; });
  const navsBefore = t.navigations();
  await t.page.click('#consent-proxy button[value="accept_all"]');
  for (const h of ['www.googletagmanager.com', 'www.google-analytics.com', 'connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com']) {
    await waitFor(() => t.hit(h), 5000, `a request to ${h}`);
  }
  check(t.navigations() === navsBefore, 'the page navigated');
  check(await t.page.evaluate(() => window.__marker) === 42, 'window.__marker lost: the page reloaded');
  const changes = await t.page.evaluate(() => window.__changes);
  check(changes.length === 1 && changes[0].granted.includes('marketing') && changes[0].decided, `consent:change: ${JSON.stringify(changes)}`);
  const c = await waitFor(async () => { const c = await t.cookies(); return c._ga && c._fbp && c.hubspotutk && c.consent && c; }, 3000, '_ga, _fbp, hubspotutk and consent cookies');
  check(c._fbp.startsWith('fb.1.17'), 'the _fbp cookie is not the one the vendor script set');
  const page = await t.page.evaluate(() => ({
    calls: window.__fbCalls, gtag: window.__gtagAnalytics, shield: !!document.querySelector('#consent-proxy.cp-shield details summary'),
    hs: window.__hsQueued, update: window.dataLayer.some((e) => e[0] === 'consent' && e[1] === 'update' && e[2].ad_storage === 'granted'),
  }));
  const calls = JSON.stringify(page.calls);
  check(calls.includes('"init","111122223333"') && calls.includes('"PageView"') && calls.includes('"AddToCart"'), `fbq calls not replayed: ${calls}`);
  check(page.gtag === 'granted' && page.update, 'Consent Mode update missing before gtag.js ran');
  check(page.hs >= 1, '_hsq queue not kept for HubSpot');
  check(page.shield, 'shield not shown');
  check(await t.page.locator('#consent-proxy summary').isVisible(), 'shield button not visible');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('settings, analytics only: only analytics hosts, no marketing', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.evaluate(() => { window.__marker = 1; });
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(() => t.hit('www.googletagmanager.com') && t.hit('www.google-analytics.com'), 5000, 'analytics requests');
  await sleep(1000);
  const marketing = t.requests.filter((r) => MARKETING_HOSTS.includes(r.host));
  check(marketing.length === 0, `marketing requests: ${marketing.map((r) => r.url).join(', ')}`);
  check(t.requests.every((r) => ANALYTICS_HOSTS.includes(r.host)), `unexpected hosts: ${t.hosts()}`);
  const c = await t.cookies();
  check(c._ga && !c._fbp && !c.hubspotutk, `cookies: ${Object.keys(c)}`);
  check(await t.page.evaluate(() => window.__marker) === 1, 'the page reloaded');
  const s = await state(t);
  check(s.granted.join() === 'necessary,analytics', `state ${s.granted}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('reject all: nothing loads, after a reload neither; late inserts and cookie writes blocked', async () => {
  const t = await newContext();
  await openShop(t);
  await listenChanges(t);
  await t.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => t.page.evaluate(() => window.__changes.length === 1), 3000, 'consent:change');
  check(await t.page.locator('#consent-proxy.cp-shield').count() === 1, 'no shield after reject');
  await sleep(500);
  await t.page.reload();
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await sleep(800);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((r) => r.url).join(', ')}`);
  const r = await t.page.evaluate(() => {
    document.cookie = '_fbp=x; Path=/';
    document.cookie = 'csrftoken=1; Path=/';
    document.cookie = 'unknown_pref=dark; Path=/';
    return {
      cookie: document.cookie, script: document.getElementById('app-fbevents')?.type,
      pixel: document.getElementById('app-pixel')?.getAttribute('src'), beacon: window.__beacon,
      shield: !!document.querySelector('#consent-proxy.cp-shield'), focus: document.activeElement?.tagName,
    };
  });
  check(!/(^|; )_fbp=/.test(r.cookie), `_fbp written: ${r.cookie}`);
  check(/(^|; )csrftoken=1/.test(r.cookie), `necessary csrftoken not written: ${r.cookie}`);
  check(!/unknown_pref/.test(r.cookie), `unknown cookie written although unknown_cookies=block: ${r.cookie}`);
  check(r.script === 'text/plain' && r.pixel === null && r.beacon === true, `late inserts not blocked: ${JSON.stringify(r)}`);
  check(r.shield, 'the reloaded page has no shield');
  check(r.focus !== 'SUMMARY' && r.focus !== 'BUTTON', 'focus moved into the shield of a decided page');
  const c = await t.cookies();
  check(!c._fbp && !c._ga && c.consent && c.csrftoken === '1', `cookies: ${JSON.stringify(c)}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('undecided: a form with onsubmit="fbq(...)" still submits, without errors', async () => {
  const t = await newContext();
  await openShop(t);
  const posts = originLog.posts.length;
  // The banner covers the bottom of the page (as banners do): submit with the keyboard.
  await t.page.focus('#lead-submit');
  await Promise.all([t.page.waitForURL('**/thanks', { timeout: 5000 }), t.page.keyboard.press('Enter')]);
  check((await t.page.textContent('h1')).includes('Thanks'), 'not on the thanks page');
  check(originLog.posts.length === posts + 1 && originLog.posts.at(-1).includes('visitor%40example.com'), 'the origin did not get the form');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  check(t.requests.length === 0, `tracker requests: ${t.hosts()}`);
  await t.ctx.close();
});

scenario('shield shows current choices; withdrawing marketing deletes _fbp and reloads', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(async () => (await t.cookies())._fbp, 5000, '_fbp from the vendor');
  await t.page.reload();
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await t.page.click('#consent-proxy.cp-shield summary');
  const checked = await t.page.evaluate(() => [...document.querySelectorAll('#consent-proxy input[name="categories"]')].map((i) => `${i.value}:${i.checked}`).join());
  check(checked === 'necessary:true,analytics:true,marketing:true', `shield choices: ${checked}`);
  await t.page.evaluate(() => {
    window.__marker = 7;
    localStorage.setItem('_fbp', 'fb.1.x');
    localStorage.setItem('cart', '3 mugs');
    sessionStorage.setItem('_fbc', 'fb.1.y');
  });
  await t.page.uncheck('#consent-proxy input[value="marketing"]');
  await Promise.all([
    t.page.waitForEvent('load', { timeout: 5000 }),
    t.page.click('#consent-proxy button[value="save"]'),
  ]);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'the page did not reload');
  const c = await t.cookies();
  check(!c._fbp, `_fbp not deleted: ${JSON.stringify(c)}`);
  check(c._ga && c.consent, `_ga or consent missing: ${Object.keys(c)}`);
  const st = await t.page.evaluate(() => [localStorage.getItem('_fbp'), localStorage.getItem('cart'), sessionStorage.getItem('_fbc')]);
  check(st[0] === null && st[2] === null && st[1] === '3 mugs', `storage after withdrawal: ${st}`);
  const s = await state(t);
  check(s.granted.join() === 'necessary,analytics', `state ${s.granted}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('no JavaScript: the form post applies consent server-side; nothing loads before', async () => {
  const t = await newContext({ javaScriptEnabled: false });
  await t.page.goto(proxyUrl + '/');
  await sleep(1000);
  check(t.requests.length === 0, `tracker requests without JS before consent: ${t.requests.map((r) => r.url).join(', ')}`);
  check(await t.page.locator('#consent-proxy.cp-banner').isVisible(), 'banner not visible without JS');
  await Promise.all([t.page.waitForURL(proxyUrl + '/', { timeout: 5000, waitUntil: 'load' }), t.page.click('#consent-proxy button[value="accept_all"]')]);
  check(new URL(t.page.url()).pathname === '/', `landed on ${t.page.url()}`);
  check(await t.page.locator('#consent-proxy.cp-shield').count() === 1, 'no shield after the no-JS decision');
  await waitFor(() => t.hit('www.facebook.com') && t.hit('www.youtube.com'), 5000, 'the noscript pixel and the video after consent');
  check((await t.cookies()).consent, 'no consent cookie');
  await t.ctx.close();
});

scenario('keyboard only: Tab to "Accept all", Enter; Escape closes the shield settings', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.evaluate(() => { document.activeElement?.blur(); window.__marker = 3; });
  let name = null;
  for (let i = 0; i < 40 && name !== 'Accept all'; i++) {
    await t.page.keyboard.press('Tab');
    name = await t.page.evaluate(() => (document.activeElement?.closest('#consent-proxy') ? document.activeElement.textContent : null));
  }
  check(name === 'Accept all', 'Tab never reached "Accept all"');
  await t.page.keyboard.press('Enter');
  await waitFor(() => t.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  const s = await state(t);
  check(s.decided && s.granted.includes('marketing'), `not accepted: ${JSON.stringify(s.granted)}`);
  check(await t.page.evaluate(() => window.__marker) === 3, 'the page reloaded');
  const active = () => t.page.evaluate(() => document.activeElement?.tagName + (document.activeElement?.closest('#consent-proxy') ? ':in' : ''));
  check(await active() === 'SUMMARY:in', `focus not on the shield button after the decision (${await active()})`);
  await t.page.keyboard.press('Enter');
  check(await t.page.evaluate(() => document.querySelector('#consent-proxy details').open), 'Enter did not open the shield');
  await t.page.keyboard.press('Tab');
  check((await active()) === 'INPUT:in', `Tab from the shield button went to ${await active()}`);
  await t.page.keyboard.press('Escape');
  check(await t.page.evaluate(() => !document.querySelector('#consent-proxy details').open), 'Escape did not close the settings');
  check(await active() === 'SUMMARY:in', `focus not returned to the shield button (${await active()})`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('language: sv-SE gets the Swedish banner (and shield)', async () => {
  const t = await newContext({ locale: 'sv-SE' });
  await openShop(t);
  const b = t.page.locator('#consent-proxy');
  check(await b.getAttribute('lang') === 'sv', 'banner lang is not sv');
  check(await t.page.locator('#consent-proxy button[value="accept_all"]').textContent() === 'Godkänn alla', 'no "Godkänn alla"');
  check(await t.page.locator('#consent-proxy button[value="reject_all"]').textContent() === 'Neka alla', 'no "Neka alla"');
  await t.page.evaluate(() => { window.__marker = 4; });
  await t.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => t.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  check(await t.page.evaluate(() => window.__marker) === 4, 'the page reloaded');
  const label = await t.page.locator('#consent-proxy summary').getAttribute('aria-label');
  check(label === 'Cookieinställningar', `shield label ${label}`);
  await t.ctx.close();
});

scenario('screenshots: en and sv, 1280x800 and 320x640 (tests/browser/artifacts)', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [lang, locale] of [['en', 'en-GB'], ['sv', 'sv-SE']]) {
    for (const [size, width, height] of [['desktop', 1280, 800], ['mobile', 320, 640]]) {
      const t = await newContext({ locale, viewport: { width, height }, reducedMotion: 'reduce' });
      await openShop(t);
      const box = await t.page.locator('#consent-proxy').boundingBox();
      check(box && box.x >= 0 && box.x + box.width <= width + 1 && box.y + box.height <= height + 1, `${lang} ${size}: banner outside the viewport ${JSON.stringify(box)}`);
      const [a, r] = await Promise.all(['accept_all', 'reject_all'].map((v) => t.page.locator(`#consent-proxy button[value="${v}"]`).boundingBox()));
      check(Math.abs(a.width - r.width) < 2 && Math.abs(a.height - r.height) < 2, `${lang} ${size}: accept and reject differ in size`);
      const file = path.join(ARTIFACTS, `banner-${lang}-${size}.png`);
      await t.page.screenshot({ path: file });
      check(fs.statSync(file).size > 1000, `${file} is empty`);
      if (size === 'desktop') { // the shield the script renders after a decision, opened
        await t.page.click('#consent-proxy button[value="accept_all"]');
        await t.page.click('#consent-proxy.cp-shield summary', { timeout: 5000 });
        await t.page.screenshot({ path: path.join(ARTIFACTS, `shield-${lang}-${size}.png`) });
      }
      await t.ctx.close();
    }
  }
});

scenario('odd markup and old consent managers\' markup: activated without reload, no errors', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/odd.html');
  await sleep(500);
  const before = await t.page.evaluate(() => [window.__oddRan, window.__cookiebotStats, window.__ccAnalytics, window.__onetrustAds]);
  check(before.join() === '1,,,', `before consent: ${before}`);
  check(t.requests.length === 0, `tracker requests: ${t.hosts()}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.page.evaluate(() => { window.__marker = 5; });
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(() => t.page.evaluate(() => window.__cookiebotStats === 1 && window.__ccAnalytics === 1), 3000, 'the analytics-marked scripts to run');
  await sleep(300);
  const after = await t.page.evaluate(() => [window.__marker, window.__cookiebotStats, window.__onetrustAds, !!document.querySelector('iframe[data-name]').getAttribute('src'), window.__libOrder]);
  check(after.join() === '5,1,,false,number', `after saving analytics (marker, runs, ads, iframe, order): ${after}`);
  check(t.hosts().join() === 'cdn.statslib.example', `tracker requests: ${t.hosts()}`);
  await t.page.click('#consent-proxy summary');
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.page.evaluate(() => window.__onetrustAds === 1), 3000, 'the marketing-marked (OneTrust) script to run');
  await waitFor(() => t.hit('www.youtube.com'), 3000, 'the Klaro-marked iframe to load');
  check(await t.page.evaluate(() => window.__cookiebotStats) === 1, 'an analytics script ran twice');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('robustness: no rules = stubs only; no banner; URL and cookie classification', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/__consent/policy');
  check(await t.page.locator('#consent-proxy').count() === 0, 'the policy page has a banner');
  const run = (withRules, granted, extra = '', site = '') => t.page.evaluate(async ([withRules, granted, extra, site]) => {
    // `extra` switches the served rules to unknownThirdParty "block".
    const src = (await (await fetch('/__consent/banner.js')).text()).replace('"unknownThirdParty":"allow"', extra || '"unknownThirdParty":"allow"');
    delete window.__consentProxyLoaded;
    delete window.__consentProxyRules;
    const s = document.createElement('script');
    if (granted !== null) s.dataset.granted = granted;
    if (site) s.dataset.site = site; // the page's registrable domain, as the server sends it
    s.textContent = withRules ? src : src.slice(src.indexOf('\n') + 1);
    document.head.appendChild(s);
  }, [withRules, granted, extra, site]);
  // No data attributes at all (not our markup): it does nothing.
  await run(true, null);
  check(await t.page.evaluate(() => typeof window.fbq === 'undefined' && !window.consentProxy), 'acted without state');
  // No rules: stubs only, and the site's calls do not throw.
  await run(false, 'necessary');
  const stubs = await t.page.evaluate(() => {
    fbq('track', 'Lead'); ttq.track('x'); ttq.identify({}); mixpanel.people.set({ a: 1 }); clarity('set', 'a', 'b'); ga('send', 'pageview');
    _hsq.push(['x']); _paq.push(['y']); uetq.push('z'); gtag('event', 'x');
    return [typeof fbq, typeof lintrk, Array.isArray(_linkedin_data_partner_ids), Array.isArray(dataLayer), typeof fbq.then, String(consentProxy.classify('https://connect.facebook.net/x'))].join();
  });
  check(stubs === 'function,function,true,true,undefined,null', `stubs: ${stubs}`);
  // Full script, marketing refused, analytics granted, no banner on the page.
  await t.page.goto(proxyUrl + '/__consent/policy');
  await run(true, 'necessary analytics');
  const r = await t.page.evaluate(async () => {
    const c = consentProxy.classify;
    const classes = [
      c('HTTPS://CONNECT.FACEBOOK.NET./en_US/fbevents.js'), c('//www.googletagmanager.com/gtag/js?id=G-1'),
      c('https://www.googletagmanager.com/gtag/js?id=AW-1'), c('https://static.hotjar.com/c/hotjar-1.js'),
      c('https://static.hotjar.com/c/allowed.js'), c('https:\\\\connect.facebook.net\\x'), c('https://127.0.0.1/x'),
      c('data:text/plain,x'), c('https://evil-facebook.net/x'), c('https://sub.facebook.net/x'),
    ].map(String).join();
    document.cookie = '_fbp=1; Path=/'; document.cookie = '_ga=1; Path=/'; document.cookie = 'csrftoken=2; Path=/';
    document.cookie = 'zz_unknown=1; Path=/';
    if (window.cookieStore) { await cookieStore.set('_fbc', 'x'); await cookieStore.set({ name: 'sessionid', value: 'y' }); }
    const fb = document.createElement('script'); fb.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(fb);
    const ga = document.createElement('script'); ga.src = 'data:text/javascript,window.__gaOk=1'; document.head.appendChild(ga);
    const ifr = document.createElement('iframe'); ifr.setAttribute('src', 'https://www.youtube.com/embed/x'); document.body.appendChild(ifr);
    const div = document.createElement('div'); div.innerHTML = '<img src="https://www.facebook.com/tr?id=9"><img src="/ok.png">';
    // Built with another realm's unpatched setters: caught on insertion.
    const realm = document.createElement('iframe'); document.body.appendChild(realm);
    const alien = realm.contentDocument.createElement('script'); alien.src = 'https://connect.facebook.net/alien.js';
    document.head.appendChild(alien);
    const attr = document.createAttribute('src'); attr.value = 'https://www.facebook.com/tr?id=attr';
    const img = document.createElement('img'); img.setAttributeNode(attr);
    // Inserted with another realm's unpatched appendChild: the MutationObserver disarms it.
    const link = document.createElement('a'); link.textContent = 'x';
    realm.contentWindow.Element.prototype.setAttribute.call(link, 'ping', 'https://www.facebook.com/tr?ping=1');
    realm.contentWindow.Node.prototype.appendChild.call(document.body, link);
    return { classes, cookie: document.cookie, fb: [fb.type, fb.getAttribute('src'), fb.dataset.consentSrc, fb.dataset.consentCategory].join(),
      alien: [alien.type, alien.hasAttribute('src')].join(), img: img.hasAttribute('src'),
      ping: await new Promise((r) => setTimeout(() => r([link.hasAttribute('ping'), link.dataset.consentCategory].join()), 0)),
      ifr: ifr.hasAttribute('src'), html: div.innerHTML, granted: consentProxy.granted.join() };
  });
  check(r.classes === 'marketing,analytics,marketing,analytics,null,marketing,null,null,null,marketing', `classify: ${r.classes}`);
  check(!/_fbc=/.test(r.cookie) && /sessionid=y/.test(r.cookie), `cookieStore.set not guarded: ${r.cookie}`);
  check(!/_fbp/.test(r.cookie) && /_ga=1/.test(r.cookie) && /csrftoken=2/.test(r.cookie) && !/zz_unknown=/.test(r.cookie), `cookies: ${r.cookie}`);
  check(r.fb === 'text/plain,,https://connect.facebook.net/en_US/fbevents.js,marketing', `script guard: ${r.fb}`);
  check(r.alien === 'text/plain,false' && r.img === false, `other-realm script or setAttributeNode not caught: ${JSON.stringify(r)}`);
  check(r.ping === 'false,marketing', `the MutationObserver did not disarm a[ping]: ${r.ping}`);
  check(!r.ifr && !/\ssrc="https:\/\/www\.facebook/.test(r.html) && r.html.includes('src="/ok.png"'), `iframe/innerHTML guard: ${JSON.stringify(r)}`);
  // unknown_third_party = "block" (when the rules say so): other sites' elements wait for
  // marketing like trackers; fetch to them (the site's APIs) is left alone.
  await t.page.goto(proxyUrl + '/__consent/policy');
  await run(true, 'necessary analytics', '"unknownThirdParty":"block"');
  const u = await t.page.evaluate(async () => {
    const img = document.createElement('img'); img.src = 'https://cdn.unknown-site.example/a.png';
    const own = document.createElement('img'); own.src = '/own.png';
    const res = await fetch('https://api.unknown-site.example/v1', { mode: 'no-cors' }).then(() => 'sent', () => 'error');
    return [img.hasAttribute('src'), img.dataset.consentCategory, own.hasAttribute('src'), res].join();
  });
  check(u === 'false,marketing,true,sent', `unknown third party: ${u}`);
  // Sites by the Public Suffix List (data-site from the server): a page of shop.co.uk may load
  // from cdn.shop.co.uk, not from ads.co.uk.
  await t.page.goto(proxyUrl + '/__consent/policy');
  await run(true, 'necessary analytics', '"unknownThirdParty":"block"', 'shop.co.uk');
  const psl = await t.page.evaluate(() => {
    const other = document.createElement('img'); other.src = 'https://ads.co.uk/p.gif';
    const own = document.createElement('img'); own.src = 'https://cdn.shop.co.uk/a.png';
    return [other.hasAttribute('src'), other.dataset.consentCategory, own.hasAttribute('src')].join();
  });
  check(psl === 'false,marketing,true', `sites by the public suffix list: ${psl}`);
  await sleep(500);
  const hosts = t.hosts().filter((h) => h !== 'api.unknown-site.example' && h !== 'cdn.shop.co.uk');
  check(hosts.length === 0, `tracker requests: ${hosts}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('placeholder "Always allow YouTube": the video loads without a reload; YouTube only, other marketing stays out (after a reload too)', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.evaluate(() => { window.__marker = 9; });
  const frame = t.page.frameLocator('#video');
  check(await frame.locator('a', { hasText: 'Load once' }).count() === 1, 'no "Load once" link in the placeholder');
  await frame.locator('button', { hasText: 'Always allow YouTube' }).click();
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video to load');
  check(await t.page.evaluate(() => window.__marker) === 9, 'the page reloaded');
  const s = await state(t);
  check(s.decided && s.granted.join() === 'necessary', `categories ${s.granted}`);
  check(JSON.stringify(s.services.granted) === '["youtube"]' && s.services.refused.length === 0, `services ${JSON.stringify(s.services)}`);
  const others = () => ['connect.facebook.net', 'www.facebook.com', 'www.googletagmanager.com', 'www.google-analytics.com'].filter((h) => t.hit(h));
  check(others().length === 0, `other trackers loaded: ${others()}`);
  // After a reload: the video is served live, everything else of marketing stays inert.
  t.requests.length = 0;
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after a reload');
  check(await t.page.locator('iframe#video[data-consent-category]').count() === 0, 'the video is still held after a reload');
  check(others().length === 0, `other trackers loaded after a reload: ${others()}`);
  const c = await t.cookies();
  check(!c._fbp && !c._ga, `the origin's tracking cookies were let through: ${Object.keys(c)}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('settings per service: marketing on, Meta Pixel off; its scripts and cookie stay out, YouTube loads (after a reload too)', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.click('#consent-proxy details.cp-settings summary');
  const meta = t.page.locator('#consent-proxy input[name="services"][value="meta-pixel"]');
  const yt = t.page.locator('#consent-proxy input[name="services"][value="youtube"]');
  check(await meta.count() === 1 && await yt.count() === 1, 'the settings layer does not list Meta Pixel and YouTube under marketing');
  await t.page.check('#consent-proxy input[name="categories"][value="marketing"]');
  check(await meta.isChecked() && await yt.isChecked(), 'the category box did not check its services');
  await meta.uncheck();
  const mixed = await t.page.evaluate(() => document.querySelector('#consent-proxy input[name="categories"][value="marketing"]').indeterminate);
  check(mixed, 'the marketing box does not show the mixed state');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(async () => (await state(t)).decided, 5000, 'the decision');
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video');
  const s = await state(t);
  check(s.granted.join() === 'necessary,marketing', `categories ${s.granted}`);
  check(JSON.stringify(s.services.refused) === '["meta-pixel"]', `services ${JSON.stringify(s.services)}`);
  const meta1 = () => t.requests.filter((r) => r.host === 'connect.facebook.net' || (r.host === 'www.facebook.com' && r.url.includes('/tr'))).map((r) => r.url);
  check(meta1().length === 0, `Meta Pixel loaded: ${meta1()}`);
  t.requests.length = 0;
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after a reload');
  check(meta1().length === 0, `Meta Pixel loaded after a reload: ${meta1()}`);
  const c = await t.cookies();
  check(!c._fbp, `_fbp (Meta Pixel's) was let through: ${Object.keys(c)}`);
  await t.page.click('#consent-proxy details summary');
  check(await t.page.locator('#consent-proxy input[name="services"][value="meta-pixel"]').isChecked() === false, 'the shield does not show Meta Pixel refused');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('everything granted but Meta Pixel: the guard still stops what scripts insert for it; the API tells', async () => {
  const t = await newContext();
  const r = await t.page.request.post(`${proxyUrl}/__consent`, { data: { action: 'save', categories: ['analytics', 'marketing'], services: { 'meta-pixel': false } } });
  check(r.status() === 200, `decision: ${r.status()}`);
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com') && t.hit('www.googletagmanager.com'), 5000, 'the granted trackers');
  const pixel = t.requests.filter((q) => q.host === 'connect.facebook.net' || (q.host === 'www.facebook.com' && q.url.includes('/tr'))).map((q) => q.url);
  check(pixel.length === 0, `Meta Pixel loaded (app.js inserts it at runtime): ${pixel}`);
  const api = await t.page.evaluate(() => [window.consentProxy.isGranted('marketing'), window.consentProxy.isGranted('marketing', 'meta-pixel'), window.consentProxy.services]);
  check(api[0] === true && api[1] === false && api[2]['meta-pixel'] === false, `consentProxy: ${JSON.stringify(api)}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('no JavaScript, per service: YouTube alone by the form post, then marketing without Meta Pixel; the noscript pixel stays out', async () => {
  const t = await newContext({ javaScriptEnabled: false });
  await t.page.goto(proxyUrl + '/');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[name="services"][value="youtube"]');
  await Promise.all([t.page.waitForURL(proxyUrl + '/', { timeout: 5000, waitUntil: 'load' }), t.page.click('#consent-proxy button[value="save"]')]);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after the form post');
  check(!t.hit('www.facebook.com'), 'the noscript pixel loaded with YouTube alone granted');
  let s = await (await t.page.request.get(proxyUrl + '/__consent')).json();
  check(s.granted.join() === 'necessary' && JSON.stringify(s.services.granted) === '["youtube"]', `state ${JSON.stringify([s.granted, s.services])}`);
  // The shield: marketing on, and without JavaScript each service box as the visitor sets it
  // (what is shown is what is saved): every one of marketing's on but Meta Pixel's.
  t.requests.length = 0;
  await t.page.click('#consent-proxy details summary');
  await t.page.check('#consent-proxy input[name="categories"][value="marketing"]');
  const boxes = t.page.locator('#consent-proxy input[name="services"][data-category="marketing"]');
  check(await boxes.count() >= 2, `marketing lists ${await boxes.count()} services`);
  for (const b of await boxes.all()) {
    if (await b.getAttribute('value') === 'meta-pixel') await b.uncheck(); else await b.check();
  }
  await Promise.all([t.page.waitForURL(proxyUrl + '/', { timeout: 5000, waitUntil: 'load' }), t.page.click('#consent-proxy button[value="save"]')]);
  s = await (await t.page.request.get(proxyUrl + '/__consent')).json();
  check(s.granted.join() === 'necessary,marketing' && JSON.stringify(s.services.refused) === '["meta-pixel"]', `state ${JSON.stringify([s.granted, s.services])}`);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video');
  await sleep(500);
  check(!t.hit('www.facebook.com'), 'the noscript Meta Pixel loaded although refused on its own');
  check(!(await t.cookies())._fbp, '_fbp was let through');
  await t.ctx.close();
});

scenario('the JSON post fails: the banner falls back to the plain form post', async () => {
  const t = await newContext();
  let aborted = 0;
  await t.ctx.route('**/__consent', (route) => {
    const r = route.request();
    if (r.method() === 'POST' && (r.headers()['content-type'] || '').includes('json')) { aborted += 1; return route.abort(); }
    return route.continue();
  });
  await openShop(t);
  await t.page.evaluate(() => { window.__marker = 11; });
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="reject_all"]')]);
  check(aborted === 1, `JSON posts seen: ${aborted}`);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'no form submission happened');
  check(new URL(t.page.url()).pathname === '/', `landed on ${t.page.url()}`);
  const s = await state(t);
  check(s.decided && s.granted.join() === 'necessary', `state after the fallback: ${JSON.stringify(s.granted)}`);
  check(await t.page.locator('#consent-proxy.cp-shield').count() === 1, 'no shield');
  await t.ctx.close();
});

scenario('a granted inline tag that uses document.write reloads the page instead', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/write.html');
  await t.page.evaluate(() => { window.__marker = 12; });
  check(await t.page.locator('#written').count() === 0, 'written before consent');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="save"]')]);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'the page did not reload');
  check(await t.page.locator('#written').count() === 1, 'the tag did not write after the reload');
  check(await t.page.evaluate(() => window.__writeRuns) === 1, 'the tag ran more than once');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('a granted inline tag that waits for the load event reloads the page once it has loaded', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/onload.html');
  await t.page.evaluate(() => { window.__marker = 13; });
  check(await t.page.locator('#after-load').count() === 0, 'ran before consent');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="save"]')]);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'the page did not reload');
  await waitFor(() => t.page.locator('#after-load').count(), 3000, 'the tag doing its work on load after the reload');
  check(await t.page.evaluate(() => window.__onloadRuns) === 1, 'the tag ran more than once');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('iframe srcdoc and speculation rules: restored as they were once granted', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/frames.html');
  await sleep(500);
  check(t.requests.length === 0 && await t.page.evaluate(() => window.__wholeRan) === undefined, `before consent: ${t.hosts()}`);
  await t.page.evaluate(() => { window.__marker = 16; });
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.page.evaluate(() => window.__wholeRan === 1), 3000, 'the srcdoc document to run');
  await waitFor(() => t.hit('connect.facebook.net'), 3000, 'the tracker inside the srcdoc');
  const r = await t.page.evaluate(() => [window.__marker, [...document.scripts].filter((s) => s.type === 'speculationrules' && s.text.includes('speculation')).length]);
  check(r.join() === '16,1', `marker, active speculation rules: ${r}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
  // Trackers made inert inside a srcdoc attribute cannot be activated in place: reload.
  const u = await newContext();
  await u.page.goto(proxyUrl + '/frames2.html');
  await sleep(300);
  check(u.requests.length === 0, `before consent: ${u.hosts()}`);
  await Promise.all([u.page.waitForEvent('load', { timeout: 5000 }), u.page.click('#consent-proxy button[value="accept_all"]')]);
  await waitFor(() => u.requests.some((q) => q.url.includes('id=srcdoc')), 3000, 'the pixel inside the srcdoc after the reload');
  check(u.errors.length === 0, `page errors: ${u.errors.join('; ')}`);
  await u.ctx.close();
});

scenario('cache_mode = "shared": one inert page for all; banner.js activates what the cookie grants', async () => {
  const t = await newContext();
  await t.page.goto(sharedUrl + '/');
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await sleep(700);
  check(t.hosts().length === 0, `tracker requests before any choice: ${t.hosts().join(', ')}`);
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.hit('connect.facebook.net'), 5000, 'Meta after accepting');
  // The next page comes from the shared (inert) HTML: banner.js reads the cookie and activates.
  t.requests.length = 0;
  await t.page.reload();
  for (const h of ['www.googletagmanager.com', 'connect.facebook.net', 'www.youtube.com']) {
    await waitFor(() => t.hit(h), 5000, `${h} activated from the cookie on the shared page`);
  }
  check(await t.page.locator('#consent-proxy.cp-shield summary').isVisible(), 'the shield replaces the banner');
  const html = await (await fetch(sharedUrl + '/')).text();
  check(html.includes('data-shared="1"') && html.includes('cp-banner'), 'the shared HTML is the undecided page');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();

  const r = await newContext();
  await r.page.goto(sharedUrl + '/');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await sleep(300);
  r.requests.length = 0;
  await r.page.reload();
  await waitFor(() => r.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await sleep(700);
  check(r.hosts().length === 0, `a visitor who refused got tracker requests from the shared page: ${r.hosts().join(', ')}`);
  await r.ctx.close();
});

scenario('`consent-proxy demo`: the banner in the visitor\'s language; only allowed trackers load', async () => {
  const demoTrackers = ['www.googletagmanager.com', 'connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'];
  const t = await newContext({ locale: 'sv-SE' });
  await t.page.goto(demoUrl + '/');
  await sleep(700);
  check(t.hosts().length === 0, `tracker requests before any choice: ${t.hosts().join(', ')}`);
  check(await t.page.locator('#consent-proxy[role="dialog"] button[value="accept_all"]').innerText() === 'Godkänn alla', 'not Swedish');
  await t.page.click('#consent-proxy summary'); // Settings
  await t.page.check('#consent-proxy input[value="analytics"]');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(() => t.hit('www.googletagmanager.com'), 5000, 'Google Analytics after allowing analytics');
  await sleep(500);
  const marketing = t.hosts().filter((h) => ['connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'].includes(h));
  check(marketing.length === 0, `marketing trackers loaded after analytics only: ${marketing.join(', ')}`);
  await t.ctx.close();

  const a = await newContext({ locale: 'en-GB' });
  await a.page.goto(demoUrl + '/');
  await a.page.click('#consent-proxy button[value="accept_all"]');
  for (const h of ['www.googletagmanager.com', 'connect.facebook.net', 'js.hs-scripts.com', 'www.youtube.com']) {
    await waitFor(() => a.hit(h), 5000, `${h} after accepting all`);
  }
  await a.ctx.close();

  const r = await newContext();
  await r.page.goto(demoUrl + '/');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await sleep(300);
  await r.page.reload();
  await sleep(700);
  const loaded = r.hosts().filter((h) => demoTrackers.includes(h));
  check(loaded.length === 0, `trackers after rejecting: ${loaded.join(', ')}`);
  await r.ctx.close();
});

scenario('the site\'s own code calls fbq, dataLayer.push and _hsq.push, then works: undecided and rejected', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/appwork.html');
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, undecided');
  check(await t.page.textContent('#app') === 'Cart ready: 3 mugs', 'the app did not render, undecided');
  await t.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => t.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  await t.page.reload();
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, after rejecting');
  check(await t.page.textContent('#app') === 'Cart ready: 3 mugs', 'the app did not render, rejected');
  await sleep(500);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((r) => r.url).join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('vendor snippets: alone they are made inert; mixed with site code they run, load nothing, throw nothing', async () => {
  const fixtures = snippetFixtures();
  const t = await newContext();
  await t.page.goto(proxyUrl + '/snippets.html');
  await waitFor(() => t.page.evaluate(() => window.__bundle === 'ok'), 5000, "the site's bundle");
  await sleep(800);
  const seen = await t.page.evaluate(() => ({
    ran: window.__ran || [],
    caught: window.__caught || [],
    inert: [...document.querySelectorAll('script[data-alone]')]
      .filter((s) => s.type === 'text/plain' && s.hasAttribute('data-consent-category')).map((s) => s.dataset.alone),
  }));
  const want = fixtures.flatMap((f) => Object.keys(SITE_SHAPES).map((shape) => `${f.name}/${shape}`));
  const missing = want.filter((w) => !seen.ran.includes(w));
  check(missing.length === 0, `mixed scripts that did not run to their end: ${missing.join(', ')} (page errors: ${t.errors.join('; ')})`);
  const live = fixtures.map((f) => f.name).filter((n) => !seen.inert.includes(n));
  check(live.length === 0, `snippets alone that were not made inert: ${live.join(', ')}`);
  check(seen.caught.length === 0, `snippets threw inside try: ${seen.caught.join('; ')}`);
  check(t.requests.length === 0, `tracker requests: ${[...new Set(t.requests.map((r) => r.url))].join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('hosts only the proxy\'s filter list knows: hinted by the server or asked once, blocked until "Accept all", then loaded', async () => {
  const LONGTAIL = ['cdn.longtail-adtech.example', 'px.adpixel-longtail.example'];
  let base;
  try {
    base = await listsProxy();
  } catch (e) {
    throw new Failure(`the proxy did not start with [[trackers.lists]]: ${String(e.message).split('\n').slice(0, 3).join(' ')}`);
  }
  const t = await newContext();
  await t.page.goto(base + '/longtail.html');
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, undecided');
  await waitFor(() => t.asks.length > 0, 3000, 'a question to /__consent/classify');
  await sleep(800);
  check(t.asks.every((a) => a.status === 200 && Array.isArray(a.verdicts)), `classify answers: ${JSON.stringify(t.asks)}`);
  const asked = t.asks.flatMap((a) => a.asked.map((q) => `${q.type} ${q.url}`));
  // The hosts the site's code names come with the proxy's verdicts, right after that code: what
  // it inserts at DOMContentLoaded is decided in the page, without asking. The library from a
  // host no list names is asked about.
  const hinted = await t.page.evaluate(() => [...document.querySelectorAll('script[data-consent-verdicts]')]
    .map((e) => Object.keys(JSON.parse(e.textContent).hosts).join(' ')).join(' '));
  check(hinted === 'cdn.longtail-adtech.example px.adpixel-longtail.example', `the server's hints: ${hinted}`);
  check(asked.includes('script https://cdn.friendly-cdn.example/lib.js'), `not asked: the unlisted library (asked: ${asked.join(', ')})`);
  for (const q of ['script https://cdn.longtail-adtech.example/tag.js', 'image https://px.adpixel-longtail.example/p.gif?id=1']) {
    check(!asked.includes(q), `asked although the page's hint decides it: ${q}`);
  }
  check(new Set(asked).size === asked.length, `asked twice: ${asked.join(', ')}`);
  const held = t.requests.filter((r) => LONGTAIL.includes(r.host));
  check(held.length === 0, `requests before any choice: ${held.map((r) => r.url).join(', ')}`);
  // A third-party library that no list names is let through once the proxy has answered.
  await waitFor(() => t.page.evaluate(() => window.__friendly === 1), 3000, 'the unlisted CDN library to run');
  const el = await t.page.evaluate(() => ['lt-tag', 'lt-written', 'lt-pixel'].map((id) => {
    const e = document.getElementById(id);
    return e && [e.getAttribute('type'), e.hasAttribute('src'), e.dataset.consentSrc, e.dataset.consentCategory, e.dataset.consentProvider].join();
  }));
  check(el[0] === 'text/plain,false,https://cdn.longtail-adtech.example/tag.js,marketing,longtail-adtech.example', `the tag: ${el[0]}`);
  check(el[1] && el[1].startsWith('text/plain,false,https://cdn.longtail-adtech.example/written.js,marketing'), `the written tag: ${el[1]}`);
  check(el[2] && el[2].startsWith(',false,https://px.adpixel-longtail.example/p.gif?id=1,marketing'), `the pixel: ${el[2]}`);
  // "Accept all": they load, without a reload; from then on nothing is asked.
  await t.page.evaluate(() => { window.__marker = 22; });
  await t.page.click('#consent-proxy button[value="accept_all"]');
  for (const h of LONGTAIL) await waitFor(() => t.hit(h), 5000, `a request to ${h} after accepting`);
  await waitFor(() => t.page.evaluate(() => window.__longtail === 2), 3000, 'both long-tail tags to run once');
  check(await t.page.evaluate(() => window.__marker) === 22, 'the page reloaded');
  const n = t.asks.length;
  await t.page.evaluate(() => { const i = document.createElement('img'); i.src = 'https://img.other-unknown.example/a.gif'; document.body.appendChild(i); });
  await waitFor(() => t.hit('img.other-unknown.example'), 3000, 'an unknown host, everything granted');
  await sleep(200);
  check(t.asks.length === n, 'asked although every category is granted');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
  // Rejected: after a reload, still nothing reaches them; the app works.
  const r = await newContext();
  await r.page.goto(base + '/longtail.html');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => r.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  await r.page.reload();
  await waitFor(() => r.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, rejected');
  await sleep(800);
  const leaked = r.requests.filter((q) => LONGTAIL.includes(q.host));
  check(leaked.length === 0, `requests after rejecting: ${leaked.map((q) => q.url).join(', ')}`);
  check(r.hit('cdn.friendly-cdn.example'), 'the unlisted CDN library did not load after rejecting');
  check(r.errors.length === 0, `page errors: ${r.errors.join('; ')}`);
  await r.ctx.close();
});

scenario('other runtime paths to trackers: SVG script/image, document.write, WebSocket, EventSource, beacon, fetch, XHR, a server hint', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const SVG = 'http://www.w3.org/2000/svg';
    const XLINK = 'http://www.w3.org/1999/xlink';
    const svg = document.createElementNS(SVG, 'svg');
    document.body.appendChild(svg);
    const s1 = document.createElementNS(SVG, 'script');
    s1.setAttribute('href', 'https://connect.facebook.net/svg1.js');
    svg.appendChild(s1);
    const s2 = document.createElementNS(SVG, 'script');
    s2.setAttributeNS(XLINK, 'xlink:href', 'https://connect.facebook.net/svg2.js');
    svg.appendChild(s2);
    const im = document.createElementNS(SVG, 'image');
    im.setAttribute('width', '1'); im.setAttribute('height', '1');
    im.setAttribute('href', 'https://www.facebook.com/tr?id=svgimage');
    svg.appendChild(im);
    const desc = (e) => [e.getAttribute('type'), e.hasAttribute('href') || e.hasAttribute('xlink:href'), e.dataset.consentHref, e.dataset.consentCategory].join();
    const ws = new WebSocket('wss://www.facebook.com/ws');
    const wsEvents = await new Promise((res) => {
      const ev = [];
      ws.onerror = () => ev.push('error');
      ws.addEventListener('close', (e) => { ev.push(`close:${e.code}`); res(ev); });
      setTimeout(() => res(ev), 2000);
    });
    const es = new EventSource('https://www.google-analytics.com/events');
    const esState = await new Promise((res) => { es.onerror = () => res(es.readyState); setTimeout(() => res('timeout'), 2000); });
    const beacon = navigator.sendBeacon('https://www.facebook.com/tr?id=beacon', 'x');
    const fetched = await fetch('https://www.facebook.com/tr?id=fetch', { mode: 'no-cors' }).then((x) => x.status, () => 'error');
    const xhr = new XMLHttpRequest();
    xhr.open('GET', 'https://www.google-analytics.com/collect?id=xhr');
    xhr.send();
    const hinted = document.createElement('img');
    hinted.src = 'https://cdn.hinted-tracker.example/p.gif';
    const written = [document.getElementById('w-pixel'), document.getElementById('w-script')];
    return {
      svg1: desc(s1), svg2: desc(s2), image: desc(im),
      ws: [ws instanceof WebSocket, ws.readyState, wsEvents.join('+')].join(), es: [es instanceof EventSource, esState].join(),
      beacon, fetched, hinted: [hinted.hasAttribute('src'), hinted.dataset.consentCategory, hinted.dataset.consentProvider].join(),
      written: written.map((e) => e && [e.hasAttribute('src'), e.dataset.consentCategory].join()).join('|'),
    };
  });
  check(r.svg1 === 'text/plain,false,https://connect.facebook.net/svg1.js,marketing', `SVG script (href): ${r.svg1}`);
  check(r.svg2 === 'text/plain,false,https://connect.facebook.net/svg2.js,marketing', `SVG script (xlink:href): ${r.svg2}`);
  check(r.image === ',false,https://www.facebook.com/tr?id=svgimage,marketing', `SVG image: ${r.image}`);
  check(r.ws === 'true,3,error+close:1006', `WebSocket to a tracker (instanceof, readyState, events): ${r.ws}`);
  check(r.es === 'true,2', `EventSource to a tracker (instanceof, readyState on error): ${r.es}`);
  check(r.beacon === true && r.fetched === 204, `beacon/fetch should look sent: ${r.beacon}, ${r.fetched}`);
  check(r.hinted === 'false,marketing,hinted.example', `the host named by the page's hint: ${r.hinted}`);
  check(r.written === 'false,marketing|false,marketing', `document.write of tracker markup: ${r.written}`);
  await sleep(800);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((q) => `${q.type} ${q.url}`).join(', ')}`);
  check(!t.asks.some((a) => a.asked.some((q) => q.url.includes('hinted-tracker'))), 'asked about a host the page\'s hint names');
  // Granted: the SVG scripts and image load without a reload.
  await t.page.click('#consent-proxy button[value="accept_all"]');
  for (const u of ['svg1.js', 'svg2.js', 'id=svgimage']) {
    await waitFor(() => t.requests.some((q) => q.url.includes(u)), 5000, `${u} after accepting`);
  }
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('CSS set at runtime: tracker url()s and @imports dropped when refused, the site\'s own CSS kept', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const fb = 'https://www.facebook.com/tr?id=';
    const box = (i) => document.getElementById(`box${i}`);
    box(1).style.backgroundImage = `url(${fb}css1)`;
    box(2).style.setProperty('background-image', `url("${fb}css2")`);
    box(3).style.cssText = `width:20px;height:20px;color: red; background: url(${fb}css3) no-repeat`;
    box(4).setAttribute('style', `width:20px;height:20px;background-image: url('${fb}css4'); color: blue`);
    box(5).style = `width:20px;height:20px;background-image:url(${fb}css5)`;
    const a = document.createElement('style');
    a.textContent = `.css-a{background:url(${fb}css6)} .css-own{background-image:url(/own.png)}`;
    document.head.appendChild(a);
    const b = document.createElement('style');
    document.head.appendChild(b);
    b.appendChild(document.createTextNode(`@import url(https://connect.facebook.net/x.css); .css-b{background-image:url(${fb}css7);color:green}`));
    const c = document.createElement('style');
    document.head.appendChild(c);
    c.sheet.insertRule(`.css-c{background-image:url(${fb}css8)}`, 0);
    c.sheet.insertRule('@import url("https://connect.facebook.net/y.css");', 0);
    await new Promise((res) => setTimeout(res, 500));
    const cs = (el) => getComputedStyle(el);
    return {
      boxes: [1, 2, 3, 4, 5].map((i) => cs(box(i)).backgroundImage).join(),
      colors: [cs(box(3)).color, cs(box(4)).color, cs(document.querySelector('.css-b')).color].join(),
      own: cs(document.querySelector('.css-own')).backgroundImage, rules: c.sheet.cssRules.length,
    };
  });
  check(r.boxes === 'none,none,none,none,none', `inline styles: ${r.boxes}`);
  check(r.colors === 'rgb(255, 0, 0),rgb(0, 0, 255),rgb(0, 128, 0)', `the rest of the declarations: ${r.colors}`);
  check(/\/own\.png/.test(r.own), `the site's own url(): ${r.own}`);
  check(r.rules === 2, `insertRule: ${r.rules} rules`);
  await sleep(500);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((q) => q.url).join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('holding: fetch, XHR, beacons and pixels to unknown hosts wait for the answer; one question per task; a failed ask', async () => {
  const t = await newContext();
  // The proxy's answers, given here so that the guard's side is tested on its own: hosts with
  // "tracker" in their name are marketing.
  let down = false;
  await t.ctx.route('**/__consent/classify', (route) => {
    if (down) return route.fulfill({ status: 503, body: 'down' });
    const verdicts = route.request().postDataJSON().requests
      .map((q) => (new URL(q.url).hostname.includes('tracker') ? { category: 'marketing', provider: 'tracker-unknown.example' } : null));
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ verdicts }) });
  });
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const out = {};
    const ok = fetch('https://api.ok-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    const bad = fetch('https://api.tracker-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => `${e.name}:${e.message}`);
    const x1 = new XMLHttpRequest();
    x1.open('POST', 'https://api.tracker-unknown.example/xhr');
    x1.send('x');
    const x2 = new XMLHttpRequest();
    x2.open('POST', 'https://api.ok-unknown.example/xhr');
    x2.send('x');
    out.beacons = [navigator.sendBeacon('https://b.tracker-unknown.example/b', 'x'), navigator.sendBeacon('https://b.ok-unknown.example/b', 'x')].join();
    const img = new Image();
    img.src = 'https://img.tracker-unknown.example/p.gif';
    out.held = [img.hasAttribute('src'), img.dataset.consentPending].join();
    const okImg = new Image();
    okImg.src = 'https://img.ok-unknown.example/a.gif';
    // A script parsed by innerHTML never runs: inserting it later must not make it run.
    const div = document.createElement('div');
    div.innerHTML = '<script id="inner-s" src="https://cdn.inner-unknown.example/x.js"><\/script><img id="inner-i" src="https://img.tracker-unknown.example/inner.gif">';
    document.body.appendChild(div);
    out.inner = [document.getElementById('inner-s').getAttribute('src'), document.getElementById('inner-i').dataset.consentPending].join();
    out.fetches = [await ok, await bad].join();
    await new Promise((res) => setTimeout(res, 300));
    out.img = [img.hasAttribute('src'), img.dataset.consentSrc, img.dataset.consentCategory, img.dataset.consentProvider, 'consentPending' in img.dataset].join();
    out.okImg = okImg.getAttribute('src');
    out.again = await fetch('https://api.ok-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    // A connection cannot wait: a host the page's hint names is refused at once.
    const ws = new WebSocket('wss://cdn.hinted-tracker.example/live');
    out.ws = await new Promise((res) => { ws.onclose = (e) => res([ws.readyState, e.code].join()); setTimeout(() => res('open?'), 2000); });
    return out;
  });
  check(r.fetches === 'sent,TypeError:Failed to fetch', `fetch (allowed, refused): ${r.fetches}`);
  check(r.held === 'false,image', `the pixel while asking: ${r.held}`);
  check(r.img === 'false,https://img.tracker-unknown.example/p.gif,marketing,tracker-unknown.example,false', `the refused pixel: ${r.img}`);
  check(r.okImg === 'https://img.ok-unknown.example/a.gif', `the allowed image: ${r.okImg}`);
  check(r.beacons === 'true,true' && r.again === 'sent', `beacons, fetch again: ${r.beacons}, ${r.again}`);
  check(r.ws === '3,1006', `WebSocket to a hinted host: ${r.ws}`);
  check(r.inner === 'https://cdn.inner-unknown.example/x.js,image', `innerHTML (script left alone, image held): ${r.inner}`);
  check(t.asks.length === 1 && t.asks[0].asked.length === 9, `questions: ${JSON.stringify(t.asks.map((a) => a.asked))}`);
  await sleep(300);
  const hosts = t.hosts();
  check(!hosts.some((h) => h.includes('tracker')), `requests to refused hosts: ${hosts}`);
  for (const h of ['api.ok-unknown.example', 'b.ok-unknown.example', 'img.ok-unknown.example']) check(t.hit(h), `nothing reached ${h}`);
  check(t.requests.filter((q) => q.host === 'api.ok-unknown.example').length === 3, 'the allowed fetches and XHR were not all sent');
  // The proxy cannot answer: a script waits as marketing, a fetch goes through, one warning.
  down = true;
  const f = await t.page.evaluate(async () => {
    const s = document.createElement('script');
    s.src = 'https://cdn.unknown-down.example/lib.js';
    document.head.appendChild(s);
    const res = await fetch('https://api.unknown-down.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    const i = document.createElement('img');
    i.src = 'https://img.unknown-down.example/a.gif';
    document.body.appendChild(i);
    await new Promise((done) => setTimeout(done, 300));
    return [res, s.getAttribute('type'), s.dataset.consentCategory, i.hasAttribute('src')].join();
  });
  check(f === 'sent,text/plain,marketing,false', `when the proxy cannot answer (fetch, script, image): ${f}`);
  const warnings = t.errors.filter((e) => e.includes('classify failed'));
  check(warnings.length === 1 && t.errors.length === 1, `console: ${t.errors.join('; ')}`);
  check(!t.hit('cdn.unknown-down.example') && t.hit('api.unknown-down.example'), `requests: ${t.hosts()}`);
  // What the failure blocked is only inert: "Accept all" loads it without a reload.
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.hit('cdn.unknown-down.example') && t.hit('img.unknown-down.example'), 5000, 'the blocked script and image after accepting');
  await t.ctx.close();
});

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
main().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});
