//! The program page (`/pharmacy/program`): for the last 30 or 90 days, the figures an oncology practice reports for
//! value-based care — check-in completion against each patient's cadence, the share of check-ins raising an alert,
//! the median time to acknowledge (urgent and routine), interventions by type and outcome, and the 30-day PDC
//! bands — with CSV downloads of the figures and of every intervention.

use carepath_domain::intervention::{ProgramFigures, PROGRAM_PERIODS};
use carepath_domain::sync::PharmacistInfo;
use carepath_domain::worklist::PdcBand;
use leptos::prelude::*;

use crate::alerts::duration_text;
use carepath_ui::api::{self, ApiError};
use crate::intervention_form::{kind_text, outcome_text};
use crate::pharmacy::{desk_title, error_text, DeskNav, DeskPage, Login};
use carepath_ui::regimen_text::date_text;
use carepath_ui::tr;
use carepath_ui::text;

#[component]
pub fn ProgramPage() -> impl IntoView {
    desk_title(|| tr!("desk-title-program"));
    let me = LocalResource::new(|| api::get::<PharmacistInfo>("/api/pharmacy/me", None));
    move || match me.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(Ok(_)) => view! { <Program/> }.into_any(),
        Some(Err(ApiError::Server { status: 401, code, .. })) => view! { <Login on_login=move || me.refetch() after=code/> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow" aria-labelledby="program-error-title">
                <h1 id="program-error-title">{text!("program-title")}</h1>
                <p class="error" role="alert">{error_text(&e)}</p>
                <button type="button" class="secondary" on:click=move |_| me.refetch()>{text!("timeline-retry")}</button>
            </section>
        }
        .into_any(),
    }
}

fn band_text(band: PdcBand) -> String {
    match band {
        PdcBand::Below50 => tr!("program-pdc-below-50"),
        PdcBand::From50To79 => tr!("program-pdc-50-79"),
        PdcBand::From80To89 => tr!("program-pdc-80-89"),
        PdcBand::AtLeast90 => tr!("program-pdc-90"),
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_string())
}

#[component]
fn Program() -> impl IntoView {
    let days = RwSignal::new(PROGRAM_PERIODS[0]);
    let figures = LocalResource::new(move || {
        let days = days.get();
        async move { api::get::<ProgramFigures>(&format!("/api/pharmacy/program?days={days}"), None).await }
    });
    view! {
        <DeskNav current=DeskPage::Program/>
        <h1>{text!("program-title")}</h1>
        <p class="hint">{text!("program-hint")}</p>
        <fieldset class="program-period">
            <legend>{text!("program-period")}</legend>
            {PROGRAM_PERIODS.into_iter().map(|d| {
                let id = format!("program-days-{d}");
                view! {
                    <label class="choice" for=id.clone()>
                        <input type="radio" name="program-days" id=id.clone() value=d.to_string() prop:checked=move || days.get() == d
                            on:change=move |_| days.set(d)/>
                        <span>{move || tr!("program-days", days = d)}</span>
                    </label>
                }
            }).collect_view()}
        </fieldset>
        <p class="downloads">
            <a class="button secondary" href=move || format!("/api/pharmacy/program/figures.csv?days={}", days.get()) download data-testid="figures-csv">
                {text!("program-download-figures")}
            </a>
            " "
            <a class="button secondary" href=move || format!("/api/pharmacy/program/interventions.csv?days={}", days.get()) download data-testid="interventions-csv">
                {text!("program-download-interventions")}
            </a>
        </p>
        {move || match figures.get() {
            None => view! { <p aria-busy="true">{text!("loading")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
            Some(Ok(f)) => view! { <Figures figures=f/> }.into_any(),
        }}
    }
}

#[component]
fn Figures(figures: ProgramFigures) -> impl IntoView {
    let f = figures;
    let completion = or_dash(f.completion_percent().map(|p| tr!("program-percent", value = p)));
    let alerted = or_dash(f.alerted_percent().map(|p| tr!("program-percent", value = p)));
    let urgent = or_dash(f.median_minutes_urgent.map(duration_text));
    let routine = or_dash(f.median_minutes_routine.map(duration_text));
    let total = f.intervention_total();
    let period = tr!("program-period-dates", from = date_text(f.from), to = date_text(f.to));
    view! {
        <p>{period}</p>
        <div class="program-grid">
            <section class="card" aria-labelledby="program-check-ins-title">
                <h2 id="program-check-ins-title">{text!("program-check-ins-title")}</h2>
                <dl class="figures">
                    <dt>{text!("program-completion")}</dt>
                    <dd data-testid="completion">{completion}" "<span class="hint">{tr!("program-received-of-expected", received = f.check_ins_received, expected = f.check_ins_expected)}</span></dd>
                    <dt>{text!("program-alerted")}</dt>
                    <dd>{alerted}" "<span class="hint">{tr!("program-alerted-count", count = f.check_ins_alerted)}</span></dd>
                    <dt>{text!("program-median-urgent")}</dt>
                    <dd>{urgent}" "<span class="hint">{tr!("program-acknowledged-count", count = f.acknowledged_urgent)}</span></dd>
                    <dt>{text!("program-median-routine")}</dt>
                    <dd>{routine}" "<span class="hint">{tr!("program-acknowledged-count", count = f.acknowledged_routine)}</span></dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="program-interventions-title">
                <h2 id="program-interventions-title">{text!("program-interventions-title")}</h2>
                <p data-testid="intervention-total">{tr!("program-interventions-total", count = total)}</p>
                {(!f.interventions.is_empty()).then(|| view! {
                    <table class="program-table">
                        <caption class="visually-hidden">{text!("program-interventions-title")}</caption>
                        <thead><tr>
                            <th scope="col">{text!("intervention-kind-label")}</th>
                            <th scope="col">{text!("intervention-outcome-label")}</th>
                            <th scope="col">{text!("program-count")}</th>
                        </tr></thead>
                        <tbody>
                            {f.interventions.iter().map(|(kind, outcome, n)| view! {
                                <tr><td>{kind_text(*kind)}</td><td>{outcome_text(*outcome)}</td><td>{*n}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </section>
            <section class="card" aria-labelledby="program-pdc-title">
                <h2 id="program-pdc-title">{text!("program-pdc-title")}</h2>
                <p class="hint">{text!("program-pdc-hint")}</p>
                <table class="program-table">
                    <caption class="visually-hidden">{text!("program-pdc-title")}</caption>
                    <thead><tr>
                        <th scope="col">{text!("program-pdc-band")}</th>
                        <th scope="col">{text!("program-patients")}</th>
                    </tr></thead>
                    <tbody>
                        {f.pdc_bands.iter().map(|(band, n)| view! { <tr><td>{band_text(*band)}</td><td>{*n}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}
