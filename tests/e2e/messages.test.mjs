// Issue #12 item 9: a pharmacist's reply reaches a phone whose app is open (no reload), shows at the top of
// Today until the patient taps "Got it", and only then is marked read on the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing, waitFor } from './harness.mjs';

const PHARMACIST = { username: 'r.alvarez', password: 'a long enough passphrase', site: 'Riverside Oncology Pharmacy' };
const REPLY = 'Please go to the emergency department now. We have called ahead.';

let server;
let browser;
let desk;
let phone;

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

test('the patient reports a fever; an alert reaches the desk', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, {
    name: 'Lucia Ortega', drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day',
  });
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  await phone.getByLabel('°C').check();
  await phone.getByLabel(/If you took your temperature/).fill('38.6');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByTestId('call-now').waitFor();
  await waitFor(() => server.sql('SELECT COUNT(*) FROM alerts') === '1', 'the alert');
  await phone.getByRole('link', { name: 'Today' }).first().click();
  await phone.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
});

test('a reply appears on the open phone within 45 s, at the top of Today, and is read only after "Got it"', async () => {
  await desk.reload();
  const top = desk.getByTestId('alert').first();
  await top.getByRole('button', { name: /Details, notes and reply/ }).click();
  await top.getByTestId('reply-text').fill(REPLY);
  await top.getByRole('button', { name: 'Send to patient' }).click();
  await desk.getByText(/Not read yet/).waitFor();

  // No reload, no navigation: the open app's visible-page poll brings it.
  const sent = Date.now();
  const region = phone.getByRole('region', { name: 'New message from your pharmacy' });
  await region.getByText(REPLY).waitFor({ timeout: 45_000 });
  console.log(`reply shown after ${Math.round((Date.now() - sent) / 1000)} s`);

  // At the top of Today: right under the heading, above the dose card and everything else.
  const order = await phone.evaluate(() => {
    const main = document.querySelector('section[aria-labelledby="today-title"]');
    const cards = [...main.querySelectorAll(':scope > *')].filter((el) => el.tagName !== 'H1' && !el.classList.contains('subtitle'));
    return cards[0]?.getAttribute('data-testid');
  });
  assert.equal(order, 'new-messages', 'the new message is the first thing under the heading');
  const box = await region.boundingBox();
  assert.ok(box.y + 60 < 844, 'the message starts above the fold at 390 × 844');
  assert.deepEqual(await overflowing(phone), [], 'Today scrolls sideways at phone width');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today with a new message');
  await shot(phone, '60-patient-new-message');

  // Shown is not read: several syncs later, still unread on the server.
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(server.sql('SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL'), '0', 'read just for being shown');

  // "Got it" has a name of its own (with who sent it) and the message text as its description.
  const gotIt = region.getByRole('button', { name: /^Got it Pharmacist r\.alvarez/ });
  assert.match(await gotIt.getAttribute('aria-describedby'), /^message-body-/);
  await gotIt.click();
  await region.waitFor({ state: 'detached' });
  // Focus goes back to the screen's heading, not lost to the page.
  await phone.waitForFunction(() => document.activeElement?.id === 'today-title', null, { timeout: 2000 });
  // A read message is folded under "Earlier message (1)" (issue #14 item 7: a shorter Today).
  const earlier = phone.getByTestId('messages');
  await earlier.getByText('Earlier message (1)').click();
  await earlier.getByText(REPLY).waitFor();
  await waitFor(() => server.sql('SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL') === '1', 'the read receipt');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today after reading');
  await desk.reload();
  await desk.getByTestId('alert').first().getByRole('button', { name: /Details, notes and reply/ }).click();
  await desk.getByTestId('alert').first().getByText(/Read /).waitFor();
});
