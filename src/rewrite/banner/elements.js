  /* ------------------------------------------------------------ neutralising elements -- */

  // URL-bearing attributes per element, as neutralised by the server (page.rs). SVG's script
  // and image load `href` (or the legacy `xlink:href`, stashed as data-consent-href too).
  var URL_ATTRS = {
    SCRIPT: ["src"], IFRAME: ["src"], FRAME: ["src"], IMG: ["src", "srcset"], SOURCE: ["src", "srcset"],
    VIDEO: ["src", "poster"], AUDIO: ["src"], EMBED: ["src"], OBJECT: ["data"], INPUT: ["src"],
    LINK: ["href", "imagesrcset"], A: ["ping"], AREA: ["ping"],
  };
  var SVG_NS = "http://www.w3.org/2000/svg";
  var SVG_URL_ATTRS = { script: ["xlink:href", "href"], image: ["xlink:href", "href"] };
  // `sandbox` first: restored before `src`, so the frame's document loads sandboxed (the server
  // takes it off a refused iframe, whose placeholder's button must be able to post the form).
  var STASHED = ["sandbox", "rel", "src", "srcset", "poster", "data", "href", "imagesrcset", "ping", "srcdoc", "style"];
  var GUARD_SELECTOR = "script[src],iframe[src],frame[src],img[src],img[srcset],source[src],source[srcset]," +
    "video[src],video[poster],audio[src],embed[src],object[data],input[src],link[href],link[imagesrcset],a[ping],area[ping]," +
    "script[*|href],image[*|href],[data-consent-pending]";
  // The HTML spec's JavaScript MIME types (parameters ignored, as the server does).
  var JS_TYPE = /^(|module|(text|application)\/(x-)?(java|ecma)script|text\/javascript1\.[0-5]|text\/(jscript|livescript))$/i;
  var LOADING_REL = /(^|\s)(preconnect|dns-prefetch|preload|prefetch|modulepreload|prerender|stylesheet|icon)(\s|$)/i;
  // <link rel=preload as=...> -> the request type the proxy's filter lists know.
  var PRELOAD_AS = { script: "script", style: "stylesheet", image: "image", font: "font", audio: "media",
    video: "media", track: "media", document: "subdocument", fetch: "xmlhttprequest" };
  function isJsType(t) { return t == null || JS_TYPE.test(String(t).split(";")[0].trim()); }
  /** An HTML or SVG script element. */
  function isScript(el) { return el.localName === "script" && (el.tagName === "SCRIPT" || el.namespaceURI === SVG_NS); }
  /** The attributes holding URLs `el` loads, or undefined. */
  function urlAttrs(el) {
    return el.namespaceURI === SVG_NS ? SVG_URL_ATTRS[el.localName] : URL_ATTRS[el.tagName];
  }
  /** The request type of `el`'s load, in the filter lists' terms (for asking the proxy). */
  function requestType(el) {
    var t = el.localName, rel;
    if (t === "script") return "script";
    if (t === "iframe" || t === "frame") return "subdocument";
    if (t === "img" || t === "image" || t === "input") return "image";
    if (t === "video" || t === "audio") return "media";
    if (t === "source") return el.parentNode && el.parentNode.localName === "picture" ? "image" : "media";
    if (t === "a" || t === "area") return "ping";
    if (t !== "link" || (rel = getA.call(el, "rel")) === null) return "other";
    if (/(^|\s)stylesheet(\s|$)/i.test(rel)) return "stylesheet";
    if (/(^|\s)icon(\s|$)/i.test(rel)) return "image";
    if (/(^|\s)modulepreload(\s|$)/i.test(rel)) return "script";
    if (/(^|\s)preload(\s|$)/i.test(rel)) return PRELOAD_AS[String(getA.call(el, "as")).toLowerCase()] || "other";
    return "other";
  }
  function urlsIn(attr, v) {
    if (attr === "srcset" || attr === "imagesrcset") {
      return v.split(",").map(function (c) { return c.trim().split(/\s+/)[0]; });
    }
    return attr === "ping" ? v.trim().split(/\s+/) : [v];
  }
  /** The data-consent-* name `attr` is kept under (SVG's xlink:href comes back as href). */
  function stashName(attr) { return "data-consent-" + (attr === "xlink:href" ? "href" : attr); }
  function stash(el, attr) {
    var v = getA.call(el, attr);
    if (v !== null) { setA.call(el, stashName(attr), v); remA.call(el, attr); }
  }
  /** Attribute value `v` judged URL by URL (see judge): the first refusal, else {ask: [urls]}
   *  when some URL is unknown and `canAsk`, else null. */
  function judgeValue(attr, v, type, canAsk) {
    var urls = urlsIn(attr, String(v)), asks = [];
    for (var i = 0; i < urls.length; i++) {
      var j = judge(urls[i], type, true);
      if (j && !j.ask) return j;
      if (j && canAsk) asks.push(j.ask);
    }
    return asks.length ? { ask: asks } : null;
  }
  /** Whether `el` may load at all: scripts of other types never run, links only for some rels
   *  (`rel` not set yet counts as loading: it may come after the URL). */
  function mayLoad(el) {
    if (isScript(el)) return isJsType(getA.call(el, "type"));
    var rel = el.tagName === "LINK" ? getA.call(el, "rel") : null;
    return rel === null || LOADING_REL.test(rel);
  }
  /** Makes `el` inert like the server does, without marking a category (a script gets type
   *  text/plain, its type kept; a link loses its rel). */
  function makeInert(el) {
    if (isScript(el) && !hasA.call(el, "data-consent-category") && !hasA.call(el, "data-consent-pending")) {
      stash(el, "type");
      setA.call(el, "type", "text/plain");
      setA.call(el, "data-consent-dynamic", ""); // inserted by a script: it was async
      if (el.async === false) setA.call(el, "data-consent-ordered", ""); // ... unless told otherwise
    }
    if (el.tagName === "LINK") stash(el, "rel");
  }
  /** Marks `el` inert the way the server does, waiting for category `r.c` (provider `r.p`). */
  function disarm(el, r) {
    makeInert(el);
    if (!hasA.call(el, "data-consent-category")) setA.call(el, "data-consent-category", r.c);
    if (r.p && !hasA.call(el, "data-consent-provider")) setA.call(el, "data-consent-provider", r.p);
    if (r.s && !hasA.call(el, "data-consent-service")) setA.call(el, "data-consent-service", r.s);
  }

  /** About to set `attr` = `value` on `el`: when it points at a refused tracker, it goes to
   *  data-consent-<attr> instead (held when the proxy must be asked). Returns whether it was
   *  intercepted. */
  function interceptAttr(el, attr, value) {
    var attrs = urlAttrs(el), j;
    if (!attrs || attrs.indexOf(attr) < 0 || value == null || !mayLoad(el)) return false;
    // A script already in the document may have run: re-created on release it would run again.
    var type = requestType(el), canAsk = !(isScript(el) && el.isConnected);
    if (!(j = judgeValue(attr, value, type, canAsk))) {
      // The site replaced a URL that is held: the new one loads, the old one must not come back.
      if (hasA.call(el, "data-consent-pending")) remA.call(el, stashName(attr));
      return false;
    }
    setA.call(el, stashName(attr), String(value));
    if (j.ask) hold(el, type, j.ask); else disarm(el, j);
    return true;
  }
  /** An element whose attributes are already set: neutralised if it loads a refused tracker,
   *  held (as far as `holds` allows) if it loads an unknown third party. */
  function neutralise(el, holds) {
    var attrs = urlAttrs(el), r = null, asks = [];
    if (!attrs) return false;
    if (hasA.call(el, "data-consent-pending")) { settleOne(el); return false; } // e.g. from an HTML string
    if (hasA.call(el, "data-consent-category") || !mayLoad(el)) return false;
    var canAsk = holds === HOLD_ALL || (holds === HOLD_NO_SCRIPTS && !isScript(el)), type = requestType(el);
    for (var i = 0; i < attrs.length && !r; i++) {
      var v = getA.call(el, attrs[i]), j = v === null ? null : judgeValue(attrs[i], v, type, canAsk);
      if (j && j.ask) asks = asks.concat(j.ask); else if (j) r = j;
    }
    if (!r && !asks.length) return false;
    attrs.forEach(function (a) { stash(el, a); });
    if (r) disarm(el, r); else hold(el, type, asks);
    return true;
  }
  /** A node (element or fragment) about to be inserted, with its descendants. */
  function guardTree(node, holds) {
    var found = false;
    if (!node || (node.nodeType !== 1 && node.nodeType !== 11)) return false;
    if (node.nodeType === 1 && neutralise(node, holds)) found = true;
    if (node.firstElementChild) {
      var list = node.querySelectorAll(GUARD_SELECTOR);
      for (var i = 0; i < list.length; i++) if (neutralise(list[i], holds)) found = true;
    }
    return found;
  }

  var MAYBE_URL = /\b(src|srcset|href|data|poster|ping)\s*=/i;
  var innerDesc = Object.getOwnPropertyDescriptor(EP, "innerHTML");
  /** HTML strings: parsed in an inert <template> (nothing loads there), rewritten if needed. */
  function cleanHTML(html, ctx, holds) {
    if (typeof html !== "string" || !MAYBE_URL.test(html) || !innerDesc) return html;
    if (ctx && ctx.namespaceURI !== "http://www.w3.org/1999/xhtml") return html; // SVG/MathML: parsed otherwise
    try {
      var t = createEl.call(D, "template");
      innerDesc.set.call(t, html);
      return guardTree(t.content, holds) ? innerDesc.get.call(t) : html;
    } catch (e) { report(e); return html; }
  }
