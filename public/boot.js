// Starts the page's app bundle (the patient app on index.html, the desk on desk.html: the page's preload links name
// its content-hashed files) and, on the patient app's pages, registers the service worker that keeps it working offline.
const script = document.querySelector('link[rel="modulepreload"]').href;
const wasm = document.querySelector('link[rel="preload"][as="fetch"]').href;
import(script).then(({ default: init }) => init({ module_or_path: wasm }));

// Only on the patient app's pages: the desk works online only, and its worker would download the patient bundle
// for nothing on a pharmacist's machine. (Where a worker already controls the origin, it serves the desk too.)
const deskPage = location.pathname === '/pharmacy' || location.pathname.startsWith('/pharmacy/');
if ('serviceWorker' in navigator && !deskPage) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err) => console.warn('service worker not registered', err));
  });
}
