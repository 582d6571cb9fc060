// Worklists, documented interventions and the program page (issue #12, items 6 and 7): a patient whose new medicine
// started 8 days ago is on "Follow-up call due"; the pharmacist marks it done with a note and a documented call, it
// leaves the list and shows on the patient's page; the program page counts it, and its CSV downloads. Screens at
// desk and phone size, axe 0 on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Server, launchBrowser, shot, axe, signedInDesk, enrollAndConnect, overflowing, PHONE, waitFor, bothSizes, DESKTOP, PHONE_SIZE, noteCheckIn } from './harness.mjs';

const PHARMACIST = { username: 'r.alvarez', password: 'a worklist with a long passphrase', site: 'Bayview Oncology Pharmacy', phone: '+1 555 0177' };
const NAME = 'Lucía Romero';

let server;
let browser;
let desk;
let patientId;
let phone;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(PHARMACIST);
  browser = await launchBrowser();
  desk = await signedInDesk(browser, server, PHARMACIST);
  await desk.setViewportSize(DESKTOP);
  await desk.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});


/** A JSON request from the signed-in desk page (its session cookie). */
async function api(method, path, body) {
  return desk.evaluate(async ({ method, path, body }) => {
    const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, { method, path, body });
}

test('a medicine started 8 days ago puts the patient on "Follow-up call due"', async () => {
  // Enrolled through the shared desk helper (today's start), then a second medicine that started 8 days ago.
  phone = await enrollAndConnect(browser, server, desk, { name: NAME, drug: 'Capecitabine 500 mg tablets', dose: 3, frequency: 'Twice a day' });
  const list = await api('GET', '/api/pharmacy/patients?limit=10');
  patientId = (list.body.patients ?? list.body.items ?? list.body).find((p) => p.display_name === NAME).patient_id;
  const start = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const added = await api('POST', `/api/pharmacy/patients/${patientId}/regimens`, {
    drug_name: 'Temozolomide', strength: '100 mg capsules', pattern: { type: 'continuous' }, start, first_cycle: 1, time_zone: 'UTC',
    doses: [{ slot: 'daily', amount: { mg: 100, half_tablets: 2 }, time: '08:00:00', food: 'with_or_without_food' }],
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));

  // The dashboard counts it, and links the list.
  await desk.goto(`${server.url}/pharmacy`);
  const counts = desk.getByTestId('worklist-counts');
  await counts.getByRole('link', { name: 'Follow-up call due: 1' }).waitFor();
  await counts.getByRole('link', { name: 'Follow-up call due: 1' }).click();
  await desk.getByRole('heading', { name: 'Worklists', level: 1 }).waitFor();
  const worklist = desk.getByTestId('worklist');
  await worklist.getByRole('heading', { name: 'Follow-up call due', level: 2 }).waitFor();
  const item = worklist.getByTestId('worklist-item').filter({ hasText: NAME });
  await item.waitFor();
  assert.match(await item.textContent(), /Temozolomide: call due since/);
  assert.equal(await desk.getByRole('link', { name: /^Follow-up call due/ }).first().getAttribute('aria-current'), 'page');
  await bothSizes(desk, '85-worklist-follow-up-call-due', 'the follow-up worklist');
});

test('the pharmacist documents the call and marks it done: it leaves the list and shows on the patient page', async () => {
  const item = desk.getByTestId('worklist-item').filter({ hasText: NAME });
  await item.getByRole('button', { name: 'Done' }).click();
  await item.getByLabel('Note for the worklist').fill('Day 8 call made');
  assert.equal(await item.getByLabel('I made an intervention').isChecked(), true);
  await item.getByLabel('What you did').selectOption({ label: 'Called the patient' });
  await item.getByLabel('Outcome').selectOption({ label: 'Resolved' });
  await item.getByLabel('Note (optional)').fill('Taking it at bedtime on an empty stomach; no nausea.');
  await shot(desk, '86-worklist-done-with-intervention-1366');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the done form');
  await item.getByRole('button', { name: 'Mark done' }).click();
  await desk.getByRole('status').filter({ hasText: 'Marked done. It has left the list.' }).waitFor();
  await waitFor(async () => (await desk.getByTestId('worklist-item').filter({ hasText: NAME }).count()) === 0, 'the item to leave the list');
  await desk.getByText('Nothing on this list.').waitFor();
  // Gone for good: a reload asks the server again.
  await desk.reload();
  await desk.getByText('Nothing on this list.').waitFor();

  await desk.goto(`${server.url}/pharmacy/patients/${patientId}`);
  const interventions = desk.getByTestId('interventions');
  await interventions.getByText('Called the patient').waitFor();
  assert.match(await interventions.textContent(), /Resolved/);
  assert.match(await interventions.textContent(), /no nausea/);
  await bothSizes(desk, '87-patient-page-interventions', 'the patient page with an intervention');
});

test('the program page counts the intervention and its CSV downloads', async () => {
  await desk.goto(`${server.url}/pharmacy/program`);
  await desk.getByRole('heading', { name: 'Program', level: 1 }).waitFor();
  await desk.getByTestId('intervention-total').filter({ hasText: '1 intervention documented' }).waitFor();
  assert.match(await desk.locator('.program-table').first().textContent(), /Called the patient.*Resolved.*1/);
  await desk.getByLabel('Last 90 days').check();
  await desk.getByTestId('intervention-total').filter({ hasText: '1 intervention documented' }).waitFor();
  await bothSizes(desk, '88-program-figures', 'the program page');

  const [download] = await Promise.all([desk.waitForEvent('download'), desk.getByTestId('interventions-csv').click()]);
  assert.equal(download.suggestedFilename(), 'interventions-90-days.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split(/\r\n/);
  assert.equal(lines[0], 'recorded_at,patient_id,patient,type,outcome,worklist,alert_id,pharmacist,note');
  assert.equal(lines.length, 2, text);
  assert.match(lines[1], /called_patient,resolved,follow_up,,Pharmacist r\.alvarez,/);
  assert.match(lines[1], /Lucía Romero/);

  const [figures] = await Promise.all([desk.waitForEvent('download'), desk.getByTestId('figures-csv').click()]);
  const figuresText = fs.readFileSync(await figures.path(), 'utf8');
  assert.match(figuresText, /interventions_called_patient_resolved,1/);
});

test('the dashboard shows the worklist counts beside the queue', async () => {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByTestId('worklist-counts').getByRole('link', { name: 'Follow-up call due: 0' }).waitFor();
  await desk.setViewportSize(DESKTOP);
  await shot(desk, '89-dashboard-worklist-counts-1366');
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the dashboard');
});

test('an intervention documented on the alert card is saved with the alert and acknowledges it', async () => {
  await noteCheckIn(phone, server, 'The capsules make me very tired');
  await desk.goto(`${server.url}/pharmacy`);
  const card = desk.getByTestId('alert').filter({ hasText: NAME });
  await card.waitFor();
  assert.equal(await card.getAttribute('data-acknowledged'), 'false');
  await card.getByRole('button', { name: /Details, notes and reply/ }).click();
  const form = card.getByTestId('intervention-form');
  await form.getByText('Document intervention').click();
  await form.getByLabel('What you did').selectOption({ label: 'Taught the patient' });
  await form.getByLabel('Outcome').selectOption({ label: 'Follow-up needed' });
  await form.getByLabel('Note (optional)').fill('Explained rest and fluids; call back on Friday.');
  assert.equal(await form.getByLabel('Also mark the alert as seen').isChecked(), true);
  assert.deepEqual(await axe(desk), [], 'accessibility violations on the alert card\'s intervention form');
  await form.getByRole('button', { name: 'Save intervention' }).click();
  await waitFor(async () => (await card.getAttribute('data-acknowledged')) === 'true', 'the alert to be acknowledged');

  await desk.goto(`${server.url}/pharmacy/patients/${patientId}`);
  const interventions = desk.getByTestId('interventions');
  await interventions.getByText('Taught the patient').waitFor();
  assert.match(await interventions.textContent(), /Follow-up needed.*call back on Friday/s);
  assert.equal(await interventions.locator('li').count(), 2);
});

test('the worklists and the program page in Spanish', async () => {
  await desk.goto(`${server.url}/pharmacy/worklists`);
  await desk.getByLabel('Language', { exact: true }).selectOption('es');
  await desk.getByRole('heading', { name: 'Listas de trabajo', level: 1 }).waitFor();
  await desk.getByText('Llamada de seguimiento pendiente').first().waitFor();
  await bothSizes(desk, '90-worklists-es', 'the worklists in Spanish');
  await desk.goto(`${server.url}/pharmacy/program`);
  await desk.getByRole('heading', { name: 'Programa', level: 1 }).waitFor();
  await desk.getByText('Registros de síntomas completados').waitFor();
  await bothSizes(desk, '91-program-es', 'the program page in Spanish');
  await desk.getByLabel('Idioma').selectOption('en');
  await desk.getByRole('heading', { name: 'Program', level: 1 }).waitFor();
});
