// Starts the app and registers the service worker that keeps it working offline.
import init from '/pkg/carepath_app.js';

init({ module_or_path: '/pkg/carepath_app_bg.wasm' });

if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err) => console.warn('service worker not registered', err));
  });
}
