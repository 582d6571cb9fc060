//! The printable handout (`/pharmacy/patients/:id/handout`, issue #12 item 4): how the patient opens the app on
//! their phone, in the patient's language, with a QR code of the enrollment link (made by the server as SVG), the
//! code in large type and its expiry, and how to add the app to the Home Screen. Printing shows the sheet alone.
//!
//! The code is a one-time secret the server keeps only as a hash, so the desk page that got it (the enrolled summary,
//! or "New code" on the patient's page) leaves it here in memory, never in the address or the browser's storage;
//! after a reload the desk makes a new code.

use std::cell::RefCell;

use carepath_domain::identity::{Handout, HandoutRequest};
use carepath_domain::sync::{ErrorCode, PharmacistInfo};
use i18n_embed::fluent::FluentLanguageLoader;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use crate::pharmacy::{desk_title, error_text, patient_href, Login};
use carepath_ui::tr;
use carepath_ui::text;

thread_local! {
    static PENDING: RefCell<Option<(Uuid, String)>> = const { RefCell::new(None) };
}

/// Keeps the code just issued for `patient_id` for the handout page (the last one only).
pub fn remember(patient_id: Uuid, code: &str) {
    PENDING.with(|p| *p.borrow_mut() = Some((patient_id, code.to_string())));
}

fn pending(patient_id: Uuid) -> Option<String> {
    PENDING.with(|p| p.borrow().as_ref().filter(|(id, _)| *id == patient_id).map(|(_, code)| code.clone()))
}

/// The handout page's address for a patient.
pub fn handout_href(patient_id: Uuid) -> String {
    format!("{}/handout", patient_href(patient_id))
}

#[component]
pub fn HandoutPage() -> impl IntoView {
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(_) => view! { <HandoutView/> }.into_any(),
    }
}

#[component]
fn HandoutView() -> impl IntoView {
    let params = use_params_map();
    let patient_id = params.with_untracked(|p| p.get("id")).and_then(|s| Uuid::parse_str(&s).ok());
    let code = patient_id.and_then(pending);
    desk_title(|| tr!("handout-page-title"));
    let sheet = LocalResource::new(move || {
        let code = code.clone();
        async move {
            match (patient_id, code) {
                (Some(id), Some(code)) => {
                    Some(api::post::<_, Handout>(&format!("/api/pharmacy/patients/{id}/handout"), &HandoutRequest { code }, None).await)
                }
                _ => None,
            }
        }
    });
    let back = patient_id.map(patient_href).unwrap_or_else(|| "/pharmacy/patients".into());
    view! {
        <div class="handout-page">
            <div class="handout-controls">
                <h1>{text!("handout-page-title")}</h1>
                <p><a href=back.clone()>{text!("handout-back")}</a></p>
                {move || match sheet.get() {
                    None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                    Some(None) => view! { <p class="error" role="alert">{text!("handout-no-code")}</p> }.into_any(),
                    Some(Some(Err(e))) => view! { <p class="error" role="alert">{handout_error(&e)}</p> }.into_any(),
                    Some(Some(Ok(_))) => view! {
                        <p class="hint">{text!("handout-print-hint")}</p>
                        <button type="button" class="primary" on:click=|_| { let _ = window().print(); }>{text!("handout-print")}</button>
                    }.into_any(),
                }}
            </div>
            {move || sheet.get().and_then(|s| s.and_then(Result::ok)).map(|handout| view! { <HandoutSheet handout=handout/> })}
        </div>
    }
}

fn handout_error(e: &ApiError) -> String {
    match e.code() {
        Some(ErrorCode::EnrollmentCodeExpired | ErrorCode::EnrollmentCodeUsed | ErrorCode::EnrollmentCodeUnknown) => {
            tr!("handout-code-gone")
        }
        _ => error_text(e),
    }
}

/// The sheet itself, worded in the patient's language (not the desk's).
#[component]
fn HandoutSheet(handout: Handout) -> impl IntoView {
    let lang = handout.language;
    let l = carepath_ui::i18n::loader_for(lang.code());
    let qr = format!("data:image/svg+xml,{}", String::from(js_sys::encode_uri_component(&handout.qr_svg)));
    let expires = format::date_time(handout.expires_at, lang.code());
    view! {
        <article class="handout-sheet" lang=lang.code() aria-labelledby="handout-title" data-testid="handout">
            <h2 id="handout-title">{text(&l, Text::Title)}</h2>
            <p class="handout-for">{i18n_embed_fl::fl!(l, "handout-for", name = handout.patient_name.clone(), site = handout.site_name.clone())}</p>
            <div class="handout-main">
                <img class="handout-qr" src=qr alt=text(&l, Text::QrAlt) width="240" height="240"/>
                <div>
                    <p>{text(&l, Text::CodeIntro)}</p>
                    <p class="handout-code" data-testid="handout-code">{handout.code.clone()}</p>
                    <p>{i18n_embed_fl::fl!(l, "handout-expires", time = expires)}</p>
                    <p>{text(&l, Text::Address)}" "<span class="handout-url">{handout.app_url.clone()}</span></p>
                </div>
            </div>
            <h3>{text(&l, Text::StepsTitle)}</h3>
            <ol class="handout-steps">
                <li>{text(&l, Text::StepScan)}</li>
                <li>{i18n_embed_fl::fl!(l, "handout-step-connect", button = i18n_embed_fl::fl!(l, "enroll-submit"))}</li>
            </ol>
            <h3>{text(&l, Text::HomeTitle)}</h3>
            <ul class="handout-steps">
                <li>{text(&l, Text::HomeIphone)}</li>
                <li>{text(&l, Text::HomeAndroid)}</li>
            </ul>
            <p class="handout-call">{i18n_embed_fl::fl!(l, "handout-questions", site = handout.site_name.clone(), phone = handout.site_phone.clone())}</p>
        </article>
    }
}

/// The handout's fixed texts.
#[derive(Clone, Copy)]
enum Text {
    Title,
    QrAlt,
    CodeIntro,
    Address,
    StepsTitle,
    StepScan,
    HomeTitle,
    HomeIphone,
    HomeAndroid,
}

fn text(l: &FluentLanguageLoader, which: Text) -> String {
    use i18n_embed_fl::fl;
    match which {
        Text::Title => fl!(l, "handout-title"),
        Text::QrAlt => fl!(l, "handout-qr-alt"),
        Text::CodeIntro => fl!(l, "handout-code-intro"),
        Text::Address => fl!(l, "handout-address"),
        Text::StepsTitle => fl!(l, "handout-steps-title"),
        Text::StepScan => fl!(l, "handout-step-scan"),
        Text::HomeTitle => fl!(l, "handout-home-title"),
        Text::HomeIphone => fl!(l, "handout-home-iphone"),
        Text::HomeAndroid => fl!(l, "handout-home-android"),
    }
}
