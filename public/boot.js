// Starts the page's app bundle (the patient app on index.html, the desk on desk.html: the page's preload links name
// its content-hashed files) and registers the service worker that keeps the patient app working offline.
const script = document.querySelector('link[rel="modulepreload"]').href;
const wasm = document.querySelector('link[rel="preload"][as="fetch"]').href;
import(script).then(({ default: init }) => init({ module_or_path: wasm }));

if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err) => console.warn('service worker not registered', err));
  });
}
