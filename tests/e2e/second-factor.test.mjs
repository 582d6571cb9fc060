// Issue #15 item 1: the desk's sign-in has a second step. At the first sign-in the pharmacist sets up an
// authenticator app from a QR code drawn by the server, keeps ten recovery codes, and later signs in with a code
// from the app (each works once) or a recovery code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, shot, axe, nextTotpCode, totpCode, passSecondFactor } from './harness.mjs';

const PHARMACIST = { username: 'm.chen', password: 'correct horse battery staple', site: 'Lakeside Oncology Pharmacy' };
let server;
let browser;
let recoveryCodes;

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

async function deskPage() {
  return (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })).newPage();
}

async function password(page) {
  await page.goto(`${server.url}/pharmacy`);
  await page.getByLabel('Username').fill(PHARMACIST.username);
  await page.getByLabel('Password').fill(PHARMACIST.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the first sign-in sets up an authenticator app from a QR code and shows ten recovery codes once', async () => {
  const page = await deskPage();
  await password(page);
  await page.getByRole('heading', { name: 'Set up the second step for signing in' }).waitFor();
  const qr = page.getByRole('img', { name: 'QR code to add Carepath to your authenticator app' });
  await qr.locator('svg').waitFor();
  const box = await qr.boundingBox();
  assert.ok(box.width >= 150 && box.height >= 150, `a QR code large enough to scan: ${JSON.stringify(box)}`);
  const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/, 'the key to type by hand, 160 bits in base32');
  assert.equal(server.sql("SELECT COUNT(*) FROM pharmacists WHERE totp_enabled_at IS NOT NULL"), '0');
  assert.deepEqual(await axe(page), []);
  await shot(page, 'second-factor-1-set-up');

  // Without a second factor the desk stays closed, even by its address.
  await page.goto(`${server.url}/pharmacy/patients`);
  await page.getByRole('heading', { name: 'Set up the second step for signing in' }).waitFor();
  assert.equal((await page.getByTestId('totp-secret').textContent()).replace(/\s/g, ''), secret, 'the same key after a reload');

  const field = page.getByLabel('6-digit code from your authenticator app');
  const right = totpCode(secret, Math.floor(Date.now() / 30_000));
  await field.fill(String((Number(right) + 1) % 1_000_000).padStart(6, '0'));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByText('That code is not right, or it was already used.').waitFor();
  assert.equal(server.sql("SELECT COUNT(*) FROM pharmacists WHERE totp_enabled_at IS NOT NULL"), '0', 'a wrong code turns nothing on');

  server.authenticators.set(PHARMACIST.username, { secret, lastStep: null });
  await field.fill(await nextTotpCode(server, PHARMACIST.username));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
  recoveryCodes = (await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()).map((c) => c.trim());
  assert.equal(recoveryCodes.length, 10);
  for (const code of recoveryCodes) assert.match(code, /^([2-9A-HJKMNP-TV-Z]{4}-){5}[2-9A-HJKMNP-TV-Z]{4}$/);
  const proceed = page.getByRole('button', { name: 'Continue to the desk' });
  assert.equal(await proceed.isDisabled(), true, 'not before the codes are kept');
  assert.deepEqual(await axe(page), []);
  await shot(page, 'second-factor-2-recovery-codes');
  await page.getByLabel('I have kept these codes somewhere safe').check();
  await proceed.click();
  await page.getByRole('heading', { name: 'Patients' }).first().waitFor();
  await page.context().close();
});

test('a later sign-in asks for the code; a code already used is refused; a reload keeps the step', async () => {
  const page = await deskPage();
  await password(page);
  const heading = page.getByRole('heading', { name: 'Enter your sign-in code' });
  await heading.waitFor();
  await page.reload();
  await heading.waitFor();
  assert.deepEqual(await axe(page), []);
  await shot(page, 'second-factor-3-enter-code');

  // The code the setup used (or any used one) does not open the desk again.
  const app = server.authenticators.get(PHARMACIST.username);
  await page.getByLabel('6-digit code from your authenticator app').fill(totpCode(app.secret, app.lastStep));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That code is not right, or it was already used.').waitFor();
  assert.equal(await page.getByLabel('6-digit code from your authenticator app').inputValue(), '', 'the field is emptied');

  await passSecondFactor(page, server, PHARMACIST.username);
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
  await page.context().close();
});

test('a recovery code signs in once and says how many are left; cancelling signs out', async () => {
  const page = await deskPage();
  await password(page);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0].toLowerCase());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'You signed in with a recovery code' }).waitFor();
  await page.getByText('You have 9 recovery codes left.').waitFor();
  await page.getByRole('button', { name: 'Continue to the desk' }).click();
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  await page.context().close();

  const again = await deskPage();
  await password(again);
  await again.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await again.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await again.getByRole('button', { name: 'Sign in' }).click();
  await again.getByText('That code is not right, or it was already used.').waitFor();
  await again.getByRole('button', { name: 'Cancel and sign out' }).click();
  await again.getByLabel('Username').waitFor();
  assert.equal(server.sql('SELECT COUNT(*) FROM pharmacist_sessions WHERE second_factor_at IS NULL'), '0', 'the half-done sign-in ended');
  await again.context().close();
});
