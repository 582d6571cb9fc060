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

/// What both bundles do when their wasm starts: panics to the console, the bundle's messages and the saved language,
/// the text size; then, in a task of its own, the static shell of `index.html` / `desk.html` taken away and the app
/// mounted in its place (exactly one app on screen). Two tasks rather than one long one: the browser can paint and
/// answer a tap in between (Lighthouse counts every task over 50 ms against the page).
pub fn start_app<F, N>(messages: &'static i18n::Messages, app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    console_error_panic_hook::set_once();
    i18n::use_messages(messages);
    i18n::init();
    text_size::init();
    printing::expand_details_when_printing();
    set_timeout(
        move || {
            remove_static_shell();
            mount_to_body(app);
        },
        std::time::Duration::ZERO,
    );
}

/// The root element of the static shell in `public/index.html` and `public/desk.html` (issue #13): what paints
/// before the wasm has arrived.
pub const STATIC_SHELL_ID: &str = "static-shell";

/// Takes the static shell away; the app mounts right after.
pub fn remove_static_shell() {
    if let Some(shell) = document().get_element_by_id(STATIC_SHELL_ID) {
        shell.remove();
    }
}
