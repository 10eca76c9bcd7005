// Static analysis of a page as a browser would parse it: every URL the markup would make the
// browser load (or connect to) by itself. Runs inside Chromium (`page.evaluate`) on a DOMParser
// document: DOMParser documents have scripting disabled, so `<noscript>` content is parsed as
// markup, as a browser without JavaScript (or a regulator's crawler) sees it. A neutralised
// element (`type="text/plain"`, `data-consent-src`, a moved `rel`) is not loadable and is not
// listed.

/** Runs in the page: `(html, base) → [{ tag, attr, url }]` of loadable references. */
export function loadableRefs([html, base]) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const baseEl = doc.querySelector('base[href]');
  let baseUrl = base;
  try { if (baseEl) baseUrl = new URL(baseEl.getAttribute('href'), base).href; } catch { /* keep */ }
  const out = [];
  const add = (el, attr, raw) => {
    if (raw == null) return;
    const s = String(raw).trim();
    if (!s || /^(data|blob|javascript|about):/i.test(s)) return;
    try { out.push({ tag: el ? el.localName : 'style', attr, url: new URL(s, baseUrl).href }); } catch { /* unparsable: nothing loads */ }
  };
  const srcset = (el, attr) => {
    const v = el.getAttribute(attr);
    if (!v) return;
    for (const part of v.split(',')) add(el, attr, part.trim().split(/\s+/)[0]);
  };
  const jsTypes = ['', 'text/javascript', 'application/javascript', 'module', 'text/ecmascript', 'application/ecmascript', 'text/jscript', 'application/x-javascript'];
  for (const el of doc.querySelectorAll('script[src]')) {
    const type = (el.getAttribute('type') || '').trim().toLowerCase();
    if (jsTypes.includes(type)) add(el, 'src', el.getAttribute('src'));
  }
  for (const el of doc.querySelectorAll('img')) { add(el, 'src', el.getAttribute('src')); srcset(el, 'srcset'); }
  for (const el of doc.querySelectorAll('source')) { add(el, 'src', el.getAttribute('src')); srcset(el, 'srcset'); }
  for (const el of doc.querySelectorAll('iframe[src], frame[src]')) { if (!el.hasAttribute('srcdoc')) add(el, 'src', el.getAttribute('src')); }
  for (const el of doc.querySelectorAll('video, audio')) { add(el, 'src', el.getAttribute('src')); add(el, 'poster', el.getAttribute('poster')); }
  for (const el of doc.querySelectorAll('embed[src]')) add(el, 'src', el.getAttribute('src'));
  for (const el of doc.querySelectorAll('object[data]')) add(el, 'data', el.getAttribute('data'));
  for (const el of doc.querySelectorAll('input[type=image i][src]')) add(el, 'src', el.getAttribute('src'));
  for (const el of doc.querySelectorAll('a[ping], area[ping]')) for (const p of el.getAttribute('ping').split(/\s+/)) add(el, 'ping', p);
  const rels = ['preconnect', 'dns-prefetch', 'preload', 'prefetch', 'modulepreload', 'prerender', 'stylesheet', 'icon'];
  for (const el of doc.querySelectorAll('link[href][rel]')) {
    const r = el.getAttribute('rel').toLowerCase().split(/\s+/);
    if (r.some((x) => rels.includes(x))) add(el, 'href', el.getAttribute('href'));
  }
  const cssUrls = (el, attr, text) => {
    const re = /url\(\s*(['"]?)(.*?)\1\s*\)/g;
    let m;
    while ((m = re.exec(text))) add(el, attr, m[2]);
    const im = /@import\s+(['"])(.*?)\1/g;
    while ((m = im.exec(text))) add(el, attr, m[2]);
  };
  for (const el of doc.querySelectorAll('[style]')) cssUrls(el, 'style', el.getAttribute('style'));
  for (const el of doc.querySelectorAll('style')) cssUrls(el, 'css', el.textContent);
  return out;
}

/**
 * Runs in the page: the site's own scripts the served markup leaves inert (`type="text/plain"` or a
 * moved `src`), with the `data-site-ok-*` markers their code would have set.
 */
export function inertSiteCode([html, base]) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out = [];
  for (const el of doc.querySelectorAll('script[type="text/plain"], script[data-consent-src]')) {
    const src = el.getAttribute('src') || el.getAttribute('data-consent-src') || '';
    let local = !src;
    try { local = local || new URL(src, base).hostname === '127.0.0.1'; } catch { /* not a URL */ }
    if (!local) continue;
    const markers = [...new Set((el.textContent.match(/data-site-ok-[a-z0-9-]+/g) || []).map((m) => m.slice(13)))];
    out.push({ src, markers, category: el.getAttribute('data-consent-category'), provider: el.getAttribute('data-consent-provider'),
      head: el.textContent.trim().slice(0, 60) });
  }
  return out;
}

/** Host + path + query of a URL: what identifies a resource whatever its scheme. */
export function staticKey(url) {
  const u = new URL(url);
  return u.hostname.toLowerCase() + u.pathname + u.search;
}

/** Host + path: what identifies a request made by a script (its query is built at run time). */
export function requestKey(url) {
  const u = new URL(url);
  return u.hostname.toLowerCase() + u.pathname;
}
