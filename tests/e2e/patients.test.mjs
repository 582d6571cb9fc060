// Knowing the patient (issue #12, items 1–4), at 1366×768 and at phone size: the desk enrolls a patient with a
// date of birth and an MRN and gets a summary with the code and a handout link; a second patient with the same MRN
// is refused next to the MRN input; a search by MRN (and by date of birth as US desks type it) finds the patient
// enrolled a minute ago and opens their page, whose header shows the date of birth and the MRN; a new code makes
// the old one stop working, its handout (in the patient's language, with a QR code) prints alone, and a fresh
// phone opening the handout's link connects with the new code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Server, launchBrowser, shot, axe, signedInDesk, fillRegimen, fillIdentity, overflowing, PHONE, ARTIFACTS, bothSizes, DESKTOP, PHONE_SIZE } from './harness.mjs';

const PHARMACIST = { username: 'p.alvarez', password: 'a desk passphrase that is long', site: 'Riverside Oncology Pharmacy', phone: '+1 555 0177' };
const PATIENT = { name: 'Marisol Vega', dob: '1958-03-21', us: '03/21/1958', mrn: 'HX-20417', phone: '+1 555 0142' };

let server;
let browser;
let desk;
let firstCode;
let newCode;

/** A free local port, so the server's public address (what the handout's QR holds) is known before it starts. */
function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  server = new Server();
  server.port = await freePort();
  server.extraEnv = { CAREPATH_PUBLIC_URL: `http://127.0.0.1:${server.port}` };
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


async function enrollCode(code) {
  return fetch(`${server.url}/api/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
}

test('enrolling with a date of birth and an MRN shows what was saved, the code and the handout link', async () => {
  await desk.getByLabel('Patient name').fill(PATIENT.name);
  await fillIdentity(desk, { dob: PATIENT.dob, mrn: `  ${PATIENT.mrn} `, phone: PATIENT.phone, language: 'es' });
  await fillRegimen(desk, { drug: 'Capecitabine', strength: '500 mg tablets', dose: 3, mg: 1500, frequency: 'Twice a day', pattern: { on: 14, off: 7 } });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const summary = desk.getByTestId('enroll-summary');
  await summary.waitFor();
  firstCode = (await desk.getByTestId('enrollment-code').textContent()).trim();
  assert.match(firstCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.equal((await desk.getByTestId('enrolled-mrn').textContent()).trim(), PATIENT.mrn, 'the MRN as saved (trimmed)');
  await summary.getByText('Español').waitFor();
  await summary.getByRole('link', { name: 'Print the handout for the patient' }).waitFor();
  assert.equal(server.sql(`SELECT date_of_birth || ' ' || mrn || ' ' || language FROM patients WHERE display_name = '${PATIENT.name}'`),
    `${PATIENT.dob} ${PATIENT.mrn} es`);
  await bothSizes(desk, '80-patients-enroll-summary', 'the enroll summary with the handout link');
});

test('a second patient with the same MRN is refused next to the MRN input, and nothing is saved', async () => {
  await desk.getByLabel('Patient name').fill('Marisol Vega Ruiz');
  await fillIdentity(desk, { dob: '1990-01-02', mrn: PATIENT.mrn });
  await fillRegimen(desk, { drug: 'Capecitabine', strength: '500 mg tablets', dose: 2, frequency: 'Once a day' });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const error = desk.locator('#patient-mrn-error');
  await error.getByText('Another patient already has this MRN').waitFor();
  assert.equal(await desk.getByLabel('Medical record number (MRN)').getAttribute('aria-invalid'), 'true');
  assert.equal(await desk.evaluate(() => document.activeElement?.id), 'patient-mrn', 'the focus is on the MRN');
  assert.equal(server.sql(`SELECT COUNT(*) FROM patients WHERE mrn = '${PATIENT.mrn}'`), '1');
  await desk.locator('#patient-mrn').scrollIntoViewIfNeeded();
  await bothSizes(desk, '81-patients-enroll-mrn-taken', 'the enroll form with an MRN already taken');
  // A date of birth in the future is refused before anything is sent.
  await fillIdentity(desk, { dob: '2090-01-01', mrn: 'HX-99999' });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  await desk.locator('#patient-dob-error').getByText('cannot be in the future').waitFor();
  assert.equal(server.sql("SELECT COUNT(*) FROM patients WHERE mrn = 'HX-99999'"), '0');
});

test('a search by MRN finds the patient enrolled a minute ago; the page header shows the date of birth and the MRN', async () => {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Find a patient by name').fill(PATIENT.mrn);
  await desk.getByRole('button', { name: 'Search' }).click();
  const rows = desk.getByTestId('patient-row');
  await rows.first().getByText(`MRN ${PATIENT.mrn}`).waitFor();
  assert.equal(await rows.count(), 1);
  await rows.first().getByText('Born').waitFor();
  // As US desks type a date of birth.
  await desk.getByLabel('Search by name').fill(PATIENT.us);
  await desk.getByTestId('patient-row').getByRole('link', { name: PATIENT.name }).waitFor();
  await bothSizes(desk, '82-patients-search-by-dob', 'the patient list found by date of birth');
  await desk.getByTestId('patient-row').getByRole('link', { name: PATIENT.name }).click();
  await desk.getByRole('heading', { name: PATIENT.name, level: 1 }).waitFor();
  const header = desk.getByTestId('patient-header');
  await header.getByTestId('header-mrn').getByText(PATIENT.mrn).waitFor();
  const dob = (await header.getByTestId('header-dob').textContent()).trim();
  assert.match(dob, /1958/);
  assert.match(dob, /\(age \d+\)/);
  assert.equal(await header.getByRole('link', { name: PATIENT.phone }).getAttribute('href'), 'tel:+15550142');
  await header.getByText('Español').waitFor();
  await header.getByText(/Capecitabine: (cycle \d+, day \d+|starts)/).waitFor();
  await bothSizes(desk, '83-patients-header', 'the patient page with its header');
  // At 200 % text on a phone the header still reads without sideways scrolling.
  await desk.setViewportSize(PHONE_SIZE);
  await desk.evaluate(() => { document.documentElement.style.fontSize = '225%'; });
  const wider = await header.evaluate((el) => [el, ...el.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((e) => `${e.tagName.toLowerCase()} ${e.textContent.slice(0, 30)}`));
  assert.deepEqual(wider, [], 'the header at 200 % text is wider than the phone');
  await header.screenshot({ path: `${ARTIFACTS}/83-patients-header-phone-200-percent.png` });
  await desk.evaluate(() => { document.documentElement.style.fontSize = ''; });
  await desk.setViewportSize(DESKTOP);
});

test('a new code stops the old one; its handout prints alone; a fresh phone connects from the handout link', async () => {
  const section = desk.getByRole('region', { name: "New code for the patient's phone" });
  await section.getByRole('button', { name: 'Make a new code' }).click();
  newCode = (await section.getByTestId('reissued-code').textContent()).trim();
  assert.notEqual(newCode, firstCode);
  assert.equal((await enrollCode(firstCode)).status, 410, 'the first code stopped working');

  await section.getByRole('link', { name: 'Print the handout for the patient' }).click();
  const sheet = desk.getByTestId('handout');
  await sheet.waitFor();
  assert.equal(await sheet.getAttribute('lang'), 'es', 'in the patient’s language');
  await sheet.getByRole('heading', { name: 'Su aplicación Carepath' }).waitFor();
  assert.equal((await sheet.getByTestId('handout-code').textContent()).trim(), newCode);
  await sheet.getByText(server.url).waitFor();
  const qr = sheet.getByRole('img', { name: /Código cuadrado/ });
  await qr.waitFor();
  assert.ok((await qr.evaluate((img) => img.complete && img.naturalWidth)) > 0, 'the QR image loads');
  await sheet.getByText(/Agregar a pantalla de inicio/).waitFor();
  await bothSizes(desk, '84-patients-handout', 'the handout');
  // Printed: only the handout.
  await desk.emulateMedia({ media: 'print' });
  assert.equal(await desk.locator('.handout-controls').isVisible(), false);
  assert.equal(await desk.locator('.app-header').isVisible(), false);
  assert.ok(await sheet.isVisible());
  await shot(desk, '84-patients-handout-print');
  await desk.emulateMedia({ media: 'screen' });

  // The QR holds the app's address with the code: a fresh phone opening it finds the code filled in.
  const phone = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
  await phone.goto(`${server.url}/?code=${newCode}`);
  const input = phone.getByLabel('Your code');
  await input.waitFor();
  assert.equal(await input.inputValue(), newCode);
  assert.equal(new URL(phone.url()).search, '', 'the code is taken out of the address');
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByText(`Hello, ${PATIENT.name}.`).waitFor();
  assert.equal((await enrollCode(newCode)).status, 410, 'the new code works once');
  await phone.context().close();
});

test('the list shows only the patients with a medicine on hold, or taking a drug, when asked', async () => {
  const patientId = server.sql(`SELECT id FROM patients WHERE mrn = '${PATIENT.mrn}'`);
  const lineId = server.sql(`SELECT id FROM regimens WHERE patient_id = '${patientId}'`);
  const today = new Date().toISOString().slice(0, 10);
  const hold = await desk.request.post(`${server.url}/api/pharmacy/patients/${patientId}/regimen-changes`, {
    data: { regimen_line_id: lineId, change: { type: 'hold', from: today, until: null } },
  });
  assert.equal(hold.status(), 200, await hold.text());
  // A second patient, on the same medicine and not on hold.
  const regimen = JSON.parse(server.sql(`SELECT regimen FROM regimens WHERE id = '${lineId}'`));
  const second = await desk.request.post(`${server.url}/api/pharmacy/patients`, {
    data: { display_name: 'Tomás Ibarra', regimen, check_in_every_days: 7, date_of_birth: '1970-06-02', mrn: 'HX-30518' },
  });
  assert.equal(second.status(), 201, await second.text());
  await desk.goto(`${server.url}/pharmacy/patients`);
  const rows = desk.getByTestId('patient-row');
  await rows.first().waitFor();
  const everyone = await rows.count();
  assert.ok(everyone >= 2, 'more than one patient to filter');
  await desk.getByLabel('Show', { exact: true }).selectOption({ label: 'A medicine on hold' });
  await desk.getByRole('status').getByText('1 patient found').waitFor();
  assert.deepEqual(await rows.locator('.patient-link').allTextContents(), [PATIENT.name]);
  await bothSizes(desk, '79-patients-filter-on-hold', 'the patient list filtered to patients on hold');
  // A drug nobody takes: nobody; "Clear" shows everyone again.
  await desk.getByLabel('Taking (drug name)').fill('olaparib');
  await desk.getByRole('status').getByText(/No patient matches/).waitFor();
  await desk.getByRole('button', { name: 'Clear search and filters' }).click();
  await desk.waitForFunction((n) => document.querySelectorAll('[data-testid="patient-row"]').length === n, everyone);
});
