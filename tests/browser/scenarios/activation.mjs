// Activation after a choice: fallbacks, code that needs a reload, srcdoc frames, the shared-cache
// page, the demo, the site's own calls and vendor snippets.

import {
  sleep,
  check,
  waitFor,
  snippetFixtures,
  SITE_SHAPES,
  proxyUrl,
  sharedUrl,
  demoUrl,
  newContext,
  openShop,
  state,
  scenario,
} from '../harness.mjs';

scenario('the JSON post fails: the banner falls back to the plain form post', async () => {
  const t = await newContext();
  let aborted = 0;
  await t.ctx.route('**/__consent', (route) => {
    const r = route.request();
    if (r.method() === 'POST' && (r.headers()['content-type'] || '').includes('json')) { aborted += 1; return route.abort(); }
    return route.continue();
  });
  await openShop(t);
  await t.page.evaluate(() => { window.__marker = 11; });
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="reject_all"]')]);
  check(aborted === 1, `JSON posts seen: ${aborted}`);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'no form submission happened');
  check(new URL(t.page.url()).pathname === '/', `landed on ${t.page.url()}`);
  const s = await state(t);
  check(s.decided && s.granted.join() === 'necessary', `state after the fallback: ${JSON.stringify(s.granted)}`);
  check(await t.page.locator('#consent-proxy.cp-shield').count() === 1, 'no shield');
  await t.ctx.close();
});

scenario('a granted inline tag that uses document.write reloads the page instead', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/write.html');
  await t.page.evaluate(() => { window.__marker = 12; });
  check(await t.page.locator('#written').count() === 0, 'written before consent');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="save"]')]);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'the page did not reload');
  check(await t.page.locator('#written').count() === 1, 'the tag did not write after the reload');
  check(await t.page.evaluate(() => window.__writeRuns) === 1, 'the tag ran more than once');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('a granted inline tag that waits for the load event reloads the page once it has loaded', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/onload.html');
  await t.page.evaluate(() => { window.__marker = 13; });
  check(await t.page.locator('#after-load').count() === 0, 'ran before consent');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[value="analytics"]');
  await Promise.all([t.page.waitForEvent('load', { timeout: 5000 }), t.page.click('#consent-proxy button[value="save"]')]);
  check(await t.page.evaluate(() => window.__marker) === undefined, 'the page did not reload');
  await waitFor(() => t.page.locator('#after-load').count(), 3000, 'the tag doing its work on load after the reload');
  check(await t.page.evaluate(() => window.__onloadRuns) === 1, 'the tag ran more than once');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('iframe srcdoc and speculation rules: restored as they were once granted', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/frames.html');
  await sleep(500);
  check(t.requests.length === 0 && await t.page.evaluate(() => window.__wholeRan) === undefined, `before consent: ${t.hosts()}`);
  await t.page.evaluate(() => { window.__marker = 16; });
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.page.evaluate(() => window.__wholeRan === 1), 3000, 'the srcdoc document to run');
  await waitFor(() => t.hit('connect.facebook.net'), 3000, 'the tracker inside the srcdoc');
  const r = await t.page.evaluate(() => [window.__marker, [...document.scripts].filter((s) => s.type === 'speculationrules' && s.text.includes('speculation')).length]);
  check(r.join() === '16,1', `marker, active speculation rules: ${r}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
  // Trackers made inert inside a srcdoc attribute cannot be activated in place: reload.
  const u = await newContext();
  await u.page.goto(proxyUrl + '/frames2.html');
  await sleep(300);
  check(u.requests.length === 0, `before consent: ${u.hosts()}`);
  await Promise.all([u.page.waitForEvent('load', { timeout: 5000 }), u.page.click('#consent-proxy button[value="accept_all"]')]);
  await waitFor(() => u.requests.some((q) => q.url.includes('id=srcdoc')), 3000, 'the pixel inside the srcdoc after the reload');
  check(u.errors.length === 0, `page errors: ${u.errors.join('; ')}`);
  await u.ctx.close();
});

scenario('cache_mode = "shared": one inert page for all; banner.js activates what the cookie grants', async () => {
  const t = await newContext();
  await t.page.goto(sharedUrl + '/');
  await waitFor(() => t.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await sleep(700);
  check(t.hosts().length === 0, `tracker requests before any choice: ${t.hosts().join(', ')}`);
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.hit('connect.facebook.net'), 5000, 'Meta after accepting');
  // The next page comes from the shared (inert) HTML: banner.js reads the cookie and activates.
  t.requests.length = 0;
  await t.page.reload();
  for (const h of ['www.googletagmanager.com', 'connect.facebook.net', 'www.youtube.com']) {
    await waitFor(() => t.hit(h), 5000, `${h} activated from the cookie on the shared page`);
  }
  check(await t.page.locator('#consent-proxy.cp-shield summary').isVisible(), 'the shield replaces the banner');
  const html = await (await fetch(sharedUrl + '/')).text();
  check(html.includes('data-shared="1"') && html.includes('cp-banner'), 'the shared HTML is the undecided page');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();

  const r = await newContext();
  await r.page.goto(sharedUrl + '/');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await sleep(300);
  r.requests.length = 0;
  await r.page.reload();
  await waitFor(() => r.page.evaluate(() => window.__appDone === true), 3000, 'app.js');
  await sleep(700);
  check(r.hosts().length === 0, `a visitor who refused got tracker requests from the shared page: ${r.hosts().join(', ')}`);
  await r.ctx.close();
});

scenario('`consent-proxy demo`: the banner in the visitor\'s language; only allowed trackers load', async () => {
  const demoTrackers = ['www.googletagmanager.com', 'connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'];
  const t = await newContext({ locale: 'sv-SE' });
  await t.page.goto(demoUrl + '/');
  await sleep(700);
  check(t.hosts().length === 0, `tracker requests before any choice: ${t.hosts().join(', ')}`);
  check(await t.page.locator('#consent-proxy[role="dialog"] button[value="accept_all"]').innerText() === 'Godkänn alla', 'not Swedish');
  await t.page.click('#consent-proxy summary'); // Settings
  await t.page.check('#consent-proxy input[value="analytics"]');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(() => t.hit('www.googletagmanager.com'), 5000, 'Google Analytics after allowing analytics');
  await sleep(500);
  const marketing = t.hosts().filter((h) => ['connect.facebook.net', 'www.facebook.com', 'js.hs-scripts.com', 'www.youtube.com'].includes(h));
  check(marketing.length === 0, `marketing trackers loaded after analytics only: ${marketing.join(', ')}`);
  await t.ctx.close();

  const a = await newContext({ locale: 'en-GB' });
  await a.page.goto(demoUrl + '/');
  await a.page.click('#consent-proxy button[value="accept_all"]');
  for (const h of ['www.googletagmanager.com', 'connect.facebook.net', 'js.hs-scripts.com', 'www.youtube.com']) {
    await waitFor(() => a.hit(h), 5000, `${h} after accepting all`);
  }
  await a.ctx.close();

  const r = await newContext();
  await r.page.goto(demoUrl + '/');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await sleep(300);
  await r.page.reload();
  await sleep(700);
  const loaded = r.hosts().filter((h) => demoTrackers.includes(h));
  check(loaded.length === 0, `trackers after rejecting: ${loaded.join(', ')}`);
  await r.ctx.close();
});

scenario('the site\'s own code calls fbq, dataLayer.push and _hsq.push, then works: undecided and rejected', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/appwork.html');
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, undecided');
  check(await t.page.textContent('#app') === 'Cart ready: 3 mugs', 'the app did not render, undecided');
  await t.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => t.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  await t.page.reload();
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, after rejecting');
  check(await t.page.textContent('#app') === 'Cart ready: 3 mugs', 'the app did not render, rejected');
  await sleep(500);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((r) => r.url).join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('vendor snippets: alone they are made inert; mixed with site code they run, load nothing, throw nothing', async () => {
  const fixtures = snippetFixtures();
  const t = await newContext();
  await t.page.goto(proxyUrl + '/snippets.html');
  await waitFor(() => t.page.evaluate(() => window.__bundle === 'ok'), 5000, "the site's bundle");
  await sleep(800);
  const seen = await t.page.evaluate(() => ({
    ran: window.__ran || [],
    caught: window.__caught || [],
    inert: [...document.querySelectorAll('script[data-alone]')]
      .filter((s) => s.type === 'text/plain' && s.hasAttribute('data-consent-category')).map((s) => s.dataset.alone),
  }));
  const want = fixtures.flatMap((f) => Object.keys(SITE_SHAPES).map((shape) => `${f.name}/${shape}`));
  const missing = want.filter((w) => !seen.ran.includes(w));
  check(missing.length === 0, `mixed scripts that did not run to their end: ${missing.join(', ')} (page errors: ${t.errors.join('; ')})`);
  const live = fixtures.map((f) => f.name).filter((n) => !seen.inert.includes(n));
  check(live.length === 0, `snippets alone that were not made inert: ${live.join(', ')}`);
  check(seen.caught.length === 0, `snippets threw inside try: ${seen.caught.join('; ')}`);
  check(t.requests.length === 0, `tracker requests: ${[...new Set(t.requests.map((r) => r.url))].join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});
