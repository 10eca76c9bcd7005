  /* ------------------------------------------------------------- the guard: the network -- */

  /** Requests straight from code: beacons, fetch, XHR. Answered as if they had been sent. */
  function installNetworkGuard() {
    wrap(W.Navigator && Navigator.prototype, "sendBeacon", function (orig) {
      return function (url) { return refusedUrl(url, true) ? true : orig.apply(this, arguments); };
    });
    if (typeof nativeFetch === "function") {
      W.fetch = function (input) {
        var u = input && typeof input === "object" && "url" in input ? input.url : input;
        var blocked = false;
        try { blocked = !!refusedUrl(u); } catch (e) { report(e); }
        if (blocked) return Promise.resolve(new Response(null, { status: 204 }));
        return nativeFetch.apply(this, arguments);
      };
    }
    var droppedXhr = new WeakSet();
    wrap(W.XMLHttpRequest && XMLHttpRequest.prototype, "open", function (orig) {
      return function (method, url) {
        if (refusedUrl(url)) droppedXhr.add(this); else droppedXhr.delete(this);
        return orig.apply(this, arguments);
      };
    });
    wrap(W.XMLHttpRequest && XMLHttpRequest.prototype, "send", function (orig) {
      return function () { return droppedXhr.has(this) ? undefined : orig.apply(this, arguments); };
    });
  }
