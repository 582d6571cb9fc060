// The static first paint (issue #13): index.html carries a shell — the app's name, "Loading…" and, on an enrolled
// phone's patient pages, the site's "call right away" advice with its two numbers (public/shell.js, from what the
// app saved: app/patient/src/shell.rs) — so a patient who needs to call can do so before the wasm arrives. To look at the
// shell alone the wasm is held forever (a route that never answers), as on a very slow network; once it is let
// through, the app mounts and the shell is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server, launchBrowser, shot, axe, PHONE, signedInDesk, enrollAndConnect, overflowing, waitFor } from './harness.mjs';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const SERVER_BIN = process.env.CAREPATH_SERVER_BIN || path.join(ROOT, 'target/debug/carepath-server');
const PHARMACIST = {
  username: 's.patel', password: 'a shell before the app', site: 'Harbor Oncology Pharmacy',
  phone: '+1 555 0133', afterHours: '+1 (555) 014-4000',
};
// The site's own fever threshold (the default is 38.0 °C): 37.8 °C is 100.0 °F.
const SITE_FEVER_C = '37.8';
const FEVER = { en: '37.8 °C (100.0 °F)', es: '37,8 °C (100,0 °F)' };
const ENTRY = 'carepath.call-numbers';
const WASM = '**/*.wasm';
const never = () => {}; // neither answered nor failed: the wasm is still on its way

/** The app's own words (locales/<lang>/carepath_app.ftl), with the placeholders filled in. */
function ftl(lang, id, args = {}) {
  const file = readFileSync(path.join(ROOT, `locales/${lang}/carepath_app.ftl`), 'utf8');
  const line = file.split('\n').find((l) => l.startsWith(`${id} = `));
  assert.ok(line, `${id} in the ${lang} messages`);
  return Object.entries(args).reduce((text, [name, value]) => text.split(`{ $${name} }`).join(value), line.slice(id.length + 3));
}

/** The call block's words the shell must show, in `lang`. */
function callWords(lang) {
  return {
    title: ftl(lang, 'call-now-title'),
    body: ftl(lang, 'call-now-body', { fever: FEVER[lang] }),
    pharmacy: ftl(lang, 'call-now-pharmacy', { phone: PHARMACIST.phone }),
    afterHours: ftl(lang, 'call-now-after-hours', { phone: PHARMACIST.afterHours }),
  };
}

const held = new WeakSet();

/** Opens `url` with the wasm held: only the static shell can show. */
async function shellOnly(page, url) {
  if (!held.has(page)) await page.route(WASM, never);
  held.add(page);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('#static-shell').waitFor();
}

/** Every tel: link shown is a target of at least 44 × 44 px (WCAG 2.5.8). */
async function bigEnoughCallLinks(page) {
  const boxes = await page.locator('#static-shell a[href^="tel:"]').evaluateAll((links) =>
    links.map((a) => ({ text: a.textContent, ...a.getBoundingClientRect().toJSON() })));
  assert.equal(boxes.length, 2, 'both call buttons shown');
  for (const box of boxes) assert.ok(box.width >= 44 && box.height >= 44, `${box.text}: ${box.width}×${box.height}`);
}

/** The shell's call block as a patient sees it: the advice and both numbers as tel: links, in `lang`. */
async function callBlockShown(page, lang) {
  const words = callWords(lang);
  const block = page.locator('#static-shell .call-now');
  await block.waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  assert.equal((await block.getByRole('heading', { level: 2 }).textContent()).trim(), words.title);
  assert.equal((await block.locator('p').first().textContent()).trim(), words.body);
  assert.equal(await block.getByRole('link', { name: words.pharmacy, exact: true }).getAttribute('href'), 'tel:+15550133');
  assert.equal(await block.getByRole('link', { name: words.afterHours, exact: true }).getAttribute('href'), 'tel:+15550144000');
  assert.equal(await page.getByRole('status').textContent(), ftl(lang, 'loading'));
  await bigEnoughCallLinks(page);
}

/** No sideways scrolling at phone width, at the normal text size and at 200 %. */
async function reflows(page, what, shotAt200) {
  assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at phone width`);
  // 200 % of the app's 112.5 % base (the browser's text size setting scales the root size the same way).
  await page.evaluate(() => { document.documentElement.style.fontSize = '225%'; });
  assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at 200 % text`);
  await bigEnoughCallLinks(page);
  if (shotAt200) await shot(page, shotAt200);
  await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
}

let server;
let browser;
let phone; // an enrolled patient's phone

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  execFileSync(SERVER_BIN, ['site-settings', '--site', PHARMACIST.site, '--fever-threshold-c', SITE_FEVER_C], { env: server.env() });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The shell's enroll card shows the enroll screen's heading and first words, in `lang`. */
async function enrollCardShown(page, lang) {
  const card = page.locator('#static-shell #shell-enroll');
  assert.equal(await card.isVisible(), true, 'the enroll card is shown');
  assert.equal(await card.getByRole('heading', { level: 1 }).textContent(), ftl(lang, 'enroll-title'));
  assert.equal(await card.locator('p').textContent(), ftl(lang, 'enroll-intro'));
}

test('a fresh phone: the app name, "Loading…" and the enroll screen\'s first words paint before the wasm arrives, and no call block', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await shellOnly(page, server.url);
  assert.equal(await page.locator('#static-shell .app-header .brand').textContent(), 'Carepath');
  assert.equal(await page.getByRole('status').textContent(), 'Loading…');
  await enrollCardShown(page, 'en');
  assert.equal(await page.locator('#shell-call-now').isVisible(), false, 'no call block without saved numbers');
  assert.equal(await page.locator('a[href^="tel:"]:visible').count(), 0);
  assert.equal(await page.locator('.skip-link').count(), 0, 'the app has not mounted');
  assert.deepEqual(await overflowing(page), [], 'the shell scrolls sideways at phone width');
  await shot(page, '92-shell-loading');
  assert.deepEqual(await axe(page), [], 'accessibility violations on the loading shell');

  // A Spanish phone gets Spanish words.
  const es = await (await browser.newContext({ ...PHONE, locale: 'es-MX' })).newPage();
  await shellOnly(es, server.url);
  assert.equal(await es.getByRole('status').textContent(), 'Cargando…');
  assert.equal(await es.locator('html').getAttribute('lang'), 'es');
  await enrollCardShown(es, 'es');
  await es.context().close();
  // The guides open before enrolling too, and are not the enroll screen. (A new phone: on the first one, the service
  // worker may already be serving the wasm, past the route that holds it.)
  const guides = await (await browser.newContext({ ...PHONE, locale: 'es-MX' })).newPage();
  await shellOnly(guides, `${server.url}/guides`);
  assert.equal(await guides.getByRole('status').textContent(), 'Cargando…');
  assert.equal(await guides.locator('#shell-enroll').isVisible(), false, 'no enroll card on the guides');
  await guides.context().close();

  // The service worker keeps shell.js for offline use, with index.html.
  await page.unroute(WASM, never);
  held.delete(page);
  await page.reload();
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  assert.equal(await page.evaluate(async () => {
    const key = (await caches.keys()).find((k) => k.startsWith('carepath-shell-'));
    return Boolean(key && (await (await caches.open(key)).match('/shell.js')));
  }), true, 'shell.js is in the offline cache');
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), ENTRY), null, 'nothing saved before enrollment');
  await context.close();
});

test('a first visit\'s largest paint is the shell\'s: the app\'s enroll screen paints nothing larger when it mounts', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('#enroll-code').waitFor();
  assert.equal(await page.locator('#static-shell').count(), 0, 'the app replaced the shell');
  // Each entry is a paint larger than all before it; the last one's element is gone with the shell (null) when the
  // shell's card was the largest thing painted. Lighthouse's LCP is then the shell's first paint, before the wasm.
  const paints = await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list) => resolve(list.getEntries().map((e) => ({ size: e.size, element: e.element?.outerHTML.slice(0, 80) ?? null }))))
      .observe({ type: 'largest-contentful-paint', buffered: true });
  }));
  assert.equal(paints.at(-1).element, null, `the app painted something larger than the shell: ${JSON.stringify(paints)}`);
  await context.close();
});

test('without shell.js (a failed request) the app still starts, in place of the shell', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await page.route('**/shell.js', (route) => route.abort());
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  assert.equal(await page.locator('#static-shell').count(), 0);
  assert.equal(await page.locator('.app-header').count(), 1);
  await context.close();
});

test('an enrolled phone: the app saves only the site\'s numbers and fever threshold', async () => {
  const desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, {
    name: 'Lucía Romero', drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day',
  });
  await desk.context().close();
  await waitFor(() => phone.evaluate((key) => localStorage.getItem(key) !== null, ENTRY), 'the call numbers saved');
  const saved = JSON.parse(await phone.evaluate((key) => localStorage.getItem(key), ENTRY));
  assert.deepEqual(saved, { v: 1, phone: PHARMACIST.phone, after_hours_phone: PHARMACIST.afterHours, fever_threshold_c_tenths: 378 });

  // Reloads below must reach the network (where the wasm is held), not the service worker's copy.
  await phone.context().route('**/sw.js', (route) => route.abort());
  await phone.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });
});

test('reloaded with the wasm held, the enrolled phone shows the call block with both numbers, in English', async () => {
  await shellOnly(phone, server.url);
  assert.equal(await phone.evaluate(() => navigator.serviceWorker.controller), null, 'not answered by the service worker');
  await callBlockShown(phone, 'en');
  assert.equal(await phone.locator('.skip-link').count(), 0, 'the app has not mounted');
  await shot(phone, '93-shell-call-now');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the shell with its call block');
  await reflows(phone, 'the shell with its call block');
});

test('once the wasm arrives the app mounts: no shell left, exactly one call block on Today', async () => {
  await phone.unroute(WASM, never);
  held.delete(phone);
  await phone.reload();
  await phone.getByRole('heading', { name: 'Today' }).waitFor();
  await phone.getByText('Hello, Lucía Romero.').waitFor();
  assert.equal(await phone.locator('#static-shell').count(), 0, 'the static shell is removed');
  assert.equal(await phone.locator('.call-now').count(), 1);
  assert.equal(await phone.locator('.app-header').count(), 1);
  assert.equal(await phone.locator('main').count(), 1);
  assert.equal(await phone.locator('.call-now a[href="tel:+15550133"]').count(), 1);
  // The patient picks Spanish in the app: the next shell is in Spanish.
  await phone.getByLabel('Language').selectOption('es');
  await phone.getByRole('heading', { name: 'Hoy' }).waitFor();
});

test('reloaded with the wasm held, the shell is in the language saved in the app (Spanish)', async () => {
  await shellOnly(phone, `${server.url}/diary`);
  await callBlockShown(phone, 'es');
  await shot(phone, '94-shell-call-now-es');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the Spanish shell');
  await reflows(phone, 'the Spanish shell', '95-shell-call-now-es-200-percent-text');
});

test('on the desk\'s pages the shell never shows call numbers, even on an enrolled phone', async () => {
  for (const page of ['/pharmacy', '/pharmacy/patients', '/pharmacy/worklists']) {
    await shellOnly(phone, `${server.url}${page}`);
    assert.equal(await phone.locator('#static-shell .brand').textContent(), 'Carepath');
    assert.equal(await phone.getByRole('status').textContent(), 'Cargando…');
    assert.equal(await phone.locator('#shell-call-now').isVisible(), false, `no call block on ${page}`);
    assert.equal(await phone.locator('a[href^="tel:"]:visible').count(), 0, `no call link on ${page}`);
  }
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the desk\'s shell');
  // The desk itself mounts as usual, without the shell.
  await phone.unroute(WASM, never);
  held.delete(phone);
  await phone.goto(`${server.url}/pharmacy`);
  await phone.getByLabel('Usuario').waitFor();
  assert.equal(await phone.locator('#static-shell').count(), 0);
});

test('a site setting changed at the pharmacy reaches the shell at the next sync; an unchanged one is not written again', async () => {
  // Counts the app's writes of the entry (set up through DevTools, for every page load of this phone).
  await phone.addInitScript((key) => {
    window.__entryWrites = 0;
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) { if (k === key) window.__entryWrites++; return setItem.call(this, k, v); };
  }, ENTRY);
  execFileSync(SERVER_BIN, ['site-settings', '--site', PHARMACIST.site, '--fever-threshold-c', '38.1'], { env: server.env() });
  const synced = phone.waitForResponse((r) => r.url().endsWith('/api/device/profile') && r.ok());
  await phone.goto(server.url);
  await phone.getByRole('heading', { name: 'Hoy' }).waitFor();
  await synced;
  await waitFor(() => phone.evaluate((key) => JSON.parse(localStorage.getItem(key)).fever_threshold_c_tenths === 381, ENTRY), 'the new threshold saved');
  assert.equal(await phone.evaluate(() => window.__entryWrites), 1, 'written once, when it changed');

  // Another load and sync with nothing changed: no write.
  const again = phone.waitForResponse((r) => r.url().endsWith('/api/device/profile') && r.ok());
  await phone.reload();
  await phone.getByRole('heading', { name: 'Hoy' }).waitFor();
  await again;
  await phone.waitForTimeout(500);
  assert.equal(await phone.evaluate(() => window.__entryWrites), 0, 'not written again when unchanged');

  await shellOnly(phone, server.url);
  assert.equal(await phone.locator('#shell-call-now-body').textContent(), ftl('es', 'call-now-body', { fever: '38,1 °C (100,6 °F)' }));
});

test('a saved entry that is not what the app writes is ignored, and nothing in it is read as HTML', async () => {
  const good = { v: 1, phone: '+1 555 0133', after_hours_phone: '+1 555 0144', fever_threshold_c_tenths: 380 };
  const garbage = [
    '{not json', '"a string"', '[]', 'null', JSON.stringify({ ...good, v: 2 }), JSON.stringify({ ...good, phone: 42 }),
    JSON.stringify({ ...good, after_hours_phone: undefined }), JSON.stringify({ ...good, phone: 'call us' }),
    JSON.stringify({ ...good, phone: '<img src=x onerror=alert(1)> 555 0100' }),
    JSON.stringify({ ...good, fever_threshold_c_tenths: 400 }), JSON.stringify({ ...good, fever_threshold_c_tenths: 38 }),
    JSON.stringify({ ...good, fever_threshold_c_tenths: 380.5 }), JSON.stringify({ ...good, fever_threshold_c_tenths: '380' }),
  ];
  // The wasm stays held: the app never runs, so it cannot write the entry again.
  await shellOnly(phone, server.url);
  for (const entry of garbage) {
    await phone.evaluate(([key, value]) => localStorage.setItem(key, value), [ENTRY, entry]);
    await phone.reload({ waitUntil: 'domcontentloaded' });
    await phone.getByRole('status').waitFor();
    assert.equal(await phone.locator('#shell-call-now').isVisible(), false, `call block shown for ${entry}`);
    assert.equal(await phone.locator('#static-shell img').count(), 0);
  }
  // Text that looks like HTML is shown as it is written.
  await phone.evaluate(([key, value]) => localStorage.setItem(key, value), [ENTRY, JSON.stringify({ ...good, phone: '555 0133 &amp; 1' })]);
  await phone.reload({ waitUntil: 'domcontentloaded' });
  await phone.locator('#shell-call-now').waitFor();
  assert.equal(await phone.locator('#shell-call-pharmacy').textContent(), 'Llame a su farmacia: 555 0133 &amp; 1');
  assert.equal(await phone.locator('#shell-call-pharmacy').getAttribute('href'), 'tel:55501331');
  assert.equal(await phone.locator('#shell-call-now-body').textContent(), ftl('es', 'call-now-body', { fever: '38,0 °C (100,4 °F)' }));
  await phone.context().close();
});
