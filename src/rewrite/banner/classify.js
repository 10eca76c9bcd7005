  /* ------------------------------------------------------------------- URL classification -- */

  // host -> {e: exact-host rule, s: suffix rule, p: [[path prefix, rule]...]}, each rule
  // {c: category, s: service id or null}. Most specific wins, as on the server: longest URL
  // prefix, then exact host, then the longest matching suffix. Category "none" is an allow
  // entry ("not a tracker").
  var HOSTS = Object.create(null);
  function hostEntry(h) { return HOSTS[h] || (HOSTS[h] = { e: null, s: null, p: null }); }
  function normHost(h) { h = String(h).toLowerCase(); return h.slice(-1) === "." ? h.slice(0, -1) : h; }
  if (RULES) {
    (RULES.hosts || []).forEach(function (r) {
      var h = normHost(r[0]), suffix = !!r[1];
      if (h.indexOf("*.") === 0) { h = h.slice(2); suffix = true; }
      if (h.charAt(0) === ".") { h = h.slice(1); suffix = true; }
      hostEntry(h)[suffix ? "s" : "e"] = { c: r[2], s: r[3] || null };
    });
    (RULES.prefixes || []).forEach(function (r) {
      var pat = String(r[0]), i = pat.indexOf("/");
      var e = hostEntry(normHost(i < 0 ? pat : pat.slice(0, i)));
      (e.p || (e.p = [])).push([i < 0 ? "/" : pat.slice(i), { c: r[1], s: r[2] || null }]);
    });
    Object.keys(HOSTS).forEach(function (h) {
      if (HOSTS[h].p) HOSTS[h].p.sort(function (a, b) { return b[0].length - a[0].length; });
    });
  }

  /** `u` parsed like the browser does, when it is a web URL (http, https, ws, wss); else null. */
  function webUrl(u) {
    if (u == null) return null;
    var url;
    try { url = new URL(String(u), D.baseURI); } catch (e) { return null; }
    return /^(https?|wss?):$/.test(url.protocol) ? url : null;
  }
  /** The catalog's category for a parsed URL ("none": an allow entry), or undefined when no
   *  rule names its host. */
  function ruleFor(url) {
    var r = ruleOf(url);
    return r && r.c;
  }
  /** The catalog's rule {c: category, s: service} for a parsed URL, or undefined. */
  function ruleOf(url) {
    var host = normHost(url.hostname), e = HOSTS[host], path = url.pathname + url.search, i;
    if (e) {
      if (e.p) for (i = 0; i < e.p.length; i++) if (path.indexOf(e.p[i][0]) === 0) return e.p[i][1];
      if (e.e) return e.e;
      if (e.s) return e.s;
    }
    if (isIp(host)) return undefined; // IP address: exact rules only
    for (i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) {
      var p = HOSTS[host.slice(i + 1)];
      if (p && p.s) return p.s;
    }
    return undefined;
  }
  function isIp(host) { return host.charAt(0) === "[" || /\d$/.test(host); }
  /** unknown_third_party = "block": any other site's element is refused as marketing. */
  function blocksUnknown(url) {
    return RULES.unknownThirdParty === "block" && /^https?:$/.test(url.protocol) && thirdParty(url);
  }
  /** The tracker category of a URL (parsed like the browser does), or null. `elements`: also
   *  judge unknown third-party hosts, as the server does for elements (not for fetch/XHR,
   *  which mostly reach the site's own APIs). */
  function classify(u, elements) {
    var url = RULES && webUrl(u);
    if (!url) return null;
    var c = ruleFor(url);
    if (c !== undefined) return c === "none" ? null : c;
    return elements && blocksUnknown(url) ? "marketing" : null;
  }
  /** Whether `url` is on another site than the page. */
  function thirdParty(url) { return !sameSite(normHost(url.hostname)); }
  /** Whether `h` is on the page's site: its registrable domain, computed by the server from the
   *  Public Suffix List (data-site), or else approximately the last two labels. */
  function sameSite(h) {
    var site = DS.site, own = normHost(location.hostname);
    if (site) return h === site || h.slice(-site.length - 1) === "." + site;
    if (isIp(h) || isIp(own)) return h === own; // an IP address is a site of its own
    var last2 = function (x) { return x.split(".").slice(-2).join("."); };
    return last2(h) === last2(own);
  }
  /** The category to mark when `u` is a tracker of a refused category, else null. */
  function refusedUrl(u, elements) {
    var url = RULES && webUrl(u), r = url && ruleOf(url);
    if (r) return r.c !== "none" && refusedBy(r.c, r.s) ? markId(r.c) : null;
    var c = classify(u, elements);
    return c && refused(c) ? markId(c) : null;
  }
