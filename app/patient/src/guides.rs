//! Medication guides: the list (the patient's own medicines first, then all, with a search) and one guide in the
//! reader's language. Public content: works before enrollment too; once opened, a guide also opens offline (the
//! service worker keeps a copy). For an enrolled patient, opening a guide is noted for the pharmacy team.

use carepath_domain::sorting;
use carepath_domain::guide::{self, Block, Guide, GuideIndex, GuideListing, Inline, Placeholder};
use carepath_domain::sync::{DeviceProfile, SiteInfo};
use carepath_domain::triage::{celsius_tenths_to_fahrenheit_tenths, format_tenths, DEFAULT_FEVER_THRESHOLD_C_TENTHS};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use carepath_ui::api;
use crate::call_links::has_own_after_hours;
use crate::device::Device;
use carepath_ui::format;
use carepath_ui::i18n::{current, tr_dynamic};
use crate::patient::SyncStatus;
use carepath_ui::text_size::TextSizeControl;
use carepath_ui::tr;
use carepath_ui::text;

pub use carepath_ui::guide_index::{capitalized, load_index, GuideError};

async fn load_guide(drug: &str, lang: &str) -> Result<Guide, GuideError> {
    if !guide::is_valid_drug_id(drug) {
        return Err(GuideError::NotFound);
    }
    Ok(api::get::<Guide>(&format!("/guides/{lang}/{drug}.json"), None).await?)
}

fn enrolled_profile() -> Option<DeviceProfile> {
    expect_context::<Device>().profile.get().flatten()
}

/// A guides page: once the phone's stored state has been read (from IndexedDB, a moment after the app starts), the
/// sync status for an enrolled patient (guides need no enrollment) and the page. Until then "Loading…", as on the
/// patient's other pages: the status must not arrive later and push the page down under the reader's eyes.
#[component]
fn GuidePage(children: ChildrenFn) -> impl IntoView {
    let device = expect_context::<Device>();
    // As `PatientShell` reads it: not known yet, or whether a profile is on this phone (no copy of the profile).
    let enrolled = Memo::new(move |_| device.profile.with(|p| p.as_ref().map(Option::is_some)));
    move || match enrolled.get() {
        None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
        Some(enrolled) => view! { {enrolled.then(|| view! { <SyncStatus/> })} {children()} }.into_any(),
    }
}

/// Back to Today for an enrolled patient; back to the start (connect) page before enrollment.
#[component]
fn BackHome() -> impl IntoView {
    view! {
        <A href="/" attr:class="button secondary wide back-home">
            {move || if enrolled_profile().is_some() { tr!("nav-today") } else { tr!("guides-back-start") }}
        </A>
    }
}

/// `/guides`.
#[component]
pub fn GuideListScreen() -> impl IntoView {
    view! { <GuidePage><GuideListContent/></GuidePage> }
}

#[component]
fn GuideListContent() -> impl IntoView {
    let index = LocalResource::new(load_index);
    let query = RwSignal::new(String::new());
    view! {
        <section class="guides" aria-labelledby="guides-title">
            <h1 id="guides-title">{text!("guides-title")}</h1>
            <p>{text!("guides-intro")}</p>
            <div class="guide-search">
                <label for="guide-search">{text!("guides-search-label")}</label>
                <p class="hint" id="guide-search-hint">{text!("guides-search-hint")}</p>
                <input id="guide-search" type="search" autocomplete="off" spellcheck="false"
                    aria-describedby="guide-search-hint" bind:value=query/>
            </div>
            // "Back" comes with the answer, below it, rather than moving down when the list arrives.
            {move || match index.get() {
                None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{list_error_text(&e)}</p> <BackHome/> }.into_any(),
                Some(Ok(index)) => view! { <GuideLists index=index query=query/> <BackHome/> }.into_any(),
            }}
        </section>
    }
}

fn list_error_text(e: &GuideError) -> String {
    match e {
        GuideError::NotSaved => tr!("guides-offline"),
        GuideError::NotFound | GuideError::Other => tr!("error-generic"),
    }
}

#[component]
fn GuideLists(index: GuideIndex, query: RwSignal<String>) -> impl IntoView {
    let guides = StoredValue::new(index.guides);
    // Sorted by the name in the reader's language; filtered by the search.
    let shown = move |mine_only: bool| {
        let lang = current();
        let q = query.get();
        let regimen: Vec<String> = enrolled_profile().map(|p| p.regimen.iter().map(|l| l.drug_name().to_string()).collect()).unwrap_or_default();
        let mut list: Vec<GuideListing> = guides.with_value(|all| {
            all.iter()
                .filter(|g| !mine_only || regimen.iter().any(|line| g.is_named_in(line)))
                .filter(|g| g.matches_search(&q))
                .cloned()
                .collect()
        });
        sorting::sort_by_cached_key(&mut list, |g| g.names_in(&lang).map(|n| guide::fold(&n.generic_name)).unwrap_or_default());
        list
    };
    // Each list is worked out once per change of search, language or regimen, and shared by the count and the list.
    let mine = Memo::new(move |_| shown(true));
    let all = Memo::new(move |_| shown(false));
    view! {
        <p class="hint search-count" role="status">
            {move || (!query.get().trim().is_empty()).then(|| {
                let n = all.with(Vec::len);
                if n == 0 { tr!("guides-none-found", query = query.get().trim().to_string()) } else { tr!("guides-found", count = n) }
            })}
        </p>
        <GuideGroup listings=mine class="mine" title_id="guides-mine-title" title=|| tr!("guides-mine")/>
        <GuideGroup listings=all class="all" title_id="guides-all-title" title=|| tr!("guides-all")/>
    }
}

/// A titled list of guides; nothing at all when the list is empty.
#[component]
fn GuideGroup(
    listings: Memo<Vec<GuideListing>>,
    class: &'static str,
    title_id: &'static str,
    title: fn() -> String,
) -> impl IntoView {
    move || {
        let shown = listings.get();
        (!shown.is_empty()).then(|| view! {
            <h2 id=title_id>{title}</h2>
            <ul class=format!("guide-list {class}") role="list" aria-labelledby=title_id>
                {shown.into_iter().map(|g| view! { <GuideLink listing=g/> }).collect_view()}
            </ul>
        })
    }
}

#[component]
fn GuideLink(listing: GuideListing) -> impl IntoView {
    let href = format!("/guides/{}", listing.drug);
    let drug = listing.drug.clone();
    let listing = StoredValue::new(listing);
    let generic = move || listing.with_value(|l| l.names_in(&current()).map(|n| capitalized(&n.generic_name)).unwrap_or_default());
    let brands = move || listing.with_value(|l| l.names_in(&current()).map(|n| n.brand_names.join(", ")).unwrap_or_default());
    view! {
        <li>
            <A href=href attr:class="guide-link" attr:data-drug=drug>
                <span class="generic">{generic}</span>
                <span class="brands">{brands}</span>
            </A>
        </li>
    }
}

/// `/guides/:drug`.
#[component]
pub fn GuideScreen() -> impl IntoView {
    view! { <GuidePage><GuideContent/></GuidePage> }
}

#[component]
fn GuideContent() -> impl IntoView {
    let device = expect_context::<Device>();
    let params = use_params_map();
    let drug = move || params.read().get("drug").unwrap_or_default();
    let guide = LocalResource::new(move || {
        let (drug, lang) = (drug(), current());
        async move { load_guide(&drug, &lang).await.map(|g| (lang, g)) }
    });
    // Tell the pharmacy team the guide was opened (at most once per drug per day on this device).
    Effect::new(move |_| {
        if let (Some(Ok((lang, g))), Some(_)) = (guide.get(), device.profile.get().flatten()) {
            spawn_local(device.record_guide_view(g.drug, lang));
        }
    });
    view! {
        <div class="guide-tools">
            <A href="/guides" attr:class="back-to-list">{text!("guide-back-list")}</A>
            <TextSizeControl/>
        </div>
        {move || match guide.get() {
            None => view! { <p class="loading" aria-busy="true">{text!("loading")}</p> }.into_any(),
            Some(Err(e)) => view! {
                <h1>{text!("guides-title")}</h1>
                <p class="error" role="alert">{guide_error_text(&e)}</p>
                <BackHome/>
            }.into_any(),
            Some(Ok((_, g))) => view! { <GuideArticle guide=g/> <BackHome/> }.into_any(),
        }}
    }
}

fn guide_error_text(e: &GuideError) -> String {
    match e {
        GuideError::NotFound => tr!("guide-not-found"),
        GuideError::NotSaved => tr!("guide-offline"),
        GuideError::Other => tr!("error-generic"),
    }
}

#[component]
fn GuideArticle(guide: Guide) -> impl IntoView {
    let brands = guide.brand_names.join(", ");
    let pronunciation = guide.pronunciation.clone();
    let (label_revised, reviewed) = (guide.label_revised.clone(), guide.reviewed);
    let mut sections = guide.sections.iter().map(|(id, text)| (id, text.to_string()));
    let (start_id, start_here) = sections.next().expect("a guide has sections");
    let topics: Vec<(&'static str, String)> = sections.collect();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <article class="guide" aria-labelledby="guide-title" data-drug=guide.drug.clone()>
            <h1 id="guide-title">{capitalized(&guide.generic_name)}</h1>
            {(!brands.is_empty()).then(|| view! { <p class="brand-names">{move || tr!("guide-brand-names", names = brands.clone())}</p> })}
            <p class="pronunciation">{move || tr!("guide-pronunciation", pronunciation = pronunciation.clone())}</p>
            <p class="hint guide-checked">{move || tr!(
                "guide-checked",
                revised = label_revision_text(&label_revised),
                reviewed = review_date_text(reviewed, &current())
            )}</p>
            <p class="hint">{text!("guide-general-info")}</p>

            <CallList call=guide.call/>

            <details class="guide-section" id=format!("section-{start_id}") open>
                <summary>{move || tr_dynamic(&format!("guide-section-{start_id}"))}</summary>
                <div class="section-body"><SectionText text=start_here/></div>
            </details>

            <h2 class="topics-title">{text!("guide-topics")}</h2>
            <p class="hint">{text!("guide-topics-hint")}</p>
            {topics.into_iter().map(|(id, text)| view! {
                <details class="guide-section" id=format!("section-{id}")>
                    <summary>{move || tr_dynamic(&format!("guide-section-{id}"))}</summary>
                    <div class="section-body"><SectionText text=text/></div>
                </details>
            }).collect_view()}

            <section class="teach-back" aria-labelledby="teach-back-title">
                <h2 id="teach-back-title">{text!("guide-teach-back-title")}</h2>
                <p>{text!("guide-teach-back-intro")}</p>
                {guide.teach_back.into_iter().map(|pair| view! {
                    <details class="teach-back-item">
                        <summary><span>{inline_views(guide::inlines(&pair.question))}</span></summary>
                        <p class="answer">{inline_views(guide::inlines(&pair.answer))}</p>
                    </details>
                }).collect_view()}
            </section>
            <button type="button" class="secondary wide print" on:click=print>{text!("guide-print")}</button>
        </article>
    }
}

/// `2022-12` → "12/2022" (as US labels write it: "Revised: 12/2022").
fn label_revision_text(revised: &str) -> String {
    match revised.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => revised.to_string(),
    }
}

/// "December 1, 2026" / "1 de diciembre de 2026".
fn review_date_text(d: NaiveDate, lang: &str) -> String {
    carepath_ui::format::date_with_year(d, lang)
}

/// Has the site an after-hours number of its own? Only then does "Call us now" say "day or night".

/// When to get help, first and open: "Call 911", "Call us now", "Tell us within a day", each with its signs.
#[component]
fn CallList(call: guide::CallList) -> impl IntoView {
    let guide::CallList { call_911, call_now, call_now_note, within_a_day } = call;
    let call_now_heading = move || match enrolled_profile() {
        Some(p) if has_own_after_hours(&p.site) => tr!("guide-call-now-day-or-night"),
        Some(_) => tr!("guide-call-now"),
        None => tr!("guide-call-now-care-team"),
    };
    let items = |entries: Vec<String>| {
        view! { <ul>{entries.into_iter().map(|entry| view! { <li>{inline_views(guide::inlines(&entry))}</li> }).collect_view()}</ul> }
    };
    view! {
        <section class="call-now guide-call" id="section-call" aria-labelledby="call-title">
            <h2 id="call-title">{text!("guide-call-title")}</h2>
            <div class="call-tier" data-tier="call_911">
                <h3 id="call-911-title">{text!("guide-call-911")}</h3>
                <p>{text!("guide-call-911-intro")}</p>
                {items(call_911)}
                <p class="call-links">
                    <a class="button danger" href="tel:911">{text!("guide-call-911-button")}</a>
                </p>
            </div>
            <div class="call-tier" data-tier="call_now">
                <h3 id="call-now-title">{call_now_heading}</h3>
                <p>{text!("guide-call-now-intro")}</p>
                {items(call_now)}
                {(!call_now_note.trim().is_empty()).then(|| view! { <p class="call-now-note"><strong>{inline_views(guide::inlines(&call_now_note))}</strong></p> })}
                <CallButtons/>
            </div>
            <div class="call-tier" data-tier="within_a_day">
                <h3 id="call-within-a-day-title">{text!("guide-call-within-a-day")}</h3>
                <p>{text!("guide-call-within-a-day-intro")}</p>
                {items(within_a_day)}
                <DayCallButton/>
            </div>
        </section>
    }
}

/// The pharmacy's numbers as big buttons, for an enrolled patient (the after-hours one only when it is another
/// number).
#[component]
fn CallButtons() -> impl IntoView {
    move || {
        enrolled_profile().map(|p| view! { <crate::call_links::CallLinks site=p.site urgent=true/> })
    }
}

/// The pharmacy's number for "Tell us within a day", for an enrolled patient.
#[component]
fn DayCallButton() -> impl IntoView {
    move || {
        enrolled_profile().map(|p| {
            let phone = p.site.phone.replace(' ', "\u{a0}");
            view! {
                <p class="call-links">
                    <a class="button secondary" href=format::tel_href(&p.site.phone)>{move || tr!("call-now-pharmacy", phone = phone.clone())}</a>
                </p>
            }
        })
    }
}

/// Section text: paragraphs and lists, with the pharmacy's numbers as `tel:` links (or words, before enrollment).
#[component]
pub(crate) fn SectionText(text: String) -> impl IntoView {
    guide::blocks(&text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(parts) => view! { <p>{inline_views(parts)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>{items.into_iter().map(|parts| view! { <li>{inline_views(parts)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
}

fn inline_views(parts: Vec<Inline>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| match part {
            Inline::Text(text) => text.into_any(),
            Inline::Placeholder(Placeholder::FeverThreshold) => view! { <FeverThreshold/> }.into_any(),
            Inline::Placeholder(p) => view! { <PhoneNumber which=p/> }.into_any(),
        })
        .collect_view()
}

/// The site's fever threshold (the default one before enrollment), e.g. "38.0 °C (100.4 °F)".
#[component]
fn FeverThreshold() -> impl IntoView {
    move || {
        let celsius_tenths = enrolled_profile().map_or(DEFAULT_FEVER_THRESHOLD_C_TENTHS, |p| p.triage.fever_threshold());
        view! { <span class="fever-threshold">{fever_threshold_text(celsius_tenths, &current())}</span> }
    }
}

/// "38.0 °C (100.4 °F)"; in Spanish with a decimal comma, "38,0 °C (100,4 °F)".
pub fn fever_threshold_text(celsius_tenths: i32, lang: &str) -> String {
    let number = |tenths: i32| {
        let text = format_tenths(tenths);
        if lang == "es" { text.replace('.', ",") } else { text }
    };
    tr!("guide-fever-threshold", celsius = number(celsius_tenths), fahrenheit = number(celsius_tenths_to_fahrenheit_tenths(celsius_tenths)))
}

#[component]
fn PhoneNumber(which: Placeholder) -> impl IntoView {
    move || {
        let site: Option<SiteInfo> = enrolled_profile().map(|p| p.site);
        match (site, which) {
            (Some(site), Placeholder::PharmacyPhone) => phone_link(site.phone).into_any(),
            (Some(site), Placeholder::AfterHoursPhone) => phone_link(site.after_hours_phone).into_any(),
            (None, Placeholder::PharmacyPhone) => view! { <span class="phone-words">{text!("guide-your-pharmacy-phone")}</span> }.into_any(),
            (None, Placeholder::AfterHoursPhone) => view! { <span class="phone-words">{text!("guide-your-after-hours-phone")}</span> }.into_any(),
            (_, Placeholder::FeverThreshold) => view! { <FeverThreshold/> }.into_any(),
        }
    }
}

fn phone_link(phone: String) -> impl IntoView {
    view! { <a class="phone" href=format::tel_href(&phone)>{phone.clone()}</a> }
}

