  /* ------------------------------------------------------------------------------ start -- */

  var anyRefused = Object.keys(declared).some(refused) || !RULES;
  [[installStubs, true], [installDomGuard, RULES && anyRefused], [installNetworkGuard, RULES && anyRefused],
    [installCssGuard, RULES && anyRefused], [installCookieGuard, RULES && (anyRefused || RULES.unknownCookies !== "allow")]]
    .forEach(function (g) { try { if (g[1]) g[0](); } catch (e) { report(e); } });

  /** A small API for the site's own code (and tests). */
  W.consentProxy = {
    get decided() { return state.decided; },
    get granted() { return Object.keys(state.granted); },
    isGranted: function (c) { return !refused(c); },
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
