//! What the patient app (`carepath-patient`) and the pharmacist's desk (`carepath-desk`) share. Each of those is its
//! own wasm bundle, so a patient's phone never downloads the desk; this crate holds only what both need: the API
//! client, translations, formats, the words for regimens and alert reasons, the calendar, symptom trends, the text
//! size control, the guide index, and the frame every page sits in.

pub mod api;
pub mod calendar;
pub mod format;
pub mod guide_index;
pub mod i18n;
pub mod printing;
pub mod reasons;
pub mod regimen_text;
pub mod text_size;
pub mod trends;

use leptos::prelude::*;

#[component]
fn LanguagePicker() -> impl IntoView {
    view! {
        <label class="language">
            <span class="visually-hidden">{text!("language-label")}</span>
            <select on:change=move |ev| i18n::set_language(&event_target_value(&ev)) aria-label=text!("language-label")>
                {i18n::LANGUAGES.iter().map(|(code, name)| view! {
                    <option value=*code lang=*code selected=move || i18n::current() == *code>{*name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The frame of every page: the skip link, the header with the app's name and the language menu, and `<main>`.
#[component]
pub fn AppFrame(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{text!("skip-to-content")}</a>
        <header class="app-header">
            <span class="brand">{text!("app-name")}</span>
            <LanguagePicker/>
        </header>
        <main id="main">{children()}</main>
    }
}

/// What both bundles do first when their wasm starts: panics to the console, the saved language and text size.
pub fn start_common() {
    console_error_panic_hook::set_once();
    i18n::init();
    text_size::init();
    printing::expand_details_when_printing();
}
