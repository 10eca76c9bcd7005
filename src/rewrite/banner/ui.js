  /* -------------------------------------------------------------------- the banner's UI -- */

  var SHIELD = { en: "Cookie settings", sv: "Cookieinst\u00e4llningar" };
  var root = null;
  var fallbackForms = new WeakSet();

  function setBusy(busy) {
    if (!root) return;
    if (busy) setA.call(root, "aria-busy", "true"); else remA.call(root, "aria-busy");
    var b = root.querySelectorAll("button");
    for (var i = 0; i < b.length; i++) b[i].disabled = busy;
  }
  function syncChecks() {
    var boxes = root ? root.querySelectorAll("input[name=\"categories\"]") : [];
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = boxes[i].disabled || !refused(boxes[i].value);
    var svcs = root ? root.querySelectorAll("input[name=\"services\"]") : [];
    for (var j = 0; j < svcs.length; j++) svcs[j].checked = !refusedBy(getA.call(svcs[j], "data-category"), svcs[j].value);
    for (i = 0; i < boxes.length; i++) mixed(boxes[i]);
  }
  /** The service boxes listed under a category's box. */
  function serviceBoxes(catBox) {
    var li = catBox.closest ? catBox.closest("li") : null;
    return li ? slice.call(li.querySelectorAll("input[name=\"services\"]")) : [];
  }
  /** A category box shows "mixed" while one of its services differs from it. */
  function mixed(catBox) {
    catBox.indeterminate = serviceBoxes(catBox).some(function (b) { return b.checked !== catBox.checked; });
  }
  /** Category box = all of its services; a service box on its own makes the category mixed. */
  function onChange(e) {
    var b = e.target;
    if (!b || b.tagName !== "INPUT") return;
    if (b.name === "categories") {
      serviceBoxes(b).forEach(function (s) { s.checked = b.checked; });
      b.indeterminate = false;
    } else if (b.name === "services") {
      var li = b.closest("ul.cp-services") && b.closest("ul.cp-services").parentNode;
      var cat = li && li.querySelector("input[name=\"categories\"]");
      if (cat) mixed(cat);
    }
  }
  function make(tag, attrs, children) {
    var el = createEl.call(D, tag);
    Object.keys(attrs).forEach(function (a) { setA.call(el, a, attrs[a]); });
    children.forEach(function (c) { el.appendChild(typeof c === "string" ? D.createTextNode(c) : c); });
    return el;
  }
  /** The shield outline the server draws (inject.rs SHIELD_ICON), as SVG. */
  function shieldIcon() {
    var NS = "http://www.w3.org/2000/svg";
    var svg = D.createElementNS(NS, "svg"), path = D.createElementNS(NS, "path");
    [["aria-hidden", "true"], ["focusable", "false"], ["width", "14"], ["height", "16"], ["viewBox", "0 0 14 16"]]
      .forEach(function (a) { setA.call(svg, a[0], a[1]); });
    setA.call(path, "d", "M7 0 0 3v5c0 4 3 7 7 8 4-1 7-4 7-8V3z");
    setA.call(path, "fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  /** The banner becomes the shield: a button (summary) opening the same settings. */
  function toShield() {
    var form = root.querySelector("form");
    if (!root.classList.contains("cp-shield") && form) {
      var pick = function (sel) { return form.querySelector(sel); };
      var parts = [pick("input[name=\"return_to\"]"), pick("ul"), pick("button[value=\"save\"]"), D.createTextNode(" "),
        pick("a[href]"), pick(".cp-buttons"), pick(".cp-scope")];
      while (form.firstChild) form.removeChild(form.firstChild);
      parts.forEach(function (p) { if (p) form.appendChild(p); });
      // The same markup as the server's shield (inject.rs).
      var label = root.getAttribute("data-shield-label") || SHIELD[state.lang] || SHIELD.en; // configured text first
      var details = make("details", {}, [
        make("summary", { title: label, "aria-label": label }, [shieldIcon(), " " + label]),
        make("div", { "class": "cp-panel", role: "dialog", "aria-label": label }, [form])]);
      slice.call(root.childNodes).forEach(function (n) { if (n.nodeName !== "LINK") root.removeChild(n); });
      root.appendChild(details);
      root.className = "cp-shield";
      ["role", "aria-modal", "aria-labelledby"].forEach(function (a) { remA.call(root, a); });
    } else if (!form) {
      root.hidden = true;
    }
    syncChecks();
    var d = root.querySelector("details");
    if (d) {
      d.open = false;
      var s = d.querySelector("summary");
      if (s && (!D.activeElement || D.activeElement === D.body || root.contains(D.activeElement) ||
          !D.activeElement.isConnected)) s.focus();
    }
  }
  function decide(action, categories, onFail, services) {
    setBusy(true);
    return post(action, categories, services).then(function (ns) {
      setBusy(false);
      if (apply(ns) && root) toShield();
    }, function (e) {
      report(e);
      setBusy(false);
      onFail();
    });
  }
  function onSubmit(e) {
    var form = e.target;
    if (!root || !form || form.tagName !== "FORM" || !root.contains(form) || fallbackForms.has(form)) return;
    if (typeof nativeFetch !== "function") return; // the plain form post does it all
    e.preventDefault();
    var b = e.submitter, action = b && b.name === "action" ? b.value : "save";
    var boxes = form.querySelectorAll("input[name=\"categories\"]"), cats = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked && !boxes[i].disabled) cats.push(boxes[i].value);
    // Every service box shown is the visitor's choice for it (the server keeps those that
    // differ from their category).
    var svcs = form.querySelectorAll("input[name=\"services\"]"), services = null;
    if (action === "save") {
      for (i = 0; i < svcs.length; i++) (services = services || {})[svcs[i].value] = svcs[i].checked;
    }
    decide(action, cats, function () {
      // The JSON post failed: the normal form submission (303 back here) still works.
      var h = createEl.call(D, "input");
      h.type = "hidden"; h.name = "action"; h.value = action;
      form.appendChild(h);
      fallbackForms.add(form);
      HTMLFormElement.prototype.submit.call(form);
    }, services);
  }
  /** The server draws the boxes; only "mixed" needs JavaScript. */
  function syncMixed() {
    var svcs = root.querySelectorAll("input[name=\"services\"]");
    for (var j = 0; j < svcs.length; j++) svcCat[svcs[j].value] = getA.call(svcs[j], "data-category");
    var boxes = root.querySelectorAll("input[name=\"categories\"]");
    for (var i = 0; i < boxes.length; i++) mixed(boxes[i]);
  }
  function onKey(e) {
    if (e.key !== "Escape" && e.key !== "Esc") return;
    var d = e.target && e.target.closest ? e.target.closest("details[open]") : null;
    if (!d || !root.contains(d)) return;
    d.open = false;
    var s = d.querySelector("summary");
    if (s) s.focus();
    e.preventDefault();
  }
  function onToggle(e) {
    var d = e.target;
    if (d.tagName !== "DETAILS" || d.open) return;
    var s = d.querySelector("summary");
    if (s && d.contains(D.activeElement) && D.activeElement !== s) s.focus(); // focus back to the button
  }
  /** The click-to-load placeholder in a refused iframe (srcdoc, same origin): with JS, its
   *  "Allow" adds the category to the current choice without leaving the page. */
  function hookPlaceholder(f) {
    var doc;
    try { doc = f.contentDocument; } catch (e) { return; }
    var form = doc && hasA.call(f, "srcdoc") ? doc.querySelector("form") : null;
    if (!form || fallbackForms.has(form) || form.__cpHooked) return;
    form.__cpHooked = true;
    form.addEventListener("submit", function (e) {
      if (typeof nativeFetch !== "function") return;
      e.preventDefault();
      var fallback = function () { fallbackForms.add(form); HTMLFormElement.prototype.submit.call(form); };
      var svc = form.querySelector("input[name=\"service\"]");
      if (svc) { // "Always allow <service>": that service only
        var one = {};
        one[svc.value] = true;
        decide("allow", [], fallback, one);
        return;
      }
      var add = slice.call(form.querySelectorAll("input[name=\"categories\"]")).map(function (i) { return i.value; });
      var cats = Object.keys(state.granted).filter(function (c) { return !declared[c]; }).concat(add);
      decide("save", cats, fallback);
    });
  }
  function initUI() {
    try {
      var frames = D.querySelectorAll("iframe[srcdoc][data-consent-category]");
      for (var i = 0; i < frames.length; i++) {
        frames[i].addEventListener("load", hookPlaceholder.bind(null, frames[i]));
        hookPlaceholder(frames[i]);
      }
      try { showEmbedNotices(); } catch (e) { report(e); }
      root = D.getElementById("consent-proxy");
      if (SHARED && state.decided) {
        // The shared page arrived inert: switch on what this visitor granted (code that needs
        // document.write cannot run after load and stays off), and show the shield.
        var els = grantedEls().filter(function (el) { return !writesDocument(el); });
        consentModeUpdate();
        activate(els);
        if (root) { syncChecks(); toShield(); }
      }
      if (!root) return;
      root.addEventListener("submit", onSubmit);
      root.addEventListener("change", onChange);
      syncMixed();
      root.addEventListener("keydown", onKey);
      root.addEventListener("toggle", onToggle, true);
      if (!state.decided && root.classList.contains("cp-banner")) {
        var first = root.querySelector("button");
        if (first) first.focus({ preventScroll: true });
      }
    } catch (e) { report(e); }
  }
