#!/usr/bin/env node
// Real-page recall/collateral test: pages assembled from real vendor snippets and real-shaped
// site code (pages/), ground truth written by hand (manifest.json), run through the consent-proxy
// binary in headless Chromium with each tracker-list configuration:
//
//   built-in     the proxy's own catalog only
//   easyprivacy  + EasyPrivacy as analytics
//   both         + EasyPrivacy as analytics + EasyList as marketing   (asserted)
//   image        both + uBlock Origin's privacy list as analytics: the container image's lists
//
// For every page: a baseline load straight from the origin (checks the ground truth: every
// tracker reference is listed, every site marker is set, every required third party is
// requested), then per configuration a static check of the page as the proxy serves it to an
// undecided visitor (which tracker elements are still loadable) and two browser loads: undecided,
// then after "Reject all" (live on the same page, then after a reload). Every request to a host
// other than 127.0.0.1 is answered locally (lib/stubs.mjs) and recorded.
//
//   CONSENT_PROXY_BIN  proxy binary (default target/debug/consent-proxy under the repo root)
//   CHROMIUM_PATH      browser (default /usr/bin/chromium)
//   LISTS_DIR          where easyprivacy.txt and easylist.txt are (Debian's uBlock Origin package)
//   CONFIGS=built-in,both   run only these configurations
//   PAGES=news-herald,shop-outdoor   run only these pages (file names without .html)
//   CONCURRENCY=6      pages loaded at once
//
// Exit 1 when, with both lists, recall < RECALL_FLOOR (default 0.99), a site script is broken or a required third party
// is blocked, or when the ground truth does not match the pages; exit 2 when something needed to
// run is missing. The other configurations are reported, not asserted.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startOrigin } from './lib/origin.mjs';
import { startProxy, writeConfig } from './lib/proxy.mjs';
import { stubFor } from './lib/stubs.mjs';
import { loadableRefs, inertSiteCode, staticKey, requestKey } from './lib/analyze.mjs';
import { report } from './lib/report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PAGES_DIR = path.join(HERE, 'pages');
const ARTIFACTS = path.join(HERE, 'artifacts');
const BIN = path.resolve(REPO, process.env.CONSENT_PROXY_BIN || 'target/debug/consent-proxy');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LISTS_DIR = process.env.LISTS_DIR || '/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist';
const CONCURRENCY = Number(process.env.CONCURRENCY || 6);
const RUN_DEADLINE_MS = 360_000;
// The target is 99 %; measured today 95.8 % (see README). RECALL_FLOOR lets the test command
// guard what has been reached (no regression) while the target stays visible in every report.
const RECALL_FLOOR = Number(process.env.RECALL_FLOOR || 0.99);

const EASYPRIVACY = path.join(LISTS_DIR, 'easyprivacy.txt');
const EASYLIST = path.join(LISTS_DIR, 'easylist.txt');
// uBlock Origin's own privacy list, from the same Debian package (next to thirdparties/).
const UBO_PRIVACY = path.join(LISTS_DIR, '../../ublock/privacy.min.txt');
const CONFIGS = [
  { name: 'built-in', label: 'built-in catalog only', lists: [] },
  { name: 'easyprivacy', label: 'built-in + EasyPrivacy (analytics)', lists: [[EASYPRIVACY, 'analytics']] },
  { name: 'both', label: 'built-in + EasyPrivacy (analytics) + EasyList (marketing)', lists: [[EASYPRIVACY, 'analytics'], [EASYLIST, 'marketing']], asserted: true },
  { name: 'image', label: 'the image\'s lists: both + uBlock Origin privacy (analytics)', lists: [[EASYPRIVACY, 'analytics'], [UBO_PRIVACY, 'analytics'], [EASYLIST, 'marketing']], asserted: true },
].filter((c) => !process.env.CONFIGS || process.env.CONFIGS.split(',').includes(c.name));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isLocal = (u) => u.hostname === '127.0.0.1' || u.hostname === 'localhost';
const DYNAMIC = /^(inline|site|runtime)\b/; // element kinds that exist only when code runs

/**
 * Whether a request (by its host + path) is the one an element makes: the same resource for markup;
 * for code-built URLs the manifest may give only a prefix (a path segment is computed at run time).
 */
function requestMatches(el, key) {
  const k = requestKey(el.url);
  return DYNAMIC.test(el.el) ? key.startsWith(k) : key === k;
}

// ------------------------------------------------------------------------ ground truth --

const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'manifest.json'), 'utf8'));
const HOST_TABLES = ['trackers', 'required', 'neutral'];

/** Which judgement of manifest.hosts covers a URL: the longest matching key wins. */
function classify(url) {
  const u = new URL(url);
  const host = u.hostname.toLowerCase();
  const hostPath = host + u.pathname;
  let best = null;
  for (const table of HOST_TABLES) {
    for (const key of Object.keys(manifest.hosts[table])) {
      const hit = key.includes('/') ? hostPath.startsWith(key) : host === key || host.endsWith(`.${key}`);
      if (hit && (!best || key.length > best.key.length)) best = { table, key };
    }
  }
  return best;
}

function pageList() {
  const files = fs.readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html')).sort();
  const only = process.env.PAGES ? process.env.PAGES.split(',').map((p) => p.replace(/\.html$/, '') + '.html') : null;
  return files.filter((f) => !only || only.includes(f));
}

// ------------------------------------------------------------------------------ browser --

let browser;

/** Loads `url` in a fresh context; every third-party request is stubbed and recorded. */
async function openPage(url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const requests = [];
  ctx.on('request', (r) => {
    let u;
    try { u = new URL(r.url()); } catch { return; }
    if (/^https?:$/.test(u.protocol) && !isLocal(u)) requests.push({ url: r.url(), type: r.resourceType(), phase: t.phase });
  });
  await ctx.route((u) => /^(https?|wss?):$/.test(u.protocol) && !isLocal(u), (route) => {
    const req = route.request();
    return route.fulfill(stubFor(req.url(), req.resourceType())).catch(() => {});
  });
  const page = await ctx.newPage();
  const t = { ctx, page, requests, errors: [], phase: 'undecided' };
  page.on('pageerror', (e) => t.errors.push({ phase: t.phase, message: String(e.message || e).split('\n')[0] }));
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  await settle(page);
  return t;
}

async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 4000 }).catch(() => {});
  await sleep(300);
}

const readMarkers = (page) => page.evaluate(() => Array.from(document.documentElement.attributes)
  .filter((a) => a.name.startsWith('data-site-ok-')).map((a) => a.name.slice('data-site-ok-'.length)));

/** The markers once every `expected` one is set, or after 5 s more: a site script that sets its
 *  marker when its own API answers can finish after the network looked idle on a loaded machine
 *  (six pages at once on two cores). A script that is broken never sets it. */
async function settledMarkers(page, expected) {
  const end = Date.now() + 5000;
  for (;;) {
    const found = await readMarkers(page).catch(() => []);
    if (expected.every((m) => found.includes(m)) || Date.now() > end) return found;
    await sleep(100);
  }
}

/** Clicks the banner's "Reject all" (or posts the form when there is no banner to click). */
async function rejectAll(t) {
  const button = t.page.locator('#consent-proxy button[value="reject_all"]');
  const clicked = await button.click({ timeout: 3000 }).then(() => true, () => false);
  if (!clicked) {
    await t.page.evaluate(() => fetch('/__consent', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'action=reject_all' }));
  }
  const end = Date.now() + 3000;
  while (Date.now() < end && !(await t.ctx.cookies()).some((c) => c.name === 'consent')) await sleep(50);
  return { clicked, cookie: (await t.ctx.cookies()).some((c) => c.name === 'consent') };
}

// -------------------------------------------------------------------------- measuring --

let parser; // an about:blank page whose DOMParser analyses markup

async function served(url) {
  const res = await fetch(url, { headers: { Accept: 'text/html', 'Accept-Language': 'en' } });
  const html = await res.text();
  return { refs: await parser.evaluate(loadableRefs, [html, url]), inert: await parser.evaluate(inertSiteCode, [html, url]) };
}

/** The baseline: the page straight from the origin, no proxy. */
async function baseline(originUrl, file) {
  const { refs } = await served(`${originUrl}/${file}`);
  const t = await openPage(`${originUrl}/${file}`);
  const markers = await settledMarkers(t.page, manifest.pages[file]?.markers || []);
  await t.ctx.close();
  return { refs, requests: t.requests, markers, errors: t.errors };
}

/** One page through one proxy: static check, undecided load, reject live, reject reloaded. */
async function throughProxy(proxyUrl, file, expected) {
  const { refs, inert } = await served(`${proxyUrl}/${file}`);
  const t = await openPage(`${proxyUrl}/${file}`);
  const markers = { undecided: await settledMarkers(t.page, expected) };
  t.phase = 'reject-live';
  const reject = await rejectAll(t);
  await settle(t.page);
  t.phase = 'rejected';
  await t.page.reload({ waitUntil: 'load', timeout: 15_000 });
  await settle(t.page);
  markers.rejected = await settledMarkers(t.page, expected);
  await t.ctx.close();
  return { refs, inert, requests: t.requests, markers, errors: t.errors, reject };
}

/** Lints the ground truth of one page against its baseline; returns a list of problems. */
function lintPage(file, spec, base) {
  const problems = [];
  const staticKeys = new Set(base.refs.map((r) => staticKey(r.url)));
  for (const el of spec.trackers) {
    if (!classify(el.url) || classify(el.url).table !== 'trackers') problems.push(`tracker element ${el.url} is not on a tracker host of manifest.hosts`);
    if (!DYNAMIC.test(el.el) && !staticKeys.has(staticKey(el.url))) problems.push(`static element not in the page: ${el.el} ${el.url}`);
  }
  const listed = new Set(spec.trackers.filter((e) => !DYNAMIC.test(e.el)).map((e) => staticKey(e.url)));
  for (const r of base.refs) {
    if (isLocal(new URL(r.url))) continue;
    const c = classify(r.url);
    if (!c) problems.push(`unclassified third-party reference: <${r.tag} ${r.attr}> ${r.url}`);
    else if (c.table === 'trackers' && !listed.has(staticKey(r.url))) problems.push(`tracker reference missing from the manifest: <${r.tag} ${r.attr}> ${r.url}`);
  }
  for (const q of base.requests) {
    const c = classify(q.url);
    if (!c) problems.push(`unclassified third-party request: ${q.url}`);
    else if (c.table === 'trackers' && !spec.trackers.some((e) => requestMatches(e, requestKey(q.url)))) problems.push(`tracker request matches no manifest element: ${q.url}`);
  }
  const fired = base.requests.map((q) => requestKey(q.url));
  for (const el of spec.trackers) {
    if (DYNAMIC.test(el.el) && !fired.some((k) => requestMatches(el, k))) problems.push(`dynamic element never requested in the baseline: ${el.el} ${el.url}`);
  }
  for (const m of spec.markers) if (!base.markers.includes(m)) problems.push(`site marker ${m} not set without the proxy`);
  for (const m of base.markers) if (!spec.markers.includes(m)) problems.push(`site marker ${m} set but not in the manifest`);
  for (const h of spec.required) {
    if (!(h in manifest.hosts.required)) problems.push(`required ${h} is not in manifest.hosts.required`);
    if (!base.requests.some((q) => classify(q.url)?.key === h)) problems.push(`required ${h} not requested without the proxy`);
  }
  for (const e of base.errors) problems.push(`page error without the proxy: ${e.message}`);
  return problems;
}

/** Scores one page through one configuration against its ground truth and baseline. */
function score(file, spec, base, run) {
  const fired = base.requests.map((q) => requestKey(q.url));
  const loadable = new Set(run.refs.map((r) => staticKey(r.url)));
  const elements = spec.trackers.map((el) => {
    const isStatic = !DYNAMIC.test(el.el);
    const hit = run.requests.find((q) => requestMatches(el, requestKey(q.url)));
    return {
      ...el, isStatic,
      inBrowser: fired.some((k) => requestMatches(el, k)) || !!hit,
      staticLeak: isStatic && loadable.has(staticKey(el.url)),
      browserLeak: hit ? hit.phase : null,
    };
  });
  const trackerRequests = run.requests.filter((q) => classify(q.url)?.table === 'trackers')
    .map((q) => ({ ...q, key: classify(q.url).key }));
  const broken = [];
  for (const phase of ['undecided', 'rejected']) {
    for (const m of spec.markers) if (!run.markers[phase].includes(m)) broken.push({ marker: m, phase });
  }
  const blocked = spec.required.filter((h) => !run.requests.some((q) => q.phase === 'undecided' && classify(q.url)?.key === h));
  const unclassified = [...new Set(run.requests.filter((q) => !classify(q.url)).map((q) => q.url))];
  return { file, elements, trackerRequests, broken, blocked, errors: run.errors, inert: run.inert, unclassified, reject: run.reject };
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

// --------------------------------------------------------------------------------- main --

function preflight() {
  const missing = [];
  for (const f of [EASYPRIVACY, EASYLIST, UBO_PRIVACY]) if (!fs.existsSync(f)) missing.push(f);
  if (missing.length) {
    console.error(`filter list missing: ${missing.join(', ')}\n` +
      'install Debian\'s uBlock Origin package, which ships EasyList and EasyPrivacy:\n' +
      '  apt-get install -y webext-ublock-origin-chromium\n(or point LISTS_DIR at a folder with easyprivacy.txt and easylist.txt)');
    process.exit(2);
  }
  if (!fs.existsSync(BIN)) { console.error(`proxy binary not found: ${BIN} (cargo build --bin consent-proxy, or set CONSENT_PROXY_BIN)`); process.exit(2); }
  if (!fs.existsSync(CHROMIUM)) { console.error(`Chromium not found: ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`); process.exit(2); }
}

let cleanup = () => {};

async function main() {
  preflight();
  const started = Date.now();
  const deadline = setTimeout(() => { console.error(`run exceeded ${RUN_DEADLINE_MS / 1000} s`); cleanup(); process.exit(1); }, RUN_DEADLINE_MS);
  const files = pageList();
  const problems = [];
  for (const f of files) if (!manifest.pages[f]) problems.push(`${f}: no entry in manifest.json`);
  for (const f of Object.keys(manifest.pages)) if (!process.env.PAGES && !files.includes(f)) problems.push(`${f}: in manifest.json but not in pages/`);

  const origin = await startOrigin(PAGES_DIR);
  const originUrl = `http://127.0.0.1:${origin.address().port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'realpages-'));
  const proxies = await Promise.all(CONFIGS.map((c) => startProxy(BIN, origin.address().port, writeConfig(tmp, c.name, c.lists))));
  cleanup = () => {
    for (const p of proxies) { try { p.child?.kill('SIGKILL'); } catch { /* gone */ } }
    origin.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  parser = await (await browser.newContext()).newPage();
  console.log(`consent-proxy real-page test: ${files.length} pages, binary ${BIN}`);

  const bases = await pool(files, CONCURRENCY, (f) => baseline(originUrl, f));
  files.forEach((f, i) => {
    if (manifest.pages[f]) for (const p of lintPage(f, manifest.pages[f], bases[i])) problems.push(`${f}: ${p}`);
  });
  if (problems.length) {
    console.log(`\nGROUND TRUTH DOES NOT MATCH THE PAGES (${problems.length}):`);
    for (const p of problems) console.log(`  ${p}`);
  }

  const tasks = [];
  CONFIGS.forEach((c, ci) => { if (proxies[ci].url) files.forEach((f, fi) => tasks.push({ ci, fi })); });
  const runs = await pool(tasks, CONCURRENCY, async ({ ci, fi }) => {
    try {
      return await throughProxy(proxies[ci].url, files[fi], manifest.pages[files[fi]]?.markers || []);
    } catch (e) {
      return { failed: String(e.message || e).split('\n')[0] };
    }
  });
  await browser.close();

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  let failed = problems.length > 0;
  CONFIGS.forEach((c, ci) => {
    if (!proxies[ci].url) {
      console.log(`\n== ${c.name}: ${c.label}\n   NOT RUN: the proxy did not start with this configuration: ${proxies[ci].error}`);
      if (c.asserted) { failed = true; console.log('   FAIL: the asserted configuration could not run'); }
      return;
    }
    const scores = [];
    tasks.forEach((t, i) => {
      if (t.ci !== ci) return;
      const f = files[t.fi];
      if (runs[i].failed) { scores.push({ file: f, failed: runs[i].failed }); return; }
      scores.push(score(f, manifest.pages[f], bases[t.fi], runs[i]));
    });
    fs.writeFileSync(path.join(ARTIFACTS, `results-${c.name}.json`), JSON.stringify(scores, null, 1));
    const verdict = report(c, scores, manifest, RECALL_FLOOR);
    if (c.asserted && !verdict.pass) failed = true;
  });
  clearTimeout(deadline);
  cleanup();
  console.log(`\n${failed ? 'FAIL' : 'ok'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});
