// Prints one configuration's results: a row per page, then recall, leaks by host, broken site
// scripts and collateral. Returns whether the configuration meets the asserted bar.

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

export function report(config, scores, manifest, floor) {
  console.log(`\n== ${config.name}: ${config.label}`);
  console.log(`${pad('page', 30)}${lpad('elements', 9)}${lpad('static', 8)}${lpad('browser', 9)}${lpad('leaked', 8)}${lpad('broken', 8)}${lpad('blocked', 9)}`);
  const all = [];
  const failedPages = [];
  for (const s of scores) {
    if (s.failed) { failedPages.push(s); console.log(`${pad(s.file, 30)} FAILED TO RUN: ${s.failed}`); continue; }
    all.push(s);
    const st = s.elements.filter((e) => e.isStatic);
    const br = s.elements.filter((e) => e.inBrowser);
    const leaked = s.elements.filter((e) => e.staticLeak || e.browserLeak);
    console.log(`${pad(s.file, 30)}${lpad(s.elements.length, 9)}${lpad(`${st.filter((e) => e.staticLeak).length}/${st.length}`, 8)}` +
      `${lpad(`${br.filter((e) => e.browserLeak).length}/${br.length}`, 9)}${lpad(leaked.length, 8)}` +
      `${lpad(new Set(s.broken.map((b) => b.marker)).size, 8)}${lpad(s.blocked.length, 9)}`);
  }
  const els = all.flatMap((s) => s.elements.map((e) => ({ ...e, page: s.file })));
  const st = els.filter((e) => e.isStatic);
  const br = els.filter((e) => e.inBrowser);
  const measurable = els.filter((e) => e.isStatic || e.inBrowser);
  const leaked = measurable.filter((e) => e.staticLeak || e.browserLeak);
  const stLeaks = st.filter((e) => e.staticLeak).length;
  const brLeaks = br.filter((e) => e.browserLeak).length;
  const recall = measurable.length ? 1 - leaked.length / measurable.length : 0;
  console.log(`\n${all.length} pages, ${measurable.length} tracker elements (${st.length} in static markup, ${br.length} requested by a browser without the proxy)`);
  console.log(`recall: static ${pct(st.length - stLeaks, st.length)} (${stLeaks} still loadable), ` +
    `in-browser ${pct(br.length - brLeaks, br.length)} (${brLeaks} requested), ` +
    `overall ${pct(measurable.length - leaked.length, measurable.length)} (${leaked.length} of ${measurable.length} leaked)`);

  const byHost = new Map();
  for (const s of all) {
    for (const q of s.trackerRequests) {
      const h = byHost.get(q.key) || { n: 0, pages: new Set(), phases: new Set() };
      h.n += 1; h.pages.add(s.file.replace(/\.html$/, '')); h.phases.add(q.phase);
      byHost.set(q.key, h);
    }
  }
  console.log(`leaks by host (requests to tracker hosts; ${[...byHost.values()].reduce((a, h) => a + h.n, 0)} in all):`);
  if (!byHost.size) console.log('  none');
  for (const [k, h] of [...byHost].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`  ${pad(k, 34)} ×${lpad(h.n, 3)}  ${manifest.hosts.trackers[k] || ''} [${[...h.phases].join(', ')}] in ${[...h.pages].join(', ')}`);
  }
  const staticOnly = leaked.filter((e) => e.staticLeak && !e.browserLeak);
  if (staticOnly.length) {
    console.log('still loadable in the served markup (no request seen with JavaScript on):');
    for (const e of staticOnly) console.log(`  ${pad(e.page.replace(/\.html$/, ''), 24)} ${e.el} ${e.url}`);
  }

  const broken = all.flatMap((s) => {
    const byMarker = new Map();
    for (const b of s.broken) byMarker.set(b.marker, [...(byMarker.get(b.marker) || []), b.phase]);
    return [...byMarker].map(([marker, phases]) => ({ page: s.file, marker, phases, errors: s.errors,
      inert: s.inert.filter((i) => i.markers.includes(marker)) }));
  });
  console.log(`broken site scripts: ${broken.length}`);
  for (const b of broken) {
    const errs = [...new Set(b.errors.map((e) => e.message))].slice(0, 3).join(' | ');
    const why = b.inert.map((i) => `served inert as ${i.category || '?'}/${i.provider || '?'}${i.src ? ` (${i.src})` : ''}`).join('; ');
    console.log(`  ${pad(b.page, 30)} data-site-ok-${b.marker} missing (${b.phases.join(', ')})${why ? `; ${why}` : ''}${errs ? `; page errors: ${errs}` : ''}`);
  }
  const otherErrors = all.filter((s) => s.errors.length && !s.broken.length);
  for (const s of otherErrors) console.log(`  (no marker lost) ${pad(s.file, 30)} page errors: ${[...new Set(s.errors.map((e) => e.message))].slice(0, 3).join(' | ')}`);
  const blocked = all.flatMap((s) => s.blocked.map((h) => ({ page: s.file, h })));
  console.log(`collateral (required third parties not requested): ${blocked.length}`);
  for (const b of blocked) console.log(`  ${pad(b.page, 30)} ${b.h} (${manifest.hosts.required[b.h]})`);
  const noBanner = all.filter((s) => !s.reject.clicked);
  if (noBanner.length) console.log(`no "Reject all" button to click (form posted instead): ${noBanner.map((s) => s.file).join(', ')}`);
  const unclassified = [...new Set(all.flatMap((s) => s.unclassified))];
  if (unclassified.length) console.log(`requests to hosts the manifest does not classify: ${unclassified.join(', ')}`);

  const pass = failedPages.length === 0 && recall >= floor && broken.length === 0 && blocked.length === 0;
  if (config.asserted) {
    console.log(`${pass ? 'PASS' : 'FAIL'}: asserted recall ≥ ${floor * 100}% (is ${pct(measurable.length - leaked.length, measurable.length)}), ` +
      `0 broken site scripts (is ${broken.length}), 0 required third parties blocked (is ${blocked.length})` +
      `${failedPages.length ? `, ${failedPages.length} pages failed to run` : ''}`);
  }
  return { pass, recall, broken: broken.length, blocked: blocked.length };
}
