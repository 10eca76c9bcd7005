  /* --------------------------------------------------- holding elements while asking -- */

  // Elements held while the proxy is asked about their URLs: inert like a neutralised
  // tracker, with data-consent-pending="<request type>" instead of a category. Connected ones
  // are found by that attribute; detached ones (`new Image()`, a script not inserted yet) are
  // kept here until decided.
  var held = typeof Set === "function" ? new Set() : null;
  // How far a tree may hold: not at all (the observer: markup the server already judged),
  // everything (document.write, createContextualFragment: their scripts run), or everything
  // but scripts (innerHTML and insertion: see guard-dom.js).
  var HOLD_NONE = 0, HOLD_ALL = 1, HOLD_NO_SCRIPTS = 2;

  /** Holds `el` (its URLs already stashed) and asks about `urls`. */
  function hold(el, type, urls) {
    makeInert(el);
    setA.call(el, "data-consent-pending", type);
    if (held && el.ownerDocument === D) held.add(el);
    urls.forEach(function (u) { ask(u, type); });
  }
  /** The URLs a held element waits for (from its stashed attributes). */
  function heldUrls(el) {
    var out = [];
    (urlAttrs(el) || []).forEach(function (a) {
      var v = a === "xlink:href" ? null : getA.call(el, stashName(a));
      if (v !== null) out = out.concat(urlsIn(a, v));
    });
    return out;
  }
  /** Decides held `el` if it can: refused (marked like a known tracker, activated when its
   *  category is granted), or released (its URLs back; a connected script re-created so that
   *  it runs). Returns whether it still waits. */
  function settleOne(el) {
    var type = getA.call(el, "data-consent-pending");
    if (type === null) { if (held) held.delete(el); return false; }
    var urls = heldUrls(el), r = null, waits = false;
    for (var i = 0; i < urls.length && !r; i++) {
      var j = judge(urls[i], type, true);
      if (j && j.ask) { waits = true; ask(j.ask, type); } else if (j) r = j;
    }
    if (!r && waits) { if (held && el.ownerDocument === D) held.add(el); return true; }
    if (held) held.delete(el);
    if (r) disarm(el, r); // (while still pending: its type is already kept)
    remA.call(el, "data-consent-pending");
    if (!r) release(el);
    return false;
  }
  /** Every held element, in document order (detached ones last). */
  function settleHeld() {
    var els = slice.call(D.querySelectorAll("[data-consent-pending]"));
    if (held) held.forEach(function (el) { if (!el.isConnected) els.push(el); });
    els.forEach(function (el) { try { settleOne(el); } catch (e) { report(e); } });
  }
  /** A held element the proxy let through: as it was before it was held. */
  function release(el) {
    if (isScript(el) && el.isConnected) { runScript(el, function () {}); return; }
    if (isScript(el)) { // not inserted yet: it runs when it is
      var t = getA.call(el, "data-consent-type");
      remA.call(el, "data-consent-type");
      if (t === null) remA.call(el, "type"); else setA.call(el, "type", t);
      remA.call(el, "data-consent-ordered");
    }
    unstash(el);
  }
