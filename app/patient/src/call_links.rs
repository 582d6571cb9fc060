//! The pharmacy's numbers as buttons, in the order the hour asks for (issue #14 item 8): in the daytime "Call your
//! pharmacy" is the big button; outside the site's office hours (or at night, when it set none) the after-hours
//! line is, with the pharmacy's own number below it and when it opens. The rule is the domain's
//! (`carepath_domain::site::is_after_hours`), on the phone's clock.

use carepath_domain::site::{is_after_hours, OfficeHours};
use carepath_domain::sync::SiteInfo;
use chrono::Weekday;
use leptos::prelude::*;

use carepath_ui::format;
use carepath_ui::i18n::current;
use carepath_ui::tr;

/// Whether the site has an after-hours number of its own (not its daytime number again).
pub fn has_own_after_hours(site: &SiteInfo) -> bool {
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
    !site.after_hours_phone.trim().is_empty() && digits(&site.after_hours_phone) != digits(&site.phone)
}

/// Whether the pharmacy's own line is closed now, on this phone's clock.
pub fn closed_now(site: &SiteInfo) -> bool {
    is_after_hours(site.office_hours.as_ref(), chrono::Local::now().naive_local())
}

/// "Mon–Fri 8:00 AM–5:00 PM" / "lun–vie 8:00–17:00".
pub fn hours_text(hours: &OfficeHours, lang: &str) -> String {
    let day = |d: Weekday| tr!("weekday-short", day = d.num_days_from_monday());
    let mut runs: Vec<(Weekday, Weekday)> = Vec::new();
    for d in &hours.days {
        match runs.last_mut() {
            Some((_, last)) if last.succ() == *d => *last = *d,
            _ => runs.push((*d, *d)),
        }
    }
    let days = runs
        .iter()
        .map(|(from, to)| if from == to { day(*from) } else { format!("{}–{}", day(*from), day(*to)) })
        .collect::<Vec<_>>()
        .join(", ");
    format!("{days} {}–{}", format::clock(hours.opens, lang), format::clock(hours.closes, lang))
}

/// The site's numbers, the one to call now first and biggest. `urgent`: the big button is red (a call now).
/// `answered_now`: in the daytime only the pharmacy's own number (Today's top, where space counts; the full list is
/// in "Call right away" below it).
#[component]
pub fn CallLinks(
    site: SiteInfo,
    #[prop(optional)] urgent: bool,
    #[prop(optional)] wide: bool,
    #[prop(optional)] answered_now: bool,
) -> impl IntoView {
    let closed = closed_now(&site) && has_own_after_hours(&site);
    // Non-breaking spaces: a number never wraps in the middle.
    let phone = site.phone.replace(' ', "\u{a0}");
    let after = site.after_hours_phone.replace(' ', "\u{a0}");
    let (href, after_href) = (format::tel_href(&site.phone), format::tel_href(&site.after_hours_phone));
    let size = if wide { " wide" } else { "" };
    let big = format!("button {}{size}", if urgent { "danger" } else { "primary" });
    let small = format!("button secondary{size}");
    let hours = site.office_hours.clone();
    let own_after_hours = has_own_after_hours(&site) && !answered_now;
    if closed {
        view! {
            <p class="call-links" data-after-hours="true">
                <a class=big href=after_href data-testid="call-after-hours">{move || tr!("call-after-hours-now", phone = after.clone())}</a>
                <a class=small href=href data-testid="call-pharmacy">{move || match &hours {
                    Some(h) => tr!("call-pharmacy-opens", phone = phone.clone(), hours = hours_text(h, &current())),
                    None => tr!("call-pharmacy-daytime", phone = phone.clone()),
                }}</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="call-links" data-after-hours="false">
                <a class=big href=href data-testid="call-pharmacy">{move || tr!("call-now-pharmacy", phone = phone.clone())}</a>
                {own_after_hours.then(|| view! {
                    <a class=small href=after_href data-testid="call-after-hours">{move || tr!("call-now-after-hours", phone = after.clone())}</a>
                })}
            </p>
        }
        .into_any()
    }
}
