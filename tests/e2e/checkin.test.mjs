// The check-in loop through the UI: offline, the patient reports a fever of 38.5 °C → "Call now" shows at once;
// back online → the alert tops the pharmacist's queue with its reason, and the team's webhook gets exactly one
// notice with no health information; the pharmacist replies → the patient sees the reply, and the pharmacist
// sees that it was read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing, waitFor } from './harness.mjs';

const PHARMACIST = { username: 'k.osei', password: 'a long enough passphrase', site: 'Lakeside Oncology Pharmacy', phone: '+1 555 0133' };

let server;
let browser;
let desk;
let phone;
let hook;
const notices = [];

before(async () => {
  // The team's webhook: a real HTTP receiver on loopback.
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { notices.push(JSON.parse(body)); res.writeHead(200).end('ok'); });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
  server = new Server();
  server.extraEnv = { CAREPATH_ALERT_WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/teams`, CAREPATH_NOTIFY_RETRY_MS: '200' };
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  hook?.close();
});

test('the pharmacist enrolls a patient on palbociclib and the phone connects', async () => {
  desk = await signedInDesk(browser, server, PHARMACIST);
  phone = await enrollAndConnect(browser, server, desk, {
    name: 'Grace Mensah', drug: 'Palbociclib (Ibrance) 125 mg capsules', dose: '1 capsule', frequency: 'Once a day',
  });
  await phone.locator('.sync-status[data-state="synced"]').waitFor();
});

test('offline, a fever of 38.5 °C shows "Call now" at once, with the pharmacy number', async () => {
  await server.stop();
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByLabel('°C').check();
  await phone.getByLabel(/If you took your temperature/).fill('38.5');
  await phone.getByRole('button', { name: 'Next' }).click();

  const callNow = phone.getByTestId('call-now');
  await callNow.getByRole('heading', { name: 'Call your pharmacy now' }).waitFor();
  await callNow.getByText('Fever of 38.5 °C (101.3 °F)').waitFor();
  assert.equal(await callNow.locator('a[href="tel:+15550133"]').count(), 1);
  await phone.getByText(/saved on this phone and marked urgent/).waitFor();
  await phone.locator('.sync-status[data-state="offline"][data-waiting="1"]').waitFor();
  // The heading has focus, so a screen reader announces the new screen.
  assert.equal(await phone.evaluate(() => document.activeElement?.id), 'step-heading');
  assert.deepEqual(await overflowing(phone), [], 'Call now scrolls sideways at phone width');
  await shot(phone, '20-patient-call-now-offline');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the Call now screen');
});

test('back online, the urgent alert tops the queue with its reason; one notice, no health information', async () => {
  await server.start();
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
  assert.equal(server.sql("SELECT tier FROM alerts"), 'urgent');

  await desk.reload();
  const top = desk.getByTestId('alert').first();
  await top.waitFor();
  assert.equal(await top.getAttribute('data-tier'), 'urgent');
  assert.match(await top.textContent(), /Urgent/);
  assert.match(await top.textContent(), /Grace Mensah/);
  assert.match(await top.textContent(), /Red flag: Fever of 38\.5 °C \(101\.3 °F\)/);
  await shot(desk, '21-pharmacist-urgent-alert');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the alert queue');

  await waitFor(() => notices.length >= 1, 'the webhook notice');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(notices.length, 1, 'exactly one notice per urgent alert');
  const text = JSON.stringify(notices[0]);
  assert.equal(notices[0].tier, 'urgent');
  assert.equal(notices[0].site, PHARMACIST.site);
  for (const leak of ['Grace', 'Mensah', 'fever', '38.5', 'palbociclib', 'Ibrance']) {
    assert.ok(!text.toLowerCase().includes(leak.toLowerCase()), `the notice leaks ${leak}: ${text}`);
  }
  // The notice's link opens the queue at that alert.
  const alertId = server.sql('SELECT id FROM alerts');
  assert.ok(notices[0].link.endsWith(`/pharmacy?alert=${alertId}`), notices[0].link);
});

test('the pharmacist replies; the patient sees the reply and the pharmacist sees it was read', async () => {
  const top = desk.getByTestId('alert').first();
  // The card is compact: its answers, notes and forms open with this button.
  await top.getByRole('button', { name: /Details, notes and reply/ }).click();
  await top.getByTestId('reply-text').fill('Please go to the emergency department now. We have called ahead.');
  await top.getByRole('button', { name: 'Send to patient' }).click();
  await desk.getByText(/Not read yet/).waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL'), '1', 'a reply acknowledges the alert');

  // The phone gets it at its next sync (opening the app syncs).
  await phone.goto(server.url);
  const messages = phone.getByTestId('new-messages');
  await messages.getByText('Please go to the emergency department now. We have called ahead.').waitFor();
  await messages.getByText(/Pharmacist k\.osei/).waitFor();
  assert.deepEqual(await overflowing(phone), [], 'Today scrolls sideways at phone width');
  await shot(phone, '22-patient-reply');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on Today with a message');
  // Read once the patient says so: recorded on the phone, synced, shown to the pharmacist.
  await messages.getByRole('button', { name: /^Got it/ }).click();
  await waitFor(() => server.sql('SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL') === '1', 'the read receipt');
  await desk.reload();
  await desk.getByTestId('alert').first().getByRole('button', { name: /Details, notes and reply/ }).click();
  await desk.getByTestId('alert').first().getByText(/Read /).waitFor();

  await desk.getByTestId('alert').first().getByRole('button', { name: 'Resolve' }).click();
  await desk.getByTestId('alert').first().waitFor({ state: 'detached' });
  assert.equal(server.sql('SELECT COUNT(*) FROM alerts WHERE resolved_at IS NOT NULL'), '1');
});

/**
 * Opens a check-in, passes the safety and bowel steps with nothing ticked, and walks the symptom steps up to
 * "Anything else?": `answer(heading)` answers a step and returns true, or returns false to skip it; the later yes/no
 * questions are passed with "Next".
 */
async function checkInWith(answer) {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByRole('heading', { name: 'Bowel movements' }).waitFor();
  await phone.getByRole('button', { name: 'Next' }).click();
  let guard = 0;
  while (!(await phone.getByRole('heading', { name: 'Anything else?' }).isVisible()) && guard++ < 14) {
    if (await phone.getByRole('heading', { name: 'A few more questions' }).isVisible()) {
      await phone.getByRole('button', { name: 'Next' }).click();
      continue;
    }
    const heading = (await phone.locator('#step-heading').textContent()).trim();
    if (await answer(heading)) await phone.getByRole('button', { name: 'Next' }).click();
    else await phone.getByRole('button', { name: 'Skip this question' }).click();
    await phone.waitForTimeout(50);
  }
}

test('a new grade 3 (diarrhea almost all the time) shows "Call now" after the questions', async () => {
  // Nothing on the safety and bowel steps; of Palbociclib's own items, diarrhea answered and the rest skipped.
  await checkInWith(async (heading) => {
    if (!heading.startsWith('Diarrhea')) return false;
    await phone.getByLabel('Almost all the time', { exact: true }).check();
    return true;
  });
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  await phone.getByTestId('call-now').getByText(/Diarrhea.*grade 3/).waitFor();
  await phone.locator('.sync-status[data-waiting="0"]').waitFor();
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL AND tier = 'urgent'") === '1', 'the second urgent alert');
  await waitFor(() => notices.length === 2, 'the second notice');
});

test('feeling feverish with no thermometer reading: "take your temperature now" and call now', async () => {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByLabel(/feverish or have shaking chills/).check();
  await phone.getByRole('button', { name: 'Next' }).click();
  const callNow = phone.getByTestId('call-now');
  await callNow.getByRole('heading', { name: 'Call your pharmacy now' }).waitFor();
  await callNow.getByTestId('take-temperature').waitFor();
  assert.match(await callNow.getByTestId('take-temperature').textContent(), /Take your temperature now/);
  await shot(phone, '25-patient-feverish-take-temperature');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on the take-your-temperature screen');
  await phone.locator('.sync-status[data-waiting="0"]').waitFor();
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE reasons LIKE '%feverish_or_chills%' AND tier = 'urgent'") === '1', 'the feverish alert');
});

test('the patient sees their own check-ins and a trend per symptom', async () => {
  await phone.goto(server.url);
  await phone.getByRole('link', { name: 'My check-ins' }).click();
  await phone.getByRole('heading', { name: 'My check-ins' }).waitFor();
  await phone.getByRole('img', { name: /Diarrhea/ }).first().waitFor();
  await phone.getByText(/Temperature 38\.5 °C/).waitFor();
  assert.deepEqual(await overflowing(phone), [], 'My check-ins scrolls sideways at phone width');
  await shot(phone, '23-patient-my-check-ins');
  assert.deepEqual(await axe(phone), [], 'accessibility violations on My check-ins');
});

test("the pharmacist's patient page: trends, alerts, and the check-in cadence", async () => {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByTestId('alert').first().getByRole('link', { name: 'Grace Mensah' }).click();
  await desk.getByRole('heading', { name: 'Grace Mensah', level: 1 }).waitFor();
  // The trends are folded at the bottom of the page.
  await desk.getByText(/^Charts and readings from/).click();
  await desk.getByRole('img', { name: /Diarrhea/ }).first().waitFor();
  await desk.getByLabel(/How often the patient's phone asks/).selectOption('3');
  await desk.getByRole('button', { name: 'Save', exact: true }).click();
  await desk.getByText(/Saved: Every 3 days/).waitFor();
  assert.equal(server.sql("SELECT check_in_every_days FROM patients WHERE display_name = 'Grace Mensah'"), '3');
  await shot(desk, '24-pharmacist-patient-page');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page');
});

test('a check-in with every question skipped reaches the desk as "no answers", not "no symptoms"', async () => {
  await checkInWith(async () => false);
  const before = Number(server.sql("SELECT COUNT(*) FROM events WHERE kind = 'check_in'"));
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  await phone.locator('.sync-status[data-waiting="0"]').waitFor();
  await waitFor(() => Number(server.sql("SELECT COUNT(*) FROM events WHERE kind = 'check_in'")) === before + 1, 'the skipped check-in');
  assert.equal(server.sql("SELECT json_extract(payload, '$.body.answers') FROM events WHERE kind = 'check_in' ORDER BY recorded_at DESC LIMIT 1"), '{}');

  await desk.goto(`${server.url}/pharmacy`);
  const newest = desk.locator('.queue-item[data-kind="check-in"]').first();
  await newest.waitFor();
  assert.match(await newest.textContent(), /Check-in: no symptom questions answered \(all skipped\)/);
});

test('the temperature: 38.6 with °F chosen asks "did you mean 38.6 °C?", and Enter moves on as Next does', async () => {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByLabel('°F').check();
  const field = phone.getByLabel(/If you took your temperature/);
  await field.fill('38.6');
  await field.press('Enter');
  await phone.getByText('38.6 °F is not a body temperature. Did you mean 38.6 °C? Choose °C, or check the number.').waitFor();
  assert.equal(await phone.getByRole('heading', { name: 'First, your safety' }).count(), 1, 'still on the safety step');
  await shot(phone, '25-check-in-did-you-mean-celsius');
  await phone.getByLabel('°C').check();
  await field.fill('37.2');
  await field.press('Enter');
  await phone.getByRole('heading', { name: 'Bowel movements' }).waitFor();
  const stools = phone.getByLabel(/how many more stools/);
  await stools.fill('0');
  await stools.press('Enter');
  await phone.getByText(/^Symptom 1 of \d+$/).waitFor();
});
