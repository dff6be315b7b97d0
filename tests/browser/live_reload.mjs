// Live reload in a real browser: headless Chromium (Debian's `chromium`,
// driven by playwright-core) opens a release page served by
// `cadence serve`; the test edits the release's manifest on disk and the
// open page must show the change by reloading itself. The test loads the
// page once and never reloads it or navigates again.
//
// Then: a broken manifest puts the error overlay (#cadence-overlay, naming
// the file and the code) over the open page, and a fixed one takes it away,
// again without the test reloading.
//
// Screenshots go to <target>/browser/ (live-reload.png, error-overlay.png;
// failure.png when a step fails). Prints `browser: N passed, 0 failed` last
// on success and exits 0; on failure prints the step that failed and what
// cadence and the page said, and exits 1.
//
// Environment: CADENCE_BIN (the binary, default <target>/release/cadence),
// CADENCE_BROWSER_DIR (where playwright-core is installed and screenshots
// go, default <target>/browser), CADENCE_CHROMIUM (default
// /usr/bin/chromium); <target> is $CARGO_TARGET_DIR or <repo>/target.
// tests/browser/run.sh installs what this needs and runs it.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const browserDir = path.resolve(process.env.CADENCE_BROWSER_DIR || path.join(target, 'browser'));
const cadenceBin = path.resolve(process.env.CADENCE_BIN || path.join(target, 'release', 'cadence'));
const chromiumPath = process.env.CADENCE_CHROMIUM || '/usr/bin/chromium';

const TODAY = '2025-05-20';
const MANIFEST = 'releases/granite-7b-lab/versioned/1.1.0.yaml';
const PAGE = '/granite-7b-lab/versioned/1.1.0/';
const ORIGINAL = 'Second scheduled release, built from cmb-run-2024-11-15.';
const EVENTS = '/__cadence/events';
// The flags the issue asks for; playwright adds --headless itself, and the
// rest keep Chromium off the network it cannot reach here.
const REQUIRED_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const FLAGS = [
  ...REQUIRED_FLAGS,
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 20_000;
// The whole test, so that CI never hangs on it.
const WATCHDOG_MS = 180_000;

let passed = 0;
let step = 'start';
// Whatever must not outlive this process, even if the watchdog ends it.
const cleanup = { child: null, tmp: null };
process.on('exit', () => {
  if (cleanup.child && cleanup.child.exitCode === null && cleanup.child.signalCode === null) {
    cleanup.child.kill('SIGKILL');
  }
  if (cleanup.tmp) fs.rmSync(cleanup.tmp, { recursive: true, force: true });
});
function ok(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}
class Failure extends Error {}
function check(cond, what) {
  if (!cond) throw new Failure(what);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Poll `probe` (async, may throw while the page navigates) until it
/// returns a truthy value; that value, or a Failure naming `what`.
async function waitFor(what, probe, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e; // "Execution context was destroyed" while the page reloads
    }
    if (Date.now() > deadline) {
      throw new Failure(`timed out after ${timeout / 1000} s waiting for ${what}` +
        (last ? ` (last error: ${String(last.message || last).split('\n')[0]})` : ''));
    }
    await sleep(100);
  }
}

function loadPlaywright() {
  const require = createRequire(path.join(browserDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    // Installed somewhere node finds on its own.
    return createRequire(import.meta.url)('playwright-core');
  }
}

// --- cadence serve ---------------------------------------------------------

function startCadence(root) {
  const child = spawn(cadenceBin,
    ['--root', root, '--today', TODAY, 'serve', '--port', '0'],
    { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  let exited = null;
  let onLine = () => {};
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        output.push(line);
        onLine(line);
      }
    });
  }
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure('cadence serve printed no address within 30 s')), 30_000);
    onLine = (line) => {
      const m = /^serving .* at http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Failure(`cannot start ${cadenceBin}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      exited = signal || code;
      clearTimeout(timer);
      reject(new Failure(`cadence serve exited (${exited}) before printing its address`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await Promise.race([gone, sleep(5_000)]);
  };
  return { child, port, output, stop, exited: () => exited };
}

// --- the manifest ------------------------------------------------------------

function setSummary(text, summary) {
  let found = false;
  const out = text.replace(/^summary:.*$/m, () => {
    found = true;
    return `summary: ${summary}`;
  });
  if (!found) throw new Failure(`no summary: line in ${MANIFEST}`);
  return out;
}

// --- the test ----------------------------------------------------------------

async function main() {
  const started = Date.now();
  const { chromium } = loadPlaywright();
  check(fs.existsSync(cadenceBin), `no cadence binary at ${cadenceBin} (build it with cargo build --release --bin cadence, or set CADENCE_BIN)`);
  check(fs.existsSync(chromiumPath), `no Chromium at ${chromiumPath} (apt-get install chromium)`);
  fs.mkdirSync(browserDir, { recursive: true });
  for (const f of ['live-reload.png', 'error-overlay.png', 'failure.png']) {
    fs.rmSync(path.join(browserDir, f), { force: true });
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-browser-'));
  cleanup.tmp = tmp;
  const root = path.join(tmp, 'site');
  fs.cpSync(path.join(repo, 'tests/fixtures/site'), root, { recursive: true });
  const manifest = path.join(root, MANIFEST);
  const stamp = `${process.pid}-${Date.now()}`;
  const edited = `Edited in a real browser ${stamp}.`;
  const fixed = `Fixed in a real browser ${stamp}.`;

  let cadence;
  let browser;
  let page;
  const navigations = [];
  const pageLog = [];
  let liveConnections = 0;
  let connectedSinceNav = false;
  let lastNavAt = 0;
  try {
    step = 'start cadence serve';
    cadence = startCadence(root);
    cleanup.child = cadence.child;
    const port = await cadence.port;
    const base = `http://127.0.0.1:${port}`;
    const url = base + PAGE;
    ok(`cadence serve is up at ${base}/`);

    step = 'launch Chromium';
    browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS, timeout: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    {
      const info = await context.newPage();
      await info.goto('chrome://version');
      const cmdline = await info.locator('#command_line').innerText();
      await info.close();
      const missing = REQUIRED_FLAGS.filter((f) => !cmdline.split(/\s+/).some((a) => a === f || a.startsWith(`${f}=`)));
      check(missing.length === 0, `Chromium was started without ${missing.join(' ')}: ${cmdline}`);
      ok(`Chromium ${browser.version()} started with ${REQUIRED_FLAGS.join(' ')}`);
    }

    page = await context.newPage();
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) {
        navigations.push(frame.url());
        connectedSinceNav = false;
        lastNavAt = Date.now();
      }
    });
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === EVENTS && r.status() === 200) {
        liveConnections += 1;
        connectedSinceNav = true;
      }
    });
    page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));

    // Before each edit: the current document's event stream is open (the
    // server has it subscribed) and no reload is still under way.
    const settled = async (what) => {
      await waitFor(`${what}: the page's live-reload connection`, async () =>
        connectedSinceNav && Date.now() - lastNavAt > 750);
    };
    const bodyText = () => page.evaluate(() => (document.body ? document.body.innerText : ''));
    const overlay = () => page.evaluate(() => {
      const el = document.getElementById('cadence-overlay');
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return {
        visible: el.checkVisibility() && r.width > 0 && r.height > 0 &&
          r.top < window.innerHeight && r.bottom > 0,
        text: el.innerText,
      };
    });
    const navType = () => page.evaluate(() => performance.getEntriesByType('navigation')[0]?.type);

    step = 'open the release page';
    const response = await page.goto(url, { waitUntil: 'load' });
    check(response && response.status() === 200, `GET ${PAGE} answered ${response && response.status()}`);
    check((await bodyText()).includes(ORIGINAL), `the release page does not show its summary "${ORIGINAL}"`);
    check((await overlay()) === null, 'the error overlay is on the page before any edit');
    await settled('after the first load');
    check(navigations.length === 1, `expected one navigation after the first load, saw ${navigations.length}`);
    ok(`${PAGE} shows "${ORIGINAL}" with live reload connected`);

    // 1. Edit the summary: the open page shows it.
    step = 'edit the summary';
    const good = fs.readFileSync(manifest, 'utf8');
    const t0 = Date.now();
    fs.writeFileSync(manifest, setSummary(good, edited));
    await waitFor(`the open page to show "${edited}"`, async () => (await bodyText()).includes(edited));
    const took1 = Date.now() - t0;
    check(navigations.length >= 2, 'the page shows the new text but never navigated');
    check((await navType()) === 'reload', `the page's last navigation was "${await navType()}", not a reload`);
    ok(`the open page reloaded itself and shows the edited summary (${took1} ms)`);
    await page.screenshot({ path: path.join(browserDir, 'live-reload.png'), fullPage: true });
    ok('screenshot live-reload.png');

    // 2. Break the manifest: the overlay, naming the file and the code.
    await settled('after the edit');
    step = 'break the manifest';
    const navsBefore = navigations.length;
    const t1 = Date.now();
    fs.writeFileSync(manifest, `${setSummary(good, edited)}sumary: typo\n`);
    const shown = await waitFor('the error overlay on the open page', async () => {
      const o = await overlay();
      return o && o.visible && o.text.includes(MANIFEST) ? o : null;
    });
    const took2 = Date.now() - t1;
    check(navigations.length > navsBefore, 'the overlay appeared without a navigation');
    check(shown.text.includes('error[schema]'), `the overlay does not name the code error[schema]: ${shown.text}`);
    check(shown.text.includes('did you mean `summary`?'), `the overlay has no help: ${shown.text}`);
    check((await bodyText()).includes(edited), 'the last good build is not under the overlay');
    ok(`the open page shows the error overlay naming ${MANIFEST} and error[schema] (${took2} ms)`);
    await page.screenshot({ path: path.join(browserDir, 'error-overlay.png') });
    ok('screenshot error-overlay.png');

    // 3. Fix it with a new summary: the overlay goes, the text shows.
    await settled('after the break');
    step = 'fix the manifest';
    const t2 = Date.now();
    fs.writeFileSync(manifest, setSummary(good, fixed));
    await waitFor(`the overlay to go and "${fixed}" to show`, async () =>
      (await overlay()) === null && (await bodyText()).includes(fixed));
    const took3 = Date.now() - t2;
    ok(`the overlay is gone and the open page shows the fixed summary (${took3} ms)`);

    step = 'count navigations';
    check(navigations.every((u) => u === url), `the page navigated away: ${navigations.join(', ')}`);
    check(navigations.length >= 4, `expected at least 4 loads (1 by the test, 3 by the page), saw ${navigations.length}`);
    ok(`the test loaded the page once; it reloaded itself ${navigations.length - 1} times ` +
      `over ${liveConnections} live-reload connections`);
    console.log(`browser: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (page) {
      await page.screenshot({ path: path.join(browserDir, 'failure.png') }).catch(() => {});
    }
    const lines = [`browser: FAILED at "${step}": ${e instanceof Failure ? e.message : (e.stack || e)}`];
    lines.push(`  page loads: ${navigations.length}, live-reload connections: ${liveConnections}`);
    if (pageLog.length) lines.push('  the page said:', ...pageLog.slice(-20).map((l) => `    ${l}`));
    if (cadence) lines.push('  cadence said:', ...cadence.output.slice(-30).map((l) => `    ${l}`));
    if (page) lines.push(`  screenshot: ${path.join(browserDir, 'failure.png')}`);
    console.error(lines.join('\n'));
    e.reported = true;
    throw e;
  } finally {
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
    if (cadence) await cadence.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  console.error(`browser: FAILED at "${step}": the whole test took over ${WATCHDOG_MS / 1000} s`);
  console.log(`browser: ${passed} passed, 1 failed`);
  process.exit(1);
}, WATCHDOG_MS);

main().then(() => {
  clearTimeout(watchdog);
  console.log(`browser: ${passed} passed, 0 failed`);
  process.exit(0);
}, (e) => {
  clearTimeout(watchdog);
  if (!e.reported) {
    console.error(`browser: FAILED at "${step}": ${e instanceof Failure ? e.message : (e.stack || e)}`);
  }
  console.log(`browser: ${passed} passed, 1 failed`);
  process.exit(1);
});
