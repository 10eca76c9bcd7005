  /* ------------------------------------------------------------------ the guard: CSS -- */

  // CSS set at runtime loads what its url()s and @imports name. Tracker URLs of refused
  // categories are taken out where that cannot break the rest of the site's CSS: an @import of
  // one is dropped (in insertRule: replaced by an empty `@media not all {}`, so rule indexes
  // hold), any other url() of one becomes `none` (`background: url(t) no-repeat` keeps its
  // other parts; where `none` is not valid, e.g. in `cursor`, the browser drops that one
  // declaration). Only known trackers: CSS cannot wait for the proxy's answer without holding
  // the whole style, so unknown hosts in CSS load (a gap). What is taken out stays out when
  // the category is granted later (until the next page).

  var CSS_MAYBE = /url\(|@import|image-set\(/i;
  var CSS_STR = "\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'";
  var CSS_URL = new RegExp("url\\(\\s*(?:" + CSS_STR + "|([^)\"'\\s]*))\\s*\\)", "gi");
  var CSS_IMPORT = new RegExp("@import\\s+(?:url\\(\\s*(?:" + CSS_STR + "|([^)\"'\\s]*))\\s*\\)|" + CSS_STR + ")[^;]*;?", "gi");
  var CSS_IMAGE_SET = /image-set\(([^()]*(?:\([^()]*\)[^()]*)*)\)/gi;
  var CSS_QUOTED = new RegExp(CSS_STR, "g");

  function cssRefused(u) { return !!refusedUrl(String(u || "").replace(/\\(.)/g, "$1").trim(), true); }
  /** `css` (a value, declarations, a rule or a sheet) with refused tracker URLs taken out. */
  function cleanCss(css) {
    if (typeof css !== "string" || !CSS_MAYBE.test(css)) return css;
    return css.replace(CSS_IMPORT, function (m, a, b, c, d, e) {
      return cssRefused(a || b || c || d || e) ? "" : m;
    }).replace(CSS_IMAGE_SET, function (m, inner) { // image-set("u" 1x): a string is a URL there
      return "image-set(" + inner.replace(CSS_QUOTED, function (q, a, b) { return cssRefused(a || b) ? "none" : q; }) + ")";
    }).replace(CSS_URL, function (m, a, b, c) {
      return cssRefused(a || b || c) ? "none" : m;
    });
  }
  function isStyleEl(n) { return !!n && n.nodeType === 1 && n.localName === "style"; }
  /** Text for a <style> (or a text node in one). */
  function styleText(node) {
    return isStyleEl(node) || (node && node.nodeType === 3 && isStyleEl(node.parentNode));
  }

  function installCssGuard() {
    var SD = W.CSSStyleDeclaration && CSSStyleDeclaration.prototype;
    var clean = function (el, v) { return typeof v === "string" ? cleanCss(v) : v; };
    // el.style.backgroundImage = ...: in Chromium the properties of a CSSStyleDeclaration are
    // not accessors that could be wrapped, so `style` (of elements and of CSS rules) hands out
    // a Proxy of the declaration that cleans what is assigned to it — one per declaration, so
    // `el.style === el.style` still holds. Methods are called on the declaration itself.
    // cssText and setProperty() are wrapped as well (for declarations reached otherwise).
    if (SD) {
      filterSetter(SD, "cssText", clean);
      wrap(SD, "setProperty", function (orig) {
        return function (name, value) {
          var args = slice.call(arguments);
          try { args[1] = clean(this, value); } catch (e) { report(e); }
          return orig.apply(this, args);
        };
      });
    }
    [W.HTMLElement, W.SVGElement, W.MathMLElement, W.CSSStyleRule].forEach(function (C) {
      var d = C && Object.getOwnPropertyDescriptor(C.prototype, "style");
      if (!d || !d.get || !d.configurable || typeof Proxy !== "function") return;
      Object.defineProperty(C.prototype, "style", {
        configurable: true, enumerable: d.enumerable,
        get: function () { return guardedStyle(d.get.call(this)); },
        // el.style = "..." (forwarded to cssText inside the browser)
        set: d.set && function (v) {
          var w = v;
          try { w = cleanCss(String(v)); } catch (e) { report(e); }
          d.set.call(this, w);
        },
      });
    });
    // setAttribute("style", ...) and friends.
    var attr = function (orig, at) {
      return function () {
        var args = arguments;
        try {
          if (String(args[at - 1]).toLowerCase() === "style" && CSS_MAYBE.test(args[at])) {
            args = slice.call(arguments);
            args[at] = cleanCss(String(args[at]));
          }
        } catch (e) { report(e); }
        return orig.apply(this, args);
      };
    };
    wrap(EP, "setAttribute", function (orig) { return attr(orig, 1); });
    wrap(EP, "setAttributeNS", function (orig) { return attr(orig, 2); });
    ["setAttributeNode", "setAttributeNodeNS"].forEach(function (m) {
      wrap(EP, m, function (orig) {
        return function (a) {
          try { if (a && String(a.name).toLowerCase() === "style") a.value = cleanCss(a.value); } catch (e) { report(e); }
          return orig.apply(this, arguments);
        };
      });
    });

    // <style> text: textContent, innerText, innerHTML, a text node's data, and nodes or strings
    // inserted into it. (Cleaned before the change: the sheet is parsed, and its @imports
    // fetched, as soon as the text changes.)
    var text = function (node, v) { return styleText(node) ? cleanCss(v) : v; };
    filterSetter(NP, "textContent", text);
    filterSetter(NP, "nodeValue", text);
    filterSetter(W.CharacterData && CharacterData.prototype, "data", text);
    filterSetter(W.HTMLElement && HTMLElement.prototype, "innerText", text);
    filterSetter(EP, "innerHTML", text);
    var dataDesc = W.CharacterData && Object.getOwnPropertyDescriptor(CharacterData.prototype, "data");
    var insert = function (orig, parentOf) {
      return function () {
        var args = arguments;
        try {
          var intoStyle = isStyleEl(parentOf(this));
          args = slice.call(arguments).map(function (n) {
            if (intoStyle && typeof n === "string") return cleanCss(n);
            if (intoStyle && n && n.nodeType === 3 && dataDesc && CSS_MAYBE.test(n.data)) dataDesc.set.call(n, cleanCss(n.data));
            if (n && (n.nodeType === 1 || n.nodeType === 11)) guardStyles(n);
            return n;
          });
        } catch (e) { report(e); args = arguments; }
        return orig.apply(this, args);
      };
    };
    var self = function (n) { return n; }, parentOf = function (n) { return n.parentNode; };
    ["appendChild", "insertBefore", "replaceChild"].forEach(function (m) {
      wrap(NP, m, function (orig) { return insert(orig, self); });
    });
    ["append", "prepend", "replaceChildren"].forEach(function (m) {
      wrap(EP, m, function (orig) { return insert(orig, self); });
    });
    ["before", "after", "replaceWith"].forEach(function (m) {
      wrap(W.CharacterData && CharacterData.prototype, m, function (orig) { return insert(orig, parentOf); });
      wrap(EP, m, function (orig) { return insert(orig, parentOf); });
    });

    // Style sheets built by code: insertRule, addRule, replace, replaceSync.
    var CSP = W.CSSStyleSheet && CSSStyleSheet.prototype;
    wrap(CSP, "insertRule", function (orig) {
      return function (rule) {
        var args = slice.call(arguments);
        try {
          var c = cleanCss(String(rule));
          args[0] = /^\s*$/.test(c) ? "@media not all {}" : c;
        } catch (e) { report(e); }
        return orig.apply(this, args);
      };
    });
    wrap(CSP, "addRule", function (orig) {
      return function (sel, style) {
        var args = slice.call(arguments);
        try { args[1] = cleanCss(style); } catch (e) { report(e); }
        return orig.apply(this, args);
      };
    });
    ["replace", "replaceSync"].forEach(function (m) {
      wrap(CSP, m, function (orig) {
        return function (t) { return orig.call(this, cleanCss(t)); };
      });
    });
  }
  var styleProxies = typeof WeakMap === "function" ? new WeakMap() : null;
  /** The Proxy standing for declaration `decl` (see installCssGuard). */
  function guardedStyle(decl) {
    if (!decl || typeof decl !== "object" || !styleProxies) return decl;
    var p = styleProxies.get(decl);
    if (!p) {
      p = new Proxy(decl, {
        get: function (t, k) {
          var v = t[k];
          return typeof v === "function" && k !== "constructor" ? v.bind(t) : v;
        },
        set: function (t, k, v) {
          var w = v;
          try { if (typeof v === "string" && typeof k === "string") w = cleanCss(v); } catch (e) { report(e); }
          return Reflect.set(t, k, w);
        },
      });
      styleProxies.set(decl, p);
    }
    return p;
  }
  /** A <style> element built before being inserted: its text cleaned. */
  function guardStyle(el) {
    var t = el.textContent;
    if (!CSS_MAYBE.test(t)) return;
    var c = cleanCss(t);
    if (c !== t) textDesc.set.call(el, c);
  }
  var textDesc = Object.getOwnPropertyDescriptor(NP, "textContent");
  /** The <style> elements of a fragment (or element) about to be inserted. */
  function guardStyles(node) {
    if (isStyleEl(node)) guardStyle(node);
    if (!node.firstElementChild) return;
    var list = node.querySelectorAll("style");
    for (var i = 0; i < list.length; i++) guardStyle(list[i]);
  }
