  /* ------------------------------------------------------- asking the proxy (unknown hosts) -- */

  // The catalog's rules are all the guard holds; the server also matches filter lists
  // (EasyList, EasyPrivacy) far too big to ship. So a third-party URL that no rule names,
  // requested while some category is refused, is held and the proxy is asked:
  //   POST {prefix}/classify {"page": location.href, "requests": [{"url", "type"}, ...]}
  //   -> 200 {"verdicts": [null | {"category", "provider"}, ...]} (in request order)
  // Asks made in one task are sent together (at most ASK_MAX per request); each answer is kept
  // for the page, per type and URL. Before asking, the page's own hints are read:
  //   <script type="application/json" data-consent-verdicts>{"hosts": {"cdn.x.example":
  //   {"category": "marketing", "provider": "x.example"}}}</script>
  // (positive only: a host they do not list is still asked).
  //
  // When the proxy cannot answer (network error, not 200, a malformed answer, no answer within
  // ASK_TIMEOUT_MS) the batch falls back by type, warned once in the console:
  //   - scripts, frames, images and pings (beacons, <a ping>) stay blocked as marketing: they are
  //     what trackers are made of, and a blocked one is only inert — marked like a known
  //     tracker, it loads without a reload as soon as the visitor grants marketing;
  //   - fetch, XHR, EventSource, WebSocket, stylesheets, fonts, media and the rest go through:
  //     they are mostly the site's own services (an API, a font or style CDN, a video host),
  //     a blocked request cannot be replayed later, and failing closed would break the site
  //     for as long as the proxy is down.
  // A failure is not kept for the page: the same URL is asked again after ASK_RETRY_MS.

  var ASK_MAX = 64, ASK_TIMEOUT_MS = 5000, ASK_RETRY_MS = 10000;
  var FAIL_CLOSED = { script: true, subdocument: true, image: true, ping: true };
  var verdicts = Object.create(null); // type + " " + url -> entry (below)
  var askQueue = [], askTimer = null, askWarned = false;
  var hints = Object.create(null), hintsRead = typeof WeakSet === "function" ? new WeakSet() : null;

  /** Whether any category is refused now (when none is, nothing is ever held or asked). */
  function someRefused() { return Object.keys(declared).some(refused); }
  /** The category a failed ask falls back to: marketing, or else the first refused one. */
  function fallbackCat() {
    if ("marketing" in declared) return "marketing";
    return Object.keys(declared).filter(refused)[0] || "marketing";
  }

  /** The server's hint for `host` ({category, provider}), reading hint elements not read yet. */
  function hintFor(host) {
    var els = D.querySelectorAll("script[type=\"application/json\"][data-consent-verdicts]");
    for (var i = 0; hintsRead && i < els.length; i++) {
      if (hintsRead.has(els[i])) continue;
      hintsRead.add(els[i]);
      try {
        var h = JSON.parse(els[i].textContent).hosts || {};
        Object.keys(h).forEach(function (k) { var v = verdictOf(h[k]); if (v) hints[normHost(k)] = v; });
      } catch (e) { report(e); }
    }
    return hints[host] || null;
  }
  /** A verdict from JSON: null (not a tracker), {category, provider}, or undefined (malformed). */
  function verdictOf(v) {
    if (v === null) return null;
    if (!v || typeof v !== "object" || typeof v.category !== "string" || !v.category) return undefined;
    return { category: v.category, provider: typeof v.provider === "string" ? v.provider : "" };
  }
  /** The refusal a verdict means now: {c: category to mark, p: provider}, or null. */
  function refusal(v, host) {
    return v && refused(v.category) ? { c: markId(v.category), p: v.provider || host } : null;
  }

  /** What to do with a request for `u` of `type`: null (let it load), a refusal {c, p}, or
   *  {ask: absolute URL} (an unknown third party while something is refused: hold and ask).
   *  `elements`: unknown_third_party = "block" applies (see classify). */
  function judge(u, type, elements) {
    var url = RULES && webUrl(u);
    if (!url) return null;
    var r = ruleOf(url), host = normHost(url.hostname);
    if (r !== undefined) return r.c !== "none" && refusedBy(r.c, r.s) ? { c: markId(r.c), p: "", s: r.s } : null;
    if (elements && blocksUnknown(url)) return refused("marketing") ? { c: markId("marketing"), p: "" } : null;
    if (!thirdParty(url) || !someRefused()) return null;
    var o = outcome(verdicts[type + " " + url.href]); // (before the hints: no DOM query then)
    if (o !== undefined) return o;
    var h = hintFor(host);
    return h ? refusal(h, host) : { ask: url.href };
  }
  /** What an ask's entry means now: a refusal, null (allowed), or undefined (no answer yet, or
   *  a failure old enough to ask again). */
  function outcome(e) {
    if (!e || e.state === "pending") return undefined;
    if (e.state === "done") return refusal(e.v, e.host);
    if (Date.now() - e.at > ASK_RETRY_MS) return undefined;
    return FAIL_CLOSED[e.type] ? refusal({ category: fallbackCat(), provider: e.host }, e.host) : null;
  }
  /** Asks the proxy about absolute URL `href` as `type`; `then(entry)` once it answered (or
   *  failed). An answer already kept is not asked again. */
  function ask(href, type, then) {
    var key = type + " " + href, e = verdicts[key];
    if (!e || (e.state === "failed" && outcome(e) === undefined)) {
      var host = "";
      try { host = normHost(new URL(href).hostname); } catch (x) { /* absolute already */ }
      e = verdicts[key] = { state: "pending", url: href, type: type, host: host, v: null, at: 0, then: [] };
      askQueue.push(e);
      if (askTimer === null) askTimer = setTimeout(flushAsks, 0);
    }
    if (!then) return;
    if (e.state === "pending") e.then.push(then);
    else setTimeout(function () { then(e); }, 0);
  }
  function flushAsks() {
    askTimer = null;
    var batch = askQueue.splice(0, ASK_MAX);
    if (askQueue.length) askTimer = setTimeout(flushAsks, 0);
    // A hint that arrived since the ask (the server puts it right after the inline script that
    // made the request) decides without asking.
    var hinted = batch.filter(function (e) { return e.host && hintFor(e.host); });
    if (hinted.length) {
      batch = batch.filter(function (e) { return hinted.indexOf(e) < 0; });
      answered(hinted, hinted.map(function (e) { return hintFor(e.host); }));
    }
    if (!batch.length) return;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, ASK_TIMEOUT_MS) : 0;
    new Promise(function (resolve) {
      if (typeof nativeFetch !== "function") throw new Error("no fetch");
      resolve(nativeFetch.call(W, ((RULES && RULES.prefix) || "/__consent") + "/classify", {
        method: "POST", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined,
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ page: location.href, requests: batch.map(function (e) { return { url: e.url, type: e.type }; }) }),
      }));
    }).then(function (r) {
      if (!r.ok) throw new Error("classify answered " + r.status);
      return r.json();
    }).then(function (j) {
      var vs = j && j.verdicts;
      if (!Array.isArray(vs) || vs.length !== batch.length) throw new Error("classify: malformed answer");
      return vs;
    }).then(function (vs) { answered(batch, vs); }, function (err) {
      if (!askWarned) {
        askWarned = true;
        report("classify failed (" + err + "): unknown third-party scripts, frames, images and pings stay " +
          "blocked as " + fallbackCat() + "; other requests go through");
      }
      answered(batch, null);
    }).then(function () { clearTimeout(timer); });
  }
  /** Records the verdicts `vs` (null: the ask failed), runs the waiting callbacks, then decides
   *  on held elements. */
  function answered(batch, vs) {
    batch.forEach(function (e, i) {
      var v = vs ? verdictOf(vs[i]) : undefined;
      e.state = v === undefined ? "failed" : "done";
      e.v = v || null;
      e.at = Date.now();
      var then = e.then;
      e.then = [];
      then.forEach(function (f) { try { f(e); } catch (x) { report(x); } });
    });
    try { settleHeld(); } catch (x) { report(x); }
  }
