//! The desk's patient list (`/pharmacy/patients`): every patient of the pharmacist's site, newest enrolled first,
//! searched by name (ignoring case and accents), date of birth or MRN. The server filters on what it keeps per
//! patient (`?show=` no check-in in 14 days, adherence below 80 %, refill due, on hold; `?drug=`); this page
//! filters the loaded rows on what the list shows: a phone connected or not, when they were enrolled, open alerts.
//! Each name links the patient's page.
//!
//! The list (`GET /api/pharmacy/patients`) is asked for as a page (`?limit=&q=&show=&drug=`, so a search reaches
//! every patient, not only those loaded) and read as a page (`{patients|items, next_cursor}`: "Show more patients"
//! asks for the next one) or as the first server's plain array (everyone). The name is matched here as well, so
//! the list is right whichever server answers.

use std::collections::HashMap;

use carepath_domain::guide::fold;
use carepath_domain::sync::{AlertQueue, PharmacistInfo};
use carepath_domain::triage::Tier;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use serde::Deserialize;
use uuid::Uuid;

use carepath_ui::api::{self, ApiError};
use crate::pharmacy::{desk_title, error_text, patient_href, DeskNav, DeskPage, Login};
use carepath_ui::regimen_text::date_text;
use carepath_ui::tr;
use carepath_ui::text;

/// One patient as the list gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PatientRow {
    pub patient_id: Uuid,
    pub display_name: String,
    /// Phones (the patient's or a caregiver's) connected and not revoked.
    #[serde(default)]
    pub enrolled_devices: i64,
    pub created_at: DateTime<Utc>,
    /// None for patients enrolled before identifiers were collected.
    #[serde(default)]
    pub date_of_birth: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub mrn: Option<String>,
}

/// The list's answer: the first server's plain array, or a page with the cursor of the next one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PatientsAnswer {
    List(Vec<PatientRow>),
    Page {
        #[serde(alias = "items")]
        patients: Vec<PatientRow>,
        #[serde(default)]
        next_cursor: Option<String>,
    },
}

impl PatientsAnswer {
    fn into_parts(self) -> (Vec<PatientRow>, Option<String>) {
        match self {
            PatientsAnswer::List(rows) => (rows, None),
            PatientsAnswer::Page { patients, next_cursor } => (patients, next_cursor.filter(|c| !c.is_empty())),
        }
    }
}

/// Connected phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneFilter {
    Any,
    Connected,
    NotConnected,
}

impl PhoneFilter {
    const ALL: [PhoneFilter; 3] = [PhoneFilter::Any, PhoneFilter::Connected, PhoneFilter::NotConnected];

    fn key(self) -> &'static str {
        match self {
            PhoneFilter::Any => "any",
            PhoneFilter::Connected => "connected",
            PhoneFilter::NotConnected => "not-connected",
        }
    }

    fn label(self) -> String {
        match self {
            PhoneFilter::Any => tr!("desk-filter-any"),
            PhoneFilter::Connected => tr!("desk-filter-phone-connected"),
            PhoneFilter::NotConnected => tr!("desk-filter-phone-none"),
        }
    }
}

/// What the server keeps (`?show=`): the figures it keeps per patient for the worklists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    All,
    NoCheckIn,
    LowAdherence,
    RefillDue,
    OnHold,
}

impl Show {
    const ALL: [Show; 5] = [Show::All, Show::NoCheckIn, Show::LowAdherence, Show::RefillDue, Show::OnHold];

    /// The `show=` value (the server's names).
    pub fn key(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::NoCheckIn => "no_check_in",
            Show::LowAdherence => "low_adherence",
            Show::RefillDue => "refill_due",
            Show::OnHold => "on_hold",
        }
    }

    fn label(self) -> String {
        match self {
            Show::All => tr!("desk-show-all"),
            Show::NoCheckIn => tr!("desk-show-no-check-in", days = NO_CHECK_IN_DAYS),
            Show::LowAdherence => tr!("desk-show-low-adherence"),
            Show::RefillDue => tr!("desk-show-refill-due"),
            Show::OnHold => tr!("desk-show-on-hold"),
        }
    }
}

/// "No check-in in N days": the list asks for 14 (the server takes 1–90).
const NO_CHECK_IN_DAYS: u32 = 14;

/// Enrolled within this many days (None: any time).
const ENROLLED_CHOICES: [Option<i64>; 3] = [None, Some(7), Some(30)];

/// Open alerts of one patient.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenAlerts {
    pub total: u32,
    pub urgent: u32,
}

/// Open alerts by patient, from the alert queue.
pub fn open_alerts_by_patient(queue: &AlertQueue) -> HashMap<Uuid, OpenAlerts> {
    let mut by_patient: HashMap<Uuid, OpenAlerts> = HashMap::new();
    for alert in queue.open.iter().filter(|a| a.resolved.is_none()) {
        let entry = by_patient.entry(alert.patient_id).or_default();
        entry.total += 1;
        if alert.tier == Tier::Urgent {
            entry.urgent += 1;
        }
    }
    by_patient
}

/// Does `name` match what was typed? Every word typed must appear in the name, ignoring case and accents:
/// "rosa diaz", "Díaz", "ros" all find "Rosa Díaz". Nothing typed matches everyone.
pub fn name_matches(name: &str, query: &str) -> bool {
    let name = fold(name);
    fold(query).split_whitespace().all(|word| name.contains(word))
}

/// What the pharmacist chose to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub query: String,
    pub phone: PhoneFilter,
    pub enrolled_within_days: Option<i64>,
    pub open_alerts_only: bool,
}

impl Filters {
    pub fn is_narrowed(&self) -> bool {
        !self.query.trim().is_empty() || self.phone != PhoneFilter::Any || self.enrolled_within_days.is_some() || self.open_alerts_only
    }

    pub fn keeps(&self, row: &PatientRow, alerts: &HashMap<Uuid, OpenAlerts>, now: DateTime<Utc>) -> bool {
        let phone = match self.phone {
            PhoneFilter::Any => true,
            PhoneFilter::Connected => row.enrolled_devices > 0,
            PhoneFilter::NotConnected => row.enrolled_devices <= 0,
        };
        let enrolled = self.enrolled_within_days.is_none_or(|days| row.created_at >= now - Duration::days(days));
        let with_alerts = !self.open_alerts_only || alerts.get(&row.patient_id).is_some_and(|a| a.total > 0);
        phone && enrolled && with_alerts && identifier_or_name_matches(row, &self.query)
    }
}

/// As the server searches: a date finds the patients born that day, an exact MRN its patient, anything else names.
pub fn identifier_or_name_matches(row: &PatientRow, query: &str) -> bool {
    if let Some(born) = carepath_domain::identity::parse_date(query) {
        return row.date_of_birth == Some(born);
    }
    let typed = query.trim();
    (!typed.is_empty() && row.mrn.as_deref() == Some(typed)) || name_matches(&row.display_name, query)
}

/// Signed-in pharmacists only, as on `/pharmacy`.
#[component]
pub fn PatientsPage() -> impl IntoView {
    desk_title(|| tr!("desk-title-patients"));
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Ok(_)) => view! { <PatientList/> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow" aria-labelledby="patients-error-title">
                <h1 id="patients-error-title">{text!("desk-patients-title")}</h1>
                <p class="error" role="alert">{error_text(&e)}</p>
                <button type="button" class="secondary" on:click=move |_| me.refetch()>{text!("timeline-retry")}</button>
            </section>
        }
        .into_any(),
    }
}

/// Patients asked for at a time.
const PAGE: u32 = 100;
/// How long typing pauses before the server is asked (ms).
const SEARCH_DELAY_MS: u32 = 300;

/// What `encodeURIComponent` leaves as it is: letters, digits and `-_.!~*'()`.
const COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'!').remove(b'~').remove(b'*').remove(b'\'').remove(b'(').remove(b')');

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

/// The server's side of the list: search, `show` and drug, as one value (a change asks the server again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub query: String,
    pub show: Show,
    pub drug: String,
}

fn page_path(asked: &Asked, cursor: Option<&str>) -> String {
    let mut path = format!("/api/pharmacy/patients?limit={PAGE}");
    let query = asked.query.trim();
    if !query.is_empty() {
        path.push_str(&format!("&q={}", encode(query)));
    }
    if asked.show != Show::All {
        path.push_str(&format!("&show={}", asked.show.key()));
        if asked.show == Show::NoCheckIn {
            path.push_str(&format!("&days={NO_CHECK_IN_DAYS}"));
        }
    }
    let drug = asked.drug.trim();
    if !drug.is_empty() {
        path.push_str(&format!("&drug={}", encode(drug)));
    }
    if let Some(c) = cursor {
        path.push_str(&format!("&cursor={}", encode(c)));
    }
    path
}

#[component]
fn PatientList() -> impl IntoView {
    let initial = use_query_map().with_untracked(|q| q.get("q")).unwrap_or_default();
    let query = RwSignal::new(initial);
    let phone = RwSignal::new(PhoneFilter::Any);
    let enrolled = RwSignal::new(None::<i64>);
    let open_only = RwSignal::new(false);
    let show = RwSignal::new(Show::All);
    let drug = RwSignal::new(String::new());
    let asked = Memo::new(move |_| Asked { query: query.get().trim().to_string(), show: show.get(), drug: drug.get().trim().to_string() });

    let rows = RwSignal::new(Vec::<PatientRow>::new());
    let cursor = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    // Each load has a number; an answer to an older one (the search changed meanwhile) is dropped.
    let generation = StoredValue::new(0u32);
    let load = move |next: Option<String>| {
        if next.is_some() && busy.get_untracked() {
            return;
        }
        let this = generation.get_value().wrapping_add(1);
        generation.set_value(this);
        busy.set(true);
        failure.set(None);
        let path = page_path(&asked.get_untracked(), next.as_deref());
        spawn_local(async move {
            let answer = api::get::<PatientsAnswer>(&path, None).await;
            if generation.try_get_value() != Some(this) {
                return;
            }
            match answer {
                Ok(answer) => {
                    let (page, next_cursor) = answer.into_parts();
                    rows.update(|all| {
                        if next.is_none() {
                            all.clear();
                        }
                        for row in page {
                            if !all.iter().any(|r| r.patient_id == row.patient_id) {
                                all.push(row);
                            }
                        }
                    });
                    cursor.set(next_cursor);
                    loaded.set(true);
                }
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    load(None);
    // A new search, filter or drug asks the server again once typing pauses.
    let pending = StoredValue::new(None::<send_wrapper::SendWrapper<gloo::timers::callback::Timeout>>);
    Effect::new(move |previous: Option<Asked>| {
        let now = asked.get();
        if previous.is_some_and(|p| p != now) {
            let timeout = gloo::timers::callback::Timeout::new(SEARCH_DELAY_MS, move || load(None));
            pending.set_value(Some(send_wrapper::SendWrapper::new(timeout)));
        }
        now
    });
    let alerts = LocalResource::new(|| api::get::<AlertQueue>("/api/pharmacy/alerts", None));
    let open_alerts = Memo::new(move |_| {
        alerts.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).map(open_alerts_by_patient).unwrap_or_default())
    });

    let filters = Memo::new(move |_| Filters {
        query: query.get(),
        phone: phone.get(),
        enrolled_within_days: enrolled.get(),
        open_alerts_only: open_only.get(),
    });
    let shown = Memo::new(move |_| {
        let now = Utc::now();
        let f = filters.get();
        open_alerts.with(|alerts| rows.with(|all| all.iter().filter(|r| f.keeps(r, alerts, now)).cloned().collect::<Vec<_>>()))
    });
    let count_text = move || {
        if !loaded.get() {
            return String::new();
        }
        let (shown, total) = (shown.with(Vec::len), rows.with(Vec::len));
        // The server searched and filtered too: no rows then means none matched, not that there are no patients.
        let narrowed = filters.with(Filters::is_narrowed) || asked.with(|a| a.show != Show::All || !a.drug.is_empty());
        if total == 0 && !narrowed {
            tr!("desk-patients-none")
        } else if shown == 0 {
            tr!("desk-patients-no-match")
        } else if narrowed {
            // A search the server ran too: how many of all the site's patients is not known here.
            tr!("desk-patients-found", count = shown)
        } else {
            tr!("desk-patients-count", count = total)
        }
    };
    let clear = move |_| {
        query.set(String::new());
        phone.set(PhoneFilter::Any);
        enrolled.set(None);
        open_only.set(false);
        show.set(Show::All);
        drug.set(String::new());
        crate::alerts::focus_by_id("patient-search", false);
    };

    view! {
        <div class="patients-page">
            <DeskNav current=DeskPage::Patients/>
            <h1>{text!("desk-patients-title")}</h1>
            <form class="patient-filters" role="search" aria-label=text!("desk-patients-search-label") on:submit=|ev| ev.prevent_default()>
                <div class="field search-field">
                    <label for="patient-search">{text!("desk-search-label-any")}</label>
                    <input id="patient-search" type="search" autocomplete="off" spellcheck="false" maxlength="100"
                        aria-describedby="patient-search-hint patient-search-count" bind:value=query/>
                    <p class="hint" id="patient-search-hint">{text!("desk-find-hint")}</p>
                </div>
                <div class="field">
                    <label for="filter-show">{text!("desk-show-label")}</label>
                    <select id="filter-show" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(s) = Show::ALL.iter().find(|s| s.key() == value) {
                            show.set(*s);
                        }
                    }>
                        {Show::ALL.iter().map(|&s| view! {
                            <option value=s.key() prop:selected=move || show.get() == s>{move || s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-drug">{text!("desk-filter-drug")}</label>
                    <input id="filter-drug" type="search" autocomplete="off" spellcheck="false" maxlength="60" bind:value=drug/>
                </div>
                <div class="field">
                    <label for="filter-phone">{text!("desk-filter-phone")}</label>
                    <select id="filter-phone" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(f) = PhoneFilter::ALL.iter().find(|f| f.key() == value) {
                            phone.set(*f);
                        }
                    }>
                        {PhoneFilter::ALL.iter().map(|&f| view! {
                            <option value=f.key() prop:selected=move || phone.get() == f>{move || f.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-enrolled">{text!("desk-filter-enrolled")}</label>
                    <select id="filter-enrolled" on:change=move |ev| enrolled.set(event_target_value(&ev).parse::<i64>().ok())>
                        {ENROLLED_CHOICES.iter().map(|&choice| view! {
                            <option value=choice.map(|d| d.to_string()).unwrap_or_else(|| "any".into()) prop:selected=move || enrolled.get() == choice>
                                {move || match choice {
                                    None => tr!("desk-filter-any-time"),
                                    Some(days) => tr!("desk-filter-enrolled-within", days = days),
                                }}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <label class="choice filter-alerts" for="filter-alerts">
                    <input type="checkbox" id="filter-alerts" prop:checked=move || open_only.get()
                        on:change=move |ev| open_only.set(event_target_checked(&ev))/>
                    <span>{text!("desk-filter-open-alerts")}</span>
                </label>
            </form>
            <div class="patients-count-row">
                <p class="search-count" id="patient-search-count" role="status">{count_text}</p>
                {move || (filters.with(Filters::is_narrowed) || asked.with(|a| a.show != Show::All || !a.drug.is_empty())).then(|| view! {
                    <button type="button" class="secondary" on:click=clear>{text!("desk-filters-clear")}</button>
                })}
            </div>
            <p class="error" role="alert">{move || failure.get().map(|e| error_text(&e))}</p>
            {move || (!loaded.get() && failure.with(Option::is_none)).then(|| view! {
                <p aria-busy="true">{text!("loading")}</p>
            })}
            <ul class="patient-list" role="list">
                <For each=move || shown.get() key=|row| (row.patient_id, row.enrolled_devices) children=move |row| {
                    let counts = Signal::derive(move || open_alerts.with(|a| a.get(&row.patient_id).copied().unwrap_or_default()));
                    view! { <PatientListRow row=row.clone() alerts=counts/> }
                }/>
            </ul>
            {move || cursor.get().map(|next| view! {
                <button type="button" class="secondary wide" aria-disabled=move || busy.get().to_string()
                    on:click=move |_| load(Some(next.clone()))>
                    {text!("desk-patients-more")}
                </button>
            })}
        </div>
    }
}

/// "Born Apr 9, 1961 · MRN 0042", or "not recorded" for each missing.
fn identifiers_text(date_of_birth: Option<chrono::NaiveDate>, mrn: Option<&str>) -> String {
    let born = date_of_birth.map(date_text).unwrap_or_else(|| tr!("header-not-recorded"));
    let mrn = mrn.map(str::to_string).unwrap_or_else(|| tr!("header-not-recorded"));
    tr!("desk-patient-identifiers", born = born, mrn = mrn)
}

#[component]
fn PatientListRow(row: PatientRow, alerts: Signal<OpenAlerts>) -> impl IntoView {
    let PatientRow { patient_id, display_name, enrolled_devices, created_at, date_of_birth, mrn } = row;
    let enrolled_on = created_at.with_timezone(&chrono::Local).date_naive();
    view! {
        <li class="patient-row" data-testid="patient-row">
            <a class="patient-link" href=patient_href(patient_id)>{display_name}</a>
            <span class="patient-ids">{move || identifiers_text(date_of_birth, mrn.as_deref())}</span>
            <span class="patient-enrolled">{move || tr!("desk-patient-enrolled", date = date_text(enrolled_on))}</span>
            <span class="patient-phone" data-connected=(enrolled_devices > 0).to_string()>
                {move || if enrolled_devices > 0 {
                    tr!("desk-patient-phones", count = enrolled_devices)
                } else {
                    tr!("desk-patient-no-phone")
                }}
            </span>
            <span class="patient-alerts" data-urgent=move || (alerts.get().urgent > 0).to_string()>
                {move || {
                    let OpenAlerts { total, urgent } = alerts.get();
                    match (total, urgent) {
                        (0, _) => tr!("desk-patient-no-alerts"),
                        (total, 0) => tr!("desk-patient-alerts", count = total),
                        (total, urgent) => tr!("desk-patient-alerts-urgent", count = total, urgent = urgent),
                    }
                }}
            </span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, devices: i64, days_ago: i64) -> PatientRow {
        PatientRow { patient_id: Uuid::new_v4(), display_name: name.into(), enrolled_devices: devices, created_at: Utc::now() - Duration::days(days_ago), date_of_birth: None, mrn: None }
    }

    #[test]
    fn names_match_every_word_ignoring_case_and_accents() {
        assert!(name_matches("Rosa Díaz", "rosa diaz"));
        assert!(name_matches("Rosa Díaz", "DÍAZ"));
        assert!(name_matches("Rosa Díaz", "  ros  "));
        assert!(name_matches("Rosa Díaz", "diaz rosa"));
        assert!(name_matches("Rosa Díaz", ""));
        assert!(!name_matches("Rosa Díaz", "rosa perez"));
        assert!(name_matches("José Núñez", "jose nunez"));
    }

    #[test]
    fn filters_keep_what_was_asked_for() {
        let now = Utc::now();
        let fresh = row("Grace Mensah", 0, 0);
        let old = row("Luis Ortega", 2, 40);
        let alerts: HashMap<Uuid, OpenAlerts> = [(old.patient_id, OpenAlerts { total: 1, urgent: 1 })].into();
        let any = Filters { query: String::new(), phone: PhoneFilter::Any, enrolled_within_days: None, open_alerts_only: false };
        assert!(!any.is_narrowed());
        assert!(any.keeps(&fresh, &alerts, now) && any.keeps(&old, &alerts, now));
        let no_phone = Filters { phone: PhoneFilter::NotConnected, ..any.clone() };
        assert!(no_phone.keeps(&fresh, &alerts, now) && !no_phone.keeps(&old, &alerts, now));
        let connected = Filters { phone: PhoneFilter::Connected, ..any.clone() };
        assert!(!connected.keeps(&fresh, &alerts, now) && connected.keeps(&old, &alerts, now));
        let recent = Filters { enrolled_within_days: Some(7), ..any.clone() };
        assert!(recent.keeps(&fresh, &alerts, now) && !recent.keeps(&old, &alerts, now));
        let with_alerts = Filters { open_alerts_only: true, ..any.clone() };
        assert!(!with_alerts.keeps(&fresh, &alerts, now) && with_alerts.keeps(&old, &alerts, now));
        let named = Filters { query: "grace".into(), ..any };
        assert!(named.is_narrowed());
        assert!(named.keeps(&fresh, &alerts, now) && !named.keeps(&old, &alerts, now));
    }

    #[test]
    fn a_search_by_date_of_birth_or_mrn_keeps_the_rows_the_server_found() {
        let rosa = PatientRow { date_of_birth: "1961-04-09".parse().ok(), mrn: Some("MRN-0042".into()), ..row("Rosa Díaz", 1, 3) };
        let old = row("Old Record", 1, 400);
        assert!(identifier_or_name_matches(&rosa, "1961-04-09"));
        assert!(identifier_or_name_matches(&rosa, "04/09/1961"));
        assert!(!identifier_or_name_matches(&rosa, "1961-04-10"));
        assert!(!identifier_or_name_matches(&old, "1961-04-09"), "no date of birth recorded");
        assert!(identifier_or_name_matches(&rosa, " MRN-0042 "));
        assert!(!identifier_or_name_matches(&rosa, "MRN-004"));
        assert!(identifier_or_name_matches(&rosa, "diaz"));
        assert!(identifier_or_name_matches(&old, ""));
    }

    #[test]
    fn the_server_is_asked_for_the_filters_chosen() {
        let asked = |query: &str, show: Show, drug: &str| Asked { query: query.into(), show, drug: drug.into() };
        assert_eq!(page_path(&asked("", Show::All, " "), None), format!("/api/pharmacy/patients?limit={PAGE}"));
        assert_eq!(
            page_path(&asked("rosa", Show::NoCheckIn, ""), Some("c1")),
            format!("/api/pharmacy/patients?limit={PAGE}&q=rosa&show=no_check_in&days=14&cursor=c1")
        );
        assert_eq!(page_path(&asked("", Show::OnHold, "Capecitabina"), None), format!("/api/pharmacy/patients?limit={PAGE}&show=on_hold&drug=Capecitabina"));
        assert_eq!(page_path(&asked("", Show::LowAdherence, ""), None), format!("/api/pharmacy/patients?limit={PAGE}&show=low_adherence"));
        assert_eq!(page_path(&asked("", Show::RefillDue, ""), None), format!("/api/pharmacy/patients?limit={PAGE}&show=refill_due"));
        assert_eq!(page_path(&asked("Díaz & co", Show::All, ""), None), format!("/api/pharmacy/patients?limit={PAGE}&q=D%C3%ADaz%20%26%20co"));
    }

    #[test]
    fn the_list_reads_as_an_array_or_as_a_page() {
        let one = r#"{"patient_id":"6f1c2b7e-8d54-4a39-9d1e-1c7c9c0e5a11","display_name":"Rosa Díaz","enrolled_devices":1,"created_at":"2026-01-05T10:00:00Z"}"#;
        let (rows, next) = serde_json::from_str::<PatientsAnswer>(&format!("[{one}]")).unwrap().into_parts();
        assert_eq!((rows.len(), next), (1, None));
        let (rows, next) = serde_json::from_str::<PatientsAnswer>(&format!(r#"{{"patients":[{one}],"next_cursor":"abc"}}"#)).unwrap().into_parts();
        assert_eq!((rows[0].display_name.as_str(), next.as_deref()), ("Rosa Díaz", Some("abc")));
        let (rows, next) = serde_json::from_str::<PatientsAnswer>(&format!(r#"{{"items":[{one}],"next_cursor":null,"extra":1}}"#)).unwrap().into_parts();
        assert_eq!((rows.len(), next), (1, None));
    }
}
