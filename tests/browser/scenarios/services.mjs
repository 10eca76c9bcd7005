// Consent per service: one embed's service alone, one service refused inside a granted category,
// the guard with only a service refused, and the same without JavaScript.

import {
  sleep,
  check,
  waitFor,
  proxyUrl,
  newContext,
  openShop,
  state,
  scenario,
} from '../harness.mjs';

scenario('placeholder "Always allow YouTube": the video loads without a reload; YouTube only, other marketing stays out (after a reload too)', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.evaluate(() => { window.__marker = 9; });
  const frame = t.page.frameLocator('#video');
  check(await frame.locator('a', { hasText: 'Load once' }).count() === 1, 'no "Load once" link in the placeholder');
  await frame.locator('button', { hasText: 'Always allow YouTube' }).click();
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video to load');
  check(await t.page.evaluate(() => window.__marker) === 9, 'the page reloaded');
  const s = await state(t);
  check(s.decided && s.granted.join() === 'necessary', `categories ${s.granted}`);
  check(JSON.stringify(s.services.granted) === '["youtube"]' && s.services.refused.length === 0, `services ${JSON.stringify(s.services)}`);
  const others = () => ['connect.facebook.net', 'www.facebook.com', 'www.googletagmanager.com', 'www.google-analytics.com'].filter((h) => t.hit(h));
  check(others().length === 0, `other trackers loaded: ${others()}`);
  // After a reload: the video is served live, everything else of marketing stays inert.
  t.requests.length = 0;
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after a reload');
  check(await t.page.locator('iframe#video[data-consent-category]').count() === 0, 'the video is still held after a reload');
  check(others().length === 0, `other trackers loaded after a reload: ${others()}`);
  const c = await t.cookies();
  check(!c._fbp && !c._ga, `the origin's tracking cookies were let through: ${Object.keys(c)}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('settings per service: marketing on, Meta Pixel off; its scripts and cookie stay out, YouTube loads (after a reload too)', async () => {
  const t = await newContext();
  await openShop(t);
  await t.page.click('#consent-proxy details.cp-settings summary');
  const meta = t.page.locator('#consent-proxy input[name="services"][value="meta-pixel"]');
  const yt = t.page.locator('#consent-proxy input[name="services"][value="youtube"]');
  check(await meta.count() === 1 && await yt.count() === 1, 'the settings layer does not list Meta Pixel and YouTube under marketing');
  await t.page.check('#consent-proxy input[name="categories"][value="marketing"]');
  check(await meta.isChecked() && await yt.isChecked(), 'the category box did not check its services');
  await meta.uncheck();
  const mixed = await t.page.evaluate(() => document.querySelector('#consent-proxy input[name="categories"][value="marketing"]').indeterminate);
  check(mixed, 'the marketing box does not show the mixed state');
  await t.page.click('#consent-proxy button[value="save"]');
  await waitFor(async () => (await state(t)).decided, 5000, 'the decision');
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video');
  const s = await state(t);
  check(s.granted.join() === 'necessary,marketing', `categories ${s.granted}`);
  check(JSON.stringify(s.services.refused) === '["meta-pixel"]', `services ${JSON.stringify(s.services)}`);
  const meta1 = () => t.requests.filter((r) => r.host === 'connect.facebook.net' || (r.host === 'www.facebook.com' && r.url.includes('/tr'))).map((r) => r.url);
  check(meta1().length === 0, `Meta Pixel loaded: ${meta1()}`);
  t.requests.length = 0;
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after a reload');
  check(meta1().length === 0, `Meta Pixel loaded after a reload: ${meta1()}`);
  const c = await t.cookies();
  check(!c._fbp, `_fbp (Meta Pixel's) was let through: ${Object.keys(c)}`);
  await t.page.click('#consent-proxy details summary');
  check(await t.page.locator('#consent-proxy input[name="services"][value="meta-pixel"]').isChecked() === false, 'the shield does not show Meta Pixel refused');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('everything granted but Meta Pixel: the guard still stops what scripts insert for it; the API tells', async () => {
  const t = await newContext();
  const r = await t.page.request.post(`${proxyUrl}/__consent`, { data: { action: 'save', categories: ['analytics', 'marketing'], services: { 'meta-pixel': false } } });
  check(r.status() === 200, `decision: ${r.status()}`);
  await openShop(t);
  await waitFor(() => t.hit('www.youtube.com') && t.hit('www.googletagmanager.com'), 5000, 'the granted trackers');
  const pixel = t.requests.filter((q) => q.host === 'connect.facebook.net' || (q.host === 'www.facebook.com' && q.url.includes('/tr'))).map((q) => q.url);
  check(pixel.length === 0, `Meta Pixel loaded (app.js inserts it at runtime): ${pixel}`);
  const api = await t.page.evaluate(() => [window.consentProxy.isGranted('marketing'), window.consentProxy.isGranted('marketing', 'meta-pixel'), window.consentProxy.services]);
  check(api[0] === true && api[1] === false && api[2]['meta-pixel'] === false, `consentProxy: ${JSON.stringify(api)}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('no JavaScript, per service: YouTube alone by the form post, then marketing without Meta Pixel; the noscript pixel stays out', async () => {
  const t = await newContext({ javaScriptEnabled: false });
  await t.page.goto(proxyUrl + '/');
  await t.page.click('#consent-proxy details.cp-settings summary');
  await t.page.check('#consent-proxy input[name="services"][value="youtube"]');
  await Promise.all([t.page.waitForURL(proxyUrl + '/', { timeout: 5000, waitUntil: 'load' }), t.page.click('#consent-proxy button[value="save"]')]);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video after the form post');
  check(!t.hit('www.facebook.com'), 'the noscript pixel loaded with YouTube alone granted');
  let s = await (await t.page.request.get(proxyUrl + '/__consent')).json();
  check(s.granted.join() === 'necessary' && JSON.stringify(s.services.granted) === '["youtube"]', `state ${JSON.stringify([s.granted, s.services])}`);
  // The shield: marketing on, and without JavaScript each service box as the visitor sets it
  // (what is shown is what is saved): every one of marketing's on but Meta Pixel's.
  t.requests.length = 0;
  await t.page.click('#consent-proxy details summary');
  await t.page.check('#consent-proxy input[name="categories"][value="marketing"]');
  const boxes = t.page.locator('#consent-proxy input[name="services"][data-category="marketing"]');
  check(await boxes.count() >= 2, `marketing lists ${await boxes.count()} services`);
  for (const b of await boxes.all()) {
    if (await b.getAttribute('value') === 'meta-pixel') await b.uncheck(); else await b.check();
  }
  await Promise.all([t.page.waitForURL(proxyUrl + '/', { timeout: 5000, waitUntil: 'load' }), t.page.click('#consent-proxy button[value="save"]')]);
  s = await (await t.page.request.get(proxyUrl + '/__consent')).json();
  check(s.granted.join() === 'necessary,marketing' && JSON.stringify(s.services.refused) === '["meta-pixel"]', `state ${JSON.stringify([s.granted, s.services])}`);
  await waitFor(() => t.hit('www.youtube.com'), 5000, 'the video');
  await sleep(500);
  check(!t.hit('www.facebook.com'), 'the noscript Meta Pixel loaded although refused on its own');
  check(!(await t.cookies())._fbp, '_fbp was let through');
  await t.ctx.close();
});
