//! Translations: Fluent files in `locales/<lang>/carepath_app.ftl`, embedded in the app and checked at compile time
//! by `fl!`. The language follows the browser, can be switched, and the choice is remembered.

use std::sync::{LazyLock, OnceLock};

use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
use i18n_embed::{I18nAssets, LanguageLoader, WebLanguageRequester};
use leptos::prelude::*;
use i18n_embed::unic_langid::LanguageIdentifier;

/// The messages a bundle embeds (only those it can show: see `app/ui/locale_subset.rs`), given at start-up.
pub type Messages = dyn I18nAssets + Send + Sync;
static MESSAGES: OnceLock<&'static Messages> = OnceLock::new();

/// The bundle's embedded messages; call once, before anything is translated ([`crate::start_app`] does).
pub fn use_messages(messages: &'static Messages) {
    let _ = MESSAGES.set(messages);
}

fn messages() -> &'static Messages {
    if let Some(messages) = MESSAGES.get() {
        return *messages;
    }
    // The app's unit tests run natively: every message, from the repository's files.
    #[cfg(not(target_arch = "wasm32"))]
    {
        #[derive(rust_embed::RustEmbed)]
        #[folder = "../../locales/"]
        struct Every;
        &Every
    }
    #[cfg(target_arch = "wasm32")]
    panic!("the bundle gives its messages at start-up (carepath_ui::start_app)")
}

pub static LOADER: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    loader.load_fallback_language(messages()).expect("the English messages are embedded");
    // No right-to-left languages yet; isolation marks would only get in the way of screen readers and tests.
    loader.set_use_isolating(false);
    loader
});

/// The languages the app ships, with their names in their own language.
pub const LANGUAGES: [(&str, &str); 2] = [("en", "English"), ("es", "Español")];
const STORAGE_KEY: &str = "carepath.lang";

thread_local! {
    static CURRENT: ArcRwSignal<String> = ArcRwSignal::new("en".to_string());
}

/// The current language code; reading it inside a reactive closure re-runs that closure on a switch.
pub fn current() -> String {
    CURRENT.with(|c| c.get())
}

/// Translate a message id, reactively: use inside `move || tr!("id", arg = …)` closures (for a text without
/// arguments, [`text!`]).
#[macro_export]
macro_rules! tr {
    ($id:literal) => {{
        let _ = $crate::i18n::current();
        i18n_embed_fl::fl!($crate::i18n::LOADER, $id)
    }};
    ($id:literal, $($arg:ident = $value:expr),+ $(,)?) => {{
        let _ = $crate::i18n::current();
        i18n_embed_fl::fl!($crate::i18n::LOADER, $id, $($arg = $value),+)
    }};
}

/// A message without arguments as a view or an attribute value: `text!("id")`, checked at compile time like `tr!`.
/// Every such text is one type (`Signal<String>`), so the app compiles the code that renders a text once, instead of
/// once for each `move || tr!("id")` closure (every closure is a type of its own): the wasm is smaller (issue #13).
#[macro_export]
macro_rules! text {
    ($id:literal) => {{
        // Never runs: makes `fl!` check the message id at compile time.
        if false {
            let _ = i18n_embed_fl::fl!($crate::i18n::LOADER, $id);
        }
        $crate::i18n::text($id)
    }};
}

/// See [`text!`]: a message id as a reactive text, in the current language.
pub fn text(id: &'static str) -> Signal<String> {
    Signal::derive(move || tr_dynamic(id))
}

/// Looks up a message whose id is only known at run time (e.g. `symptom-<id>`). Falls back to the id.
pub fn tr_dynamic(id: &str) -> String {
    let _ = current();
    LOADER.get(id)
}

/// Like [`tr_dynamic`], with arguments (all passed as text, so numbers show exactly as given).
pub fn tr_args(id: &str, args: &[(&'static str, String)]) -> String {
    let _ = current();
    let args: std::collections::HashMap<&'static str, String> = args.iter().cloned().collect();
    LOADER.get_args(id, args)
}

/// A loader for one language whatever the app's (the printed handout is in the patient's language, not the desk's).
pub fn loader_for(code: &str) -> FluentLanguageLoader {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    let lang = code.parse::<LanguageIdentifier>().unwrap_or_else(|_| loader.fallback_language().clone());
    if loader.load_languages(messages(), &[lang]).is_err() {
        let _ = loader.load_fallback_language(messages());
    }
    loader.set_use_isolating(false);
    loader
}

pub fn set_language(code: &str) {
    let Ok(lang) = code.parse::<LanguageIdentifier>() else { return };
    // At start-up in English the loader has just read the English messages (its fallback): parsing them again
    // would only cost a phone's time.
    let loaded = LOADER.current_languages() == [lang.clone()];
    if !loaded && LOADER.load_languages(messages(), &[lang]).is_err() {
        return;
    }
    // The setting applies to loaded bundles only, so set it again after every load.
    LOADER.set_use_isolating(false);
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(STORAGE_KEY, code);
    }
    document().document_element().map(|el| el.set_attribute("lang", code));
    CURRENT.with(|c| c.set(code.to_string()));
}

/// The saved choice, else the browser's preferred languages, else English.
pub fn init() {
    let saved = window().local_storage().ok().flatten().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let code = saved.unwrap_or_else(|| {
        WebLanguageRequester::requested_languages()
            .iter()
            .map(|l| l.language.as_str().to_string())
            .find(|l| LANGUAGES.iter().any(|(code, _)| code == l))
            .unwrap_or_else(|| "en".to_string())
    });
    set_language(&code);
}
