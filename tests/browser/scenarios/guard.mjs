// The client guard at runtime: hosts only the filter lists know, other runtime paths, CSS set at
// runtime, holding while the proxy is asked.

import {
  sleep,
  Failure,
  check,
  waitFor,
  proxyUrl,
  listsProxy,
  newContext,
  scenario,
} from '../harness.mjs';

scenario('hosts only the proxy\'s filter list knows: hinted by the server or asked once, blocked until "Accept all", then loaded', async () => {
  const LONGTAIL = ['cdn.longtail-adtech.example', 'px.adpixel-longtail.example'];
  let base;
  try {
    base = await listsProxy();
  } catch (e) {
    throw new Failure(`the proxy did not start with [[trackers.lists]]: ${String(e.message).split('\n').slice(0, 3).join(' ')}`);
  }
  const t = await newContext();
  await t.page.goto(base + '/longtail.html');
  await waitFor(() => t.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, undecided');
  await waitFor(() => t.asks.length > 0, 3000, 'a question to /__consent/classify');
  await sleep(800);
  check(t.asks.every((a) => a.status === 200 && Array.isArray(a.verdicts)), `classify answers: ${JSON.stringify(t.asks)}`);
  const asked = t.asks.flatMap((a) => a.asked.map((q) => `${q.type} ${q.url}`));
  // The hosts the site's code names come with the proxy's verdicts, right after that code: what
  // it inserts at DOMContentLoaded is decided in the page, without asking. The library from a
  // host no list names is asked about.
  const hinted = await t.page.evaluate(() => [...document.querySelectorAll('script[data-consent-verdicts]')]
    .map((e) => Object.keys(JSON.parse(e.textContent).hosts).join(' ')).join(' '));
  check(hinted === 'cdn.longtail-adtech.example px.adpixel-longtail.example', `the server's hints: ${hinted}`);
  check(asked.includes('script https://cdn.friendly-cdn.example/lib.js'), `not asked: the unlisted library (asked: ${asked.join(', ')})`);
  for (const q of ['script https://cdn.longtail-adtech.example/tag.js', 'image https://px.adpixel-longtail.example/p.gif?id=1']) {
    check(!asked.includes(q), `asked although the page's hint decides it: ${q}`);
  }
  check(new Set(asked).size === asked.length, `asked twice: ${asked.join(', ')}`);
  const held = t.requests.filter((r) => LONGTAIL.includes(r.host));
  check(held.length === 0, `requests before any choice: ${held.map((r) => r.url).join(', ')}`);
  // A third-party library that no list names is let through once the proxy has answered.
  await waitFor(() => t.page.evaluate(() => window.__friendly === 1), 3000, 'the unlisted CDN library to run');
  const el = await t.page.evaluate(() => ['lt-tag', 'lt-written', 'lt-pixel'].map((id) => {
    const e = document.getElementById(id);
    return e && [e.getAttribute('type'), e.hasAttribute('src'), e.dataset.consentSrc, e.dataset.consentCategory, e.dataset.consentProvider].join();
  }));
  check(el[0] === 'text/plain,false,https://cdn.longtail-adtech.example/tag.js,marketing,longtail-adtech.example', `the tag: ${el[0]}`);
  check(el[1] && el[1].startsWith('text/plain,false,https://cdn.longtail-adtech.example/written.js,marketing'), `the written tag: ${el[1]}`);
  check(el[2] && el[2].startsWith(',false,https://px.adpixel-longtail.example/p.gif?id=1,marketing'), `the pixel: ${el[2]}`);
  // "Accept all": they load, without a reload; from then on nothing is asked.
  await t.page.evaluate(() => { window.__marker = 22; });
  await t.page.click('#consent-proxy button[value="accept_all"]');
  for (const h of LONGTAIL) await waitFor(() => t.hit(h), 5000, `a request to ${h} after accepting`);
  await waitFor(() => t.page.evaluate(() => window.__longtail === 2), 3000, 'both long-tail tags to run once');
  check(await t.page.evaluate(() => window.__marker) === 22, 'the page reloaded');
  const n = t.asks.length;
  await t.page.evaluate(() => { const i = document.createElement('img'); i.src = 'https://img.other-unknown.example/a.gif'; document.body.appendChild(i); });
  await waitFor(() => t.hit('img.other-unknown.example'), 3000, 'an unknown host, everything granted');
  await sleep(200);
  check(t.asks.length === n, 'asked although every category is granted');
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
  // Rejected: after a reload, still nothing reaches them; the app works.
  const r = await newContext();
  await r.page.goto(base + '/longtail.html');
  await r.page.click('#consent-proxy button[value="reject_all"]');
  await waitFor(() => r.page.evaluate(() => !!document.querySelector('#consent-proxy.cp-shield')), 5000, 'the shield');
  await r.page.reload();
  await waitFor(() => r.page.evaluate(() => window.__appWork === 1), 3000, 'the app work, rejected');
  await sleep(800);
  const leaked = r.requests.filter((q) => LONGTAIL.includes(q.host));
  check(leaked.length === 0, `requests after rejecting: ${leaked.map((q) => q.url).join(', ')}`);
  check(r.hit('cdn.friendly-cdn.example'), 'the unlisted CDN library did not load after rejecting');
  check(r.errors.length === 0, `page errors: ${r.errors.join('; ')}`);
  await r.ctx.close();
});

scenario('other runtime paths to trackers: SVG script/image, document.write, WebSocket, EventSource, beacon, fetch, XHR, a server hint', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const SVG = 'http://www.w3.org/2000/svg';
    const XLINK = 'http://www.w3.org/1999/xlink';
    const svg = document.createElementNS(SVG, 'svg');
    document.body.appendChild(svg);
    const s1 = document.createElementNS(SVG, 'script');
    s1.setAttribute('href', 'https://connect.facebook.net/svg1.js');
    svg.appendChild(s1);
    const s2 = document.createElementNS(SVG, 'script');
    s2.setAttributeNS(XLINK, 'xlink:href', 'https://connect.facebook.net/svg2.js');
    svg.appendChild(s2);
    const im = document.createElementNS(SVG, 'image');
    im.setAttribute('width', '1'); im.setAttribute('height', '1');
    im.setAttribute('href', 'https://www.facebook.com/tr?id=svgimage');
    svg.appendChild(im);
    const desc = (e) => [e.getAttribute('type'), e.hasAttribute('href') || e.hasAttribute('xlink:href'), e.dataset.consentHref, e.dataset.consentCategory].join();
    const ws = new WebSocket('wss://www.facebook.com/ws');
    const wsEvents = await new Promise((res) => {
      const ev = [];
      ws.onerror = () => ev.push('error');
      ws.addEventListener('close', (e) => { ev.push(`close:${e.code}`); res(ev); });
      setTimeout(() => res(ev), 2000);
    });
    const es = new EventSource('https://www.google-analytics.com/events');
    const esState = await new Promise((res) => { es.onerror = () => res(es.readyState); setTimeout(() => res('timeout'), 2000); });
    const beacon = navigator.sendBeacon('https://www.facebook.com/tr?id=beacon', 'x');
    const fetched = await fetch('https://www.facebook.com/tr?id=fetch', { mode: 'no-cors' }).then((x) => x.status, () => 'error');
    const xhr = new XMLHttpRequest();
    xhr.open('GET', 'https://www.google-analytics.com/collect?id=xhr');
    xhr.send();
    const hinted = document.createElement('img');
    hinted.src = 'https://cdn.hinted-tracker.example/p.gif';
    const written = [document.getElementById('w-pixel'), document.getElementById('w-script')];
    return {
      svg1: desc(s1), svg2: desc(s2), image: desc(im),
      ws: [ws instanceof WebSocket, ws.readyState, wsEvents.join('+')].join(), es: [es instanceof EventSource, esState].join(),
      beacon, fetched, hinted: [hinted.hasAttribute('src'), hinted.dataset.consentCategory, hinted.dataset.consentProvider].join(),
      written: written.map((e) => e && [e.hasAttribute('src'), e.dataset.consentCategory].join()).join('|'),
    };
  });
  check(r.svg1 === 'text/plain,false,https://connect.facebook.net/svg1.js,marketing', `SVG script (href): ${r.svg1}`);
  check(r.svg2 === 'text/plain,false,https://connect.facebook.net/svg2.js,marketing', `SVG script (xlink:href): ${r.svg2}`);
  check(r.image === ',false,https://www.facebook.com/tr?id=svgimage,marketing', `SVG image: ${r.image}`);
  check(r.ws === 'true,3,error+close:1006', `WebSocket to a tracker (instanceof, readyState, events): ${r.ws}`);
  check(r.es === 'true,2', `EventSource to a tracker (instanceof, readyState on error): ${r.es}`);
  check(r.beacon === true && r.fetched === 204, `beacon/fetch should look sent: ${r.beacon}, ${r.fetched}`);
  check(r.hinted === 'false,marketing,hinted.example', `the host named by the page's hint: ${r.hinted}`);
  check(r.written === 'false,marketing|false,marketing', `document.write of tracker markup: ${r.written}`);
  await sleep(800);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((q) => `${q.type} ${q.url}`).join(', ')}`);
  check(!t.asks.some((a) => a.asked.some((q) => q.url.includes('hinted-tracker'))), 'asked about a host the page\'s hint names');
  // Granted: the SVG scripts and image load without a reload.
  await t.page.click('#consent-proxy button[value="accept_all"]');
  for (const u of ['svg1.js', 'svg2.js', 'id=svgimage']) {
    await waitFor(() => t.requests.some((q) => q.url.includes(u)), 5000, `${u} after accepting`);
  }
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('CSS set at runtime: tracker url()s and @imports dropped when refused, the site\'s own CSS kept', async () => {
  const t = await newContext();
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const fb = 'https://www.facebook.com/tr?id=';
    const box = (i) => document.getElementById(`box${i}`);
    box(1).style.backgroundImage = `url(${fb}css1)`;
    box(2).style.setProperty('background-image', `url("${fb}css2")`);
    box(3).style.cssText = `width:20px;height:20px;color: red; background: url(${fb}css3) no-repeat`;
    box(4).setAttribute('style', `width:20px;height:20px;background-image: url('${fb}css4'); color: blue`);
    box(5).style = `width:20px;height:20px;background-image:url(${fb}css5)`;
    const a = document.createElement('style');
    a.textContent = `.css-a{background:url(${fb}css6)} .css-own{background-image:url(/own.png)}`;
    document.head.appendChild(a);
    const b = document.createElement('style');
    document.head.appendChild(b);
    b.appendChild(document.createTextNode(`@import url(https://connect.facebook.net/x.css); .css-b{background-image:url(${fb}css7);color:green}`));
    const c = document.createElement('style');
    document.head.appendChild(c);
    c.sheet.insertRule(`.css-c{background-image:url(${fb}css8)}`, 0);
    c.sheet.insertRule('@import url("https://connect.facebook.net/y.css");', 0);
    await new Promise((res) => setTimeout(res, 500));
    const cs = (el) => getComputedStyle(el);
    return {
      boxes: [1, 2, 3, 4, 5].map((i) => cs(box(i)).backgroundImage).join(),
      colors: [cs(box(3)).color, cs(box(4)).color, cs(document.querySelector('.css-b')).color].join(),
      own: cs(document.querySelector('.css-own')).backgroundImage, rules: c.sheet.cssRules.length,
    };
  });
  check(r.boxes === 'none,none,none,none,none', `inline styles: ${r.boxes}`);
  check(r.colors === 'rgb(255, 0, 0),rgb(0, 0, 255),rgb(0, 128, 0)', `the rest of the declarations: ${r.colors}`);
  check(/\/own\.png/.test(r.own), `the site's own url(): ${r.own}`);
  check(r.rules === 2, `insertRule: ${r.rules} rules`);
  await sleep(500);
  check(t.requests.length === 0, `tracker requests: ${t.requests.map((q) => q.url).join(', ')}`);
  check(t.errors.length === 0, `page errors: ${t.errors.join('; ')}`);
  await t.ctx.close();
});

scenario('holding: fetch, XHR, beacons and pixels to unknown hosts wait for the answer; one question per task; a failed ask', async () => {
  const t = await newContext();
  // The proxy's answers, given here so that the guard's side is tested on its own: hosts with
  // "tracker" in their name are marketing.
  let down = false;
  await t.ctx.route('**/__consent/classify', (route) => {
    if (down) return route.fulfill({ status: 503, body: 'down' });
    const verdicts = route.request().postDataJSON().requests
      .map((q) => (new URL(q.url).hostname.includes('tracker') ? { category: 'marketing', provider: 'tracker-unknown.example' } : null));
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ verdicts }) });
  });
  await t.page.goto(proxyUrl + '/runtime.html');
  const r = await t.page.evaluate(async () => {
    const out = {};
    const ok = fetch('https://api.ok-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    const bad = fetch('https://api.tracker-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => `${e.name}:${e.message}`);
    const x1 = new XMLHttpRequest();
    x1.open('POST', 'https://api.tracker-unknown.example/xhr');
    x1.send('x');
    const x2 = new XMLHttpRequest();
    x2.open('POST', 'https://api.ok-unknown.example/xhr');
    x2.send('x');
    out.beacons = [navigator.sendBeacon('https://b.tracker-unknown.example/b', 'x'), navigator.sendBeacon('https://b.ok-unknown.example/b', 'x')].join();
    const img = new Image();
    img.src = 'https://img.tracker-unknown.example/p.gif';
    out.held = [img.hasAttribute('src'), img.dataset.consentPending].join();
    const okImg = new Image();
    okImg.src = 'https://img.ok-unknown.example/a.gif';
    // A script parsed by innerHTML never runs: inserting it later must not make it run.
    const div = document.createElement('div');
    div.innerHTML = '<script id="inner-s" src="https://cdn.inner-unknown.example/x.js"><\/script><img id="inner-i" src="https://img.tracker-unknown.example/inner.gif">';
    document.body.appendChild(div);
    out.inner = [document.getElementById('inner-s').getAttribute('src'), document.getElementById('inner-i').dataset.consentPending].join();
    out.fetches = [await ok, await bad].join();
    await new Promise((res) => setTimeout(res, 300));
    out.img = [img.hasAttribute('src'), img.dataset.consentSrc, img.dataset.consentCategory, img.dataset.consentProvider, 'consentPending' in img.dataset].join();
    out.okImg = okImg.getAttribute('src');
    out.again = await fetch('https://api.ok-unknown.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    // A connection cannot wait: a host the page's hint names is refused at once.
    const ws = new WebSocket('wss://cdn.hinted-tracker.example/live');
    out.ws = await new Promise((res) => { ws.onclose = (e) => res([ws.readyState, e.code].join()); setTimeout(() => res('open?'), 2000); });
    return out;
  });
  check(r.fetches === 'sent,TypeError:Failed to fetch', `fetch (allowed, refused): ${r.fetches}`);
  check(r.held === 'false,image', `the pixel while asking: ${r.held}`);
  check(r.img === 'false,https://img.tracker-unknown.example/p.gif,marketing,tracker-unknown.example,false', `the refused pixel: ${r.img}`);
  check(r.okImg === 'https://img.ok-unknown.example/a.gif', `the allowed image: ${r.okImg}`);
  check(r.beacons === 'true,true' && r.again === 'sent', `beacons, fetch again: ${r.beacons}, ${r.again}`);
  check(r.ws === '3,1006', `WebSocket to a hinted host: ${r.ws}`);
  check(r.inner === 'https://cdn.inner-unknown.example/x.js,image', `innerHTML (script left alone, image held): ${r.inner}`);
  check(t.asks.length === 1 && t.asks[0].asked.length === 9, `questions: ${JSON.stringify(t.asks.map((a) => a.asked))}`);
  await sleep(300);
  const hosts = t.hosts();
  check(!hosts.some((h) => h.includes('tracker')), `requests to refused hosts: ${hosts}`);
  for (const h of ['api.ok-unknown.example', 'b.ok-unknown.example', 'img.ok-unknown.example']) check(t.hit(h), `nothing reached ${h}`);
  check(t.requests.filter((q) => q.host === 'api.ok-unknown.example').length === 3, 'the allowed fetches and XHR were not all sent');
  // The proxy cannot answer: a script waits as marketing, a fetch goes through, one warning.
  down = true;
  const f = await t.page.evaluate(async () => {
    const s = document.createElement('script');
    s.src = 'https://cdn.unknown-down.example/lib.js';
    document.head.appendChild(s);
    const res = await fetch('https://api.unknown-down.example/v1', { mode: 'no-cors' }).then(() => 'sent', (e) => e.name);
    const i = document.createElement('img');
    i.src = 'https://img.unknown-down.example/a.gif';
    document.body.appendChild(i);
    await new Promise((done) => setTimeout(done, 300));
    return [res, s.getAttribute('type'), s.dataset.consentCategory, i.hasAttribute('src')].join();
  });
  check(f === 'sent,text/plain,marketing,false', `when the proxy cannot answer (fetch, script, image): ${f}`);
  const warnings = t.errors.filter((e) => e.includes('classify failed'));
  check(warnings.length === 1 && t.errors.length === 1, `console: ${t.errors.join('; ')}`);
  check(!t.hit('cdn.unknown-down.example') && t.hit('api.unknown-down.example'), `requests: ${t.hosts()}`);
  // What the failure blocked is only inert: "Accept all" loads it without a reload.
  await t.page.click('#consent-proxy button[value="accept_all"]');
  await waitFor(() => t.hit('cdn.unknown-down.example') && t.hit('img.unknown-down.example'), 5000, 'the blocked script and image after accepting');
  await t.ctx.close();
});
