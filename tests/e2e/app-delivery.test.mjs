// How the app reaches a phone (issue #13): two bundles, the patient app and the pharmacist's desk, each under
// content-hashed names; the real server sends the brotli copy of each app file to a browser that asks for brotli,
// gzip to one that asks for gzip only, and the plain file otherwise; bundle files may be cached for good, pages and
// the small files are revalidated; each bundle stays within its size budget (app/size-budget.json); a patient's
// phone never requests a desk file; and an update that changes only the CSS does not download the wasm again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, launchBrowser, signedInDesk, enrollAndConnect, PHONE, waitFor } from './harness.mjs';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const DIST = process.env.CAREPATH_DIST || path.join(ROOT, 'dist');
const PHARMACIST = { username: 'delivery', password: 'correct horse battery', site: 'Delivery Clinic' };
let server;
let browser;

/** A bundle's files in dist/pkg ("patient-<hash>.wasm"), by bundle and extension. */
function bundleFile(bundle, ext) {
  const names = readdirSync(path.join(DIST, 'pkg')).filter((f) => f.startsWith(`${bundle}-`) && f.endsWith(`.${ext}`));
  assert.equal(names.length, 1, `one ${bundle} .${ext} file in dist/pkg (${names.join(', ')})`);
  return `pkg/${names[0]}`;
}

/** Every file of the desk bundle, as URL paths: its JS, its wasm and its JS snippets. */
function deskFiles() {
  const sw = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  return JSON.parse(sw.match(/const DESK_FILES = (\[.*\]);/)[1]);
}

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The raw answer (not decoded): status, headers and body bytes. */
function get(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const FILES = [bundleFile('patient', 'wasm'), bundleFile('patient', 'js'), bundleFile('desk', 'wasm'), 'styles.css', 'index.html', 'desk.html', 'shell.js'];
for (const file of FILES) {
  test(`/${file} is sent as brotli, gzip or plain, as the browser asks`, async () => {
    const url = `${server.url}/${file}`;
    const plain = readFileSync(path.join(DIST, file));
    const br = await get(url, 'gzip, deflate, br');
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(br.body, readFileSync(path.join(DIST, `${file}.br`)));
    assert.ok(br.body.length < plain.length, 'brotli is smaller');
    const gz = await get(url, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gz.body, readFileSync(path.join(DIST, `${file}.gz`)));
    assert.ok(br.body.length < gz.body.length, 'brotli is smaller than gzip');
    const none = await get(url, 'identity');
    assert.equal(none.headers['content-encoding'], undefined);
    assert.deepEqual(none.body, plain);
  });
}

test('patient pages get the patient app, pages under /pharmacy the desk, both as brotli', async () => {
  for (const [page, file] of [['/diary', 'index.html'], ['/guides/capecitabine', 'index.html'], ['/pharmacy', 'desk.html'],
    ['/pharmacy/patients/0b6c7c1e-0000-4000-8000-000000000000', 'desk.html']]) {
    const answer = await get(`${server.url}${page}`, 'br');
    assert.equal(answer.status, 200, page);
    assert.equal(answer.headers['content-encoding'], 'br', page);
    assert.deepEqual(answer.body, readFileSync(path.join(DIST, `${file}.br`)), `${page} is ${file}`);
    assert.equal(answer.headers['cache-control'], 'no-cache', `${page} is revalidated`);
  }
  const index = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.ok(index.includes(`/${bundleFile('patient', 'wasm')}`) && !index.includes('/pkg/desk-'), 'index.html names only the patient bundle');
  const desk = readFileSync(path.join(DIST, 'desk.html'), 'utf8');
  assert.ok(desk.includes(`/${bundleFile('desk', 'wasm')}`) && !desk.includes('/pkg/patient-'), 'desk.html names only the desk bundle');
});

test('bundle files (content-hashed names) may be cached for good; other files are revalidated; a missing one is not cached', async () => {
  for (const file of [bundleFile('patient', 'wasm'), bundleFile('desk', 'js'), ...deskFiles().filter((f) => f.includes('/snippets/')).map((f) => f.slice(1))]) {
    const answer = await get(`${server.url}/${file}`, 'br');
    assert.equal(answer.status, 200, file);
    assert.equal(answer.headers['cache-control'], 'public, max-age=31536000, immutable', file);
  }
  for (const file of ['styles.css', 'boot.js', 'sw.js', 'index.html']) {
    assert.equal((await get(`${server.url}/${file}`, 'br')).headers['cache-control'], 'no-cache', file);
  }
  const missing = await get(`${server.url}/pkg/patient-000000000000.wasm`, 'br');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['cache-control'], 'no-cache');
});

test('each bundle stays within its brotli size budget', () => {
  const budget = JSON.parse(readFileSync(path.join(ROOT, 'app/size-budget.json'), 'utf8'));
  for (const bundle of ['patient', 'desk']) {
    const file = path.join(DIST, bundleFile(bundle, 'wasm'));
    const size = statSync(`${file}.br`).size;
    const allowed = budget[`${bundle}_wasm_brotli_bytes`];
    assert.ok(Number.isInteger(allowed), `app/size-budget.json has ${bundle}_wasm_brotli_bytes`);
    console.log(`# ${bundle} wasm: ${statSync(file).size} bytes, brotli ${size} bytes, budget ${allowed}`);
    assert.ok(size <= allowed, `the ${bundle} wasm is ${size} bytes brotli, over its budget of ${allowed} (app/size-budget.json)`);
  }
});

test("the patient app formats no date with the browser's Intl (its locale data costs a slow phone ~150 ms at start)", () => {
  const glue = readFileSync(path.join(DIST, bundleFile('patient', 'js')), 'utf8');
  for (const call of ['toLocaleDateString', 'toLocaleTimeString', 'toLocaleString', 'DateTimeFormat']) {
    assert.ok(!glue.includes(call), `the patient bundle's JS calls ${call}: dates are written by carepath_ui::format`);
  }
});

test("a patient's phone never requests or keeps a desk file, before or after enrolling", async () => {
  const desk = await signedInDesk(browser, server, PHARMACIST);
  const phone = await enrollAndConnect(browser, server, desk, { name: 'Ana Ruiz', drug: 'Capecitabine 500 mg tablets', dose: '3 tablets' });
  // Requests of the pages and of the service worker (Chromium reports the worker's on the context).
  const requested = [];
  phone.context().on('request', (r) => requested.push(new URL(r.url()).pathname));
  const first = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
  first.context().on('request', (r) => requested.push(new URL(r.url()).pathname));
  await first.goto(`${server.url}/`);
  await first.getByLabel('Your code').waitFor();
  for (const page of ['/guides', '/guides/capecitabine']) {
    await first.goto(`${server.url}${page}`);
    await first.locator('main h1').waitFor();
  }
  for (const page of ['/', '/diary', '/check-in', '/messages', '/guides']) {
    await phone.goto(`${server.url}${page}`);
    await phone.locator('main h1, main h2').first().waitFor();
  }
  await phone.evaluate(() => navigator.serviceWorker.ready);
  await first.evaluate(() => navigator.serviceWorker.ready);
  const desks = new Set(deskFiles());
  assert.ok(requested.some((p) => p.startsWith('/pkg/patient-')), 'the watch saw the patient bundle');
  assert.deepEqual(requested.filter((p) => desks.has(p) || p === '/desk.html' || p.startsWith('/pkg/desk-')), [], 'no desk file requested');
  for (const page of [phone, first]) {
    const kept = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    assert.ok(kept.some((p) => p.startsWith('/pkg/patient-')), 'the patient bundle is kept for offline use');
    assert.deepEqual(kept.filter((p) => desks.has(p) || p.startsWith('/pkg/desk-') || p === '/desk.html'), [], 'no desk file kept');
  }
  await desk.context().close();
  await phone.context().close();
  await first.context().close();
});

test("the desk's page registers no service worker and downloads no patient bundle", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const requested = [];
  context.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const desk = await context.newPage();
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Username').waitFor();
  await desk.waitForLoadState('load');
  await desk.waitForTimeout(500);
  assert.equal(await desk.evaluate(async () => (await navigator.serviceWorker.getRegistration()) ?? null), null, 'no service worker');
  assert.ok(requested.some((p) => p.startsWith('/pkg/desk-')), 'the desk bundle was loaded');
  assert.deepEqual(requested.filter((p) => p.startsWith('/pkg/patient-')), [], 'no patient bundle file requested');
  await context.close();
});

test('an update that changes only the CSS installs without downloading the wasm again', async () => {
  // A copy of the build to change, served by a server of its own.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carepath-dist-'));
  cpSync(DIST, dir, { recursive: true });
  const own = new Server();
  own.extraEnv = { CAREPATH_STATIC_DIR: dir };
  await own.start();
  try {
    const page = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
    await page.goto(`${own.url}/guides`);
    await page.locator('main h1').waitFor();
    const oldVersion = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active.scriptURL && (await caches.keys()).find((k) => k.startsWith('carepath-shell-'));
    });
    assert.ok(oldVersion, 'the first build is cached');
    // The "new build": other CSS, a new worker version, and the wasm no longer on the server: if the new worker
    // tried to download it, its install would fail and the old one would stay.
    const wasm = bundleFile('patient', 'wasm');
    for (const suffix of ['', '.br', '.gz']) rmSync(path.join(dir, `${wasm}${suffix}`));
    for (const suffix of ['.br', '.gz']) {
      rmSync(path.join(dir, `styles.css${suffix}`));
      rmSync(path.join(dir, `sw.js${suffix}`));
    }
    writeFileSync(path.join(dir, 'styles.css'), `${readFileSync(path.join(dir, 'styles.css'), 'utf8')}\n.css-update-marker { color: inherit; }\n`);
    const sw = readFileSync(path.join(dir, 'sw.js'), 'utf8');
    writeFileSync(path.join(dir, 'sw.js'), sw.replace(/const VERSION = '([^']*)'/, "const VERSION = '$1-css'"));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await waitFor(() => page.evaluate(async () => (await caches.keys()).some((k) => k.endsWith('-css'))), 'the new worker to install', 20_000);
    await waitFor(() => page.evaluate(async () => !(await caches.keys()).some((k) => k.startsWith('carepath-shell-') && !k.endsWith('-css'))),
      'the new worker to take over (the old cache dropped)', 20_000);
    // Offline, the app opens from the new cache: the new CSS and the wasm it kept.
    await page.context().setOffline(true);
    await page.goto(`${own.url}/guides`);
    await page.locator('main h1').waitFor();
    const css = await page.evaluate(async () => (await (await caches.match('/styles.css')).text()).includes('css-update-marker'));
    assert.ok(css, 'the new CSS is the one kept');
    await page.context().close();
  } finally {
    await own.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
