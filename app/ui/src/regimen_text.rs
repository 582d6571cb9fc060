//! A regimen in plain, translated words: doses, food, cycle patterns and the care team's changes.
//!
//! Reactive like `tr!`: call these inside `move ||` closures so a language switch re-renders them.

use carepath_domain::sorting;
use carepath_domain::adherence::{DoseOutcome, SkipReason};
use carepath_domain::regimen::RegimenLine;
use carepath_domain::schedule::{CyclePattern, DayPlan, DoseAmount, DoseSlot, FoodInstruction, RegimenChange, SlotDose};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};

use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed_fl::fl;

use crate::i18n::{current, LOADER};
use crate::tr;

/// "1500 mg (3 tablets)", "2½ tablets", "100 mg"; Spanish "1500 mg (3 comprimidos)".
pub fn amount_text(a: &DoseAmount) -> String {
    let tablets = a.half_tablets.map(tablets_text);
    match (a.mg, tablets) {
        (Some(mg), Some(tablets)) => tr!("regimen-amount-mg-tablets", mg = mg.to_string(), tablets = tablets),
        (Some(mg), None) => tr!("regimen-amount-mg", mg = mg.to_string()),
        (None, Some(tablets)) => tablets,
        (None, None) => String::new(),
    }
}

/// "3 tablets", "1 tablet", "½ tablet", "2½ tablets" from a count of half tablets.
pub fn tablets_text(half_tablets: u16) -> String {
    let whole = half_tablets / 2;
    if half_tablets % 2 == 0 {
        tr!("regimen-tablets", count = u32::from(whole))
    } else {
        tr!("regimen-tablets-fraction", whole = u32::from(whole))
    }
}

/// A dose's food rule with its own numbers: "With or without food", "With a meal", "Within 30 minutes after a
/// meal", "No food for 2 hours before and 1 hour after your dose"; Spanish "No coma nada desde 2 horas antes hasta
/// 1 hora después de su dosis".
pub fn food_text(f: FoodInstruction) -> String {
    let _ = current();
    food_text_in(&LOADER, f)
}

/// [`food_text`] with a given loader (the tests read both languages side by side).
pub fn food_text_in(loader: &FluentLanguageLoader, f: FoodInstruction) -> String {
    match f {
        FoodInstruction::WithOrWithoutFood => fl!(loader, "regimen-food-any"),
        FoodInstruction::WithFood => fl!(loader, "regimen-food-with"),
        FoodInstruction::AfterMeal { within_minutes } => {
            fl!(loader, "regimen-food-after-meal", within = duration_text_in(loader, within_minutes))
        }
        FoodInstruction::NoFood { before_minutes, after_minutes: 0 } => {
            fl!(loader, "regimen-food-none-before", before = duration_text_in(loader, before_minutes))
        }
        FoodInstruction::NoFood { before_minutes: 0, after_minutes } => {
            fl!(loader, "regimen-food-none-after", after = duration_text_in(loader, after_minutes))
        }
        FoodInstruction::NoFood { before_minutes, after_minutes } => fl!(
            loader,
            "regimen-food-none",
            before = duration_text_in(loader, before_minutes),
            after = duration_text_in(loader, after_minutes)
        ),
    }
}

/// A food window said as people say it: whole hours as hours ("2 hours", "1 hour"), anything else in minutes
/// ("30 minutes", "90 minutes").
fn duration_text_in(loader: &FluentLanguageLoader, minutes: u16) -> String {
    if minutes > 0 && minutes % 60 == 0 {
        fl!(loader, "regimen-food-hours", count = u32::from(minutes / 60))
    } else {
        fl!(loader, "regimen-food-minutes", count = u32::from(minutes))
    }
}

/// The name of a time of day in a regimen: "Once a day", "Morning", "Evening".
pub fn slot_name(slot: DoseSlot) -> String {
    match slot {
        DoseSlot::Daily => tr!("regimen-slot-daily"),
        DoseSlot::Morning => tr!("regimen-slot-morning"),
        DoseSlot::Evening => tr!("regimen-slot-evening"),
    }
}

/// "Monday".
pub fn weekday_name(d: Weekday) -> String {
    match d {
        Weekday::Mon => tr!("regimen-weekday-mon"),
        Weekday::Tue => tr!("regimen-weekday-tue"),
        Weekday::Wed => tr!("regimen-weekday-wed"),
        Weekday::Thu => tr!("regimen-weekday-thu"),
        Weekday::Fri => tr!("regimen-weekday-fri"),
        Weekday::Sat => tr!("regimen-weekday-sat"),
        Weekday::Sun => tr!("regimen-weekday-sun"),
    }
}

/// "Mondays".
pub fn weekdays_name(d: Weekday) -> String {
    match d {
        Weekday::Mon => tr!("regimen-weekdays-mon"),
        Weekday::Tue => tr!("regimen-weekdays-tue"),
        Weekday::Wed => tr!("regimen-weekdays-wed"),
        Weekday::Thu => tr!("regimen-weekdays-thu"),
        Weekday::Fri => tr!("regimen-weekdays-fri"),
        Weekday::Sat => tr!("regimen-weekdays-sat"),
        Weekday::Sun => tr!("regimen-weekdays-sun"),
    }
}

/// "A", "A and B", "A, B and C".
pub fn list_text(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => tr!("regimen-list-and", first = rest.join(", "), last = last.clone()),
    }
}

/// "Every day", "14 days on, then 7 days off", "Mondays, Wednesdays and Fridays", "Once a week on Sunday".
pub fn pattern_text(p: &CyclePattern) -> String {
    match p {
        CyclePattern::Continuous => tr!("regimen-pattern-continuous"),
        CyclePattern::OnOff { days_on, days_off: 0 } => tr!("regimen-pattern-cycles-no-break", on = u32::from(*days_on)),
        CyclePattern::OnOff { days_on, days_off } => tr!("regimen-pattern-on-off", on = u32::from(*days_on), off = u32::from(*days_off)),
        CyclePattern::DaysOfWeek { days } => {
            let mut days = days.clone();
            sorting::sort_by_key(&mut days, |d| d.num_days_from_monday());
            days.dedup();
            let names: Vec<String> = days.into_iter().map(weekdays_name).collect();
            tr!("regimen-pattern-days", days = list_text(&names))
        }
        CyclePattern::Weekly { weekday } => tr!("regimen-pattern-weekly", day = weekday_name(*weekday)),
    }
}

/// A local clock time in the reader's language: "8:00 AM" / "8:00".
pub fn time_text(t: NaiveTime) -> String {
    crate::format::clock(t, &current())
}

/// A calendar date in the reader's language, with the weekday and year: "Thu, March 5, 2026".
pub fn date_text(d: NaiveDate) -> String {
    crate::format::weekday_date_with_year(d, &current())
}

/// "Morning at 8:00 AM: 1500 mg (3 tablets)".
pub fn slot_dose_text(d: &SlotDose) -> String {
    tr!("regimen-slot-dose", slot = slot_name(d.slot), time = time_text(d.time), amount = amount_text(&d.amount))
}

/// A care-team decision in words: "Dose changed from …: Morning at 8:00 AM: 1000 mg (2 tablets); …",
/// "On hold from … until …", "Restart on …", "Stopped on …", "Cycle 3 starts on …", "Time zone changed …".
pub fn change_text(c: &RegimenChange) -> String {
    match c {
        RegimenChange::DoseChanged { on, doses } => {
            let doses: Vec<String> = doses.iter().map(slot_dose_text).collect();
            tr!("regimen-change-dose", date = date_text(*on), doses = doses.join("; "))
        }
        RegimenChange::Hold { from, until: Some(until) } => {
            tr!("regimen-change-hold-until", from = date_text(*from), until = date_text(*until))
        }
        RegimenChange::Hold { from, until: None } => tr!("regimen-change-hold-open", from = date_text(*from)),
        RegimenChange::Resume { on } => tr!("regimen-change-resume", date = date_text(*on)),
        RegimenChange::Stop { on } => tr!("regimen-change-stop", date = date_text(*on)),
        RegimenChange::NewCycleStart { on, cycle_number } => {
            tr!("regimen-change-cycle", number = cycle_number.to_string(), date = date_text(*on))
        }
        RegimenChange::TimeZoneChanged { on, tz } => {
            tr!("regimen-change-time-zone", tz = tz.name().replace('_', " "), date = date_text(*on))
        }
    }
}

/// A care-team change told to the patient (issue #14): what to do today first, then what happens next, then the
/// changes themselves. "Today: do not take Capecitabine: it is on hold." / "Next: wait until your care team tells
/// you to restart. Then: 1000 mg (2 tablets) in the morning and …" / "On hold from …", "Dose changed from …".
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeNoticeText {
    pub today: String,
    pub next: Option<String>,
    pub changes: Vec<String>,
}

/// [`ChangeNoticeText`] for `line` on `today`, naming the changes recorded since `since`.
pub fn change_notice_text(line: &RegimenLine, today: NaiveDate, since: DateTime<Utc>) -> Option<ChangeNoticeText> {
    let schedule = line.schedule().ok()?;
    let drug = line.drug_name();
    let now = schedule.day_plan(today);
    let next = match schedule.next_change(today, 60) {
        Some((date, plan)) => Some(tr!("change-next-from", date = date_text(date), plan = plan_text(&plan, drug))),
        None if matches!(now, DayPlan::Held { .. }) => {
            // Held until the team says: the dose a restart takes is the one in force after every dose change.
            let after = line.changes.iter().map(|c| c.change.effective()).max().unwrap_or(today).max(today);
            let doses: Vec<String> = schedule.doses_on(after).iter().map(|d| plan_dose_text(d.slot, &d.amount)).collect();
            Some(tr!("change-next-restart", doses = list_text(&doses)))
        }
        None => None,
    };
    let mut recent: Vec<&RegimenChange> = line.changes.iter().filter(|c| c.recorded_at >= since).map(|c| &c.change).collect();
    sorting::sort_by_key(&mut recent, |c| c.effective());
    Some(ChangeNoticeText {
        today: tr!("change-today", plan = plan_text(&now, drug)),
        next,
        changes: recent.into_iter().map(change_text).collect(),
    })
}

/// A day's plan as what to do: "take 1000 mg (2 tablets) in the morning and 1000 mg (2 tablets) in the evening",
/// "do not take Capecitabine: it is on hold", "a rest day: no Capecitabine".
fn plan_text(plan: &DayPlan, drug: &str) -> String {
    match plan {
        DayPlan::Taking { doses } => {
            let doses: Vec<String> = doses.iter().map(|d| plan_dose_text(d.slot, &d.amount)).collect();
            tr!("change-plan-take", doses = list_text(&doses))
        }
        DayPlan::Held { .. } => tr!("change-plan-held", drug = drug),
        DayPlan::OffDay { .. } => tr!("change-plan-off", drug = drug),
        DayPlan::Stopped { .. } => tr!("change-plan-stopped", drug = drug),
        DayPlan::NotStarted => tr!("change-plan-not-started", drug = drug),
    }
}

fn plan_dose_text(slot: DoseSlot, amount: &DoseAmount) -> String {
    let slot = match slot {
        DoseSlot::Daily => "daily",
        DoseSlot::Morning => "morning",
        DoseSlot::Evening => "evening",
    };
    tr!("change-plan-dose", amount = amount_text(amount), slot = slot)
}

/// Why a dose was skipped, in words.
pub fn skip_reason_text(r: SkipReason) -> String {
    match r {
        SkipReason::SideEffects => tr!("regimen-skip-side-effects"),
        SkipReason::Forgot => tr!("regimen-skip-forgot"),
        SkipReason::CareTeamAdvice => tr!("regimen-skip-care-team"),
        SkipReason::RanOut => tr!("regimen-skip-ran-out"),
        SkipReason::Other => tr!("regimen-skip-other"),
    }
}

/// What the patient recorded about a dose: "Taken", "Taken late", "Missed", "Skipped: side effects", ….
pub fn outcome_text(o: DoseOutcome) -> String {
    match o {
        DoseOutcome::Taken => tr!("regimen-outcome-taken"),
        DoseOutcome::TakenLate => tr!("regimen-outcome-taken-late"),
        DoseOutcome::Missed => tr!("regimen-outcome-missed"),
        DoseOutcome::Skipped { reason } => tr!("regimen-outcome-skipped", reason = skip_reason_text(reason)),
        DoseOutcome::Vomited => tr!("regimen-outcome-vomited"),
        DoseOutcome::ExtraDose => tr!("regimen-outcome-extra"),
        DoseOutcome::EnteredInError => tr!("regimen-outcome-entered-in-error"),
    }
}

/// The dose of the day in words ("Morning dose"), for patients and pharmacists alike.
pub fn slot_label(slot: DoseSlot) -> String {
    match slot {
        DoseSlot::Daily => tr!("slot-daily"),
        DoseSlot::Morning => tr!("slot-morning"),
        DoseSlot::Evening => tr!("slot-evening"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(amount_text(&DoseAmount::mg_tablets(1500, 3)), "1500 mg (3 tablets)");
        assert_eq!(amount_text(&DoseAmount { mg: None, half_tablets: Some(5) }), "2½ tablets");
        assert_eq!(amount_text(&DoseAmount { mg: None, half_tablets: Some(1) }), "½ tablet");
        assert_eq!(amount_text(&DoseAmount::tablets(1)), "1 tablet");
        assert_eq!(amount_text(&DoseAmount { mg: Some(100), half_tablets: None }), "100 mg");
    }

    #[test]
    fn patterns_in_words() {
        assert_eq!(pattern_text(&CyclePattern::Continuous), "Every day");
        assert_eq!(pattern_text(&CyclePattern::OnOff { days_on: 14, days_off: 7 }), "14 days on, then 7 days off");
        assert_eq!(pattern_text(&CyclePattern::OnOff { days_on: 5, days_off: 1 }), "5 days on, then 1 day off");
        assert_eq!(
            pattern_text(&CyclePattern::DaysOfWeek { days: vec![Weekday::Fri, Weekday::Mon, Weekday::Wed] }),
            "Mondays, Wednesdays and Fridays"
        );
        assert_eq!(pattern_text(&CyclePattern::Weekly { weekday: Weekday::Sun }), "Once a week on Sunday");
    }

    #[test]
    fn a_change_notice_says_today_first_then_next_then_what_changed() {
        use carepath_domain::regimen::RecordedChange;
        use carepath_domain::schedule::{CyclePattern, Regimen};
        let at: DateTime<Utc> = "2026-12-01T15:00:00Z".parse().unwrap();
        let change = |change| RecordedChange { id: uuid::Uuid::new_v4(), change, recorded_at: at, by: "Pat".into() };
        let two = |mg, tablets| vec![
            SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(mg, tablets)),
            SlotDose::new(DoseSlot::Evening, DoseAmount::mg_tablets(mg, tablets)),
        ];
        let mut line = RegimenLine {
            id: uuid::Uuid::nil(),
            regimen: Regimen {
                version: 1,
                drug_name: "Capecitabine".into(),
                strength: "500 mg tablets".into(),
                doses: two(1500, 3),
                pattern: CyclePattern::OnOff { days_on: 14, days_off: 7 },
                start: date("2026-11-30"),
                first_cycle: 1,
                time_zone: chrono_tz::America::New_York,
            },
            changes: Vec::new(),
            dispenses: Vec::new(),
            refill_reminder_days: 7,
        };
        // The case: held from today until the team says, and a lower dose from Dec 8 (which a restart takes).
        line.changes.push(change(RegimenChange::DoseChanged { on: date("2026-12-08"), doses: two(1000, 2) }));
        line.changes.push(change(RegimenChange::Hold { from: date("2026-12-01"), until: None }));
        let notice = change_notice_text(&line, date("2026-12-01"), at - chrono::Duration::days(30)).unwrap();
        assert_eq!(notice.today, "Today: do not take Capecitabine: it is on hold.");
        assert_eq!(
            notice.next.as_deref(),
            Some("Next: wait until your care team tells you to start again. Then take 1000 mg (2 tablets) in the morning and 1000 mg (2 tablets) in the evening.")
        );
        assert_eq!(notice.changes.len(), 2);
        assert!(notice.changes[0].starts_with("On hold from Tue, December 1, 2026"), "{:?}", notice.changes);
        assert!(notice.changes[1].starts_with("Dose changed from Tue, December 8, 2026"), "{:?}", notice.changes);

        // A dose reduction alone: today's dose, then the new one from its date.
        line.changes.pop();
        let notice = change_notice_text(&line, date("2026-12-01"), at - chrono::Duration::days(30)).unwrap();
        assert_eq!(notice.today, "Today: take 1500 mg (3 tablets) in the morning and 1500 mg (3 tablets) in the evening.");
        assert_eq!(
            notice.next.as_deref(),
            Some("From Tue, December 8, 2026: take 1000 mg (2 tablets) in the morning and 1000 mg (2 tablets) in the evening.")
        );
    }

    #[test]
    fn changes_in_words() {
        let hold = RegimenChange::Hold { from: date("2026-03-05"), until: None };
        assert_eq!(change_text(&hold), "On hold from Thu, March 5, 2026 until the care team says to restart");
        let dose = RegimenChange::DoseChanged {
            on: date("2026-03-05"),
            doses: vec![SlotDose::new(DoseSlot::Morning, DoseAmount::mg_tablets(1000, 2))],
        };
        assert_eq!(change_text(&dose), "Dose changed from Thu, March 5, 2026: Morning at 8:00 AM: 1000 mg (2 tablets)");
        let cycle = RegimenChange::NewCycleStart { on: date("2026-03-05"), cycle_number: 3 };
        assert_eq!(change_text(&cycle), "Cycle 3 starts on Thu, March 5, 2026");
    }

    /// A loader of its own per language, so these tests never switch the language under the others.
    fn loader(lang: &str) -> FluentLanguageLoader {
        crate::i18n::loader_for(lang)
    }

    #[test]
    fn food_rules_in_words_with_their_numbers() {
        let (en, es) = (loader("en"), loader("es"));
        let both = |f| (food_text_in(&en, f), food_text_in(&es, f));
        assert_eq!(food_text(FoodInstruction::WithFood), "With a meal");
        assert_eq!(both(FoodInstruction::WithOrWithoutFood), ("With or without food".into(), "Con o sin alimentos".into()));
        assert_eq!(
            both(FoodInstruction::AfterMeal { within_minutes: 30 }),
            ("Within 30 minutes after a meal".into(), "Como máximo 30 minutos después de una comida".into())
        );
        assert_eq!(
            both(FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 }),
            (
                "No food for 2 hours before and 1 hour after your dose".into(),
                "No coma nada desde 2 horas antes hasta 1 hora después de su dosis".into()
            )
        );
        assert_eq!(
            both(FoodInstruction::NoFood { before_minutes: 90, after_minutes: 0 }),
            ("No food for 90 minutes before your dose".into(), "No coma nada durante 90 minutos antes de su dosis".into())
        );
        assert_eq!(food_text_in(&en, FoodInstruction::NoFood { before_minutes: 0, after_minutes: 1 }), "No food for 1 minute after your dose");
        assert_eq!(food_text_in(&en, FoodInstruction::AfterMeal { within_minutes: 60 }), "Within 1 hour after a meal");
    }

    /// How a window is said, worked out here on its own: whole hours as hours, else minutes.
    fn said(minutes: u16) -> (String, String) {
        match (minutes / 60, minutes % 60) {
            (1, 0) => ("1 hour".into(), "1 hora".into()),
            (h, 0) if h > 0 => (format!("{h} hours"), format!("{h} horas")),
            _ if minutes == 1 => ("1 minute".into(), "1 minuto".into()),
            _ => (format!("{minutes} minutes"), format!("{minutes} minutos")),
        }
    }

    /// For every guide, the dose card says the drug's own food rule, in English and in Spanish.
    #[test]
    fn every_guides_food_rule_shows_on_the_dose_card() {
        use carepath_domain::guide::Guide;
        let (en, es) = (loader("en"), loader("es"));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides/en");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        assert!(paths.len() >= 10, "expected the guides in {}, found {}", dir.display(), paths.len());
        let mut seen = std::collections::BTreeSet::new();
        let mut with_food = false;
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap();
            let guide: Guide = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (en_text, es_text) = (food_text_in(&en, guide.food), food_text_in(&es, guide.food));
            let drug = guide.drug.as_str();
            for t in [&en_text, &es_text] {
                assert!(!t.contains("1 hour before or 2 hours after"), "{drug}: {t}");
                assert!(!t.contains("1 hora antes o 2 horas después"), "{drug}: {t}");
                assert!(!t.is_empty() && !t.contains("regimen-"), "{drug}: {t:?}");
            }
            assert_ne!(en_text, es_text, "{drug}: the Spanish text is Spanish");
            match drug {
                "abiraterone" => {
                    assert!(en_text.contains("2 hours before") && en_text.contains("1 hour after"), "{drug}: {en_text}");
                    assert!(es_text.contains("2 horas") && es_text.contains("1 hora "), "{drug}: {es_text}");
                }
                "capecitabine" => {
                    assert!(en_text.contains("30 minutes after a meal"), "{drug}: {en_text}");
                    assert!(es_text.contains("30 minutos"), "{drug}: {es_text}");
                }
                _ => {}
            }
            match guide.food {
                FoodInstruction::WithOrWithoutFood => {
                    assert_eq!(en_text, "With or without food", "{drug}");
                    assert!(es_text.to_lowercase().contains("con o sin alimentos"), "{drug}: {es_text}");
                }
                FoodInstruction::WithFood => {
                    assert_eq!(en_text, "With a meal", "{drug}");
                    assert!(es_text.to_lowercase().contains("con una comida"), "{drug}: {es_text}");
                }
                FoodInstruction::AfterMeal { within_minutes } => {
                    let (en_w, es_w) = said(within_minutes);
                    assert!(en_text.contains(&format!("{en_w} after a meal")), "{drug}: {en_text}");
                    assert!(es_text.contains(&format!("{es_w} después de una comida")), "{drug}: {es_text}");
                }
                FoodInstruction::NoFood { before_minutes, after_minutes } => {
                    for (minutes, en_word, es_word) in [(before_minutes, "before", "antes"), (after_minutes, "after", "después")] {
                        if minutes > 0 {
                            let (en_w, es_w) = said(minutes);
                            assert!(en_text.contains(&format!("{en_w} {en_word}")), "{drug}: {en_text}");
                            assert!(es_text.contains(&format!("{es_w} {es_word}")), "{drug}: {es_text}");
                        }
                    }
                }
            }
            seen.insert(drug.to_string());
            with_food |= guide.food == FoodInstruction::WithFood;
        }
        assert!(with_food, "at least one guide is taken with a meal");
        for drug in ["abiraterone", "capecitabine"] {
            assert!(seen.contains(drug), "no guide for {drug} in {}", dir.display());
        }
    }
}
