// Test harness: starts the real server binary on a free port with a fresh data folder, and Debian's Chromium
// through playwright-core. Nothing is mocked.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const require = createRequire(new URL('../../tools/package.json', import.meta.url));
export const { chromium } = require('playwright-core');
export const axeSource = require('fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const SERVER = process.env.CAREPATH_SERVER_BIN || path.join(ROOT, 'target/debug/carepath-server');
const DIST = process.env.CAREPATH_DIST || path.join(ROOT, 'dist');
const GUIDES = path.join(ROOT, 'content/guides');
const CHECKIN_LIBRARY = path.join(ROOT, 'content/checkin/library.toml');
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/**
 * An IANA zone (Etc/GMT±N) where the local hour is now `hour`. A dose tapped hours before it is due is asked about
 * first ("Did you take it now?"), so tests that tap doses as due run where it is evening, whenever CI runs them.
 */
export function zoneWhereItIs(hour, now = new Date()) {
  const ahead = ((hour - now.getUTCHours() + 36) % 24) - 12; // hours ahead of UTC, -12..11
  return ahead === 0 ? 'Etc/GMT' : `Etc/GMT${ahead > 0 ? '-' : '+'}${Math.abs(ahead)}`;
}
/** Context options where it is about 9 PM now: the morning (8 AM) and evening (8 PM) doses are both due. */
export const EVENING = { timezoneId: zoneWhereItIs(21) };
/** The desk's test sizes: a 1366×768 screen, and a phone. */
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE_SIZE = { width: PHONE.viewport.width, height: PHONE.viewport.height };

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export class Server {
  constructor() {
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), 'carepath-e2e-'));
    this.port = null;
    this.proc = null;
    /** More CAREPATH_* settings for this server (e.g. a webhook receiver). */
    this.extraEnv = {};
    /** Each pharmacist's authenticator: username → { secret (base32), lastStep } (see `passSecondFactor`). */
    this.authenticators = new Map();
  }

  env() {
    return {
      ...process.env, CAREPATH_DATA_DIR: this.dataDir, CAREPATH_STATIC_DIR: DIST, CAREPATH_GUIDES_DIR: GUIDES,
      CAREPATH_CHECKIN_LIBRARY: CHECKIN_LIBRARY,
      CAREPATH_BIND: `127.0.0.1:${this.port}`, RUST_LOG: 'warn', ...this.extraEnv,
    };
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  /** Creates a pharmacist (and site) with the real CLI. */
  createPharmacist({ username, password, site, phone = '+1 555 0100', afterHours = '+1 555 0199', admin = false }) {
    execFileSync(SERVER, ['create-pharmacist', '--username', username, '--display-name', `Pharmacist ${username}`, '--site', site,
      '--site-phone', phone, '--after-hours-phone', afterHours, '--password-stdin', ...(admin ? ['--admin'] : [])],
    { env: this.env(), input: `${password}\n` });
  }

  async start() {
    this.port ??= await freePort();
    this.proc = spawn(SERVER, ['serve'], { env: this.env(), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((_, reject) => this.proc.once('exit', (code) => reject(new Error(`server exited (${code})`))));
    exited.catch(() => {});
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url}/api/health`);
        if (res.ok) return;
      } catch { /* not up yet */ }
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
    throw new Error('server did not start');
  }

  async stop() {
    if (!this.proc) return;
    const proc = this.proc;
    this.proc = null;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await done;
  }

  /** Runs SQL against the server's own database file (read-only). */
  sql(query) {
    return execFileSync('sqlite3', ['-readonly', path.join(this.dataDir, 'carepath.db'), query], { encoding: 'utf8' }).trim();
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  // A message id the bundle did not embed shows as this text instead of words.
  const missing = await page.evaluate(() => document.body.innerText.match(/No localization for id: "[^"]*"/g) ?? []);
  assert.deepEqual(missing, [], `texts missing on ${name}`);
}

/** Runs axe-core (WCAG 2.x A/AA rules) in the page and returns its violations. */
export async function axe(page) {
  // Evaluated through DevTools, so the app's CSP (which forbids inline scripts) stays on during the test.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** The RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s steps) of a base32 `secret` at time step `step`. */
export function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * A code from `username`'s authenticator that the server has not accepted yet: each code works once, so a second
 * sign-in in the same 30 s takes the next step's code (accepted for clock drift), a third waits for a later step.
 */
export async function nextTotpCode(server, username) {
  const app = server.authenticators.get(username);
  assert.ok(app, `${username} has no authenticator set up in this test run`);
  const current = Math.floor(Date.now() / 30_000);
  const step = app.lastStep == null ? current : Math.max(current, app.lastStep + 1);
  if (step > current + 1) await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 50));
  app.lastStep = step;
  return totpCode(app.secret, step);
}

/**
 * The second step of signing in, after "Sign in" with the password: at the account's first sign-in the
 * authenticator is set up from the key under the QR code (kept in `server.authenticators`) and the recovery codes
 * are acknowledged; later, the code is typed. Resolves once the desk is open. Returns the recovery codes, if shown.
 */
export async function passSecondFactor(page, server, username) {
  const setUp = page.getByRole('heading', { name: 'Set up the second step for signing in' });
  const enterCode = page.getByRole('heading', { name: 'Enter your sign-in code' });
  await setUp.or(enterCode).waitFor();
  const codeField = page.getByLabel('6-digit code from your authenticator app');
  if (await setUp.isVisible()) {
    const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    server.authenticators.set(username, { secret, lastStep: null });
    await codeField.fill(await nextTotpCode(server, username));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await codes.first().waitFor();
    const recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
    await page.getByLabel('I have kept these codes somewhere safe').check();
    await page.getByRole('button', { name: 'Continue to the desk' }).click();
    await setUp.waitFor({ state: 'detached' });
    return recoveryCodes;
  }
  await codeField.fill(await nextTotpCode(server, username));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterCode.waitFor({ state: 'detached' });
  return null;
}

/** Signs in on `page` (already on a desk page showing the sign-in): password, then the second factor. */
export async function signInOnPage(page, server, { username, password }) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return passSecondFactor(page, server, username);
}

/** A pharmacist's desk page (desktop size), signed in with both factors. */
export async function signedInDesk(browser, server, { username, password }, contextOptions = {}) {
  const desk = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, ...contextOptions })).newPage();
  await desk.goto(`${server.url}/pharmacy`);
  await signInOnPage(desk, server, { username, password });
  return desk;
}

/** A pharmacist's session cookie for API requests from a test, past both factors (setting the second up if new). */
export async function pharmacistCookie(server, { username, password }) {
  const post = (path, body, cookie) => fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body),
  });
  const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const login = await post('/api/pharmacy/login', { username, password });
  assert.equal(login.status, 200);
  const half = cookieOf(login);
  let passed;
  if ((await login.json()).next === 'set_up_second_factor') {
    const setup = await (await fetch(`${server.url}/api/pharmacy/second-factor/setup`, { headers: { cookie: half } })).json();
    server.authenticators.set(username, { secret: setup.secret.replace(/\s/g, ''), lastStep: null });
    passed = await post('/api/pharmacy/second-factor/setup', { code: await nextTotpCode(server, username) }, half);
  } else {
    passed = await post('/api/pharmacy/second-factor', { code: await nextTotpCode(server, username) }, half);
  }
  assert.equal(passed.status, 200, await passed.clone().text());
  return cookieOf(passed);
}

/**
 * Fills the enroll form's regimen fields (app/desk/src/regimen_form.rs) by their labels. `dose` is the tablets per
 * dose: a number, or text starting with one ("3 tablets", "1 capsule", "2.5"); `mg` is optional. `strength`
 * defaults to the part of `drug` from its first digit ("Capecitabine 500 mg tablets" → drug name "Capecitabine",
 * strength "500 mg tablets").
 * `frequency` is 'Once a day' or 'Twice a day'; `pattern` (optional) is { on, off } days or 'Every day'.
 */
export async function fillRegimen(desk, { drug, strength, dose, mg, frequency = 'Twice a day', pattern }) {
  const split = strength ? null : drug.match(/^(.*?)\s+(\d.*)$/);
  await desk.getByLabel('Drug name').fill(split ? split[1] : drug);
  await desk.getByLabel('Strength', { exact: true }).fill(strength ?? (split ? split[2] : drug));
  const twice = /twice/i.test(frequency);
  await desk.getByLabel(twice ? 'Twice a day' : 'Once a day', { exact: !twice }).check();
  const tablets = String(dose ?? '').match(/\d+(?:[.,]5)?/)?.[0];
  for (const group of twice ? ['Morning dose', 'Evening dose'] : ['The daily dose']) {
    const fields = desk.getByRole('group', { name: group });
    if (tablets) await fields.getByLabel('Tablets').fill(tablets.replace(',', '.'));
    if (mg) await fields.getByLabel('Milligrams (mg)').fill(String(mg));
  }
  if (pattern && typeof pattern === 'object') {
    await desk.getByLabel('In cycles: days on, then days off').check();
    await desk.getByLabel('Days on', { exact: true }).fill(String(pattern.on));
    await desk.getByLabel('Days off', { exact: true }).fill(String(pattern.off));
  } else if (pattern) {
    await desk.getByLabel(pattern, { exact: true }).check();
  }
}

let mrnCounter = 0;

/**
 * Fills the enroll form's identifiers (app/desk/src/identity_fields.rs): date of birth (YYYY-MM-DD) and MRN are required;
 * by default a plausible date and an MRN unique to this test run (MRNs are unique per site).
 */
export async function fillIdentity(desk, { dob = '1960-05-17', mrn, phone, language } = {}) {
  await desk.getByLabel('Date of birth', { exact: true }).fill(dob);
  await desk.getByLabel('Medical record number (MRN)', { exact: true }).fill(mrn ?? `E2E-${process.pid}-${++mrnCounter}`);
  if (phone) await desk.getByLabel(/Phone number to call back/).fill(phone);
  if (language) await desk.getByLabel("Patient's language").selectOption(language);
}

/** Enrolls a patient from the desk page and connects a new phone with the code; returns the phone's page on Today. */
export async function enrollAndConnect(browser, server, desk, { name, drug, dose, frequency, strength, mg, pattern, start, context = {} }) {
  await desk.getByLabel('Patient name').fill(name);
  await fillIdentity(desk);
  await fillRegimen(desk, { drug, strength, dose, mg, frequency, pattern });
  if (start) await desk.getByLabel('Start date (day 1)').fill(start);
  await desk.getByRole('button', { name: 'Enroll and get a code' }).click();
  const code = (await desk.getByTestId('enrollment-code').textContent()).trim();
  const phone = await (await browser.newContext({ ...PHONE, locale: 'en-US', ...context })).newPage();
  await phone.goto(server.url);
  await phone.getByLabel('Your code').fill(code);
  await phone.getByRole('button', { name: 'Connect' }).click();
  await phone.getByText(`Hello, ${name}.`).waitFor();
  return phone;
}

/** Polls `check` (which may return a promise) until it is true, or fails after `ms` naming `what`. */
export async function waitFor(check, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Elements wider than the viewport (WCAG 1.4.10 reflow: no sideways scrolling at phone width); [] when none. */
export async function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
  });
}

/**
 * 200 % text: twice the app's 112.5 % base (the browser's text size setting scales the root size the same way).
 * `on` false puts it back.
 */
export async function largeText(page, on = true) {
  await page.evaluate((size) => { document.documentElement.style.fontSize = size; }, on ? '225%' : '');
}

/** A screenshot at 100 % and at 200 % text (`name`-200), each checked for sideways scrolling and with axe. */
export async function shotBothTextSizes(page, name, what) {
  assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at phone width`);
  assert.deepEqual(await axe(page), [], `accessibility violations on ${what}`);
  await shot(page, name);
  await largeText(page);
  try {
    assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at 200 % text`);
    await shot(page, `${name}-200`);
  } finally {
    await largeText(page, false);
  }
}

/** Screenshots of the page at desk size and at phone size, each checked with axe (and for sideways scrolling on the phone). */
export async function bothSizes(page, name, what) {
  await page.setViewportSize(DESKTOP);
  await shot(page, `${name}-1366`);
  assert.deepEqual(await axe(page), [], `accessibility violations on ${what} at 1366×768`);
  await page.setViewportSize(PHONE_SIZE);
  assert.deepEqual(await overflowing(page), [], `${what} scrolls sideways at phone width`);
  await shot(page, `${name}-phone`);
  assert.deepEqual(await axe(page), [], `accessibility violations on ${what} at phone size`);
  await page.setViewportSize(DESKTOP);
}

/** A check-in with nothing but a note, sent from `phone` (enrolled at `server`): a routine alert. */
export async function noteCheckIn(phone, server, note) {
  await phone.goto(`${server.url}/check-in`);
  await phone.getByRole('heading', { name: 'First, your safety' }).waitFor();
  await phone.getByRole('button', { name: 'Next' }).click();
  let guard = 0;
  while (!(await phone.getByRole('heading', { name: 'Anything else?' }).isVisible()) && guard++ < 20) {
    if (await phone.getByRole('heading', { name: /Bowel movements|A few more questions/ }).isVisible()) {
      await phone.getByRole('button', { name: 'Next' }).click();
    } else if (await phone.getByRole('button', { name: 'Skip this question' }).isVisible()) {
      await phone.getByRole('button', { name: 'Skip this question' }).click();
    }
    await phone.waitForTimeout(100);
  }
  await phone.getByLabel(/Tell us about anything else/).fill(note);
  await phone.getByRole('button', { name: 'Send to my pharmacy' }).click();
  await phone.getByTestId('within-a-day').waitFor();
  await phone.locator('.sync-status[data-waiting="0"]').waitFor({ timeout: 20_000 });
}
