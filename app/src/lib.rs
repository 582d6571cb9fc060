//! Carepath app: patients and caregivers (medication diary, check-ins) and the pharmacist's page, in one
//! client-side rendered Leptos app. Offline-first: every patient write is stored on the device first.

pub mod alerts;
pub mod api;
pub mod calendar;
pub mod checkin;
pub mod desk_messages;
pub mod desk_sound;
pub mod device;
pub mod diary;
pub mod format;
pub mod guides;
pub mod handout;
pub mod i18n;
pub mod messages;
pub mod identity_fields;
pub mod intervention_form;
pub mod outbox;
pub mod patient;
pub mod patient_header;
pub mod patient_page;
pub mod patients_list;
pub mod pharmacy;
pub mod program;
pub mod reasons;
pub mod regimen_admin;
pub mod regimen_form;
pub mod regimen_text;
pub mod reminders;
pub mod shell;
pub mod text_size;
pub mod trends;
pub mod worklists;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::device::Device;
use crate::guides::{GuideListScreen, GuideScreen};
use crate::checkin::CheckInScreen;
use crate::patient::{MyCheckInsScreen, PatientShell, TodayScreen};
use crate::pharmacy::PharmacyPage;

#[component]
fn LanguagePicker() -> impl IntoView {
    view! {
        <label class="language">
            <span class="visually-hidden">{move || tr!("language-label")}</span>
            <select on:change=move |ev| i18n::set_language(&event_target_value(&ev)) aria-label=move || tr!("language-label")>
                {i18n::LANGUAGES.iter().map(|(code, name)| view! {
                    <option value=*code lang=*code selected=move || i18n::current() == *code>{*name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Device::new());
    view! {
        <a class="skip-link" href="#main">{move || tr!("skip-to-content")}</a>
        <header class="app-header">
            <span class="brand">{move || tr!("app-name")}</span>
            <LanguagePicker/>
        </header>
        <main id="main">
            <Router>
                <Routes fallback=|| view! { <p>{move || tr!("not-found")}</p> }>
                    <Route path=path!("/") view=|| view! { <PatientShell><TodayScreen/></PatientShell> }/>
                    <Route path=path!("/check-in") view=|| view! { <PatientShell><CheckInScreen/></PatientShell> }/>
                    <Route path=path!("/my-check-ins") view=|| view! { <PatientShell><MyCheckInsScreen/></PatientShell> }/>
                    <Route path=path!("/add-person") view=|| view! { <PatientShell><crate::patient::AddPersonScreen/></PatientShell> }/>
                    <Route path=path!("/diary") view=|| view! { <PatientShell><crate::diary::DiaryScreen/></PatientShell> }/>
                    <Route path=path!("/messages") view=|| view! { <PatientShell><crate::messages::MessagesScreen/></PatientShell> }/>
                    // Guides are public education: open before enrollment too.
                    <Route path=path!("/guides") view=GuideListScreen/>
                    <Route path=path!("/guides/:drug") view=GuideScreen/>
                    <Route path=path!("/pharmacy") view=PharmacyPage/>
                    <Route path=path!("/pharmacy/patients") view=crate::patients_list::PatientsPage/>
                    <Route path=path!("/pharmacy/patients/:id") view=crate::patient_page::PatientPage/>
                    <Route path=path!("/pharmacy/patients/:id/handout") view=crate::handout::HandoutPage/>
                    <Route path=path!("/pharmacy/worklists") view=crate::worklists::WorklistsPage/>
                    <Route path=path!("/pharmacy/program") view=crate::program::ProgramPage/>
                </Routes>
            </Router>
        </main>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    i18n::init();
    text_size::init();
    guides::expand_details_when_printing();
    shell::remove_static_shell();
    mount_to_body(App);
}
