// Issue #12 items 9 and 5: the patient answers the pharmacy from the phone (also offline: "Waiting to send", sent
// when back online), the answer reaches the desk's alert card and the patient page's thread; and the desk's sound
// option for new urgent alerts is remembered and cues once per new urgent alert.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing, waitFor, PHONE } from './harness.mjs';

const PHARMACIST = { username: 'm.nakamura', password: 'a long enough passphrase', site: 'Lakeside Oncology Pharmacy' };
const REPLY = 'Is the fever still there? Please take your temperature again and tell us.';
const ANSWER = 'It went down to 37.4 after an hour. I feel a bit better.';
const OFFLINE = 'Can I still take my evening dose?';

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

test('the sound option is off by default and is remembered', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  const option = desk.getByLabel('Play a sound for new urgent alerts');
  await option.waitFor();
  assert.equal(await option.isChecked(), false, 'off by default');
  await option.check();
  await desk.reload();
  assert.equal(await desk.getByLabel('Play a sound for new urgent alerts').isChecked(), true, 'remembered after a reload');
  assert.equal(await desk.evaluate(() => localStorage.getItem('carepath.desk.urgent-sound')), 'on');
});

test('a new urgent alert cues once', async () => {
  phone = await enrollAndConnect(browser, server, desk, {
    name: 'Tomás Herrera', drug: 'Capecitabine 500 mg tablets', dose: '3 tablets', frequency: 'Twice a day',
  });
  // The queue is on screen (loaded, nothing urgent yet) before the fever is reported.
  await desk.getByRole('heading', { name: 'Review queue' }).waitFor();
  const banner = desk.getByTestId('new-urgent-banner');
  assert.equal(await banner.getAttribute('data-sound-cues'), '0');
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  await phone.getByLabel('°C').check();
  await phone.getByLabel(/If you took your temperature/).fill('38.7');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByTestId('call-now').waitFor();
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE tier = 'urgent'") === '1', 'the urgent alert');
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  await banner.getByText('New urgent alert:').waitFor();
  assert.equal(await banner.getAttribute('data-sound-cues'), '1', 'one cue for the new urgent alert');
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  await desk.waitForTimeout(1000);
  assert.equal(await banner.getAttribute('data-sound-cues'), '1', 'not again for the same alert');
  await phone.getByRole('link', { name: 'Today' }).first().click();
  await phone.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
});

test('the patient answers the reply from the open phone', async () => {
  const top = desk.getByTestId('alert').first();
  await top.getByRole('button', { name: /Details, notes and reply/ }).click();
  await top.getByTestId('reply-text').fill(REPLY);
  await top.getByRole('button', { name: 'Send to patient' }).click();
  await desk.getByText(/Not read yet/).waitFor();

  // No reload: the open app's poll brings the reply, with an "Answer" beside "Got it".
  const region = phone.getByRole('region', { name: 'New message from your pharmacy' });
  await region.getByText(REPLY).waitFor({ timeout: 45_000 });
  await region.getByRole('link', { name: 'Answer' }).click();
  await phone.getByRole('heading', { name: 'Messages with your pharmacy', level: 1 }).waitFor();
  assert.match(await phone.getByTestId('not-emergency').textContent(), /not for emergencies/);
  await phone.getByLabel(/Your answer to Pharmacist m\.nakamura/).fill(ANSWER);
  await phone.getByRole('button', { name: 'Send' }).click();
  await phone.getByTestId('message-status').getByText(/Saved on your phone/).waitFor();
  const answer = phone.getByTestId('thread-message').filter({ hasText: ANSWER });
  await answer.and(phone.locator('[data-state="sent"]')).waitFor();
  await waitFor(() => server.sql('SELECT COUNT(*) FROM patient_messages') === '1', 'the answer on the server');
  // Answering a message also marks it read.
  await waitFor(() => server.sql('SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL') === '1', 'the read receipt');
  // Both directions, newest first: the answer above the pharmacist's message.
  const thread = await phone.getByTestId('thread-message').evaluateAll((all) => all.map((m) => m.dataset.from));
  assert.deepEqual(thread, ['patient', 'pharmacy']);
  assert.deepEqual(await overflowing(phone), [], 'the messages screen scrolls sideways at phone width');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the messages screen');
  await shot(phone, '70-patient-answers-the-pharmacy');
});

test('offline, a question waits on the phone and is sent when back online', async () => {
  await phone.getByRole('link', { name: 'New question' }).click();
  await phone.getByLabel('Your message', { exact: true }).waitFor();
  await phone.context().setOffline(true);
  await phone.getByLabel('Your message', { exact: true }).fill(OFFLINE);
  await phone.getByRole('button', { name: 'Send' }).click();
  const waiting = phone.getByTestId('thread-message').filter({ hasText: OFFLINE });
  await waiting.and(phone.locator('[data-state="waiting"]')).waitFor();
  await waiting.getByText('Waiting to send').waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM patient_messages'), '1', 'nothing reached the server while offline');
  assert.deepEqual(await axe(phone), [], 'accessibility violations with a message waiting');
  await shot(phone, '71-patient-message-waiting-to-send');

  await phone.context().setOffline(false);
  await waiting.and(phone.locator('[data-state="sent"]')).waitFor({ timeout: 20_000 });
  await waitFor(() => server.sql('SELECT COUNT(*) FROM patient_messages') === '2', 'the question on the server');
  assert.equal(server.sql('SELECT COUNT(DISTINCT alert_id) FROM patient_messages'), '1', 'both on one alert');
});

test('the answers reach the alert card and the patient page', async () => {
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  // The reply acknowledged the fever alert; the answers wait on one routine "Message from the patient" alert on top.
  const card = desk.getByTestId('alert').first();
  await card.getByText('Message from the patient').waitFor();
  await card.getByRole('button', { name: /Details, notes and reply/ }).click();
  const written = card.getByTestId('alert-patient-messages');
  await written.getByText(ANSWER).waitFor();
  await written.getByText(OFFLINE).waitFor();
  assert.match(await written.textContent(), /Tomás Herrera \(patient\)/);
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the queue with the patient messages');
  await shot(desk, '72-desk-alert-card-with-the-patients-answer');

  await card.getByRole('link', { name: 'Tomás Herrera' }).click();
  const messages = desk.locator('section.patient-messages');
  await messages.getByText(OFFLINE).waitFor();
  const order = await messages.locator('ul.messages').first().locator(':scope > li').evaluateAll((all) =>
    all.map((li) => (li.dataset.testid === 'patient-message' ? 'patient' : 'pharmacy')));
  assert.deepEqual(order, ['patient', 'patient', 'pharmacy'], 'the thread both ways, newest first');
  await messages.getByText(/Read /).waitFor();
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page thread');
  await desk.setViewportSize({ width: 1366, height: 768 });
  await shot(desk, '73-desk-patient-page-thread');

  // The desk at phone width (a pharmacist on a phone).
  const small = await (await browser.newContext({ ...PHONE, locale: 'en-US', storageState: await desk.context().storageState() })).newPage();
  await small.goto(desk.url());
  await small.locator('section.patient-messages').getByText(ANSWER).waitFor();
  assert.deepEqual(await overflowing(small), [], 'the patient page scrolls sideways at phone width');
  await shot(small, '74-desk-patient-page-thread-phone');
  await small.context().close();
});

test('a message push shows words of its own in the phone language, never the message, and opens the messages page', async () => {
  // The service worker's own `push` handler, fed through DevTools (headless Chromium has no push service). The
  // payload is exactly what the server sends for a pharmacy message (server/tests/messages.rs checks that).
  for (const [locale, words] of [['en-US', 'You have a message from your pharmacy.'], ['es-ES', 'Tiene un mensaje de su farmacia.']]) {
    const context = await browser.newContext({ ...PHONE, locale });
    await context.grantPermissions(['notifications'], { origin: server.url });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const registration = new Promise((resolve) => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const found = registrations.find((r) => !r.isDeleted);
      if (found) resolve(found.registrationId);
    }));
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url, registrationId: await registration, data: JSON.stringify({ kind: 'message', url: '/messages' }),
    });
    let shown = [];
    await waitFor(async () => {
      shown = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
        .map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url })));
      return shown.length > 0;
    }, `the notification (${locale})`);
    assert.deepEqual(shown, [{ title: 'Carepath', body: words, tag: 'carepath-message', url: '/messages' }]);
    await context.close();
  }
});
