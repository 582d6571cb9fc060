//! Carepath on the patient's and caregiver's phone: Today, the dosing diary, check-ins, medication guides and
//! messages. Client-side rendered Leptos, offline-first: every write is stored on the device first. Its own wasm
//! bundle (the pharmacist's desk is `carepath-desk`, which this phone never downloads).

pub mod call_links;
pub mod checkin;
pub mod device;
pub mod diary;
pub mod guides;
pub mod messages;
pub mod outbox;
pub mod patient;
pub mod pin;
pub mod reminders;
pub mod remove_person;
pub mod report;
pub mod shell;

use carepath_ui::{text, AppFrame};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::checkin::CheckInScreen;
use crate::device::Device;
use crate::guides::{GuideListScreen, GuideScreen};
use crate::patient::{MyCheckInsScreen, PatientShell, TodayScreen};

#[component]
pub fn App() -> impl IntoView {
    provide_context(Device::new());
    view! {
        <AppFrame>
            <Router>
                <Routes fallback=|| view! { <p>{text!("not-found")}</p> }>
                    <Route path=path!("/") view=|| view! { <PatientShell><TodayScreen/></PatientShell> }/>
                    <Route path=path!("/check-in") view=|| view! { <PatientShell><CheckInScreen/></PatientShell> }/>
                    <Route path=path!("/report") view=|| view! { <PatientShell><crate::report::ReportSymptomScreen/></PatientShell> }/>
                    <Route path=path!("/my-check-ins") view=|| view! { <PatientShell><MyCheckInsScreen/></PatientShell> }/>
                    <Route path=path!("/remove-person") view=|| view! { <PatientShell><crate::remove_person::RemovePersonScreen/></PatientShell> }/>
                    <Route path=path!("/pin") view=|| view! { <PatientShell><crate::pin::PinScreen/></PatientShell> }/>
                    <Route path=path!("/add-person") view=|| view! { <PatientShell><crate::patient::AddPersonScreen/></PatientShell> }/>
                    <Route path=path!("/diary") view=|| view! { <PatientShell><crate::diary::DiaryScreen/></PatientShell> }/>
                    <Route path=path!("/messages") view=|| view! { <PatientShell><crate::messages::MessagesScreen/></PatientShell> }/>
                    // Guides are public education: open before enrollment too.
                    <Route path=path!("/guides") view=GuideListScreen/>
                    <Route path=path!("/guides/:drug") view=GuideScreen/>
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
