  /* ------------------------------------------------------------------------------ start -- */

  try {
    var anyRefused = Object.keys(declared).some(refused) || !RULES;
    installStubs();
    if (RULES && anyRefused) { installDomGuard(); installNetworkGuard(); }
    if (RULES && (anyRefused || RULES.unknownCookies !== "allow")) installCookieGuard();
  } catch (e) { report(e); }

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
