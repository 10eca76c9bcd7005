  /* ------------------------------------------------------------------------- cookies -- */

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

