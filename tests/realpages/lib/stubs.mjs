// What the browser gets for a third-party URL. The harness answers every request to a host other
// than 127.0.0.1 itself (nothing reaches the internet). Trackers get an empty answer of the right
// type: their loaders then do nothing more, so what a page requests is exactly what the page
// itself (its markup, its vendor snippets, its own code) asks for. The non-tracker libraries the
// sites' own code depends on get a tiny stand-in that defines the global the site uses, so that
// blocking such a library shows up as broken site code, as it would on the real site.

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** [URL pattern, JavaScript] for the libraries the corpus' site code calls. */
const LIBRARIES = [
  [/jquery(-[\d.]+)?(\.min)?\.js|\/jquery@|\/jquery\/[\d.]+\//, `(function(){
    function Q(sel){ if (typeof sel === 'function') { if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function(){ sel(Q); }); else sel(Q); return; }
      var els = typeof sel === 'string' ? Array.prototype.slice.call(document.querySelectorAll(sel)) : [sel];
      var api = { length: els.length, each: function(f){ els.forEach(function(e,i){ f.call(e,i,e); }); return api; },
        on: function(ev, f){ els.forEach(function(e){ e.addEventListener(ev, f); }); return api; },
        addClass: function(c){ els.forEach(function(e){ e.classList.add(c); }); return api; },
        text: function(t){ els.forEach(function(e){ e.textContent = t; }); return api; },
        attr: function(n, v){ if (v === undefined) return els[0] && els[0].getAttribute(n); els.forEach(function(e){ e.setAttribute(n, v); }); return api; } };
      return api; }
    Q.fn = { jquery: '3.7.1' }; Q.ajax = function(o){ return fetch(o.url).then(function(r){ return r.json(); }).then(function(d){ o.success && o.success(d); }); };
    window.jQuery = window.$ = Q; })();`],
  [/alpinejs/, 'window.Alpine = { version: "3.14.1", start: function(){}, data: function(){} }; document.dispatchEvent(new CustomEvent("alpine:init"));'],
  [/swiper/, 'window.Swiper = function(el, o){ this.el = el; this.params = o; };'],
  [/js\.stripe\.com\/v3/, 'window.Stripe = function(k){ return { elements: function(){ return { create: function(){ return { mount: function(){} }; } }; }, redirectToCheckout: function(){ return Promise.resolve({}); } }; };'],
  [/\/recaptcha\/(api|enterprise)\.js/, 'window.grecaptcha = { ready: function(cb){ setTimeout(cb, 0); }, execute: function(){ return Promise.resolve("tok"); }, render: function(){ return 0; } };'],
  [/turnstile\/v0\/api\.js/, 'window.turnstile = { render: function(){ return "w0"; } };'],
  [/highlight(\.min)?\.js|highlightjs/, 'window.hljs = { highlightAll: function(){}, highlightElement: function(){} };'],
  [/katex(\.min)?\.js/, 'window.katex = { render: function(){} };'],
  [/auto-render(\.min)?\.js/, 'window.renderMathInElement = function(){};'],
  [/kit\.fontawesome\.com/, 'window.FontAwesomeKitConfig = { id: "kit" };'],
  [/react-dom(\.production)?(\.min)?\.js|react-dom@/, 'window.ReactDOM = { createRoot: function(el){ return { render: function(){ el.setAttribute("data-rendered", "1"); } }; } };'],
  [/\/react(\.production)?(\.min)?\.js|\/react@/, 'window.React = { createElement: function(t, p){ return { t: t, p: p }; } };'],
  [/@docsearch\/js/, 'window.docsearch = function(o){ return o; };'],
  [/mermaid/, 'window.mermaid = { initialize: function(){}, run: function(){ return Promise.resolve(); } };'],
  [/sentry-cdn\.com/, 'window.Sentry = { init: function(){}, captureException: function(){}, setTag: function(){} };'],
  [/mapbox-gl/, 'window.mapboxgl = { accessToken: "", Map: function(){ this.on = function(){}; this.addControl = function(){}; }, NavigationControl: function(){} };'],
  [/flatpickr/, 'window.flatpickr = function(){ return {}; };'],
  [/klarnacdn\.net\/kp\/lib/, 'window.Klarna = { Payments: { init: function(){}, load: function(o, d, cb){ cb && cb({ show_form: true }); } } };'],
  [/assets\.calendly\.com\/assets\/external\/widget\.js/, 'window.Calendly = { initBadgeWidget: function(){}, initInlineWidget: function(){} };'],
  [/lodash/, 'window._ = { debounce: function(f){ return f; }, throttle: function(f){ return f; } };'],
  [/dayjs/, 'window.dayjs = function(){ return { format: function(){ return "2025-11-30"; } }; };'],
  [/bootstrap(\.bundle)?(\.min)?\.js/, 'window.bootstrap = { Collapse: function(){}, Modal: function(){} };'],
  [/lazysizes/, 'window.lazySizes = { cfg: {} };'],
  [/glide(\.min)?\.js/, 'window.Glide = function(){ return { mount: function(){ return this; } }; };'],
  [/www\.paypal\.com\/sdk\/js/, 'window.paypal = { Buttons: function(){ return { render: function(){ return Promise.resolve(); } }; }, Messages: function(){ return { render: function(){} }; } };'],
  [/twemoji/, 'window.twemoji = { parse: function(n){ return n; } };'],
  [/donorbox\.org\/widget\.js/, 'window.DonorBox = { widgetLinkClassName: "custom-dbox-popup" };'],
  [/mc-validate\.js/, 'window.mc = window.mc || {}; (function(){ var jq = function(f){ if (typeof f === "function") f(jq); return jq; }; jq.noConflict = function(){ return jq; }; window.jQuery = window.jQuery || jq; })();'],
  [/vue(\.global)?(\.prod)?\.js|\/vue@/, 'window.Vue = { createApp: function(o){ return { mount: function(sel){ var e = document.querySelector(sel); e && e.setAttribute("data-v-app", ""); } }; } };'],
];

/**
 * Vendor scripts whose own inline loader calls back into them once loaded (an empty answer
 * would make the loader throw, which no real page does).
 */
const VENDOR_CALLBACKS = [
  [/bat\.bing\.com\/bat\.js/, 'window.UET = function(o){ this.push = function(){}; };'],
  [/tag\.aticdn\.net\/piano-analytics\.js/, 'window.pa = { setConfigurations: function(){}, sendEvent: function(){} };'],
  [/js\.adsrvr\.org\/up_loader/, 'window.ttd_dom_ready = function(f){ f(); }; window.TTDUniversalPixelApi = function(){ this.init = function(){}; };'],
];

/** The stubbed answer (for Playwright's `route.fulfill`) to a third-party request. */
export function stubFor(url, resourceType) {
  for (const [re, js] of LIBRARIES) {
    if (re.test(url) && (resourceType === 'script' || /\.js(\?|$)/.test(url))) {
      return { status: 200, contentType: 'text/javascript', body: js };
    }
  }
  for (const [re, js] of VENDOR_CALLBACKS) if (re.test(url)) return { status: 200, contentType: 'text/javascript', body: js };
  switch (resourceType) {
    case 'script': return { status: 200, contentType: 'text/javascript', body: '/* stub */' };
    case 'image': return { status: 200, contentType: 'image/gif', body: GIF };
    case 'stylesheet': return { status: 200, contentType: 'text/css', body: '/* stub */' };
    case 'font': return { status: 200, contentType: 'font/woff2', body: '' };
    case 'document': return { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>stub</title>' };
    case 'xhr': case 'fetch': return { status: 200, contentType: 'application/json', body: '{}' };
    case 'media': return { status: 200, contentType: 'audio/mpeg', body: '' };
    default: return { status: 204, body: '' };
  }
}
