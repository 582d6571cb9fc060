// Medication guides, end to end: an enrolled patient on a phone finds their own medicine first, searches by brand
// and generic names, reads a guide (red flags first, with the pharmacy's number), in English and Spanish, offline
// after the first visit; the pharmacy team sees that the guide was opened. Also before enrollment, and in print.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, PHONE, signedInDesk, enrollAndConnect } from './harness.mjs';

const PHARMACIST = { username: 'a.nguyen', password: 'guides are for reading', site: 'Lakeside Oncology Pharmacy', phone: '+1 555 0111', afterHours: '+1 555 0122' };

let server;
let browser;
let desk; // the pharmacist's page
let phone; // the patient's page

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

test('a guide shows when to call first, with the pharmacy number, and the other sections open on a tap', async () => {
  await phone.locator('ul.guide-list.mine .guide-link').first().click();
  await phone.getByRole('heading', { level: 1, name: 'Capecitabine' }).waitFor();
  await phone.getByText('Brand names: Xeloda').waitFor();
  await phone.getByText('How to say it: ka-pe-SITE-a-been').waitFor();

  // The first section is the red-flag box, open, before any expandable topic.
  const first = phone.locator('article.guide > section, article.guide > details').first();
  assert.equal(await first.getAttribute('id'), 'section-call_right_away');
  assert.match(await first.getAttribute('class'), /call-now/);
  assert.match(await first.textContent(), /Stop taking capecitabine and call your care team right away/);
  const tel = first.locator('a.phone').first();
  assert.equal(await tel.textContent(), '+1 555 0111');
  assert.equal(await tel.getAttribute('href'), 'tel:+15550111');
  assert.equal(await first.locator('a.phone[href="tel:+15550122"]').count(), 1);
  assert.doesNotMatch(await phone.locator('article.guide').textContent(), /\{pharmacy_phone\}|\{after_hours_phone\}/);

  // The other sections are closed until tapped.
  const howToTake = phone.locator('#section-how_to_take');
  assert.equal(await howToTake.evaluate((d) => d.open), false);
  assert.equal(await phone.getByText('Take capecitabine within 30 minutes after a meal.').isVisible(), false);
  await phone.getByText('How to take it', { exact: true }).click();
  await phone.getByText('Take capecitabine within 30 minutes after a meal.').waitFor();
  assert.equal(await howToTake.evaluate((d) => d.open), true);
  assert.equal(await phone.locator('details.guide-section').count(), 14);

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
  await phone.getByRole('heading', { name: 'Cuándo llamar de inmediato' }).waitFor();
  assert.match(await phone.locator('#section-call_right_away').textContent(), /Deje de tomar la capecitabina/);
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
  const callFirst = page.locator('#section-call_right_away');
  assert.match(await callFirst.textContent(), /your pharmacy's phone number/);
  assert.equal(await callFirst.locator('a[href^="tel:"]').count(), 0);
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
