// Starts the consent-proxy binary in front of the origin with one list configuration.

import fs from 'node:fs';
import { spawn } from 'node:child_process';

/**
 * Starts `bin` with `configFile`; resolves to `{ child, url }` once it logs that it listens, or to
 * `{ error }` when it exits first (e.g. a config key this binary does not know yet).
 */
export function startProxy(bin, originPort, configFile, extraEnv = {}) {
  const child = spawn(bin, ['--upstream', `http://127.0.0.1:${originPort}`, '--listen', '127.0.0.1:0',
    '--admin', '127.0.0.1:0', '--config', configFile], {
    env: {
      ...process.env,
      CONSENT_PROXY__AUDIT__SINK: '/dev/null',
      CONSENT_PROXY__LOG__FORMAT: 'json',
      CONSENT_PROXY__LOG__ACCESS_LOG: 'false',
      CONSENT_PROXY__SHUTDOWN__DELAY: '0s',
      CONSENT_PROXY__CONSENT__RATE_LIMIT_PER_MINUTE: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const finish = (v) => { if (!done) { done = true; clearTimeout(timer); resolve(v); } };
    const timer = setTimeout(() => { child.kill('SIGKILL'); finish({ error: `did not start within 60 s:\n${buf.slice(-2000)}` }); }, 60_000);
    child.on('exit', (code) => finish({ error: `exited with ${code}: ${errorLine(buf)}` }));
    child.stderr.on('data', (d) => {
      buf = (buf + d).slice(-20_000);
      for (const line of buf.split('\n')) {
        if (!line.includes('consent-proxy listening')) continue;
        try {
          const j = JSON.parse(line);
          finish({ child, url: `http://${(j.fields || j).listen}` });
        } catch { /* partial line */ }
      }
    });
  });
}

/** The proxy's own explanation of why it stopped (its last non-empty line). */
function errorLine(buf) {
  const lines = buf.trim().split('\n').filter(Boolean);
  const last = lines.at(-1) || '';
  try { const j = JSON.parse(last); return (j.fields && j.fields.message) || j.message || last; } catch { return last; }
}

/** Writes the TOML for a configuration (`lists` = [[path, category], …]) and returns its path. */
export function writeConfig(dir, name, lists) {
  const file = `${dir}/${name}.toml`;
  const body = [`# consent-proxy config for the real-page test: ${name}`];
  for (const [p, category] of lists) body.push('[[trackers.lists]]', `path = ${JSON.stringify(p)}`, `category = "${category}"`, 'format = "adblock"', '');
  fs.writeFileSync(file, body.join('\n') + '\n');
  return file;
}
