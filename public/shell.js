// The static shell's script (issue #13). Before the wasm has arrived, the page shows the app's name and "Loading…"
// in the saved language; on a phone that has not enrolled yet, the enroll screen's heading and first words; and on a
// patient's page of an enrolled phone, the "call right away" advice with the site's two numbers, read from what the
// app saved (app/patient/src/shell.rs: localStorage "carepath.call-numbers", only the site's numbers and fever
// threshold). The app removes the shell as it mounts.
//
// A classic script (the CSP allows no inline script), loaded synchronously right after the shell's markup. The
// preload scanner fetches it at once, alongside styles.css, and it runs the moment it has arrived (and the styles
// are in), with the markup it fills already parsed. It is not render-blocking: "Carepath" and "Loading…" paint
// without waiting for it, and the enroll card or the call block, below everything else, appears as soon as it has run
// without moving anything (no layout shift). `defer` in <head> would run it no sooner (after the parse, and in
// order with the boot.js module), and `blocking="render"` would make the first paint wait for one more request.
// It is small and does no more than this, so nothing waits on it long (boot.js runs after it, and starts the wasm
// download once this has painted).
//
// The words are the app's own (locales/*/carepath_app.ftl: loading, enroll-title, enroll-intro, call-now-title,
// call-now-body, call-now-pharmacy, call-now-after-hours, guide-fever-threshold); tests/e2e/static-shell.test.mjs
// checks them against those files.
// Everything read is checked, and shown as text only (textContent), never as HTML.
(function () {
  'use strict';

  var WORDS = {
    en: {
      loading: 'Loading…',
      enrollTitle: 'Connect to your pharmacy',
      enrollIntro: 'Your pharmacy gave you a code. Type it here to connect this phone to your care team. You only do this once.',
      title: 'Call right away if you have',
      body: 'A fever of {fever} or higher, shaking chills, bleeding that will not stop, trouble breathing, chest pain, or diarrhea or vomiting that does not stop. If it is an emergency, call 911.',
      pharmacy: 'Call your pharmacy: {phone}',
      afterHours: 'Nights and weekends: {phone}',
    },
    es: {
      loading: 'Cargando…',
      enrollTitle: 'Conéctese con su farmacia',
      enrollIntro: 'Su farmacia le dio un código. Escríbalo aquí para conectar este teléfono con su equipo de atención. Solo se hace una vez.',
      title: 'Llame de inmediato si tiene',
      body: 'Fiebre de {fever} o más, escalofríos fuertes, sangrado que no para, dificultad para respirar, dolor de pecho, o diarrea o vómitos que no paran. Si es una emergencia, llame al 911.',
      pharmacy: 'Llame a su farmacia: {phone}',
      afterHours: 'Noches y fines de semana: {phone}',
    },
  };
  // The entry the app writes (app/patient/src/shell.rs CALL_NUMBERS_KEY), at the phone's first profile.
  var ENTRY = 'carepath.call-numbers';
  // The bounds the app applies (domain/src/triage.rs): a site's threshold is 37.5–38.3 °C, in tenths.
  var FEVER_MIN = 375;
  var FEVER_MAX = 383;

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null; // storage switched off: the shell without what the app saved
    }
  }

  function byId(id) {
    return document.getElementById(id);
  }

  /** The app's choice (app/ui/src/i18n.rs): the saved language, else the browser's first one we have, else English. */
  function language() {
    var saved = stored('carepath.lang');
    if (saved && Object.prototype.hasOwnProperty.call(WORDS, saved)) return saved;
    var asked = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < asked.length; i++) {
      var primary = String(asked[i]).split('-')[0].toLowerCase();
      if (Object.prototype.hasOwnProperty.call(WORDS, primary)) return primary;
    }
    return 'en';
  }

  /** Puts `value` in for `{name}` (split and join: nothing in a value is ever read as a pattern). */
  function fill(template, name, value) {
    return template.split('{' + name + '}').join(value);
  }

  /** A phone number as the pharmacy wrote it: short plain text with a few digits; else null. */
  function phoneNumber(value) {
    if (typeof value !== 'string') return null;
    var text = value.trim();
    if (text.length === 0 || text.length > 40 || /[\u0000-\u001f\u007f-\u009f<>]/.test(text)) return null;
    var digits = text.replace(/[^0-9]/g, '');
    return digits.length >= 3 && digits.length <= 20 ? text : null;
  }

  /** The `tel:` target the app makes (app/ui/src/format.rs `tel_href`): digits and + only. */
  function telHref(phone) {
    return 'tel:' + phone.replace(/[^0-9+]/g, '');
  }

  /** "38.0 °C (100.4 °F)", or "38,0 °C (100,4 °F)" in Spanish (app/patient/src/guides.rs `fever_threshold_text`). */
  function feverText(tenths, lang) {
    // domain/src/triage.rs celsius_tenths_to_fahrenheit_tenths and format_tenths (positive values only here).
    var fahrenheit = Math.floor((tenths * 9 + 2) / 5) + 320;
    var number = function (t) {
      var text = Math.floor(t / 10) + '.' + (t % 10);
      return lang === 'es' ? text.replace('.', ',') : text;
    };
    return number(tenths) + ' °C (' + number(fahrenheit) + ' °F)';
  }

  /** The saved entry if it is one the app wrote (format 1, both numbers, a threshold within bounds); else null. */
  function callNumbers() {
    var entry;
    try {
      entry = JSON.parse(stored(ENTRY) || 'null');
    } catch (e) {
      return null;
    }
    if (!entry || typeof entry !== 'object' || entry.v !== 1) return null;
    var phone = phoneNumber(entry.phone);
    var afterHours = phoneNumber(entry.after_hours_phone);
    var fever = entry.fever_threshold_c_tenths;
    if (!phone || !afterHours || !Number.isInteger(fever) || fever < FEVER_MIN || fever > FEVER_MAX) return null;
    return { phone: phone, afterHours: afterHours, fever: fever };
  }

  var lang = language();
  var words = WORDS[lang];
  document.documentElement.lang = lang;
  // The reader's text size, as the app will set it (app/ui/src/text_size.rs): no jump when it mounts.
  var size = Number(stored('carepath.text_size'));
  if (Number.isInteger(size) && size >= 2 && size <= 4) document.documentElement.classList.add('text-size-' + size);

  var loading = byId('shell-loading');
  if (loading) loading.textContent = words.loading;

  // A phone that has never enrolled (the app writes the entry at its first profile) opens on the enroll screen: its
  // heading and first words paint at once, as the app will show them, below "Loading…" (so that nothing moves).
  var enroll = byId('shell-enroll');
  if (enroll && location.pathname === '/' && stored(ENTRY) === null) {
    byId('shell-enroll-title').textContent = words.enrollTitle;
    byId('shell-enroll-intro').textContent = words.enrollIntro;
    enroll.hidden = false;
    return;
  }

  // Only index.html (the patient app) has the call block; the desk's page (desk.html) has none.
  var numbers = callNumbers();
  var block = byId('shell-call-now');
  if (!numbers || !block) return;
  byId('shell-call-now-title').textContent = words.title;
  byId('shell-call-now-body').textContent = fill(words.body, 'fever', feverText(numbers.fever, lang));
  var pharmacy = byId('shell-call-pharmacy');
  pharmacy.textContent = fill(words.pharmacy, 'phone', numbers.phone);
  pharmacy.href = telHref(numbers.phone);
  var afterHours = byId('shell-call-after-hours');
  afterHours.textContent = fill(words.afterHours, 'phone', numbers.afterHours);
  afterHours.href = telHref(numbers.afterHours);
  block.hidden = false;
})();
