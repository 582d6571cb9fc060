// Clinical safety (issue #10), walked in the browser: a capecitabine patient, offline, reports 5 stools more than
// usual → "Call us now" at once with the site's number (the capecitabine label's own line, 4 or more, from the
// rules content, run on the phone) → back online → an urgent alert with the reason in words and what the patient
// was told. An abiraterone patient's dose card shows the drug's own food rule, not a generic sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing } from './harness.mjs';

const PHARMACIST = { username: 'm.ruiz', password: 'a long enough passphrase', site: 'Riverside Oncology Pharmacy', phone: '+1 555 0144', afterHours: '+1 555 0188' };

let server;
let browser;
let desk;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
  desk = await signedInDesk(browser, server, PHARMACIST);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('offline, 5 stools more than usual on capecitabine shows "Call us now" at once; online, an urgent alert says why', async () => {
  const phone = await enrollAndConnect(browser, server, desk, {
    name: 'Elena Vargas', drug: 'Capecitabine', strength: '500 mg tablets', dose: '3 tablets', mg: 1500, frequency: 'Twice a day',
    pattern: { on: 14, off: 7 },
  });
  await phone.locator('.sync-status[data-state="synced"]').waitFor();
  // A dropped network, not a stopped server: the phone's own offline state.
  await phone.context().setOffline(true);
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  // The intro does not promise that anyone reads it at once.
  await phone.getByText(/reviews answers during opening hours, not at once/).waitFor();
  // Drug-specific emergency question for capecitabine, beside the ones for everyone.
  await phone.getByLabel(/feverish or have shaking chills/).waitFor();
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByRole('heading', { name: 'Bowel movements' }).waitFor();
  await phone.getByLabel(/how many more stools/).fill('5');
  await phone.getByRole('button', { name: 'Next' }).click();

  const callNow = phone.getByTestId('call-now');
  await callNow.getByRole('heading', { name: 'Call your pharmacy now' }).waitFor();
  await callNow.getByText('4 or more stools a day more than usual, on capecitabine').waitFor();
  // Both numbers, whatever the hour (at night the after-hours line is the first and big one).
  assert.equal(await callNow.locator('a[href="tel:+15550144"]').count(), 1);
  assert.equal(await callNow.locator('a[href="tel:+15550188"]').count(), 1);
  await phone.getByText(/saved on this phone and marked urgent/).waitFor();
  assert.equal(await phone.evaluate(() => document.activeElement?.id), 'step-heading');
  assert.deepEqual(await overflowing(phone), [], 'Call us now scrolls sideways at phone width');
  await shot(phone, '40-patient-stools-call-now-offline');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the Call us now screen');
  assert.equal(server.sql('SELECT COUNT(*) FROM alerts'), '0', 'nothing reached the server while offline');

  await phone.context().setOffline(false);
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
  assert.equal(server.sql("SELECT tier || '/' || patient_action FROM alerts"), 'urgent/call_now');
  assert.match(server.sql('SELECT reasons FROM alerts'), /capecitabine_stools_4/);

  await desk.reload();
  const top = desk.getByTestId('alert').first();
  await top.waitFor();
  assert.equal(await top.getAttribute('data-tier'), 'urgent');
  assert.match(await top.textContent(), /Elena Vargas/);
  assert.match(await top.textContent(), /4 or more stools a day more than usual, on capecitabine/);
  assert.match(await top.textContent(), /Told to call now/);
  await shot(desk, '41-pharmacist-stools-alert');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the alert queue');
});

test("an abiraterone patient's dose card shows the drug's own food rule", async () => {
  await desk.goto(`${server.url}/pharmacy`);
  const phone = await enrollAndConnect(browser, server, desk, {
    name: 'Tomás Reyes', drug: 'Abiraterone', strength: '250 mg tablets', dose: '4 tablets', mg: 1000, frequency: 'Once a day',
  });
  const card = phone.locator('ul.doses li.slot').first();
  await card.waitFor();
  assert.match(await card.textContent(), /No food for 2 hours before and 1 hour after/);
  assert.doesNotMatch(await phone.locator('body').textContent(), /1 hour before or 2 hours after a meal/);
  const regimen = JSON.parse(server.sql("SELECT regimen FROM regimens WHERE patient_id = (SELECT id FROM patients WHERE display_name = 'Tomás Reyes')"));
  assert.deepEqual(regimen.doses[0].food, { no_food: { before_minutes: 120, after_minutes: 60 } }, 'the form took the guide\'s rule');
  await shot(phone, '42-patient-abiraterone-dose-card');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today');
});
