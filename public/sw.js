// Carepath service worker: the patient app's shell is cached at install so the app opens and works offline.
// The pharmacist's desk (/pharmacy/…, a bundle of its own) is never cached at install: a patient's phone never
// downloads it. Its files are kept once a desk page has fetched them, for the next visit.
// Medication guides (/guides/*.json: public education, no patient data) are kept in a runtime cache as they are
// opened: served from the cache at once and refreshed in the background (stale-while-revalidate).
// The API is never cached (health data; and the app's own outbox handles offline writes).
// The build script fills in the version (a hash of the built files, so each build installs fresh) and the bundles'
// file lists. Bundle files have content-hashed names (/pkg/patient-3f2a….wasm): a new worker copies those it already
// has from the old cache instead of downloading them again, so an update to the CSS or a guide leaves the wasm alone.
const VERSION = '__BUILD_VERSION__';
const CACHE = `carepath-shell-${VERSION}`;
// Not tied to the build: guides already read stay available offline across app updates.
const GUIDES_CACHE = 'carepath-guides-v1';
// The desk's page and bundle, as fetched; files of older builds are dropped when a new worker takes over.
const DESK_CACHE = 'carepath-desk-v1';
const PATIENT_FILES = __PATIENT_FILES__;
const DESK_FILES = __DESK_FILES__;
const SHELL = [
  '/',
  '/index.html',
  '/boot.js',
  '/shell.js',
  '/styles.css',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL);
    // Content-hashed: the same name is the same bytes, so a copy from the previous build's cache is as good.
    await Promise.all(PATIENT_FILES.map(async (url) => {
      const kept = await caches.match(url);
      await (kept ? cache.put(url, kept) : cache.add(url));
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith('carepath-shell-') && k !== CACHE).map((k) => caches.delete(k)));
    const desk = await caches.open(DESK_CACHE);
    const current = new Set(['/desk.html', ...DESK_FILES]);
    for (const request of await desk.keys()) {
      if (!current.has(new URL(request.url).pathname)) await desk.delete(request);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return; // network only
  }
  if (isGuideData(url)) {
    event.respondWith(staleWhileRevalidate(event));
    return;
  }
  if (event.request.mode === 'navigate' && isDeskPage(url)) {
    event.respondWith(deskPage(event.request));
    return;
  }
  if (event.request.mode === 'navigate') {
    // Every page of the patient app is the same shell; the router inside picks the screen.
    event.respondWith(caches.match('/index.html').then((cached) => cached || fetch(event.request)));
    return;
  }
  if (DESK_FILES.includes(url.pathname)) {
    event.respondWith(keptOnceFetched(event.request));
    return;
  }
  event.respondWith(caches.match(event.request).then((cached) => cached || fetch(event.request)));
});

function isDeskPage(url) {
  return url.pathname === '/pharmacy' || url.pathname.startsWith('/pharmacy/');
}

/** The desk page from the network (a pharmacist is online to work), the copy from its last visit otherwise. */
async function deskPage(request) {
  const desk = await caches.open(DESK_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await desk.put('/desk.html', response.clone());
    return response;
  } catch (err) {
    const kept = await desk.match('/desk.html');
    if (kept) return kept;
    throw err;
  }
}

/** A desk bundle file: from the desk cache when it was fetched before, else fetched and kept. */
async function keptOnceFetched(request) {
  const desk = await caches.open(DESK_CACHE);
  const kept = await desk.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await desk.put(request, response.clone());
  return response;
}

/** The guide list and each guide's JSON (not the /guides pages themselves, which are the app shell). */
function isGuideData(url) {
  return url.pathname.startsWith('/guides/') && url.pathname.endsWith('.json');
}

/** Answers from the cache when it can, and refreshes the cached copy from the network in the background. */
async function staleWhileRevalidate(event) {
  const cache = await caches.open(GUIDES_CACHE);
  const cached = await cache.match(event.request);
  const refreshed = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refreshed.catch(() => {})); // offline: keep the copy we have
    return cached;
  }
  return refreshed;
}

// ---- Dose reminders (Web Push) -------------------------------------------------------------------------------
// The server sends only { kind, url, regimen_line_id, date, slot }: no drug, dose or name ever travels through a
// push service. The words are chosen here, in English or Spanish after the device's language. One notification per
// dose (tag): a repeat (after a snooze, or the overdue one) replaces the earlier one.
// "Snooze 15 min" opens the app at /?snooze=<line>/<date>/<slot>; the app posts the snooze with its device token
// (the worker keeps no credentials).

const REMINDER_WORDS = {
  en: {
    dose_due: 'It is time for a dose. Open Carepath to log it.',
    overdue: 'A dose has not been logged yet. Open Carepath to check.',
    other: 'Open Carepath to see your reminder.',
    snooze: 'Snooze 15 min',
    message: 'You have a message from your pharmacy.',
  },
  es: {
    dose_due: 'Es hora de una dosis. Abra Carepath para registrarla.',
    overdue: 'Todavía no se ha registrado una dosis. Abra Carepath para revisarlo.',
    other: 'Abra Carepath para ver su recordatorio.',
    snooze: 'Posponer 15 min',
    message: 'Tiene un mensaje de su farmacia.',
  },
};

function reminderWords() {
  const lang = String((self.navigator && self.navigator.language) || 'en').toLowerCase();
  return lang.startsWith('es') ? REMINDER_WORDS.es : REMINDER_WORDS.en;
}

/** Only paths of this app: never another origin, whatever a message says. */
function appPath(path) {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = {};
  }
  const words = reminderWords();
  const dose = data.regimen_line_id && data.date && data.slot ? `${data.regimen_line_id}/${data.date}/${data.slot}` : '';
  const options = {
    body: words[data.kind] || words.other,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    // A pharmacy message push says only that there is one (never its words): one notification, replaced by the next.
    tag: data.kind === 'message' ? 'carepath-message' : dose ? `carepath-dose-${dose}` : 'carepath-reminder',
    renotify: true,
    data: { url: appPath(data.url), dose },
    actions: data.kind === 'dose_due' && dose ? [{ action: 'snooze', title: words.snooze }] : [],
  };
  event.waitUntil(self.registration.showNotification('Carepath', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = event.action === 'snooze' && data.dose
    ? `/?snooze=${data.dose.split('/').map(encodeURIComponent).join('/')}`
    : appPath(data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
        await client.focus();
        if ('navigate' in client) await client.navigate(target);
        return;
      }
    }
    await self.clients.openWindow(target);
  })());
});
