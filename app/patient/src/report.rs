//! `/report`: one symptom any time, without the whole check-in (issue #14 item 8). The patient picks the symptom
//! from their own form (the items the pharmacy chose for their regimen); `/check-in?symptom=<id>` then asks only its
//! questions and a note, and the same rules as a check-in say what to do. It does not stand in for the check-in
//! that is due ([`carepath_domain::checkin::CheckInScope::OneSymptom`]).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::device::Device;
use crate::patient::CallNow;
use carepath_ui::i18n::current;
use carepath_ui::text;

#[component]
pub fn ReportSymptomScreen() -> impl IntoView {
    let device = expect_context::<Device>();
    // Keyboard and screen-reader focus on the new screen's heading, as the check-in's steps do.
    crate::patient::focus_soon("report-title".into());
    let items = move || {
        let lang = current();
        device
            .profile
            .get()
            .flatten()
            .and_then(|p| p.check_in)
            .map(|f| f.items.iter().map(|i| (i.id.clone(), i.text_in(&lang).name.clone())).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <section aria-labelledby="report-title">
            <h1 id="report-title" tabindex="-1">{text!("report-symptom-title")}</h1>
            <p>{text!("report-symptom-intro")}</p>
            <p class="hint">{text!("report-symptom-emergency")}</p>
            {move || {
                let items = items();
                if items.is_empty() {
                    return view! { <p>{text!("check-in-no-items")}</p> }.into_any();
                }
                view! {
                    <ul class="symptom-picker" role="list" data-testid="symptom-picker">
                        {items.into_iter().map(|(id, name)| view! {
                            <li><A href=format!("/check-in?symptom={id}") attr:class="button secondary wide" attr:data-symptom=id>{name}</A></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <A href="/" attr:class="button secondary wide">{text!("nav-today")}</A>
            {move || device.profile.get().flatten().map(|p| view! { <CallNow site=p.site/> })}
        </section>
    }
}
