#!/usr/bin/env node
// Real-browser tests of consent-proxy's banner.js: a Node origin serving a shop page with
// real-shaped tracker snippets, the proxy binary in front of it, headless Chromium in front of
// that. Every request to a host other than 127.0.0.1 is recorded and answered by a local stub
// that behaves like the vendor (sets its cookies, processes its queue). No internet is used.
//
//   CONSENT_PROXY_BIN  proxy binary (default: target/debug/consent-proxy under the repo root)
//   CHROMIUM_PATH      browser (default: /usr/bin/chromium)
//   ONLY=3,6           run only these scenarios
//   BANNER_SCRIPT_FILE another banner.js to test (default: the parts in src/rewrite/banner/,
//                      assembled as src/rewrite/assets.rs lists them)
//
// One line per scenario, then "N passed, M failed"; exit 1 on any failure.

//
// The scenarios are in scenarios/*.mjs (numbered in the order imported here); the origin, the
// proxies, the browser and the helpers in harness.mjs.

import { run } from './harness.mjs';
import './scenarios/banner.mjs';
import './scenarios/services.mjs';
import './scenarios/activation.mjs';
import './scenarios/guard.mjs';

await run();
