// A short two-note tone for a new urgent alert on the pharmacist's desk (app/desk/src/desk_sound.rs), made in code with
// the Web Audio API: no audio file is downloaded. Browsers let a page play sound only after the user interacted
// with it; the setting's own checkbox counts, and a tone the browser blocks is simply not heard (the banner and the
// title still say it).

let context = null;

function audio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  if (!context) context = new Ctx();
  if (context.state === 'suspended') context.resume().catch(() => {});
  return context;
}

/** Plays the tone; returns whether the browser could (false without Web Audio). */
export function playTone() {
  const ctx = audio();
  if (!ctx) return false;
  const start = ctx.currentTime + 0.01;
  [[880, 0], [660, 0.18]].forEach(([frequency, offset]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.17);
  });
  return true;
}
