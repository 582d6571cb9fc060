// Starts the page's app bundle (the patient app on index.html, the desk on desk.html; the boot script's data-
// attributes name the bundle's content-hashed files, written in by scripts/build-app.sh) and, on the patient app's
// pages, registers the service worker that keeps it working offline.
//
// When the page comes over the network (a first visit, or a phone whose worker is gone), the bundle is fetched only
// after the static shell has painted (public/shell.js): on a slow link the shell's few kilobytes then arrive and
// paint without sharing the line with half a megabyte of wasm, and a patient who needs to call can do so at once.
// The wasm, the JS glue and the glue's own modules are then requested together (no request waits for another).
// When a service worker serves the page, everything comes from the phone's cache and nothing competes: the bundle
// starts at once.
const boot = document.querySelector('script[data-app-js]');
const { appJs, appWasm, appModules = '' } = boot.dataset;

let started = false;
function start() {
  if (started) return;
  started = true;
  for (const href of appModules.split(' ').filter(Boolean)) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.append(link);
  }
  const wasm = fetch(appWasm);
  import(appJs).then(({ default: init }) => init({ module_or_path: wasm }));
}

if (navigator.serviceWorker?.controller) {
  start();
} else {
  // After the next frame has painted; the timeout covers a page opened in the background, which paints no frame.
  requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 500);
}

// Only on the patient app's pages: the desk works online only, and its worker would download the patient bundle
// for nothing on a pharmacist's machine. (Where a worker already controls the origin, it serves the desk too.)
const deskPage = location.pathname === '/pharmacy' || location.pathname.startsWith('/pharmacy/');
if ('serviceWorker' in navigator && !deskPage) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err) => console.warn('service worker not registered', err));
  });
}
