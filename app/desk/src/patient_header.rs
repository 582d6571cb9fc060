//! The patient header at the top of every patient view (issue #12 item 3): who the patient is (date of birth and
//! age, MRN, phone to call back, language) and how treatment stands (each drug's cycle day or hold, last check-in,
//! last dose logged, open alerts, caregivers), from one request (`GET /api/pharmacy/patients/{id}`). Below it, a new
//! enrollment code for a lost phone or an expired code, with its printable handout (item 4).

use carepath_domain::identity::{age_on, DrugToday, HeaderDrug, IssuedCode, PatientHeader};
use leptos::prelude::*;
use uuid::Uuid;

use carepath_ui::api::{self, ApiError};
use carepath_ui::format;
use crate::handout::{handout_href, remember};
use carepath_ui::i18n::current;
use crate::identity_fields::language_name;
use crate::pharmacy::error_text;
use carepath_ui::regimen_text::date_text;
use carepath_ui::tr;
use carepath_ui::text;

/// `refresh`: read when fetching, so the header is fetched again whenever it changes (the page's own reloads).
#[component]
pub fn PatientHeaderCard(patient_id: Uuid, #[prop(optional, into)] refresh: Option<Signal<()>>) -> impl IntoView {
    let header = LocalResource::new(move || {
        if let Some(refresh) = refresh {
            refresh.track();
        }
        async move { api::get::<PatientHeader>(&format!("/api/pharmacy/patients/{patient_id}"), None).await }
    });
    view! {
        <section class="patient-header" aria-labelledby="patient-header-title" data-testid="patient-header">
            <h2 id="patient-header-title" class="visually-hidden">{text!("header-title")}</h2>
            {move || match header.get() {
                None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                Some(Ok(h)) => view! { <HeaderFacts header=h/> }.into_any(),
            }}
        </section>
    }
}

fn not_recorded() -> String {
    tr!("header-not-recorded")
}

#[component]
fn HeaderFacts(header: PatientHeader) -> impl IntoView {
    let PatientHeader { date_of_birth, mrn, phone, language, today, drugs, last_check_in, last_dose_logged, open_alerts, caregivers, .. } =
        header;
    let born = move || match date_of_birth {
        Some(dob) => tr!("header-dob-value", date = date_text(dob), age = age_on(dob, today)),
        None => not_recorded(),
    };
    let phone_view = match phone {
        Some(phone) => view! { <a href=format::tel_href(&phone)>{phone.clone()}</a> }.into_any(),
        None => view! { <span>{not_recorded}</span> }.into_any(),
    };
    let when = move |at: Option<chrono::DateTime<chrono::Utc>>| match at {
        Some(at) => format::date_time(at, &current()),
        None => tr!("header-none-yet"),
    };
    let caregiver_text = move || if caregivers.is_empty() { tr!("header-no-caregivers") } else { caregivers.join(", ") };
    view! {
        <dl class="header-facts">
            <div><dt>{text!("header-dob")}</dt><dd data-testid="header-dob">{born}</dd></div>
            <div><dt>{text!("header-mrn")}</dt><dd data-testid="header-mrn">{move || mrn.clone().unwrap_or_else(not_recorded)}</dd></div>
            <div><dt>{text!("header-phone")}</dt><dd>{phone_view}</dd></div>
            <div><dt>{text!("header-language")}</dt><dd>{language_name(language)}</dd></div>
            <div class="header-drugs">
                <dt>{text!("header-drugs")}</dt>
                <dd>
                    {if drugs.is_empty() {
                        view! { <span>{text!("header-no-drugs")}</span> }.into_any()
                    } else {
                        view! {
                            <ul role="list">
                                {drugs.into_iter().map(|d| view! { <li>{drug_text(d)}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </dd>
            </div>
            <div><dt>{text!("header-last-check-in")}</dt><dd>{move || when(last_check_in)}</dd></div>
            <div><dt>{text!("header-last-dose")}</dt><dd>{move || when(last_dose_logged)}</dd></div>
            <div>
                <dt>{text!("header-open-alerts")}</dt>
                <dd data-alerts=(open_alerts > 0).to_string()>{open_alerts}</dd>
            </div>
            <div><dt>{text!("header-caregivers")}</dt><dd>{caregiver_text}</dd></div>
        </dl>
    }
}

/// "Capecitabine: cycle 2, day 5", "… on hold since …".
fn drug_text(drug: HeaderDrug) -> impl Fn() -> String + Send + Sync + 'static {
    move || {
        let state = match drug.today.clone() {
            None => return drug.drug_name.clone(),
            Some(DrugToday::Taking { cycle, day }) => tr!("header-drug-taking", cycle = cycle, day = day),
            Some(DrugToday::OffDay { cycle, day }) => tr!("header-drug-off", cycle = cycle, day = day),
            Some(DrugToday::OnHold { since }) => tr!("header-drug-held", date = date_text(since)),
            Some(DrugToday::Stopped { on }) => tr!("header-drug-stopped", date = date_text(on)),
            Some(DrugToday::NotStarted { start }) => tr!("header-drug-not-started", date = date_text(start)),
        };
        tr!("header-drug", drug = drug.drug_name.clone(), state = state)
    }
}

/// A new code for the patient's own phone: the older unused ones stop working. Then the handout to print.
#[component]
pub fn ReissueCode(patient_id: Uuid) -> impl IntoView {
    let issue = Action::new_local(move |_: &()| async move {
        let issued = api::post::<_, IssuedCode>(&format!("/api/pharmacy/patients/{patient_id}/enrollment-codes"), &(), None).await;
        if let Ok(issued) = &issued {
            remember(patient_id, &issued.code);
        }
        issued
    });
    let result = issue.value();
    view! {
        <section class="card reissue-code" aria-labelledby="reissue-title">
            <h2 id="reissue-title">{text!("reissue-title")}</h2>
            <p class="hint" id="reissue-hint">{text!("reissue-hint")}</p>
            <button type="button" class="secondary" aria-describedby="reissue-hint"
                disabled=move || issue.pending().get() on:click=move |_| { issue.dispatch(()); }>
                {move || if issue.pending().get() { tr!("reissue-busy") } else { tr!("reissue-submit") }}
            </button>
            <div role="status">
                {move || result.get().map(|issued: Result<IssuedCode, ApiError>| match issued {
                    Ok(issued) => {
                        let expires = issued.expires_at;
                        view! {
                            <div class="issued-code" data-testid="reissued">
                                <p>{text!("reissue-done")}</p>
                                <p class="code" data-testid="reissued-code">{issued.code.clone()}</p>
                                <p class="hint">{move || tr!("enroll-patient-code-expires", time = format::date_time(expires, &current()))}</p>
                                <p><a href=handout_href(patient_id)>{text!("handout-open")}</a></p>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error">{error_text(&e)}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}
