// The device's durable store (IndexedDB). Every patient write lands here first, in a transaction with
// durability "strict" (committed only once on disk), and stays until the server acknowledges it.
// Kept as a small JS module because the Rust IndexedDB crates do not expose transaction durability.
const DB_NAME = 'carepath';
const DB_VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        // events: { id, synced: 0 | 1 | 2 (refused by the server), json, owner }. `owner` is the key of the
        // profile (enrollment) on this device that recorded it; rows from before profiles existed have none and
        // belong to the first profile, 'default'.
        const events = db.createObjectStore('events', { keyPath: 'id' });
        events.createIndex('synced', 'synced');
        db.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
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

const ownerOf = (row) => row.owner ?? 'default';

export async function addEvent(id, json, owner) {
  const db = await open();
  const tx = db.transaction('events', 'readwrite', { durability: 'strict' });
  tx.objectStore('events').add({ id, synced: 0, json, owner });
  await finished(tx);
}

/** All events as a JSON array of { id, synced, json, owner }. */
export async function allEvents() {
  const db = await open();
  const rows = await request(db.transaction('events', 'readonly').objectStore('events').getAll());
  return JSON.stringify(rows.map((r) => ({ ...r, owner: ownerOf(r) })));
}

/** Up to `limit` of `owner`'s events not yet acknowledged, as a JSON array of event JSON strings. */
export async function pendingEvents(limit, owner) {
  const db = await open();
  const index = db.transaction('events', 'readonly').objectStore('events').index('synced');
  const rows = await request(index.getAll(0));
  return JSON.stringify(rows.filter((r) => ownerOf(r) === owner).slice(0, limit).map((r) => r.json));
}

export async function countBySynced(state) {
  const db = await open();
  return await request(db.transaction('events', 'readonly').objectStore('events').index('synced').count(state));
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

export async function kvGet(key) {
  const db = await open();
  const value = await request(db.transaction('kv', 'readonly').objectStore('kv').get(key));
  return value === undefined ? null : value;
}

export async function kvSet(key, value) {
  const db = await open();
  const tx = db.transaction('kv', 'readwrite', { durability: 'strict' });
  tx.objectStore('kv').put(value, key);
  await finished(tx);
}

/** Wipes everything on this device (unenroll). */
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
