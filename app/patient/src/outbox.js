// The device's durable store (IndexedDB). Every patient write lands here first, in a transaction with
// durability "strict" (committed only once on disk), and stays until the server acknowledges it; acknowledged
// events stay only as long as the screens need them (see `pruneSent`).
// Kept as a small JS module because the Rust IndexedDB crates do not expose transaction durability.
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
  const db = await open();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  tx.objectStore('events').add({ id, synced: 0, json, owner, at, kind });
  await finished(tx);
}

/**
 * Every event of `owner`, oldest recorded first, as one JSON array of { synced, event } (the stored event JSON
 * is spliced in as it is: read once, never JSON inside JSON).
 */
export async function ownerEvents(owner) {
  const db = await open();
  const rows = await request(db.transaction('events', 'readonly').objectStore('events').index('owner_at').getAll(ownerRange(owner)));
  return `[${rows.map((r) => `{"synced":${Number(r.synced)},"event":${r.json}}`).join(',')}]`;
}

/** Every event of `owner` not yet acknowledged, as one JSON array of events (in no particular order). */
export async function pendingEvents(owner) {
  const db = await open();
  const index = db.transaction('events', 'readonly').objectStore('events').index('owner_synced');
  const rows = await request(index.getAll([owner, 0]));
  return `[${rows.map((r) => r.json).join(',')}]`;
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
  return value === undefined ? null : value;
}

/** Several settings in one read-only transaction: `keysJson` a JSON array of keys; a JSON array of their values
 * (strings), null where a key has none. */
export async function kvGetMany(keysJson) {
  const keys = JSON.parse(keysJson);
  const db = await open();
  const store = db.transaction('kv', 'readonly').objectStore('kv');
  const values = await Promise.all(keys.map((key) => request(store.get(key))));
  return JSON.stringify(values.map((value) => (typeof value === 'string' ? value : null)));
}

export async function kvSet(key, value) {
  const db = await open();
  const tx = db.transaction('kv', 'readwrite', { durability: 'strict' });
  tx.objectStore('kv').put(value, key);
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
}

export async function requestPersistentStorage() {
  if (navigator.storage && navigator.storage.persist) {
    try { return await navigator.storage.persist(); } catch (_) { return false; }
  }
  return false;
}
