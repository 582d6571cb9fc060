// Dose reminders through the UI (issue #4): the reminders card on Today (what reminders do, the permission flow,
// quiet hours, a caregiver's "overdue" opt-in, several people on one phone, turning off), the server's Web Push
// reaching a push service, "Snooze 15 min" (?snooze=…) online and offline, the in-app banner at the dose time,
// and the words shown instead of the button on an iPhone outside the Home Screen and when notifications are blocked.
//
// What is real: the server binary, Chromium, the app, its service worker, the notification permission (granted or
// blocked through the browser's own permission settings), the server's VAPID-signed, aes128gcm-encrypted push
// message, and the push service stand-in `web-push-testing` (tools/node_modules), which checks the VAPID JWT against
// the key the subscription was made with and decrypts the payload with the subscription's keys.
//
// What is stubbed, and why: headless Chromium has no push service (its PushManager.subscribe talks to Google's FCM
// and fails with "AbortError: Registration failed - permission denied"). So `PushManager.prototype.subscribe` and
// `getSubscription` are replaced in the page: `subscribe` takes the applicationServerKey the app passes and asks
// web-push-testing for a subscription made with that key; the app then hands that endpoint and those keys to the
// server exactly as it would a real one. The service worker's `push` handler is not exercised here (nothing
// delivers the stand-in's messages to the browser); what the server sent is read back from the stand-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Server, launchBrowser, shot, axe, PHONE, overflowing, waitFor, pharmacistCookie } from './harness.mjs';

const require = createRequire(new URL('../../tools/package.json', import.meta.url));
const PHARMACIST = { username: 'r.ito', password: 'a long enough passphrase', site: 'Riverside Oncology Pharmacy', phone: '+1 555 0144' };
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

let server;
let browser;
let pushService;
let pushBase;
let cookie;
let phone;
let ana;
/** The stand-in's subscriptions by endpoint: { endpoint, keys, clientHash }. */
const subscriptions = new Map();

// ---- the push service stand-in, in this process, on loopback ---------------------------------------------------

async function startPushService() {
  const dir = require.resolve('web-push-testing/package.json').replace(/package\.json$/, '');
  const PushServer = require(`${dir}src/server.js`);
  const { PushApiModel } = require(`${dir}src/PushApiModel.js`);
  const model = new PushApiModel();
  const wpt = new PushServer(model, 0);
  wpt.setRequestHandlers();
  await new Promise((resolve) => {
    pushService = wpt._app.listen(0, '127.0.0.1', () => {
      pushBase = `http://127.0.0.1:${pushService.address().port}`;
      model.notifyUrl = `${pushBase}/notify/`;
      resolve();
    });
  });
}

async function pushSubscribe(applicationServerKey) {
  const res = await fetch(`${pushBase}/subscribe`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userVisibleOnly: 'true', applicationServerKey }),
  });
  assert.equal(res.status, 200);
  const { data } = await res.json();
  subscriptions.set(data.endpoint, data);
  return { endpoint: data.endpoint, keys: data.keys };
}

/** Every message the stand-in received (and decrypted) for a subscription, as JSON. */
async function pushMessages(endpoint) {
  const res = await fetch(`${pushBase}/get-notifications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientHash: subscriptions.get(endpoint).clientHash }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).data.messages.map((m) => JSON.parse(m));
}

/** In the page, before the app: PushManager backed by the stand-in (see the comment at the top). */
function stubPushManager() {
  const toBase64Url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const fromBase64Url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
  const KEY = '__stub_push_subscription';
  const wrap = (saved) => saved && {
    endpoint: saved.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromBase64Url(saved.key) },
    toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: saved.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    return wrap(JSON.parse(localStorage.getItem(KEY) || 'null'));
  };
  PushManager.prototype.subscribe = async function subscribe(options) {
    if (Notification.permission !== 'granted') throw new DOMException('permission not granted', 'NotAllowedError');
    const key = toBase64Url(options.applicationServerKey);
    const made = await window.__pushServiceSubscribe(key);
    const saved = { ...made, key };
    localStorage.setItem(KEY, JSON.stringify(saved));
    return wrap(saved);
  };
}

// ---- the pharmacy side, through the API ------------------------------------------------------------------------

async function api(path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A patient on one daily dose at `time` (UTC, "HH:MM:SS"); returns { patient_id, code }. */
async function enrollPatient(name, drug, time) {
  const start = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  return api('/api/pharmacy/patients', {
    display_name: name,
    regimen: {
      drug_name: drug, strength: '500 mg tablets',
      doses: [{ slot: 'daily', amount: { mg: 1500, half_tablets: 6 }, time, food: 'with_food' }],
      pattern: { type: 'continuous' }, start, first_cycle: 1, time_zone: 'UTC',
    },
  });
}

function utcTime(date) {
  return date.toISOString().slice(11, 19);
}

async function newPhone(options = {}) {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', timezoneId: 'UTC', ...options });
  await context.exposeFunction('__pushServiceSubscribe', pushSubscribe);
  await context.addInitScript(stubPushManager);
  return context;
}

async function connect(page, code, greeting) {
  await page.goto(server.url);
  await page.getByLabel('Your code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(greeting).waitFor();
}

before(async () => {
  await startPushService();
  server = new Server();
  // The stand-in is on plain http at 127.0.0.1: production's rule (https to public addresses) would refuse it.
  server.extraEnv = { CAREPATH_REMINDER_TICK_MS: '500', CAREPATH_PUSH_ALLOWED_HOSTS: '127.0.0.1' };
  await server.start();
  server.createPharmacist(PHARMACIST);
  cookie = await pharmacistCookie(server, PHARMACIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  pushService?.close();
});

test('the card explains reminders; "Turn on" asks for permission, subscribes and the server pushes at the dose time', async () => {
  // The dose is due 50 seconds from now (UTC, the patient's time zone): after the phone has subscribed.
  const due = new Date(Date.now() + 50_000);
  due.setUTCMilliseconds(0);
  const enrolled = await enrollPatient('Ana Reminder', 'Capecitabine', utcTime(due));
  const context = await newPhone();
  await context.grantPermissions(['notifications'], { origin: server.url });
  phone = await context.newPage();
  await connect(phone, enrolled.code, 'Hello, Ana Reminder.');
  ana = { ...enrolled, due };

  const card = phone.getByTestId('reminders');
  await card.getByRole('heading', { name: 'Dose reminders' }).waitFor();
  // One line and the button; the rest is folded under "About reminders" (issue #14 item 7: a shorter Today).
  await card.getByText('Get a reminder on this phone at each dose time.').waitFor();
  assert.equal(await card.getByText(/never shows the name of your medicine/).isVisible(), false);
  await card.getByText('About reminders, and quiet hours').click();
  await card.getByText(/remind you on this phone when it is time for a dose, even when the app is closed/).waitFor();
  await card.getByText(/never shows the name of your medicine/).waitFor();
  // A patient's own phone is not asked about overdue doses (that is a caregiver's opt-in).
  assert.equal(await card.getByLabel(/overdue/).count(), 0);

  // Quiet hours are optional, folded away until opened; they are checked before anything is asked.
  await card.getByText('Quiet hours (optional)').click();
  await card.getByLabel('From').fill('22:00');
  await card.getByRole('button', { name: 'Turn on reminders' }).click();
  await card.getByText('Enter both times, or leave both empty.').waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM push_subscriptions'), '0');
  // Quiet hours far from the dose time.
  const quietStart = new Date(due.getTime() + 6 * 3_600_000).toISOString().slice(11, 16);
  const quietEnd = new Date(due.getTime() + 7 * 3_600_000).toISOString().slice(11, 16);
  await card.getByLabel('From').fill(quietStart);
  await card.getByLabel('Until').fill(quietEnd);
  await card.getByRole('button', { name: 'Turn on reminders' }).click();
  await card.getByText('Reminders are on for this phone.').waitFor();
  await card.getByTestId('reminders-note').getByText(/Reminders are on/).waitFor();

  const [endpoint, quietFrom, quietUntil, overdue] = server.sql('SELECT endpoint, quiet_start, quiet_end, overdue_after_minutes FROM push_subscriptions').split('|');
  assert.ok(subscriptions.has(endpoint), `the server holds the stand-in's endpoint: ${endpoint}`);
  assert.deepEqual([quietFrom, quietUntil], [`${quietStart}:00`, `${quietEnd}:00`]);
  assert.equal(overdue, '');
  ana.endpoint = endpoint;
  assert.equal(await phone.evaluate(() => Notification.permission), 'granted');

  // The reminder task sends at the dose time; the stand-in verifies the VAPID signature and decrypts it.
  await waitFor(async () => (await pushMessages(endpoint)).length > 0, 'the dose reminder at the push service', 90_000);
  const [message] = await pushMessages(endpoint);
  assert.equal(message.kind, 'dose_due');
  assert.equal(message.slot, 'daily');
  assert.equal(message.date, due.toISOString().slice(0, 10));
  const line = await phone.evaluate(() => document.querySelector('.slot .slot-name')?.id);
  assert.ok(line?.includes(message.regimen_line_id), `${line} is the dose row of ${message.regimen_line_id}`);
  ana.line = message.regimen_line_id;
  for (const leak of ['Capecitabine', 'Ana', '1500']) assert.ok(!JSON.stringify(message).includes(leak), `the push leaks ${leak}`);
});

test('while the app is open, a banner says it is time for the dose and leads to it', async () => {
  // Checked once a minute: within a minute of the dose time.
  const banner = phone.getByTestId('reminder-banner');
  await banner.waitFor({ timeout: 75_000 });
  assert.match(await banner.textContent(), /It is time for your dose of Capecitabine\./);
  assert.equal(await phone.getByTestId('reminder-live').getAttribute('role'), 'status');
  assert.deepEqual(await overflowing(phone), [], 'Today scrolls sideways at phone width');
  await shot(phone, '40-reminder-banner');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today with the reminder banner');
  await banner.getByRole('button', { name: 'Show me the dose' }).click();
  await waitFor(() => phone.evaluate(() => document.activeElement?.classList.contains('take')), 'focus on "I took it"');
});

test('"Snooze 15 min" opens the app with ?snooze=…: snoozed at the server, confirmed, the address cleaned', async () => {
  const date = ana.due.toISOString().slice(0, 10);
  await phone.goto(`${server.url}/?snooze=${ana.line}/${date}/daily`);
  await phone.getByTestId('snooze-note').getByText('Reminder snoozed. We will remind you again in 15 minutes.').waitFor();
  await waitFor(() => phone.evaluate(() => window.location.search === ''), 'the query cleared');
  assert.equal(server.sql(`SELECT slot, date, round FROM push_snoozes WHERE regimen_line_id = '${ana.line}'`), `daily|${date}|1`);
  // Snoozed: no banner for that dose until the snooze ends.
  assert.equal(await phone.getByTestId('reminder-banner').count(), 0);

  // Offline (the server is down; the service worker opens the app from its cache): say so, and what to do.
  await server.stop();
  await phone.goto(`${server.url}/?snooze=${ana.line}/${date}/daily`);
  await phone.getByTestId('snooze-note').getByText(/could not be snoozed because there is no connection\. Take your dose now if it is time, or set an alarm/).waitFor();
  await waitFor(() => phone.evaluate(() => window.location.search === ''), 'the query cleared offline');
  await server.start();
  assert.equal(server.sql(`SELECT round FROM push_snoozes WHERE regimen_line_id = '${ana.line}'`), '1');

  // The dose is taken: nothing more to remind of.
  await phone.goto(server.url);
  await phone.locator(`li.slot[data-date="${date}"] button.take`).click();
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
});

test('with a caregiver\'s profile added on the phone, saving subscribes both; the caregiver\'s asks about overdue doses', async () => {
  const bea = await enrollPatient('Bea Lindqvist', 'Olaparib', '09:00:00');
  const caregiver = await api(`/api/pharmacy/patients/${bea.patient_id}/caregivers`, { name: 'Ana (neighbour)' });
  await phone.goto(`${server.url}/add-person`);
  await phone.getByLabel('Your code').fill(caregiver.code);
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByTestId('caregiver-greeting').waitFor();

  const card = phone.getByTestId('reminders');
  // Reminders are on: their settings are folded (issue #14 item 7) until the patient opens them.
  assert.equal(await card.getByRole('button', { name: 'Save reminder settings' }).isVisible(), false);
  await card.getByText('Change reminder settings').click();
  const overdue = card.getByLabel('Tell me when a dose is overdue by this many minutes (optional)');
  await overdue.fill('4');
  await card.getByRole('button', { name: 'Save reminder settings' }).click();
  await card.getByText('Enter a number of minutes from 5 to 720, or leave it empty.').waitFor();
  await overdue.fill('45');
  await card.getByRole('button', { name: 'Save reminder settings' }).click();
  await card.getByText('Your reminder settings are saved.').waitFor();
  const rows = server.sql(`SELECT d.caregiver_id IS NOT NULL, s.overdue_after_minutes, s.endpoint FROM push_subscriptions s JOIN devices d ON d.id = s.device_id ORDER BY 1`).split('\n');
  assert.deepEqual(rows, [`0||${ana.endpoint}`, `1|45|${ana.endpoint}`]);
  await shot(phone, '41-reminders-caregiver');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the reminders card');
});

test('"Turn off reminders" removes the subscription for everyone on the phone', async () => {
  const card = phone.getByTestId('reminders');
  const settings = card.getByTestId('reminder-settings');
  if (!(await settings.evaluate((d) => d.open))) await card.getByText('Change reminder settings').click();
  await card.getByRole('button', { name: 'Turn off reminders' }).click();
  await card.getByText('Reminders are off on this phone.').waitFor();
  await card.getByRole('button', { name: 'Turn on reminders' }).waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM push_subscriptions'), '0');
  assert.equal(await phone.evaluate(() => navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription())), null);
  await phone.context().close();
});

test('on an iPhone outside the Home Screen, the card says to add Carepath to the Home Screen first', async () => {
  const enrolled = await enrollPatient('Carla Reyes', 'Abemaciclib', '08:00:00');
  const context = await newPhone({ userAgent: IPHONE_UA });
  const page = await context.newPage();
  await connect(page, enrolled.code, 'Hello, Carla Reyes.');
  const card = page.getByTestId('reminders');
  await card.getByRole('heading', { name: 'Add Carepath to your Home Screen first' }).waitFor();
  await card.getByText(/tap the Share button/).waitFor();
  await card.getByText(/tap Add to Home Screen/).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Turn on reminders' }).count(), 0);
  await shot(page, '42-reminders-iphone');
  assert.deepEqual(await axe(page), [], 'accessibility violations on the iPhone reminders card');
  await context.close();
});

test('with notifications blocked, the card says how to allow them again', async () => {
  const enrolled = await enrollPatient('Dee Okafor', 'Palbociclib', '08:00:00');
  const context = await newPhone();
  const page = await context.newPage();
  // Blocked through the browser's own permission settings (what "Block" on the prompt leaves behind).
  const cdp = await context.newCDPSession(page);
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  await cdp.send('Browser.setPermission', {
    permission: { name: 'notifications' }, setting: 'denied', origin: server.url, browserContextId: targetInfo.browserContextId,
  });
  await connect(page, enrolled.code, 'Hello, Dee Okafor.');
  assert.equal(await page.evaluate(() => Notification.permission), 'denied');
  const card = page.getByTestId('reminders');
  await card.getByRole('heading', { name: 'Notifications are blocked for Carepath' }).waitFor();
  await card.getByText(/set Notifications to Allow/).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Turn on reminders' }).count(), 0);
  await context.close();
});
