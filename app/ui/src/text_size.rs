//! Reader-chosen text size: a few steps, applied as a class on `<html>` (the CSP forbids inline styles),
//! remembered on this device.

use leptos::prelude::*;

use crate::text;

const STORAGE_KEY: &str = "carepath.text_size";
/// `text-size-1` is the normal size; `public/styles.css` sizes each step.
pub const STEPS: usize = 4;
const NORMAL: usize = 1;

fn class_for(step: usize) -> String {
    format!("text-size-{step}")
}

/// The saved step, or normal.
pub fn saved() -> usize {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .filter(|step| (1..=STEPS).contains(step))
        .unwrap_or(NORMAL)
}

/// Sets the class on `<html>` (replacing the previous step) and remembers the choice.
pub fn apply(step: usize) {
    let step = step.clamp(1, STEPS);
    if let Some(html) = document().document_element() {
        let classes = html.class_list();
        for other in 1..=STEPS {
            let _ = classes.remove_1(&class_for(other));
        }
        let _ = classes.add_1(&class_for(step));
    }
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(STORAGE_KEY, &step.to_string());
    }
}

/// Called once at start so the chosen size holds on every screen.
pub fn init() {
    apply(saved());
}

/// A− / A+ buttons.
#[component]
pub fn TextSizeControl() -> impl IntoView {
    let step = RwSignal::new(saved());
    let change = move |by: isize| {
        let next = (step.get_untracked() as isize + by).clamp(1, STEPS as isize) as usize;
        step.set(next);
        apply(next);
    };
    let at_smallest = move || step.get() <= 1;
    let at_largest = move || step.get() >= STEPS;
    view! {
        <div class="text-size" role="group" aria-label=text!("text-size-label")>
            <button type="button" class="secondary text-smaller" on:click=move |_| change(-1) disabled=at_smallest>
                <span aria-hidden="true">"A−"</span>
                <span class="visually-hidden">{text!("text-size-smaller")}</span>
            </button>
            <button type="button" class="secondary text-larger" on:click=move |_| change(1) disabled=at_largest>
                <span aria-hidden="true">"A+"</span>
                <span class="visually-hidden">{text!("text-size-larger")}</span>
            </button>
        </div>
    }
}
