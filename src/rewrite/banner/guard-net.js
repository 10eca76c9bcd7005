  /* ------------------------------------------------------------- the guard: the network -- */

  /** Requests straight from code: beacons, fetch, XHR, WebSocket, EventSource. A request to a
   *  tracker of a refused category is answered as if it had been sent (a beacon "queued", a
   *  fetch 204, an XHR that never completes) or, for a connection, fails as a refused
   *  connection does. One to an unknown third-party host waits for the proxy's answer (see
   *  ask.js) where the API allows waiting. */
  function installNetworkGuard() {
    var guarded = function (j) { return j && !j.ask; };
    var judged = function (u, type, elements) {
      try { return judge(u, type, elements); } catch (e) { report(e); return null; }
    };

    // Beacons are fire-and-forget: true at once, sent after the answer if allowed. (One sent
    // while the page unloads may be lost if it waits: a gap for unknown hosts only.)
    wrap(W.Navigator && Navigator.prototype, "sendBeacon", function (orig) {
      return function (url, data) {
        var j = judged(url, "ping", true), nav = this;
        if (j && j.ask) {
          ask(j.ask, "ping", function (e) { if (!outcome(e)) orig.call(nav, url, data); });
          return true;
        }
        return guarded(j) ? true : orig.apply(this, arguments);
      };
    });

    // fetch: a known tracker gets an empty 204; an unknown host waits for the answer, then is
    // fetched or rejects with the TypeError a blocked request gives.
    if (typeof nativeFetch === "function") {
      W.fetch = function (input) {
        var u = input && typeof input === "object" && "url" in input ? input.url : input;
        var j = judged(u, "xmlhttprequest", false), self = this, args = arguments;
        if (j && j.ask) {
          return new Promise(function (resolve, reject) {
            ask(j.ask, "xmlhttprequest", function (e) {
              if (outcome(e)) reject(new TypeError("Failed to fetch"));
              else resolve(nativeFetch.apply(self, args));
            });
          });
        }
        if (guarded(j)) return Promise.resolve(new Response(null, { status: 204 }));
        return nativeFetch.apply(this, arguments);
      };
    }

    // XHR: send() of a known tracker does nothing; an asynchronous one to an unknown host is
    // sent once the answer allows it (unless open() or abort() came in between). A synchronous
    // XHR cannot wait: it goes through.
    var xhrs = typeof WeakMap === "function" ? new WeakMap() : null; // xhr -> {drop, ask}
    var XP = W.XMLHttpRequest && XMLHttpRequest.prototype;
    wrap(XP, "open", function (orig) {
      return function (method, url, async) {
        var j = judged(url, "xmlhttprequest", false);
        var sync = arguments.length > 2 && !async;
        if (xhrs) xhrs.set(this, { drop: guarded(j), ask: j && j.ask && !sync ? j.ask : null });
        return orig.apply(this, arguments);
      };
    });
    wrap(XP, "send", function (orig) {
      return function () {
        var st = xhrs && xhrs.get(this), xhr = this, args = arguments;
        if (!st) return orig.apply(this, arguments);
        if (st.drop) return undefined;
        if (!st.ask) return orig.apply(this, arguments);
        ask(st.ask, "xmlhttprequest", function (e) {
          if (xhrs.get(xhr) === st && !outcome(e)) orig.apply(xhr, args);
        });
        return undefined;
      };
    });
    wrap(XP, "abort", function (orig) {
      return function () {
        if (xhrs) xhrs.delete(this);
        return orig.apply(this, arguments);
      };
    });

    // WebSocket and EventSource: their constructors cannot wait. A known tracker gets a
    // connection that fails (error, then close) like one the network refused — code handles
    // that, it rarely catches an exception. An unknown host connects, unless an answer or a
    // server hint is already there; the proxy is asked meanwhile, and a refused connection is
    // closed when the answer comes (the handshake has happened: a gap for unknown hosts).
    guardConnection("WebSocket", "websocket");
    guardConnection("EventSource", "xmlhttprequest");
  }

  /** Replaces constructor `W[name]` by one that judges the URL first. */
  function guardConnection(name, type) {
    var Native = W[name];
    if (typeof Native !== "function") return;
    var Guarded = function (url) {
      var j = null;
      try { j = judge(url, type, false); } catch (e) { report(e); }
      if (j && !j.ask) return failedConnection(Native, url, name === "WebSocket");
      var conn = arguments.length > 1 ? new Native(url, arguments[1]) : new Native(url);
      if (j && j.ask) {
        ask(j.ask, type, function (e) {
          if (outcome(e)) { try { conn.close(); } catch (x) { /* already closed */ } }
        });
      }
      return conn;
    };
    Guarded.prototype = Native.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) {
      if (k in Native) Guarded[k] = Native[k];
    });
    try {
      Object.defineProperty(Guarded, "name", { value: name });
      W[name] = Guarded;
    } catch (e) { report(e); }
  }
  /** A connection that never opens: readyState CONNECTING, then an error (and for a WebSocket
   *  a close event, code 1006) in the next task, as when the network refuses it. `instanceof`
   *  still holds; events go through an EventTarget of its own. */
  function failedConnection(Native, url, ws) {
    var c = Object.create(Native.prototype), et = new EventTarget();
    var href = String(url);
    try { href = new URL(href, D.baseURI).href; } catch (e) { /* the native one would throw */ }
    var own = {
      url: href, readyState: 0, withCredentials: false, protocol: "", extensions: "", bufferedAmount: 0,
      binaryType: "blob", onopen: null, onmessage: null, onerror: null, onclose: null,
      addEventListener: et.addEventListener.bind(et), removeEventListener: et.removeEventListener.bind(et),
      dispatchEvent: et.dispatchEvent.bind(et),
      send: function () {}, close: function () { c.readyState = ws ? 3 : 2; },
    };
    Object.keys(own).forEach(function (k) {
      Object.defineProperty(c, k, { value: own[k], writable: true, enumerable: true, configurable: true });
    });
    var fire = function (ev) {
      try { if (typeof c["on" + ev.type] === "function") c["on" + ev.type].call(c, ev); } catch (e) { setTimeout(function () { throw e; }); }
      et.dispatchEvent(ev);
    };
    setTimeout(function () {
      c.readyState = ws ? 3 : 2; // CLOSED
      fire(new Event("error"));
      if (ws) fire(new CloseEvent("close", { code: 1006, reason: "", wasClean: false }));
    }, 0);
    return c;
  }
