/* Shop front-end (first-party): cart drawer, quantity pickers, mini-cart count from /api/cart. */
(function () {
  'use strict';
  var cart = JSON.parse(localStorage.getItem('cart') || '[]');
  function render() {
    var n = cart.reduce(function (a, i) { return a + i.qty; }, 0);
    Array.prototype.forEach.call(document.querySelectorAll('[data-cart-count]'), function (el) { el.textContent = n; });
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-add-to-cart]');
    if (!b) return;
    cart.push({ sku: b.getAttribute('data-add-to-cart'), qty: 1 });
    localStorage.setItem('cart', JSON.stringify(cart));
    render();
    // Analytics is optional: the tag manager's dataLayer may or may not be there.
    window.dataLayer = window.dataLayer || [];
    window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: b.getAttribute('data-add-to-cart') }] } });
  });
  fetch('/api/cart').then(function (r) { return r.json(); }).then(function () {
    render();
    document.documentElement.setAttribute('data-site-ok-shopjs', '1');
  });
})();
