// Issue #14 item 4, caregivers in their own words on the desk: a check-in made on a caregiver's phone says
// "Reported by Carmen (daughter)" on the desk's alert card, the patient page and the queue (the patient's own says
// nothing of the kind); and a caregiver's phone shows only the pharmacy's messages addressed to caregivers, or all
// of them once the patient allows it on her own phone (screens at 100 % and 200 % text, English and Spanish).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, noteCheckIn, waitFor, shotBothTextSizes, PHONE } from './harness.mjs';

const PHARMACIST = { username: 'l.moreau', password: 'a long enough passphrase', site: 'Riverside Oncology Pharmacy' };
const PATIENT = 'Rosa Díaz';
const CAREGIVER = 'Carmen (daughter)';
const BY_CARMEN = 'She slept all afternoon and did not eat.';
const BY_ROSA = 'I feel better today.';
const PRIVATE = 'Your scan results are in. Please call us when you can talk alone.';
const SHARED = 'Please bring every box of tablets to Monday\'s visit.';

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

test('a message for the patient only stays off the caregiver\'s phone; one addressed to caregivers reaches it', async () => {
  await desk.goto(patientUrl);
  const messages = desk.locator('section.patient-messages');
  const sharingLine = messages.getByTestId('message-sharing');
  await sharingLine.waitFor();
  assert.equal(await sharingLine.getAttribute('data-allowed'), 'false');
  assert.match(await sharingLine.textContent(), /has not let caregivers read messages/);
  const toCaregivers = messages.getByLabel('Caregivers can read this too');
  assert.equal(await toCaregivers.isChecked(), false, 'for the patient only unless ticked');
  await messages.getByTestId('reply-text').fill(PRIVATE);
  await messages.getByRole('button', { name: 'Send to patient' }).click();
  await messages.locator('li.message').filter({ hasText: PRIVATE }).waitFor();
  await messages.getByTestId('reply-text').fill(SHARED);
  await toCaregivers.check();
  await messages.getByRole('button', { name: 'Send to patient' }).click();
  const shared = messages.locator('li.message').filter({ hasText: SHARED });
  await shared.waitFor();
  assert.equal(await toCaregivers.isChecked(), false, 'unticked again for the next message');
  assert.equal((await shared.getByTestId('message-audience').textContent()).trim(), 'Caregivers can read this');
  assert.equal(await messages.locator('li.message').filter({ hasText: PRIVATE }).getByTestId('message-audience').count(), 0);
  assert.equal(server.sql('SELECT group_concat(to_caregivers) FROM (SELECT to_caregivers FROM messages ORDER BY sent_at)'), '0,1');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page thread with an audience');
  await shot(desk, '82-desk-thread-caregivers-can-read');
  await desk.getByLabel('Language').selectOption('es');
  await messages.getByLabel('Los cuidadores también pueden leerlo').waitFor();
  await shared.getByText('Los cuidadores pueden leerlo').waitFor();
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the Spanish patient page thread');
  await shot(desk, '82-desk-thread-caregivers-can-read-es');
  await desk.getByLabel('Idioma').selectOption('en');

  // Carmen's phone: the message addressed to caregivers, not the other.
  await helper.goto(`${server.url}/messages`);
  const thread = helper.getByTestId('thread');
  await thread.getByText(SHARED).waitFor({ timeout: 45_000 });
  assert.doesNotMatch(await thread.textContent(), new RegExp(PRIVATE));
  await helper.getByTestId('caregiver-sees').getByText(/writes to caregivers too/).waitFor();
  assert.equal(await helper.getByLabel('Let my caregivers read my messages').count(), 0, 'not on a caregiver\'s phone');
  await shotBothTextSizes(helper, '83-caregiver-messages-addressed', 'the caregiver\'s messages');
  // Rosa's own phone: both.
  await phone.goto(`${server.url}/messages`);
  await phone.getByTestId('thread').getByText(PRIVATE).waitFor({ timeout: 45_000 });
  await phone.getByTestId('thread').getByText(SHARED).waitFor();
});

test('once the patient lets caregivers read messages on her phone, the caregiver sees them all', async () => {
  const option = phone.getByLabel('Let my caregivers read my messages');
  assert.equal(await option.isChecked(), false, 'off by default');
  await shotBothTextSizes(phone, '84-patient-messages-sharing-off', 'the patient\'s messages with the sharing setting');
  await option.check();
  await phone.getByTestId('sharing-status').getByText(/Your caregivers will be able to read your messages/).waitFor();
  await waitFor(() => server.sql('SELECT caregivers_may_read FROM patients') === '1', 'the choice on the server');
  await phone.reload();
  // The box shows the newest of the profile's choice and this phone's own events, which are read just after the page
  // shows (about 100 ms): wait for it rather than read it the instant the page is back.
  await waitFor(() => phone.getByLabel('Let my caregivers read my messages').isChecked(), 'the choice to stay after a reload');
  await shotBothTextSizes(phone, '85-patient-messages-sharing-on', 'the patient\'s messages with sharing on');
  await phone.getByLabel('Language').selectOption('es');
  await phone.getByLabel('Dejar que mis cuidadores lean mis mensajes').waitFor();
  await shotBothTextSizes(phone, '85-patient-messages-sharing-on-es', 'the Spanish messages screen with sharing on');
  await phone.getByLabel('Idioma').selectOption('en');

  await helper.reload();
  const thread = helper.getByTestId('thread');
  await thread.getByText(PRIVATE).waitFor({ timeout: 45_000 });
  await thread.getByText(SHARED).waitFor();
  await helper.getByTestId('caregiver-sees').getByText(`${PATIENT} lets you read all their messages with the pharmacy.`).waitFor();
  await shotBothTextSizes(helper, '86-caregiver-messages-all', 'the caregiver\'s messages once allowed');
  await helper.getByLabel('Language').selectOption('es');
  await helper.getByTestId('caregiver-sees').getByText(`${PATIENT} le deja leer todos sus mensajes con la farmacia.`).waitFor();
  await shotBothTextSizes(helper, '86-caregiver-messages-all-es', 'the Spanish caregiver\'s messages once allowed');
  await helper.getByLabel('Idioma').selectOption('en');

  // The desk shows the patient's choice.
  await desk.goto(patientUrl);
  const sharingLine = desk.locator('section.patient-messages').getByTestId('message-sharing');
  await sharingLine.and(desk.locator('[data-allowed="true"]')).waitFor();
  assert.match(await sharingLine.textContent(), /The patient lets caregivers read messages/);
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page with sharing on');
  await shot(desk, '87-desk-patient-lets-caregivers-read');
});
