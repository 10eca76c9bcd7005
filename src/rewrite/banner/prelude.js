/* consent-proxy banner.js — the browser side of consent-proxy.
 *
 * Served as /__consent/banner.js?v=<hash> with `window.__consentProxyRules = {...};` prepended,
 * and loaded synchronously first in <head>, so everything in part 1 exists before any of the
 * page's own scripts run. The server has already removed refused Set-Cookies, made tracker
 * elements inert (type="text/plain", URLs in data-consent-*) and injected a banner that works
 * without JavaScript (a plain form POST to /__consent). This script adds:
 *
 *   1. the client guard: trackers of refused categories that other scripts insert later never
 *      load (attribute setters, insertion methods, HTML-string APIs, a MutationObserver, CSS
 *      set at runtime), their beacons, fetches, XHRs and connections are dropped, and refused
 *      cookies are not written. Third-party hosts the catalog does not know are held while the
 *      proxy is asked (it also knows the filter lists);
 *   2. queueing stubs (fbq, ttq.track, _hsq, ...) so the site's own code never throws, replayed
 *      into the vendor's code once its category is granted;
 *   3. the banner enhancement: decisions posted as JSON, granted elements activated without a
 *      reload, a `consent:change` event and a Google Consent Mode update, the shield, keyboard
 *      and focus handling. A withdrawal reloads the page: scripts that already ran cannot be
 *      unloaded.
 *
 * The script is assembled from the files of src/rewrite/banner/ in the order assets.rs lists
 * them, all inside this one function (so they share its scope):
 *
 *   prelude.js      this header, the natives saved before any hook, wrap()/wrapSetter()
 *   state.js        categories and the visitor's consent state (refused, markId)
 *   classify.js     URL classification by the catalog's host, suffix and prefix rules
 *   ask.js          hosts the rules do not know: server hints, asking the proxy, the answers
 *   cookies.js      cookie classification and the document.cookie / cookieStore guard
 *   elements.js     making one element (or an HTML string) inert the way the server does
 *   hold.js         elements held while the proxy is asked: released or marked when it answers
 *   guard-dom.js    the DOM hooks: setters, insertion methods, HTML strings, the observer
 *   guard-net.js    the network hooks: sendBeacon, fetch, XHR, WebSocket, EventSource
 *   guard-css.js    CSS set at runtime: tracker url()s and @imports taken out
 *   stubs.js        queueing stubs for vendor globals (fbq, _hsq, ...)
 *   activation.js   activating inert elements once their categories are granted
 *   decisions.js    posting a decision and applying the new state to the page
 *   ui.js           the banner and the shield
 *   embeds.js       click-to-load placeholders after embed markup (a tweet's blockquote, ...)
 *   start.js        installs the above, the window.consentProxy API, closes the function
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
  var createEl = D.createElement, replaceChild = NP.replaceChild;
  var nativeFetch = W.fetch;
  var slice = Array.prototype.slice;
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function report(e) { try { console.warn("consent-proxy:", e); } catch (_) { /* no console */ } }

  /* --------------------------------------------------------------------------- hooking -- */

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
  /** Wraps the setter of accessor `prop` on `proto`: the value set is `filter(el, value)`. */
  function filterSetter(proto, prop, filter) {
    var d = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!d || !d.set || !d.configurable) return;
    Object.defineProperty(proto, prop, {
      configurable: true, enumerable: d.enumerable, get: d.get,
      set: function (v) {
        var w = v;
        try { w = filter(this, v); } catch (e) { report(e); }
        d.set.call(this, w);
      },
    });
  }
