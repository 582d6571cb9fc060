//! `/diary`: adherence, the cycle calendar and every record.

use std::collections::BTreeSet;

use carepath_domain::adherence::summarize;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::{all_records, diary_records, outcome_text, superseded, DoseRecord};
use crate::device::Device;
use crate::patient::{profile, slot_label};
use carepath_ui::format;
use carepath_ui::regimen_text::date_text;
use carepath_ui::{text, tr};

/// `/diary`: per regimen line, adherence, the cycle calendar and every record (corrections shown, not hidden).
#[component]
pub fn DiaryScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let today = format::today();
    view! {
        <section aria-labelledby="diary-title">
            <h1 id="diary-title">{text!("diary-title")}</h1>
            {move || {
                let p = profile();
                let records = all_records(device);
                p.regimen.into_iter().map(|line| {
                    let line_records = diary_records(&records, line.id);
                    let summary = summarize(&line, &line_records, today).ok();
                    let history: Vec<DoseRecord> = records.iter().filter(|r| r.line == line.id).rev().cloned().collect();
                    let corrected = superseded(&records);
                    let title = format!("{} {}", line.drug_name(), line.regimen.strength);
                    view! {
                        <section class="card" aria-label=title.clone()>
                            <h2>{title.clone()}</h2>
                            {summary.map(|s| view! { <carepath_ui::calendar::AdherenceFigures summary=s for_pharmacist=false/> })}
                            <carepath_ui::calendar::CycleCalendar line=line.clone() records=line_records today=today/>
                            <h3>{text!("diary-history")}</h3>
                            <DiaryHistory records=history corrected=corrected/>
                        </section>
                    }
                }).collect_view()
            }}
            <section class="card" aria-labelledby="upcoming-title">
                <h2 id="upcoming-title">{text!("diary-upcoming-title")}</h2>
                {move || view! { <carepath_ui::calendar::UpcomingDoses lines=profile().regimen today=today days=7/> }}
            </section>
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
        </section>
    }
}

/// Records newest first; a corrected record stays, struck through and marked.
#[component]
pub fn DiaryHistory(records: Vec<DoseRecord>, corrected: BTreeSet<Uuid>) -> impl IntoView {
    if records.is_empty() {
        return view! { <p>{text!("diary-history-empty")}</p> }.into_any();
    }
    view! {
        <ol class="history diary-history" role="list">
            {records.into_iter().map(|r| {
                let was_corrected = corrected.contains(&r.id);
                let r2 = r.clone();
                view! {
                    <li class:superseded=was_corrected>
                        <span class="history-when">{move || date_text(r2.date)}" · "{move || slot_label(r2.slot)}</span>" "
                        {if was_corrected {
                            view! { <s>{move || outcome_text(r.outcome, r.taken_at)}</s>" "<span class="badge">{text!("diary-corrected")}</span> }.into_any()
                        } else {
                            view! { <span>{move || outcome_text(r.outcome, r.taken_at)}</span> }.into_any()
                        }}
                        {r.logged_by.clone().map(|name| view! { " " <span class="hint">{move || tr!("diary-logged-by", name = name.clone())}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
