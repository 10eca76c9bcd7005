#!/usr/bin/env node
// Embeds behind click-to-load placeholders (src/catalog/embeds.rs), in headless Chromium: for
// every provider preset, a page with the embed written as the provider's share dialog writes it
// (an <iframe>, or markup plus the provider's loader script) goes through the proxy binary.
//
//   1. undecided (English): nothing is requested from the provider; a placeholder names it;
//   2. the same in Swedish (Accept-Language sv): the placeholder speaks Swedish; its "Load once"
//      loads the embed and saves nothing;
//   3. a click on the placeholder's "Always allow <provider>": the embed loads, without a reload,
//      and only that service is granted;
//   4. marketing granted first (POST /__consent), then the page: the embed loads, no placeholder.
//
// Opt-in presets (Calendly: not held by default) run with the rule the README gives to hold them.
//
// Every request to a host other than 127.0.0.1 is recorded and answered by a local stub: no
// internet is used. One line per provider; exit 1 on any failure.
//
//   CONSENT_PROXY_BIN  proxy binary (default: target/debug/consent-proxy under the repo root)
//   CHROMIUM_PATH      browser (default: /usr/bin/chromium)
//   ONLY=YouTube,Discord   run only these providers

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const BIN = path.resolve(REPO, process.env.CONSENT_PROXY_BIN || 'target/debug/consent-proxy');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ONLY = process.env.ONLY ? process.env.ONLY.split(',') : null;
const RUN_DEADLINE_MS = 240_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Each embed as its provider's share or embed dialog writes it; `hosts`: any request to one of
// them means the embed loaded. `markup`: a loader script turns markup into the embed (the
// placeholder follows the markup) rather than an <iframe> (the placeholder is the frame's page).
const EMBEDS = [
  { provider: 'YouTube', hosts: ['www.youtube.com'], html: '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=abc" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>' },
  { provider: 'Vimeo', hosts: ['player.vimeo.com'], html: '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>' },
  { provider: 'Google Maps', hosts: ['www.google.com'], html: '<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2131.5!2d11.97!3d57.70" width="600" height="450" style="border:0;" allowfullscreen="" referrerpolicy="no-referrer-when-downgrade"></iframe>' },
  { provider: 'Dailymotion', hosts: ['geo.dailymotion.com'], html: '<iframe frameborder="0" width="640" height="360" src="https://geo.dailymotion.com/player.html?video=x8abcd" allowfullscreen allow="autoplay; fullscreen; picture-in-picture; web-share"></iframe>' },
  { provider: 'SoundCloud', hosts: ['w.soundcloud.com'], html: '<iframe width="100%" height="166" scrolling="no" frameborder="no" allow="autoplay" src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&color=%23ff5500&auto_play=false"></iframe>' },
  { provider: 'Spotify', hosts: ['open.spotify.com'], html: '<iframe style="border-radius:12px" src="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC?utm_source=generator" width="100%" height="152" frameBorder="0" allowfullscreen="" allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture"></iframe>' },
  { provider: 'Twitch', hosts: ['player.twitch.tv'], html: '<iframe src="https://player.twitch.tv/?channel=example&parent=127.0.0.1" frameborder="0" allowfullscreen="true" scrolling="no" height="378" width="620"></iframe>' },
  { provider: 'TikTok', markup: true, hosts: ['www.tiktok.com'], html: '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/6718335390845095173" data-video-id="6718335390845095173" style="max-width: 605px;min-width: 325px;"><section><a target="_blank" href="https://www.tiktok.com/@scout2015">@scout2015</a> Scramble up ur name</section></blockquote><script async src="https://www.tiktok.com/embed.js"></script>' },
  { provider: 'Instagram', markup: true, hosts: ['www.instagram.com'], html: '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/C0example/?utm_source=ig_embed" data-instgrm-version="14" style="max-width:540px"><a href="https://www.instagram.com/p/C0example/">View this post on Instagram</a></blockquote><script async src="//www.instagram.com/embed.js"></script>' },
  { provider: 'X (Twitter)', markup: true, hosts: ['platform.twitter.com'], html: '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">just setting up my twttr</p>&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20">March 21, 2006</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>' },
  { provider: 'Meta', markup: true, label: 'Facebook post', hosts: ['connect.facebook.net'], html: '<div id="fb-root"></div><script async defer crossorigin="anonymous" src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0"></script><div class="fb-post" data-href="https://www.facebook.com/20531316728/posts/10154009990506729/" data-width="500" data-show-text="true"></div>' },
  { provider: 'Meta', label: 'Facebook page plugin', hosts: ['www.facebook.com'], html: '<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Ffacebook&tabs=timeline&width=340&height=500" width="340" height="500" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>' },
  { provider: 'Pinterest', markup: true, hosts: ['assets.pinterest.com'], html: '<a data-pin-do="embedPin" href="https://www.pinterest.com/pin/99360735500167749/">A pin</a><script async defer src="//assets.pinterest.com/js/pinit.js"></script>' },
  { provider: 'Disqus', markup: true, hosts: ['example.disqus.com'], html: '<div id="disqus_thread"></div><script>var disqus_config = function () { this.page.url = location.href; this.page.identifier = "post-1"; };\n(function() { var d = document, s = d.createElement("script"); s.src = "https://example.disqus.com/embed.js"; s.setAttribute("data-timestamp", +new Date()); (d.head || d.body).appendChild(s); })();</script><noscript>Please enable JavaScript to view the comments.</noscript>' },
  { provider: 'Apple Podcasts', hosts: ['embed.podcasts.apple.com'], html: '<iframe allow="autoplay *; encrypted-media *; fullscreen *; clipboard-write" frameborder="0" height="175" style="width:100%;max-width:660px;overflow:hidden;border-radius:10px;" sandbox="allow-forms allow-popups allow-same-origin allow-scripts allow-storage-access-by-user-activation allow-top-navigation-by-user-activation" src="https://embed.podcasts.apple.com/us/podcast/example/id1000000000"></iframe>' },
  { provider: 'Discord', hosts: ['discord.com'], html: '<iframe src="https://discord.com/widget?id=100000000000000000&theme=dark" width="350" height="500" allowtransparency="true" frameborder="0" sandbox="allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-scripts"></iframe>' },
  { provider: 'Calendly', optIn: true, markup: true, hosts: ['assets.calendly.com'], html: '<div class="calendly-inline-widget" data-url="https://calendly.com/example/30min" style="min-width:320px;height:700px;"></div><script type="text/javascript" src="https://assets.calendly.com/assets/external/widget.js" async></script>' },
  { provider: 'Wistia', markup: true, hosts: ['fast.wistia.com'], html: '<script src="https://fast.wistia.com/embed/medias/abcdefghij.jsonp" async></script><script src="https://fast.wistia.com/assets/external/E-v1.js" async></script><div class="wistia_embed wistia_async_abcdefghij" style="height:360px;width:640px">&nbsp;</div>' },
  { provider: 'Loom', hosts: ['www.loom.com'], html: '<div style="position: relative; padding-bottom: 56.25%; height: 0;"><iframe src="https://www.loom.com/embed/0123456789abcdef0123456789abcdef?sid=1" frameborder="0" webkitallowfullscreen mozallowfullscreen allowfullscreen style="position: absolute; top: 0; left: 0; width: 100%; height: 100%;"></iframe></div>' },
  { provider: 'Mixcloud', hosts: ['player-widget.mixcloud.com'], html: '<iframe width="100%" height="120" src="https://player-widget.mixcloud.com/widget/iframe/?hide_cover=1&feed=%2Fexample%2Fmix%2F" frameborder="0" allow="encrypted-media; fullscreen; autoplay; idle-detection; speaker-selection; web-share;"></iframe>' },
  { provider: 'Issuu', hosts: ['e.issuu.com'], html: '<iframe allow="clipboard-write" sandbox="allow-top-navigation allow-top-navigation-by-user-activation allow-downloads allow-scripts allow-same-origin allow-popups allow-modals allow-popups-to-escape-sandbox allow-forms" allowfullscreen="true" style="border:none;width:100%;height:326px;" src="https://e.issuu.com/embed.html?d=example&u=example"></iframe>' },
  { provider: 'OpenStreetMap', hosts: ['www.openstreetmap.org'], html: '<iframe width="425" height="350" src="https://www.openstreetmap.org/export/embed.html?bbox=11.9%2C57.6%2C12.1%2C57.8&amp;layer=mapnik" style="border: 1px solid black"></iframe><br/><small><a href="https://www.openstreetmap.org/#map=12/57.7/12.0">View Larger Map</a></small>' },
  { provider: 'Vidyard', hosts: ['play.vidyard.com'], html: '<iframe class="vidyard_iframe" src="//play.vidyard.com/abcdefghijklmnop.html?v=3.1.1" width="640" height="360" scrolling="no" frameborder="0" allowtransparency="true" allowfullscreen></iframe>' },
  { provider: 'Reddit', markup: true, hosts: ['embed.reddit.com'], html: '<blockquote class="reddit-embed-bq" data-embed-height="316"><a href="https://www.reddit.com/r/rust/comments/abc/example/">An example post</a><br> by <a href="https://www.reddit.com/user/example/">u/example</a> in <a href="https://www.reddit.com/r/rust/">rust</a></blockquote><script async src="https://embed.reddit.com/widgets.js" charset="UTF-8"></script>' },
  // Not a provider preset: a held srcdoc frame (a vendor snippet in the site's own frame) with a
  // sandbox. Its sandbox must be back before its document is, or that document (same origin as
  // the page) runs unsandboxed once allowed. (Chromium does not show a sandboxed srcdoc frame's
  // requests to Playwright: the frame says it ran by postMessage.)
  { provider: 'Meta Pixel', label: 'a sandboxed srcdoc frame with a vendor snippet', sandboxed: true, hosts: [], html: '<script>addEventListener("message", function (e) { if (e.data === "frame ran") window.__frameRan = true; });</script><iframe title="Widget" width="300" height="120" sandbox="allow-scripts" srcdoc="<script>try { parent.__escaped = 1; } catch (e) {} parent.postMessage(\'frame ran\', \'*\');</script><script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};t=b.createElement(e);t.src=v;b.head.appendChild(t)}(window,document,\'script\',\'https://connect.facebook.net/en_US/fbevents.js\');</script>"></iframe>' },
].filter((e) => !ONLY || ONLY.includes(e.provider));

const TEXT = { en: 'This content is provided by', sv: 'Det här innehållet kommer från' };
// Every preset's provider is a service: its placeholder offers it alone, and to load it once.
const ALLOW = { en: 'Always allow', sv: 'Tillåt alltid' };
const ONCE = { en: 'Load once', sv: 'Ladda en gång' };

// ------------------------------------------------------------------------------ servers --

function startOrigin() {
  const server = http.createServer((req, res) => {
    const m = /^\/embed\/(\d+)/.exec(req.url);
    const e = m && EMBEDS[Number(m[1])];
    if (!e) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${e.provider}</title></head>` +
      `<body><h1>An article</h1><p>Some text.</p>\n${e.html}\n<p>More text.</p><div style="height:1500px"></div><script>window.__siteRan = 1;</script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Opt-in presets (Calendly) are held once the operator adds a rule, as the README shows.
const CONFIG = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consent-proxy-embeds-')), 'proxy.toml');
fs.writeFileSync(CONFIG, '[[trackers.rules]]\npattern = ".calendly.com"\ncategory = "marketing"\nprovider = "Calendly"\n');

function startProxy(originPort) {
  const env = { ...process.env };
  for (const k of ['CONSENT_PROXY_CONFIG', 'CONSENT_PROXY_UPSTREAM', 'CONSENT_PROXY_LISTEN', 'CONSENT_PROXY_ADMIN']) delete env[k];
  const child = spawn(BIN, ['--upstream', `http://127.0.0.1:${originPort}`, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--config', CONFIG], {
    env: { ...env, CONSENT_PROXY__AUDIT__SINK: '/dev/null', CONSENT_PROXY__LOG__FORMAT: 'json', CONSENT_PROXY__SHUTDOWN__DELAY: '0s', CONSENT_PROXY__CONSENT__RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`proxy did not start:\n${buf}`)); }, 20_000);
    child.on('exit', (code) => reject(new Error(`proxy exited with ${code}:\n${buf}`)));
    child.stderr.on('data', (d) => {
      buf = (buf + d).slice(-20_000);
      for (const line of buf.split('\n')) {
        if (!line.includes('consent-proxy listening')) continue;
        try {
          const f = JSON.parse(line).fields || JSON.parse(line);
          clearTimeout(timer);
          resolve({ child, url: `http://${f.listen}` });
          return;
        } catch { /* partial line */ }
      }
    });
  });
}

// ------------------------------------------------------------------------------ browser --

const isLocal = (u) => u.hostname === '127.0.0.1';

/** What a provider answers: a small player page for frames, a script that marks it ran. */
function stubFor(u, type) {
  if (type === 'script') return { status: 200, contentType: 'text/javascript', body: `window.__embedScript = ${JSON.stringify(u.hostname)};` };
  if (type === 'document') return { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><p id="player">player</p>' };
  return { status: 204, body: '' };
}

async function newContext(browser, locale) {
  const ctx = await browser.newContext({ locale, extraHTTPHeaders: { 'accept-language': locale === 'sv-SE' ? 'sv-SE,sv;q=0.9' : 'en-GB,en;q=0.9' } });
  const requests = [];
  await ctx.route((u) => /^(https?|wss?):$/.test(u.protocol) && !isLocal(u), async (route) => {
    const r = route.request();
    requests.push(new URL(r.url()).hostname);
    await route.fulfill(stubFor(new URL(r.url()), r.resourceType()));
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.text().startsWith('consent-proxy:')) errors.push(m.text()); });
  return { ctx, page, requests, errors, hit: (hosts) => requests.some((h) => hosts.includes(h)) };
}

async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The placeholder's text: in the frame's srcdoc document, or the box after the markup. */
async function placeholderText(t, e) {
  if (e.markup) {
    await waitFor(() => t.page.evaluate(() => !!document.querySelector('[data-consent-notice]')), 3000, 'the placeholder after the markup');
    return t.page.evaluate(() => document.querySelector('[data-consent-notice]').textContent);
  }
  const frame = t.page.frameLocator('iframe[data-consent-category]');
  return frame.locator('body').textContent({ timeout: 3000 });
}

/** Whether the embed loaded: a request to its hosts (or, for the sandboxed frame, its message). */
async function loaded(t, e) {
  return e.sandboxed ? t.page.evaluate(() => window.__frameRan === true) : t.hit(e.hosts);
}

async function checkEmbed(browser, proxyUrl, e, i) {
  const url = `${proxyUrl}/embed/${i}`;
  const problems = [];
  // 1. Undecided, English; 3. then the click.
  const t = await newContext(browser, 'en-GB');
  try {
    await t.page.goto(url);
    await sleep(600);
    if (await loaded(t, e)) problems.push(`undecided: loaded (${t.requests.filter((h) => e.hosts.includes(h))})`);
    const text = await placeholderText(t, e);
    if (!text.includes(`${TEXT.en} ${e.provider}`)) problems.push(`placeholder (en): ${JSON.stringify(text)}`);
    if (!text.includes(`${ALLOW.en} ${e.provider}`)) problems.push(`no "${ALLOW.en} ${e.provider}" button (en): ${JSON.stringify(text)}`);
    if (!e.sandboxed && !text.includes(ONCE.en)) problems.push(`no "${ONCE.en}" (en): ${JSON.stringify(text)}`);
    if (await t.page.evaluate(() => window.__siteRan) !== 1) problems.push('the site\'s own script did not run');
    await t.page.evaluate(() => { window.__marker = 7; });
    const button = (e.markup ? t.page.locator('[data-consent-notice] button') : t.page.frameLocator('iframe[data-consent-category]').locator('button'))
      .filter({ hasText: ALLOW.en });
    // Scrolled to the middle, as a reader would: the banner sits at the bottom of the viewport.
    await (e.markup ? button : t.page.locator('iframe[data-consent-category]')).evaluate((b) => b.scrollIntoView({ block: 'center' }));
    await button.click({ timeout: 3000 });
    await waitFor(() => loaded(t, e), 5000, `${e.label || e.provider} to load after the click`);
    if (await t.page.evaluate(() => window.__marker) !== 7) problems.push('the click reloaded the page');
    if (e.sandboxed && await t.page.evaluate(() => window.__escaped) === 1) problems.push('the frame\'s own document ran without its sandbox');
    if (e.markup && await t.page.evaluate(() => !!document.querySelector('[data-consent-notice]'))) problems.push('the placeholder stayed after the click');
    // That service alone: the category stays refused.
    const s = await t.page.evaluate(() => fetch('/__consent').then((r) => r.json()));
    if (s.granted.join() !== 'necessary' || s.services.granted.length !== 1) problems.push(`after the click: ${JSON.stringify([s.granted, s.services.granted])}`);
    if (t.errors.length) problems.push(`page errors: ${t.errors.join('; ')}`);
  } catch (err) {
    problems.push(String(err.message || err).split('\n')[0]);
  } finally {
    await t.ctx.close();
  }
  // 2. Swedish.
  const sv = await newContext(browser, 'sv-SE');
  try {
    await sv.page.goto(url);
    const text = await placeholderText(sv, e);
    if (!text.includes(`${TEXT.sv} ${e.provider}`) || !text.includes(`${ALLOW.sv} ${e.provider}`)) problems.push(`placeholder (sv): ${JSON.stringify(text)}`);
    if (await loaded(sv, e)) problems.push('undecided (sv): the embed loaded');
    if (!e.sandboxed) {
      // "Load once": this embed loads now, nothing is saved.
      const once = e.markup ? sv.page.locator('[data-consent-notice] button', { hasText: ONCE.sv })
        : sv.page.frameLocator('iframe[data-consent-category]').locator('a', { hasText: ONCE.sv });
      await (e.markup ? once : sv.page.locator('iframe[data-consent-category]')).evaluate((b) => b.scrollIntoView({ block: 'center' }));
      await once.click({ timeout: 3000 });
      await waitFor(() => loaded(sv, e), 5000, `${e.label || e.provider} to load once`);
      const st = await sv.page.evaluate(() => fetch('/__consent').then((r) => r.json()));
      if (st.decided) problems.push('"Load once" saved a decision');
    }
  } catch (err) {
    problems.push(`sv: ${String(err.message || err).split('\n')[0]}`);
  } finally {
    await sv.ctx.close();
  }
  // 4. Marketing granted before the page: it loads, no placeholder.
  const g = await newContext(browser, 'en-GB');
  try {
    const r = await g.page.request.post(`${proxyUrl}/__consent`, { data: { action: 'save', categories: ['marketing'] } });
    if (r.status() !== 200) problems.push(`granting marketing: ${r.status()}`);
    await g.page.goto(url);
    await waitFor(() => loaded(g, e), 5000, `${e.label || e.provider} to load with marketing granted`);
    const left = await g.page.evaluate(() => document.querySelectorAll('[data-consent-notice], iframe[data-consent-category]').length);
    if (left) problems.push(`granted: ${left} placeholder(s) still shown`);
  } catch (err) {
    problems.push(`granted: ${String(err.message || err).split('\n')[0]}`);
  } finally {
    await g.ctx.close();
  }
  return problems;
}

async function main() {
  if (!fs.existsSync(BIN)) { console.error(`proxy binary not found: ${BIN}`); process.exit(2); }
  if (!fs.existsSync(CHROMIUM)) { console.error(`Chromium not found: ${CHROMIUM}`); process.exit(2); }
  const deadline = setTimeout(() => { console.error(`run exceeded ${RUN_DEADLINE_MS / 1000} s`); process.exit(1); }, RUN_DEADLINE_MS);
  const origin = await startOrigin();
  const proxy = await startProxy(origin.address().port);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const started = Date.now();
  let failed = 0;
  const results = new Array(EMBEDS.length);
  let next = 0;
  await Promise.all([0, 1, 2].map(async () => {
    while (next < EMBEDS.length) {
      const i = next++;
      results[i] = await checkEmbed(browser, proxy.url, EMBEDS[i], i);
    }
  }));
  EMBEDS.forEach((e, i) => {
    const name = e.label || e.provider;
    if (results[i].length) { failed += 1; console.log(`FAIL ${name}\n     ${results[i].join('\n     ')}`); }
    else console.log(`ok   ${name}: held, placeholder (en, sv), loads on a click and once granted`);
  });
  console.log(`\n${EMBEDS.length - failed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  await browser.close();
  proxy.child.kill('SIGKILL');
  origin.close();
  clearTimeout(deadline);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
