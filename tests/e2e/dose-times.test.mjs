// Doses that know the time (issue #14, item 1), walked as a patient would at 4 in the morning: the evening dose
// tapped hours early is asked about first; any record can be undone for a few seconds (a correction, nothing
// deleted); yesterday's dose asks when it was taken, or records "time not known", never "now"; today's and
// yesterday's buttons have distinct names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, axe, signedInDesk, enrollAndConnect, waitFor, zoneWhereItIs, shotBothTextSizes,
} from './harness.mjs';

const PHARMACIST = { username: 'd.okafor', password: 'a long enough passphrase', site: 'Lakeside Oncology Pharmacy', phone: '+1 555 0177' };
const PATIENT = 'Rosa Delgado';
// It is about 4 AM where the patient and the pharmacy are: the evening dose (8 PM) is hours away.
const NIGHT = { timezoneId: zoneWhereItIs(4) };

let server;
let browser;
let desk;
let phone;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
  desk = await signedInDesk(browser, server, PHARMACIST, NIGHT);
  // Day 1 was yesterday: yesterday's doses are there to log.
  const yesterday = await desk.evaluate(() => { const d = new Date(); d.setDate(d.getDate() - 1); return d.toLocaleDateString('sv'); });
  phone = await enrollAndConnect(browser, server, desk, {
    name: PATIENT, drug: 'Capecitabine', strength: '500 mg tablets', dose: '3 tablets', mg: 1500, frequency: 'Twice a day',
    start: yesterday, context: NIGHT,
  });
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const doseEvents = () => server.sql("SELECT count(*) FROM events WHERE kind = 'dose_logged'");
const today = () => phone.locator('ul.doses > li > ul.slots');
const yesterdayRows = () => phone.locator('.unlogged');
const synced = () => phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });

test("today's and yesterday's buttons have names of their own", async () => {
  await today().getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).waitFor();
  await yesterdayRows().getByRole('button', { name: "I took yesterday's Evening dose of Capecitabine" }).waitFor();
  await yesterdayRows().getByRole('button', { name: "Something else about yesterday's Morning dose" }).waitFor();
  await today().getByRole('button', { name: 'Something else about my Morning dose' }).waitFor();
  // Each name once on the page.
  assert.equal(await phone.getByRole('button', { name: 'I took my Evening dose of Capecitabine', exact: true }).count(), 1);
});

test('the evening dose tapped at 4 AM asks first; "Not yet" records nothing and gives the button back', async () => {
  const evening = today().locator('[data-slot="evening"]');
  await evening.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).click();
  const question = evening.getByText(/^It is \d{1,2}:\d\d AM\. This dose is due at 8:00 PM\. Did you take it now\?$/);
  await question.waitFor();
  await waitFor(() => phone.evaluate(() => document.activeElement?.textContent?.startsWith('It is ')), 'focus on the question');
  await shotBothTextSizes(phone, '60-dose-early-question', 'the early-dose question');
  assert.equal(doseEvents(), '0', 'nothing is recorded before the patient answers');

  await evening.getByRole('button', { name: 'Not yet' }).click();
  await question.waitFor({ state: 'detached' });
  await waitFor(() => phone.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'I took my Evening dose of Capecitabine'),
    'focus back on "I took it"');
  assert.equal(doseEvents(), '0');
});

test('"Yes, I took it now" records it; "Undo" withdraws it with a correction, and the dose can be logged again', async () => {
  const evening = today().locator('[data-slot="evening"]');
  await evening.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).click();
  await evening.getByRole('button', { name: 'Yes, I took it now' }).click();
  await evening.getByText(/Taken · \d{1,2}:\d\d AM/).waitFor();
  await synced();
  assert.equal(doseEvents(), '1');
  const undo = evening.getByRole('button', { name: 'Undo what was logged for my Evening dose' });
  await undo.waitFor();
  await shotBothTextSizes(phone, '61-dose-undo', 'a dose just logged, with Undo');

  await undo.click();
  const take = evening.getByRole('button', { name: 'I took my Evening dose of Capecitabine' });
  await take.waitFor();
  await waitFor(() => phone.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'I took my Evening dose of Capecitabine'),
    'focus on "I took it" after the undo');
  await synced();
  // Nothing deleted: the undo is a second record that withdraws the first.
  const rows = server.sql("SELECT id || '|' || json_extract(payload, '$.body.outcome.type') || '|' || ifnull(json_extract(payload, '$.body.supersedes'), '') FROM events WHERE kind = 'dose_logged' ORDER BY recorded_at")
    .split('\n').map((r) => r.split('|'));
  assert.deepEqual(rows.map((r) => r[1]), ['taken', 'entered_in_error']);
  assert.equal(rows[1][2], rows[0][0], 'the undo names the record it withdraws');

  // The diary shows both, the first marked corrected.
  await phone.getByRole('link', { name: 'My dosing diary' }).click();
  await phone.locator('.diary-history li.superseded').getByText('corrected').waitFor();
  await phone.locator('.diary-history').getByText(/Logged by mistake \(undone\)/).waitFor();
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the diary with an undone record');
  await phone.getByRole('link', { name: 'Back to today' }).click();

  // The pharmacist reads the same: not taken.
  await desk.goto(`${server.url}/pharmacy/patients/${server.sql(`SELECT id FROM patients WHERE display_name = '${PATIENT}'`)}`);
  await desk.getByText(/Evening: Logged by mistake \(undone\)/).first().waitFor();
});

test('Undo goes after a few seconds; the focus stays on what was recorded, and "Change" can still withdraw it', async () => {
  const morning = today().locator('[data-slot="morning"]');
  // 4 AM is hours before the 8 AM dose too: asked, and answered yes.
  await morning.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).click();
  await morning.getByRole('button', { name: 'Yes, I took it now' }).click();
  const undo = morning.getByRole('button', { name: 'Undo what was logged for my Morning dose' });
  await undo.focus();
  await undo.waitFor({ state: 'detached', timeout: 25_000 });
  assert.match(await phone.evaluate(() => document.activeElement.textContent), /Taken · /, 'focus on the recorded dose when Undo goes');

  // Later, "Change" offers the same: the record was a mistake.
  await morning.getByRole('button', { name: 'Change my Morning dose' }).click();
  const mistake = morning.getByText('I logged this by mistake');
  await mistake.waitFor();
  // The whole option card is the target, not only its radio: a tap near its right edge chooses it.
  const option = morning.locator('label.choice', { hasText: 'I logged this by mistake' });
  await option.scrollIntoViewIfNeeded();
  const card = await option.boundingBox();
  await phone.mouse.click(card.x + card.width - 8, card.y + card.height / 2);
  assert.equal(await morning.getByLabel('I logged this by mistake').isChecked(), true, 'a tap on the card chooses it');
  await morning.getByRole('button', { name: 'Save', exact: true }).click();
  await morning.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).waitFor();
  await synced();
});

test("yesterday's dose asks when it was taken, and 'I don't know the time' records no time, not now", async () => {
  const evening = yesterdayRows().locator('[data-slot="evening"]');
  await evening.getByRole('button', { name: "I took yesterday's Evening dose of Capecitabine" }).click();
  const time = evening.getByLabel('Time you took it');
  await time.waitFor();
  await waitFor(() => phone.evaluate(() => document.activeElement?.type === 'time'), 'focus on the time');
  assert.equal(await time.inputValue(), '20:00', 'the time it was due, not now');
  assert.equal(await evening.getByLabel('I took it', { exact: true }).isChecked(), true);
  await shotBothTextSizes(phone, '62-yesterday-dose-time', "yesterday's dose: when was it taken");
  await evening.getByLabel("I don't know the time").check();
  await evening.getByRole('button', { name: 'Save', exact: true }).click();
  await evening.getByText('Taken · time not known').waitFor();
  // It stays on screen, with Undo, instead of vanishing from "Not logged yesterday".
  await evening.getByRole('button', { name: "Undo what was logged for yesterday's Evening dose" }).waitFor();

  const morning = yesterdayRows().locator('[data-slot="morning"]');
  await morning.getByRole('button', { name: "I took yesterday's Morning dose of Capecitabine" }).click();
  await morning.getByLabel('Time you took it').fill('08:30');
  await morning.getByRole('button', { name: 'Save', exact: true }).click();
  await morning.getByText('Taken · 8:30 AM').waitFor();
  await synced();
  const stored = server.sql("SELECT json_extract(payload, '$.body.slot') || '|' || ifnull(json_extract(payload, '$.body.taken_at'), 'none') FROM events WHERE kind = 'dose_logged' ORDER BY recorded_at");
  const [eveningRow, morningRow] = stored.split('\n').slice(-2).map((r) => r.split('|'));
  assert.deepEqual(eveningRow, ['evening', 'none'], 'time not known: no time stored');
  assert.equal(morningRow[0], 'morning');
  assert.notEqual(morningRow[1], 'none');

  // The pharmacist reads when it was taken, not when it was logged.
  await desk.reload();
  await desk.getByText(/Evening: Taken \(time not known\)/).first().waitFor();
  await desk.getByText(/Morning: Taken at 8:30 AM/).first().waitFor();
});

test('in Spanish, the early question and the buttons read in Spanish', async () => {
  await phone.getByLabel('Language').selectOption('es');
  const evening = phone.locator('ul.doses > li > ul.slots [data-slot="evening"]');
  // The drug typed "Capecitabine" on the desk reads in Spanish too (issue #14 item 3).
  await evening.getByRole('button', { name: 'Ya tomé mi Dosis de la noche de Capecitabina' }).click();
  await evening.getByText(/^Hora actual: \d{1,2}:\d\d\. Esta dosis es a las 20:00\. ¿La tomó ahora\?$/).waitFor();
  await evening.getByRole('button', { name: 'Todavía no' }).waitFor();
  await shotBothTextSizes(phone, '63-dose-early-question-es', 'the early-dose question in Spanish');
  await evening.getByRole('button', { name: 'Todavía no' }).click();
  await phone.getByLabel('Idioma').selectOption('en');
});
