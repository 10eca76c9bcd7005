// The sites' origin: serves the corpus pages and their first-party assets from `pages/`, with
// small synthesised answers for first-party images, fonts and the JSON APIs the sites' code calls.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Starts the origin on 127.0.0.1:0 serving `root`; resolves to the listening server. */
export function startOrigin(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://origin');
    const send = (status, type, body) => { res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }); res.end(body); };
    const p = decodeURIComponent(url.pathname);
    if (p.startsWith('/static/img/') || p.startsWith('/wp-content/uploads/') || p === '/favicon.ico') return send(200, 'image/gif', GIF);
    if (p.startsWith('/static/fonts/')) return send(200, 'font/woff2', '');
    if (p.startsWith('/api/')) {
      const items = [1, 2, 3].map((i) => ({ id: i, title: `Item ${i}`, price: 10 * i }));
      return send(200, 'application/json', JSON.stringify({ ok: true, path: p, items }));
    }
    if (req.method === 'POST') { req.resume(); return send(204, 'text/plain', ''); }
    const file = path.join(root, path.normalize(p).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(404, 'text/plain', 'not found\n');
    send(200, TYPES[path.extname(file)] || 'application/octet-stream', fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
