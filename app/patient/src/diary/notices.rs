//! What the pharmacy tells the patient on a line's card: the care team's latest change, and refills.

use std::collections::BTreeSet;

use carepath_domain::adherence::summarize;
use carepath_domain::regimen::RegimenLine;
use carepath_domain::sync::{EventBody, PatientEvent};
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{all_records, diary_records};
use crate::device::Device;
use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::regimen_text::{change_notice_text, change_text, date_text};
use carepath_ui::{text, tr};

/// Storage key of the care-team changes the patient has already seen (change ids).
const SEEN_CHANGES_KEY: &str = "carepath.seen_changes";

fn seen_changes() -> BTreeSet<Uuid> {
    gloo::storage::LocalStorage::get::<BTreeSet<Uuid>>(SEEN_CHANGES_KEY).unwrap_or_default()
}

use gloo::storage::Storage as _;

/// "Your pharmacy changed your plan on …": what to do today, what happens next, then the changes themselves (the
/// care team's of the last 30 days), until the patient says OK to the latest.
#[component]
pub(super) fn ChangeNotice(line: RegimenLine) -> impl IntoView {
    let since = Utc::now() - chrono::Duration::days(30);
    let latest = line.latest_change_since(since).cloned();
    let dismissed = RwSignal::new(latest.as_ref().is_some_and(|c| seen_changes().contains(&c.id)));
    let line = StoredValue::new(line);
    latest.map(|change| {
        let id = change.id;
        let dismiss = move |_| {
            let mut seen = seen_changes();
            seen.insert(id);
            let _ = gloo::storage::LocalStorage::set(SEEN_CHANGES_KEY, &seen);
            dismissed.set(true);
        };
        let recorded = change.recorded_at;
        let what = StoredValue::new(change.change.clone());
        // Reactive like tr!: read again when the language changes.
        let words = move || line.with_value(|l| change_notice_text(l, format::today(), since));
        view! {
            <Show when=move || !dismissed.get()>
                <div class="notice change-notice" role="status" data-testid="change-notice">
                    <p><strong>{move || tr!("diary-change-notice", date = format::long_date(recorded.with_timezone(&chrono::Local).date_naive(), &current()))}</strong></p>
                    {move || match words() {
                        Some(notice) => view! {
                            <p class="change-today"><strong>{notice.today}</strong></p>
                            {notice.next.map(|next| view! { <p class="change-next">{next}</p> })}
                            <p class="hint">{text!("diary-change-list")}</p>
                            <ul class="change-list">{notice.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                        }.into_any(),
                        None => view! { <p>{move || what.with_value(change_text)}</p> }.into_any(),
                    }}
                    <p class="hint">{text!("diary-change-ask")}</p>
                    <button type="button" class="secondary" on:click=dismiss>{text!("diary-change-ok")}</button>
                </div>
            </Show>
        }
    })
}

/// When the supply is running low: the estimated run-out date and "request a refill" (a record sent to the pharmacy).
#[component]
pub(super) fn RefillCard(line: RegimenLine, today: NaiveDate) -> impl IntoView {
    let device = expect_context::<Device>();
    let line_id = line.id;
    let last_dispense = line.dispenses.iter().map(|d| d.recorded_at).max();
    let line = StoredValue::new(line);
    let summary = move || {
        let records = all_records(device);
        line.with_value(|l| summarize(l, &diary_records(&records, line_id), today).ok())
    };
    // A request made since the last dispense is still pending.
    let requested = move || {
        device.events.with(|events| {
            events
                .iter()
                .filter(|e| matches!(e.event.body, EventBody::RefillRequested { regimen_line_id } if regimen_line_id == line_id))
                .map(|e| e.event.recorded_at)
                .filter(|at| last_dispense.is_none_or(|d| *at > d))
                .max()
        })
    };
    let busy = RwSignal::new(false);
    let request = move |_| {
        if busy.get_untracked() || requested().is_some() {
            return;
        }
        busy.set(true);
        let event = PatientEvent { id: Uuid::new_v4(), recorded_at: Utc::now(), body: EventBody::RefillRequested { regimen_line_id: line_id } };
        spawn_local(async move {
            let _ = device.record(event).await;
            busy.set(false);
        });
    };
    move || {
        let summary = summary()?;
        let run_out = summary.run_out?;
        if !summary.refill_due {
            return Some(view! { <p class="hint supply">{move || tr!("diary-supply-until", date = date_text(run_out))}</p> }.into_any());
        }
        Some(match requested() {
            Some(at) => view! {
                <div class="notice refill" data-testid="refill-requested" role="status">
                    <p>{move || tr!("diary-refill-requested", date = format::date_time(at, &current()))}</p>
                </div>
            }
            .into_any(),
            None => view! {
                <div class="notice refill" data-testid="refill-due">
                    <p>{move || tr!("diary-refill-due", date = date_text(run_out))}</p>
                    <button type="button" class="primary" on:click=request disabled=move || busy.get()>{text!("diary-refill-request")}</button>
                </div>
            }
            .into_any(),
        })
    }
}
