// The walking skeleton, end to end through the UI: pharmacist enrolls a patient, the patient connects a phone,
// logs a dose and a check-in, the pharmacist sees them; a dose logged while the server is down arrives exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, PHONE, EVENING, overflowing, fillRegimen, fillIdentity, signInOnPage } from './harness.mjs';

const PHARMACIST = { username: 'r.okafor', password: 'correct horse battery staple', site: 'Riverside Oncology Pharmacy' };
const OTHER_SITE = { username: 'm.lee', password: 'another long passphrase', site: 'Hillside Cancer Center', phone: '+1 555 0142' };

let server;
let browser;
let desk; // the pharmacist's page
let phone; // the patient's page
let enrollmentCode;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  server.createPharmacist(OTHER_SITE);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page, { username, password }) {
  await page.goto(`${server.url}/pharmacy`);
  await signInOnPage(page, server, { username, password });
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
}

test('a wrong password is refused with a clear message', async () => {
  const page = await (await browser.newContext({ ...EVENING, locale: 'en-US' })).newPage();
  await page.goto(`${server.url}/pharmacy`);
  await page.getByLabel('Username').fill(PHARMACIST.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The username or password is not right.').waitFor();
  await page.context().close();
});

test('the pharmacist signs in and enrolls a patient with a regimen', async () => {
  desk = await (await browser.newContext({ ...EVENING, locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(desk, PHARMACIST);
  await desk.getByLabel('Patient name').fill('Rosa Díaz');
  await fillIdentity(desk);
  await fillRegimen(desk, { drug: 'Capecitabine', strength: '500 mg tablets', dose: 3, mg: 1500, frequency: 'Twice a day', pattern: { on: 14, off: 7 } });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const code = desk.getByTestId('enrollment-code');
  await code.waitFor();
  enrollmentCode = (await code.textContent()).trim();
  assert.match(enrollmentCode, /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  assert.equal(server.sql("SELECT COUNT(*) FROM patients WHERE display_name = 'Rosa Díaz'"), '1');
  await shot(desk, '01-pharmacist-enrolled-patient');
});

test('the patient connects a phone with the code, without a password', async () => {
  const context = await browser.newContext({ ...EVENING, ...PHONE, locale: 'en-US' });
  phone = await context.newPage();
  await phone.goto(server.url);
  await phone.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  await phone.getByLabel('Your code').waitFor(); // the app's form, not the static shell's first words
  await shot(phone, '02-patient-enroll');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the enroll screen');

  // A wrong code first: a clear message, nothing stored.
  await phone.getByLabel('Your code').fill('ZZZZ-ZZZZ');
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByText('We could not find that code.').waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM devices'), '0');

  // Typed as people type it: lower case, no dash.
  await phone.getByLabel('Your code').fill(enrollmentCode.replace('-', '').toLowerCase());
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByRole('heading', { name: 'Today' }).waitFor();
  await phone.getByText('Hello, Rosa Díaz.').waitFor();
  await phone.getByText('Capecitabine 500 mg tablets').waitFor();
  // The regimen as the pharmacy set it: both doses of day 1 of cycle 1, in words.
  await phone.locator('li.slot[data-slot="morning"]').getByText('1500 mg (3 tablets)').waitFor();
  await phone.locator('li.slot[data-slot="evening"]').getByText('1500 mg (3 tablets)').waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM devices'), '1');
  // The pharmacy's number is a tap away, from the device itself.
  // (By its number: at night the after-hours line comes first and the pharmacy's says when it is answered.)
  assert.equal(await phone.getByTestId('quick-contact').locator('a[href="tel:+15550100"]').count(), 1);
  assert.equal(await phone.locator('.call-now a[href="tel:+15550100"]').count(), 1);
  await shot(phone, '03-patient-today');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the Today screen');
});

test('the patient logs the morning dose with one tap and it syncs', async () => {
  await phone.getByRole('button', { name: /I took my Morning dose/ }).click();
  await phone.locator('li.slot[data-slot="morning"]').getByText(/Taken · /).waitFor();
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor();
  await phone.getByText(/All sent to your pharmacy/).waitFor();
  assert.equal(server.sql("SELECT json_extract(payload, '$.body.outcome.type') FROM events WHERE kind = 'dose_logged'"), 'taken');
  // The evening dose is still due.
  await phone.getByRole('button', { name: /I took my Evening dose/ }).waitFor();
  await shot(phone, '04-patient-dose-taken');
});

test('the patient sends a check-in: safety first, then one symptom per screen', async () => {
  // No check-in yet, so one is due.
  await phone.getByTestId('check-in-due').waitFor();
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  // Focus is on the first question's heading, not left on the page (issue #14).
  await phone.waitForFunction(() => document.activeElement?.id === 'step-heading', null, { timeout: 5_000 });
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the safety step');
  // A temperature that is not one is refused on the device.
  await phone.getByLabel(/If you took your temperature/).fill('3 8');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByText(/Please type a temperature like/).waitFor();
  await phone.getByLabel(/If you took your temperature/).fill('');
  await phone.getByRole('button', { name: 'Next' }).click();

  // Patients asked about diarrhea count their stools first (none above usual here), then capecitabine's items.
  await phone.getByRole('heading', { name: 'Bowel movements' }).waitFor();
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the stool count step');
  await phone.getByLabel(/how many more stools/).fill('0');
  await phone.getByLabel('No', { exact: true }).check();
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByRole('heading', { name: 'Diarrhea (loose or watery stools)' }).waitFor();
  const total = Number((await phone.getByText(/^Symptom 1 of \d+$/).textContent()).match(/of (\d+)/)[1]);
  assert.ok(total >= 3 && total <= 10, `capecitabine asks ${total} symptoms`);
  assert.equal(await phone.getByRole('button', { name: 'Next' }).isDisabled(), true, 'an unanswered question cannot be passed with Next');
  await phone.getByLabel('Often', { exact: true }).check();
  assert.deepEqual(await overflowing(phone), [], 'the check-in scrolls sideways at phone width');
  await shot(phone, '05-patient-check-in');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on a symptom step');
  await phone.getByRole('button', { name: 'Next' }).click();
  // The rest by name: nausea answered "Never" (which skips its severity question, the PRO-CTCAE skip rule).
  for (let i = 2; i <= total; i++) {
    await phone.getByText(`Symptom ${i} of ${total}`).waitFor();
    const heading = (await phone.locator('#step-heading').textContent()).trim();
    if (heading.startsWith('Nausea')) {
      await phone.getByLabel('Sometimes', { exact: true }).check();
      await phone.getByText('In the past 7 days, how bad did your nausea get?').waitFor();
      await phone.getByLabel('Never', { exact: true }).check();
      assert.equal(await phone.getByText('In the past 7 days, how bad did your nausea get?').count(), 0);
      await phone.getByRole('button', { name: 'Next' }).click();
    } else {
      await phone.getByRole('button', { name: 'Skip this question' }).click();
    }
  }
  await phone.getByRole('heading', { name: 'Anything else?' }).waitFor();
  await phone.getByLabel(/Tell us about anything else/).fill('Five times since last night');
  // The note hint says notes are read in opening hours, not at once.
  await phone.getByText(/For anything urgent, call them instead/).waitFor();
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  // A note is never ignored: the pharmacy is asked to look within a day, and the phone says so.
  await phone.getByTestId('within-a-day').getByRole('heading', { name: 'Your pharmacy will look at this within a day' }).waitFor();
  await phone.getByTestId('within-a-day').getByText('Your note', { exact: true }).waitFor();
  // Advice lists are lists, not dashes in a paragraph.
  assert.ok(await phone.locator('.self-care-item li').count() >= 2, 'self-care advice shows as a list');
  // Self-care advice for the diarrhea reported.
  await phone.getByTestId('within-a-day').getByRole('heading', { name: 'What you can do now' }).waitFor();
  await phone.getByText('Your answers were sent to your pharmacy team.').waitFor();
  assert.equal(server.sql("SELECT COUNT(*) FROM events WHERE kind = 'check_in'"), '1');
  assert.equal(server.sql("SELECT json_extract(payload, '$.body.answers.diarrhea.responses.frequency') FROM events WHERE kind = 'check_in'"), '3');
  assert.equal(server.sql("SELECT json_extract(payload, '$.body.answers.nausea.responses.frequency') || '/' || ifnull(json_extract(payload, '$.body.answers.nausea.responses.severity'), 'skipped') FROM events WHERE kind = 'check_in'"), '0/skipped');
  assert.equal(server.sql("SELECT json_type(payload, '$.body.answers.mouth_sores') IS NULL FROM events WHERE kind = 'check_in'"), '1', 'a skipped item is not sent');
  // Moderate diarrhea on a first check-in raises nothing on its own; the note raises one routine alert.
  assert.equal(server.sql('SELECT tier || \'/\' || patient_action || \'/\' || reasons FROM alerts'), 'routine/within_a_day/[{"reason":"note"}]');
  await shot(phone, '06-patient-check-in-sent');
  await phone.getByRole('link', { name: 'Back to today' }).click();
  await phone.getByText(/Next check-in:/).waitFor();
});

test('the pharmacist queue lists the new check-in and dose, newest first', async () => {
  await desk.getByRole('button', { name: 'Refresh' }).first().click();
  const items = desk.locator('.queue-item');
  await items.nth(1).waitFor();
  assert.equal(await items.count(), 2);
  // The symptom by its name, not its id ("diarrhea") (issue #14).
  assert.match(await items.nth(0).textContent(), /Rosa Díaz.*Check-in: .*Diarrhea \(loose or watery stools\).*: moderate.*Five times since last night/i);
  assert.match(await items.nth(1).textContent(), /Rosa Díaz.*Diary: Capecitabine \(Morning dose\): Taken/);
  await shot(desk, '07-pharmacist-queue');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the pharmacist queue');
});

test("a pharmacist of another site does not see this site's reports", async () => {
  const page = await (await browser.newContext({ ...EVENING, locale: 'en-US' })).newPage();
  await signIn(page, OTHER_SITE);
  await page.getByText('No reports yet.').waitFor();
  assert.equal(await page.getByText('Rosa Díaz').count(), 0);
  await page.context().close();
});

test('a dose logged while the server is down is kept on the phone and arrives exactly once', async () => {
  // The service worker must control the page before the network goes away.
  await phone.goto(server.url);
  await phone.evaluate(() => navigator.serviceWorker.ready);
  await phone.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await phone.getByRole('heading', { name: 'Today' }).waitFor();

  await server.stop();
  await phone.getByRole('button', { name: /I took my Evening dose/ }).click();
  await phone.locator('li.slot[data-slot="evening"]').getByText(/Taken · /).waitFor();
  await phone.locator('.sync-status[data-state="offline"][data-waiting="1"]').waitFor();
  await phone.getByText(/You are offline\. 1 entry is saved on this phone/).waitFor();
  await shot(phone, '08-patient-offline-dose-saved');

  // Even a reload with the server down opens the app (service worker) and shows the saved dose.
  await phone.reload();
  await phone.locator('li.slot[data-slot="evening"]').getByText(/Taken · /).waitFor();
  await phone.locator('.sync-status[data-waiting="1"]').waitFor();
  await shot(phone, '09-patient-offline-after-reload');

  await server.start();
  // No tap needed: the app retries by itself.
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 30_000 });
  assert.equal(server.sql("SELECT COUNT(*) FROM events WHERE kind = 'dose_logged' AND json_extract(payload, '$.body.slot') = 'evening'"), '1');
  assert.equal(server.sql("SELECT COUNT(*) FROM events WHERE kind = 'dose_logged'"), '2');
  assert.equal(server.sql('PRAGMA integrity_check'), 'ok');
  await shot(phone, '10-patient-back-online-synced');
});

test('the UI follows a Spanish browser and can be switched', async () => {
  const context = await browser.newContext({ ...EVENING, ...PHONE, locale: 'es-ES' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Conéctese con su farmacia' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await page.getByLabel('Su código').waitFor();
  await shot(page, '11-patient-enroll-spanish');
  assert.deepEqual(await axe(page), [], 'accessibility violations on the Spanish enroll screen');

  await page.getByLabel('Idioma').selectOption('en');
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  // The choice is remembered.
  await page.reload();
  await page.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  await page.getByLabel('Your code').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await context.close();
});
