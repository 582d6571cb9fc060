// Issue #15 item 3, lost or replaced phones: the desk's patient page lists the patient's phones (their own and a
// caregiver's) and removes a lost one's access; that phone, at its next sync, deletes that person's data (records
// still waiting too) and says so plainly, while the other person on the same phone stays. And "Remove this person
// from this phone": a clear warning; what waits is sent first, or, offline, the loss is stated and asked again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, fillIdentity, fillRegimen, waitFor, shotBothTextSizes, bothSizes,
  PHONE, EVENING,
} from './harness.mjs';

const PHARMACIST = { username: 'p.okafor', password: 'a long enough passphrase', site: 'Lakeside Oncology Pharmacy' };
const ROSA = 'Rosa Díaz';
const LUIS = 'Luis Ortega';
const CARMEN = 'Carmen (daughter)';

let server;
let browser;
let desk;
let phone;
let helper;
let rosaUrl;

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

const patientId = (name) => server.sql(`SELECT id FROM patients WHERE display_name = '${name}'`);
const eventsOf = (name) => Number(server.sql(`SELECT COUNT(*) FROM events WHERE patient_id = '${patientId(name)}'`));

/** Runs in the page: the device store's events as { owner, synced, kind }, and its settings' keys. */
async function deviceStore(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('carepath');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = (store, how) => new Promise((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store)[how]();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const events = (await all('events', 'getAll')).map(({ owner, synced, kind }) => ({ owner, synced, kind }));
    const keys = await all('kv', 'getAllKeys');
    const enrollments = await new Promise((resolve) => {
      const req = db.transaction('kv', 'readonly').objectStore('kv').get('enrollments');
      req.onsuccess = () => resolve(req.result ? JSON.parse(req.result) : []);
    });
    db.close();
    return { events, keys, names: enrollments.map((e) => e.profile.display_name), owners: enrollments.map((e) => e.key) };
  });
}

/** A new patient enrolled on the desk; returns their one-time code (the desk stays on the enroll page). */
async function newPatientCode(name) {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Patient name').fill(name);
  await fillIdentity(desk);
  await fillRegimen(desk, { drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day' });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  return (await desk.getByTestId('enrollment-code').textContent()).trim();
}

test('the desk lists the patient\'s phones and removes a lost one; it wipes that person at its next sync, and only them', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, {
    name: ROSA, drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day', context: EVENING,
  });
  // The same phone also keeps Luis's diary (a second person on one phone).
  const luisCode = await newPatientCode(LUIS);
  await phone.goto(`${server.url}/add-person`);
  await phone.getByLabel('Your code').fill(luisCode);
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByText(`Hello, ${LUIS}.`).waitFor();
  await phone.getByRole('button', { name: 'I took my Morning dose of Capecitabine' }).click();
  await phone.locator('li.slot[data-slot="morning"]').getByText(/Taken · /).waitFor();
  await waitFor(() => eventsOf(LUIS) === 1, "Luis's dose at the pharmacy", 20_000);

  // Rosa's daughter helps on her own phone.
  rosaUrl = `${server.url}/pharmacy/patients/${patientId(ROSA)}`;
  await desk.goto(rosaUrl);
  await desk.getByRole('heading', { name: ROSA, level: 1 }).waitFor();
  await desk.getByLabel("Caregiver's name").fill(CARMEN);
  await desk.getByRole('button', { name: 'Add caregiver' }).click();
  const carmenCode = (await desk.getByTestId('caregiver-code').textContent()).trim();
  helper = await (await browser.newContext({ ...PHONE, locale: 'en-US', ...EVENING })).newPage();
  await helper.goto(server.url);
  await helper.getByLabel('Your code').fill(carmenCode);
  await helper.getByRole('button', { name: 'Connect' }).click();
  await helper.getByTestId('caregiver-greeting').waitFor();

  // The phone is lost with a dose waiting on it (it is offline).
  await phone.getByLabel('Whose diary').selectOption({ label: ROSA });
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
  await phone.context().setOffline(true);
  await phone.locator('.sync-status[data-state="offline"]').waitFor();
  await phone.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).click();
  await phone.locator('.sync-status[data-state="offline"][data-waiting="1"]').waitFor();
  const before = await deviceStore(phone);
  assert.deepEqual(before.names, [ROSA, LUIS]);
  assert.deepEqual(before.events.filter((e) => e.owner === before.owners[0]).map((e) => e.synced), [0], "Rosa's dose, waiting");

  // The desk: both of Rosa's phones, whose each is, connected and last in touch.
  await desk.reload();
  const phones = desk.getByTestId('phones');
  const rows = phones.getByTestId('phone');
  await waitFor(async () => (await rows.count()) === 2, "Rosa's two phones");
  const own = rows.filter({ hasText: `${ROSA}'s own phone` });
  const carmens = rows.filter({ hasText: `${CARMEN}'s phone (caregiver)` });
  for (const row of [own, carmens]) {
    assert.equal(await row.getAttribute('data-access'), 'active');
    assert.match(await row.textContent(), /Connected .* · last in touch /);
  }
  assert.doesNotMatch(await phones.textContent(), new RegExp(LUIS), "Luis's profile is not Rosa's phone");
  await phones.scrollIntoViewIfNeeded();
  await bothSizes(desk, '90-desk-phones', "the patient page's phones");

  // Remove access, after a confirmation that says what it does.
  await own.getByRole('button', { name: `Remove access for ${ROSA}'s own phone` }).click();
  const confirm = own.getByRole('group', { name: `Remove access for ${ROSA}'s own phone` });
  await confirm.getByText(/Records it has not sent yet are lost/).waitFor();
  assert.equal(await desk.evaluate(() => document.activeElement?.textContent.trim()), 'Yes, remove access', 'focus on the confirmation');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the confirmation');
  await shot(desk, '91-desk-phone-remove-confirm');
  await confirm.getByRole('button', { name: 'Yes, remove access' }).click();
  await phones.getByRole('status').getByText(`Access removed for ${ROSA}'s own phone.`).waitFor();
  await waitFor(async () => (await own.getAttribute('data-access')) === 'revoked', 'the row marked removed');
  assert.match(await own.textContent(), /Access removed /);
  assert.equal(await own.getByRole('button', { name: /Remove access/ }).count(), 0);
  assert.equal(await carmens.getAttribute('data-access'), 'active');
  assert.equal(server.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'device.revoke'"), '1');
  await shot(desk, '92-desk-phone-removed');

  // The lost phone connects again: Rosa's data leaves it, with a plain message; Luis's diary stays.
  await phone.context().setOffline(false);
  const notice = phone.getByTestId('profile-ended');
  await notice.waitFor({ timeout: 30_000 });
  assert.match(await notice.textContent(), new RegExp(`This phone can no longer show ${ROSA}'s diary: your pharmacy removed its access\\..*ask your pharmacy for a new code`));
  await phone.getByText(`Hello, ${LUIS}.`).waitFor();
  assert.equal(await phone.getByLabel('Whose diary').count(), 0, 'one person left: no switcher');
  const after = await deviceStore(phone);
  assert.deepEqual(after.names, [LUIS]);
  assert.deepEqual(after.events.filter((e) => e.owner === before.owners[0]), [], "none of Rosa's records is left, the waiting one too");
  assert.equal(after.events.filter((e) => e.owner === before.owners[1]).length, 1, "Luis's record is untouched");
  assert.equal(eventsOf(ROSA), 0, 'the dose waiting on the lost phone never arrived');
  await shotBothTextSizes(phone, '93-phone-profile-removed-by-pharmacy', 'the notice that the pharmacy removed a profile');
  // Still said after a reload, until OK.
  await phone.reload();
  await notice.waitFor();
  await notice.getByRole('button', { name: 'OK' }).click();
  await notice.waitFor({ state: 'detached' });
  await phone.reload();
  await phone.getByText(`Hello, ${LUIS}.`).waitFor();
  assert.equal(await notice.count(), 0);

  // The caregiver's phone goes on.
  await helper.reload();
  await helper.getByTestId('caregiver-greeting').waitFor();
  await helper.locator('.sync-status[data-state="synced"]').waitFor({ timeout: 20_000 });
  assert.equal(await helper.getByTestId('profile-ended').count(), 0);
});

test('"Remove this person from this phone": offline, the loss is stated and asked again; online, what waits is sent first', async () => {
  const context = phone.context();
  await context.setOffline(true);
  await phone.locator('.sync-status[data-state="offline"]').waitFor();
  await phone.getByRole('button', { name: 'I took my Evening dose of Capecitabine' }).click();
  await phone.locator('.sync-status[data-state="offline"][data-waiting="1"]').waitFor();

  await phone.getByRole('link', { name: `Remove ${LUIS} from this phone` }).click();
  await phone.getByRole('heading', { name: `Remove ${LUIS} from this phone?` }).waitFor();
  await phone.getByText(/Everything already sent stays with your pharmacy/).waitFor();
  await phone.getByText(/you need a new code from your pharmacy/).waitFor();
  // The red flags stay in reach.
  await phone.getByRole('heading', { name: 'Call right away if you have' }).waitFor();
  await shotBothTextSizes(phone, '94-phone-remove-person-warning', 'the warning before removing a person');

  // Offline: it tries to send, cannot, and says what would be lost.
  await phone.getByTestId('remove-person-confirm').click();
  const unsent = phone.getByTestId('remove-person-unsent');
  await unsent.waitFor({ timeout: 30_000 });
  assert.equal(await unsent.getAttribute('data-count'), '1');
  assert.match(await unsent.textContent(), new RegExp(`1 record for ${LUIS} has not reached your pharmacy yet.*it will be lost`));
  await phone.getByRole('button', { name: 'Remove and lose 1 record' }).waitFor();
  assert.equal((await deviceStore(phone)).names.length, 1, 'nothing deleted yet');
  await shotBothTextSizes(phone, '95-phone-remove-person-would-lose', 'the warning that a record would be lost');

  // Back online, "Try sending again": the record goes, then Luis leaves the phone.
  await context.setOffline(false);
  await phone.getByRole('button', { name: 'Try sending again' }).click();
  const notice = phone.getByTestId('profile-ended');
  await notice.getByText(`${LUIS} was removed from this phone.`).waitFor({ timeout: 30_000 });
  assert.equal(eventsOf(LUIS), 2, 'the waiting record was sent before the removal');
  await phone.getByLabel('Your code').waitFor();
  const store = await deviceStore(phone);
  assert.deepEqual(store.events, [], 'no record left on the phone');
  assert.deepEqual(store.keys, ['ended_profiles'], 'nothing else kept: only the notice');
  // The phone's token was ended at the server too.
  assert.equal(server.sql(`SELECT revoked_by FROM devices WHERE patient_id = '${patientId(LUIS)}'`), 'phone');
  await shotBothTextSizes(phone, '96-phone-person-removed', 'the enroll screen after the last person was removed');
});

test('removing anyway loses only what the warning named', async () => {
  // Carmen's phone, offline with a dose waiting: she removes Rosa anyway.
  const context = helper.context();
  await context.setOffline(true);
  await helper.locator('.sync-status[data-state="offline"]').waitFor();
  await helper.getByRole('button', { name: /Morning dose of Capecitabine/ }).first().click();
  await helper.locator('.sync-status[data-waiting="1"]').waitFor();
  const sent = eventsOf(ROSA);
  await helper.getByRole('link', { name: `Remove ${ROSA} from this phone` }).click();
  await helper.getByTestId('remove-person-confirm').click();
  await helper.getByTestId('remove-person-unsent').waitFor({ timeout: 30_000 });
  await helper.getByRole('button', { name: 'Remove and lose 1 record' }).click();
  await helper.getByTestId('profile-ended').getByText(`${ROSA} was removed from this phone.`).waitFor({ timeout: 30_000 });
  assert.deepEqual((await deviceStore(helper)).events, []);
  assert.equal(eventsOf(ROSA), sent, 'the record named in the warning was not sent');
  // Offline, the server could not be told: the desk still lists the phone until it expires or is removed there.
  await context.setOffline(false);
  assert.equal(server.sql(`SELECT COUNT(*) FROM devices WHERE caregiver_id IS NOT NULL AND revoked_at IS NULL`), '1');
});
