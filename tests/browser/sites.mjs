// The sites the browser tests open and how they are built and served:
// the test fixture (tests/fixtures/site, --today 2025-05-20) and this
// repository's own site (--today 2026-11-24), each kind of page of each
// (pages.mjs checks every one with axe-core; lighthouse.mjs scores them).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export class Failure extends Error {}

// Each site, built at a fixed date, and its kinds of page. `latest`: the
// page leads with a "Latest" card that must be on the first screen.
export const SITES = [
  {
    name: 'fixture',
    root: 'tests/fixtures/site',
    today: '2025-05-20',
    pages: [
      { kind: 'home', path: '', latest: true },
      { kind: 'model', path: 'granite-7b-lab/', latest: true },
      { kind: 'model-channel', path: 'granite-7b-lab/versioned/', latest: true },
      { kind: 'model-channel-stream', path: 'granite-7b-lab/stream/', latest: true },
      { kind: 'channel', path: 'versioned/', latest: true },
      { kind: 'channel-stream', path: 'stream/', latest: true },
      { kind: 'line', path: 'granite-7b-lab/versioned/1.x/' },
      { kind: 'release', path: 'granite-7b-lab/versioned/1.1.0/' },
      { kind: 'candidate', path: 'granite-7b-lab/versioned/1.1.0-rc.2/' },
      { kind: 'yanked', path: 'granite-7b-lab/versioned/1.1.1/' },
      { kind: 'planned', path: 'granite-7b-lab/versioned/1.2.0/' },
      { kind: 'stream-build', path: 'granite-7b-lab/stream/2025-01-20/' },
      { kind: 'retired', path: 'granite-7b-lab/stream/2024-09-10/' },
      { kind: 'skip', path: 'granite-7b-lab/versioned/skip-2025-03-02/' },
      { kind: 'schedule', path: 'schedule/' },
      { kind: 'content', path: 'about/' },
      { kind: 'content-faq', path: 'faq/' },
      { kind: '404', path: 'no/such/page/', status: 404 },
    ],
  },
  {
    name: 'own',
    root: '.',
    today: '2026-11-24',
    pages: [
      { kind: 'home', path: '', latest: true },
      { kind: 'model', path: 'granite-7b-lab/', latest: true },
      { kind: 'model-channel', path: 'granite-7b-lab/versioned/', latest: true },
      { kind: 'channel', path: 'versioned/', latest: true },
      { kind: 'channel-stream', path: 'stream/', latest: true },
      { kind: 'line', path: 'granite-7b-lab/versioned/1.x/' },
      { kind: 'release', path: 'granite-7b-lab/versioned/1.0.0/' },
      { kind: 'candidate', path: 'granite-7b-lab/versioned/1.0.0-rc.4/' },
      { kind: 'stream-build', path: 'granite-7b-lab/stream/2024-04-25/' },
      { kind: 'skip', path: 'granite-7b-lab/versioned/skip-2026-09-02/' },
      { kind: 'schedule', path: 'schedule/' },
      { kind: 'content', path: 'about/' },
      { kind: 'content-process', path: 'process/' },
      { kind: '404', path: 'no/such/page/', status: 404 },
    ],
  },
];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml', '.json': 'application/json', '.ics': 'text/calendar',
  '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png',
};

/// Serve each built site under /<name>/, as a static host does: a folder
/// answers with its index.html, a missing file with the site's 404.html.
export function serve(roots) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const [, name, ...rest] = decodeURIComponent(url.pathname).split('/');
    const root = roots[name];
    const send = (status, file) => {
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      res.writeHead(status, { 'content-type': type });
      res.end(fs.readFileSync(file));
    };
    if (!root) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such site');
      return;
    }
    let file = path.resolve(root, ...rest);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403);
      res.end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (fs.existsSync(file) && fs.statSync(file).isFile()) send(200, file);
    else send(404, path.join(root, '404.html'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/// What a site is made of; a build reads nothing else.
const SOURCES = ['cadence.toml', 'releases', 'content', 'themes'];

/// Build `site` into `out` from a copy of its sources beside `out`: a build
/// keeps state in its site's `.cadence/`, which must not be left in the
/// repository (the tests copy the fixture with all it holds).
export function build(cadenceBin, site, out, baseUrl) {
  const root = `${out}.src`;
  for (const name of SOURCES) {
    const from = path.join(repo, site.root, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(root, name), { recursive: true });
  }
  const args = ['build', '--root', root, '--out', out,
    '--today', site.today, '--base-url', baseUrl, '-q'];
  const r = spawnSync(cadenceBin, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) {
    throw new Failure(`cadence ${args.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  }
}
