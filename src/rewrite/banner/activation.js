  /* ------------------------------------------------------------------------- activation -- */

  var ACTIVATE_SELECTOR = "[data-consent-category],[data-cookieconsent],script[data-category]," +
    "[class*=\"optanon-category-\"],[data-name][data-src],script[data-name][data-type]";
  var COOKIEBOT = { statistics: "analytics", necessary: "necessary", preferences: "preferences" };
  var ONETRUST = { C0001: "necessary", C0002: "analytics", C0003: "preferences" };

  /** The categories an inert element waits for (all must be granted), or null if not inert. */
  function waitingFor(el) {
    var script = isScript(el);
    if (script ? isJsType(getA.call(el, "type")) :
      !STASHED.some(function (a) { return hasA.call(el, "data-consent-" + a); }) &&
      !(hasA.call(el, "data-src") && !hasA.call(el, "src"))) return null;
    var v;
    if ((v = getA.call(el, "data-consent-category"))) return v.split(/[\s,]+/);
    if ((v = getA.call(el, "data-cookieconsent"))) {
      return v.split(",").map(function (c) { return COOKIEBOT[c.trim()] || "marketing"; });
    }
    if (script && (v = getA.call(el, "data-category"))) return v.split(/[\s,]+/);
    if ((v = / optanon-category-(\S+)/.exec(" " + (getA.call(el, "class") || "")))) {
      return v[1].split("-").map(function (c) { return ONETRUST[c] || "marketing"; });
    }
    if ((v = getA.call(el, "data-name"))) { // Klaro: by URL, else by the service's name
      return [classify(getA.call(el, "data-src") || getA.call(el, "src")) ||
        (/analytic/i.test(v) ? "analytics" : "marketing")];
    }
    return null;
  }
  /** The service a marked element waits for: named (ours, vanilla-cookieconsent v3's, or
   *  Klaro's, which the server resolved to ours), else the catalog's for the URL it holds. */
  function serviceOf(el) {
    var s = getA.call(el, "data-consent-service") || getA.call(el, "data-service");
    if (s) return s;
    var u = getA.call(el, "data-consent-src") || getA.call(el, "data-consent-href") ||
      getA.call(el, "data-consent-data") || getA.call(el, "data-src");
    var url = u && RULES && webUrl(u), r = url && ruleOf(url);
    return (r && r.s) || null;
  }
  function grantedEls() {
    var out = [], list = D.querySelectorAll(ACTIVATE_SELECTOR);
    for (var i = 0; i < list.length; i++) {
      var cats = waitingFor(list[i]), s = serviceOf(list[i]);
      if (cats && cats.every(function (c) { return !refusedBy(c, s); })) out.push(list[i]);
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
    return isScript(el) && !["data-consent-src", "data-src", "src", "data-consent-href", "href", "xlink:href"]
      .some(function (a) { return hasA.call(el, a); });
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
      // The site's sandbox first: a frame's sandbox flags are fixed when it navigates, and its
      // own srcdoc (same origin as the page) must not load unsandboxed.
      var sandbox = getA.call(el, "data-consent-sandbox");
      if (sandbox !== null) { remA.call(el, "data-consent-sandbox"); setA.call(el, "sandbox", sandbox); }
      var doc = getA.call(el, "data-consent-srcdoc");
      if (doc === null) remA.call(el, "srcdoc"); else { remA.call(el, "data-consent-srcdoc"); setA.call(el, "srcdoc", doc); }
    }
    unstash(el);
  }
  /** The attributes kept in data-consent-* (or Klaro's data-src) back where they were. */
  function unstash(el) {
    var klaro = hasA.call(el, "data-src") && !hasA.call(el, "data-consent-src") && !hasA.call(el, "src");
    STASHED.forEach(function (a) {
      var v = a === "srcdoc" ? null : getA.call(el, "data-consent-" + a);
      if (v !== null) { remA.call(el, "data-consent-" + a); setA.call(el, a, v); }
    });
    if (klaro) setA.call(el, "src", getA.call(el, "data-src"));
    ["data-consent-category", "data-consent-provider", "data-consent-dynamic", "data-consent-pending"].forEach(function (a) { remA.call(el, a); });
    var media = el.tagName === "SOURCE" && el.parentNode;
    if (media && typeof media.load === "function") media.load();
  }
  /** A script is re-created (an inert one never runs by changing its type). `done` is called
   *  when the next one may run; returns true when that waits for this one to load. */
  function runScript(old, done) {
    var svg = old.namespaceURI === SVG_NS, urlAttr = svg ? "href" : "src"; // SVG: href, or xlink:href
    var s = svg ? D.createElementNS(SVG_NS, "script") : createEl.call(D, "script");
    var src = getA.call(old, "data-consent-" + urlAttr) || getA.call(old, "data-src") || getA.call(old, urlAttr) ||
      (svg ? getA.call(old, "xlink:href") : null);
    for (var i = 0; i < old.attributes.length; i++) {
      var a = old.attributes[i];
      if (!/^(type|src|nonce|data-consent-.*|data-src|data-type)$/.test(a.name) &&
          !(svg && /^(xlink:)?href$/.test(a.name))) setA.call(s, a.name, a.value);
    }
    // The original type, verbatim (module, speculationrules, ...): only runnable types are inert.
    var type = getA.call(old, "data-consent-type") || getA.call(old, "data-type");
    if (type) setA.call(s, "type", type);
    if (old.nonce) s.nonce = old.nonce; // the attribute reads "" once parsed (nonce hiding)
    var wait = false;
    if (src) {
      // Originally blocking: keep document order (async=false), and run later inline code after it.
      wait = !hasA.call(old, "async") && !hasA.call(old, "defer") && !hasA.call(old, "data-consent-dynamic");
      // A held dynamic script the site had set async=false keeps its order among those.
      s.async = !wait && !hasA.call(old, "defer") && !hasA.call(old, "data-consent-ordered");
      var finished = false;
      var finish = function () {
        if (finished) return;
        finished = true;
        if (wait) done(); else settleStubs();
      };
      s.addEventListener("load", finish);
      s.addEventListener("error", finish);
      if (wait) setTimeout(finish, 10000); // a hanging script does not stop the rest
      setA.call(s, urlAttr, src);
    } else {
      s.textContent = old.textContent;
    }
    // The native method: what is activated has been judged (granted, or let through), and is
    // not held again as an unknown host.
    if (old.parentNode) replaceChild.call(old.parentNode, s, old);
    return wait;
  }
  /** Activates every inert element whose categories are now all granted, in document order. */
  function activate(els) {
    releaseStubs();
    var scripts = els.filter(function (el) {
      if (isScript(el)) return true;
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
