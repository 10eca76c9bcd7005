#!/usr/bin/env node
// "The browser is the oracle": generated pages spell tracker and non-tracker URLs every way HTML
// and the URL standard allow (character references, whitespace, controls, backslashes, odd
// schemes, percent-encoded and IDNA hosts, userinfo, ports, srcset, <base href>, ...). Each page
// is loaded twice in headless Chromium: DIRECTLY from a Node origin (what the browser really
// requests, per element), then THROUGH consent-proxy as an undecided visitor. Every element's URL
// carries a unique marker (mk=N), so each request is traced back to the spelling that caused it.
//
//   - a marker Chromium requested from a tracker host directly must not reach any non-127.0.0.1
//     host through the proxy ("leak");
//   - a marker Chromium requested from any other host directly must still be requested through the
//     proxy, from the same host ("broken").
//
// Every request to a host other than 127.0.0.1 is answered by a local stub: no internet is used.
//
//   CONSENT_PROXY_BIN  proxy binary (default: target/debug/consent-proxy under the repo root)
//   CHROMIUM_PATH      browser (default: /usr/bin/chromium)
//   SEED               generator seed (default 1): which hosts/elements/combinations are drawn
//   ONLY_PAGES=main-1,base-3   load only these pages
//   ORACLE_ONLY=1      no proxy: load the pages directly only and report what Chromium requested
//                      (artifacts/report.json), to see what a new spelling does in the browser
//
// Prints a summary per spelling family, then every failure with its exact markup; exit 1 on any
// failure. The generated pages and a JSON report land in artifacts/ (not committed).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const ARTIFACTS = path.join(HERE, 'artifacts');
const BIN = path.resolve(REPO, process.env.CONSENT_PROXY_BIN || 'target/debug/consent-proxy');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SEED = Number(process.env.SEED || 1);
const ONLY_PAGES = process.env.ONLY_PAGES ? process.env.ONLY_PAGES.split(',') : null;
const ORACLE_ONLY = process.env.ORACLE_ONLY === '1';
const RUN_DEADLINE_MS = 150_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------- hosts --

/** Hosts the built-in catalog refuses for an undecided visitor (src/catalog/trackers_data.rs). */
const TRACKERS = [
  { host: 'www.google-analytics.com', path: '/collect', query: 'v=1&t=pageview' },
  { host: 'connect.facebook.net', path: '/en_US/fbevents.js', query: '' },
  { host: 'www.facebook.com', path: '/tr', query: 'id=1&ev=PageView' },
  { host: 'bat.bing.com', path: '/action/0', query: 'ti=1' },
  { host: 'static.hotjar.com', path: '/c/hotjar-1.js', query: 'sv=6' },
  { host: 'snap.licdn.com', path: '/li.lms-analytics/insight.min.js', query: '' },
  { host: 'analytics.tiktok.com', path: '/i18n/pixel/events.js', query: 'sdkid=X' },
  { host: 'www.googletagmanager.com', path: '/gtm.js', query: 'id=GTM-X' },
  { host: 'px.ads.linkedin.com', path: '/collect', query: 'pid=1' },
  { host: 'ct.pinterest.com', path: '/v3/', query: 'tid=1' },
];
/** Hosts the catalog does not list: they must keep loading. */
const BENIGN = [
  { host: 'cdn.jsdelivr.net', path: '/npm/lib@1/dist/lib.min.js', query: '' },
  { host: 'fonts.googleapis.com', path: '/css2', query: 'family=Roboto' },
  { host: 'ajax.googleapis.com', path: '/ajax/libs/jquery/3.7.1/jquery.min.js', query: '' },
  { host: 'images.example-cdn.test', path: '/img/hero.png', query: 'w=1' },
];
// How the catalog matches those trackers: exact host, or the domain and its subdomains.
const TRACKER_EXACT = ['bat.bing.com', 'snap.licdn.com', 'analytics.tiktok.com', 'ct.pinterest.com'];
const TRACKER_SUFFIX = ['google-analytics.com', 'googletagmanager.com', 'facebook.net', 'facebook.com', 'hotjar.com',
  'ads.linkedin.com', 'tiktok.com', 'pinterest.com'];
const BENIGN_HOSTS = BENIGN.map((b) => b.host);

/** Where a request went, as Chromium canonicalised it: first | tracker | benign | odd | dead
 *  (dead: an empty label, as in `host..`: Chromium sends the request, but no resolver resolves
 *  such a name, so it reaches nobody; such markers are not judged). */
function classify(host) {
  if (host === '127.0.0.1' || host === 'localhost') return 'first';
  if (/\.\.|^\./.test(host)) return 'dead';
  const h = host.toLowerCase().replace(/\.$/, '');
  if (TRACKER_EXACT.includes(h) || TRACKER_SUFFIX.some((d) => h === d || h.endsWith(`.${d}`))) return 'tracker';
  if (BENIGN_HOSTS.includes(h)) return 'benign';
  return 'odd';
}
/** The host of a URL as Chromium reports it (canonical already; no WHATWG re-parse). */
function hostOf(url) {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return m ? m[1] : null;
}
const isLocalHost = (h) => h === '127.0.0.1' || h === 'localhost';
const MARK_RE = /mk=(\d+(?:_\d+)?)/;

// --------------------------------------------------------------------------------- rng --

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
function sample(a, k) {
  const c = [...a];
  for (let i = c.length - 1; i > 0; i -= 1) { const j = int(i + 1); [c[i], c[j]] = [c[j], c[i]]; }
  return c.slice(0, k);
}

// ------------------------------------------------------------------- spelling machinery --

/** A URL as a list of pieces (one per character of each part), each with its raw HTML. */
const ORDER = ['lead', 'scheme', 'sep', 'userinfo', 'host', 'port', 'path', 'query', 'marker', 'frag', 'tail'];
const esc = (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c] ?? c;
/** Named references (with `;`) for URL punctuation; none of these is decoded without `;`. */
const NAMED = {
  '.': ['period'], '/': ['sol'], ':': ['colon'], '?': ['quest'], '=': ['equals'], '&': ['amp', 'AMP'],
  '@': ['commat'], '\\': ['bsol'], '_': ['lowbar', 'UnderBar'], '%': ['percnt'], '#': ['num'],
  '\t': ['Tab'], '\n': ['NewLine'], ',': ['comma'], '+': ['plus'], '!': ['excl'], '$': ['dollar'],
};

class Sp {
  constructor(parts) {
    this.ps = [];
    for (const [k, v] of parts) this.set(k, v);
  }
  /** Replaces a part. `verbatim`: the text is raw HTML already (kept as is, never re-encoded). */
  set(part, text, verbatim = false) {
    const fresh = [...text].map((ch) => ({ part, ch, raw: verbatim ? ch : esc(ch), lock: verbatim }));
    const first = this.ps.findIndex((p) => p.part === part);
    this.ps = this.ps.filter((p) => p.part !== part);
    let at = first >= 0 ? first : this.ps.findIndex((p) => ORDER.indexOf(p.part) > ORDER.indexOf(part));
    if (at < 0) at = this.ps.length;
    this.ps.splice(at, 0, ...fresh);
    return this;
  }
  text(part) { return this.ps.filter((p) => p.part === part).map((p) => p.ch ?? '').join(''); }
  /** Indexes of plain (not yet encoded, not verbatim) characters of `part` matching `pred`. */
  at(part, pred = () => true) {
    const out = [];
    this.ps.forEach((p, i) => {
      if ((part === '*' ? p.part !== 'marker' : p.part === part) && p.ch != null && !p.enc && !p.lock && pred(p.ch)) out.push(i);
    });
    return out;
  }
  /** Spells piece i as a character reference: dec | dec0 | hex | HEX | hex0 | zeros | named. */
  enc(i, form, semi = true) {
    const p = this.ps[i];
    const cp = p.ch.codePointAt(0);
    const h = cp.toString(16);
    let f = form === 'zeros' ? pick(['dec0', 'hex0']) : form;
    let r;
    if (f === 'named') {
      const names = NAMED[p.ch];
      if (!names) return false;
      r = `&${pick(names)}`;
    } else {
      r = { dec: `&#${cp}`, dec0: `&#000${cp}`, hex: `&#x${h}`, HEX: `&#X${h.toUpperCase()}`, hex0: `&#x00${h.toUpperCase()}` }[f];
    }
    p.raw = semi ? `${r};` : r;
    p.enc = true;
    p.nosemi = semi ? null : (f.startsWith('dec') ? 'dec' : f === 'named' ? 'named' : 'hex');
    return true;
  }
  encAll(part, form, semi, pred) { for (const i of this.at(part, pred)) this.enc(i, form, semi); return this; }
  encSome(part, form, semi, k, pred) { for (const i of sample(this.at(part, pred), k)) this.enc(i, form, semi); return this; }
  /** Inserts raw HTML before piece i (inside `part`'s span). */
  insertAt(i, raw, nosemi = null) {
    const part = this.ps[Math.min(i, this.ps.length - 1)]?.part ?? 'tail';
    this.ps.splice(i, 0, { part, ch: null, raw, lock: true, nosemi });
    return this;
  }
  /** Inserts raw HTML strictly inside a part (not at its edges), at a random place. */
  insertIn(part, raw, nosemi = null) {
    const idx = this.ps.map((p, i) => (p.part === part ? i : -1)).filter((i) => i >= 0);
    if (idx.length < 2) return this.insertAt(idx[0] ?? 0, raw, nosemi);
    return this.insertAt(idx[1 + int(idx.length - 1)], raw, nosemi);
  }
  lead(raw) { this.ps.unshift({ part: 'lead', ch: null, raw, lock: true }); return this; }
  tail(raw) { this.ps.push({ part: 'tail', ch: null, raw, lock: true }); return this; }
  /** Final raw attribute text. A reference without `;` followed by a character that would extend
   *  it (a digit, a hex digit, `;`) gets its `;` back, so it still means what the family says. */
  html() {
    const raws = this.ps.map((p) => p.raw);
    for (let i = 0; i < raws.length; i += 1) {
      const kind = this.ps[i].nosemi;
      if (!kind || kind === 'named') continue;
      const next = raws.slice(i + 1).join('')[0];
      if (next && (kind === 'dec' ? /[0-9;]/ : /[0-9a-fA-F;]/).test(next)) raws[i] += ';';
    }
    return raws.join('');
  }
}

function urlOf(t, marker) {
  return new Sp([['scheme', 'https'], ['sep', '://'], ['host', t.host], ['path', t.path],
    ['query', `?${t.query ? `${t.query}&` : ''}`], ['marker', `mk=${marker}`]]);
}
const isLetter = (c) => /[a-z]/i.test(c);
const setHost = (s, f) => s.set('host', [...s.text('host')].map(f).join(''));
const fullwidth = (c) => (/[!-~]/.test(c) ? String.fromCodePoint(c.codePointAt(0) + 0xfee0) : c);
const mathBold = (c) => (/[a-z]/.test(c) ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97) : c);
const circled = (c) => (/[a-z]/.test(c) ? String.fromCodePoint(0x24d0 + c.charCodeAt(0) - 97) : c);
const pct = (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** Inserts a character inside a host label (not next to a dot). */
function insertInLabel(s, raw) {
  const idx = s.ps.map((p, i) => i).filter((i) => s.ps[i].part === 'host' && s.ps[i - 1]?.part === 'host'
    && s.ps[i].ch !== '.' && s.ps[i - 1].ch !== '.');
  return s.insertAt(idx.length ? pick(idx) : 0, raw);
}

// ------------------------------------------------------------------------- the variants --
// Each variant: [family, name, fn(s, ctx), opts]. ctx = { t: target host entry, other: a host of
// the opposite kind }. opts.want(host) restricts the hosts drawn; opts.stage orders combinations
// (1 = structure, 2 = references, 3 = inserted whitespace/controls); opts.combo=false keeps a
// variant out of combinations; opts.quote = "'" | "" renders the attribute so.

const V = [];
const v = (family, name, fn, opts = {}) => V.push({ family, name, fn, stage: 2, combo: true, ...opts });

v('plain', 'as is', () => {}, { combo: false });
v('plain', 'raw & in query', (s) => { for (const i of s.at('query', (c) => c === '&')) s.ps[i].raw = '&'; }, { combo: false });

// Named references with `;`.
v('ref-named', 'scheme &colon;', (s) => s.encAll('sep', 'named', true, (c) => c === ':'));
v('ref-named', 'slashes &sol;&sol;', (s) => s.encAll('sep', 'named', true, (c) => c === '/'));
v('ref-named', 'host dots &period;', (s) => s.encAll('host', 'named', true, (c) => c === '.'));
v('ref-named', 'path &sol;', (s) => s.encAll('path', 'named', true, (c) => c === '/'));
v('ref-named', 'query &quest; &equals; &amp;', (s) => s.encAll('query', 'named', true));
v('ref-named', 'every named-able character', (s) => s.encAll('*', 'named', true, (c) => c in NAMED));
// Named references without `;` that are not legacy names: browsers leave them as text.
v('ref-named-nosemi', 'scheme &colon (not decoded)', (s) => s.encAll('sep', 'named', false, (c) => c === ':'));
v('ref-named-nosemi', 'slashes &sol&sol (not decoded)', (s) => s.encAll('sep', 'named', false, (c) => c === '/'));
v('ref-named-nosemi', 'host dots &period (not decoded)', (s) => s.encAll('host', 'named', false, (c) => c === '.'));
v('ref-named-nosemi', 'path &sol (not decoded)', (s) => s.encAll('path', 'named', false, (c) => c === '/'));

// Legacy named references (decoded without `;`) and the attribute-value exception
// (not decoded when followed by an alphanumeric or `=`).
v('ref-legacy', 'query &amp= &ampx &notify &copy= &not1 (kept as text)', (s) => s.set('query', `${s.text('query')}a=1&amp=2&ampx=3&notify=4&copy=5&not1&`, true), { stage: 1 });
v('ref-legacy', 'query &AMP before & (decoded)', (s) => s.set('query', `${s.text('query').replace(/&/g, '&amp;')}x=1&AMP&`, true), { stage: 1 });
v('ref-legacy', 'path &notin (kept as text)', (s) => s.set('path', `${s.text('path')}/&notin/x`, true), { stage: 1 });
v('ref-legacy', 'path &amp before / (decoded)', (s) => s.set('path', `/a&amp/${s.text('path').slice(1)}`, true), { stage: 1 });
v('ref-legacy', 'userinfo u&amp@ (decoded)', (s) => s.set('userinfo', 'u&amp@', true), { stage: 1 });
v('ref-legacy', 'userinfo other-host&amp@ (decoded)', (s, c) => s.set('userinfo', `${c.other.host}&amp@`, true), { stage: 1 });
v('ref-legacy', 'userinfo other-host&ampx@ (kept as text)', (s, c) => s.set('userinfo', `${c.other.host}&ampx@`, true), { stage: 1 });
v('ref-legacy', 'host &shy before - or . (decoded, IDNA drops U+00AD)', (s) => {
  const i = s.at('host', (c) => c === '-' || c === '.');
  s.insertAt(i.find((j) => s.ps[j].ch === '-') ?? i[0], '&shy');
});
v('ref-legacy', 'host &shy before a letter (kept as text)', (s) => insertInLabel(s, '&shy'));
v('ref-legacy', 'host &shy; (decoded)', (s) => insertInLabel(s, '&shy;'));
v('ref-legacy', 'host then &lt (decoded: invalid host)', (s) => s.set('port', '&lt', true), { stage: 1, combo: false });
v('ref-legacy', 'leading &nbsp before a letter (kept as text)', (s) => s.lead('&nbsp'), { combo: false });
v('ref-legacy', 'leading &nbsp; (U+00A0 is not stripped)', (s) => s.lead('&nbsp;'), { combo: false });

// Numeric references: every form x every place.
const NUM_FORMS = [
  ['ref-dec', 'dec', true], ['ref-dec-nosemi', 'dec', false], ['ref-hex', 'hex', true], ['ref-hex-nosemi', 'hex', false],
  ['ref-HEX', 'HEX', true], ['ref-HEX-nosemi', 'HEX', false], ['ref-zeros', 'zeros', true], ['ref-zeros-nosemi', 'zeros', false],
];
for (const [fam, form, semi] of NUM_FORMS) {
  v(fam, 'scheme letter', (s) => s.encSome('scheme', form, semi, 1 + int(2)));
  v(fam, 'colon', (s) => s.encAll('sep', form, semi, (c) => c === ':'));
  v(fam, 'slashes', (s) => s.encAll('sep', form, semi, (c) => c === '/'));
  v(fam, 'host dots', (s) => s.encAll('host', form, semi, (c) => c === '.'));
  v(fam, 'host letters', (s) => s.encSome('host', form, semi, 2 + int(3), isLetter));
  v(fam, 'whole host', (s) => s.encAll('host', form, semi));
  v(fam, 'path', (s) => s.encSome('path', form, semi, 3));
  v(fam, 'query ? and =', (s) => s.encAll('query', form, semi, (c) => c === '?' || c === '='));
  v(fam, 'whole URL', (s) => s.encAll('*', form, semi), { combo: false });
}

// Invalid and replaced numeric references.
for (const [ref, where] of [
  ['&#0;', 'path'], ['&#0', 'path'], ['&#xD800;', 'path'], ['&#xDFFF', 'query'], ['&#x110000;', 'path'], ['&#99999999999;', 'path'],
  ['&#128;', 'path'], ['&#x80', 'path'], ['&#150;', 'query'], ['&#x9F;', 'path'], ['&#xFFFE;', 'path'], ['&#x7F;', 'path'],
  ['&#13;', 'path'], ['&#x;', 'path'], ['&#;', 'query'], ['&#0;', 'host'], ['&#128;', 'host'], ['&#x110000;', 'scheme'],
  ['&#xD800;', 'host'],
]) v('ref-invalid', `${ref} in ${where}`, (s) => s.insertIn(where, ref), { stage: 3 });

// Tab / CR / LF inside the URL (the URL parser removes them anywhere).
for (const [raw, where, name] of [
  ['\t', 'scheme', 'raw tab in scheme'], ['\n', 'host', 'raw LF in host'], ['\r', 'sep', 'raw CR in ://'],
  ['\r\n', 'path', 'raw CRLF in path'], ['\t\n\t', 'host', 'raw tab+LF in host'], ['&Tab;', 'host', '&Tab; in host'],
  ['&NewLine;', 'scheme', '&NewLine; in scheme'], ['&#9;', 'host', '&#9; in host'], ['&#10', 'host', '&#10 in host'],
  ['&#x0D;', 'sep', '&#x0D; in ://'], ['&#x0A', 'scheme', '&#x0A in scheme'], ['&#X9', 'host', '&#X9 in host'],
  ['&#0013;', 'host', '&#0013; in host'],
]) v('ws-inside', name, (s) => s.insertIn(where, raw, /^&#[xX]/.test(raw) && !raw.endsWith(';') ? 'hex' : /^&#\d/.test(raw) && !raw.endsWith(';') ? 'dec' : null), { stage: 3 });
v('ws-inside', 'raw tabs in 4 places', (s) => { for (let k = 0; k < 4; k += 1) s.insertIn(pick(['scheme', 'sep', 'host', 'path']), '\t'); }, { stage: 3 });

// Leading / trailing spaces and C0 controls (stripped by the URL parser), and look-alikes that are not.
for (const [where, raw, name] of [
  ['lead', '   ', 'leading spaces'], ['tail', '   ', 'trailing spaces'], ['lead', '\t\n \r\n', 'leading tab/LF/CR'],
  ['tail', '\n\t', 'trailing LF/tab'], ['lead', '\x01', 'leading raw U+0001'], ['lead', '\x1f\x1e', 'leading raw U+001F U+001E'],
  ['tail', '\x08', 'trailing raw U+0008'], ['lead', '\x0b', 'leading raw VT'], ['lead', '\x0c', 'leading raw FF'],
  ['lead', '&#1;', 'leading &#1;'], ['lead', '&#x1F', 'leading &#x1F'], ['lead', '&#32;&#32;', 'leading &#32;'],
  ['lead', '&#x20', 'leading &#x20'], ['tail', '&#x0C;', 'trailing &#x0C;'], ['tail', '&#1', 'trailing &#1'],
  ['lead', ' \x01\t\x02 ', 'leading mixed spaces and controls'], ['lead', '\0', 'leading raw NUL (U+FFFD, not stripped)'],
  ['lead', '&#x7F;', 'leading DEL (not stripped)'], ['lead', '&#0;', 'leading &#0; (U+FFFD, not stripped)'],
]) v('edge-ws-c0', name, (s) => (where === 'lead' ? s.lead(raw) : s.tail(raw)), { stage: 3, combo: !raw.includes('\0') && !raw.includes('7F') && !raw.includes('#0;') });

// Backslashes.
const bs = (s) => { for (const i of s.at('path', (c) => c === '/')) s.ps[i].raw = '\\'; };
v('backslash', 'https:\\\\host\\path', (s) => { s.set('sep', ':\\\\', true); bs(s); }, { stage: 1 });
v('backslash', 'https:/\\host', (s) => s.set('sep', ':/\\', true), { stage: 1 });
v('backslash', 'https:\\/host', (s) => s.set('sep', ':\\/', true), { stage: 1 });
v('backslash', 'https:\\\\\\\\host (4)', (s) => s.set('sep', ':\\\\\\\\', true), { stage: 1 });
v('backslash', '\\\\host\\path (scheme-relative)', (s) => { s.set('scheme', ''); s.set('sep', '\\\\', true); bs(s); }, { stage: 1 });
v('backslash', '/\\host', (s) => { s.set('scheme', ''); s.set('sep', '/\\', true); }, { stage: 1 });
v('backslash', '\\/host', (s) => { s.set('scheme', ''); s.set('sep', '\\/', true); }, { stage: 1 });
v('backslash', '&bsol;&bsol;host (scheme-relative)', (s) => { s.set('scheme', ''); s.set('sep', '&bsol;&bsol;', true); }, { stage: 1 });
v('backslash', 'https:&#92;&#92;host', (s) => s.set('sep', ':&#92;&#92;', true), { stage: 1 });
v('backslash', 'https:&#x5C&#x5Chost', (s) => s.set('sep', ':&#x5C&#x5C', true), { stage: 1 });
v('backslash', 'backslashes in path only', bs, { stage: 1 });

// Schemes and slashes.
for (const [scheme, sep, name, combo = true] of [
  ['HTTPS', '://', 'HTTPS://'], ['HtTpS', '://', 'HtTpS://'], ['https', ':', 'https:host (no slashes)'],
  ['https', ':/', 'https:/host'], ['https', ':///', 'https:///host'], ['https', ':////', 'https:////host'],
  ['', '//', '//host (scheme-relative)'], ['', '///', '///host'], ['http', '://', 'http://host'],
  ['http', ':\\\\', 'http:\\\\host (same scheme as the page)'], ['http', ':/\\', 'http:/\\host (same scheme as the page)'],
  ['http', ':', 'http:host (same scheme: relative, first party)', false], ['HTTP', ':', 'HTTP:host (relative, first party)', false],
  ['http', ':/', 'http:/host (relative, first party)', false],
]) v('scheme', name, (s) => { s.set('scheme', scheme); s.set('sep', sep); }, { stage: 1, combo });

// Host case, dots, percent-encoding, IDNA.
v('host-case', 'UPPER host', (s) => setHost(s, (c) => c.toUpperCase()), { stage: 1 });
v('host-case', 'MiXeD host', (s) => setHost(s, (c) => (rand() < 0.5 ? c.toUpperCase() : c)), { stage: 1 });
v('host-case', 'UPPER scheme and host', (s) => { s.set('scheme', 'HTTPS'); setHost(s, (c) => c.toUpperCase()); }, { stage: 1 });
v('host-dot', 'trailing dot', (s) => s.set('host', `${s.text('host')}.`), { stage: 1 });
v('host-dot', 'trailing dot and :443', (s) => { s.set('host', `${s.text('host')}.`); s.set('port', ':443'); }, { stage: 1 });
v('host-dot', 'two trailing dots', (s) => s.set('host', `${s.text('host')}..`), { stage: 1 });
v('host-dot', 'leading dot', (s) => s.set('host', `.${s.text('host')}`), { stage: 1 });
const pctHost = (s, pred, lower = false) => {
  const h = [...s.text('host')].map((c) => (pred(c) ? (lower ? pct(c).toLowerCase() : pct(c)) : c)).join('');
  s.set('host', h);
};
v('host-pct', '%2D for - (or %2E for .)', (s) => pctHost(s, s.text('host').includes('-') ? (c) => c === '-' : (c) => c === '.'), { stage: 1 });
v('host-pct', '%77 for the first letter', (s) => { const h = s.text('host'); s.set('host', pct(h[0]) + h.slice(1)); }, { stage: 1 });
v('host-pct', '%2E dots', (s) => pctHost(s, (c) => c === '.'), { stage: 1 });
v('host-pct', '%2e dots (lowercase hex)', (s) => pctHost(s, (c) => c === '.', true), { stage: 1 });
v('host-pct', 'every byte', (s) => pctHost(s, () => true), { stage: 1 });
v('host-pct', '%EF%BC%8E (fullwidth dot, UTF-8)', (s) => setHost(s, (c) => (c === '.' ? '%EF%BC%8E' : c)), { stage: 1 });
v('host-pct', '%C2%AD (soft hyphen) in a label', (s) => insertInLabel(s, '%C2%AD'), { stage: 1 });
v('host-pct', '&percnt;2E for dots', (s) => { for (const i of s.at('host', (c) => c === '.')) { s.ps[i].raw = '&percnt;2E'; s.ps[i].lock = true; } }, { stage: 1 });
v('host-pct', '&#37;2D / &#37;2E', (s) => { for (const i of s.at('host', (c) => c === '.' || c === '-')) { s.ps[i].raw = `&#37;${c2(s.ps[i].ch)}`; s.ps[i].lock = true; } }, { stage: 1 });
v('host-pct', '%252E (double-encoded)', (s) => setHost(s, (c) => (c === '.' ? '%252E' : c)), { stage: 1, combo: false });
function c2(c) { return c.charCodeAt(0).toString(16).toUpperCase(); }
v('idna', 'fullwidth host', (s) => setHost(s, fullwidth), { stage: 1 });
v('idna', 'fullwidth UPPER host', (s) => setHost(s, (c) => fullwidth(c.toUpperCase())), { stage: 1 });
v('idna', 'U+3002 dots', (s) => setHost(s, (c) => (c === '.' ? '\u3002' : c)), { stage: 1 });
v('idna', 'U+FF0E dots', (s) => setHost(s, (c) => (c === '.' ? '\uff0e' : c)), { stage: 1 });
v('idna', 'U+FF61 dots', (s) => setHost(s, (c) => (c === '.' ? '\uff61' : c)), { stage: 1 });
v('idna', '&#xFF0E; dots', (s) => { for (const i of s.at('host', (c) => c === '.')) { s.ps[i].raw = '&#xFF0E;'; s.ps[i].lock = true; } }, { stage: 1 });
v('idna', 'raw soft hyphen U+00AD in a label', (s) => insertInLabel(s, '\u00ad'), { stage: 3 });
v('idna', '&#xAD; in a label', (s) => insertInLabel(s, '&#xAD;'), { stage: 3 });
v('idna', 'U+200B zero width space in a label', (s) => insertInLabel(s, '\u200b'), { stage: 3 });
v('idna', 'U+2060 word joiner in a label', (s) => insertInLabel(s, '\u2060'), { stage: 3 });
v('idna', 'U+FEFF in a label', (s) => insertInLabel(s, '&#xFEFF;'), { stage: 3 });
v('idna', 'U+FE0F variation selector in a label', (s) => insertInLabel(s, '\ufe0f'), { stage: 3 });
v('idna', 'Kelvin sign U+212A for k', (s) => setHost(s, (c) => (c === 'k' ? '\u212a' : c)), { stage: 1, want: (h) => h.includes('k') });
v('idna', 'roman numeral U+217D for c', (s) => setHost(s, (c) => (c === 'c' ? '\u217d' : c)), { stage: 1, want: (h) => h.includes('c') });
v('idna', 'mathematical bold letters', (s) => setHost(s, mathBold), { stage: 1 });
v('idna', 'circled letters', (s) => setHost(s, circled), { stage: 1 });
v('idna', 'fullwidth letters as &#xFFnn;', (s) => { setHost(s, fullwidth); s.encAll('host', 'hex', true); }, { stage: 1 });

// Userinfo, ports.
v('userinfo', 'x@', (s) => s.set('userinfo', 'x@'), { stage: 1 });
v('userinfo', 'user:pass@', (s) => s.set('userinfo', 'user:pass@'), { stage: 1 });
v('userinfo', ':@', (s) => s.set('userinfo', ':@'), { stage: 1 });
v('userinfo', '@ alone', (s) => s.set('userinfo', '@'), { stage: 1 });
v('userinfo', 'other-host@', (s, c) => s.set('userinfo', `${c.other.host}@`), { stage: 1 });
v('userinfo', 'other-host:443@', (s, c) => s.set('userinfo', `${c.other.host}:443@`), { stage: 1 });
v('userinfo', 'a@other-host@', (s, c) => s.set('userinfo', `a@${c.other.host}@`), { stage: 1 });
v('userinfo', 'x&commat;', (s) => s.set('userinfo', 'x&commat;', true), { stage: 1 });
v('userinfo', 'other-host&#64 (nosemi)', (s, c) => s.set('userinfo', `${c.other.host}&#64`, true), { stage: 1 });
v('userinfo', 'x%40 (not a separator)', (s) => s.set('userinfo', 'x%40'), { stage: 1, combo: false });
for (const [port, name] of [[':443', ':443'], [':0443', ':0443'], [':000443', ':000443'], [':8443', ':8443'], [':', 'empty port'],
  [':65536', ':65536 (invalid)'], ['&colon;443', '&colon;443'], [':&#52;43', ':&#52;43']]) {
  v('port', name, (s) => s.set('port', port, port.includes('&')), { stage: 1, combo: !port.includes('65536') });
}
v('port', 'http://host:80', (s) => { s.set('scheme', 'http'); s.set('port', ':80'); }, { stage: 1 });

// Quoting and fragments.
v('quoting', 'single-quoted', () => {}, { quote: "'", combo: false });
v('quoting', 'unquoted', () => {}, { quote: '', combo: false });
v('quoting', 'unquoted, dots as &#46', (s) => s.encAll('host', 'dec', false, (c) => c === '.'), { quote: '', combo: false });
v('fragment', '#@other-host after the marker', (s, c) => s.set('frag', `#@${c.other.host}/`), { stage: 1 });
v('fragment', '#https://other-host/ after the marker', (s, c) => s.set('frag', `#https://${c.other.host}/x`), { stage: 1 });
v('fragment', 'path holds https://other-host/', (s, c) => s.set('path', `/r/https://${c.other.host}${s.text('path')}`), { stage: 1 });

// ---------------------------------------------------------------------- the generator --

const KINDS = [['img', 24], ['img-srcset', 9], ['script', 10], ['iframe', 4], ['preload', 8], ['prefetch', 4], ['stylesheet', 8],
  ['picture', 8], ['poster', 6], ['input', 5], ['embed', 4], ['object', 4]];
const KIND_BAG = KINDS.flatMap(([k, w]) => Array(w).fill(k));

/** The element loading `val` (raw attribute text) as `kind`. */
function render(kind, val, quote = '"') {
  const a = (n) => `${n}=${quote}${val}${quote}`;
  switch (kind) {
    case 'img': return `<img ${a('src')} alt="" width="1" height="1">`;
    case 'img-srcset': return `<img ${a('srcset')} alt="" width="1" height="1">`;
    case 'script': return `<script ${a('src')}${rand() < 0.5 ? ' async' : ''}></script>`;
    case 'iframe': return `<iframe ${a('src')} width="1" height="1"></iframe>`;
    case 'preload': return `<link rel="preload" as="image" ${a('href')} >`;
    case 'prefetch': return `<link rel="prefetch" ${a('href')} >`;
    case 'stylesheet': return `<link rel="stylesheet" ${a('href')} >`;
    case 'picture': return `<picture><source ${a('srcset')} ><img alt="" width="1" height="1"></picture>`;
    case 'poster': return `<video ${a('poster')} width="1" height="1"></video>`;
    case 'input': return `<input type="image" ${a('src')} alt="i" width="1" height="1">`;
    case 'embed': return `<embed ${a('src')} type="image/gif" width="1" height="1">`;
    case 'object': return `<object ${a('data')} type="image/gif" width="1" height="1"></object>`;
    default: throw new Error(kind);
  }
}
const srcsetKind = (k) => k === 'img-srcset' || k === 'picture';

let nextMarker = 1;
const items = []; // { id, page, family, variant, kind, intent, html, markers: [{ id, note }] }
function add(page, family, variant, kind, intent, html, markers) {
  const it = { page, family, variant, kind, intent, html, markers };
  items.push(it);
  return it;
}

function spelled(vr, t, other, kind) {
  const m = nextMarker++;
  const s = urlOf(t, m);
  for (const step of Array.isArray(vr) ? vr : [vr]) step.fn(s, { t, other });
  let val = s.html();
  // srcset: a lone candidate, half of the time with a density descriptor.
  if (srcsetKind(kind) && rand() < 0.5) val += ' 1x';
  const quote = (Array.isArray(vr) ? vr : [vr]).find((x) => x.quote !== undefined)?.quote ?? '"';
  const q = quote === '' && /[\s"'<>`]/.test(val) ? '"' : quote;
  return { m, html: render(kind, val, q) };
}

function generateMain() {
  const pages = { 'main-1': [], 'main-2': [] };
  const put = (it) => {
    it.page = pages['main-1'].length <= pages['main-2'].length ? 'main-1' : 'main-2';
    pages[it.page].push(it.html);
  };
  // Every variant: 3 tracker hosts and 1 non-tracker host.
  for (const vr of V) {
    const want = vr.want || (() => true);
    const ts = sample(TRACKERS.filter((t) => want(t.host)), 3);
    const bs = sample(BENIGN.filter((b) => want(b.host)), 1);
    for (const t of [...ts, ...bs]) {
      const isT = TRACKERS.includes(t);
      const other = isT ? pick(BENIGN) : pick(TRACKERS);
      const kind = pick(KIND_BAG);
      const { m, html } = spelled(vr, t, other, kind);
      const it = add(null, vr.family, vr.name, kind, isT ? 'tracker' : 'benign', html, [{ id: String(m) }]);
      put(it);
    }
  }
  // Combinations: 2-3 composable variants from different families, in stage order.
  const pool = V.filter((x) => x.combo);
  for (let n = 0; n < 140; n += 1) {
    const chosen = [];
    while (chosen.length < 2 + int(2)) {
      const x = pick(pool);
      if (!chosen.some((c) => c.family === x.family)) chosen.push(x);
    }
    chosen.sort((a, b) => a.stage - b.stage);
    const isT = rand() < 0.75;
    const want = (h) => chosen.every((c) => !c.want || c.want(h));
    const cands = (isT ? TRACKERS : BENIGN).filter((t) => want(t.host));
    if (!cands.length) continue;
    const t = pick(cands);
    const other = isT ? pick(BENIGN) : pick(TRACKERS);
    const kind = pick(KIND_BAG);
    const { m, html } = spelled(chosen, t, other, kind);
    const it = add(null, 'combo', chosen.map((c) => `${c.family}: ${c.name}`).join(' + '), kind, isT ? 'tracker' : 'benign', html, [{ id: String(m) }]);
    put(it);
  }
  // srcset lists and <picture> selection: each candidate has its own marker (mk=N_k).
  const cand = (t, id, k) => urlOf(t, `${id}_${k}`).html();
  const T = () => pick(TRACKERS);
  const B = () => pick(BENIGN);
  const SRCSET = [
    ['tracker 1x, benign 2x', (id) => `${cand(T(), id, 1)} 1x, ${cand(B(), id, 2)} 2x`],
    ['benign 1x, tracker 2x', (id) => `${cand(B(), id, 1)} 1x, ${cand(T(), id, 2)} 2x`],
    ['w descriptors + sizes', (id) => [`${cand(T(), id, 1)} 300w, ${cand(T(), id, 2)} 1200w`, ' sizes="100vw"']],
    ['commas inside the URL', (id) => `${cand(T(), id, 1).replace('?', '?a=1,2,3&amp;')} 1x`],
    ['tracker,benign without spaces (one URL)', (id) => `${cand(T(), id, 1)},${cand(B(), id, 2)}`],
    ['benign,tracker without spaces (one URL)', (id) => `${cand(B(), id, 1)},${cand(T(), id, 2)}`],
    ['leading commas and whitespace', (id) => `, ,\n\t ${cand(T(), id, 1)} 1x`],
    ['trailing commas', (id) => `${cand(T(), id, 1)},, ${cand(B(), id, 2)} 2x`],
    ['tab/LF separators', (id) => `${cand(T(), id, 1)}\t1x,\n${cand(B(), id, 2)}\t2x`],
    ['&#32; and &#44; separators', (id) => `${cand(T(), id, 1)}&#32;1x&#44;&#32;${cand(B(), id, 2)}&#32;2x`],
    ['&comma; &Tab; separators', (id) => `${cand(B(), id, 1)}&Tab;2x&comma;&Tab;${cand(T(), id, 2)}&Tab;1x`],
    ['&#44 / &#32 without ;', (id) => `${cand(T(), id, 1)}&#32 1x&#44 ${cand(B(), id, 2)} 2x`],
    ['duplicate 1x: the first wins (benign)', (id) => `${cand(B(), id, 1)}, ${cand(T(), id, 2)} 1x`],
    ['duplicate 1x: the first wins (tracker)', (id) => `${cand(T(), id, 1)}, ${cand(B(), id, 2)} 1x`],
    ['invalid descriptor drops the tracker', (id) => `${cand(T(), id, 1)} 1q, ${cand(B(), id, 2)} 1x`],
    ['data: candidate, then tracker 2x', (id) => `data:image/gif;base64,R0lGODlhAQABAAAAACw= 1x, ${cand(T(), id, 2)} 2x`],
    ['tracker 0.5x, benign 1x', (id) => `${cand(T(), id, 1)} 0.5x, ${cand(B(), id, 2)} 1x`],
    ['tracker 1x with dots as &#46', (id) => `${cand(T(), id, 1).replace(/\./g, '&#46')} 1x`],
  ];
  for (const [name, f] of SRCSET) {
    for (const kind of ['img-srcset', 'picture']) {
      const id = nextMarker++;
      const r = f(id);
      const [val, extra] = Array.isArray(r) ? r : [r, ''];
      const html = kind === 'picture'
        ? `<picture><source srcset="${val}"${extra}><img alt="" width="1" height="1"></picture>`
        : `<img srcset="${val}"${extra} alt="" width="1" height="1">`;
      const n = (val.match(/mk=/g) || []).length;
      const it = add(null, 'srcset', name, kind, 'mixed', html, Array.from({ length: n }, (_, k) => ({ id: `${id}_${k + 1}` })));
      put(it);
    }
  }
  // src + srcset, <picture> source selection.
  const PICS = [
    ['img src=benign srcset=tracker (srcset wins)', (id) => `<img src="${cand(B(), id, 1)}" srcset="${cand(T(), id, 2)} 1x" alt="" width="1" height="1">`],
    ['img src=tracker srcset=benign (srcset wins)', (id) => `<img src="${cand(T(), id, 1)}" srcset="${cand(B(), id, 2)} 1x" alt="" width="1" height="1">`],
    ['picture: first matching source (tracker)', (id) => `<picture><source srcset="${cand(T(), id, 1)}" media="(min-width: 1px)"><source srcset="${cand(B(), id, 2)}"><img src="${cand(B(), id, 3)}" alt="" width="1" height="1"></picture>`],
    ['picture: media excludes the benign source', (id) => `<picture><source srcset="${cand(B(), id, 1)}" media="(max-width: 1px)"><source srcset="${cand(T(), id, 2)}"><img src="${cand(B(), id, 3)}" alt="" width="1" height="1"></picture>`],
    ['picture: unknown type skips the tracker source', (id) => `<picture><source srcset="${cand(T(), id, 1)}" type="image/x-unknown"><source srcset="${cand(B(), id, 2)}"><img alt="" width="1" height="1"></picture>`],
    ['picture: benign source, tracker img fallback', (id) => `<picture><source srcset="${cand(B(), id, 1)}"><img src="${cand(T(), id, 2)}" alt="" width="1" height="1"></picture>`],
  ];
  for (const [name, f] of PICS) {
    for (let rep = 0; rep < 2; rep += 1) {
      const id = nextMarker++;
      const html = f(id);
      const n = (html.match(/mk=/g) || []).length;
      const it = add(null, 'srcset', name, 'picture', 'mixed', html, Array.from({ length: n }, (_, k) => ({ id: `${id}_${k + 1}` })));
      put(it);
    }
  }
  // First-party relative URLs, some of which look like tracker URLs.
  const FIRST = [
    ['/fp/a.gif', '/fp/a.gif?'], ['fp.gif', 'fp.gif?'], ['./fp.gif', './fp.gif?'], ['../fp.gif', '../fp.gif?'],
    ['?query only', '?x=1&amp;'], ['/www.google-analytics.com/collect', '/www.google-analytics.com/collect?'],
    ['/redirect?u=https://connect.facebook.net/x.js', '/redirect?u=https://connect.facebook.net/x.js&amp;'],
    ['fp/https://www.facebook.com/tr', 'fp/https://www.facebook.com/tr?'], ['&sol;fp&sol;b.gif', '&sol;fp&sol;b.gif?'],
    ['&#47fp&#47c.gif', '&#47fp&#47c.gif?'], ['%2F%2Fwww.google-analytics.com/x (encoded slashes: a path)', '%2F%2Fwww.google-analytics.com/x?'],
    ['\\fp\\d.gif', '\\fp\\d.gif?'],
  ];
  for (const [name, raw] of FIRST) {
    for (let rep = 0; rep < 2; rep += 1) {
      const m = nextMarker++;
      const kind = pick(KIND_BAG);
      const html = render(kind, `${raw}mk=${m}`);
      const it = add(null, 'first-party', name, kind, 'first', html, [{ id: String(m) }]);
      put(it);
    }
  }
  return pages;
}

// <base href>: one page per base; relative URLs resolve against it.
const BASES = [
  ['tracker', 'https://www.google-analytics.com/b/'],
  ['tracker, named refs', 'https&colon;&sol;&sol;www&period;google-analytics&period;com&sol;b&sol;'],
  ['tracker, refs without ;', 'https&#58//www&#46google-analytics&#46com&#47b&#47'],
  ['tracker, UPPER + backslashes', 'HTTPS:\\\\WWW.GOOGLE-ANALYTICS.COM\\b\\'],
  ['tracker, scheme-relative + %2D', '//www.google%2Danalytics.com/b/'],
  ['tracker, leading whitespace + tab inside', ' \t\nhttps://connect.face\tbook.net/b/'],
  ['tracker, fullwidth host', 'https://ｃｏｎｎｅｃｔ．ｆａｃｅｂｏｏｋ．ｎｅｔ/b/'],
  ['tracker, userinfo with a benign name', 'https://cdn.jsdelivr.net@bat.bing.com/b/'],
  ['benign', 'https://cdn.jsdelivr.net/b/'],
  ['benign, refs without ;', 'https&#58//cdn&#46jsdelivr&#46net&#47b&#47'],
  ['benign, userinfo with a tracker name', 'https://www.google-analytics.com@cdn.jsdelivr.net/b/'],
  ['first-party directory', '/sub/dir/'],
  ['two bases: benign first', ['https://cdn.jsdelivr.net/b/', 'https://www.google-analytics.com/b/']],
  ['two bases: tracker first', ['https://bat.bing.com/b/', 'https://cdn.jsdelivr.net/b/']],
  ['first <base> has no href', [null, 'https://snap.licdn.com/b/']],
  ['tracker base late in <body>', 'https://static.hotjar.com/b/', true],
];
const RELATIVE = [
  ['path-relative', 'px.gif?'], ['./', './px.gif?'], ['../', '../px.gif?'], ['root-relative', '/px.gif?'], ['query only', '?'],
  ['&#46; in path', 'px&#46;gif?'], ['&sol; root-relative', '&sol;px.gif?'],
  ['&#47&#47 scheme-relative benign', '&#47&#47cdn.jsdelivr.net/b.gif?'], ['&#47&#47 scheme-relative tracker', '&#47&#47www.google-analytics.com/collect?'],
  ['\\ root-relative', '\\px.gif?'], ['\\\\ scheme-relative benign', '\\\\cdn.jsdelivr.net\\b.gif?'],
  ['https:px.gif', 'https:px.gif?'], ['http:px.gif', 'http:px.gif?'], ['leading space+tab', ' \tpx.gif?'], ['tab inside', 'p\tx.gif?'],
  ['absolute benign', 'https://ajax.googleapis.com/a.gif?'], ['absolute tracker', 'https://connect.facebook.net/x.gif?'],
  ['scheme-relative tracker', '//bat.bing.com/action/0?'],
];
function generateBases() {
  const pages = {};
  BASES.forEach(([name, href, late], bi) => {
    const page = `base-${bi + 1}`;
    const baseTags = (Array.isArray(href) ? href : [href]).map((h) => (h === null ? '<base target="_self">' : `<base href="${h}">`)).join('');
    const body = [];
    RELATIVE.forEach(([rname, raw], ri) => {
      const m = nextMarker++;
      const kind = pick(KIND_BAG);
      const html = render(kind, `${raw}mk=${m}`);
      add(page, 'base', `<base> ${name} | ${rname}`, kind, 'base', `${baseTags} … ${html}`, [{ id: String(m) }]);
      body.push(html);
      if (late && ri === 5) body.push(baseTags);
    });
    pages[page] = { head: late ? '' : baseTags, body };
  });
  return pages;
}

/** Where the tree builder's namespace and lol_html's simulation of it could part: each page
 *  opens one foreign-content context (unclosed, nested, broken out of), then loads tracker and
 *  benign URLs with HTML and SVG scripts and images. Chromium decides which elements are HTML
 *  and which SVG, so which URLs load. */
const FOREIGN = [
  ['unclosed <svg> closed by </div>', '<div><svg><g></div>'],
  ['<svg><svg> then <img> breakout', '<svg><svg><image href="/i.gif?"/><img src="/px.gif?b=1" alt="">'],
  ['<svg><g><svg> then </p>', '<p>x<svg><g><svg></p>'],
  ['<svg><svg> then <font color>', '<svg><svg><font color="red">x</font>'],
  ['<math><mi><svg><svg> then <b>', '<math><mi><svg><svg><b>x</b>'],
  ['<svg><foreignObject><svg><svg> then <i>', '<svg><foreignObject><svg><svg><i>x</i>'],
  ['<svg><svg></svg>: still SVG', '<svg><svg></svg>'],
  ['<svg><desc><svg></desc>', '<svg><desc><svg></desc>'],
  ['unclosed <math> closed by </span>', '<span><math><mrow></span>'],
];
function generateForeign() {
  const pages = {};
  FOREIGN.forEach(([name, prefix], fi) => {
    const page = `foreign-${fi + 1}`;
    const body = [prefix];
    const targets = [...TRACKERS.slice(0, 4), BENIGN[0], BENIGN[3]];
    for (const t of targets) {
      for (const kind of ['script', 'svg-script', 'img']) {
        const m = nextMarker++;
        const url = urlOf(t, m).html();
        const html = kind === 'svg-script' ? `<script href="${url}"></script>`
          : kind === 'script' ? `<script src="${url}"></script>` : render('img', url);
        add(page, 'foreign', `${name} | ${kind}`, kind, 'foreign', `${prefix} … ${html}`, [{ id: String(m) }]);
        body.push(html);
      }
    }
    pages[page] = { head: '', body };
  });
  return pages;
}

function pageHtml(title, head, body) {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head>\n<body>\n<h1>${title}</h1>\n${body.join('\n')}\n</body></html>\n`;
}

// --------------------------------------------------------------------------------- origin --

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
function startOrigin(pages) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://origin');
    const name = url.pathname.replace(/^\/p\//, '').replace(/\.html$/, '');
    if (!url.search.includes('mk=') && url.pathname.startsWith('/p/') && pages[name]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(pages[name]);
    }
    const dest = req.headers['sec-fetch-dest'] || '';
    const [type, body] = dest === 'script' ? ['text/javascript', 'void 0;']
      : dest === 'style' ? ['text/css', '']
        : dest === 'iframe' || dest === 'document' ? ['text/html; charset=utf-8', '<!DOCTYPE html><title>fp</title>']
          : ['image/gif', GIF];
    res.writeHead(200, { 'Content-Type': type });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------------- proxy --

function startProxy(originPort) {
  if (!fs.existsSync(BIN)) throw new Error(`proxy binary not found: ${BIN} (build it, or set CONSENT_PROXY_BIN)`);
  const env = { ...process.env };
  for (const k of ['CONSENT_PROXY_CONFIG', 'CONSENT_PROXY_UPSTREAM', 'CONSENT_PROXY_LISTEN', 'CONSENT_PROXY_ADMIN']) delete env[k];
  const child = spawn(BIN, ['--upstream', `http://127.0.0.1:${originPort}`, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], {
    cwd: HERE,
    env: {
      ...env,
      CONSENT_PROXY__AUDIT__SINK: '/dev/null',
      CONSENT_PROXY__LOG__FORMAT: 'json',
      CONSENT_PROXY__SHUTDOWN__DELAY: '0s',
      CONSENT_PROXY__CONSENT__RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`proxy did not start:\n${buf}`)); }, 20_000);
    child.on('exit', (code) => { if (!done) reject(new Error(`proxy exited with ${code}:\n${buf}`)); });
    child.stderr.on('data', (d) => {
      buf = (buf + d).slice(-20_000);
      if (done) return;
      for (const line of buf.split('\n')) {
        if (!line.includes('consent-proxy listening')) continue;
        try {
          const j = JSON.parse(line);
          const f = j.fields || j;
          done = true;
          clearTimeout(timer);
          resolve({ child, url: `http://${f.listen}` });
          return;
        } catch { /* partial line */ }
      }
    });
  });
}

// -------------------------------------------------------------------------------- browser --

/** What a third-party URL gets: an empty answer of the type the element expects. */
function stubFor(req) {
  switch (req.resourceType()) {
    case 'document': return { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>stub</title>' };
    case 'script': return { status: 200, contentType: 'text/javascript', body: 'void 0;' };
    case 'stylesheet': return { status: 200, contentType: 'text/css', body: '' };
    default: return { status: 200, contentType: 'image/gif', body: GIF };
  }
}

/** Loads `url` in a fresh context (no cookies: an undecided visitor); marker -> Set(host). */
async function visit(browser, url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const hits = new Map();
  let last = Date.now();
  ctx.on('request', (r) => {
    last = Date.now();
    const u = r.url();
    const m = MARK_RE.exec(u);
    const h = hostOf(u);
    if (!m || h === null) return;
    if (!hits.has(m[1])) hits.set(m[1], new Set());
    hits.get(m[1]).add(h);
  });
  ctx.on('requestfinished', () => { last = Date.now(); });
  ctx.on('requestfailed', () => { last = Date.now(); });
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    const h = hostOf(req.url());
    try {
      if (h !== null && isLocalHost(h)) await route.continue();
      else if (/^(https?|wss?):/i.test(req.url())) await route.fulfill(stubFor(req));
      else await route.continue();
    } catch { /* page gone */ }
  });
  const page = await ctx.newPage();
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight)).catch(() => {});
  } catch (e) {
    console.log(`  (load of ${url}: ${String(e.message).split('\n')[0]})`);
  }
  const end = Date.now() + 8000;
  while (Date.now() < end && Date.now() - last < 700) await sleep(100);
  await ctx.close();
  return hits;
}

// ----------------------------------------------------------------------------------- main --

let cleanup = () => {};

async function main() {
  const deadline = setTimeout(() => { console.error(`run exceeded ${RUN_DEADLINE_MS / 1000} s`); cleanup(); process.exit(1); }, RUN_DEADLINE_MS);
  const t0 = Date.now();
  const main = generateMain();
  const bases = generateBases();
  const pages = {};
  for (const [name, body] of Object.entries(main)) pages[name] = pageHtml(`url oracle ${name} (seed ${SEED})`, '', body);
  for (const [name, p] of Object.entries(bases)) pages[name] = pageHtml(`url oracle ${name} (seed ${SEED})`, p.head, p.body);
  for (const [name, p] of Object.entries(generateForeign())) pages[name] = pageHtml(`url oracle ${name} (seed ${SEED})`, p.head, p.body);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(ARTIFACTS, `${name}.html`), html);

  const origin = await startOrigin(pages);
  const originPort = origin.address().port;
  const proxy = ORACLE_ONLY ? null : await startProxy(originPort);
  cleanup = () => { try { proxy?.child.kill('SIGKILL'); } catch { /* gone */ } origin.close(); };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  const direct = new Map();
  const proxied = new Map();
  const names = Object.keys(pages).filter((n) => !ONLY_PAGES || ONLY_PAGES.includes(n));
  // Two pages at a time (direct and proxied loads of one page run side by side).
  const queue = [...names];
  const emptyPages = [];
  async function worker() {
    for (;;) {
      const name = queue.shift();
      if (!name) return;
      const [d, p] = await Promise.all([
        visit(browser, `http://127.0.0.1:${originPort}/p/${name}.html`),
        proxy ? visit(browser, `${proxy.url}/p/${name}.html`) : new Map(),
      ]);
      for (const [k, hs] of d) direct.set(k, hs);
      for (const [k, hs] of p) proxied.set(k, hs);
      if (d.size === 0 || (proxy && p.size === 0)) emptyPages.push(`${name} (direct ${d.size}, proxied ${p.size} markers)`);
    }
  }
  await Promise.all([worker(), worker()]);
  await browser.close();
  cleanup();
  clearTimeout(deadline);

  // ------------------------------------------------------------------------- verdicts --
  const fams = new Map();
  const fam = (f) => {
    if (!fams.has(f)) fams.set(f, { items: 0, markers: 0, requested: 0, tracker: 0, benign: 0, first: 0, odd: 0, dead: 0, leaks: 0, broken: 0 });
    return fams.get(f);
  };
  const failures = [];
  const notes = [];
  let markers = 0;
  let requested = 0;
  for (const it of items.filter((x) => names.includes(x.page))) {
    const F = fam(it.family);
    F.items += 1;
    for (const mk of it.markers) {
      markers += 1;
      F.markers += 1;
      const D = [...(direct.get(mk.id) || [])];
      const P = [...(proxied.get(mk.id) || [])];
      const dc = D.map(classify);
      const pThird = P.filter((h) => classify(h) !== 'first');
      if (D.length) {
        requested += 1;
        F.requested += 1;
        for (const c of new Set(dc)) F[c] += 1;
      }
      if (ORACLE_ONLY) continue;
      const base = { family: it.family, variant: it.variant, kind: it.kind, marker: mk.id, direct: D, proxy: P, html: it.html };
      if (dc.includes('tracker')) {
        if (pThird.length) { F.leaks += 1; failures.push({ type: 'LEAK', ...base }); }
      } else if (D.length) {
        const missing = D.filter((h) => !P.includes(h) && classify(h) !== 'dead');
        if (missing.length) { F.broken += 1; failures.push({ type: `BROKEN(${[...new Set(missing.map(classify))].join(',')})`, ...base }); }
      } else if (P.some((h) => classify(h) === 'tracker')) {
        F.leaks += 1;
        failures.push({ type: 'LEAK(proxy-only)', ...base });
      } else if (pThird.length) {
        notes.push({ type: 'proxy-only request', ...base });
      }
    }
  }

  const pad = (s, n) => String(s).padEnd(n);
  const padl = (s, n) => String(s).padStart(n);
  console.log(`seed ${SEED}: ${items.length} elements, ${markers} spellings (markers) on ${names.length} pages; Chromium requested ${requested} of them directly`);
  console.log('per family: elements, markers, markers Chromium requested directly, by where they went (tracker,');
  console.log('non-tracker CDN, first party, other host, unresolvable name), then failures through the proxy');
  console.log(`${pad('family', 18)}${padl('elems', 6)}${padl('marks', 6)}${padl('req', 5)}${padl('→trk', 6)}${padl('→cdn', 6)}${padl('→1st', 6)}${padl('→odd', 6)}${padl('→dead', 6)}${padl('LEAK', 6)}${padl('BROKE', 6)}`);
  for (const [f, x] of [...fams].sort()) {
    console.log(`${pad(f, 18)}${padl(x.items, 6)}${padl(x.markers, 6)}${padl(x.requested, 5)}${padl(x.tracker, 6)}${padl(x.benign, 6)}${padl(x.first, 6)}${padl(x.odd, 6)}${padl(x.dead, 6)}${padl(x.leaks, 6)}${padl(x.broken, 6)}`);
  }
  for (const e of emptyPages) failures.push({ type: 'PAGE', family: 'page', variant: `no marker requested at all: ${e}`, marker: '-', direct: [], proxy: [], html: '' });
  const leaks = failures.filter((f) => f.type.startsWith('LEAK')).length;
  const broken = failures.filter((f) => f.type.startsWith('BROKEN')).length;
  console.log(`${leaks} leaks, ${broken} broken non-tracker URLs, ${emptyPages.length} pages without any request, ${notes.length} proxy-only requests to non-trackers (info)`);
  const famOrder = [...fams.keys()].sort();
  failures.sort((a, b) => famOrder.indexOf(a.family) - famOrder.indexOf(b.family));
  if (failures.length) console.log('\nfailures by family (hosts requested directly → through the proxy; the element exactly as served):');
  for (const f of failures) {
    console.log(`${f.type} [${f.family}: ${f.variant}] mk=${f.marker} direct=${f.direct.join('|') || '-'} proxy=${f.proxy.join('|') || '-'}\n    ${JSON.stringify(f.html)}`);
  }
  for (const n of notes) console.log(`note: ${n.type} [${n.family}: ${n.variant}] mk=${n.marker} proxy=${n.proxy.join('|')}\n    ${JSON.stringify(n.html)}`);
  fs.writeFileSync(path.join(ARTIFACTS, 'report.json'), JSON.stringify({
    seed: SEED, elements: items.length, markers, requested, families: Object.fromEntries(fams), failures, notes,
    direct: Object.fromEntries([...direct].map(([k, s]) => [k, [...s]])), proxied: Object.fromEntries([...proxied].map(([k, s]) => [k, [...s]])),
  }, null, 1));
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s; pages and report.json in ${path.relative(process.cwd(), ARTIFACTS) || '.'})`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});
