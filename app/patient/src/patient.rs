//! The patient's (or caregiver's) screens: enroll with a code, today's doses, a symptom check-in.

use carepath_domain::sync::{DeviceProfile, EventBody, PatientEvent, SiteInfo};
use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use carepath_ui::api::ApiError;
use crate::device::{Connection, Device};
use crate::outbox::StoredEvent;
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::tr;
use carepath_ui::text;
pub use carepath_ui::regimen_text::slot_label;

/// `/` and `/check-in`: enrollment first if this device has no patient yet.
#[component]
pub fn PatientShell(children: ChildrenFn) -> impl IntoView {
    let device = expect_context::<Device>();
    // Only whether the device is enrolled decides what shows: a profile refreshed by a sync must not rebuild the
    // screen under the patient's fingers (it would throw away a check-in half answered).
    let enrolled = Memo::new(move |_| device.profile.with(|p| p.as_ref().map(Option::is_some)));
    // A profile that left this phone (the pharmacy removed its access, or it was removed here) is said first.
    let locked = Memo::new(move |_| device.lock.get() == crate::device::Lock::Locked);
    let screen = move || match enrolled.get() {
        _ if locked.get() => view! { <crate::pin::LockScreen/> }.into_any(),
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(false) => view! { <EnrollScreen adding=false/> }.into_any(),
        Some(true) => view! {
            <ProfileSwitcher/>
            <SyncStatus/>
            {children()}
        }
        .into_any(),
    };
    view! { <crate::remove_person::EndedNotices/>{screen} }
}

/// `/add-person`: another profile on this phone — a second patient, or a caregiver's code for someone they help.
#[component]
pub fn AddPersonScreen() -> impl IntoView {
    view! { <EnrollScreen adding=true/> }
}

/// Which person's diary is on screen, when this phone keeps more than one.
#[component]
fn ProfileSwitcher() -> impl IntoView {
    let device = expect_context::<Device>();
    move || {
        let list = device.enrollments.get();
        (list.len() > 1).then(|| {
            let active = device.active.get();
            view! {
                <div class="profile-switcher">
                    <label for="profile-select">{text!("profile-switch-label")}</label>
                    <select id="profile-select" on:change=move |ev| {
                        let key = event_target_value(&ev);
                        spawn_local(async move { device.show(Some(key)).await });
                    }>
                        {list.into_iter().map(|e| {
                            let selected = active.as_deref() == Some(e.key.as_str());
                            let label = e.label();
                            view! { <option value=e.key.clone() selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// Replaces the address's `?code=…` with the bare path in the browser's history (not a navigation: the screen stays).
fn forget_code_in_address() {
    use wasm_bindgen::JsCast;
    let path = window().location().pathname().unwrap_or_else(|_| "/".into());
    let history = js_sys::Reflect::get(&window(), &"history".into()).ok();
    let replace = history.as_ref().and_then(|h| js_sys::Reflect::get(h, &"replaceState".into()).ok());
    if let (Some(history), Some(replace)) = (history, replace.and_then(|f| f.dyn_into::<js_sys::Function>().ok())) {
        let _ = replace.call3(&history, &wasm_bindgen::JsValue::NULL, &"".into(), &path.into());
    }
}

#[component]
fn EnrollScreen(adding: bool) -> impl IntoView {
    let device = expect_context::<Device>();
    let navigate = leptos_router::hooks::use_navigate();
    // The handout's QR opens `/?code=K7QM-4XRT`: the code is filled in, and taken out of the address (and history).
    let linked = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("code")).filter(|c| !c.trim().is_empty());
    if linked.is_some() {
        forget_code_in_address();
    }
    let code = RwSignal::new(linked.unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match device.enroll(code.get_untracked()).await {
                Ok(()) if adding => navigate("/", Default::default()),
                Ok(()) => {}
                Err(e) => error.set(Some(enroll_error_message(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card narrow" aria-labelledby="enroll-title">
            <h1 id="enroll-title">{move || if adding { tr!("add-person-title") } else { tr!("enroll-title") }}</h1>
            <p>{move || if adding { tr!("add-person-intro") } else { tr!("enroll-intro") }}</p>
            <form on:submit=on_submit novalidate>
                <label for="enroll-code">{text!("enroll-code-label")}</label>
                <p class="hint" id="enroll-code-hint">{text!("enroll-code-hint")}</p>
                <input id="enroll-code" name="code" type="text" inputmode="text" autocomplete="one-time-code"
                    autocapitalize="characters" spellcheck="false" required
                    aria-describedby="enroll-code-hint enroll-error"
                    aria-invalid=move || error.get().is_some().to_string()
                    bind:value=code/>
                <p id="enroll-error" class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { tr!("enroll-busy") } else { tr!("enroll-submit") }}
                </button>
            </form>
            {if adding {
                view! { <A href="/" attr:class="button secondary wide">{text!("diary-cancel")}</A> }.into_any()
            } else {
                view! { <p class="guides-link"><A href="/guides">{text!("nav-guides-before-enroll")}</A></p> }.into_any()
            }}
        </section>
    }
}

fn enroll_error_message(e: &ApiError) -> String {
    use carepath_domain::sync::ErrorCode;
    match e.code() {
        None => tr!("error-offline-enroll"),
        Some(ErrorCode::EnrollmentCodeUnknown) => tr!("enroll-error-unknown"),
        Some(ErrorCode::EnrollmentCodeExpired) => tr!("enroll-error-expired"),
        Some(ErrorCode::EnrollmentCodeUsed) => tr!("enroll-error-used"),
        Some(ErrorCode::TooManyAttempts) => tr!("error-too-many-attempts"),
        Some(_) => tr!("error-generic"),
    }
}

/// Always visible: is everything sent, and if not, that it is safe on this phone.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let device = expect_context::<Device>();
    let text = move || {
        let waiting = device.waiting.get();
        let offline = device.connection.get() == Connection::Offline;
        let lang = current();
        let last = device.last_synced.get().map(|t| format::time(t, &lang));
        match (offline, waiting, last) {
            (true, 0, _) => tr!("sync-offline-nothing-waiting"),
            (true, n, _) => tr!("sync-offline-waiting", count = n),
            (false, 0, Some(last)) => tr!("sync-all-sent", time = last),
            (false, 0, None) => tr!("sync-nothing-yet"),
            (false, n, _) => tr!("sync-waiting", count = n),
        }
    };
    let state = move || {
        if device.connection.get() == Connection::Offline {
            "offline"
        } else if device.waiting.get() > 0 {
            "waiting"
        } else {
            "synced"
        }
    };
    // Only when large: how much the app keeps on the phone, in words.
    let storage = move || {
        let used = device.storage.get().filter(crate::outbox::StorageUse::is_large)?;
        let lang = current();
        let size = storage_size(used.usage, &lang);
        Some(match used.share().filter(|s| *s > crate::outbox::LARGE_STORAGE_SHARE) {
            Some(share) => tr!("sync-storage-nearly-full", used = size, percent = format!("{:.0}", (share * 100.0).min(100.0))),
            None => tr!("sync-storage-large", used = size, days = carepath_domain::sync::PROFILE_DIARY_DAYS),
        })
    };
    view! {
        <div class="sync-status" role="status" aria-live="polite" data-state=state data-waiting=move || device.waiting.get().to_string()
            data-refused=move || device.refused.get().to_string() data-syncing=move || device.syncing.get().to_string()>
            <span class="sync-dot" aria-hidden="true"></span>
            <span>{text}</span>
            <Show when=move || { device.refused.get() > 0 }>
                <span class="error">{move || tr!("sync-refused", count = device.refused.get())}</span>
            </Show>
            {move || storage().map(|words| view! { <span class="sync-storage" data-testid="storage-use">{words}</span> })}
        </div>
        <Show when=move || device.storage_error.get().is_some()>
            <p class="error" role="alert">{text!("storage-error")}</p>
        </Show>
    }
}

/// A size in words: "850 MB", "1.2 GB" ("1,2 GB" in Spanish).
fn storage_size(bytes: f64, lang: &str) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let text = if bytes >= 1024.0 * MB { format!("{:.1} GB", bytes / (1024.0 * MB)) } else { format!("{:.0} MB", (bytes / MB).max(1.0)) };
    if lang.starts_with("es") { text.replace('.', ",") } else { text }
}

/// Red-flag advice: shown from the device itself, so it works offline.
#[component]
pub fn CallNow(site: SiteInfo, #[prop(optional)] fever_c_tenths: Option<i32>) -> impl IntoView {
    // The site's own fever threshold (capped at 38.3 °C), never a number written into the words; while the app is
    // locked, the one saved with the site's numbers.
    let device = expect_context::<crate::device::Device>();
    let fever = move || {
        let c = fever_c_tenths
            .unwrap_or_else(|| device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).map(|p| p.triage).unwrap_or_default()).fever_threshold());
        crate::guides::fever_threshold_text(c, &carepath_ui::i18n::current())
    };
    view! {
        <aside class="call-now" aria-labelledby="call-now-title">
            <h2 id="call-now-title">{text!("call-now-title")}</h2>
            <p>{move || tr!("call-now-body", fever = fever())}</p>
            <crate::call_links::CallLinks site=site urgent=true/>
        </aside>
    }
}

/// The profile on screen, its drug names in the patient's language where the drug has a guide ("Capecitabina"):
/// reactive to the profile and to the language.
pub fn profile() -> DeviceProfile {
    expect_context::<Device>().profile.get().flatten().expect("shown only when enrolled").in_language(&current())
}

/// The patient's name when a caregiver's profile is on screen (the screens then say "Rosa took it", "Rosa's
/// check-in"), `None` on the patient's own. Reactive.
pub fn caring_for() -> Option<String> {
    expect_context::<Device>().profile.with(|p| p.as_ref().flatten().filter(|p| p.caregiver.is_some()).map(|p| p.display_name.clone()))
}

#[component]
pub fn TodayScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let today = format::today();
    view! {
        <section aria-labelledby="today-title">
            <h1 id="today-title" tabindex="-1">{text!("today-title")}</h1>
            <p class="subtitle">{move || format::long_date(today, &current())}</p>
            // First what the pharmacy wrote; the numbers to call near the top too (issue #14 item 7).
            <NewMessages/>
            {move || {
                let p = profile();
                match p.caregiver {
                    Some(caregiver) => view! {
                        <p class="greeting" data-testid="caregiver-greeting">
                            {move || tr!("today-caregiver-greeting", name = caregiver.name.clone(), patient = p.display_name.clone())}
                        </p>
                    }.into_any(),
                    None => view! { <p class="greeting">{move || tr!("today-greeting", name = p.display_name.clone())}</p> }.into_any(),
                }
            }}
            <QuickContact/>
            <crate::reminders::ReminderBanner/>
            <crate::diary::TodayDoses/>
            <CheckInPrompt/>
            <A href="/report" attr:class="button secondary wide" attr:data-testid="report-symptom">{move || match caring_for() {
                Some(patient) => tr!("report-symptom-open-for", patient = patient),
                None => tr!("report-symptom-open"),
            }}</A>
            // Rarely needed: folded.
            <Messages/>
            <crate::reminders::RemindersCard/>
            <nav class="more-links" aria-label=text!("nav-more")>
                <A href="/diary" attr:class="button secondary">{text!("nav-diary")}</A>
                <A href="/guides" attr:class="button secondary">{text!("nav-guides")}</A>
                <A href="/my-check-ins" attr:class="button secondary">{text!("nav-my-check-ins")}</A>
                <A href="/add-person" attr:class="button secondary">{text!("nav-add-person")}</A>
                <A href="/pin" attr:class="button secondary" attr:data-testid="pin-settings">{text!("nav-pin")}</A>
                <A href="/remove-person" attr:class="button secondary" attr:data-testid="remove-person">
                    {move || tr!("nav-remove-person", name = profile().display_name)}
                </A>
            </nav>
            {move || device.profile.get().flatten().map(|p| view! { <CallNow site=p.site/> })}
        </section>
    }
}


/// When the last check-in was made on this device, if any.
fn last_check_in(device: Device) -> Option<chrono::DateTime<Utc>> {
    device.events.with(|events| {
        // One symptom reported between check-ins does not stand in for the check-in that is due.
        events
            .iter()
            .filter(|e| matches!(&e.event.body, EventBody::CheckIn(a) if a.scope.counts_as_check_in()))
            .map(|e| e.event.recorded_at)
            .max()
    })
}

/// The weekly (or as the pharmacy set) check-in: due, or when the next one is.
#[component]
fn CheckInPrompt() -> impl IntoView {
    let device = expect_context::<Device>();
    move || {
        let every = profile().check_in.map_or(carepath_domain::sync::DEFAULT_CHECK_IN_EVERY_DAYS, |f| f.every_days);
        let next_due = last_check_in(device).map(|t| t + chrono::Duration::days(i64::from(every)));
        match next_due.filter(|due| *due > Utc::now()) {
            None => view! {
                <div class="card check-in-due" data-testid="check-in-due">
                    <h2>{move || match caring_for() {
                        Some(patient) => tr!("check-in-due-title-for", patient = patient),
                        None => tr!("check-in-due-title"),
                    }}</h2>
                    <p>{text!("check-in-due-intro")}</p>
                    <A href="/check-in" attr:class="button primary wide">{move || match caring_for() {
                        Some(patient) => tr!("check-in-start-for", patient = patient),
                        None => tr!("check-in-start"),
                    }}</A>
                </div>
            }
            .into_any(),
            Some(due) => view! {
                <p class="hint">{move || tr!("check-in-next-due", date = format::long_date(due.with_timezone(&chrono::Local).date_naive(), &current()))}</p>
                <A href="/check-in" attr:class="button secondary wide">{text!("nav-check-in")}</A>
            }
            .into_any(),
        }
    }
}

/// Whether this device already recorded reading the message.
fn read_on_device(events: &[StoredEvent], id: Uuid) -> bool {
    events.iter().any(|e| matches!(e.event.body, EventBody::MessageRead { message_id } if message_id == id))
}

/// Whether the patient has read the message: the server says so, or this device recorded it.
fn is_read(device: Device, m: &carepath_domain::sync::PharmacyMessage) -> bool {
    m.read_at.is_some() || device.events.with(|events| read_on_device(events, m.id))
}

/// One message as shown: id, sender, when, text.
type Shown = (Uuid, String, chrono::DateTime<Utc>, String);

fn shown(device: Device, read: bool) -> Vec<Shown> {
    device.profile.with(|p| {
        p.as_ref()
            .and_then(|p| p.as_ref())
            .map(|p| {
                p.messages.iter().filter(|m| is_read(device, m) == read).map(|m| (m.id, m.from.clone(), m.sent_at, m.body.clone())).collect()
            })
            .unwrap_or_default()
    })
}

/// Moves focus to the element `id` once the screen has caught up (the list it is in may just have changed).
pub(crate) fn focus_soon(id: String) {
    gloo::timers::callback::Timeout::new(50, move || {
        use leptos::wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
    .forget();
}

/// New messages from the pharmacy team, at the top of Today until the patient taps "Got it": only that records
/// the `message_read` event (through the outbox, like any record) that tells the pharmacist it was read.
#[component]
fn NewMessages() -> impl IntoView {
    let device = expect_context::<Device>();
    // Only a change in the unread messages redraws them (a profile refresh must not take focus away).
    let unread = Memo::new(move |_| shown(device, false));
    let got_it = move |id: Uuid| {
        let next = unread.with_untracked(|list| list.iter().map(|m| m.0).find(|m| *m != id));
        let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::MessageRead { message_id: id } };
        spawn_local(async move {
            if device.record(event).await.is_ok() {
                focus_soon(next.map_or_else(|| "today-title".to_string(), |n| format!("got-it-{n}")));
            }
        });
    };
    move || {
        let messages = unread.get();
        (!messages.is_empty()).then(|| {
            let count = messages.len();
            view! {
                <section class="card messages new-messages check-in-due" role="region" aria-labelledby="new-messages-title" data-testid="new-messages">
                    <h2 id="new-messages-title">{move || tr!("messages-unread-title", count = count)}</h2>
                    <ul role="list">
                        {messages.into_iter().map(|(id, from, sent, body)| {
                            let button = format!("got-it-{id}");
                            let meta = format!("message-meta-{id}");
                            let text = format!("message-body-{id}");
                            let answer_describedby = text.clone();
                            view! {
                                <li class="message" data-new="true">
                                    <p class="message-meta" id=meta.clone()>
                                        {move || tr!("messages-from", name = from.clone(), time = format::date_time(sent, &current()))}
                                    </p>
                                    <p class="message-body" id=text.clone()>{body}</p>
                                    <button type="button" class="primary" id=button.clone()
                                        aria-labelledby=format!("{button} {meta}") aria-describedby=text
                                        on:click=move |_| got_it(id)>
                                        {text!("messages-got-it")}
                                    </button>
                                    <A href=format!("/messages?reply={id}") attr:class="button secondary"
                                        attr:data-testid="answer-message" attr:aria-describedby=answer_describedby>{text!("messages-answer")}</A>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

/// Messages from the pharmacy team the patient has already read, newest first.
#[component]
fn Messages() -> impl IntoView {
    let device = expect_context::<Device>();
    let read = Memo::new(move |_| shown(device, true));
    move || {
        let messages = read.get();
        (!messages.is_empty()).then(|| {
            let count = messages.len();
            view! {
                <details class="card messages folded" data-testid="messages">
                    <summary><h2 id="messages-title">{move || tr!("messages-earlier", count = count)}</h2></summary>
                    <ul role="list">
                        {messages.into_iter().take(5).map(|(_, from, sent, body)| {
                            view! {
                                <li class="message" data-new="false">
                                    <p class="message-meta">
                                        {move || tr!("messages-from", name = from.clone(), time = format::date_time(sent, &current()))}
                                    </p>
                                    <p class="message-body">{body}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <A href="/messages" attr:class="button secondary">{text!("messages-all")}</A>
                </details>
            }
        })
    }
}

/// The pharmacy's numbers and the messages page, at the top of Today: the after-hours line first at night
/// ([`crate::call_links::CallLinks`]).
#[component]
fn QuickContact() -> impl IntoView {
    let device = expect_context::<Device>();
    move || {
        device.profile.get().flatten().map(|p| view! {
            <section class="quick-contact" aria-labelledby="quick-contact-title" data-testid="quick-contact">
                <h2 id="quick-contact-title" class="visually-hidden">{text!("quick-contact-title")}</h2>
                <crate::call_links::CallLinks site=p.site answered_now=true/>
                <A href="/messages" attr:class="button secondary">{text!("messages-nav")}</A>
            </section>
        })
    }
}

/// The patient's own check-ins, newest first.
#[component]
pub fn MyCheckInsScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let names = move || profile().check_in.map(|f| carepath_domain::checkin::term_names(&f.items)).unwrap_or_default();
    let check_ins = move || {
        device.events.with(|events| {
            events
                .iter()
                .filter_map(|e| match &e.event.body {
                    EventBody::CheckIn(answers) => Some((e.event.recorded_at, answers.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section aria-labelledby="my-check-ins-title">
            <h1 id="my-check-ins-title">{text!("my-check-ins-title")}</h1>
            {move || {
                let list = check_ins();
                let names = names();
                if list.is_empty() {
                    return view! { <p>{text!("my-check-ins-empty")}</p> }.into_any();
                }
                let oldest_first: Vec<_> = list.iter().rev().map(|(at, answers)| (*at, answers)).collect();
                let trends = carepath_ui::trends::trend_points(&oldest_first);
                let trend_names = names.clone();
                view! {
                    <h2>{text!("my-check-ins-trends")}</h2>
                    {trends.into_iter().map(|(term, points)| {
                        let name = carepath_ui::reasons::term_name(&term, &trend_names);
                        view! { <carepath_ui::trends::SymptomTrend name=name points=points/> }
                    }).collect_view()}
                    <h2>{text!("my-check-ins-list")}</h2>
                    <ol class="history" role="list">
                        {list.into_iter().map(|(at, answers)| {
                            let names = names.clone();
                            view! {
                                <li class="card">
                                    <p class="queue-meta"><time datetime=at.to_rfc3339()>{move || format::date_time(at, &current())}</time></p>
                                    <p>{move || carepath_ui::reasons::check_in_summary(&answers, &names)}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
        </section>
    }
}
