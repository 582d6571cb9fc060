// Issue #14 item 4, caregivers in their own words on the desk: a check-in made on a caregiver's phone says
// "Reported by Carmen (daughter)" on the desk's alert card, the patient page and the queue (the patient's own says
// nothing of the kind).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, noteCheckIn, waitFor, PHONE } from './harness.mjs';

const PHARMACIST = { username: 'l.moreau', password: 'a long enough passphrase', site: 'Riverside Oncology Pharmacy' };
const PATIENT = 'Rosa Díaz';
const CAREGIVER = 'Carmen (daughter)';
const BY_CARMEN = 'She slept all afternoon and did not eat.';
const BY_ROSA = 'I feel better today.';

let server;
let browser;
let desk;
let phone;
let helper;
let patientUrl;

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

test('a check-in a caregiver made is reported by her on the desk; the patient\'s own is not', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, { name: PATIENT, drug: 'Capecitabine 500 mg tablets', dose: '3 tablets' });
  patientUrl = `${server.url}/pharmacy/patients/${server.sql(`SELECT id FROM patients WHERE display_name = '${PATIENT}'`)}`;
  await desk.goto(patientUrl);
  await desk.getByRole('heading', { name: PATIENT, level: 1 }).waitFor();
  await desk.getByLabel("Caregiver's name").fill(CAREGIVER);
  await desk.getByRole('button', { name: 'Add caregiver' }).click();
  const code = (await desk.getByTestId('caregiver-code').textContent()).trim();

  helper = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
  await helper.goto(server.url);
  await helper.getByLabel('Your code').fill(code);
  await helper.getByRole('button', { name: 'Connect' }).click();
  await helper.getByTestId('caregiver-greeting').waitFor();

  await noteCheckIn(helper, server, BY_CARMEN);
  await noteCheckIn(phone, server, BY_ROSA);
  await waitFor(() => server.sql('SELECT COUNT(*) FROM alerts') === '2', 'an alert for each check-in');

  // The queue: Carmen's alert card and her check-in in the site's newest records say who reported them.
  await desk.goto(`${server.url}/pharmacy`);
  const cards = desk.getByTestId('alert');
  await waitFor(async () => (await cards.count()) === 2, 'both alert cards');
  const carmens = cards.filter({ has: desk.getByTestId('reported-by') });
  assert.equal(await carmens.count(), 1, 'one card reported by the caregiver');
  assert.equal((await carmens.getByTestId('reported-by').textContent()).trim(), `Reported by ${CAREGIVER}`);
  await carmens.getByRole('button', { name: /Details, notes and reply/ }).click();
  await carmens.getByText(BY_CARMEN).waitFor();
  const rosas = cards.filter({ hasNot: desk.getByTestId('reported-by') });
  await rosas.getByRole('button', { name: /Details, notes and reply/ }).click();
  await rosas.getByText(BY_ROSA).waitFor();
  assert.doesNotMatch(await rosas.textContent(), /Reported by/);
  const feed = desk.locator('li.queue-item[data-kind="check-in"]');
  await feed.filter({ hasText: BY_CARMEN }).getByText(`Reported by ${CAREGIVER}`).waitFor();
  assert.doesNotMatch(await feed.filter({ hasText: BY_ROSA }).textContent(), /Reported by/);
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the queue with a caregiver\'s report');
  await shot(desk, '80-desk-alert-reported-by-caregiver');

  // The patient page: the alert card and the list of check-ins.
  await desk.goto(patientUrl);
  const pageCards = desk.locator('section.patient-alerts').getByTestId('alert');
  await waitFor(async () => (await pageCards.count()) === 2, 'both alerts on the patient page');
  assert.equal(await desk.locator('section.patient-alerts').getByTestId('reported-by').count(), 1);
  await desk.locator('section.trends-section details.fold > summary').click();
  await desk.locator('details.check-in-list > summary').click();
  const listed = desk.getByTestId('timeline-check-in');
  await listed.filter({ hasText: BY_CARMEN }).getByText(`Reported by ${CAREGIVER}`).waitFor();
  assert.doesNotMatch(await listed.filter({ hasText: BY_ROSA }).textContent(), /Reported by/);
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page with a caregiver\'s report');
  await shot(desk, '81-desk-patient-page-reported-by-caregiver');
});
