  /* -------------------------------------------------------------------------- decisions -- */

  /** `services`: {id: true|false}, the visitor's choices per service (optional). */
  function post(action, categories, services) {
    var url = (RULES && RULES.prefix) || "/__consent";
    var body = { action: action, categories: categories || [] };
    if (services) body.services = services;
    return nativeFetch.call(W, url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
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
   *  server cannot reach (set on a parent domain), then reload. `names`: the cookies the server
   *  deleted (a service's, withdrawn on its own), cleared on every domain here too. */
  function forget(cats, names) {
    var hit = function (name) {
      var c = cookieCat(name);
      return (c !== null && cats.indexOf(c) >= 0) || names.indexOf(name) >= 0;
    };
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
    // A service refused on its own now, or no longer granted on its own: what it ran may have
    // to go (the server deleted its cookies).
    var sv = ns.services || {}, svGranted = sv.granted || [], svRefused = sv.refused || [];
    var cats = sv.categories || {};
    Object.keys(cats).forEach(function (s) { svcCat[s] = cats[s]; });
    var lost = svRefused.some(function (s) { // allowed until now?
      return state.svc[s] === true || (!(s in state.svc) && !(s in svcCat && refused(svcCat[s])));
    }) || Object.keys(state.svc).some(function (s) { // granted on its own until now, and not any more?
      return state.svc[s] === true && svGranted.indexOf(s) < 0 && !(s in svcCat && next.indexOf(svcCat[s]) >= 0);
    });
    state.decided = true;
    setGranted(next);
    setServices(svGranted.map(function (s) { return "+" + s; }).concat(svRefused.map(function (s) { return "-" + s; })));
    if (withdrawn.length || lost) {
      // Scripts that already ran cannot be unloaded: only a reload gets rid of them.
      forget(withdrawn, Array.isArray(ns.deleted_cookies) ? ns.deleted_cookies : []);
      location.reload();
      return false;
    }
    var els = grantedEls();
    if (needsReload(els)) { location.reload(); return false; }
    consentModeUpdate(); // before the tags run, so gtag.js sees the update first
    activate(els);
    try { clearEmbedNotices(); } catch (e) { report(e); }
    try { settleHeld(); } catch (e) { report(e); } // held ones whose category is now granted: no need to wait
    try { D.dispatchEvent(new CustomEvent("consent:change", { detail: ns })); } catch (e) { report(e); }
    return true;
  }
