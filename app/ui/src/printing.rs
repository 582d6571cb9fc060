//! Printing a page (a guide, the desk's patient page) shows every section, folded ones too.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Printing shows every section: open all closed `<details>` before printing and close them again after.
pub fn expand_details_when_printing() {
    const MARK: &str = "data-opened-for-print";
    let each = |selector: &str, f: &dyn Fn(&web_sys::Element)| {
        if let Ok(nodes) = document().query_selector_all(selector) {
            for i in 0..nodes.length() {
                if let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    f(&el);
                }
            }
        }
    };
    let before = gloo::events::EventListener::new(&window(), "beforeprint", move |_| {
        each("details:not([open])", &|el| {
            let _ = el.set_attribute("open", "");
            let _ = el.set_attribute(MARK, "");
        });
    });
    let after = gloo::events::EventListener::new(&window(), "afterprint", move |_| {
        each("details[data-opened-for-print]", &|el| {
            let _ = el.remove_attribute("open");
            let _ = el.remove_attribute(MARK);
        });
    });
    before.forget();
    after.forget();
}
