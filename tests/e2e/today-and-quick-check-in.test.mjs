// Issue #14, the rest of the patient's phone (items 3, 7 and 8), walked as a patient would:
// - a shorter Today: the numbers to call and the messages page near the top, the rarely used cards folded;
// - at night (outside the site's office hours) the after-hours line is the big button, in the daytime the pharmacy;
// - the thermometer starts in the site's unit (°C here, though the phone reads English);
// - "I feel fine, nothing new" in 2 taps from Today, which the desk reads as that (not "no symptoms");
// - one symptom reported any time, without the whole check-in, which leaves the check-in due;
// - a drug the pharmacist typed in English reads in Spanish on a Spanish phone ("Capecitabina").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, shotBothTextSizes, zoneWhereItIs, overflowing } from './harness.mjs';

const PHARMACIST = { username: 'r.alvarez', password: 'a quiet evening shift', site: 'Harbor Oncology Pharmacy', phone: '+1 555 0144', afterHours: '+1 555 0177' };
const SERVER_BIN = process.env.CAREPATH_SERVER_BIN || path.resolve(new URL('../../target/debug/carepath-server', import.meta.url).pathname);
const DAY = zoneWhereItIs(11);
const NIGHT = zoneWhereItIs(23);

/** Whether the site (Mon–Fri 08:00–17:00) is open now in time zone `zone`: the test's own reading of the rule. */
function openNow(zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' })
    .formatToParts(new Date()).map((p) => [p.type, p.value]));
  return !['Sat', 'Sun'].includes(parts.weekday) && Number(parts.hour) >= 8 && Number(parts.hour) < 17;
}

let server;
let browser;
let desk;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  const out = execFileSync(SERVER_BIN, ['site-settings', '--site', PHARMACIST.site, '--temperature-unit', 'celsius',
    '--office-hours', '08:00-17:00', '--office-days', 'mon-fri'], { env: server.env() }).toString();
  assert.match(out, /thermometers read °C; office hours 08:00–17:00/);
  browser = await launchBrowser();
  desk = await signedInDesk(browser, server, PHARMACIST);
  await desk.getByLabel('Patient name').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function enroll(name, zone) {
  await desk.goto(`${server.url}/pharmacy`);
  return enrollAndConnect(browser, server, desk, {
    name, drug: 'Capecitabine 500 mg tablets', dose: '2 tablets', pattern: { on: 14, off: 7 }, context: { timezoneId: zone },
  });
}

/** Opens the patient page's "Symptoms over time" and its list of every check-in. */
async function openCheckIns(desk) {
  await desk.getByText(/Charts and readings from/).click();
  await desk.locator('details.check-in-list > summary').click();
}

/** The first link of Today's call block: the number a patient reaches for first. */
async function firstCall(phone) {
  const first = phone.getByTestId('quick-contact').locator('.call-links a').first();
  return { text: (await first.textContent()).trim(), href: await first.getAttribute('href'), classes: await first.getAttribute('class') };
}

test('Today: the numbers and messages near the top, folded cards; in the daytime the pharmacy is the big button', async () => {
  assert.equal(openNow(DAY), !['Sat', 'Sun'].includes(new Intl.DateTimeFormat('en-US', { timeZone: DAY, weekday: 'short' }).format(new Date())));
  const phone = await enroll('Rosa Delgado', DAY);
  const contact = phone.getByTestId('quick-contact');
  await contact.waitFor();
  const box = await contact.boundingBox();
  assert.ok(box.y + box.height < 844, `the call block ends on the first screen (at ${Math.round(box.y + box.height)} px)`);
  const messages = contact.getByRole('link', { name: 'Messages' });
  assert.ok((await messages.boundingBox()).y < 844, 'Messages is on the first screen');
  const first = await firstCall(phone);
  if (openNow(DAY)) {
    assert.equal(first.href, 'tel:+15550144');
    assert.match(first.text, /Call your pharmacy: \+1\s555\s0144/);
    assert.match(first.classes, /primary/, 'a call in the daytime is not an emergency: the big button is not red');
  } else {
    assert.equal(first.href, 'tel:+15550177', 'a weekend: the pharmacy is closed');
  }
  // The dose card and the cycle day come before the check-in and the folded cards.
  await phone.getByTestId('cycle-day').waitFor();
  const order = await phone.evaluate(() => ['[data-testid=quick-contact]', '[data-testid=regimen-line]', '[data-testid=check-in-due]', '[data-testid=report-symptom]', '[data-testid=reminders]']
    .map((s) => document.querySelector(s)?.getBoundingClientRect().top ?? -1));
  assert.deepEqual([...order].sort((a, b) => a - b), order, `Today's order: ${order}`);
  const height = await phone.evaluate(() => document.documentElement.scrollHeight);
  console.log(`# Today is ${height} px tall at 390 px (was 2,571–3,074 px when the issue was filed); the call button starts at y = ${Math.round(box.y)} (was ≈ 2,335)`);
  await shotBothTextSizes(phone, '90-today-day', 'Today in the daytime');
  await phone.context().close();
});

test('at night the after-hours line is the big button, and the pharmacy says when it opens', async () => {
  const phone = await enroll('Luis Ortega', NIGHT);
  await phone.getByTestId('quick-contact').waitFor();
  const first = await firstCall(phone);
  assert.equal(first.href, 'tel:+15550177');
  assert.match(first.text, /The pharmacy is closed now\. Call the after-hours line: \+1\s555\s0177/);
  const pharmacy = phone.getByTestId('quick-contact').getByTestId('call-pharmacy');
  assert.match(await pharmacy.textContent(), /Your pharmacy, open Mon–Fri 8:00 AM–5:00 PM: \+1\s555\s0144/);
  // "Call right away if you have…" at the bottom puts the after-hours line first too, in red.
  const bottom = phone.locator('.call-now .call-links a').first();
  assert.equal(await bottom.getAttribute('href'), 'tel:+15550177');
  assert.match(await bottom.getAttribute('class'), /danger/);
  await shotBothTextSizes(phone, '91-today-night', 'Today at night');

  await phone.getByLabel('Language').selectOption('es');
  await phone.getByText('La farmacia está cerrada ahora').first().waitFor();
  assert.match(await pharmacy.textContent(), /Su farmacia, abierta lun–vie 8:00–17:00: \+1\s555\s0144/);
  // Item 3: the drug the pharmacist typed in English reads in the patient's language.
  await phone.getByRole('heading', { name: 'Capecitabina 500 mg tablets' }).waitFor();
  assert.equal(await phone.getByRole('heading', { name: /Capecitabine/ }).count(), 0);
  await shotBothTextSizes(phone, '91-today-night-es', 'Today at night, in Spanish');
  await phone.getByLabel('Idioma').selectOption('en');
  await phone.getByRole('heading', { name: 'Capecitabine 500 mg tablets' }).waitFor();
  await phone.context().close();
});

test('"I feel fine, nothing new" takes 2 taps from Today, starts in the site\'s °C, and the desk reads it as that', async () => {
  const phone = await enroll('Ana Ruiz', DAY);
  let taps = 0;
  await phone.getByRole('link', { name: 'Start my check-in' }).click();
  taps++;
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  assert.equal(await phone.getByLabel('°C').isChecked(), true, 'the site reads °C, though the phone is in English');
  // The danger signs are on the screen the button is on.
  await phone.getByText('Do you have any of these right now?').waitFor();
  const fine = phone.getByTestId('feeling-fine');
  await shotBothTextSizes(phone, '92-check-in-feeling-fine', 'the safety step with "I feel fine"');
  // Ticking a danger sign takes the button away: "fine" and "chest pain" do not go together.
  const firstSign = phone.locator('input[data-question]').first();
  await firstSign.check();
  assert.equal(await fine.count(), 0);
  await firstSign.uncheck();
  await fine.click();
  taps++;
  await phone.getByTestId('sent').getByRole('heading', { name: 'Thank you' }).waitFor();
  assert.equal(await phone.evaluate(() => document.activeElement?.id), 'step-heading');
  assert.ok(taps <= 3, `${taps} taps`);
  await shotBothTextSizes(phone, '93-check-in-feeling-fine-sent', 'the result of "I feel fine"');

  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
  const stored = JSON.parse(server.sql("SELECT payload FROM events WHERE kind = 'check_in'"));
  assert.equal(stored.body.scope ?? stored.scope, 'feeling_fine');
  assert.equal(server.sql('SELECT COUNT(*) FROM alerts'), '0', 'feeling fine raises no alert');
  // The check-in is done: Today says when the next one is.
  await phone.getByRole('link', { name: 'Back to today' }).click();
  await phone.getByText(/Next check-in:/).waitFor();

  const patientId = server.sql("SELECT id FROM patients WHERE display_name = 'Ana Ruiz'");
  await desk.goto(`${server.url}/pharmacy/patients/${patientId}`);
  await openCheckIns(desk);
  await desk.locator('details.check-in-list').getByText('feels fine, nothing new (symptoms not asked)').waitFor();
  assert.equal(await desk.getByText('no symptom questions answered').count(), 0);
  await phone.context().close();
});

test('one symptom any time: Nausea alone, with a note; the check-in stays due and the desk reads "one symptom"', async () => {
  const phone = await enroll('Marta Gil', DAY);
  await phone.getByTestId('report-symptom').click();
  await phone.getByRole('heading', { name: 'Report a symptom' }).waitFor();
  await phone.waitForFunction(() => document.activeElement?.id === 'report-title', null, { timeout: 2000 });
  await shotBothTextSizes(phone, '94-report-symptom', 'the symptom list');
  await phone.getByTestId('symptom-picker').getByRole('link', { name: /Nausea/ }).click();
  await phone.getByRole('heading', { name: /Nausea/ }).waitFor();
  await phone.waitForFunction(() => document.activeElement?.id === 'step-heading', null, { timeout: 2000 });
  assert.equal(await phone.locator('.progress').count(), 0, 'no "question 1 of 8": it is one symptom');
  assert.equal(await phone.getByRole('button', { name: 'Skip this question' }).count(), 0);
  await phone.getByRole('group', { name: /how often did you feel sick/ }).getByText('Often', { exact: true }).click();
  await phone.getByRole('group', { name: /how bad did your nausea get/ }).getByText('Moderate', { exact: true }).click();
  await shotBothTextSizes(phone, '95-report-symptom-question', 'one symptom\'s questions');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByLabel(/Tell us about anything else/).fill('Since yesterday evening.');
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  // Triaged like any check-in, by the drug's own rules: nausea often and moderate on capecitabine asks for a call.
  const result = phone.getByTestId('call-now');
  await result.getByText('Nausea that keeps you from eating, on capecitabine').waitFor();
  await result.getByText('Your note').waitFor();
  await shotBothTextSizes(phone, '95-report-symptom-result', 'the result of one symptom');
  await phone.locator('.sync-status[data-state="synced"][data-waiting="0"]').waitFor({ timeout: 20_000 });
  assert.equal(server.sql("SELECT a.tier FROM alerts a JOIN patients p ON p.id = a.patient_id WHERE p.display_name = 'Marta Gil'"), 'urgent');
  const stored = JSON.parse(server.sql("SELECT e.payload FROM events e JOIN patients p ON p.id = e.patient_id WHERE e.kind = 'check_in' AND p.display_name = 'Marta Gil'"));
  const answers = stored.body.check_in ?? stored.body;
  assert.equal(JSON.stringify(stored).includes('"scope":"one_symptom"'), true, JSON.stringify(stored));
  assert.deepEqual(Object.keys(answers.answers ?? {}), ['nausea'], JSON.stringify(stored));
  // It does not stand in for the weekly check-in.
  await phone.getByRole('link', { name: 'Back to today' }).click();
  await phone.getByTestId('check-in-due').waitFor();

  const patientId = server.sql("SELECT id FROM patients WHERE display_name = 'Marta Gil'");
  await desk.goto(`${server.url}/pharmacy/patients/${patientId}`);
  await openCheckIns(desk);
  await desk.locator('details.check-in-list').getByText(/One symptom, between check-ins: Nausea \(feeling sick to your stomach\): moderate — “Since yesterday evening\.”/).waitFor();
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the patient page');
  assert.deepEqual(await overflowing(phone), []);
  await shot(desk, '96-desk-one-symptom');
  await phone.context().close();
});

test('in Spanish: Today, "Me siento bien, nada nuevo" and one symptom read in the patient\'s words', async () => {
  const phone = await enroll('Carmen Vidal', DAY);
  await phone.getByLabel('Language').selectOption('es');
  await phone.getByRole('heading', { name: 'Capecitabina 500 mg tablets' }).waitFor();
  await phone.getByRole('link', { name: 'Mensajes', exact: true }).waitFor();
  await shotBothTextSizes(phone, '97-today-es', 'Today in Spanish');
  await phone.getByRole('link', { name: 'Avisar de un síntoma ahora' }).click();
  await phone.getByRole('heading', { name: 'Avisar de un síntoma' }).waitFor();
  await phone.getByTestId('symptom-picker').getByRole('link', { name: /Náuseas/ }).waitFor();
  await shotBothTextSizes(phone, '97-report-symptom-es', 'the symptom list in Spanish');
  await phone.getByRole('link', { name: 'Volver a hoy' }).click();
  await phone.getByRole('link', { name: 'Empezar mi registro' }).click();
  await phone.getByRole('button', { name: 'Me siento bien, nada nuevo' }).waitFor();
  assert.equal(await phone.getByLabel('°C').isChecked(), true);
  await shotBothTextSizes(phone, '97-check-in-feeling-fine-es', 'the safety step in Spanish');
  await phone.context().close();
});
