// The dosing diary through the UI (issue #4): a patient on capecitabine 14 days on / 7 off logs a dose with one
// tap and corrects it (the first record stays, marked corrected); a caregiver with their own code logs a dose and
// the pharmacist sees "logged by"; the pharmacist records a small dispense and the patient's refill request
// reaches the queue; the pharmacist places a hold and the patient's Today shows "on hold" with no dose due; one
// phone holds two people's diaries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing, PHONE, EVENING, fillIdentity, waitFor } from './harness.mjs';

const PHARMACIST = { username: 'm.rossi', password: 'another long passphrase', site: 'Riverside Oncology Pharmacy', phone: '+1 555 0144' };
const PATIENT = 'Luis Ortega';
const CAREGIVER = 'Marta Ortega (daughter)';

let server;
let browser;
let desk;
let phone;
let helper;

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

const patientId = () => server.sql(`SELECT id FROM patients WHERE display_name = '${PATIENT}'`);

async function openPatientPage() {
  await desk.goto(`${server.url}/pharmacy/patients/${patientId()}`);
  await desk.getByRole('heading', { name: 'Change the plan' }).first().waitFor();
}

/** Reloads the phone and waits until it has synced (a sync also fetches the profile: regimen, diary, changes). */
async function resync(page) {
  await page.reload();
  await page.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
}

test('the pharmacist enrolls a patient on capecitabine, 14 days on and 7 off, twice a day', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST, EVENING);
  phone = await enrollAndConnect(browser, server, desk, {
    name: PATIENT, drug: 'Capecitabine', strength: '500 mg tablets', dose: '3 tablets', mg: 1500, frequency: 'Twice a day',
    pattern: { on: 14, off: 7 }, context: EVENING,
  });
  const regimen = JSON.parse(server.sql('SELECT regimen FROM regimens'));
  assert.deepEqual(regimen.pattern, { type: 'on_off', days_on: 14, days_off: 7 });
  assert.deepEqual(regimen.doses.map((d) => [d.slot, d.amount.mg, d.amount.half_tablets]), [['morning', 1500, 6], ['evening', 1500, 6]]);
  await phone.locator('li.slot[data-slot="morning"]').getByText('1500 mg (3 tablets)').waitFor();
  await phone.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).waitFor();
  await phone.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).waitFor();
  // Where the patient is in the cycle, and when the break starts (day 15).
  const breakStarts = await phone.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() + 14);
    return d.toLocaleDateString('en-US', { month: 'long', day: 'numeric' });
  });
  assert.equal(await phone.getByTestId('cycle-day').textContent(), `Day 1 of 21 · break starts ${breakStarts}`);
});

test('one tap logs the morning dose; a correction supersedes it and both stay in the diary', async () => {
  // From the keyboard: Enter on the button; focus then goes to what was recorded, not to the page (issue #14).
  await phone.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).focus();
  await phone.keyboard.press('Enter');
  const morning = phone.locator('li.slot[data-slot="morning"]');
  await morning.getByText(/Taken · /).waitFor();
  await waitFor(() => phone.evaluate(() => document.activeElement?.closest('[data-slot="morning"] .slot-done') != null), 'focus on the recorded dose');
  assert.match(await phone.evaluate(() => document.activeElement.textContent), /Taken · /);
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  // The sync that follows does not draw the row anew and drop the focus to the page.
  assert.equal(await phone.evaluate(() => document.activeElement?.closest('[data-slot="morning"] .slot-done') != null), true,
    'focus stays on the recorded dose after it is sent');

  // Then the patient threw up: "Change" opens the other outcomes; the new record names the first.
  await morning.getByRole('button', { name: 'Change' }).click();
  await morning.getByLabel('I took it, then threw up').check();
  await morning.getByText(/Do not take another dose unless your care team tells you to/).waitFor();
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the dose details');
  await shot(phone, '30-diary-correct-dose');
  await morning.getByRole('button', { name: 'Save', exact: true }).click();
  await morning.getByText(/Taken, then vomited · /).waitFor();
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  const rows = server.sql("SELECT id || '|' || ifnull(json_extract(payload, '$.body.supersedes'), '') FROM events WHERE kind = 'dose_logged' ORDER BY recorded_at")
    .split('\n').map((r) => r.split('|'));
  assert.equal(rows.length, 2, 'a correction is a new record');
  assert.equal(rows[1][1], rows[0][0], 'the correction supersedes the first record');

  // The diary: the cycle calendar, adherence, and both records (the first marked corrected).
  await phone.getByRole('link', { name: 'My dosing diary' }).click();
  await phone.getByRole('heading', { name: 'My dosing diary' }).waitFor();
  await phone.locator('.diary-history li.superseded').getByText('corrected').waitFor();
  // The next 7 days are listed (day 1 of cycle 1 today: doses through day 14, then rest days).
  await phone.getByTestId('upcoming-doses').waitFor();
  assert.equal(await phone.locator('.diary-history li').count(), 2);
  assert.deepEqual(await overflowing(phone), [], 'the diary scrolls sideways at phone width');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the diary');
  await shot(phone, '31-diary-screen');
  await phone.getByRole('link', { name: 'Back to today' }).click();
});

test('a caregiver connects with their own code, logs the evening dose, and the pharmacist sees who logged it', async () => {
  await openPatientPage();
  await desk.getByLabel("Caregiver's name").fill(CAREGIVER);
  await desk.getByRole('button', { name: 'Add caregiver' }).click();
  const code = (await desk.getByTestId('caregiver-code').textContent()).trim();

  helper = await (await browser.newContext({ ...PHONE, ...EVENING, locale: 'en-US' })).newPage();
  await helper.goto(server.url);
  await helper.getByLabel('Your code').fill(code);
  await helper.getByRole('button', { name: 'Connect' }).click();
  await helper.getByText(`Hello, ${CAREGIVER}. You are logging doses for ${PATIENT}.`).waitFor();
  // The morning dose the patient logged on their own phone shows here too, so nobody gives it twice.
  await helper.locator('li.slot[data-slot="morning"]').getByText(/Taken, then vomited · /).waitFor();
  // In the caregiver's own words (issue #14): the patient took it, and it is the patient's check-in.
  const take = helper.getByRole('button', { name: `${PATIENT} took the Evening dose of Capecitabine` });
  assert.equal((await take.textContent()).trim(), `${PATIENT} took it`);
  assert.equal(await helper.getByRole('button', { name: /^I took/ }).count(), 0, 'no "I took it" on a caregiver\'s phone');
  await helper.getByTestId('check-in-due').getByRole('heading', { name: `Time for ${PATIENT}'s check-in` }).waitFor();
  await helper.getByRole('link', { name: `Start ${PATIENT}'s check-in` }).waitFor();
  await take.click();
  await helper.locator('li.slot[data-slot="evening"]').getByText(/Taken · /).waitFor();
  await helper.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  await shot(helper, '32-caregiver-today');

  await openPatientPage();
  await desk.getByText(`Logged by ${CAREGIVER}`).first().waitFor();
  // The pharmacist sees the same adherence the phone computes, and the cycle calendar.
  await desk.getByRole('heading', { name: 'Adherence and calendar' }).waitFor();
  await desk.locator('table').first().waitFor();
  await shot(desk, '33-pharmacist-diary-logged-by');
  // And the patient's phone learns of it at its next sync.
  await resync(phone);
  await phone.locator('li.slot[data-slot="evening"]').getByText(`Logged by ${CAREGIVER}`).waitFor();
  assert.equal(await phone.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).count(), 0);
});

test('a small dispense runs out soon: the patient requests a refill and it reaches the queue', async () => {
  await openPatientPage();
  await desk.getByLabel('Tablets dispensed').fill('12');
  await desk.getByLabel("Days' supply").fill('2');
  await desk.getByRole('button', { name: 'Record dispense' }).click();
  await desk.getByText(/12 tablets/).first().waitFor();
  assert.equal(server.sql('SELECT tablets FROM dispenses'), '12');

  await resync(phone);
  await phone.getByTestId('refill-due').waitFor();
  await phone.getByRole('button', { name: 'Request a refill' }).click();
  await phone.getByTestId('refill-requested').waitFor();
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  await shot(phone, '34-patient-refill-requested');

  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByTestId('alert').filter({ hasText: PATIENT }).getByText('Refill requested', { exact: true }).first().waitFor();
  assert.equal(server.sql("SELECT tier FROM alerts WHERE reasons LIKE '%refill_requested%'"), 'routine');
});

test('the pharmacist places a hold: Today says "on hold" and no dose is due', async () => {
  await openPatientPage();
  await desk.getByText('Put on hold').first().click();
  // Today where the pharmacy is (the browser's date, not this test's).
  const iso = await desk.evaluate(() => new Date().toLocaleDateString('sv'));
  await desk.getByLabel('Hold from').fill(iso);
  await desk.getByRole('button', { name: 'Review the hold' }).click();
  await desk.getByRole('button', { name: 'Yes, record it' }).click();
  // Recorded: it is in the care team's change history (the review text says "On hold from" too, before saving).
  await desk.locator('.change-history li').filter({ hasText: /On hold from/ }).first().waitFor();
  assert.equal(JSON.parse(server.sql('SELECT change FROM regimen_changes')).type, 'hold');

  await resync(phone);
  await phone.getByTestId('on-hold').waitFor();
  await phone.getByText(/Do not take it until they tell you to start again/).waitFor();
  assert.equal(await phone.locator('button.take').count(), 0, 'no dose is due while on hold');
  const notice = phone.getByTestId('change-notice');
  await notice.getByText(/Your pharmacy changed your plan on/).waitFor();
  // What to do today first, then what happens next, then the change itself (issue #14).
  assert.deepEqual(await notice.locator('p').allInnerTexts().then((ps) => ps.slice(1, 3)), [
    'Today: do not take Capecitabine: it is on hold.',
    'Next: wait until your care team tells you to start again. Then take 1500 mg (3 tablets) in the morning and 1500 mg (3 tablets) in the evening.',
  ]);
  await notice.locator('.change-list li').filter({ hasText: /^On hold from / }).waitFor();
  assert.deepEqual(await overflowing(phone), [], 'Today scrolls sideways at phone width');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today, on hold');
  await shot(phone, '35-patient-on-hold');
  await phone.getByRole('button', { name: 'OK, I understand' }).click();
  assert.equal(await phone.getByTestId('change-notice').count(), 0);

  // Today's two doses were taken before the hold was placed (issue #14): the calendar marks no extra dose.
  await phone.getByRole('link', { name: 'My dosing diary' }).click();
  const todayCell = phone.locator('td.calendar-today');
  await todayCell.waitFor();
  assert.equal(await todayCell.getAttribute('data-status'), 'held');
  assert.equal(await phone.locator('td.calendar-has-extra').count(), 0, 'a dose taken before a same-day hold is marked extra');
  await phone.getByRole('link', { name: 'Back to today' }).click();
  await phone.getByTestId('on-hold').waitFor();

  // Meanwhile the team adds a second medicine, which is not on hold: its dose is due today.
  await openPatientPage();
  const add = desk.locator('.add-medicine');
  await add.getByText('Add a medicine').click();
  await add.getByLabel('Drug name').fill('Ondansetron');
  await add.getByLabel('Strength', { exact: true }).fill('8 mg tablets');
  await add.getByLabel('Once a day', { exact: true }).check();
  await add.getByRole('group', { name: 'The daily dose' }).getByLabel('Tablets').fill('1');
  await add.getByRole('button', { name: 'Add this medicine' }).click();
  await add.getByText(/Medicine added/).waitFor();
  await resync(phone);
  await phone.getByRole('heading', { name: 'Ondansetron 8 mg tablets' }).waitFor();
  await phone.getByRole('button', { name: /I took my Today's dose of Ondansetron/ }).waitFor();
  await phone.getByTestId('on-hold').waitFor();
});

test('one phone keeps two people\'s diaries apart', async () => {
  // The caregiver also looks after her mother, enrolled by the same pharmacy.
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Patient name').fill('Elena Ortega');
  await fillIdentity(desk);
  await desk.getByLabel('Drug name').fill('Anastrozole');
  await desk.getByLabel('Strength', { exact: true }).fill('1 mg tablets');
  await desk.getByLabel('Once a day').check();
  await desk.getByRole('group', { name: 'The daily dose' }).getByLabel('Tablets').fill('1');
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const code = (await desk.getByTestId('enrollment-code').textContent()).trim();

  await helper.getByRole('link', { name: 'Add another person on this phone' }).click();
  await helper.getByLabel('Your code').fill(code);
  await helper.getByRole('button', { name: 'Connect' }).click();
  await helper.getByText('Hello, Elena Ortega.').waitFor();
  await helper.getByRole('button', { name: /I took my Today's dose of Anastrozole/ }).click();
  await helper.getByText(/Taken · /).waitFor();
  await helper.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  assert.equal(server.sql("SELECT p.display_name FROM events e JOIN patients p ON p.id = e.patient_id WHERE json_extract(e.payload, '$.body.regimen_line_id') = (SELECT r.id FROM regimens r JOIN patients q ON q.id = r.patient_id WHERE q.display_name = 'Elena Ortega')"), 'Elena Ortega');

  // Switch back: Luis's diary, still on hold, under the caregiver's name.
  await helper.getByLabel('Whose diary').selectOption({ label: `${PATIENT} (you help as ${CAREGIVER})` });
  await helper.getByText(`Hello, ${CAREGIVER}. You are logging doses for ${PATIENT}.`).waitFor();
  await helper.getByTestId('on-hold').waitFor();
  assert.deepEqual(await axe(helper), [], 'accessibility violations with the profile switcher');
  await shot(helper, '36-one-phone-two-diaries');
});

test('a dose change whose mg contradicts the tablets is refused next to the inputs, and nothing is stored', async () => {
  await openPatientPage();
  const changes = () => Number(server.sql("SELECT COUNT(*) FROM regimen_changes WHERE json_extract(change, '$.type') = 'dose_changed'"));
  const before = changes();
  const form = desk.locator('details.admin-action').filter({ has: desk.getByText('Change the dose', { exact: true }) }).first();
  await form.getByText('Change the dose', { exact: true }).click();
  const morning = form.getByRole('group', { name: /morning dose/i });
  await morning.getByLabel('Milligrams (mg)').fill('1500');
  await morning.getByLabel('Tablets').fill('2');
  await form.getByRole('button', { name: 'Review the new dose' }).click();
  await morning.getByText('1500 mg does not match 2 tablets of 500 mg').waitFor();
  assert.equal(await form.getByRole('button', { name: 'Yes, record it' }).count(), 0, 'a contradicting dose is not offered for saving');
  assert.equal(changes(), before, 'nothing stored');
  // Two tablets of 500 mg is 1000 mg: that is accepted.
  await morning.getByLabel('Milligrams (mg)').fill('1000');
  await form.getByRole('button', { name: 'Review the new dose' }).click();
  await form.getByRole('button', { name: 'Yes, record it' }).click();
  await desk.locator('.change-history li').filter({ hasText: /1000 mg/ }).first().waitFor();
  assert.equal(changes(), before + 1);
});
