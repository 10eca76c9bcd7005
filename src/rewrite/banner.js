/* consent-proxy banner.js — placeholder until the browser side lands. */
(function () {
  "use strict";
})();
