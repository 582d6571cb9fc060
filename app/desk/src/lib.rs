//! The pharmacist's desk (`/pharmacy/…`): the alert queue, the patient list and page, regimens and dispenses,
//! worklists and the program page. Client-side rendered Leptos; its own wasm bundle, served only to pages under
//! `/pharmacy`, so a patient's phone never downloads or caches it.

pub mod admin_page;
pub mod alerts;
pub mod desk_messages;
pub mod desk_sound;
pub mod handout;
pub mod identity_fields;
pub mod intervention_form;
pub mod patient_devices;
pub mod patient_header;
pub mod patient_page;
pub mod patients_list;
pub mod pharmacy;
pub mod program;
pub mod regimen_admin;
pub mod regimen_form;
pub mod sign_in;
pub mod worklists;

use carepath_ui::{text, AppFrame};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <AppFrame>
            <Router>
                <Routes fallback=|| view! { <p>{text!("not-found")}</p> }>
                    <Route path=path!("/pharmacy") view=crate::pharmacy::PharmacyPage/>
                    <Route path=path!("/pharmacy/patients") view=crate::patients_list::PatientsPage/>
                    <Route path=path!("/pharmacy/patients/:id") view=crate::patient_page::PatientPage/>
                    <Route path=path!("/pharmacy/patients/:id/handout") view=crate::handout::HandoutPage/>
                    <Route path=path!("/pharmacy/worklists") view=crate::worklists::WorklistsPage/>
                    <Route path=path!("/pharmacy/program") view=crate::program::ProgramPage/>
                    <Route path=path!("/pharmacy/admin") view=crate::admin_page::AdminPage/>
                </Routes>
            </Router>
        </AppFrame>
    }
}

/// The messages this bundle can show, in every language (written by `build.rs`: see `app/ui/locale_subset.rs`).
#[derive(rust_embed::RustEmbed)]
#[folder = "$OUT_DIR/locales/"]
struct Messages;

#[wasm_bindgen(start)]
pub fn start() {
    carepath_ui::start_app(&Messages, App);
}
