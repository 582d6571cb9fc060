// Issue #15 items 2 and 7: a site admin manages the site's accounts, who is signed in and the site's settings on the
// desk, and reads the audit log; a pharmacist who is not an admin cannot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, signedInDesk } from './harness.mjs';

const ADMIN = { username: 'a.rivera', password: 'correct horse battery staple', site: 'Hillside Oncology Pharmacy', admin: true };
const BOB = { username: 'b.novak', password: 'a first password for bob', name: 'Bob Novak' };
let server;
let browser;
let desk;

before(async () => {
  server = new Server();
  await server.start();
  server.createPharmacist(ADMIN);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function bobsDesk() {
  return signedInDesk(browser, server, { username: BOB.username, password: BOB.password });
}

test('the admin adds an account; its first sign-in sets up the second step; the admin sees it signed in and signs it out', async () => {
  desk = await signedInDesk(browser, server, ADMIN);
  await desk.getByRole('link', { name: 'Site admin' }).click();
  await desk.getByRole('heading', { name: 'Accounts' }).waitFor();
  await desk.getByLabel('Full name').fill(BOB.name);
  await desk.getByLabel('Username', { exact: true }).fill(BOB.username);
  await desk.getByLabel('First password').fill(BOB.password);
  await desk.getByRole('button', { name: 'Add the account' }).click();
  await desk.getByText(`${BOB.name} can now sign in with this username and first password.`).waitFor();
  const bobRow = desk.locator(`[data-testid="admin-account"][data-username="${BOB.username}"]`);
  await bobRow.getByText('second step not set up yet').waitFor();

  const bob = await bobsDesk();
  await bob.getByRole('heading', { name: 'Review queue' }).waitFor();
  assert.equal(await bob.getByRole('link', { name: 'Site admin' }).count(), 0, 'no admin link for a pharmacist');
  await bob.goto(`${server.url}/pharmacy/admin`);
  await bob.getByText('Only a site admin can see this page.').waitFor();

  await desk.reload();
  await bobRow.getByText('second step set up').waitFor();
  await bobRow.getByText('signed in on one device').waitFor();
  const sessions = desk.locator('[data-testid="admin-session"]');
  assert.equal(await sessions.count(), 2);
  await desk.getByText('This session (you)').waitFor();
  assert.deepEqual(await axe(desk), []);
  await shot(desk, 'site-admin-1-accounts-and-sessions');

  await desk.getByRole('button', { name: `Sign out ${BOB.name}` }).click();
  await desk.locator(`[data-testid="admin-session"][data-username="${BOB.username}"]`).waitFor({ state: 'detached' });
  await bob.reload();
  await bob.getByLabel('Username').waitFor();
  await bob.context().close();
});

test('a turned-off account cannot sign in until turned on; a reset second step is set up again', async () => {
  const bobRow = desk.locator(`[data-testid="admin-account"][data-username="${BOB.username}"]`);
  await bobRow.getByRole('button', { name: 'Turn off' }).click();
  await bobRow.getByText('turned off').waitFor();
  const bob = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
  await bob.goto(`${server.url}/pharmacy`);
  await bob.getByLabel('Username').fill(BOB.username);
  await bob.getByLabel('Password').fill(BOB.password);
  await bob.getByRole('button', { name: 'Sign in' }).click();
  await bob.getByText('This account is turned off. Ask your site admin.').waitFor();

  await bobRow.getByRole('button', { name: 'Turn on' }).click();
  await bobRow.getByText('active').waitFor();
  await bobRow.getByRole('button', { name: 'Reset second step' }).click();
  await bobRow.getByText(`Reset the second step of ${BOB.name}?`).waitFor();
  await shot(desk, 'site-admin-2-reset-confirm');
  await bobRow.getByRole('group', { name: 'Reset second step' }).getByRole('button', { name: 'Reset second step' }).click();
  await bobRow.getByText('second step not set up yet').waitFor();
  // Bob's next sign-in sets it up again.
  await bob.getByLabel('Password').fill(BOB.password);
  await bob.getByRole('button', { name: 'Sign in' }).click();
  await bob.getByRole('heading', { name: 'Set up the second step for signing in' }).waitFor();
  await bob.context().close();
  assert.equal(server.sql(`SELECT COUNT(*) FROM audit_log WHERE action IN ('admin.account.disable', 'admin.account.enable', 'admin.second_factor.reset')`), '3');
});

test("the admin sets the site's numbers and fever threshold within the safe bounds", async () => {
  await desk.getByLabel("The pharmacy's phone number").fill('+1 555 0142');
  await desk.getByLabel('Fever threshold (°C)').fill('39.0');
  await desk.getByRole('button', { name: 'Save the settings' }).click();
  await desk.getByText('Check what you typed').waitFor();
  assert.equal(server.sql("SELECT phone FROM sites"), '+1 555 0100', 'nothing saved');
  await desk.getByLabel('Fever threshold (°C)').fill('38.0');
  await desk.getByRole('button', { name: 'Save the settings' }).click();
  await desk.getByText('Saved. Phones get the new settings at their next sync.').waitFor();
  assert.equal(server.sql("SELECT phone || ' ' || fever_threshold_c_tenths FROM sites"), '+1 555 0142 380');
});

test('the audit log lists what was done, newest first, and exports as CSV', async () => {
  await desk.reload();
  const entries = desk.locator('[data-testid="audit-entry"]');
  await entries.first().waitFor();
  const actions = await entries.locator('code').allTextContents();
  for (const action of ['admin.site.update', 'admin.second_factor.reset', 'admin.account.create', 'second_factor.enable']) {
    assert.ok(actions.includes(action), `${action} in ${actions}`);
  }
  assert.ok(actions.indexOf('admin.site.update') < actions.indexOf('admin.account.create'), 'newest first');
  await shot(desk, 'site-admin-3-audit-log');
  const [download] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Download the last 30 days (CSV)' }).click()]);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const csv = Buffer.concat(chunks).toString('utf8');
  assert.match(csv.split('\r\n')[0], /^recorded,action,outcome,agent_type,agent_id,agent_name,entity_patient_id/);
  assert.match(csv, /admin\.account\.create,success,pharmacist,/);
  await desk.context().close();
});
