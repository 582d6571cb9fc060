// The pharmacist's desk as a workstation (issue #12, items 1, 4, 5 and 8), at 1366×768 and at phone size:
// the enroll form refuses mg that contradict tablets × strength and then shows what was saved with the code; the
// patient list finds a patient enrolled a minute ago and opens their page; a new urgent alert is the first card,
// above the fold, while two acknowledged ones exist (with a banner and a count in the title); the patient page
// puts alerts and messages first and folds the trends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Server, launchBrowser, shot, axe, signedInDesk, fillRegimen, enrollAndConnect, overflowing, PHONE, ARTIFACTS, waitFor, fillIdentity, bothSizes, DESKTOP, PHONE_SIZE, noteCheckIn } from './harness.mjs';

const PHARMACIST = { username: 'd.mensah', password: 'a desk with a long passphrase', site: 'Harbor Oncology Pharmacy', phone: '+1 555 0166' };

let server;
let browser;
let desk;
let amaraCode;
const phones = {};

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


/** A check-in with a fever of 38.6 °C: an urgent alert once the phone has synced. */
async function feverCheckIn(phone) {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByLabel('°C').check();
  await phone.getByLabel(/If you took your temperature/).fill('38.6');
  await phone.getByRole('button', { name: 'Next' }).click();
  await phone.getByTestId('call-now').waitFor();
  await phone.locator('.sync-status[data-waiting="0"]').waitFor({ timeout: 20_000 });
}

test('the enroll form refuses 1500 mg as 2 tablets of 500 mg, next to the inputs, and uses the desk width', async () => {
  await desk.getByLabel('Patient name').fill('Amara Okafor');
  await fillIdentity(desk);
  await fillRegimen(desk, { drug: 'Capecitabine', strength: '500 mg tablets', dose: 2, mg: 1500, frequency: 'Twice a day' });
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();

  const morning = desk.getByRole('group', { name: 'Morning dose' });
  const problem = desk.locator('#regimen-morning-amount-error');
  await problem.getByText('1500 mg does not match 2 tablets of 500 mg: that makes 1000 mg. Check the milligrams or the tablets.').waitFor();
  const mg = morning.getByLabel('Milligrams (mg)');
  const tablets = morning.getByLabel('Tablets');
  assert.equal(await mg.getAttribute('aria-invalid'), 'true');
  assert.equal(await tablets.getAttribute('aria-invalid'), 'true');
  assert.match(await tablets.getAttribute('aria-describedby'), /regimen-morning-amount-error/);
  assert.equal(await mg.evaluate((el) => el === document.activeElement), true, 'the focus moves to the milligrams');
  // Next to the inputs: just under the row of mg and tablets.
  const [row, line] = [await tablets.boundingBox(), await problem.boundingBox()];
  assert.ok(line.y >= row.y + row.height && line.y - (row.y + row.height) < 60, `the problem is ${line.y - row.y - row.height}px below the inputs`);
  assert.equal(server.sql('SELECT COUNT(*) FROM patients'), '0', 'nothing was enrolled');

  // At desk width the form is as wide as the page and the two doses sit side by side, the food menu in full.
  const form = await desk.locator('form.enroll-form').boundingBox();
  assert.ok(form.width >= 1000, `the enroll form is ${form.width}px wide`);
  const [am, pm] = [await morning.boundingBox(), await desk.getByRole('group', { name: 'Evening dose' }).boundingBox()];
  assert.ok(Math.abs(am.y - pm.y) < 2 && pm.x > am.x + am.width - 1, 'the morning and evening doses are side by side');
  const food = morning.getByLabel('Food', { exact: true });
  const fits = await food.evaluate((select) => {
    const probe = document.createElement('span');
    probe.style.cssText = `font: ${getComputedStyle(select).font}; position: absolute; visibility: hidden; white-space: nowrap`;
    probe.textContent = select.options[select.selectedIndex].text;
    document.body.append(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    return { needed, has: select.clientWidth };
  });
  assert.ok(fits.has > fits.needed + 30, `the food menu shows its choice in full (${JSON.stringify(fits)})`);
  await desk.locator('#regimen-morning-amount-error').scrollIntoViewIfNeeded();
  await desk.screenshot({ path: path.join(ARTIFACTS, '60-desk-enroll-mismatch-1366-view.png') });
  await bothSizes(desk, '60-desk-enroll-mismatch', 'the enroll form with a dose problem');

  // Put right, it enrolls and shows what was saved with the code.
  await morning.getByLabel('Tablets').fill('3');
  await desk.getByRole('group', { name: 'Evening dose' }).getByLabel('Tablets').fill('3');
  assert.equal(await problem.textContent(), '', 'the problem goes once the dose agrees');
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const summary = desk.getByTestId('enroll-summary');
  await summary.getByRole('heading', { name: 'Amara Okafor is enrolled' }).waitFor();
  amaraCode = (await summary.getByTestId('enrollment-code').textContent()).trim();
  assert.match(amaraCode, /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  const text = await summary.textContent();
  for (const saved of ['Capecitabine 500 mg tablets', 'Morning at 8:00 AM: 1500 mg (3 tablets)', 'Evening at 8:00 PM: 1500 mg (3 tablets)',
    'Every day', 'Every week']) {
    assert.ok(text.includes(saved), `the summary says "${saved}": ${text}`);
  }
  assert.equal(await desk.evaluate(() => document.activeElement?.id), 'enroll-summary-title', 'the focus moves to the summary');
  const patientId = server.sql("SELECT id FROM patients WHERE display_name = 'Amara Okafor'");
  assert.equal(await summary.getByRole('link', { name: "Open Amara Okafor's page" }).getAttribute('href'), `/pharmacy/patients/${patientId}`);
  await bothSizes(desk, '61-desk-enroll-summary', 'the enroll summary');
});

test('search finds a patient enrolled a minute ago and opens their page', async () => {
  phones.rosa = await enrollAndConnect(browser, server, desk, {
    name: 'Rosa Díaz', drug: 'Capecitabine', strength: '500 mg tablets', dose: 3, mg: 1500, frequency: 'Twice a day',
  });
  await phones.rosa.locator('.sync-status[data-state="synced"]').waitFor();

  // From the review queue: the search box, and the desk's navigation.
  await desk.getByLabel('Find a patient by name').fill('rosa diaz');
  await desk.getByRole('button', { name: 'Search', exact: true }).click();
  await desk.getByRole('heading', { name: 'Patients', level: 1 }).waitFor();
  assert.equal(await desk.getByLabel('Search by name').inputValue(), 'rosa diaz');
  const rows = desk.getByTestId('patient-row');
  await desk.getByText('1 patient found').waitFor();
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Rosa Díaz.*Enrolled .*1 phone connected.*No open alerts/);
  assert.equal(await desk.title(), 'Patients – Carepath');
  assert.equal(await desk.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Patients' }).getAttribute('aria-current'), 'page');

  // Filters on what the list knows.
  await desk.getByRole('button', { name: 'Clear search and filters' }).click();
  await desk.getByText('2 patients', { exact: true }).waitFor();
  await desk.getByLabel('Phone', { exact: true }).selectOption({ label: 'No phone connected yet' });
  await desk.getByText('1 patient found').waitFor();
  assert.match(await rows.first().textContent(), /Amara Okafor.*No phone connected yet/);
  await desk.getByLabel('Search by name').fill('rosa');
  await desk.getByText(/No patient matches/).waitFor();
  await desk.getByRole('button', { name: 'Clear search and filters' }).click();
  await desk.getByLabel('Search by name').fill('DÍAZ');
  await desk.getByText('1 patient found').waitFor();
  await bothSizes(desk, '62-desk-patients', 'the patient list');

  await rows.first().getByRole('link', { name: 'Rosa Díaz' }).click();
  await desk.getByRole('heading', { name: 'Rosa Díaz', level: 1 }).waitFor();
  assert.equal(await desk.title(), 'Rosa Díaz – Carepath');
});

test('a new urgent alert is the first card, above the fold at 1366×768, while two acknowledged ones exist', async () => {
  // Amara connects with the code from the summary; Chen is enrolled and connected too.
  phones.amara = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
  await phones.amara.goto(server.url);
  await phones.amara.getByLabel('Your code').fill(amaraCode);
  await phones.amara.getByRole('button', { name: 'Connect' }).click();
  await phones.amara.getByText('Hello, Amara Okafor.').waitFor();
  await desk.goto(`${server.url}/pharmacy`);
  phones.chen = await enrollAndConnect(browser, server, desk, {
    name: 'Chen Wei', drug: 'Palbociclib 125 mg capsules', dose: '1 capsule', frequency: 'Once a day',
  });

  // Two urgent alerts, both acknowledged; then a routine one that waits.
  await feverCheckIn(phones.rosa);
  await feverCheckIn(phones.amara);
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE tier = 'urgent'") === '2', 'two urgent alerts', 20_000);
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  for (let i = 0; i < 2; i++) {
    const card = desk.locator('[data-testid="alert"][data-acknowledged="false"]').first();
    await card.waitFor();
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await waitFor(() => server.sql('SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL') === String(i + 1), `acknowledgement ${i + 1}`, 20_000);
  }
  await desk.locator('[data-testid="alert"][data-acknowledged="true"]').nth(1).waitFor();
  await noteCheckIn(phones.rosa, server, 'My feet feel a bit sore since Tuesday');
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE tier = 'routine'") === '1', 'the routine alert', 20_000);
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  await desk.locator('[data-testid="alert"][data-tier="routine"]').waitFor();
  assert.equal(await desk.getByTestId('new-urgent-banner').textContent(), '', 'no banner for a routine alert');
  assert.equal(await desk.title(), '(1 to review) Review queue – Carepath');

  // The new chest-pain-like emergency: Chen's fever.
  await feverCheckIn(phones.chen);
  await waitFor(() => server.sql("SELECT COUNT(*) FROM alerts WHERE tier = 'urgent'") === '3', 'the third urgent alert', 20_000);
  await desk.getByRole('button', { name: 'Check for new alerts' }).click();
  const banner = desk.getByTestId('new-urgent-banner');
  await banner.getByText('New urgent alert:').waitFor();
  assert.match(await banner.textContent(), /Chen Wei/);
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.equal(await desk.title(), '(1 urgent) Review queue – Carepath');

  const cards = desk.getByTestId('alert');
  assert.equal(await cards.count(), 4);
  const order = await cards.evaluateAll((all) => all.map((c) => `${c.querySelector('.patient-link').textContent}/${c.dataset.tier}/${c.dataset.acknowledged}`));
  assert.deepEqual(order.slice(0, 2), ['Chen Wei/urgent/false', 'Rosa Díaz/routine/false']);
  assert.deepEqual(order.slice(2).sort(), ['Amara Okafor/urgent/true', 'Rosa Díaz/urgent/true']);
  await desk.evaluate(() => window.scrollTo(0, 0));
  await desk.screenshot({ path: path.join(ARTIFACTS, '63-desk-queue-new-urgent-1366-view.png') });
  const first = await cards.first().boundingBox();
  assert.ok(first.y + first.height <= DESKTOP.height, `the new urgent card ends at ${first.y + first.height}px, below the fold`);
  await bothSizes(desk, '63-desk-queue-new-urgent', 'the queue with a new urgent alert');
  for (let i = 0; i < 4; i++) {
    const box = await cards.nth(i).boundingBox();
    assert.ok(box.height < 260, `card ${i + 1} is ${box.height}px tall: ${await cards.nth(i).innerText()}`);
  }

  // "Show the alert" takes the focus to it; its answers and forms open with the disclosure button.
  await banner.getByRole('button', { name: 'Show the alert' }).click();
  await desk.waitForTimeout(150);
  assert.equal(await desk.evaluate(() => document.activeElement?.dataset?.testid), 'alert');
  const toggle = cards.first().getByRole('button', { name: /Details, notes and reply/ });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await cards.first().getByTestId('reply-text').isVisible(), false, 'the forms are folded');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await cards.first().getByTestId('reply-text').waitFor();
  await cards.first().getByText(/Answers: .*38\.6 °C/).waitFor();
  await bothSizes(desk, '64-desk-alert-unfolded', 'an unfolded alert card');

  // Acknowledged, the banner goes; the title counts what still waits.
  await cards.first().getByRole('button', { name: 'Acknowledge' }).click();
  await waitFor(() => server.sql('SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL') === '3', 'the third acknowledgement', 20_000);
  await desk.locator('[data-testid="alert"][data-acknowledged="false"][data-tier="urgent"]').waitFor({ state: 'detached' });
  assert.equal(await banner.textContent(), '');
  assert.equal(await desk.title(), '(1 to review) Review queue – Carepath');
});

test('the patient page at desk width: alerts and messages first, then plan and adherence side by side, trends folded', async () => {
  await desk.goto(`${server.url}/pharmacy`);
  // Names in Recent activity link the patient's page too.
  const activity = desk.locator('.queue-item').filter({ hasText: 'Rosa Díaz' }).first();
  await activity.waitFor();
  await activity.getByRole('link', { name: 'Rosa Díaz' }).click();
  await desk.getByRole('heading', { name: 'Rosa Díaz', level: 1 }).waitFor();
  await desk.getByRole('heading', { name: 'Adherence and calendar' }).waitFor();
  await desk.locator('.patient-alerts [data-testid="alert"]').first().waitFor();

  const top = async (selector) => (await desk.locator(selector).first().boundingBox());
  const [alerts, messages, plan, settings, trends] = [
    await top('.patient-alerts'), await top('.patient-messages'), await top('.regimen-line'), await top('.patient-settings'), await top('.trends-section'),
  ];
  assert.ok(Math.abs(alerts.y - messages.y) < 2 && messages.x > alerts.x, 'alerts and messages side by side, first');
  assert.ok(plan.y > alerts.y && settings.y > plan.y && trends.y > settings.y, 'then the plan, the settings, the trends');
  const [adherence, thePlan] = [await top('.regimen-line h3 >> text=Adherence and calendar'), await top('.regimen-line h3 >> text=The plan')];
  assert.ok(thePlan.x > adherence.x + adherence.width && Math.abs(thePlan.y - adherence.y) < 30, 'the plan is beside the adherence');
  assert.equal(await desk.locator('.trends-section details.fold').getAttribute('open'), null, 'the trends are folded');
  // Open alerts first (the routine one waiting, then the acknowledged urgent one).
  const order = await desk.locator('.patient-alerts > ol [data-testid="alert"]').evaluateAll((all) => all.map((c) => `${c.dataset.tier}/${c.dataset.acknowledged}`));
  assert.deepEqual(order, ['routine/false', 'urgent/true']);
  const height = await desk.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 3600, `the patient page is ${height}px tall`);
  await desk.screenshot({ path: path.join(ARTIFACTS, '65-desk-patient-page-1366-view.png') });
  await bothSizes(desk, '65-desk-patient-page', 'the patient page');

  await desk.locator('.trends-section details.fold > summary').click();
  await desk.getByText(/38\.6 °C/).first().waitFor();
  await bothSizes(desk, '66-desk-patient-page-trends', 'the patient page with the trends open');
  console.log(`desk: the patient page is ${height}px tall at 1366×768 (trends folded)`);
});

test('the desk in Spanish: the queue, the patient list and a patient page', async () => {
  await desk.goto(`${server.url}/pharmacy`);
  await desk.getByLabel('Language', { exact: true }).selectOption('es');
  await desk.getByRole('heading', { name: 'Lista de revisión', level: 1 }).waitFor();
  await desk.getByTestId('alert').first().getByRole('button', { name: /Detalles, notas y respuesta/ }).waitFor();
  assert.equal(await desk.title(), '(1 por revisar) Lista de revisión – Carepath');
  await bothSizes(desk, '67-desk-queue-es', 'the queue in Spanish');
  await desk.getByRole('navigation', { name: 'Escritorio' }).getByRole('link', { name: 'Pacientes' }).click();
  await desk.getByText('3 pacientes', { exact: true }).waitFor();
  await desk.getByLabel('Buscar por nombre').fill('chen');
  await desk.getByText('1 paciente encontrado').waitFor();
  assert.match(await desk.getByTestId('patient-row').first().textContent(), /Chen Wei.*1 teléfono conectado.*1 alerta abierta, urgente/);
  await bothSizes(desk, '68-desk-patients-es', 'the patient list in Spanish');
  await desk.getByTestId('patient-row').first().getByRole('link', { name: 'Chen Wei' }).click();
  await desk.getByRole('heading', { name: 'Chen Wei', level: 1 }).waitFor();
  await desk.getByRole('heading', { name: 'Alertas', exact: true }).waitFor();
  await bothSizes(desk, '69-desk-patient-page-es', 'a patient page in Spanish');
  await desk.getByLabel('Idioma').selectOption('en');
});

test('with more patients than a page, the search still finds the first one enrolled, and "Show more patients" pages on', async () => {
  // 120 more patients through the API, with the desk's own session.
  const regimen = JSON.parse(server.sql("SELECT regimen FROM regimens WHERE patient_id = (SELECT id FROM patients WHERE display_name = 'Chen Wei')"));
  for (let i = 1; i <= 120; i++) {
    const res = await desk.context().request.post(`${server.url}/api/pharmacy/patients`, {
      data: { display_name: `Bulk Patient ${String(i).padStart(3, '0')}`, regimen, check_in_every_days: 7 },
    });
    assert.equal(res.status(), 201, await res.text());
  }
  await desk.goto(`${server.url}/pharmacy/patients`);
  const rows = desk.getByTestId('patient-row');
  await rows.nth(99).waitFor();
  const more = desk.getByRole('button', { name: 'Show more patients' });
  // A server that pages says there are more; the first server sends everyone at once.
  const paged = await more.isVisible();
  if (paged) {
    assert.equal(await rows.count(), 100);
    await more.click();
    await rows.nth(122).waitFor();
  }
  assert.equal(await rows.count(), 123);
  // Amara was enrolled first: the last of the list, found by name all the same.
  await desk.goto(`${server.url}/pharmacy/patients?q=okafor`);
  await desk.getByText('1 patient found').waitFor();
  assert.match(await rows.first().textContent(), /Amara Okafor/);
  await desk.getByLabel('Search by name').fill('bulk patient 05');
  const expected = Array.from({ length: 120 }, (_, i) => String(i + 1).padStart(3, '0')).filter((n) => n.includes('05')).length;
  await desk.getByText(`${expected} patients found`).waitFor();
  assert.equal(await rows.count(), expected);
  console.log(`desk: the patient list is ${paged ? 'paged by the server' : 'one page (first server)'}`);
});
