  /* ------------------------------------------------------------------------------ start -- */

  // A service refused on its own needs the guards even when every category is granted.
  var anyRefused = Object.keys(declared).some(refused) || !RULES ||
    Object.keys(state.svc).some(function (s) { return state.svc[s] === false; });
  [[installStubs, true], [installDomGuard, RULES && anyRefused], [installNetworkGuard, RULES && anyRefused],
    [installCssGuard, RULES && anyRefused], [installCookieGuard, RULES && (anyRefused || RULES.unknownCookies !== "allow")]]
    .forEach(function (g) { try { if (g[1]) g[0](); } catch (e) { report(e); } });

  /** A small API for the site's own code (and tests). */
  W.consentProxy = {
    get decided() { return state.decided; },
    get granted() { return Object.keys(state.granted); },
    /** Category `c`, or with `service` that service's own choice if the visitor made one. */
    isGranted: function (c, service) { return !refusedBy(c, service); },
    /** The visitor's choices per service apart from their category: {id: true|false}. */
    get services() { var o = {}; Object.keys(state.svc).forEach(function (s) { o[s] = state.svc[s]; }); return o; },
    classify: classify,
    cookieCategory: cookieCat,
    /** Opens the settings (the shield's, or the banner's second layer). */
    openSettings: function () {
      var d = root && root.querySelector("details");
      if (d) { d.open = true; var s = d.querySelector("summary"); if (s) s.focus(); }
    },
  };

  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", initUI);
  else initUI();
})();
