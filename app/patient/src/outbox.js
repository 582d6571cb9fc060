// The device's durable store (IndexedDB). Every patient write lands here first, in a transaction with
// durability "strict" (committed only once on disk), and stays until the server acknowledges it; acknowledged
// events stay only as long as the screens need them (see `pruneSent`).
// Kept as a small JS module because the Rust IndexedDB crates do not expose transaction durability.
//
// The app PIN (issue #15 item 9, "phone data at rest"): optional. Once set, every event's content and every setting
// is stored encrypted (AES-GCM 256, a random 96-bit IV per value, the row's id or the setting's key as additional
// data) under a random data key that lives only in this module's memory, non-extractable, while the app is unlocked.
// The data key is stored wrapped (AES-KW) by a key derived from the PIN (PBKDF2-SHA-256, PIN_ITERATIONS, a random
// 16-byte salt per device) in the setting `vault`. Left in clear: what the store must sort and count without the key
// (each event's id, owner key, state, recorded time and type: its index keys and the pruning rule), the `vault`
// record itself, and the wrong-PIN count (`pin_tries`). Rows written before the PIN was set are sealed when it is
// set, and again at every unlock should any remain (a crash between the two steps), so a store is never half open.
const DB_NAME = 'carepath';
// 1: events { id, synced, json, owner? } with a `synced` index.
// 2: every row also carries `at` (recorded_at, ms since 1970) and `kind` (the event type), with indexes on
//    [owner, synced] (what waits, per profile), [owner, at] (a profile's events in recorded order) and
//    [synced, at] (old acknowledged events, for pruning). Rows of version 1 are filled in on upgrade.
const DB_VERSION = 2;
let opening = null;

// The store opens as soon as this module loads (the page's first moments), while the wasm is still compiling: the
// app's first read then finds it open. A failure here is seen again, and reported, by the first call that needs it.
open().catch(() => {});

function eventFields(row) {
  let at = 0;
  let kind = '';
  try {
    const event = JSON.parse(row.json);
    at = Date.parse(event.recorded_at) || 0;
    kind = (event.body && event.body.type) || '';
  } catch (_) { /* kept as it is: never lose a row */ }
  return { at, kind };
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = (change) => {
        const db = req.result;
        let events;
        if (change.oldVersion < 1) {
          // events: { id, synced: 0 | 1 | 2 (refused by the server), json, owner, at, kind }. `owner` is the key
          // of the profile (enrollment) on this device that recorded it; rows from before profiles existed had
          // none and belong to the first profile, 'default' (filled in on upgrade).
          events = db.createObjectStore('events', { keyPath: 'id' });
          events.createIndex('synced', 'synced');
          db.createObjectStore('kv');
        } else {
          events = req.transaction.objectStore('events');
        }
        if (change.oldVersion < 2) {
          events.createIndex('owner_synced', ['owner', 'synced']);
          events.createIndex('owner_at', ['owner', 'at']);
          events.createIndex('synced_at', ['synced', 'at']);
          if (change.oldVersion >= 1) {
            events.openCursor().onsuccess = (ev) => {
              const cursor = ev.target.result;
              if (!cursor) return;
              const row = cursor.value;
              cursor.update({ ...row, owner: row.owner ?? 'default', ...eventFields(row) });
              cursor.continue();
            };
          }
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        // A newer app in another tab wants to upgrade: let it (this tab opens again on its next call).
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(req.error); };
    });
  }
  return opening;
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Every key of `owner` in an [owner, …] index. */
const ownerRange = (owner) => IDBKeyRange.bound([owner, -Infinity], [owner, Infinity]);

export async function addEvent(id, json, owner, at, kind) {
  const row = await sealEvent({ id, synced: 0, json, owner, at, kind });
  const db = await open();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  tx.objectStore('events').add(row);
  await finished(tx);
}

/**
 * Every event of `owner`, oldest recorded first, as one JSON array of { synced, event } (the stored event JSON
 * is spliced in as it is: read once, never JSON inside JSON).
 */
export async function ownerEvents(owner) {
  const db = await open();
  const rows = await request(db.transaction('events', 'readonly').objectStore('events').index('owner_at').getAll(ownerRange(owner)));
  const texts = await Promise.all(rows.map(eventJson));
  return `[${rows.map((r, i) => `{"synced":${Number(r.synced)},"event":${texts[i]}}`).join(',')}]`;
}

/** Every event of `owner` not yet acknowledged, as one JSON array of events (in no particular order). */
export async function pendingEvents(owner) {
  const db = await open();
  const index = db.transaction('events', 'readonly').objectStore('events').index('owner_synced');
  const rows = await request(index.getAll([owner, 0]));
  return `[${(await Promise.all(rows.map(eventJson))).join(',')}]`;
}

export async function countBySynced(state) {
  const db = await open();
  return await request(db.transaction('events', 'readonly').objectStore('events').index('synced').count(state));
}

/** Where one event is: 0 waiting, 1 acknowledged, 2 refused; null when this device does not have it. */
export async function eventState(id) {
  const db = await open();
  const row = await request(db.transaction('events', 'readonly').objectStore('events').get(id));
  return row ? row.synced : null;
}

/** Marks events as acknowledged (1) or refused (2), in one transaction. */
export async function setSynced(idsJson, state) {
  const ids = JSON.parse(idsJson);
  const db = await open();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('events');
  for (const id of ids) {
    const row = await request(store.get(id));
    if (row) { row.synced = state; store.put(row); }
  }
  await finished(tx);
}

/**
 * Removes acknowledged events recorded before `cutoff` (ms), which the server keeps and the device profile
 * carries back: check-ins only before `checkInCutoff`, and each profile's newest check-in among those is kept
 * (the check-in compares with the one before it). Waiting and refused events are never removed. Returns how
 * many were removed.
 */
export async function pruneSent(cutoff, checkInCutoff) {
  const db = await open();
  const tx = db.transaction('events', 'readwrite');
  const store = tx.objectStore('events');
  const range = IDBKeyRange.bound([1, -Infinity], [1, cutoff], false, true);
  const newestCheckIn = new Map();
  let removed = 0;
  await new Promise((resolve, reject) => {
    const req = store.index('synced_at').openCursor(range);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve(); return; }
      const row = cursor.value;
      if (row.kind === 'check_in') {
        // Oldest first: the one seen last is the newest; remove the one it replaces.
        if (row.at < checkInCutoff) {
          const owner = row.owner ?? 'default';
          const before = newestCheckIn.get(owner);
          if (before !== undefined) { store.delete(before); removed++; }
          newestCheckIn.set(owner, row.id);
        }
      } else {
        cursor.delete();
        removed++;
      }
      cursor.continue();
    };
  });
  await finished(tx);
  return removed;
}

/** How much this site stores and may store, as JSON { usage, quota } in bytes; null when the browser cannot say. */
export async function storageEstimate() {
  if (!(navigator.storage && navigator.storage.estimate)) return null;
  try {
    const { usage, quota } = await navigator.storage.estimate();
    return JSON.stringify({ usage: usage ?? 0, quota: quota ?? 0 });
  } catch (_) {
    return null;
  }
}

export async function kvGet(key) {
  const db = await open();
  const value = await request(db.transaction('kv', 'readonly').objectStore('kv').get(key));
  return value === undefined ? null : await settingText(key, value);
}

/** Several settings in one read-only transaction: `keysJson` a JSON array of keys; a JSON array of their values
 * (strings), null where a key has none. */
export async function kvGetMany(keysJson) {
  const keys = JSON.parse(keysJson);
  const db = await open();
  const store = db.transaction('kv', 'readonly').objectStore('kv');
  const values = await Promise.all(keys.map((key) => request(store.get(key))));
  const texts = await Promise.all(values.map((value, i) => (value === undefined ? null : settingText(keys[i], value))));
  return JSON.stringify(texts.map((value) => (typeof value === 'string' ? value : null)));
}

export async function kvSet(key, value) {
  const stored = (await vaultOn()) && !writingClear && !CLEAR_SETTINGS.has(key) ? await seal(value, `kv:${key}`) : value;
  const db = await open();
  const tx = db.transaction('kv', 'readwrite', { durability: 'strict' });
  tx.objectStore('kv').put(stored, key);
  await finished(tx);
}

/**
 * Deletes every event of profile `owner` (waiting, sent or refused), in one strict transaction: a profile removed
 * from this phone, by the pharmacy or on the phone. Other profiles' rows are not touched. Returns how many went.
 */
export async function deleteOwner(owner) {
  const db = await open();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('events');
  let removed = 0;
  await new Promise((resolve, reject) => {
    // [owner, synced]: every row has both, so every row of the profile is in this index.
    const req = store.index('owner_synced').openKeyCursor(ownerRange(owner));
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) { resolve(); return; }
      store.delete(cursor.primaryKey);
      removed++;
      cursor.continue();
    };
  });
  await finished(tx);
  return removed;
}

/** Wipes everything on this device (the last profile left it). */
export async function clearAll() {
  const db = await open();
  const tx = db.transaction(['events', 'kv'], 'readwrite', { durability: 'strict' });
  tx.objectStore('events').clear();
  tx.objectStore('kv').clear();
  await finished(tx);
  forgetVault();
  tell('cleared');
}

export async function requestPersistentStorage() {
  if (navigator.storage && navigator.storage.persist) {
    try { return await navigator.storage.persist(); } catch (_) { return false; }
  }
  return false;
}

// ---- The app PIN: what is stored encrypted, and the keys (see the top of this file) -----------------------------

/** The setting that holds the wrapped data key: `{ v: 1, salt, iterations, wrapped }` (no secret in it). */
const VAULT = 'vault';
/** Wrong PINs so far, and until when no PIN is tried: `{ failures, waitUntil }` (ms since 1970). */
const TRIES = 'pin_tries';
/** Settings stored in clear: the app reads them before it has the PIN. */
const CLEAR_SETTINGS = new Set([VAULT, TRIES]);
/** PBKDF2-SHA-256 iterations: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (WebCrypto has no Argon2). */
export const PIN_ITERATIONS = 600000;
/** Wrong PINs before the app makes the person wait, the first wait, and the longest (it doubles each time). */
const FREE_TRIES = 5;
const FIRST_WAIT_MS = 30 * 1000;
const LONGEST_WAIT_MS = 60 * 60 * 1000;

/** The data key (AES-GCM, non-extractable) while the app is unlocked; null when locked or when no PIN is set. */
let dataKey = null;
/** While the PIN is being turned off: new writes go in clear (the vault is about to go). */
let writingClear = false;
/** Whether a PIN is set (a promise, read once from the store; forgotten when another tab changes it). */
let vaultKnown = null;
// Another tab of the app that sets, removes or erases the PIN: this tab reads the store's state again, locked.
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('carepath-vault') : null;
if (channel) channel.onmessage = () => { dataKey = null; vaultKnown = null; };
function tell(what) { if (channel) channel.postMessage(what); }
function forgetVault() { dataKey = null; vaultKnown = Promise.resolve(false); }

async function rawSetting(key) {
  const db = await open();
  const value = await request(db.transaction('kv', 'readonly').objectStore('kv').get(key));
  return value === undefined ? null : value;
}

async function putClear(entries, strict = true) {
  const db = await open();
  const tx = db.transaction('kv', 'readwrite', strict ? { durability: 'strict' } : undefined);
  for (const [key, value] of entries) {
    if (value === null) tx.objectStore('kv').delete(key); else tx.objectStore('kv').put(value, key);
  }
  await finished(tx);
}

function vaultOn() {
  if (!vaultKnown) vaultKnown = rawSetting(VAULT).then((v) => v !== null, () => false);
  return vaultKnown;
}

function lockedError() {
  return new Error('locked: the app PIN is needed to read this phone\'s records');
}

const encoder = new TextEncoder();

async function seal(text, label) {
  if (!dataKey) throw lockedError();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(label) }, dataKey, encoder.encode(text));
  return { sealed: 1, iv, ct };
}

async function unseal(value, label) {
  if (!dataKey) throw lockedError();
  const text = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: value.iv, additionalData: encoder.encode(label) }, dataKey, value.ct);
  return new TextDecoder().decode(text);
}

const isSealed = (value) => value !== null && typeof value === 'object' && value.sealed === 1;

/** An event row as stored: its JSON sealed while a PIN is set. */
async function sealEvent(row) {
  if (!(await vaultOn()) || writingClear) return row;
  const { json, ...clear } = row;
  return { ...clear, sealed: await seal(json, `event:${row.id}`) };
}

/** The event JSON of a stored row, sealed or not. */
function eventJson(row) {
  return row.sealed ? unseal(row.sealed, `event:${row.id}`) : Promise.resolve(row.json);
}

/** A setting's text as stored, sealed or not. */
function settingText(key, value) {
  return isSealed(value) ? unseal(value, `kv:${key}`) : Promise.resolve(value);
}

async function wrappingKey(pin, vault) {
  const base = await crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: vault.salt, iterations: vault.iterations }, base,
    { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

/** The data key, non-extractable, if `pin` opens `vault`; null if it does not (AES-KW's integrity check fails). */
async function openVault(pin, vault) {
  const kek = await wrappingKey(pin, vault);
  try {
    return await crypto.subtle.unwrapKey('raw', vault.wrapped, kek, 'AES-KW', 'AES-GCM', false, ['encrypt', 'decrypt']);
  } catch (_) {
    return null;
  }
}

/**
 * Rewrites every row and setting that is not yet in the form the vault asks for: sealed (`sealing`) or clear. The
 * new forms are made outside the write (WebCrypto is asynchronous; an IndexedDB transaction would commit while it
 * works), and each is put only if the row is still as it was read; a row written meanwhile already has the new form.
 */
async function resealAll(sealing, extra = []) {
  const db = await open();
  const read = db.transaction(['events', 'kv'], 'readonly');
  const [rows, keys, values] = await Promise.all([request(read.objectStore('events').getAll()),
    request(read.objectStore('kv').getAllKeys()), request(read.objectStore('kv').getAll())]);
  const eventsToDo = rows.filter((r) => (sealing ? !r.sealed : !!r.sealed));
  const newEvents = await Promise.all(eventsToDo.map(async (r) => {
    if (sealing) return sealEvent(r);
    const { sealed, ...clear } = r;
    return { ...clear, json: await eventJson(r) };
  }));
  const settingsToDo = keys.map((key, i) => [key, values[i]])
    .filter(([key, value]) => !CLEAR_SETTINGS.has(key) && (sealing ? !isSealed(value) : isSealed(value)));
  const newSettings = await Promise.all(settingsToDo.map(async ([key, value]) =>
    [key, sealing ? await seal(value, `kv:${key}`) : await settingText(key, value)]));
  const tx = db.transaction(['events', 'kv'], 'readwrite', { durability: 'strict' });
  const events = tx.objectStore('events');
  const kv = tx.objectStore('kv');
  for (const row of newEvents) {
    request(events.get(row.id)).then((now) => {
      // Still as read (the state may have moved on: keep the newer one).
      if (now && (sealing ? !now.sealed : !!now.sealed)) events.put({ ...row, synced: now.synced });
    });
  }
  for (const [key, value] of newSettings) {
    request(kv.get(key)).then((now) => {
      if (now !== undefined && (sealing ? !isSealed(now) : isSealed(now))) kv.put(value, key);
    });
  }
  for (const [key, value] of extra) {
    if (value === null) kv.delete(key); else kv.put(value, key);
  }
  await finished(tx);
}

/** Wrong PINs so far, and until when (ms) none is tried. */
async function tries() {
  const t = await rawSetting(TRIES);
  return { failures: (t && t.failures) || 0, waitUntil: (t && t.waitUntil) || 0 };
}

/** The wait after `failures` wrong PINs: none for the first few, then 30 s, doubling, at most an hour. */
export function waitAfter(failures) {
  if (failures < FREE_TRIES) return 0;
  return Math.min(FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES), LONGEST_WAIT_MS);
}

/** `{ set, open, failures, wait_until }` as JSON: whether a PIN is set, whether the app is unlocked, wrong tries. */
export async function pinState() {
  const set = await vaultOn();
  const t = set ? await tries() : { failures: 0, waitUntil: 0 };
  return JSON.stringify({ set, open: set && dataKey !== null, failures: t.failures, wait_until: t.waitUntil });
}

/** Turns the PIN on: a new data key, wrapped by the PIN's key; then everything stored is sealed with it. */
export async function setPin(pin) {
  if (!/^[0-9]{4,8}$/.test(pin)) throw new Error('invalid pin: 4 to 8 digits');
  if (await vaultOn()) throw new Error('a PIN is already set');
  const vault = { v: 1, salt: crypto.getRandomValues(new Uint8Array(16)), iterations: PIN_ITERATIONS, wrapped: null };
  const kek = await wrappingKey(pin, vault);
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  vault.wrapped = await crypto.subtle.wrapKey('raw', key, kek, 'AES-KW');
  // Kept in memory only in its non-extractable form.
  const inMemory = await crypto.subtle.unwrapKey('raw', vault.wrapped, kek, 'AES-KW', 'AES-GCM', false, ['encrypt', 'decrypt']);
  // The vault first: from here on every write is sealed, and what was stored before is sealed next (or at the next
  // unlock, should the app stop in between).
  await putClear([[VAULT, vault], [TRIES, null]]);
  vaultKnown = Promise.resolve(true);
  dataKey = inMemory;
  tell('set');
  await resealAll(true);
  return pinState();
}

/**
 * Tries `pin`. Refused without trying while a wait runs. A try is counted before the PIN is checked (so closing
 * the app mid-check does not make a free guess), and the count is reset when it opens. Answers `pinState()`.
 */
export async function unlock(pin) {
  const vault = await rawSetting(VAULT);
  if (!vault) return pinState();
  if (dataKey) return pinState();
  const before = await tries();
  if (Date.now() < before.waitUntil) return pinState();
  const failures = before.failures + 1;
  await putClear([[TRIES, { failures, waitUntil: before.waitUntil }]]);
  const key = /^[0-9]{4,8}$/.test(pin) ? await openVault(pin, vault) : null;
  if (!key) {
    const wait = waitAfter(failures);
    await putClear([[TRIES, { failures, waitUntil: wait ? Date.now() + wait : 0 }]]);
    return pinState();
  }
  dataKey = key;
  await putClear([[TRIES, null]]);
  // Anything a stopped set-up or another tab left in clear.
  await resealAll(true);
  return pinState();
}

/** Locks the app: the data key is dropped from memory (it is read again from the PIN). */
export function lockNow() {
  dataKey = null;
}

/** Turns the PIN off (the app unlocked, `pin` typed again): everything is stored in clear again, in one write. */
export async function removePin(pin) {
  const vault = await rawSetting(VAULT);
  if (!vault || !dataKey) return pinState();
  const before = await tries();
  if (Date.now() < before.waitUntil) return pinState();
  if (!/^[0-9]{4,8}$/.test(pin) || !(await openVault(pin, vault))) {
    const failures = before.failures + 1;
    const wait = waitAfter(failures);
    await putClear([[TRIES, { failures, waitUntil: wait ? Date.now() + wait : 0 }]]);
    return pinState();
  }
  // One write opens every row and removes the vault together; what is written meanwhile goes in clear (sealed at
  // the next unlock, should the app stop before that write).
  writingClear = true;
  try {
    await resealAll(false, [[VAULT, null], [TRIES, null]]);
  } finally {
    writingClear = false;
  }
  forgetVault();
  tell('removed');
  return pinState();
}
