// Measures how the app reaches a phone (issue #13) and prints markdown tables on stdout; progress goes to stderr.
// Run by scripts/measure-app.sh, which builds first and cleans up after; it PRINTS figures and asserts no timing.
//
// The real server binary (CAREPATH_SERVER_BIN) serving CAREPATH_DIST on a free port with a throwaway data folder
// (tests/e2e/harness.mjs), a pharmacist made with the real CLI, patients enrolled through the desk's form and
// phones connected with their codes, as in the browser tests. Debian's Chromium (CHROMIUM_PATH, default
// /usr/bin/chromium) through playwright-core, and Lighthouse (pinned in tools/) through chrome-launcher.
//
// Measures:
// 1. wasm bundles: every *.wasm under the dist folder, raw and its .gz / .br copies.
// 2. cold first visit per page (fresh browser context: no HTTP cache, no service worker; an enrolled page gets only
//    the device's stored data, IndexedDB and localStorage, copied from an enrolled phone): every response over
//    the wire, page and service worker (headers included: Chromium's encodedDataLength), by type and
//    content-encoding, until the page is usable, its service worker is ready and the network has been quiet
//    for a moment. The same visit is throttled through CDP (1.6 Mbps down, 750 kbps up, 150 ms RTT, 4× CPU):
//    first contentful paint ("blank for"), largest contentful paint as the page saw it, and the usable button.
// 3. Lighthouse 12, mobile defaults (simulated slow 4G, 4× CPU), performance only. Enrolled pages run in a Chromium
//    profile enrolled beforehand; Lighthouse's own reset (service workers, Cache Storage, HTTP cache) keeps the
//    device's IndexedDB, so it is a first load of an enrolled phone. After each run the page's DOM is checked
//    (address, enrolled or not, the usable element) so the figures are of the screen meant.
// 4. repeat visit offline: a context whose service worker has installed and controls the page (guides opened once
//    online), then offline: a new tab per run, navigation start to the usable button, median of N runs, with 4×
//    CPU throttling and without.
//
// "Usable button": the first element matching the page's selector below that is visible and enabled (no
// `disabled`, no aria-disabled="true", not in index.html's static shell), seen by a MutationObserver injected before the page's own scripts,
// timed with performance.now() (from navigation start).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Server, PHONE, fillIdentity, fillRegimen } from '../tests/e2e/harness.mjs';

const require = createRequire(new URL('./package.json', import.meta.url));
const { chromium } = require('playwright-core');
// Lighthouse and the chrome-launcher / puppeteer-core it depends on (ES modules resolved from tools/node_modules).
const lighthouseDir = path.dirname(require.resolve('lighthouse/package.json'));
const fromLighthouse = createRequire(path.join(lighthouseDir, 'package.json'));
const { default: lighthouse } = await import(pathToFileURL(path.join(lighthouseDir, JSON.parse(readFileSync(path.join(lighthouseDir, 'package.json'), 'utf8')).main)).href);
const chromeLauncher = await import(pathToFileURL(fromLighthouse.resolve('chrome-launcher')).href);
const puppeteer = fromLighthouse('puppeteer-core');

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const DIST = process.env.CAREPATH_DIST || path.join(ROOT, 'dist');
const SERVER_BIN = process.env.CAREPATH_SERVER_BIN || path.join(ROOT, 'target/debug/carepath-server');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--lang=en-US'];
const OFFLINE_RUNS = Number(process.env.CAREPATH_MEASURE_RUNS || 5);
const LIGHTHOUSE_RUNS = Number(process.env.CAREPATH_MEASURE_LIGHTHOUSE_RUNS || 3);
/** The working folder (browser profiles; `pids`: what this helper starts, for the shell script's trap). */
const WORK = process.env.CAREPATH_MEASURE_WORK || mkdtempSync(path.join(os.tmpdir(), 'carepath-measure-'));
/** Optional: a folder for Lighthouse's HTML reports. */
const REPORTS = process.env.CAREPATH_MEASURE_REPORTS || '';
/** For working on this script: only some measures (cold, offline, lighthouse), e.g. CAREPATH_MEASURE_STEPS=cold. */
const STEPS = new Set((process.env.CAREPATH_MEASURE_STEPS || 'cold,offline,lighthouse').split(','));

// The throttled first visit (issue #13's figures): 1.6 Mbps down, 750 kbps up, 150 ms RTT, 4× CPU.
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };
const CPU_SLOWDOWN = 4;

const ANY_BUTTON = 'main button, main a.button';
const guideDrug = existsSync(path.join(ROOT, 'content/guides/en/capecitabine.toml'))
  ? 'capecitabine' : readdirSync(path.join(ROOT, 'content/guides/en')).find((f) => f.endsWith('.toml')).replace(/\.toml$/, '');

/**
 * The pages. `usable`: the selector of the page's usable button (see the top). `check`: what the page must show for
 * its figures to count (run in the page): an enrolled patient page shows the sync status, the enroll page the
 * code field.
 */
const PAGES = [
  { name: 'enroll', path: '/', enrolled: false, usable: ANY_BUTTON, check: '#enroll-code' },
  { name: 'Today', path: '/', enrolled: true, usable: 'main button.take', check: '.sync-status' },
  { name: 'diary', path: '/diary', enrolled: true, usable: ANY_BUTTON, check: '.sync-status' },
  { name: 'check-in', path: '/check-in', enrolled: true, usable: ANY_BUTTON, check: '.sync-status' },
  { name: 'guides list', path: '/guides', enrolled: true, usable: 'main a.guide-link', check: '.sync-status' },
  { name: `a guide (${guideDrug})`, path: `/guides/${guideDrug}`, enrolled: true, usable: 'main article.guide a.button', check: '.sync-status' },
  { name: 'desk (info)', path: '/pharmacy', desk: true, usable: ANY_BUTTON, check: '#login-username' },
];
const PATIENT_PAGES = PAGES.filter((p) => !p.desk);

const PHARMACIST = { username: 'measure.pharmacist', password: `measure ${Math.random().toString(36).slice(2)} passphrase`, site: 'Measure Oncology Pharmacy' };

const started = Date.now();
const log = (...args) => console.error(`[measure ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...args);
const debug = process.env.CAREPATH_MEASURE_DEBUG ? log : () => {};
const failures = [];
const out = [];
const print = (line = '') => out.push(line);

// ---- cleanup ----------------------------------------------------------------------------------------------------
const cleanups = [];
function rememberPid(pid) { if (pid) appendFileSync(path.join(WORK, 'pids'), `${pid}\n`); }
async function cleanup() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch { /* keep going */ }
  }
}
// Stopped from outside: the server and the Lighthouse Chromium at once (Playwright's browsers go with this process).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    try {
      for (const pid of readFileSync(path.join(WORK, 'pids'), 'utf8').split('\n').filter(Boolean)) {
        try { process.kill(Number(pid)); } catch { /* gone */ }
      }
    } catch { /* nothing started */ }
    process.exit(130);
  });
}

// ---- helpers ----------------------------------------------------------------------------------------------------
const kib = (bytes) => (bytes ? (bytes / 1024).toFixed(1) : '—');
const ms = (v) => (v == null || Number.isNaN(v) ? '—' : `${Math.round(v)} ms`);
const sec = (v) => (v == null || Number.isNaN(v) ? '—' : `${(v / 1000).toFixed(2)} s`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const row = (cells) => print(`| ${cells.join(' | ')} |`);
const table = (head) => { row(head); row(head.map(() => '---')); };
const mdText = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const timeout = (promise, millis, what) => Promise.race([promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${millis / 1000} s waiting for ${what}`)), millis))]);

async function attempt(what, fn) {
  try {
    return await fn();
  } catch (err) {
    const message = `${what}: ${String(err?.message || err).split('\n')[0]}`;
    log(`could not measure ${message}`);
    failures.push(message);
    return null;
  }
}

/** Injected before the page's scripts: records when the first visible, enabled match of `selector` appears. */
function usableProbe(selector) {
  // The app's own button: the static shell's Call buttons (painted before the wasm, see FCP) do not count.
  const ok = (el) => !el.closest('#static-shell') && !el.disabled && el.getAttribute('aria-disabled') !== 'true'
    && (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : true)
    && el.getBoundingClientRect().width > 0;
  const check = () => {
    if (window.__usable) return true;
    for (const el of document.querySelectorAll(selector)) {
      if (ok(el)) {
        window.__usable = { at: performance.now(), label: (el.getAttribute('aria-label') || el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50) };
        return true;
      }
    }
    return false;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  window.__lcp = null;
  try {
    // The element too (its tag, id or class and first words): a later, larger paint moves the LCP, and the table says which.
    const describe = (el) => !el ? '(removed)' : `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : el.className ? `.${String(el.className).split(' ')[0]}` : ''} `
      + `"${(el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 30)}"`;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__lcp = { at: e.startTime, element: describe(e.element) }; })
      .observe({ type: 'largest-contentful-paint', buffered: true });
  } catch { /* not supported */ }
}

/** page.evaluate with a deadline (a page stuck on its main thread must not stop the whole measurement). */
const evaluate = (page, fn, arg, what = 'the page') => timeout(page.evaluate(fn, arg), 30_000, what);

async function waitUsable(page, what, millis) {
  await page.waitForFunction(() => window.__usable, null, { timeout: millis, polling: 50 }).catch(() => {
    throw new Error(`no usable element on ${what} within ${millis / 1000} s`);
  });
  return evaluate(page, () => window.__usable);
}

/** The page shows what it must (address, enrolled or not) — else its figures would be of another screen. */
async function checkScreen(page, spec) {
  // (Polled with evaluate: the page is Playwright's or, for Lighthouse, puppeteer's.) The screen may still be filling in.
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (await evaluate(page, (check) => !!document.querySelector(check), spec.check)) break;
  }
  const seen = await evaluate(page, ({ check, usable }) => ({
    path: location.pathname, check: !!document.querySelector(check), usable: !!document.querySelector(usable),
    h1: document.querySelector('main h1')?.textContent?.trim() ?? '',
  }), spec);
  if (seen.path !== spec.path || !seen.check) {
    throw new Error(`expected ${spec.path} with ${spec.check}, saw ${seen.path} "${seen.h1}" (${seen.check ? 'has' : 'no'} ${spec.check})`);
  }
  return seen;
}

function typeOf(resourceType, contentType, url) {
  const ct = (contentType || '').toLowerCase();
  const p = new URL(url).pathname;
  if (resourceType === 'document' || ct.includes('text/html')) return 'html';
  if (ct.includes('wasm') || p.endsWith('.wasm')) return 'wasm';
  if (resourceType === 'script' || ct.includes('javascript') || /\.m?js$/.test(p)) return 'js';
  if (resourceType === 'stylesheet' || ct.includes('text/css')) return 'css';
  if (resourceType === 'font' || ct.startsWith('font/') || /\.(woff2?|ttf|otf)$/.test(p)) return 'font';
  if (resourceType === 'image' || ct.startsWith('image/')) return 'image';
  if (ct.includes('json')) return 'json';
  return 'other';
}
const TYPES = ['html', 'js', 'wasm', 'css', 'json', 'font', 'image', 'other'];

/**
 * Counts every response of a context over the wire (page and service worker), and what is still in flight.
 * Playwright's raw-header and size calls can wait for ever on some requests: each is given a deadline, and a
 * response whose size could not be read is counted apart (`unread`).
 */
function watchNetwork(context) {
  const entries = [];
  const pending = [];
  const inFlight = new Set();
  let lastChange = Date.now();
  const unread = [];
  const acceptEncoding = new Set();
  const within = (promise) => timeout(promise, 5_000, 'a response');
  const settle = (req) => { inFlight.delete(req); lastChange = Date.now(); };
  context.on('request', (req) => {
    inFlight.add(req); lastChange = Date.now();
    if (req.resourceType() === 'document') {
      pending.push(within(req.allHeaders()).then((h) => { if (h['accept-encoding']) acceptEncoding.add(h['accept-encoding']); }).catch(() => {}));
    }
  });
  context.on('requestfailed', settle);
  context.on('requestfinished', (req) => {
    settle(req);
    pending.push((async () => {
      const res = await within(req.response());
      if (!res || res.fromServiceWorker()) return; // answered by the service worker: its own fetch is counted
      const [sizes, headers] = await Promise.all([within(req.sizes()), within(res.allHeaders())]);
      const body = sizes.responseBodySize;
      entries.push({
        url: req.url(), status: res.status(), bytes: body + sizes.responseHeadersSize, body,
        type: typeOf(req.resourceType(), headers['content-type'], req.url()),
        encoding: headers['content-encoding'] || 'none', worker: !!req.serviceWorker(),
      });
    })().catch(() => { unread.push(req.url()); }));
  });
  return {
    entries, acceptEncoding, unread, get inFlight() { return [...inFlight].map((r) => r.url()); },
    async quiet(quietMs = 700, maxMs = 20_000) {
      const deadline = Date.now() + maxMs;
      while (Date.now() < deadline && (inFlight.size > 0 || Date.now() - lastChange < quietMs)) await new Promise((r) => setTimeout(r, 100));
      await Promise.all(pending);
    },
  };
}

// ---- setup ------------------------------------------------------------------------------------------------------
async function enrollPatient(desk, server, name) {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Patient name').fill(name);
  await fillIdentity(desk);
  await fillRegimen(desk, { drug: 'Capecitabine 500 mg tablets', dose: 3, mg: 1500, frequency: 'Twice a day', pattern: { on: 14, off: 7 } });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  return (await desk.getByTestId('enrollment-code').textContent()).trim();
}

async function connectPhone(page, server, code, name) {
  await page.goto(server.url);
  await page.getByLabel('Your code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(`Hello, ${name}.`).waitFor();
  await page.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 30_000 });
}

// ---- 1. bundles -------------------------------------------------------------------------------------------------
function wasmFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...wasmFiles(full));
    else if (entry.name.endsWith('.wasm')) found.push(full);
  }
  return found.sort();
}

function bundlesTable() {
  const files = wasmFiles(DIST);
  print('### wasm bundles');
  print();
  if (!files.length) {
    failures.push(`wasm bundles: no *.wasm under ${DIST}`);
    print(`No *.wasm under ${DIST}.`);
    print();
    return;
  }
  table(['bundle', 'raw KiB', 'gzip KiB', 'brotli KiB', 'raw bytes', 'gzip bytes', 'brotli bytes']);
  for (const file of files) {
    const size = (f) => (existsSync(f) ? statSync(f).size : null);
    const [raw, gz, br] = [size(file), size(`${file}.gz`), size(`${file}.br`)];
    row([`\`${path.relative(DIST, file)}\``, kib(raw), gz == null ? 'no .gz' : kib(gz), br == null ? 'no .br' : kib(br), raw, gz ?? '—', br ?? '—']);
  }
  print();
}

// ---- 2. cold first visit, throttled -----------------------------------------------------------------------------
async function coldVisit(browser, server, spec, storageState) {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...(storageState ? { storageState } : {}) });
  try {
    const net = watchNetwork(context);
    const page = await context.newPage();
    await page.addInitScript(usableProbe, spec.usable);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(`${server.url}${spec.path}`, { waitUntil: 'commit', timeout: 60_000 });
    debug(spec.name, 'committed');
    const usable = await waitUsable(page, spec.name, 90_000);
    debug(spec.name, 'usable', usable);
    const fcp = await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime, null,
      { timeout: 10_000 }).then((h) => h.jsonValue()).catch(() => null);
    await checkScreen(page, spec);
    debug(spec.name, 'screen checked');
    // The rest of the first visit: the service worker installs (and caches the shell), the app syncs.
    await timeout(page.evaluate(() => navigator.serviceWorker?.ready.then(() => true)), 30_000, 'the service worker').catch((e) => log(spec.name, e.message));
    debug(spec.name, 'service worker ready');
    await net.quiet();
    debug(spec.name, 'network quiet', net.inFlight);
    const lcp = await evaluate(page, () => window.__lcp);
    if (net.unread.length) log(`${spec.name}: size not readable, not counted: ${net.unread.join(' ')}`);
    return { usable, fcp, lcp, entries: net.entries, unread: net.unread, stillLoading: net.inFlight, acceptEncoding: [...net.acceptEncoding] };
  } finally {
    await context.close();
  }
}

function bytesRow(spec, visit) {
  const byType = Object.fromEntries(TYPES.map((t) => [t, 0]));
  const encodings = new Map();
  let total = 0;
  let worker = 0;
  for (const e of visit.entries) {
    byType[e.type] += e.bytes;
    total += e.bytes;
    if (e.worker) worker += e.bytes;
    if (e.body > 0) {
      if (!encodings.has(e.encoding)) encodings.set(e.encoding, new Set());
      encodings.get(e.encoding).add(e.type);
    }
  }
  const enc = [...encodings].map(([k, types]) => `${k}: ${TYPES.filter((t) => types.has(t)).join(' ')}`).join('; ');
  row([spec.name, `\`${spec.path}\``, `**${kib(total)}**`, visit.entries.length, kib(worker), ...TYPES.map((t) => kib(byType[t])), enc]);
}

// ---- 3. Lighthouse ----------------------------------------------------------------------------------------------
/**
 * A page's Lighthouse figures over its runs: each the median of the runs, TBT with its range (one run's TBT on this
 * machine varies by 2× or more, so one run decides nothing); the LCP element and the screen from the run whose TBT
 * is the median.
 */
function medianRun(spec, runs) {
  const mid = (key) => median(runs.map((r) => r[key]).filter((v) => v != null));
  const byTbt = [...runs].sort((a, b) => a.tbt - b.tbt)[runs.length >> 1];
  return { ...byTbt, score: mid('score'), fcp: mid('fcp'), lcp: mid('lcp'), tbt: mid('tbt'), cls: mid('cls'), si: mid('si'), bytes: mid('bytes'),
    tbtMin: Math.min(...runs.map((r) => r.tbt)), tbtMax: Math.max(...runs.map((r) => r.tbt)), runs: runs.length, spec };
}

async function lighthouseRuns(server, specs, userDataDir) {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM, ...(userDataDir ? { userDataDir } : {}), chromeFlags: ['--headless=new', ...FLAGS], logLevel: 'silent',
  });
  rememberPid(chrome.pid);
  const kill = async () => { try { await chrome.kill(); } catch { /* gone */ } };
  cleanups.push(kill);
  const results = [];
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
    for (const spec of specs) {
      const runs = [];
      for (let n = 1; n <= LIGHTHOUSE_RUNS; n++) {
        const r = await attempt(`Lighthouse ${spec.name} (run ${n})`, async () => {
          log(`Lighthouse: ${spec.name} (run ${n} of ${LIGHTHOUSE_RUNS})`);
          const page = await browser.newPage();
          try {
            const run = await lighthouse(`${server.url}${spec.path}`,
              { logLevel: 'error', output: REPORTS ? ['json', 'html'] : 'json', onlyCategories: ['performance'] }, undefined, page);
            const lhr = run?.lhr;
            if (!lhr) throw new Error('no result');
            if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
            const seen = await checkScreen(page, spec);
            if (!seen.usable) throw new Error(`Lighthouse's page has no ${spec.usable}`);
            if (REPORTS) {
              mkdirSync(REPORTS, { recursive: true });
              writeFileSync(path.join(REPORTS, `lighthouse-${spec.name.replace(/\W+/g, '-')}-${n}.html`), run.report[1]);
            }
            const audit = (id) => lhr.audits[id]?.numericValue;
            const lcpItems = lhr.audits['largest-contentful-paint-element']?.details?.items ?? [];
            const lcpNode = lcpItems[0]?.items?.[0]?.node ?? lcpItems[0]?.node;
            return {
              spec, score: lhr.categories.performance.score, fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'),
              tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift'), si: audit('speed-index'), bytes: audit('total-byte-weight'),
              lcpElement: lcpNode?.nodeLabel || lcpNode?.snippet || '', h1: seen.h1, finalUrl: lhr.finalDisplayedUrl,
              benchmark: lhr.environment?.benchmarkIndex, version: lhr.lighthouseVersion, warnings: lhr.runWarnings ?? [],
            };
          } finally {
            await page.close().catch(() => {});
          }
        });
        if (r) runs.push(r);
      }
      results.push(runs.length ? medianRun(spec, runs) : null);
    }
    await browser.disconnect();
  } finally {
    await kill();
  }
  return results;
}

// ---- 4. repeat visit offline ------------------------------------------------------------------------------------
async function offlineRuns(context, server, spec) {
  const times = { slowed: [], plain: [] };
  let label = '';
  for (const slowed of [true, false]) {
    for (let i = 0; i < OFFLINE_RUNS; i++) {
      const page = await context.newPage();
      try {
        await page.addInitScript(usableProbe, spec.usable);
        if (slowed) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
        await page.goto(`${server.url}${spec.path}`, { waitUntil: 'commit', timeout: 30_000 });
        const usable = await waitUsable(page, `${spec.name} offline`, 30_000);
        await checkScreen(page, spec);
        const controlled = await evaluate(page, () => !!navigator.serviceWorker.controller);
        if (!controlled) throw new Error('the page is not controlled by the service worker');
        times[slowed ? 'slowed' : 'plain'].push(usable.at);
        label = usable.label;
      } finally {
        await page.close();
      }
    }
  }
  return { spec, label, ...times };
}

/** A phone context whose service worker has installed and controls the page (guides read once online). */
async function installedContext(browser, server, storageState, warm) {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...(storageState ? { storageState } : {}) });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => navigator.serviceWorker?.controller, null, { timeout: 60_000 });
  for (const p of warm) {
    await page.goto(`${server.url}${p.path}`);
    await page.locator(p.usable).first().waitFor({ timeout: 30_000 });
  }
  await page.close();
  return context;
}

// ---- main -------------------------------------------------------------------------------------------------------
async function main() {
  for (const [what, file] of [['server binary (CAREPATH_SERVER_BIN)', SERVER_BIN], ['app build (CAREPATH_DIST)', path.join(DIST, 'index.html')], ['Chromium', CHROMIUM]]) {
    if (!existsSync(file)) throw new Error(`no ${what} at ${file}`);
  }
  const sw = existsSync(path.join(DIST, 'sw.js')) ? readFileSync(path.join(DIST, 'sw.js'), 'utf8') : '';
  const build = sw.match(/const VERSION = '([^']+)'/)?.[1] ?? 'unknown';
  const chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const commit = (() => { try { return execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(); } catch { return '?'; } })();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');

  log(`server ${SERVER_BIN}, app ${DIST} (build ${build})`);
  const server = new Server();
  await server.start();
  rememberPid(server.proc.pid);
  cleanups.push(() => server.stop());
  server.createPharmacist(PHARMACIST);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  rememberPid(browser.process?.()?.pid);
  cleanups.push(() => browser.close());

  log('enrolling two patients from the desk and connecting their phones');
  const deskContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const desk = await deskContext.newPage();
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Username').fill(PHARMACIST.username);
  await desk.getByLabel('Password').fill(PHARMACIST.password);
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await desk.getByRole('heading', { name: 'Review queue' }).waitFor();
  const phoneCode = await enrollPatient(desk, server, 'Rosa Díaz');
  const lighthouseCode = await enrollPatient(desk, server, 'Ana Ruiz');
  await deskContext.close();

  // The enrolled phone whose stored data (IndexedDB + localStorage, nothing else) seeds the fresh contexts.
  const phoneContext = await browser.newContext({ ...PHONE, locale: 'en-US' });
  await connectPhone(await phoneContext.newPage(), server, phoneCode, 'Rosa Díaz');
  const enrolledState = await phoneContext.storageState({ indexedDB: true });
  await phoneContext.close();

  // The Lighthouse profile: enrolled in a persistent Chromium profile, closed, then opened by chrome-launcher.
  const profile = mkdtempSync(path.join(WORK, 'lighthouse-profile-'));
  const persistent = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, ...PHONE, locale: 'en-US' });
  await connectPhone(persistent.pages()[0] ?? await persistent.newPage(), server, lighthouseCode, 'Ana Ruiz');
  await persistent.close();

  // 2. cold first visits (throttled), one per page.
  const visits = [];
  for (const spec of STEPS.has('cold') ? PAGES : []) {
    log(`cold first visit (throttled): ${spec.name}`);
    visits.push({ spec, visit: await attempt(`first visit ${spec.name}`, () => coldVisit(browser, server, spec, spec.enrolled ? enrolledState : null)) });
  }

  // 4. repeat visits offline.
  log(`repeat visits offline (${OFFLINE_RUNS} runs each, with 4× CPU and without)`);
  const offline = [];
  const offlineStep = STEPS.has('offline');
  const fresh = offlineStep ? await attempt('offline: installing the service worker (fresh device)', () => installedContext(browser, server, null, [])) : null;
  const enrolled = offlineStep ? await attempt('offline: installing the service worker (enrolled phone)',
    () => installedContext(browser, server, enrolledState, PATIENT_PAGES.filter((p) => p.path.startsWith('/guides')))) : null;
  for (const context of [fresh, enrolled]) await context?.setOffline(true);
  for (const spec of STEPS.has('offline') ? PATIENT_PAGES : []) {
    const context = spec.enrolled ? enrolled : fresh;
    if (!context) continue;
    log(`offline: ${spec.name}`);
    offline.push(await attempt(`offline ${spec.name}`, () => offlineRuns(context, server, spec)));
  }
  await fresh?.close();
  await enrolled?.close();
  await browser.close();
  cleanups.pop();

  // 3. Lighthouse: the enroll page in a fresh profile, the enrolled pages in the enrolled one.
  const lh = !STEPS.has('lighthouse') ? [] : [
    ...await lighthouseRuns(server, PATIENT_PAGES.filter((p) => !p.enrolled), null),
    ...await lighthouseRuns(server, PATIENT_PAGES.filter((p) => p.enrolled), profile),
  ];

  await cleanup();

  // ---- the report ----
  const missing = (step) => (STEPS.has(step) ? 'could not measure' : 'not run');
  const lhInfo = lh.find(Boolean);
  const accept = visits.find((v) => v.visit)?.visit.acceptEncoding.join(' / ') ?? '?';
  print(`## Carepath app delivery — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`);
  print();
  print(`- app build \`${build}\` from \`${DIST}\`; server \`${SERVER_BIN}\`; repo at \`${commit}\``);
  print(`- ${chromiumVersion}; Lighthouse ${lhInfo?.version ?? '?'} (benchmarkIndex ${lhInfo?.benchmark ? Math.round(lhInfo.benchmark) : '?'}); `
    + `${os.cpus().length} CPUs, load average ${loadBefore} at start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at end`);
  print(`- served over http://127.0.0.1; Chromium asked for \`Accept-Encoding: ${accept}\``);
  print();
  bundlesTable();

  print('### Cold first visit: bytes over the wire (KiB, headers included; the page and its service worker\'s install)');
  print();
  table(['page', 'path', 'total', 'requests', 'of which SW', ...TYPES, 'content-encoding (responses with a body)']);
  for (const { spec, visit } of visits) {
    if (visit) bytesRow(spec, visit); else row([spec.name, `\`${spec.path}\``, missing('cold'), ...Array(TYPES.length + 3).fill('')]);
  }
  if (!visits.length) row(['all', '', missing('cold'), ...Array(TYPES.length + 3).fill('')]);
  print();
  print('Fresh browser context per page (no HTTP cache, no service worker; enrolled pages start with the phone\'s stored data only), '
    + 'counted until the usable button, the service worker ready and the network quiet. Target (issue #13, patient pages): first load '
    + '≤ 250 KB over the wire, everything included, brotli where the browser asks.');
  for (const { spec, visit } of visits) {
    if (visit?.unread.length) print(`- ${spec.name}: ${visit.unread.length} response(s) whose size Chromium did not report, not counted: ${visit.unread.map((u) => `\`${new URL(u).pathname}\``).join(', ')}`);
    if (visit?.stillLoading.length) print(`- ${spec.name}: still loading after 20 s, not counted: ${visit.stillLoading.map((u) => `\`${new URL(u).pathname}\``).join(', ')}`);
  }
  print();

  print(`### Cold first visit, throttled (CDP: 1.6 Mbps down, 750 kbps up, 150 ms RTT, ${CPU_SLOWDOWN}× CPU; phone viewport)`);
  print();
  table(['page', 'blank for (FCP)', 'LCP (in page)', 'LCP element (in page)', 'usable button', 'usable element']);
  for (const { spec, visit } of visits) {
    if (visit) row([spec.name, sec(visit.fcp), sec(visit.lcp?.at), mdText(visit.lcp?.element ?? ''), sec(visit.usable.at), `"${mdText(visit.usable.label)}"`]);
    else row([spec.name, missing('cold'), '', '', '', '']);
  }
  if (!visits.length) row(['all', missing('cold'), '', '', '', '']);
  print();
  print('One run per page; times from navigation start. The service worker\'s own requests are not throttled.');
  print();

  print('### Lighthouse, mobile defaults (simulated slow 4G, 4× CPU), performance only');
  print();
  table(['page', 'performance', 'FCP', 'LCP', 'TBT', 'TBT min–max', 'CLS', 'Speed Index', 'bytes (KiB, Lighthouse)', 'LCP element', 'screen checked']);
  PATIENT_PAGES.forEach((spec, i) => {
    const r = lh[i];
    if (!r) { row([spec.name, missing('lighthouse'), '', '', '', '', '', '', '', '', '']); return; }
    row([spec.name, `**${Math.round(r.score * 100)}**`, sec(r.fcp), `**${sec(r.lcp)}**`, `**${ms(r.tbt)}**`, `${ms(r.tbtMin)}–${ms(r.tbtMax)}`, r.cls == null ? '—' : r.cls.toFixed(3), sec(r.si), kib(r.bytes),
      mdText(r.lcpElement).slice(0, 40), `${new URL(r.finalUrl).pathname} "${mdText(r.h1)}"${spec.enrolled ? ', enrolled' : ', not enrolled'}`]);
  });
  print();
  print(`Targets: performance ≥ 90, LCP ≤ 2.0 s, TBT ≤ 200 ms. The median of ${LIGHTHOUSE_RUNS} runs per page (CAREPATH_MEASURE_LIGHTHOUSE_RUNS), each figure on its own; TBT also as its range over the runs. The enrolled pages run in a Chromium profile enrolled `
    + 'beforehand; Lighthouse\'s reset clears the service worker, Cache Storage and HTTP cache and keeps IndexedDB (the enrollment). '
    + '"screen checked": the address and heading in Lighthouse\'s page after the run.');
  const warnings = [...new Set(lh.filter(Boolean).flatMap((r) => r.warnings.map((w) => mdText(typeof w === 'string' ? w : JSON.stringify(w)))))];
  for (const w of warnings) print(`- Lighthouse warned: ${w}`);
  print();

  print(`### Repeat visit offline: navigation to usable button (service worker installed; median of ${OFFLINE_RUNS}, new tab each run)`);
  print();
  table(['page', `median, ${CPU_SLOWDOWN}× CPU`, `min–max, ${CPU_SLOWDOWN}× CPU`, 'median, no CPU throttling', 'usable element']);
  PATIENT_PAGES.forEach((spec) => {
    const r = offline.find((o) => o?.spec === spec);
    if (!r) { row([spec.name, missing('offline'), '', '', '']); return; }
    row([spec.name, `**${ms(median(r.slowed))}**`, `${ms(Math.min(...r.slowed))}–${ms(Math.max(...r.slowed))}`, ms(median(r.plain)),
      `"${mdText(r.label)}"`]);
  });
  print();
  print('Target: a usable button ≤ 0.5 s after navigation. The guides were opened once online before going offline.');
  print();
  print(`Usable button: the first visible, enabled element matching the page's selector (${PAGES.map((p) => `${p.name} \`${p.usable}\``).join('; ')}), `
    + 'seen by a MutationObserver injected before the page\'s scripts, timed from navigation start. Every figure is taken on the screen it '
    + 'names: the address and the enrolled (`.sync-status`) or enroll (`#enroll-code`) screen are checked, in Lighthouse\'s page too.');
  if (failures.length) {
    print();
    print('**Could not measure:**');
    for (const f of failures) print(`- ${mdText(f)}`);
  }
  console.log(out.join('\n'));
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), async (err) => {
  console.error(`measure-app: could not measure: ${err?.stack || err}`);
  await cleanup();
  process.exit(1);
});
