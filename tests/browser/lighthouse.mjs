// Lighthouse on every kind of page of the browser tests' sites
// (sites.mjs): accessibility, best practices and SEO, each must score
// 100. Not run by CI (Lighthouse is large and slow); run it by hand after
// changing the theme:
//
//   npm install --prefix target/lighthouse lighthouse
//   CADENCE_BIN=target/debug/cadence node tests/browser/lighthouse.mjs
//
// Prints each page's three scores and, for a score under 100, the audits
// that failed; exits 1 when any score is under 100. Environment as in
// pages.mjs, and CADENCE_LIGHTHOUSE_DIR (default <target>/lighthouse),
// where lighthouse is installed; Chromium is CADENCE_CHROMIUM (default
// /usr/bin/chromium), run headless.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SITES, build, serve } from './sites.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const lhDir = path.resolve(process.env.CADENCE_LIGHTHOUSE_DIR || path.join(target, 'lighthouse'));
const cadenceBin = path.resolve(process.env.CADENCE_BIN || path.join(target, 'release', 'cadence'));
const chromePath = process.env.CADENCE_CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const CATEGORIES = ['accessibility', 'best-practices', 'seo'];
const ONLY = process.env.CADENCE_PAGES_ONLY ? new RegExp(process.env.CADENCE_PAGES_ONLY) : null;

const mod = (rel) => import(pathToFileURL(path.join(lhDir, 'node_modules', rel)).href);
const { default: lighthouse } = await mod('lighthouse/core/index.js');
const chromeLauncher = await mod('chrome-launcher/dist/index.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-lighthouse-'));
const roots = Object.fromEntries(SITES.map((s) => [s.name, path.join(tmp, s.name)]));
const server = await serve(roots);
const origin = `http://127.0.0.1:${server.address().port}`;
for (const site of SITES) build(cadenceBin, site, roots[site.name], `${origin}/${site.name}/`);
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: FLAGS });
let low = 0;
try {
  for (const site of SITES) {
    for (const spec of site.pages) {
      if (ONLY && !ONLY.test(`${site.name} ${spec.kind}`)) continue;
      // Lighthouse scores no page answered with an error status: the 404
      // page is scored at its own address.
      const url = `${origin}/${site.name}/${spec.status === 404 ? '404.html' : spec.path}`;
      const { lhr } = await lighthouse(url, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES,
      });
      const scores = CATEGORIES.map((c) => Math.round(lhr.categories[c].score * 100));
      console.log(`${site.name} ${spec.kind}: ${CATEGORIES.map((c, i) => `${c} ${scores[i]}`).join(', ')}`);
      for (const c of CATEGORIES) {
        if (lhr.categories[c].score === 1) continue;
        low += 1;
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`    ${c}: ${a.id}: ${a.title}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(low === 0 ? 'lighthouse: every score is 100' : `lighthouse: ${low} scores under 100`);
process.exit(low === 0 ? 0 : 1);
