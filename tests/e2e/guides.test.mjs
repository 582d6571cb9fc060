// Medication guides, end to end: an enrolled patient on a phone finds their own medicine first, searches by brand
// and generic names, reads a guide (when to get help first: 911, call now, within a day, with the pharmacy's numbers
// and the site's fever threshold), in English and Spanish, offline after the first visit; the pharmacy team sees that
// the guide was opened. Also before enrollment, in print, and the regimen form taking the drug's food rule from its
// guide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Server, launchBrowser, shot, axe, PHONE, signedInDesk, enrollAndConnect, fillIdentity } from './harness.mjs';

const PHARMACIST = { username: 'a.nguyen', password: 'guides are for reading', site: 'Lakeside Oncology Pharmacy', phone: '+1 555 0111', afterHours: '+1 555 0122' };
// The site's own fever threshold (the default is 38.0 °C): 38.3 °C is 100.9 °F.
const SITE_FEVER_C = '38.3';
const SERVER_BIN = process.env.CAREPATH_SERVER_BIN || path.resolve(new URL('../../target/debug/carepath-server', import.meta.url).pathname);
const PLACEHOLDER = /\{(pharmacy_phone|after_hours_phone|fever_threshold)\}/;

/** "Checked against the US label revised 10/2025 · Last reviewed December 1, 2026", worked out from the guide's JSON. */
async function checkedLine(lang, drug) {
  const guide = await (await fetch(`${server.url}/guides/${lang}/${drug}.json`)).json();
  const [year, month] = guide.label_revised.split('-');
  const [y, m, d] = guide.reviewed.split('-').map(Number);
  const reviewed = new Date(y, m - 1, d).toLocaleDateString(lang, { month: 'long', day: 'numeric', year: 'numeric' });
  return lang === 'es'
    ? `Comprobada con la etiqueta de EE. UU. revisada en ${month}/${year} · Última revisión: ${reviewed}`
    : `Checked against the US label revised ${month}/${year} · Last reviewed ${reviewed}`;
}

/** Every tel: link in `scope` is a target of at least 44 × 44 px (WCAG 2.5.8, and 2.5.5 at AAA). */
async function bigEnoughCallLinks(scope) {
  const boxes = await scope.locator('.call-links a[href^="tel:"]').evaluateAll((links) =>
    links.map((a) => ({ text: a.textContent, ...a.getBoundingClientRect().toJSON() })));
  assert.ok(boxes.length > 0, 'call buttons shown');
  for (const box of boxes) assert.ok(box.width >= 44 && box.height >= 44, `${box.text}: ${box.width}×${box.height}`);
}

let server;
let browser;
let desk; // the pharmacist's page
let phone; // the patient's page

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

const guideViews = () => server.sql("SELECT COUNT(*) FROM events WHERE kind = 'guide_viewed'");

test('an enrolled patient opens the guides from Today and finds their own medicine first', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, {
    name: 'Tomás Herrera', drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day',
  });

  await phone.getByRole('link', { name: 'Read about your medicines' }).click();
  await phone.getByRole('heading', { name: 'Medicine guides' }).waitFor();
  const mine = phone.locator('ul.guide-list.mine .guide-link');
  await mine.first().waitFor();
  assert.equal(await mine.count(), 1);
  assert.equal(await mine.first().getAttribute('data-drug'), 'capecitabine');
  assert.match(await mine.first().textContent(), /Capecitabine.*Xeloda/);
  // "My medicines" comes before "All medicines", which lists every guide.
  const headings = await phone.locator('.guides h2').allTextContents();
  assert.deepEqual(headings, ['My medicines', 'All medicines']);
  assert.ok(await phone.locator('ul.guide-list.all .guide-link').count() >= 15);
  await shot(phone, '20-guides-list');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the guide list');
});

/** The layout shifts a page made on its own (none after a tap or key), with what moved. */
const shifts = (page) => page.evaluate(() => new Promise((resolve) => {
  new PerformanceObserver((list) => resolve(list.getEntries().filter((e) => !e.hadRecentInput)
    .map((e) => ({ value: e.value, moved: e.sources.map((s) => (s.node ? `${s.node.nodeName}.${s.node.className}` : '?')) }))))
    .observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve([]), 1000); // no entry at all: the observer never calls back
}));

test('opened straight from the address on a slow phone, an enrolled patient\'s guides hardly move as the app fills them in', async () => {
  // The sync status used to arrive after the page and push it down (0.16 on the list), and "Back" moved when the list
  // came (0.05). What is left is the status line growing once its first sync has answered (about 0.02).
  const moved = (list) => list.reduce((sum, shift) => sum + shift.value, 0);
  for (const [path, ready] of [['/guides', 'ul.guide-list.mine .guide-link'], ['/guides/capecitabine', 'article.guide a.button']]) {
    const page = await phone.context().newPage();
    // A slow phone's CPU: the app paints before the stored state has been read, as on a patient's phone.
    await (await phone.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(`${server.url}${path}`);
    await page.locator(ready).first().waitFor();
    await page.locator('a.back-home').waitFor();
    const seen = await shifts(page);
    assert.ok(!seen.some((shift) => shift.moved.some((what) => what.includes('back-home'))), `"Back" moved on ${path}: ${JSON.stringify(seen)}`);
    assert.ok(moved(seen) < 0.05, `${path} moved while it loaded: ${JSON.stringify(seen)}`);
    await page.close();
  }
});

test('the search finds medicines by brand and by part of the generic name', async () => {
  const search = phone.getByLabel('Find a medicine');
  await search.fill('xeloda');
  await phone.getByText('1 medicine found.').waitFor();
  const shown = () => phone.locator('ul.guide-list.all .guide-link').evaluateAll((links) => links.map((a) => a.dataset.drug));
  assert.deepEqual(await shown(), ['capecitabine']);
  await search.fill('abirat');
  await phone.getByText('1 medicine found.').waitFor();
  assert.deepEqual(await shown(), ['abiraterone']);
  assert.equal(await phone.locator('ul.guide-list.mine').count(), 0, 'My medicines hides when nothing of mine matches');
  await shot(phone, '21-guides-search');
  // Spanish names and accents typed or not: "Abiraterona", "ABIRATERÓNA".
  await search.fill('ABIRATERÓNA');
  await phone.getByText('1 medicine found.').waitFor();
  await search.fill('no such medicine');
  await phone.getByText('No medicine matches “no such medicine”.', { exact: false }).waitFor();
  await search.fill('');
});

test('a guide shows when to get help first, in three tiers, with the pharmacy numbers and the site fever threshold', async () => {
  await phone.locator('ul.guide-list.mine .guide-link').first().click();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.getByText('Brand names: Xeloda').waitFor();
  await phone.getByText('How to say it: ka-pe-SITE-a-been').waitFor();
  // The label the guide was checked against, and when a pharmacist last reviewed it, under the title.
  assert.equal((await phone.locator('article.guide .guide-checked').textContent()).trim(), await checkedLine('en', 'capecitabine'));

  // The first block is "When to get help", open, before any expandable topic; then "Start here", open.
  const blocks = phone.locator('article.guide > section, article.guide > details');
  const first = blocks.first();
  assert.equal(await first.getAttribute('id'), 'section-call');
  assert.match(await first.getAttribute('class'), /call-now/);
  assert.equal(await first.locator('h2').textContent(), 'When to get help');
  // Three tiers, each headed by what to do. The site has its own after-hours number: "day or night".
  assert.deepEqual(await first.locator('h3').allTextContents(), ['Call 911', 'Call us now, day or night', 'Tell us within a day']);
  const tier = (id) => first.locator(`.call-tier[data-tier="${id}"]`);
  assert.match(await tier('call_911').textContent(), /Chest pain or pressure/);
  const call911 = tier('call_911').getByRole('link', { name: 'Call 911' });
  assert.equal(await call911.getAttribute('href'), 'tel:911');
  assert.match(await tier('call_now').textContent(), /Do not take more capecitabine until your team tells you to\./);
  assert.ok(await tier('within_a_day').locator('li').count() >= 1);
  // The site's numbers: the main one under "Call us now" and "Tell us within a day", the after-hours one too.
  assert.equal(await tier('call_now').locator('a[href="tel:+15550111"]').count(), 1);
  assert.match(await tier('call_now').locator('a[href="tel:+15550111"]').textContent(), /\+1\s555\s0111/);
  assert.equal(await tier('call_now').locator('a[href="tel:+15550122"]').count(), 1);
  assert.equal(await tier('within_a_day').locator('a[href="tel:+15550111"]').count(), 1);
  await bigEnoughCallLinks(first);
  // The fever threshold is the site's: 38.3 °C, not the default 38.0 °C.
  assert.match(await tier('call_now').textContent(), /A fever of 38\.3 °C \(100\.9 °F\) or higher/);
  assert.doesNotMatch(await phone.locator('article.guide').textContent(), /38\.0 °C/);
  assert.doesNotMatch(await phone.locator('article.guide').textContent(), PLACEHOLDER);

  const startHere = blocks.nth(1);
  assert.equal(await startHere.getAttribute('id'), 'section-start_here');
  assert.equal(await startHere.evaluate((d) => d.tagName === 'DETAILS' && d.open), true);
  assert.equal(await startHere.locator('summary').textContent(), 'Start here');
  assert.match(await startHere.textContent(), /38\.3 °C \(100\.9 °F\)/);

  // The other sections are closed until tapped.
  const howToTake = phone.locator('#section-how_to_take');
  assert.equal(await howToTake.evaluate((d) => d.open), false);
  assert.equal(await phone.getByText('Take capecitabine within 30 minutes after a meal.').isVisible(), false);
  await phone.getByText('How to take it', { exact: true }).click();
  await phone.getByText('Take capecitabine within 30 minutes after a meal.').waitFor();
  assert.equal(await howToTake.evaluate((d) => d.open), true);
  assert.equal(await phone.locator('details.guide-section').count(), 18);
  for (const id of ['took_too_much', 'alcohol', 'missed_appointments']) {
    assert.equal(await phone.locator(`details#section-${id}`).count(), 1, id);
    assert.doesNotMatch(await phone.locator(`#section-${id} summary`).textContent(), /guide-section-/);
  }
  // Numbers in section text are links too.
  const tel = phone.locator('#section-took_too_much a.phone').first();
  assert.equal(await tel.textContent(), '+1 555 0111');
  assert.equal(await tel.getAttribute('href'), 'tel:+15550111');

  // Teach-back: the answer shows once the question is tapped.
  const answer = phone.getByText('I will skip it and take the next dose at the usual time.', { exact: false });
  assert.equal(await answer.isVisible(), false);
  await phone.getByText('What will you do if you forget a dose?').click();
  await answer.waitFor();
  await shot(phone, '22-guide-capecitabine');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on a guide');
});

test('the guide view reaches the pharmacy once per day, and shows in the queue', async () => {
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  assert.equal(guideViews(), '1');
  assert.equal(server.sql("SELECT json_extract(payload, '$.body.drug') || ' ' || json_extract(payload, '$.body.lang') FROM events WHERE kind = 'guide_viewed'"), 'capecitabine en');
  // Opening it again (even after a reload) the same day records nothing more.
  await phone.reload();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.getByRole('link', { name: 'All medicine guides' }).click();
  await phone.locator('ul.guide-list.mine .guide-link').first().click();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.waitForTimeout(500);
  await phone.locator('.sync-status[data-waiting="0"]').waitFor();
  assert.equal(guideViews(), '1');

  await desk.getByRole('button', { name: 'Refresh' }).click();
  await desk.locator('.queue-item[data-kind="guide"]').waitFor();
  assert.match(await desk.locator('.queue-item[data-kind="guide"]').textContent(), /Tomás Herrera.*Opened the guide: Capecitabine/);
  await shot(desk, '23-pharmacist-queue-guide-viewed');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the queue with a guide view');
});

test('the text size buttons change the class on <html>, and the choice is remembered', async () => {
  const htmlClass = () => phone.locator('html').getAttribute('class');
  assert.match(await htmlClass(), /\btext-size-1\b/);
  const larger = phone.getByRole('button', { name: 'Larger text' });
  const before = await phone.locator('article.guide p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
  await larger.click();
  await larger.click();
  assert.match(await htmlClass(), /\btext-size-3\b/);
  assert.doesNotMatch(await htmlClass(), /\btext-size-1\b/);
  const after = await phone.locator('article.guide p').first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
  assert.ok(after > before * 1.2, `text grew from ${before}px to ${after}px`);
  await shot(phone, '24-guide-larger-text');
  await phone.reload();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  assert.match(await htmlClass(), /\btext-size-3\b/);
  await phone.getByRole('button', { name: 'Smaller text' }).click();
  await phone.getByRole('button', { name: 'Smaller text' }).click();
  assert.match(await htmlClass(), /\btext-size-1\b/);
  assert.equal(await phone.getByRole('button', { name: 'Smaller text' }).isDisabled(), true);
});

test('in Spanish the app shows the Spanish guide', async () => {
  await phone.getByLabel('Language').selectOption('es');
  await phone.getByRole('heading', { level: 1, name: 'Capecitabina' }).waitFor();
  await phone.getByText('Cómo se dice: ca-pe-si-TA-bi-na').waitFor();
  await phone.getByRole('heading', { level: 2, name: 'Cuándo pedir ayuda' }).waitFor();
  const call = phone.locator('#section-call');
  assert.deepEqual(await call.locator('h3').allTextContents(), ['Llame al 911', 'Llámenos ahora, de día o de noche', 'Avísenos en las próximas 24 horas']);
  assert.match(await call.textContent(), /No tome más capecitabina hasta que su equipo se lo diga/);
  // A decimal comma in Spanish.
  assert.match(await call.textContent(), /38,3 °C \(100,9 °F\)/);
  assert.equal(await call.getByRole('link', { name: 'Llamar al 911' }).getAttribute('href'), 'tel:911');
  assert.equal((await phone.locator('article.guide .guide-checked').textContent()).trim(), await checkedLine('es', 'capecitabine'));
  assert.equal(await phone.locator('#section-start_here summary').textContent(), 'Empiece aquí');
  assert.doesNotMatch(await phone.locator('article.guide').textContent(), PLACEHOLDER);
  await phone.getByText('Cómo tomarlo', { exact: true }).waitFor();
  await shot(phone, '25-guide-spanish');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on a Spanish guide');
  await phone.getByRole('link', { name: 'Todas las guías de medicamentos' }).click();
  await phone.getByRole('heading', { name: 'Mis medicamentos' }).waitFor();
  assert.match(await phone.locator('ul.guide-list.mine').textContent(), /Capecitabina/);
  await phone.getByLabel('Idioma').selectOption('en');
  await phone.getByRole('heading', { name: 'My medicines' }).waitFor();
  assert.equal(guideViews(), '1', 'reading it in another language the same day is not another view');
});

test('a guide opened once still opens with the server down (service worker)', async () => {
  await phone.goto(`${server.url}/guides/capecitabine`);
  await phone.evaluate(() => navigator.serviceWorker.ready);
  await phone.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // Opened once while the service worker is in charge: now it has a copy of the guide and of the list.
  await phone.reload();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.getByRole('link', { name: 'All medicine guides' }).click();
  await phone.locator('ul.guide-list.mine .guide-link').first().waitFor();

  await server.stop();
  try {
    await phone.goto(`${server.url}/guides/capecitabine`);
    await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
    await phone.getByText('How to take it', { exact: true }).click();
    await phone.getByText('Take capecitabine within 30 minutes after a meal.').waitFor();
    await phone.getByRole('link', { name: 'All medicine guides' }).click();
    await phone.locator('ul.guide-list.mine .guide-link').first().waitFor();
    // A guide never opened is not on the phone: say so plainly.
    await phone.goto(`${server.url}/guides/venetoclax`);
    await phone.getByText('This guide is not saved on this phone yet.', { exact: false }).waitFor();
    await shot(phone, '26-guide-offline-not-saved');
  } finally {
    await server.start();
  }
});

test('before enrollment the guides can be browsed, with words instead of phone numbers', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  await page.getByRole('link', { name: 'Read about cancer medicines' }).click();
  await page.getByRole('heading', { name: 'Medicine guides' }).waitFor();
  assert.equal(await page.locator('ul.guide-list.mine').count(), 0);
  await page.locator('.guide-link[data-drug="abiraterone"]').click();
  await page.getByRole('heading', { level: 1, name: 'Abiraterone' }).waitFor();
  const callFirst = page.locator('article.guide > section, article.guide > details').first();
  assert.equal(await callFirst.getAttribute('id'), 'section-call');
  // No site yet: "your care team", no pharmacy numbers, the default fever threshold.
  assert.deepEqual(await callFirst.locator('h3').allTextContents(), ['Call 911', 'Call your care team now', 'Tell us within a day']);
  assert.deepEqual(await callFirst.locator('a[href^="tel:"]').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['tel:911']);
  assert.match(await callFirst.textContent(), /38\.0 °C \(100\.4 °F\)/);
  assert.match(await page.locator('#section-took_too_much').textContent(), /your pharmacy's phone number/);
  assert.equal(await page.locator('#section-took_too_much a[href^="tel:"]').count(), 0);
  assert.doesNotMatch(await page.locator('article.guide').textContent(), PLACEHOLDER);
  assert.equal((await page.locator('article.guide .guide-checked').textContent()).trim(), await checkedLine('en', 'abiraterone'));
  await shot(page, '27-guide-before-enrollment');
  assert.deepEqual(await axe(page), [], 'accessibility violations on a guide before enrollment');
  await page.getByRole('link', { name: 'Back to the start page' }).click();
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();

  // An unknown drug is a plain message, not a broken page.
  await page.goto(`${server.url}/guides/aspirin`);
  await page.getByText('We do not have a guide for this medicine yet.', { exact: false }).waitFor();
  await context.close();
});

test('a printed guide shows every section, expanded, without the app controls', async () => {
  await phone.goto(`${server.url}/guides/capecitabine`);
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.emulateMedia({ media: 'print' });
  try {
    // Closed sections' text is visible in print.
    await phone.getByText('Keep capecitabine at room temperature, away from heat and damp.').waitFor();
    assert.equal(await phone.locator('.guide-tools').isVisible(), false);
    assert.equal(await phone.locator('.app-header').isVisible(), false);
    await shot(phone, '28-guide-print');
  } finally {
    await phone.emulateMedia({ media: 'screen' });
  }
});

test('the regimen form fills in the food rule of the drug typed, from its guide, and it can be changed', async () => {
  const morning = desk.getByRole('group', { name: 'Morning dose' });
  const food = morning.getByLabel('Food', { exact: true });
  await desk.getByLabel('Drug name').fill('Xeloda');
  await desk.getByText('Food filled in from the capecitabine guide: Within 30 minutes after a meal.', { exact: false }).waitFor();
  assert.equal(await food.inputValue(), 'after-meal');
  assert.equal(await morning.getByLabel('Minutes after the meal, at most').inputValue(), '30');
  assert.equal(await desk.getByRole('group', { name: 'Evening dose' }).getByLabel('Food', { exact: true }).inputValue(), 'after-meal');

  await desk.getByLabel('Drug name').fill('Abiraterone acetate');
  await desk.getByText('Food filled in from the abiraterone guide: No food for 2 hours before and 1 hour after your dose.', { exact: false }).waitFor();
  assert.equal(await food.inputValue(), 'no-food');
  assert.equal(await morning.getByLabel('Minutes without food before the dose').inputValue(), '120');
  assert.equal(await morning.getByLabel('Minutes without food after the dose').inputValue(), '60');
  assert.doesNotMatch(await desk.locator('form').first().textContent(), /1 hour before or 2 hours after/);
  await shot(desk, '29-regimen-form-food-from-guide');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the regimen form with a food rule');

  // The pharmacist can still change it; minutes left out are a problem shown next to their input.
  await food.selectOption('with-food');
  assert.equal(await morning.getByLabel('Minutes without food before the dose').count(), 0);
  await food.selectOption('after-meal');
  const within = morning.getByLabel('Minutes after the meal, at most');
  await within.fill('');
  await desk.getByLabel('Patient name').fill('Food Rule Test');
  await fillIdentity(desk);
  await desk.getByLabel('Strength', { exact: true }).fill('250 mg tablets');
  await morning.getByLabel('Tablets').fill('4');
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const errorId = `${await within.getAttribute('id')}-error`;
  await desk.locator(`#${errorId}`).getByText('Type a number of minutes from 1 to 360.').waitFor();
  assert.equal(await within.getAttribute('aria-invalid'), 'true');
  assert.match(await within.getAttribute('aria-describedby'), new RegExp(errorId));
  assert.equal(await within.evaluate((el) => el === document.activeElement), true, 'the focus moves to the input');
  await within.fill('45');
  assert.equal(await within.getAttribute('aria-invalid'), null);
});
