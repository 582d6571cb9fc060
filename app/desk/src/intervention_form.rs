//! Documenting an intervention: what the pharmacist did (called the patient, advised a dose hold, …), how it ended,
//! and a note. The fields are shared by the alert card's folded "Document intervention" form (which may also
//! acknowledge the alert), the patient page (the patient alone) and a worklist item's "Done" form; the patient
//! page lists what was documented.

use carepath_domain::intervention::{InterventionKind, InterventionOutcome, InterventionRequest, InterventionView};
use carepath_domain::worklist::MAX_NOTE;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

use carepath_ui::api;
use carepath_ui::format;
use carepath_ui::i18n::current;
use crate::pharmacy::error_text;
use carepath_ui::tr;
use carepath_ui::text;

pub fn kind_text(kind: InterventionKind) -> String {
    match kind {
        InterventionKind::CalledPatient => tr!("intervention-kind-called-patient"),
        InterventionKind::AdvisedDoseHold => tr!("intervention-kind-advised-dose-hold"),
        InterventionKind::ReferredToClinic => tr!("intervention-kind-referred-to-clinic"),
        InterventionKind::ReferredToEmergency => tr!("intervention-kind-referred-to-emergency"),
        InterventionKind::EducatedPatient => tr!("intervention-kind-educated-patient"),
        InterventionKind::ContactedPrescriber => tr!("intervention-kind-contacted-prescriber"),
        InterventionKind::Other => tr!("intervention-kind-other"),
    }
}

pub fn outcome_text(outcome: InterventionOutcome) -> String {
    match outcome {
        InterventionOutcome::Resolved => tr!("intervention-outcome-resolved"),
        InterventionOutcome::FollowUpNeeded => tr!("intervention-outcome-follow-up-needed"),
        InterventionOutcome::Referred => tr!("intervention-outcome-referred"),
        InterventionOutcome::CouldNotReach => tr!("intervention-outcome-could-not-reach"),
    }
}

/// What the fields hold.
#[derive(Clone, Copy)]
pub struct InterventionDraft {
    pub kind: RwSignal<InterventionKind>,
    pub outcome: RwSignal<InterventionOutcome>,
    pub note: RwSignal<String>,
}

impl InterventionDraft {
    pub fn new() -> Self {
        InterventionDraft {
            kind: RwSignal::new(InterventionKind::CalledPatient),
            outcome: RwSignal::new(InterventionOutcome::Resolved),
            note: RwSignal::new(String::new()),
        }
    }

    pub fn request(&self, alert_id: Option<Uuid>, acknowledge: bool) -> InterventionRequest {
        InterventionRequest {
            kind: self.kind.get_untracked().as_str().into(),
            outcome: self.outcome.get_untracked().as_str().into(),
            note: self.note.get_untracked(),
            alert_id,
            acknowledge,
        }
    }
}

impl Default for InterventionDraft {
    fn default() -> Self {
        Self::new()
    }
}

/// Type, outcome and note, labelled; `prefix` makes the ids unique on the page.
#[component]
pub fn InterventionFields(prefix: String, draft: InterventionDraft) -> impl IntoView {
    let (kind_id, outcome_id, note_id) = (format!("{prefix}-kind"), format!("{prefix}-outcome"), format!("{prefix}-note"));
    let hint_id = format!("{prefix}-note-hint");
    view! {
        <label for=kind_id.clone()>{text!("intervention-kind-label")}</label>
        <select id=kind_id on:change=move |ev| {
            if let Some(kind) = InterventionKind::parse(&event_target_value(&ev)) {
                draft.kind.set(kind);
            }
        }>
            {InterventionKind::ALL.into_iter().map(|kind| view! {
                <option value=kind.as_str() prop:selected=move || draft.kind.get() == kind>{move || kind_text(kind)}</option>
            }).collect_view()}
        </select>
        <label for=outcome_id.clone()>{text!("intervention-outcome-label")}</label>
        <select id=outcome_id on:change=move |ev| {
            if let Some(outcome) = InterventionOutcome::parse(&event_target_value(&ev)) {
                draft.outcome.set(outcome);
            }
        }>
            {InterventionOutcome::ALL.into_iter().map(|outcome| view! {
                <option value=outcome.as_str() prop:selected=move || draft.outcome.get() == outcome>{move || outcome_text(outcome)}</option>
            }).collect_view()}
        </select>
        <label for=note_id.clone()>{text!("intervention-note-label")}</label>
        <p class="hint" id=hint_id.clone()>{text!("intervention-note-hint")}</p>
        <textarea id=note_id rows="3" maxlength=MAX_NOTE.to_string() aria-describedby=hint_id bind:value=draft.note></textarea>
    }
}

/// A folded "Document intervention" form, about an alert (which it may also acknowledge) or the patient alone.
#[component]
pub fn InterventionDetails(patient_id: Uuid, #[prop(optional)] alert_id: Option<Uuid>, on_saved: Callback<()>) -> impl IntoView {
    let prefix = match alert_id {
        Some(id) => format!("intervention-{id}"),
        None => format!("intervention-patient-{patient_id}"),
    };
    let draft = InterventionDraft::new();
    let acknowledge = RwSignal::new(true);
    let status = RwSignal::new(None::<String>);
    let save = Action::new_local(move |request: &InterventionRequest| {
        let request = request.clone();
        async move {
            api::post::<_, InterventionView>(&format!("/api/pharmacy/patients/{patient_id}/interventions"), &request, None).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            draft.note.set(String::new());
            status.set(Some(tr!("intervention-saved")));
            on_saved.run(());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        status.set(None);
        save.dispatch(draft.request(alert_id, alert_id.is_some() && acknowledge.get_untracked()));
    };
    let ack_id = format!("{prefix}-acknowledge");
    view! {
        <details class="fold intervention-fold" data-testid="intervention-form">
            <summary>{text!("intervention-document")}</summary>
            <form class="intervention-form fold-body" on:submit=on_submit>
                <InterventionFields prefix=prefix.clone() draft=draft/>
                {alert_id.map(|_| view! {
                    <label class="choice" for=ack_id.clone()>
                        <input type="checkbox" id=ack_id.clone() bind:checked=acknowledge/>
                        <span>{text!("intervention-also-acknowledge")}</span>
                    </label>
                })}
                <p class="error" role="alert">{move || save.value().get().and_then(Result::err).map(|e| error_text(&e))}</p>
                <p class="status" role="status">{move || status.get()}</p>
                <button type="submit" class="primary" aria-disabled=move || save.pending().get().to_string()>
                    {text!("intervention-save")}
                </button>
            </form>
        </details>
    }
}

/// The interventions documented for a patient, newest first.
#[component]
pub fn InterventionList(interventions: Signal<Vec<InterventionView>>) -> impl IntoView {
    view! {
        <h3>{text!("intervention-list-title")}</h3>
        {move || interventions.with(Vec::is_empty).then(|| view! { <p>{text!("intervention-none")}</p> })}
        <ul class="interventions" role="list" data-testid="interventions">
            {move || interventions.get().into_iter().map(|i| {
                let meta = tr!("intervention-meta", name = i.by.clone(), time = format::date_time(i.at, &current()));
                view! {
                    <li data-kind=i.kind.as_str()>
                        <p><strong>{kind_text(i.kind)}</strong>" · "{outcome_text(i.outcome)}</p>
                        <p class="alert-meta">{meta}</p>
                        {(!i.note.is_empty()).then(|| view! { <p class="note-body">{i.note.clone()}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
