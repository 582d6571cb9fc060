// Every phone screen at 200 % text and at 320 px wide (issue #14, item 5; WCAG 1.4.4 and 1.4.10): nothing runs off
// the edge or scrolls sideways, the language menu still reads its language, every link and button is at least 44 px
// tall to tap (item 6), and screenshots of each at both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, shot, signedInDesk, enrollAndConnect, overflowing, largeText, PHONE, EVENING,
} from './harness.mjs';

const PHARMACIST = { username: 'k.osei', password: 'yet another passphrase', site: 'Hillside Oncology Pharmacy', phone: '+1 555 0199' };
const PATIENT = 'Maximiliano Fernández-Castellanos';

let server;
let browser;
let desk;
let phone;
let visitor; // not enrolled

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
  desk = await signedInDesk(browser, server, PHARMACIST, EVENING);
  phone = await enrollAndConnect(browser, server, desk, {
    name: PATIENT, drug: 'Capecitabine', strength: '500 mg tablets', dose: '3 tablets', mg: 1500, frequency: 'Twice a day',
    pattern: { on: 14, off: 7 }, context: EVENING,
  });
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
  visitor = await (await browser.newContext({ ...PHONE, ...EVENING, locale: 'en-US' })).newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The language menu shows its whole choice ("English", not "E"). */
async function languageMenuReads(page) {
  return page.evaluate(() => {
    const select = document.querySelector('.language select');
    if (!select) return true;
    const probe = document.createElement('span');
    probe.textContent = select.selectedOptions[0]?.textContent ?? '';
    probe.style.cssText = `font: ${getComputedStyle(select).font}; position: absolute; visibility: hidden; white-space: nowrap;`;
    document.body.append(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    return select.clientWidth >= needed;
  });
}

/** Links and buttons on screen less than 44 px tall to tap (issue #14, item 6); [] when none. */
async function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('main a, main button, main label.choice')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => ({ el, rect: el.getBoundingClientRect() }))
    .filter(({ rect }) => rect.height < 44)
    .map(({ el, rect }) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${Math.round(rect.height)} px`));
}

/** At 390 px with 200 % text, then at 320 px: no sideways scrolling, the language readable; a screenshot of each. */
async function reflows(page, name, what) {
  await page.setViewportSize(PHONE.viewport);
  assert.deepEqual(await smallTargets(page), [], `targets under 44 px on ${what}`);
  await largeText(page);
  try {
    assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at 200 % text`);
    assert.ok(await languageMenuReads(page), `the language menu is cut short at 200 % text on ${what}`);
    await shot(page, `${name}-200`);
  } finally {
    await largeText(page, false);
  }
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at 320 px`);
    await shot(page, `${name}-320`);
  } finally {
    await page.setViewportSize(PHONE.viewport);
  }
}

test('before enrolling: the connect screen, the guides and a guide', async () => {
  await visitor.goto(server.url);
  await visitor.getByLabel('Your code').waitFor();
  await reflows(visitor, '70-enroll', 'the connect screen');
  await visitor.goto(`${server.url}/guides`);
  await visitor.getByRole('heading', { name: /Medicine guides/ }).waitFor();
  await reflows(visitor, '71-guides', 'the guides list');
  await visitor.getByRole('link', { name: /Capecitabine/ }).first().click();
  await visitor.getByRole('heading', { level: 1, name: /Capecitabine/ }).waitFor();
  await reflows(visitor, '72-guide', 'a guide');
});

test('Today, with the dose options open', async () => {
  await phone.goto(server.url);
  await phone.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).waitFor();
  await reflows(phone, '73-today', 'Today');
  await phone.getByRole('button', { name: 'Something else about my Morning dose' }).click();
  await phone.getByText('I took it at another time').waitFor();
  await reflows(phone, '74-today-dose-options', 'the dose options');
  await phone.getByRole('button', { name: 'Cancel' }).click();
  await phone.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).click();
  await phone.locator('li.slot[data-slot="morning"]').getByText(/Taken · /).waitFor();
  await reflows(phone, '75-today-dose-taken', 'Today with a dose taken');
});

test('every step of the check-in, and its summary', async () => {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await reflows(phone, '76-check-in-safety', 'the check-in safety step');
  await phone.getByRole('button', { name: 'Next' }).click();
  for (let step = 0; step < 25; step++) {
    const heading = (await phone.locator('#step-heading').textContent()).trim();
    if (heading === 'Anything else?') break;
    await reflows(phone, `77-check-in-step-${String(step).padStart(2, '0')}`, `the check-in step "${heading}"`);
    if (await phone.getByRole('button', { name: 'Skip this question' }).isVisible()) {
      await phone.getByRole('button', { name: 'Skip this question' }).click();
    } else {
      await phone.getByRole('button', { name: 'Next' }).click();
    }
    await phone.waitForFunction((h) => document.querySelector('#step-heading')?.textContent.trim() !== h, heading);
  }
  await reflows(phone, '78-check-in-note', 'the check-in note');
  await phone.getByLabel(/Tell us about anything else/).fill('Tired in the afternoons.');
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  await phone.waitForFunction(() => !['Anything else?', ''].includes(document.querySelector('#step-heading')?.textContent.trim() ?? ''));
  await reflows(phone, '79-check-in-sent', 'the check-in summary');
});

test('my check-ins, the diary, messages and adding a person', async () => {
  await phone.goto(`${server.url}/my-check-ins`);
  await phone.getByRole('heading', { level: 1 }).waitFor();
  await reflows(phone, '80-my-check-ins', 'my check-ins');
  await phone.goto(`${server.url}/diary`);
  await phone.getByRole('heading', { name: 'My dosing diary' }).waitFor();
  await reflows(phone, '81-diary', 'the diary');
  await phone.goto(`${server.url}/messages`);
  await phone.getByRole('heading', { level: 1 }).waitFor();
  await reflows(phone, '82-messages', 'messages');
  await phone.goto(`${server.url}/add-person`);
  await phone.getByRole('heading', { level: 1 }).waitFor();
  await reflows(phone, '83-add-person', 'adding a person');
});

test('Call now, after a red-flag answer', async () => {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByLabel('°C').check();
  await phone.getByLabel(/If you took your temperature/).fill('39.2');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByRole('heading', { name: 'Call your pharmacy now' }).waitFor();
  await reflows(phone, '84-call-now', 'Call now');
});
