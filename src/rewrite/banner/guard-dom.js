  /* ------------------------------------------------------------------ the guard: the DOM -- */

  /** Elements and HTML that other scripts insert: setters, insertion, HTML strings, observer. */
  function installDomGuard() {
    // 1. URL setters. They cover document.createElement() results and `new Image()` alike:
    //    `img.src = x` starts a fetch at once, and a script's src set before insertion is kept
    //    in data-consent-src with type text/plain, so inserting it fetches nothing. A URL on
    //    an unknown third-party host is held the same way while the proxy is asked.
    var setters = [["HTMLScriptElement", "src"], ["HTMLIFrameElement", "src"], ["HTMLFrameElement", "src"],
      ["HTMLImageElement", "src"], ["HTMLImageElement", "srcset"], ["HTMLSourceElement", "src"],
      ["HTMLSourceElement", "srcset"], ["HTMLMediaElement", "src"], ["HTMLVideoElement", "poster"],
      ["HTMLEmbedElement", "src"], ["HTMLObjectElement", "data"], ["HTMLInputElement", "src"],
      ["HTMLLinkElement", "href"], ["HTMLLinkElement", "imageSrcset"], ["HTMLAnchorElement", "ping"],
      ["HTMLAreaElement", "ping"]];
    setters.forEach(function (s) {
      var attr = s[1].toLowerCase();
      if (W[s[0]]) wrapSetter(W[s[0]].prototype, s[1], function (el, v) { return interceptAttr(el, attr, v); });
    });
    var attrHook = function (orig, ns) {
      return function () {
        try {
          var name = String(arguments[ns ? 1 : 0]).toLowerCase();
          if (urlAttrs(this) && interceptAttr(this, name, arguments[ns ? 2 : 1])) return undefined;
        } catch (e) { report(e); }
        return orig.apply(this, arguments);
      };
    };
    wrap(EP, "setAttribute", function (orig) { return attrHook(orig, false); });
    wrap(EP, "setAttributeNS", function (orig) { return attrHook(orig, true); });
    ["setAttributeNode", "setAttributeNodeNS"].forEach(function (m) {
      wrap(EP, m, function (orig) {
        return function (attr) {
          try { if (attr && urlAttrs(this) && interceptAttr(this, String(attr.name).toLowerCase(), attr.value)) return null; } catch (e) { report(e); }
          return orig.apply(this, arguments);
        };
      });
    });

    // 2. Insertion, the last line for scripts built elsewhere (another realm, cloned, adopted).
    //    A node already in the document is only moved: what it loaded, it has loaded, so it
    //    is not held. Nor are scripts: one the site builds gets its src through the setters
    //    above (held there); one that arrives here with its src set mostly never runs (parsed
    //    by innerHTML or DOMParser), and re-creating it on release would make it run. (A gap:
    //    a template's cloned script to an unknown host loads without asking.)
    var insert = function (orig) {
      return function () {
        try {
          for (var i = 0; i < arguments.length; i++) {
            var n = arguments[i];
            if (n && typeof n === "object") guardTree(n, n.isConnected ? HOLD_NONE : HOLD_NO_SCRIPTS);
          }
        } catch (e) { report(e); }
        return orig.apply(this, arguments);
      };
    };
    ["appendChild", "insertBefore", "replaceChild"].forEach(function (m) { wrap(NP, m, insert); });
    ["append", "prepend", "before", "after", "replaceWith", "replaceChildren", "insertAdjacentElement"]
      .forEach(function (m) { wrap(EP, m, insert); });
    wrap(W.Range && Range.prototype, "insertNode", insert);

    // 3. HTML strings: innerHTML, outerHTML, insertAdjacentHTML, createContextualFragment, write.
    //    Scripts parsed by innerHTML never run, so only the others hold theirs.
    ["innerHTML", "outerHTML"].forEach(function (prop) {
      var d = Object.getOwnPropertyDescriptor(EP, prop);
      wrapSetter(EP, prop, function (el, v) {
        var ctx = prop === "innerHTML" ? el : el.parentNode && el.parentNode.nodeType === 1 ? el.parentNode : null;
        var c = cleanHTML(v, ctx, HOLD_NO_SCRIPTS);
        if (c !== v) d.set.call(el, c);
        return c !== v;
      });
    });
    wrap(EP, "insertAdjacentHTML", function (orig) {
      return function (pos, html) { return orig.call(this, pos, cleanHTML(html, this, HOLD_NO_SCRIPTS)); };
    });
    wrap(W.Range && Range.prototype, "createContextualFragment", function (orig) {
      return function (html) { return orig.call(this, cleanHTML(html, null, HOLD_ALL)); };
    });
    ["write", "writeln"].forEach(function (m) {
      wrap(Document.prototype, m, function (orig) {
        // A written third-party <script src> the rules do not know is written inert and held:
        // if released, it runs asynchronously (it can no longer block the parser where written).
        return function () {
          return orig.apply(this, slice.call(arguments).map(function (h) { return cleanHTML(h, null, HOLD_ALL); }));
        };
      });
    });

    // 4. Anything the hooks above missed, as soon as it is in the document. Parser-inserted
    //    scripts are caught before they run, though the preload scanner may already have
    //    fetched them: that is why the server rewrites the HTML itself. Nothing is held here:
    //    this is mostly the page's own markup, which the server has judged with its lists.
    try {
      new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) {
          var added = records[i].addedNodes;
          for (var j = 0; j < added.length; j++) guardTree(added[j], HOLD_NONE);
        }
      }).observe(D, { childList: true, subtree: true });
    } catch (e) { report(e); }
  }
