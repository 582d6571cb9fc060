//! "Remove this person from this phone" (`/remove-person`, issue #15 item 3), and the notice that a profile left
//! this phone (removed here, or by the pharmacy at the next sync). The removal says first what it deletes; it
//! sends what waits before deleting, and if that cannot be sent it says how many records would be lost and asks
//! again. The "Call right away" advice stays on the screen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::device::{Device, EndedWhy};
use crate::patient::CallNow;
use carepath_ui::{text, tr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Ask,
    Sending,
    /// This many records could not be sent: removing now loses them.
    Unsent(usize),
    Removing,
    Failed,
}

#[component]
pub fn RemovePersonScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    let navigate = leptos_router::hooks::use_navigate();
    let step = RwSignal::new(Step::Ask);
    let name = move || device.profile.with(|p| p.as_ref().and_then(|p| p.as_ref()).map(|p| p.display_name.clone()).unwrap_or_default());
    let remove = move |key: String| {
        step.set(Step::Removing);
        let navigate = navigate.clone();
        spawn_local(async move {
            match device.remove_profile(&key).await {
                Ok(()) => navigate("/", Default::default()),
                Err(_) => step.set(Step::Failed),
            }
        });
    };
    let remove_now = remove.clone();
    // Whatever waits goes first; only what still cannot be sent is asked about.
    let send_first = move || {
        let Some(key) = device.active.get_untracked() else { return };
        step.set(Step::Sending);
        let remove = remove.clone();
        spawn_local(async move {
            device.sync_and_wait().await;
            match device.unsent(&key).await {
                Ok(0) => remove(key),
                Ok(n) => step.set(Step::Unsent(n)),
                Err(_) => step.set(Step::Failed),
            }
        });
    };
    let send_again = send_first.clone();
    let busy = move || matches!(step.get(), Step::Sending | Step::Removing);
    view! {
        <section class="card narrow remove-person" aria-labelledby="remove-person-title">
            // One closure for the warning's words (less code in the wasm than one per text).
            {move || {
                let n = name();
                let others = (device.enrollments.with(Vec::len) > 1).then(|| tr!("remove-person-others"));
                view! {
                    <h1 id="remove-person-title">{tr!("remove-person-title", name = n.clone())}</h1>
                    <p>{tr!("remove-person-intro", name = n.clone())}</p>
                    <p>{tr!("remove-person-after", name = n)}</p>
                    {others.map(|words| view! { <p>{words}</p> })}
                }
            }}
            <div role="alert">
                {move || match step.get() {
                    Step::Unsent(n) => Some(view! {
                        <div class="unsent-warning" data-testid="remove-person-unsent" data-count=n.to_string()>
                            <p class="error">{tr!("remove-person-unsent", count = n, name = name())}</p>
                            <p>{tr!("remove-person-unsent-hint", name = name())}</p>
                        </div>
                    }.into_any()),
                    Step::Failed => Some(view! { <p class="error">{text!("remove-person-failed")}</p> }.into_any()),
                    _ => None,
                }}
            </div>
            <p role="status" aria-live="polite">{move || busy().then(|| text!("remove-person-busy"))}</p>
            <div class="actions stacked">
                {move || match step.get() {
                    Step::Unsent(n) => {
                        let (send_again, remove_now) = (send_again.clone(), remove_now.clone());
                        view! {
                            <button type="button" class="primary wide" on:click=move |_| send_again()>{text!("remove-person-retry")}</button>
                            <button type="button" class="danger wide" data-testid="remove-person-anyway" on:click=move |_| {
                                if let Some(key) = device.active.get_untracked() {
                                    remove_now(key);
                                }
                            }>{tr!("remove-person-anyway", count = n)}</button>
                        }.into_any()
                    }
                    _ => {
                        let send_first = send_first.clone();
                        view! {
                            <button type="button" class="danger wide" data-testid="remove-person-confirm" disabled=busy
                                on:click=move |_| send_first()>{move || tr!("remove-person-submit", name = name())}</button>
                        }.into_any()
                    }
                }}
                <A href="/" attr:class="button secondary wide">{move || tr!("remove-person-cancel", name = name())}</A>
            </div>
        </section>
        {move || device.profile.get().flatten().map(|p| view! { <CallNow site=p.site/> })}
    }
}

/// What left this phone, said plainly until OK: above every screen of the app, the enroll screen too.
#[component]
pub fn EndedNotices() -> impl IntoView {
    let device = expect_context::<Device>();
    move || {
        let ended = device.ended.get();
        (!ended.is_empty()).then(|| {
            view! {
                <div class="card ended-notice" role="alert" data-testid="profile-ended">
                    {ended.into_iter().map(|e| {
                        let (why, words) = match e.why {
                            EndedWhy::Revoked => ("revoked", tr!("profile-ended-revoked", name = e.name.clone())),
                            EndedWhy::Expired => ("expired", tr!("profile-ended-expired", name = e.name.clone())),
                            EndedWhy::Removed => ("removed", tr!("profile-ended-removed", name = e.name.clone())),
                        };
                        view! { <p data-why=why>{words}</p> }
                    }).collect_view()}
                    <button type="button" class="secondary" on:click=move |_| spawn_local(async move { device.dismiss_ended().await })>
                        {text!("profile-ended-ok")}
                    </button>
                </div>
            }
        })
    }
}
