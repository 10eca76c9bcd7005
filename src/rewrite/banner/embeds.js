  /* ---------------------------------------------------------------- embed placeholders -- */

  /** Embeds written as markup plus the provider's loader script (a tweet's blockquote and
   *  widgets.js, a Disqus thread, a Calendly widget): the script waits like any tracker and the
   *  markup stays, as the readable fallback it is. While the provider's category is refused a
   *  click-to-load placeholder follows the markup: it names the provider, says what for, and
   *  its button allows that category (a plain form post when fetch is not there). The iframe
   *  embeds get theirs from the server (srcdoc). RULES.embeds: [selectors, provider, category]. */
  var EMBEDS = (RULES && Array.isArray(RULES.embeds)) ? RULES.embeds : [];
  var NOTICE = "data-consent-notice";

  function words() {
    var p = (RULES && RULES.placeholder) || {};
    var lang = state.lang === "sv" ? "sv" : "en";
    return { lang: lang, w: p[lang] || p.en || ["This content is provided by", "which uses cookies for", "Allow"] };
  }
  function catLabel(id, lang) {
    for (var i = 0; i < CATS.length; i++) {
      if (CATS[i].id === id) return (CATS[i].label && (CATS[i].label[lang] || CATS[i].label.en)) || id;
    }
    return id;
  }
  function el(tag, attrs, text) {
    var e = createEl.call(D, tag);
    Object.keys(attrs).forEach(function (k) { setA.call(e, k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }
  /** The placeholder for embed preset `e` ([selectors, name, category, service id]). */
  function notice(e) {
    var provider = e[1], cat = markId(e[2]), svc = e[3] || null;
    var t = words(), label = catLabel(cat, t.lang);
    var box = el("div", { "class": "cp-embed", "lang": t.lang, "role": "region", "aria-label": provider });
    setA.call(box, NOTICE, cat);
    box.style.cssText = "box-sizing:border-box;max-width:550px;margin:8px 0;padding:12px 16px;border:1px solid #888;" +
      "border-radius:6px;background:#eee;color:#111;font:14px/1.4 sans-serif;text-align:center";
    box.appendChild(el("p", { "style": "margin:0 0 8px" }, t.w[0] + " " + provider + ", " + t.w[1] + " " + label.toLowerCase() + "."));
    var form = el("form", { "method": "post", "action": (RULES && RULES.prefix) || "/__consent" });
    var add = function (name, value) { form.appendChild(el("input", { "type": "hidden", "name": name, "value": value })); };
    add("return_to", location.pathname + location.search);
    if (svc) {
      // "Load once": this page only, nothing saved. "Always allow": the service, nothing else.
      var once = el("button", { "type": "button", "style": "margin-right:12px" }, t.w[3]);
      once.addEventListener("click", function () {
        state.svc[svc] = true;
        try { activate(grantedEls()); } catch (x) { report(x); }
        try { clearEmbedNotices(); } catch (x) { report(x); }
      });
      form.appendChild(once);
      add("service", svc);
      add("action", "allow");
      form.appendChild(el("button", { "type": "submit" }, t.w[4] + " " + provider));
    } else {
      Object.keys(state.granted).forEach(function (c) { if (!declared[c] && c !== cat) add("categories", c); });
      add("categories", cat);
      add("action", "save");
      form.appendChild(el("button", { "type": "submit" }, t.w[2] + " " + label));
    }
    form.addEventListener("submit", function (ev) {
      if (typeof nativeFetch !== "function") return;
      ev.preventDefault();
      var fallback = function () { HTMLFormElement.prototype.submit.call(form); };
      if (svc) {
        var one = {};
        one[svc] = true;
        decide("allow", [], fallback, one);
        return;
      }
      var cats = Object.keys(state.granted).filter(function (c) { return !declared[c]; });
      if (cats.indexOf(cat) < 0) cats.push(cat);
      decide("save", cats, fallback);
    });
    box.appendChild(form);
    if (svc) setA.call(box, "data-consent-service", svc);
    return box;
  }
  /** A placeholder after each embed's markup whose category is refused (once per element). */
  function showEmbedNotices() {
    EMBEDS.forEach(function (e) {
      if (!Array.isArray(e) || !refusedBy(e[2], e[3])) return;
      var els;
      try { els = D.querySelectorAll(e[0]); } catch (x) { return; }
      for (var i = 0; i < els.length; i++) {
        var m = els[i], next = m.nextElementSibling;
        if (m.__cpNotice || !m.parentNode || (next && hasA.call(next, NOTICE))) continue;
        m.__cpNotice = true;
        m.parentNode.insertBefore(notice(e), m.nextSibling);
      }
    });
  }
  /** Consent changed: placeholders whose category is now granted go (the embed loads). */
  function clearEmbedNotices() {
    var boxes = D.querySelectorAll("[" + NOTICE + "]");
    for (var i = 0; i < boxes.length; i++) {
      var s = getA.call(boxes[i], "data-consent-service");
      if (!refusedBy(getA.call(boxes[i], NOTICE), s) && boxes[i].parentNode) boxes[i].parentNode.removeChild(boxes[i]);
    }
  }
