  /* ---------------------------------------------------------------- state and categories -- */

  var CATS = (RULES && Array.isArray(RULES.categories)) ? RULES.categories : [];
  var declared = Object.create(null); // id -> necessary?
  CATS.forEach(function (c) { if (c && c.id) declared[c.id] = !!c.necessary; });
  var state = {
    decided: DS.decided === "1",
    gpc: DS.gpc === "1",
    lang: DS.lang || D.documentElement.lang || "en",
    granted: Object.create(null),
    // The visitor's choices per service apart from their category: id -> true (granted on its
    // own) or false (refused on its own). Empty for a visitor who chose by category.
    svc: Object.create(null),
  };
  function setGranted(ids) {
    state.granted = Object.create(null);
    state.granted.necessary = true;
    Object.keys(declared).forEach(function (id) { if (declared[id]) state.granted[id] = true; });
    ids.forEach(function (id) { if (id && id[0] !== "+" && id[0] !== "-") state.granted[id] = true; });
  }
  // Service id -> category id, where known (the settings layer's boxes, the API's answers).
  var svcCat = Object.create(null);
  /** `+id` / `-id` items (data-services, the cookie, the API's lists). */
  function setServices(items) {
    state.svc = Object.create(null);
    items.forEach(function (t) {
      t = String(t);
      if (t.length > 1 && (t[0] === "+" || t[0] === "-")) state.svc[t.slice(1)] = t[0] === "+";
    });
  }
  setGranted(String(DS.granted).split(/\s+/));
  setServices(String(DS.services || "").split(/\s+/));

  // html.cache_mode = "shared": the page is the same for everyone, rendered as for a visitor who
  // has not decided. The visitor's own decision is in the consent cookie: read it here, before
  // the guard is installed. (The server still enforces cookies on every request; this only
  // decides what runs in this browser, so a visitor can only ever "forge" consent for themself.)
  var SHARED = DS.shared === "1";
  if (SHARED && RULES) {
    state.gpc = !!navigator.globalPrivacyControl;
    var cookieName = RULES.consentCookie || "consent";
    D.cookie.split(";").forEach(function (c) {
      var i = c.indexOf("=");
      if (i < 0 || c.slice(0, i).trim() !== cookieName) return;
      var p = c.slice(i + 1).trim().replace(/^"|"$/g, "").split(".");
      if ((p.length === 5 || p.length === 7) && p[0] === "1" && p[1] === String(RULES.revision)) {
        state.decided = true;
        setGranted(p[4].split("~"));
        setServices(p[4].split("~"));
      }
    });
  }

  /** Whether category `c` is refused now. Undeclared categories can never be granted. */
  function refused(c) {
    return !!c && c !== "none" && c !== "necessary" && !state.granted[c] && !declared[c];
  }
  /** Whether a tracker of category `c` and service `s` is refused now: the visitor's own choice
   *  for the service if they made one, else the category's. */
  function refusedBy(c, s) {
    if (s && s in state.svc) return !state.svc[s];
    return refused(c);
  }
  /** The id written in data-consent-category for a refused rule category (server's choice). */
  function markId(c) { return c in declared ? c : ("marketing" in declared ? "marketing" : c); }
