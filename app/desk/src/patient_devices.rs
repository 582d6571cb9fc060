//! The patient's phones on the patient page (issue #15 item 3, lost or replaced phones): each phone connected to
//! the record, whose it is, when it was connected and last in touch, and "Remove access" with a confirmation. A
//! removed phone is refused at its next connection and deletes the patient's information there.

use carepath_domain::sync::{DeviceAccess, DeviceView, Empty, PatientDevices, RevokedBy};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::{text, tr};
use crate::pharmacy::error_text;

fn when(t: DateTime<Utc>) -> String {
    format::date_time(t, &current())
}

/// "Ana's own phone", "Carmen's phone (caregiver)".
fn whose(phone: &DeviceView, patient_name: &str) -> String {
    match &phone.caregiver {
        Some(name) => tr!("phones-caregiver", name = name.clone()),
        None => tr!("phones-own", name = patient_name.to_string()),
    }
}

#[component]
pub fn PhonesSection(patient_id: Uuid, patient_name: String) -> impl IntoView {
    let path = format!("/api/pharmacy/patients/{patient_id}/devices");
    let list = LocalResource::new(move || {
        let path = path.clone();
        async move { api::get::<PatientDevices>(&path, None).await }
    });
    // The last list that loaded: a failed refresh keeps it on screen, with the error.
    let latest = Memo::new(move |previous: Option<&Option<PatientDevices>>| match list.get() {
        Some(Ok(l)) => Some(l),
        _ => previous.cloned().flatten(),
    });
    let load_error = move || list.get().and_then(Result::err).map(|e| error_text(&e));
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let revoke = Action::new_local(move |(device_id, label): &(Uuid, String)| {
        let (device_id, label) = (*device_id, label.clone());
        async move {
            status.set(None);
            error.set(None);
            let path = format!("/api/pharmacy/patients/{patient_id}/devices/{device_id}/revoke");
            match api::post::<_, DeviceView>(&path, &Empty {}, None).await {
                Ok(_) => status.set(Some(tr!("phones-revoke-done", phone = label))),
                Err(e) => error.set(Some(error_for(&e))),
            }
            list.refetch();
        }
    });
    let name = StoredValue::new(patient_name);
    let phones = move || latest.get().map(|l| l.devices).unwrap_or_default();
    view! {
        <section class="card phones" aria-labelledby="phones-title" data-testid="phones">
            <h2 id="phones-title">{text!("phones-title")}</h2>
            <p class="hint">{text!("phones-intro")}</p>
            {move || latest.with(|l| l.as_ref().is_some_and(|l| l.devices.is_empty())).then(|| view! { <p>{text!("phones-none")}</p> })}
            {move || (latest.with(Option::is_none) && load_error().is_none()).then(|| view! { <p aria-busy="true">{text!("loading")}</p> })}
            <ul class="phone-list" role="list">
                {move || {
                    let idle_days = latest.with(|l| l.as_ref().map_or(0, |l| l.idle_days));
                    phones().into_iter().map(|phone| view! {
                        <PhoneRow phone=phone patient_name=name.get_value() idle_days=idle_days revoke=revoke/>
                    }).collect_view()
                }}
            </ul>
            <p class="status" role="status">{move || status.get()}</p>
            <p class="error" role="alert">{move || error.get().or_else(load_error)}</p>
        </section>
    }
}

fn error_for(e: &ApiError) -> String {
    match e.code() {
        Some(carepath_domain::sync::ErrorCode::NotFound) => tr!("phones-error-gone"),
        _ => error_text(e),
    }
}

/// One phone. Its texts are one closure (language changes redraw it) rather than one per text: less code in the wasm.
#[component]
fn PhoneRow(phone: DeviceView, patient_name: String, idle_days: u32, revoke: Action<(Uuid, String), ()>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let (enrolled, seen, access, id) = (phone.enrolled_at, phone.last_seen_at, phone.access, phone.id);
    let state = match access {
        DeviceAccess::Active => "active",
        DeviceAccess::Expired => "expired",
        DeviceAccess::Revoked { .. } => "revoked",
    };
    let revocable = !matches!(access, DeviceAccess::Revoked { .. });
    let phone = StoredValue::new(phone);
    let name = StoredValue::new(patient_name);
    let confirm_id = StoredValue::new(format!("phone-confirm-{}", &id.simple().to_string()[..8]));
    let texts = move || {
        let label = phone.with_value(|p| whose(p, &name.get_value()));
        let access_line = match access {
            DeviceAccess::Active => None,
            DeviceAccess::Expired => Some(tr!("phones-expired", days = idle_days)),
            DeviceAccess::Revoked { at, by: RevokedBy::Pharmacy } => Some(tr!("phones-revoked", time = when(at))),
            DeviceAccess::Revoked { at, by: RevokedBy::CaregiverEnded } => Some(tr!("phones-revoked-caregiver", time = when(at))),
            DeviceAccess::Revoked { at, by: RevokedBy::Phone } => Some(tr!("phones-revoked-phone", time = when(at))),
        };
        let meta = format!("{} · {}", tr!("phones-enrolled", date = format::date_with_year(enrolled.with_timezone(&chrono::Local).date_naive(), &current())), tr!("phones-last-seen", time = when(seen)));
        view! {
            <p><strong>{label}</strong></p>
            <p class="meta">{meta}</p>
            {access_line.map(|line| view! { <p class="meta phone-access">{line}</p> })}
        }
    };
    let actions = move || {
        let label = phone.with_value(|p| whose(p, &name.get_value()));
        let aria = tr!("phones-revoke-aria", phone = label.clone());
        if !confirming.get() {
            return view! {
                <button type="button" class="secondary" aria-label=aria on:click=move |_| {
                    confirming.set(true);
                    focus_soon(confirm_id.get_value());
                }>{text!("phones-revoke")}</button>
            }
            .into_any();
        }
        view! {
            <div class="confirm-box" role="group" aria-label=aria>
                <p>{tr!("phones-revoke-confirm", phone = label.clone())}</p>
                <p class="hint">{text!("phones-revoke-hint")}</p>
                <div class="actions">
                    <button type="button" class="primary danger" id=confirm_id.get_value() disabled=move || revoke.pending().get()
                        on:click=move |_| { revoke.dispatch((id, label.clone())); }>
                        {move || if revoke.pending().get() { tr!("phones-revoke-busy") } else { tr!("phones-revoke-yes") }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{text!("phones-revoke-no")}</button>
                </div>
            </div>
        }
        .into_any()
    };
    view! {
        <li class="phone-row" class:revoked=!revocable data-testid="phone" data-access=state>
            {texts}
            {revocable.then(|| view! { <div>{actions}</div> })}
        </li>
    }
}

/// Moves focus to the element with `id` once it is drawn (the confirmation's first button).
fn focus_soon(id: String) {
    leptos::task::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(0).await;
        if let Some(el) = document().get_element_by_id(&id) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}
