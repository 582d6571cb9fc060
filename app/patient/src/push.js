// Web Push glue for the reminders card (app/patient/src/reminders.rs): what this browser can do, the notification
// permission, and this browser's push subscription. Kept in JS because PushManager and the permission prompt are
// small promise-based APIs that web-sys would need many feature flags for.

/** What this browser supports and where it runs, as JSON (the Rust side decides what to show). */
export function pushSupport() {
  const nav = window.navigator;
  const standalone =
    (typeof window.matchMedia === 'function' && window.matchMedia('(display-mode: standalone)').matches) ||
    nav.standalone === true;
  return JSON.stringify({
    service_worker: 'serviceWorker' in nav,
    push_manager: 'PushManager' in window,
    notification: 'Notification' in window,
    permission: 'Notification' in window ? Notification.permission : 'unsupported',
    user_agent: nav.userAgent || '',
    max_touch_points: nav.maxTouchPoints || 0,
    standalone,
  });
}

/** Asks for the notification permission: call only from a tap. Resolves to "granted", "denied" or "default". */
export async function requestPermission() {
  if (!('Notification' in window)) return 'unsupported';
  // Old Safari took a callback instead of returning a promise.
  const result = await new Promise((resolve) => {
    const promise = Notification.requestPermission(resolve);
    if (promise && typeof promise.then === 'function') promise.then(resolve, () => resolve('default'));
  });
  return String(result);
}

async function registration() {
  // The service worker is registered by boot.js; `ready` waits until it is active.
  return navigator.serviceWorker.ready;
}

function base64UrlToBytes(value) {
  const padded = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
  const raw = atob(padded);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** This browser's current push subscription as JSON ({ endpoint, keys: { p256dh, auth } }), or undefined. */
export async function currentSubscription() {
  const reg = await registration();
  const sub = await reg.pushManager.getSubscription();
  return sub ? JSON.stringify(sub.toJSON()) : undefined;
}

/** Subscribes (or returns the existing subscription made with the same key) and returns it as JSON. */
export async function subscribe(publicKey) {
  const reg = await registration();
  const key = base64UrlToBytes(publicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && sub.options && sub.options.applicationServerKey) {
    // A subscription made with another server key (the server's key changed) cannot be reused.
    const old = new Uint8Array(sub.options.applicationServerKey);
    const same = old.length === key.length && old.every((b, i) => b === key[i]);
    if (!same) {
      await sub.unsubscribe();
      sub = null;
    }
  }
  if (!sub) {
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  return JSON.stringify(sub.toJSON());
}

/** Ends this browser's push subscription, if any. */
export async function unsubscribe() {
  if (!('serviceWorker' in navigator)) return false;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return sub ? sub.unsubscribe() : false;
}

/** Drops `?snooze=…` from the address without a new history entry. */
export function clearQuery() {
  const url = new URL(window.location.href);
  url.searchParams.delete('snooze');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

/** Scrolls a dose row (by the id of its name) into view and puts focus on its first button. */
export function showDose(nameId) {
  const name = document.getElementById(nameId);
  if (!name) return false;
  const row = name.closest('li') || name;
  row.scrollIntoView({ behavior: 'smooth', block: 'center' });
  const button = row.querySelector('button');
  if (button) button.focus({ preventScroll: true });
  return true;
}
