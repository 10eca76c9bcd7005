  /* -------------------------------------------------------------------------- the stubs -- */

  // Vendor globals the site's own code calls, with the category that would define them.
  var STUB_FNS = { fbq: "marketing", _fbq: "marketing", lintrk: "marketing", ttq: "marketing", twq: "marketing", pintrk: "marketing",
    snaptr: "marketing", rdt: "marketing", clarity: "analytics", hj: "analytics", ga: "analytics",
    mixpanel: "analytics", posthog: "analytics", amplitude: "analytics", ttd_dom_ready: "marketing" };
  var STUB_ARRAYS = { _hsq: "marketing", _paq: "analytics", dataLayer: "analytics", _gaq: "analytics",
    uetq: "marketing", _linkedin_data_partner_ids: "marketing" };
  var stubs = []; // {name, category, fn, queue, released}

  /**
   * A callable that queues [path, args] for any call: fbq(...), ttq.track(...), a.b.c(...).
   * What a call or `new` returns is another such callable on a queue nobody replays, so chained
   * APIs (`amplitude.getInstance().logEvent(...)`, `new amplitude.Identify().set(...)`) never
   * throw; only the first call of a chain is replayed.
   */
  function member(queue, path) {
    var cache = Object.create(null);
    var target = function () { queue.push([path, slice.call(arguments)]); return member([], []); };
    return new Proxy(target, {
      construct: function () { return member([], []); },
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
