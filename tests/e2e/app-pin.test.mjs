// Issue #15 item 9, phone data at rest: the optional app PIN. Turning it on (4–8 digits, twice, in plain words),
// what the store then holds (read raw: no name, drug, note or device token in clear), the lock at every start and
// after 5 minutes without use, the lock screen with the "Call right away" block and the site's numbers, wrong PINs
// (a wait after five, kept across a reload), unlocking (and what waited is sent), turning the PIN off, and
// "Forgot the PIN?". The phone's clock is Playwright's (page.clock), so 5 minutes pass at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, shot, axe, signedInDesk, fillIdentity, fillRegimen, waitFor, shotBothTextSizes, noteCheckIn, PHONE, EVENING,
} from './harness.mjs';

const PHARMACIST = { username: 'p.lindqvist', password: 'a long enough passphrase', site: 'Harbor Oncology Pharmacy' };
const ROSA = 'Rosa Díaz';
const DRUG = 'Capecitabine';
const NOTE = 'My feet tingle after the evening walk';
const PIN = '2468';

let server;
let browser;
let desk;
let phone;
let token;

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

const patientId = () => server.sql(`SELECT id FROM patients WHERE display_name = '${ROSA}'`);
const eventsAtPharmacy = () => Number(server.sql(`SELECT COUNT(*) FROM events WHERE patient_id = '${patientId()}'`));

/**
 * Runs in the page: everything the app keeps in IndexedDB (every row of both stores, with its key) and localStorage,
 * as one text. Bytes (the ciphertexts, IVs, salt) are written as hex, so only what is stored in clear reads as words.
 */
async function rawStore(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('carepath');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const read = (store, how) => new Promise((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store)[how]();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const events = await read('events', 'getAll');
    const keys = await read('kv', 'getAllKeys');
    const values = await read('kv', 'getAll');
    db.close();
    const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const replacer = (_, v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? `hex:${hex(v.buffer ?? v)}` : v);
    const local = Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));
    return JSON.stringify({ events, kv: keys.map((k, i) => [k, values[i]]), local }, replacer);
  });
}

/** What of the patient is readable in `dump` (empty: nothing), ignoring case. */
function inClear(dump) {
  const text = dump.toLowerCase();
  return [ROSA, 'Rosa', DRUG, NOTE, 'tingle', token].filter((secret) => text.includes(secret.toLowerCase()));
}
const EVERYTHING = () => [ROSA, 'Rosa', DRUG, NOTE, 'tingle', token];

test('the PIN is off by default; turning it on asks for 4–8 digits twice, says what it protects and what a forgotten PIN costs; the store is then ciphertext', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  await desk.getByLabel('Patient name').fill(ROSA);
  await fillIdentity(desk);
  await fillRegimen(desk, { drug: `${DRUG} 500 mg tablets`, dose: '3 tablets', frequency: 'Twice a day' });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const code = (await desk.getByTestId('enrollment-code').textContent()).trim();
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...EVENING });
  await context.clock.install();
  phone = await context.newPage();
  await phone.goto(server.url);
  await phone.getByLabel('Your code').fill(code);
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
  await noteCheckIn(phone, server, NOTE);
  await phone.goto(server.url);
  await phone.getByRole('button', { name: `I took my Morning dose of ${DRUG}` }).click();
  await phone.locator('.sync-status[data-waiting="0"]').waitFor({ timeout: 20_000 });

  // Without a PIN (the default) the store is in clear: the test's search finds all of it.
  const plain = await rawStore(phone);
  const stored = JSON.parse(plain);
  token = JSON.parse(stored.kv.find(([k]) => k === 'enrollments')[1])[0].token;
  assert.ok(token.length >= 40, 'the device token, read from the store');
  assert.deepEqual(inClear(plain), EVERYTHING(), 'in clear without a PIN');

  await phone.getByTestId('pin-settings').click();
  await phone.getByRole('heading', { name: 'Lock this app with a PIN', level: 1 }).waitFor();
  await phone.getByText(/If you forget the PIN, nobody can open the app again/).waitFor();
  await phone.getByText(/Even when the app is locked, it shows your pharmacy's numbers/).waitFor();
  await phone.getByText('The app asks for the PIN each time it opens, and after 5 minutes without use.').waitFor();
  await shotBothTextSizes(phone, 'pin-set-up', 'the PIN set-up');

  // Too short, then two different PINs: said, and nothing is turned on.
  await phone.getByLabel('New PIN: 4 to 8 numbers').fill('12');
  await phone.getByLabel('Type the same PIN again').fill('12');
  await phone.getByRole('button', { name: 'Turn on the PIN' }).click();
  await phone.getByRole('alert').getByText('The PIN must be 4 to 8 numbers, with nothing else.').waitFor();
  await waitFor(async () => (await phone.evaluate(() => document.activeElement.id)) === 'pin-new', 'focus on the first PIN field');
  await phone.getByLabel('New PIN: 4 to 8 numbers').fill('1234');
  await phone.getByLabel('Type the same PIN again').fill('1243');
  await phone.getByRole('button', { name: 'Turn on the PIN' }).click();
  await phone.getByRole('alert').getByText('The two PINs are not the same. Please type them again.').waitFor();
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the PIN set-up with an error');
  await shot(phone, 'pin-set-up-error');
  assert.deepEqual(inClear(await rawStore(phone)), EVERYTHING(), 'nothing turned on yet');

  await phone.getByLabel('New PIN: 4 to 8 numbers').fill(PIN);
  await phone.getByLabel('Type the same PIN again').fill(PIN);
  await phone.getByRole('button', { name: 'Turn on the PIN' }).click();
  await phone.getByTestId('pin-done').getByText('The PIN is on. Remember it: nobody else can tell it to you.').waitFor();
  await phone.getByRole('heading', { name: 'This app is locked with a PIN', level: 1 }).waitFor();
  await shot(phone, 'pin-on');

  // What is stored is ciphertext: no name, drug, note or token anywhere in IndexedDB or localStorage.
  const sealed = await rawStore(phone);
  assert.deepEqual(inClear(sealed), [], 'patient data in clear with a PIN set');
  const after = JSON.parse(sealed);
  assert.ok(after.events.length >= 2 && after.events.every((e) => e.sealed && !('json' in e)), 'every event row sealed');
  const vault = after.kv.find(([k]) => k === 'vault')[1];
  assert.equal(vault.iterations, 600000, 'PBKDF2-SHA-256 with 600,000 iterations');
  assert.match(vault.salt, /^hex:[0-9a-f]{32}$/, 'a 16-byte salt');
  assert.match(vault.wrapped, /^hex:[0-9a-f]{80}$/, 'the data key wrapped with AES-KW (40 bytes)');
  assert.ok(after.kv.filter(([k]) => k !== 'vault').every(([, v]) => v.sealed === 1), 'every setting sealed');
  assert.ok(after.local['carepath.call-numbers'], "the site's numbers stay in clear, for the locked screen");

  // The app goes on as before (here, without a reload: a new start would be locked), and new records are sealed as
  // they are written.
  await phone.getByRole('link', { name: 'Back to today', exact: true }).click();
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
  await phone.context().setOffline(true);
  await phone.locator('.sync-status[data-state="offline"]').waitFor();
  await phone.getByRole('button', { name: `I took my Evening dose of ${DRUG}` }).click();
  await phone.locator('.sync-status[data-waiting="1"]').waitFor();
  assert.deepEqual(inClear(await rawStore(phone)), [], 'a record made with the PIN on is stored sealed');
});

test('after a reload the app is locked: the PIN field, what waits, and the Call now block with the site\'s numbers; nothing is sent', async () => {
  const atPharmacy = eventsAtPharmacy();
  await phone.reload();
  await phone.getByRole('heading', { name: 'This app is locked', level: 1 }).waitFor();
  await phone.getByLabel('Your PIN').waitFor();
  await phone.getByTestId('lock-waiting').getByText('1 entry is saved on this phone. It will be sent to your pharmacy once you unlock the app.').waitFor();
  const callNow = phone.locator('aside.call-now');
  await callNow.getByRole('heading', { name: 'Call right away if you have' }).waitFor();
  await callNow.getByText(/A fever of 38\.0 °C \(100\.4 °F\) or higher/).waitFor();
  const call = callNow.getByTestId('call-pharmacy');
  assert.match(await call.textContent(), /\+1\u00a0555\u00a00100/);
  assert.equal(await call.getAttribute('href'), 'tel:+15550100');
  assert.equal(await callNow.getByTestId('call-after-hours').getAttribute('href'), 'tel:+15550199');
  assert.ok(!(await phone.locator('body').innerText()).includes('Rosa'), 'no name on the locked screen');
  await shotBothTextSizes(phone, 'pin-locked', 'the locked app');

  // Online, still locked: nothing is sent (the tokens are sealed too); the entry waits.
  await phone.context().setOffline(false);
  await phone.waitForTimeout(7_000);
  assert.equal(eventsAtPharmacy(), atPharmacy, 'nothing sent while locked');
});

test('a wrong PIN is refused; after five the app makes the person wait 30 s, also after a reload', async () => {
  for (let i = 1; i <= 4; i++) {
    await phone.getByLabel('Your PIN').fill('1111');
    await phone.getByRole('button', { name: 'Unlock' }).click();
    await phone.getByRole('alert').getByText('That PIN is not right. Please try again.').waitFor();
    await phone.getByRole('button', { name: 'Unlock' }).and(phone.locator(':enabled')).waitFor();
  }
  assert.deepEqual(await axe(phone), [], 'accessibility violations on a wrong PIN');
  await shot(phone, 'pin-wrong');
  await phone.getByLabel('Your PIN').fill('9999');
  await phone.getByRole('button', { name: 'Unlock' }).click();
  await phone.getByRole('alert').getByText(/^5 wrong tries\. Please wait, then try again at \d{1,2}:\d\d (AM|PM)\.$/).waitFor();
  assert.ok(await phone.getByRole('button', { name: 'Unlock' }).isDisabled(), 'no try while the wait runs');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the wait');
  await shot(phone, 'pin-wait');
  // A reload does not end the wait.
  await phone.reload();
  await phone.getByRole('alert').getByText(/^5 wrong tries\. Please wait/).waitFor();
  assert.ok(await phone.getByRole('button', { name: 'Unlock' }).isDisabled(), 'still waiting after a reload');
  await phone.clock.fastForward('00:31');
  await phone.getByRole('button', { name: 'Unlock' }).and(phone.locator(':enabled')).waitFor();
});

test('the right PIN unlocks: Today comes back and what waited is sent', async () => {
  const atPharmacy = eventsAtPharmacy();
  // PBKDF2-SHA-256, 600,000 iterations, in this browser: the cost of each try.
  // Timed here, not in the page (the page's clock is Playwright's).
  const deriveStart = Date.now();
  await phone.evaluate(async () => {
    const enc = new TextEncoder();
    const base = await crypto.subtle.importKey('raw', enc.encode('2468'), 'PBKDF2', false, ['deriveKey']);
    await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: crypto.getRandomValues(new Uint8Array(16)), iterations: 600000 },
      base, { name: 'AES-KW', length: 256 }, false, ['unwrapKey']);
  });
  const deriveMs = Date.now() - deriveStart;
  await phone.getByLabel('Your PIN').fill(PIN);
  const start = Date.now();
  await phone.getByRole('button', { name: 'Unlock' }).click();
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
  const unlockMs = Date.now() - start;
  console.log(`# PBKDF2-SHA-256 600,000 iterations: ${deriveMs} ms; Unlock tapped to Today on screen: ${unlockMs} ms`);
  assert.ok(unlockMs < 5_000, `unlocking took ${unlockMs} ms`);
  await phone.locator('.sync-status[data-waiting="0"]').waitFor({ timeout: 20_000 });
  await waitFor(() => eventsAtPharmacy() === atPharmacy + 1, 'the waiting dose at the pharmacy');
  assert.deepEqual(inClear(await rawStore(phone)), [], 'still sealed once unlocked');
});

test('after 5 minutes without a touch the app locks; "Lock now" locks at once', async () => {
  await phone.getByRole('heading', { name: 'Today' }).waitFor();
  await phone.clock.fastForward('04:00');
  await phone.waitForTimeout(300);
  assert.ok(await phone.getByText(`Hello, ${ROSA}.`).isVisible(), 'still open after 4 minutes');
  await phone.clock.fastForward('01:10');
  await phone.getByRole('heading', { name: 'This app is locked', level: 1 }).waitFor();
  assert.ok(!(await phone.locator('body').innerText()).includes('Rosa'), 'nothing of the patient on screen once locked');
  await phone.locator('aside.call-now').getByTestId('call-pharmacy').waitFor();
  await phone.getByLabel('Your PIN').fill(PIN);
  await phone.getByRole('button', { name: 'Unlock' }).click();
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();

  await phone.getByTestId('pin-settings').click();
  await phone.getByTestId('lock-now').click();
  await phone.getByRole('heading', { name: 'This app is locked', level: 1 }).waitFor();
  await phone.getByLabel('Your PIN').fill(PIN);
  await phone.getByRole('button', { name: 'Unlock' }).click();
  await phone.getByRole('heading', { name: 'This app is locked with a PIN', level: 1 }).waitFor();
});

test('turning the PIN off needs the PIN, and stores everything in clear again', async () => {
  await phone.getByLabel('Your PIN').fill('1357');
  await phone.getByRole('button', { name: 'Turn off the PIN' }).click();
  await phone.getByRole('alert').getByText('That PIN is not right. Please try again.').waitFor();
  assert.deepEqual(inClear(await rawStore(phone)), [], 'still sealed after a wrong PIN');
  await phone.getByLabel('Your PIN').fill(PIN);
  await phone.getByRole('button', { name: 'Turn off the PIN' }).click();
  await phone.getByTestId('pin-done').getByText('The PIN is off.').waitFor();
  await phone.getByRole('heading', { name: 'Lock this app with a PIN', level: 1 }).waitFor();
  const dump = await rawStore(phone);
  assert.deepEqual(inClear(dump), EVERYTHING(), 'in clear again');
  assert.ok(!JSON.parse(dump).kv.some(([k]) => k === 'vault'), 'no vault left');
  // A new start opens without a PIN.
  await phone.goto(server.url);
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
});

test('"Forgot the PIN?" says what is lost, then deletes what the app keeps; the phone connects again with a new code', async () => {
  const sent = eventsAtPharmacy();
  assert.ok(sent >= 3, 'the check-in and both doses reached the pharmacy');
  await phone.goto(`${server.url}/pin`);
  await phone.getByLabel('New PIN: 4 to 8 numbers').fill('97531');
  await phone.getByLabel('Type the same PIN again').fill('97531');
  await phone.getByRole('button', { name: 'Turn on the PIN' }).click();
  await phone.getByTestId('pin-done').getByText(/The PIN is on/).waitFor();
  // One entry waits (offline), then the PIN is forgotten.
  await phone.getByRole('link', { name: 'Back to today', exact: true }).click();
  await phone.getByText(`Hello, ${ROSA}.`).waitFor();
  await phone.context().setOffline(true);
  await phone.locator('.sync-status[data-state="offline"]').waitFor();
  await phone.getByTestId('quick-contact').getByRole('link', { name: 'Messages', exact: true }).click();
  await phone.getByTestId('message-text').fill('Can I take it with juice?');
  await phone.getByRole('button', { name: 'Send', exact: true }).click();
  await phone.locator('.sync-status[data-waiting="1"]').waitFor();
  await phone.reload();
  await phone.getByRole('heading', { name: 'This app is locked', level: 1 }).waitFor();
  await phone.getByRole('button', { name: 'Forgot the PIN?' }).click();
  await phone.getByRole('heading', { name: 'Forgot the PIN?', level: 2 }).waitFor();
  await phone.getByText(/The PIN is not kept anywhere, not even by your pharmacy/).waitFor();
  await phone.getByText('Everything already sent stays with your pharmacy.').waitFor();
  await phone.locator('aside.call-now').getByTestId('call-pharmacy').waitFor();
  await phone.getByTestId('forgot-unsent').getByText(/^1 entry on this phone has not reached your pharmacy\. Deleting loses it\./).waitFor();
  assert.equal(await phone.getByTestId('forgot-delete').textContent(), 'Delete, and lose 1 entry');
  await shotBothTextSizes(phone, 'pin-forgot', 'Forgot the PIN?');
  // "Try the PIN again" goes back.
  await phone.getByRole('button', { name: 'Try the PIN again' }).click();
  await phone.getByLabel('Your PIN').waitFor();
  await phone.getByRole('button', { name: 'Forgot the PIN?' }).click();
  await phone.getByTestId('forgot-delete').click();
  await phone.getByRole('heading', { name: 'Connect to your pharmacy' }).waitFor();
  const dump = JSON.parse(await rawStore(phone));
  assert.deepEqual(dump.events, [], 'no records left');
  assert.deepEqual(dump.kv, [], 'no settings left');
  assert.equal(dump.local['carepath.call-numbers'], undefined, "the site's numbers went too");
  assert.equal(eventsAtPharmacy(), sent, 'what was sent stays with the pharmacy (and the deleted message never went)');
  await phone.context().setOffline(false);
});
