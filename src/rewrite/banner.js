/* consent-proxy banner.js — the browser side of consent-proxy.
 *
 * Served as /__consent/banner.js?v=<hash> with `window.__consentProxyRules = {...};` prepended,
 * and loaded synchronously first in <head>, so everything in part 1 exists before any of the
 * page's own scripts run. The server has already removed refused Set-Cookies, made tracker
 * elements inert (type="text/plain", URLs in data-consent-*) and injected a banner that works
 * without JavaScript (a plain form POST to /__consent). This script adds:
 *
 *   1. the client guard: trackers of refused categories that other scripts insert later never
 *      load (attribute setters, insertion methods, HTML-string APIs, a MutationObserver), their
 *      beacons, fetches and XHRs are dropped, and refused cookies are not written;
 *   2. queueing stubs (fbq, ttq.track, _hsq, ...) so the site's own code never throws, replayed
 *      into the vendor's code once its category is granted;
 *   3. the banner enhancement: decisions posted as JSON, granted elements activated without a
 *      reload, a `consent:change` event and a Google Consent Mode update, the shield, keyboard
 *      and focus handling. A withdrawal reloads the page: scripts that already ran cannot be
 *      unloaded.
 *
 * Plain ES2018, no dependencies. It must never throw into the page: every hook falls back to the
 * browser's own behaviour if our check fails. No JavaScript animations (banner.css honours
 * prefers-reduced-motion for its only transition).
 */
(function () {
  "use strict";
  var W = window, D = document;
  if (W.__consentProxyLoaded) return; // loaded twice (an SPA re-inserting it): once is enough
  W.__consentProxyLoaded = true;

  var RULES = W.__consentProxyRules && typeof W.__consentProxyRules === "object" ? W.__consentProxyRules : null;
  var ME = D.currentScript || D.getElementById("consent-proxy-script");
  var DS = (ME && ME.dataset) || {};
  // Without the state attributes we cannot know what the server allowed: do nothing at all
  // (stubs could even stop a granted vendor's loader, which bails out when its global exists).
  if (DS.granted === undefined) return;

  var EP = Element.prototype, NP = Node.prototype;
  var getA = EP.getAttribute, setA = EP.setAttribute, remA = EP.removeAttribute, hasA = EP.hasAttribute;
  var createEl = D.createElement;
  var nativeFetch = W.fetch;
  var slice = Array.prototype.slice;
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function report(e) { try { console.warn("consent-proxy:", e); } catch (_) { /* no console */ } }

  /* ---------------------------------------------------------------- state and categories -- */

  var CATS = (RULES && Array.isArray(RULES.categories)) ? RULES.categories : [];
  var declared = Object.create(null); // id -> necessary?
  CATS.forEach(function (c) { if (c && c.id) declared[c.id] = !!c.necessary; });
  var state = {
    decided: DS.decided === "1",
    gpc: DS.gpc === "1",
    lang: DS.lang || D.documentElement.lang || "en",
    granted: Object.create(null),
  };
  function setGranted(ids) {
    state.granted = Object.create(null);
    state.granted.necessary = true;
    Object.keys(declared).forEach(function (id) { if (declared[id]) state.granted[id] = true; });
    ids.forEach(function (id) { if (id) state.granted[id] = true; });
  }
  setGranted(String(DS.granted).split(/\s+/));

  // html.cache_mode = "shared": the page is the same for everyone, rendered as for a visitor who
  // has not decided. The visitor's own decision is in the consent cookie: read it here, before
  // the guard is installed. (The server still enforces cookies on every request; this only
  // decides what runs in this browser, so a visitor can only ever "forge" consent for themself.)
  var SHARED = DS.shared === "1";
  if (SHARED && RULES) {
    state.gpc = !!navigator.globalPrivacyControl;
    var cookieName = RULES.consentCookie || "consent";
    D.cookie.split(";").forEach(function (c) {
      var i = c.indexOf("=");
      if (i < 0 || c.slice(0, i).trim() !== cookieName) return;
      var p = c.slice(i + 1).trim().replace(/^"|"$/g, "").split(".");
      if ((p.length === 5 || p.length === 7) && p[0] === "1" && p[1] === String(RULES.revision)) {
        state.decided = true;
        setGranted(p[4].split("~"));
      }
    });
  }

  /** Whether category `c` is refused now. Undeclared categories can never be granted. */
  function refused(c) {
    return !!c && c !== "none" && c !== "necessary" && !state.granted[c] && !declared[c];
  }
  /** The id written in data-consent-category for a refused rule category (server's choice). */
  function markId(c) { return c in declared ? c : ("marketing" in declared ? "marketing" : c); }

  /* ------------------------------------------------------------------- URL classification -- */

  // host -> {e: exact-host category, s: suffix category, p: [[path prefix, category]...]}.
  // Most specific wins, as on the server: longest URL prefix, then exact host, then the
  // longest matching suffix. Category "none" is an allow entry ("not a tracker").
  var HOSTS = Object.create(null);
  function hostEntry(h) { return HOSTS[h] || (HOSTS[h] = { e: null, s: null, p: null }); }
  function normHost(h) { h = String(h).toLowerCase(); return h.slice(-1) === "." ? h.slice(0, -1) : h; }
  if (RULES) {
    (RULES.hosts || []).forEach(function (r) {
      var h = normHost(r[0]), suffix = !!r[1];
      if (h.indexOf("*.") === 0) { h = h.slice(2); suffix = true; }
      if (h.charAt(0) === ".") { h = h.slice(1); suffix = true; }
      hostEntry(h)[suffix ? "s" : "e"] = r[2];
    });
    (RULES.prefixes || []).forEach(function (r) {
      var pat = String(r[0]), i = pat.indexOf("/");
      var e = hostEntry(normHost(i < 0 ? pat : pat.slice(0, i)));
      (e.p || (e.p = [])).push([i < 0 ? "/" : pat.slice(i), r[1]]);
    });
    Object.keys(HOSTS).forEach(function (h) {
      if (HOSTS[h].p) HOSTS[h].p.sort(function (a, b) { return b[0].length - a[0].length; });
    });
  }

  /** The tracker category of a URL (parsed like the browser does), or null. `elements`: also
   *  judge unknown third-party hosts, as the server does for elements (not for fetch/XHR,
   *  which mostly reach the site's own APIs). */
  function classify(u, elements) {
    if (u == null || !RULES) return null;
    var url;
    try { url = new URL(String(u), D.baseURI); } catch (e) { return null; }
    if (!/^(https?|wss?):$/.test(url.protocol)) return null;
    var host = normHost(url.hostname), e = HOSTS[host], path = url.pathname + url.search, i;
    var hit = function (c) { return c === "none" ? null : c; };
    if (e) {
      if (e.p) for (i = 0; i < e.p.length; i++) if (path.indexOf(e.p[i][0]) === 0) return hit(e.p[i][1]);
      if (e.e) return hit(e.e);
      if (e.s) return hit(e.s);
    }
    if (host.charAt(0) === "[" || /\d$/.test(host)) return null; // IP address: exact rules only
    for (i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) {
      var p = HOSTS[host.slice(i + 1)];
      if (p && p.s) return hit(p.s);
    }
    // unknown_third_party = "block": any other site's host is refused as marketing.
    return elements && RULES.unknownThirdParty === "block" && /^https?:$/.test(url.protocol) &&
      !sameSite(host) ? "marketing" : null;
  }
  /** Whether `h` is on the page's site: its registrable domain, computed by the server from the
   *  Public Suffix List (data-site), or else approximately the last two labels. */
  function sameSite(h) {
    var site = DS.site;
    if (site) return h === site || h.slice(-site.length - 1) === "." + site;
    var last2 = function (x) { return x.split(".").slice(-2).join("."); };
    return last2(h) === last2(normHost(location.hostname));
  }
  /** The category to mark when `u` is a tracker of a refused category, else null. */
  function refusedUrl(u, elements) {
    var c = classify(u, elements);
    return c && refused(c) ? markId(c) : null;
  }

  /* ---------------------------------------------------------------- cookie classification -- */

  var CK = (RULES && RULES.cookies) || {};
  var CK_EXACT = CK.exact || {};
  // Globs as [prefix, suffix, category], most literal characters first (the server's order).
  var CK_GLOBS = (CK.prefix || []).map(function (r) { return [r[0], r[2] || "", r[1]]; })
    .concat((CK.suffix || []).map(function (r) { return ["", r[0], r[1]]; }))
    .sort(function (a, b) { return (b[0].length + b[1].length) - (a[0].length + a[1].length); });

  /** A cookie (or storage key) name's category: an id, "necessary", "undeclared" or null. */
  function cookieCat(name) {
    if (own(CK_EXACT, name)) return CK_EXACT[name];
    for (var i = 0; i < CK_GLOBS.length; i++) {
      var g = CK_GLOBS[i];
      if (name.length >= g[0].length + g[1].length && name.indexOf(g[0]) === 0 &&
          name.slice(name.length - g[1].length) === g[1]) return g[2];
    }
    return null;
  }
  function cookieRefused(name) {
    if (!RULES || name === RULES.consentCookie) return false;
    var c = cookieCat(name);
    if (c === null) return RULES.unknownCookies !== "allow";
    return c === "undeclared" || refused(c);
  }
  /** `document.cookie = s`: refused unless it deletes, or the name may be stored. */
  function cookieWriteRefused(s) {
    var parts = String(s).split(";"), eq = parts[0].indexOf("=");
    var name = (eq < 0 ? "" : parts[0].slice(0, eq)).trim();
    for (var i = 1; i < parts.length; i++) {
      var a = parts[i].trim().toLowerCase();
      if (/^max-age\s*=\s*(-\d+|0+)$/.test(a)) return false;
      if (a.indexOf("expires=") === 0 && Date.parse(a.slice(8)) < Date.now()) return false;
    }
    return cookieRefused(name);
  }

  /* -------------------------------------------------------------------------- the guard -- */

  // URL-bearing attributes per element, as neutralised by the server (page.rs).
  var URL_ATTRS = {
    SCRIPT: ["src"], IFRAME: ["src"], FRAME: ["src"], IMG: ["src", "srcset"], SOURCE: ["src", "srcset"],
    VIDEO: ["src", "poster"], AUDIO: ["src"], EMBED: ["src"], OBJECT: ["data"], INPUT: ["src"],
    LINK: ["href", "imagesrcset"], A: ["ping"], AREA: ["ping"],
  };
  var STASHED = ["rel", "src", "srcset", "poster", "data", "href", "imagesrcset", "ping", "srcdoc"];
  var GUARD_SELECTOR = "script[src],iframe[src],frame[src],img[src],img[srcset],source[src],source[srcset]," +
    "video[src],video[poster],audio[src],embed[src],object[data],input[src],link[href],link[imagesrcset],a[ping],area[ping]";
  // The HTML spec's JavaScript MIME types (parameters ignored, as the server does).
  var JS_TYPE = /^(|module|(text|application)\/(x-)?(java|ecma)script|text\/javascript1\.[0-5]|text\/(jscript|livescript))$/i;
  var LOADING_REL = /(^|\s)(preconnect|dns-prefetch|preload|prefetch|modulepreload|prerender|stylesheet|icon)(\s|$)/i;
  function isJsType(t) { return t == null || JS_TYPE.test(String(t).split(";")[0].trim()); }
  function urlsIn(attr, v) {
    if (attr === "srcset" || attr === "imagesrcset") {
      return v.split(",").map(function (c) { return c.trim().split(/\s+/)[0]; });
    }
    return attr === "ping" ? v.trim().split(/\s+/) : [v];
  }
  function stash(el, attr) {
    var v = getA.call(el, attr);
    if (v !== null) { setA.call(el, "data-consent-" + attr, v); remA.call(el, attr); }
  }
  /** The refused category of the first refused URL in attribute value `v`, or null. */
  function refusedIn(attr, v) {
    var urls = urlsIn(attr, String(v));
    for (var i = 0; i < urls.length; i++) { var c = refusedUrl(urls[i], true); if (c) return c; }
    return null;
  }
  /** Whether `el` may load at all: scripts of other types never run, links only for some rels
   *  (`rel` not set yet counts as loading: it may come after the URL). */
  function mayLoad(el) {
    if (el.tagName === "SCRIPT") return isJsType(getA.call(el, "type"));
    var rel = el.tagName === "LINK" ? getA.call(el, "rel") : null;
    return rel === null || LOADING_REL.test(rel);
  }
  /** Marks `el` inert the way the server does (a script gets type text/plain, its type kept). */
  function disarm(el, cat) {
    if (el.tagName === "SCRIPT" && !hasA.call(el, "data-consent-category")) {
      stash(el, "type");
      setA.call(el, "type", "text/plain");
      setA.call(el, "data-consent-dynamic", ""); // inserted by a script: it was async
    }
    if (el.tagName === "LINK") stash(el, "rel");
    if (!hasA.call(el, "data-consent-category")) setA.call(el, "data-consent-category", cat);
  }
  /** About to set `attr` = `value` on `el`: when it points at a refused tracker, it goes to
   *  data-consent-<attr> instead. Returns whether it was intercepted. */
  function interceptAttr(el, attr, value) {
    var attrs = URL_ATTRS[el.tagName], cat;
    if (!attrs || attrs.indexOf(attr) < 0 || value == null || !mayLoad(el)) return false;
    if (!(cat = refusedIn(attr, value))) return false;
    setA.call(el, "data-consent-" + attr, String(value));
    disarm(el, cat);
    return true;
  }
  /** An element whose attributes are already set: neutralised if it loads a refused tracker. */
  function neutralise(el) {
    var attrs = URL_ATTRS[el.tagName], cat = null;
    if (!attrs || hasA.call(el, "data-consent-category") || !mayLoad(el)) return false;
    for (var i = 0; i < attrs.length && !cat; i++) {
      var v = getA.call(el, attrs[i]);
      if (v !== null) cat = refusedIn(attrs[i], v);
    }
    if (!cat) return false;
    attrs.forEach(function (a) { stash(el, a); });
    disarm(el, cat);
    return true;
  }
  /** A node (element or fragment) about to be inserted, with its descendants. */
  function guardTree(node) {
    var found = false;
    if (!node || (node.nodeType !== 1 && node.nodeType !== 11)) return false;
    if (node.nodeType === 1 && neutralise(node)) found = true;
    if (node.firstElementChild) {
      var list = node.querySelectorAll(GUARD_SELECTOR);
      for (var i = 0; i < list.length; i++) if (neutralise(list[i])) found = true;
    }
    return found;
  }

  /** Replaces `obj[name]` by `make(original)`, silently skipping what this browser lacks. */
  function wrap(obj, name, make) {
    try {
      if (obj && typeof obj[name] === "function") obj[name] = make(obj[name]);
    } catch (e) { report(e); }
  }
  /** Wraps the setter of accessor `prop` on `proto`: `skip(el, value)` true = do not set. */
  function wrapSetter(proto, prop, skip) {
    var d = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!d || !d.set || !d.configurable) return;
    Object.defineProperty(proto, prop, {
      configurable: true, enumerable: d.enumerable, get: d.get,
      set: function (v) {
        var stop = false;
        try { stop = skip(this, v); } catch (e) { report(e); }
        if (!stop) d.set.call(this, v);
      },
    });
  }
  var MAYBE_URL = /\b(src|srcset|href|data|poster|ping)\s*=/i;
  var innerDesc = Object.getOwnPropertyDescriptor(EP, "innerHTML");
  /** HTML strings: parsed in an inert <template> (nothing loads there), rewritten if needed. */
  function cleanHTML(html, ctx) {
    if (typeof html !== "string" || !MAYBE_URL.test(html) || !innerDesc) return html;
    if (ctx && ctx.namespaceURI !== "http://www.w3.org/1999/xhtml") return html; // SVG/MathML: parsed otherwise
    try {
      var t = createEl.call(D, "template");
      innerDesc.set.call(t, html);
      return guardTree(t.content) ? innerDesc.get.call(t) : html;
    } catch (e) { report(e); return html; }
  }

  function installGuard() {
    // 1. URL setters. They cover document.createElement() results and `new Image()` alike:
    //    `img.src = x` starts a fetch at once, and a script's src set before insertion is kept
    //    in data-consent-src with type text/plain, so inserting it fetches nothing.
    var setters = [["HTMLScriptElement", "src"], ["HTMLIFrameElement", "src"], ["HTMLFrameElement", "src"],
      ["HTMLImageElement", "src"], ["HTMLImageElement", "srcset"], ["HTMLSourceElement", "src"],
      ["HTMLSourceElement", "srcset"], ["HTMLMediaElement", "src"], ["HTMLVideoElement", "poster"],
      ["HTMLEmbedElement", "src"], ["HTMLObjectElement", "data"], ["HTMLInputElement", "src"],
      ["HTMLLinkElement", "href"], ["HTMLLinkElement", "imageSrcset"], ["HTMLAnchorElement", "ping"],
      ["HTMLAreaElement", "ping"]];
    setters.forEach(function (s) {
      var attr = s[1].toLowerCase();
      if (W[s[0]]) wrapSetter(W[s[0]].prototype, s[1], function (el, v) { return interceptAttr(el, attr, v); });
    });
    var attrHook = function (orig, ns) {
      return function () {
        try {
          var name = String(arguments[ns ? 1 : 0]).toLowerCase();
          if (URL_ATTRS[this.tagName] && interceptAttr(this, name, arguments[ns ? 2 : 1])) return undefined;
        } catch (e) { report(e); }
        return orig.apply(this, arguments);
      };
    };
    wrap(EP, "setAttribute", function (orig) { return attrHook(orig, false); });
    wrap(EP, "setAttributeNS", function (orig) { return attrHook(orig, true); });
    ["setAttributeNode", "setAttributeNodeNS"].forEach(function (m) {
      wrap(EP, m, function (orig) {
        return function (attr) {
          try { if (attr && URL_ATTRS[this.tagName] && interceptAttr(this, String(attr.name).toLowerCase(), attr.value)) return null; } catch (e) { report(e); }
          return orig.apply(this, arguments);
        };
      });
    });

    // 2. Insertion, the last line for scripts built elsewhere (another realm, cloned, adopted).
    var insert = function (orig) {
      return function () {
        try { for (var i = 0; i < arguments.length; i++) guardTree(arguments[i]); } catch (e) { report(e); }
        return orig.apply(this, arguments);
      };
    };
    ["appendChild", "insertBefore", "replaceChild"].forEach(function (m) { wrap(NP, m, insert); });
    ["append", "prepend", "before", "after", "replaceWith", "replaceChildren", "insertAdjacentElement"]
      .forEach(function (m) { wrap(EP, m, insert); });
    wrap(W.Range && Range.prototype, "insertNode", insert);

    // 3. HTML strings: innerHTML, outerHTML, insertAdjacentHTML, createContextualFragment, write.
    ["innerHTML", "outerHTML"].forEach(function (prop) {
      var d = Object.getOwnPropertyDescriptor(EP, prop);
      wrapSetter(EP, prop, function (el, v) {
        var ctx = prop === "innerHTML" ? el : el.parentNode && el.parentNode.nodeType === 1 ? el.parentNode : null;
        var c = cleanHTML(v, ctx);
        if (c !== v) d.set.call(el, c);
        return c !== v;
      });
    });
    wrap(EP, "insertAdjacentHTML", function (orig) {
      return function (pos, html) { return orig.call(this, pos, cleanHTML(html, this)); };
    });
    wrap(W.Range && Range.prototype, "createContextualFragment", function (orig) {
      return function (html) { return orig.call(this, cleanHTML(html)); };
    });
    ["write", "writeln"].forEach(function (m) {
      wrap(Document.prototype, m, function (orig) {
        return function () { return orig.apply(this, slice.call(arguments).map(function (h) { return cleanHTML(h); })); };
      });
    });

    // 4. Anything the hooks above missed, as soon as it is in the document. Parser-inserted
    //    scripts are caught before they run, though the preload scanner may already have
    //    fetched them: that is why the server rewrites the HTML itself.
    try {
      new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) {
          var added = records[i].addedNodes;
          for (var j = 0; j < added.length; j++) guardTree(added[j]);
        }
      }).observe(D, { childList: true, subtree: true });
    } catch (e) { report(e); }

    // 5. Requests straight from code: beacons, fetch, XHR. Answered as if they had been sent.
    wrap(W.Navigator && Navigator.prototype, "sendBeacon", function (orig) {
      return function (url) { return refusedUrl(url, true) ? true : orig.apply(this, arguments); };
    });
    if (typeof nativeFetch === "function") {
      W.fetch = function (input) {
        var u = input && typeof input === "object" && "url" in input ? input.url : input;
        var blocked = false;
        try { blocked = !!refusedUrl(u); } catch (e) { report(e); }
        if (blocked) return Promise.resolve(new Response(null, { status: 204 }));
        return nativeFetch.apply(this, arguments);
      };
    }
    var droppedXhr = new WeakSet();
    wrap(W.XMLHttpRequest && XMLHttpRequest.prototype, "open", function (orig) {
      return function (method, url) {
        if (refusedUrl(url)) droppedXhr.add(this); else droppedXhr.delete(this);
        return orig.apply(this, arguments);
      };
    });
    wrap(W.XMLHttpRequest && XMLHttpRequest.prototype, "send", function (orig) {
      return function () { return droppedXhr.has(this) ? undefined : orig.apply(this, arguments); };
    });
  }

  /** Cookies: document.cookie and cookieStore.set of refused names are dropped. */
  function installCookieGuard() {
    wrapSetter(Document.prototype, "cookie", function (doc, v) { return cookieWriteRefused(v); });
    wrap(W.CookieStore && CookieStore.prototype, "set", function (orig) {
      return function (a) {
        var name = a && typeof a === "object" ? a.name : a;
        return cookieRefused(String(name)) ? Promise.resolve() : orig.apply(this, arguments);
      };
    });
  }

  /* -------------------------------------------------------------------------- the stubs -- */

  // Vendor globals the site's own code calls, with the category that would define them.
  var STUB_FNS = { fbq: "marketing", lintrk: "marketing", ttq: "marketing", twq: "marketing", pintrk: "marketing",
    snaptr: "marketing", rdt: "marketing", clarity: "analytics", hj: "analytics", ga: "analytics",
    mixpanel: "analytics", posthog: "analytics", amplitude: "analytics" };
  var STUB_ARRAYS = { _hsq: "marketing", _paq: "analytics", dataLayer: "analytics", _gaq: "analytics",
    uetq: "marketing", _linkedin_data_partner_ids: "marketing" };
  var stubs = []; // {name, category, fn, queue, released}

  /** A callable that queues [path, args] for any call: fbq(...), ttq.track(...), a.b.c(...). */
  function member(queue, path) {
    var cache = Object.create(null);
    var target = function () { queue.push([path, slice.call(arguments)]); };
    return new Proxy(target, {
      get: function (t, p) {
        if (p in t) return t[p]; // call/apply/bind/toString and fields the site sets
        if (typeof p !== "string" || p === "then" || p === "toJSON") return undefined;
        return cache[p] || (cache[p] = member(queue, path.concat(p)));
      },
    });
  }
  function installStubs() {
    Object.keys(STUB_ARRAYS).forEach(function (n) {
      if (refused(STUB_ARRAYS[n]) && W[n] === undefined) W[n] = [];
    });
    if (typeof W.gtag !== "function" && (refused("analytics") || refused("marketing"))) {
      // The canonical gtag: gtag.js consumes dataLayer when it loads, so no replay is needed.
      W.dataLayer = W.dataLayer || [];
      W.gtag = function gtag() { W.dataLayer.push(arguments); };
    }
    Object.keys(STUB_FNS).forEach(function (n) {
      if (!refused(STUB_FNS[n]) || W[n] !== undefined) return;
      var queue = [];
      var s = { name: n, category: STUB_FNS[n], queue: queue, fn: member(queue, []), released: false };
      W[n] = s.fn;
      stubs.push(s);
    });
  }
  /** Before a granted category's scripts run: vendor loaders bail out when their global exists. */
  function releaseStubs() {
    stubs.forEach(function (s) {
      if (!s.released && !refused(s.category)) {
        s.released = true;
        if (W[s.name] === s.fn) { try { delete W[s.name]; } catch (e) { W[s.name] = undefined; } }
      }
    });
  }
  /** After they ran: replay queued calls into what the vendor defined (or keep queueing). */
  function settleStubs() {
    stubs.forEach(function (s) {
      if (!s.released) return;
      var real = W[s.name];
      if (real === undefined) { W[s.name] = s.fn; return; } // nothing yet: keep queueing
      if (real === s.fn || !s.queue.length) return;
      var calls = s.queue.splice(0, s.queue.length);
      calls.forEach(function (c) {
        try {
          var ctx = W, f = real;
          for (var i = 0; i < c[0].length; i++) { ctx = f; f = f[c[0][i]]; }
          if (typeof f === "function") f.apply(ctx, c[1]);
        } catch (e) { report(e); }
      });
    });
  }

  /* ------------------------------------------------------------------------- activation -- */

  var ACTIVATE_SELECTOR = "[data-consent-category],[data-cookieconsent],script[data-category]," +
    "[class*=\"optanon-category-\"],[data-name][data-src],script[data-name][data-type]";
  var COOKIEBOT = { statistics: "analytics", necessary: "necessary", preferences: "preferences" };
  var ONETRUST = { C0001: "necessary", C0002: "analytics", C0003: "preferences" };

  /** The categories an inert element waits for (all must be granted), or null if not inert. */
  function waitingFor(el) {
    var isScript = el.tagName === "SCRIPT";
    if (isScript ? isJsType(getA.call(el, "type")) :
      !STASHED.some(function (a) { return hasA.call(el, "data-consent-" + a); }) &&
      !(hasA.call(el, "data-src") && !hasA.call(el, "src"))) return null;
    var v;
    if ((v = getA.call(el, "data-consent-category"))) return v.split(/[\s,]+/);
    if ((v = getA.call(el, "data-cookieconsent"))) {
      return v.split(",").map(function (c) { return COOKIEBOT[c.trim()] || "marketing"; });
    }
    if (isScript && (v = getA.call(el, "data-category"))) return v.split(/[\s,]+/);
    if ((v = / optanon-category-(\S+)/.exec(" " + (getA.call(el, "class") || "")))) {
      return v[1].split("-").map(function (c) { return ONETRUST[c] || "marketing"; });
    }
    if ((v = getA.call(el, "data-name"))) { // Klaro: by URL, else by the service's name
      return [classify(getA.call(el, "data-src") || getA.call(el, "src")) ||
        (/analytic/i.test(v) ? "analytics" : "marketing")];
    }
    return null;
  }
  function grantedEls() {
    var out = [], list = D.querySelectorAll(ACTIVATE_SELECTOR);
    for (var i = 0; i < list.length; i++) {
      var cats = waitingFor(list[i]);
      if (cats && cats.every(function (c) { return !refused(c); })) out.push(list[i]);
    }
    return out;
  }
  /** Inline code that cannot run after the page has loaded (or was cut by the server), or
   *  inert trackers inside an iframe's srcdoc document (rewritten into the attribute). */
  function needsReload(els) {
    var frames = D.querySelectorAll("iframe[srcdoc]:not([data-consent-category])");
    for (var i = 0; i < frames.length; i++) {
      var m, re = /data-consent-category="([^"]+)"/g, doc = getA.call(frames[i], "srcdoc");
      while ((m = re.exec(doc))) if (m[1].split(/[\s,]+/).every(function (c) { return !refused(c); })) return true;
    }
    // Events that have already fired will not fire again for code activated now.
    var late = [];
    if (D.readyState !== "loading") late.push("DOMContentLoaded");
    if (D.readyState === "complete") late.push("load");
    var waitsFor = late.length ? new RegExp("addEventListener\\(\\s*[\"'](" + late.join("|") + ")[\"']" +
      (D.readyState === "complete" ? "|\\bonload\\s*=" : "")) : null;
    return els.some(function (el) {
      return writesDocument(el) || (isInline(el) && waitsFor !== null && waitsFor.test(el.textContent));
    });
  }
  function isInline(el) {
    return el.tagName === "SCRIPT" && !["data-consent-src", "data-src", "src"].some(function (a) { return hasA.call(el, a); });
  }
  /** Inline code that writes into the document (or was cut by the server): after load it would
   *  blank the page. */
  function writesDocument(el) {
    return isInline(el) &&
      (hasA.call(el, "data-consent-truncated") || /\bdocument\s*\.\s*write(ln)?\s*\(|document\[["']write/.test(el.textContent));
  }
  /** Pixels, iframes, media, links: their attributes back (the iframe placeholder removed). */
  function restore(el) {
    if (el.tagName === "IFRAME" || el.tagName === "FRAME") { // placeholder out, own srcdoc back
      var doc = getA.call(el, "data-consent-srcdoc");
      if (doc === null) remA.call(el, "srcdoc"); else { remA.call(el, "data-consent-srcdoc"); setA.call(el, "srcdoc", doc); }
    }
    var klaro = hasA.call(el, "data-src") && !hasA.call(el, "data-consent-src") && !hasA.call(el, "src");
    STASHED.forEach(function (a) {
      var v = a === "srcdoc" ? null : getA.call(el, "data-consent-" + a);
      if (v !== null) { remA.call(el, "data-consent-" + a); setA.call(el, a, v); }
    });
    if (klaro) setA.call(el, "src", getA.call(el, "data-src"));
    ["data-consent-category", "data-consent-provider", "data-consent-dynamic"].forEach(function (a) { remA.call(el, a); });
    var media = el.tagName === "SOURCE" && el.parentNode;
    if (media && typeof media.load === "function") media.load();
  }
  /** A script is re-created (an inert one never runs by changing its type). `done` is called
   *  when the next one may run; returns true when that waits for this one to load. */
  function runScript(old, done) {
    var s = createEl.call(D, "script");
    var src = getA.call(old, "data-consent-src") || getA.call(old, "data-src") || getA.call(old, "src");
    for (var i = 0; i < old.attributes.length; i++) {
      var a = old.attributes[i];
      if (!/^(type|src|nonce|data-consent-.*|data-src|data-type)$/.test(a.name)) setA.call(s, a.name, a.value);
    }
    // The original type, verbatim (module, speculationrules, ...): only runnable types are inert.
    var type = getA.call(old, "data-consent-type") || getA.call(old, "data-type");
    if (type) setA.call(s, "type", type);
    if (old.nonce) s.nonce = old.nonce; // the attribute reads "" once parsed (nonce hiding)
    var wait = false;
    if (src) {
      // Originally blocking: keep document order (async=false), and run later inline code after it.
      wait = !hasA.call(old, "async") && !hasA.call(old, "defer") && !hasA.call(old, "data-consent-dynamic");
      s.async = !wait && !hasA.call(old, "defer");
      var finished = false;
      var finish = function () {
        if (finished) return;
        finished = true;
        if (wait) done(); else settleStubs();
      };
      s.addEventListener("load", finish);
      s.addEventListener("error", finish);
      if (wait) setTimeout(finish, 10000); // a hanging script does not stop the rest
      setA.call(s, "src", src);
    } else {
      s.text = old.textContent;
    }
    if (old.parentNode) old.parentNode.replaceChild(s, old);
    return wait;
  }
  /** Activates every inert element whose categories are now all granted, in document order. */
  function activate(els) {
    releaseStubs();
    var scripts = els.filter(function (el) {
      if (el.tagName === "SCRIPT") return true;
      try { restore(el); } catch (e) { report(e); }
      return false;
    });
    var next = function (i) {
      for (; i < scripts.length; i++) {
        try {
          if (runScript(scripts[i], next.bind(null, i + 1))) return;
        } catch (e) { report(e); }
      }
      settleStubs();
    };
    next(0);
  }

  /* -------------------------------------------------------------------------- decisions -- */

  function post(action, categories) {
    var url = (RULES && RULES.prefix) || "/__consent";
    return nativeFetch.call(W, url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ action: action, categories: categories }),
    }).then(function (r) {
      if (!r.ok) throw new Error("consent-proxy: " + r.status);
      return r.json();
    });
  }
  /** Google Consent Mode v2 update, with the server's mapping. */
  function consentModeUpdate() {
    var g = function (c) { return refused(c) ? "denied" : "granted"; };
    var fields = { ad_storage: g("marketing"), ad_user_data: g("marketing"), ad_personalization: g("marketing"),
      analytics_storage: g("analytics"), personalization_storage: g("preferences" in declared ? "preferences" : "marketing") };
    if (typeof W.gtag === "function") W.gtag("consent", "update", fields);
    else (function () { (W.dataLayer = W.dataLayer || []).push(arguments); })("consent", "update", fields);
  }
  /** Withdrawal: the server already deleted its cookies; we clear storage and JS cookies the
   *  server cannot reach (set on a parent domain), then reload. */
  function forget(cats) {
    var hit = function (name) { var c = cookieCat(name); return c !== null && cats.indexOf(c) >= 0; };
    [W.localStorage, W.sessionStorage].forEach(function (st) {
      try { for (var i = st.length - 1; i >= 0; i--) if (hit(st.key(i))) st.removeItem(st.key(i)); } catch (e) { /* no storage */ }
    });
    var labels = location.hostname.split(".");
    D.cookie.split(";").forEach(function (c) {
      var name = c.split("=")[0].trim();
      if (!name || !hit(name)) return;
      for (var i = 0; i < labels.length - 1; i++) {
        D.cookie = name + "=; Max-Age=0; Path=/; Domain=." + labels.slice(i).join(".");
      }
      D.cookie = name + "=; Max-Age=0; Path=/";
    });
  }
  /** The server answered with the new state: apply it to this page. */
  function apply(ns) {
    var next = Array.isArray(ns.granted) ? ns.granted : [];
    var withdrawn = Object.keys(state.granted).filter(function (c) {
      return !declared[c] && c !== "necessary" && next.indexOf(c) < 0;
    });
    state.decided = true;
    setGranted(next);
    if (withdrawn.length) {
      // Scripts that already ran cannot be unloaded: only a reload gets rid of them.
      forget(withdrawn);
      location.reload();
      return false;
    }
    var els = grantedEls();
    if (needsReload(els)) { location.reload(); return false; }
    consentModeUpdate(); // before the tags run, so gtag.js sees the update first
    activate(els);
    try { D.dispatchEvent(new CustomEvent("consent:change", { detail: ns })); } catch (e) { report(e); }
    return true;
  }

  /* -------------------------------------------------------------------- the banner's UI -- */

  var SHIELD = { en: "Cookie settings", sv: "Cookieinst\u00e4llningar" };
  var root = null;
  var fallbackForms = new WeakSet();

  function setBusy(busy) {
    if (!root) return;
    if (busy) setA.call(root, "aria-busy", "true"); else remA.call(root, "aria-busy");
    var b = root.querySelectorAll("button");
    for (var i = 0; i < b.length; i++) b[i].disabled = busy;
  }
  function syncChecks() {
    var boxes = root ? root.querySelectorAll("input[name=\"categories\"]") : [];
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = boxes[i].disabled || !refused(boxes[i].value);
  }
  function make(tag, attrs, children) {
    var el = createEl.call(D, tag);
    Object.keys(attrs).forEach(function (a) { setA.call(el, a, attrs[a]); });
    children.forEach(function (c) { el.appendChild(typeof c === "string" ? D.createTextNode(c) : c); });
    return el;
  }
  /** The shield outline the server draws (inject.rs SHIELD_ICON), as SVG. */
  function shieldIcon() {
    var NS = "http://www.w3.org/2000/svg";
    var svg = D.createElementNS(NS, "svg"), path = D.createElementNS(NS, "path");
    [["aria-hidden", "true"], ["focusable", "false"], ["width", "14"], ["height", "16"], ["viewBox", "0 0 14 16"]]
      .forEach(function (a) { setA.call(svg, a[0], a[1]); });
    setA.call(path, "d", "M7 0 0 3v5c0 4 3 7 7 8 4-1 7-4 7-8V3z");
    setA.call(path, "fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  /** The banner becomes the shield: a button (summary) opening the same settings. */
  function toShield() {
    var form = root.querySelector("form");
    if (!root.classList.contains("cp-shield") && form) {
      var pick = function (sel) { return form.querySelector(sel); };
      var parts = [pick("input[name=\"return_to\"]"), pick("ul"), pick("button[value=\"save\"]"), D.createTextNode(" "),
        pick("a[href]"), pick(".cp-buttons"), pick(".cp-scope")];
      while (form.firstChild) form.removeChild(form.firstChild);
      parts.forEach(function (p) { if (p) form.appendChild(p); });
      // The same markup as the server's shield (inject.rs).
      var label = root.getAttribute("data-shield-label") || SHIELD[state.lang] || SHIELD.en; // configured text first
      var details = make("details", {}, [
        make("summary", { title: label, "aria-label": label }, [shieldIcon(), " " + label]),
        make("div", { "class": "cp-panel", role: "dialog", "aria-label": label }, [form])]);
      slice.call(root.childNodes).forEach(function (n) { if (n.nodeName !== "LINK") root.removeChild(n); });
      root.appendChild(details);
      root.className = "cp-shield";
      ["role", "aria-modal", "aria-labelledby"].forEach(function (a) { remA.call(root, a); });
    } else if (!form) {
      root.hidden = true;
    }
    syncChecks();
    var d = root.querySelector("details");
    if (d) {
      d.open = false;
      var s = d.querySelector("summary");
      if (s && (!D.activeElement || D.activeElement === D.body || root.contains(D.activeElement) ||
          !D.activeElement.isConnected)) s.focus();
    }
  }
  function decide(action, categories, onFail) {
    setBusy(true);
    return post(action, categories).then(function (ns) {
      setBusy(false);
      if (apply(ns) && root) toShield();
    }, function (e) {
      report(e);
      setBusy(false);
      onFail();
    });
  }
  function onSubmit(e) {
    var form = e.target;
    if (!root || !form || form.tagName !== "FORM" || !root.contains(form) || fallbackForms.has(form)) return;
    if (typeof nativeFetch !== "function") return; // the plain form post does it all
    e.preventDefault();
    var b = e.submitter, action = b && b.name === "action" ? b.value : "save";
    var boxes = form.querySelectorAll("input[name=\"categories\"]"), cats = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked && !boxes[i].disabled) cats.push(boxes[i].value);
    decide(action, cats, function () {
      // The JSON post failed: the normal form submission (303 back here) still works.
      var h = createEl.call(D, "input");
      h.type = "hidden"; h.name = "action"; h.value = action;
      form.appendChild(h);
      fallbackForms.add(form);
      HTMLFormElement.prototype.submit.call(form);
    });
  }
  function onKey(e) {
    if (e.key !== "Escape" && e.key !== "Esc") return;
    var d = e.target && e.target.closest ? e.target.closest("details[open]") : null;
    if (!d || !root.contains(d)) return;
    d.open = false;
    var s = d.querySelector("summary");
    if (s) s.focus();
    e.preventDefault();
  }
  function onToggle(e) {
    var d = e.target;
    if (d.tagName !== "DETAILS" || d.open) return;
    var s = d.querySelector("summary");
    if (s && d.contains(D.activeElement) && D.activeElement !== s) s.focus(); // focus back to the button
  }
  /** The click-to-load placeholder in a refused iframe (srcdoc, same origin): with JS, its
   *  "Allow" adds the category to the current choice without leaving the page. */
  function hookPlaceholder(f) {
    var doc;
    try { doc = f.contentDocument; } catch (e) { return; }
    var form = doc && hasA.call(f, "srcdoc") ? doc.querySelector("form") : null;
    if (!form || fallbackForms.has(form) || form.__cpHooked) return;
    form.__cpHooked = true;
    form.addEventListener("submit", function (e) {
      if (typeof nativeFetch !== "function") return;
      e.preventDefault();
      var add = slice.call(form.querySelectorAll("input[name=\"categories\"]")).map(function (i) { return i.value; });
      var cats = Object.keys(state.granted).filter(function (c) { return !declared[c]; }).concat(add);
      decide("save", cats, function () { fallbackForms.add(form); HTMLFormElement.prototype.submit.call(form); });
    });
  }
  function initUI() {
    try {
      var frames = D.querySelectorAll("iframe[srcdoc][data-consent-category]");
      for (var i = 0; i < frames.length; i++) {
        frames[i].addEventListener("load", hookPlaceholder.bind(null, frames[i]));
        hookPlaceholder(frames[i]);
      }
      root = D.getElementById("consent-proxy");
      if (SHARED && state.decided) {
        // The shared page arrived inert: switch on what this visitor granted (code that needs
        // document.write cannot run after load and stays off), and show the shield.
        var els = grantedEls().filter(function (el) { return !writesDocument(el); });
        consentModeUpdate();
        activate(els);
        if (root) { syncChecks(); toShield(); }
      }
      if (!root) return;
      root.addEventListener("submit", onSubmit);
      root.addEventListener("keydown", onKey);
      root.addEventListener("toggle", onToggle, true);
      if (!state.decided && root.classList.contains("cp-banner")) {
        var first = root.querySelector("button");
        if (first) first.focus({ preventScroll: true });
      }
    } catch (e) { report(e); }
  }

  /* ------------------------------------------------------------------------------ start -- */

  try {
    var anyRefused = Object.keys(declared).some(refused) || !RULES;
    installStubs();
    if (RULES && anyRefused) installGuard();
    if (RULES && (anyRefused || RULES.unknownCookies !== "allow")) installCookieGuard();
  } catch (e) { report(e); }

  /** A small API for the site's own code (and tests). */
  W.consentProxy = {
    get decided() { return state.decided; },
    get granted() { return Object.keys(state.granted); },
    isGranted: function (c) { return !refused(c); },
    classify: classify,
    cookieCategory: cookieCat,
    /** Opens the settings (the shield's, or the banner's second layer). */
    openSettings: function () {
      var d = root && root.querySelector("details");
      if (d) { d.open = true; var s = d.querySelector("summary"); if (s) s.focus(); }
    },
  };

  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", initUI);
  else initUI();
})();
