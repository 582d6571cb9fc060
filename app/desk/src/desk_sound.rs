//! The desk's sound cue for a new urgent alert: an option "Play a sound for new urgent alerts" (off unless this
//! browser turned it on; remembered in localStorage), a short tone made with the Web Audio API (`desk_sound.js`, no
//! audio file), and a count of cues on the "New urgent alert" banner (`data-sound-cues`) so the cue can be checked.
//! The banner (and the page title) stay the visual cue.

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

use carepath_ui::text;

#[wasm_bindgen(module = "/src/desk_sound.js")]
extern "C" {
    #[wasm_bindgen(js_name = playTone)]
    fn play_tone() -> bool;
}

const SOUND_KEY: &str = "carepath.desk.urgent-sound";

/// The option and the cues played since the page opened.
#[derive(Debug, Clone, Copy)]
pub struct DeskSound {
    pub on: RwSignal<bool>,
    pub cues: RwSignal<u32>,
}

impl DeskSound {
    pub fn new() -> Self {
        DeskSound { on: RwSignal::new(stored()), cues: RwSignal::new(0) }
    }

    /// One cue for a refresh that found new urgent alerts: a tone if the option is on.
    pub fn cue(self) {
        if self.on.get_untracked() {
            play_tone();
            self.cues.update(|n| *n += 1);
        }
    }
}

impl Default for DeskSound {
    fn default() -> Self {
        Self::new()
    }
}

fn stored() -> bool {
    let value = window().local_storage().ok().flatten().and_then(|s| s.get_item(SOUND_KEY).ok().flatten());
    value.as_deref() == Some("on")
}

fn save(on: bool) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(SOUND_KEY, if on { "on" } else { "off" });
    }
}

/// The checkbox, beside the banner's own option. Turning it on plays the tone once, so the pharmacist hears what
/// it sounds like (and the browser allows sound from then on).
#[component]
pub fn SoundOption(sound: DeskSound) -> impl IntoView {
    view! {
        <label class="choice desk-option" for="urgent-sound-option">
            <input type="checkbox" id="urgent-sound-option" data-testid="urgent-sound-option" prop:checked=move || sound.on.get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    sound.on.set(on);
                    save(on);
                    if on {
                        play_tone();
                    }
                }/>
            <span>{text!("desk-sound-option")}</span>
        </label>
    }
}
