  /* ------------------------------------------------------------ neutralising elements -- */

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
