// Every kind of page in a real browser: the test fixture
// (tests/fixtures/site, --today 2025-05-20) and this repository's own site
// (--today 2026-11-24), listed in sites.mjs, are built with `cadence
// build` from a copy of their sources, served from 127.0.0.1, and each
// kind of page (home, model, model-channel, channel,
// major line, release with artifacts and evaluations, candidate, yanked,
// planned, stream build, retired build, skip, schedule, content, 404) is
// opened in headless Chromium at 390x844 and at 1280x800. On each:
//
// - axe-core finds no violation (every rule axe runs by default, best
//   practices included);
// - the page does not scroll sideways;
// - no date, version or command wraps inside a token (a command wraps
//   only between its words);
// - no request to the site fails and the page logs no error;
// - on the home, model, channel and model-channel pages the first card's
//   "Latest" block (version, download command, Hugging Face link) is on
//   the first screen;
// - a full-page screenshot is written to <target>/browser/pages/ for review
//   (<site>-<kind>-<width>x<height>.png).
//
// Prints one `ok`/`not ok` line per page and size, then `pages: N passed,
// M failed`; exits 1 when anything failed.
//
// Environment: CADENCE_BIN (default <target>/release/cadence),
// CADENCE_BROWSER_DIR (where playwright-core and axe-core are installed,
// default <target>/browser), CADENCE_CHROMIUM (default /usr/bin/chromium);
// <target> is $CARGO_TARGET_DIR or <repo>/target; CADENCE_PAGES_ONLY, a
// regular expression, keeps only the pages whose "<site> <kind>" it
// matches (for a quick look while working). tests/browser/run.sh installs
// what this needs and runs it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Failure, SITES, build, serve } from './sites.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const browserDir = path.resolve(process.env.CADENCE_BROWSER_DIR || path.join(target, 'browser'));
const shotDir = path.join(browserDir, 'pages');
const cadenceBin = path.resolve(process.env.CADENCE_BIN || path.join(target, 'release', 'cadence'));
const chromiumPath = process.env.CADENCE_CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SIZES = [{ width: 390, height: 844 }, { width: 1280, height: 800 }];
const WATCHDOG_MS = 900_000;
const ONLY = process.env.CADENCE_PAGES_ONLY ? new RegExp(process.env.CADENCE_PAGES_ONLY) : null;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let passed = 0;
let failed = 0;

function loadPlaywright() {
  const require = createRequire(path.join(browserDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    return createRequire(import.meta.url)('playwright-core');
  }
}

function axeSource() {
  const require = createRequire(path.join(browserDir, 'package.json'));
  let file;
  try {
    file = require.resolve('axe-core/axe.min.js');
  } catch {
    file = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  }
  return fs.readFileSync(file, 'utf8');
}

// --- what is checked on each page -----------------------------------------

/// In the page: what a reader on this screen would trip over.
function layoutProblems(wantLatest) {
  const problems = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 0.5)
      .slice(0, 5)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">${(e.textContent || '').trim().slice(0, 60)}`);
    problems.push(`scrolls sideways: ${doc.scrollWidth} px wide in a ${width} px window; too wide: ${wide.join(' | ')}`);
  }
  // A token on more than one line box: its text's rects sit at more than
  // one height.
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    return tops.size;
  };
  const tokens = [
    ...document.querySelectorAll('time, .version, pre.command .word, .badge'),
  ];
  for (const el of tokens) {
    if (el.closest('svg, .prose, [hidden]') || !el.checkVisibility()) continue;
    if (lines(el) > 1) {
      problems.push(`"${el.textContent.trim().slice(0, 80)}" (<${el.tagName.toLowerCase()} class="${el.className}">) wraps inside itself`);
    }
  }
  if (wantLatest) {
    const first = document.querySelector('main .latest-release');
    if (!first) {
      problems.push('no "Latest" block (.latest-release) on the page');
    } else {
      const r = first.getBoundingClientRect();
      if (r.bottom > window.innerHeight || r.top < 0) {
        problems.push(`the first "Latest" block is not on the first screen: it spans ${Math.round(r.top)}–${Math.round(r.bottom)} px of a ${window.innerHeight} px window`);
      }
      const text = first.innerText;
      if (!/\bLatest\b/.test(text)) problems.push('the first "Latest" block is not labelled "Latest"');
      if (!first.querySelector('pre.command')) problems.push('the first "Latest" block has no download command');
      if (!first.querySelector('a[href^="https://huggingface.co/"]')) problems.push('the first "Latest" block has no Hugging Face link');
    }
  }
  return problems;
}

function describeViolation(v) {
  const nodes = v.nodes.slice(0, 3).map((n) => `      ${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join('').trim()}\n        ${n.html.slice(0, 160)}`);
  return `    axe ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}${v.nodes.length > 3 ? `\n      and ${v.nodes.length - 3} more` : ''}`;
}

async function checkPage(context, axe, base, site, spec, size) {
  const page = await context.newPage();
  const problems = [];
  const url = base + spec.path;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The 404 page's own status is expected (and checked below).
    if (spec.status && m.location().url === url && /status of \d+/.test(m.text())) return;
    problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    const u = r.url();
    if (u.startsWith(base) && r.status() >= 400 && r.request().resourceType() !== 'document') {
      problems.push(`${r.request().resourceType()} ${u} answered ${r.status()}`);
    }
  });
  try {
    const res = await page.goto(url, { waitUntil: 'load' });
    const want = spec.status || 200;
    if (!res || res.status() !== want) problems.push(`GET ${url} answered ${res && res.status()}, not ${want}`);
    problems.push(...await page.evaluate(layoutProblems, Boolean(spec.latest)));
    await page.addScriptTag({ content: axe });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    problems.push(...result.violations.map(describeViolation));
    const shot = path.join(shotDir, `${site.name}-${spec.kind}-${size.width}x${size.height}.png`);
    await page.screenshot({ path: shot, fullPage: true });
  } finally {
    await page.close();
  }
  return problems;
}

// --- the test ----------------------------------------------------------------

async function main() {
  const started = Date.now();
  if (!fs.existsSync(cadenceBin)) throw new Failure(`no cadence binary at ${cadenceBin} (cargo build --release, or set CADENCE_BIN)`);
  if (!fs.existsSync(chromiumPath)) throw new Failure(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const { chromium } = loadPlaywright();
  const axe = axeSource();
  fs.rmSync(shotDir, { recursive: true, force: true });
  fs.mkdirSync(shotDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-pages-'));
  const roots = Object.fromEntries(SITES.map((s) => [s.name, path.join(tmp, s.name)]));
  const server = await serve(roots);
  const origin = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    for (const site of SITES) build(cadenceBin, site, roots[site.name], `${origin}/${site.name}/`);
    console.log(`built ${SITES.map((s) => s.root).join(' and ')}, served at ${origin}/`);
    browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS, timeout: 60_000 });
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: size, colorScheme: 'light' });
      for (const site of SITES) {
        for (const spec of site.pages) {
          if (ONLY && !ONLY.test(`${site.name} ${spec.kind}`)) continue;
          const what = `${site.name} ${spec.kind} /${spec.path} at ${size.width}x${size.height}`;
          let problems;
          try {
            problems = await checkPage(context, axe, `${origin}/${site.name}/`, site, spec, size);
          } catch (e) {
            problems = [`the check failed: ${e.stack || e}`];
          }
          if (problems.length === 0) {
            passed += 1;
            console.log(`ok - ${what}`);
          } else {
            failed += 1;
            console.log(`not ok - ${what}\n${problems.map((p) => (p.startsWith('    ') ? p : `    ${p}`)).join('\n')}`);
          }
        }
      }
      await context.close();
    }
  } finally {
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`pages: screenshots in ${shotDir}; done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const watchdog = setTimeout(() => {
  console.error(`pages: FAILED: the whole test took over ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);

main().then(() => {
  clearTimeout(watchdog);
  console.log(`pages: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}, (e) => {
  clearTimeout(watchdog);
  console.error(`pages: FAILED: ${e instanceof Failure ? e.message : (e.stack || e)}`);
  console.log(`pages: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
