/* Daily site bundle (first-party): navigation, lazy images, reading time. No third parties. */
(function () {
  'use strict';
  var cfg = window.SITE || {};
  function ready(fn) { if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn); else fn(); }
  ready(function () {
    var toggle = document.querySelector('[data-nav-toggle]');
    var nav = document.querySelector('nav');
    if (toggle && nav) toggle.addEventListener('click', function () { nav.classList.toggle('open'); });
    var article = document.querySelector('article');
    if (article) {
      var words = article.textContent.trim().split(/\s+/).length;
      var rt = document.querySelector('[data-reading-time]');
      if (rt) rt.textContent = Math.max(1, Math.round(words / 230)) + ' min read';
    }
    Array.prototype.forEach.call(document.querySelectorAll('img[data-src]'), function (img) {
      if (img.getAttribute('data-src').charAt(0) === '/') img.src = img.getAttribute('data-src');
    });
    document.documentElement.setAttribute('data-site-ok-appjs', cfg.name || '1');
  });
})();
