//! The regimen form: drug, strength, a dose for each time of day (mg and/or tablets in halves, time, food),
//! the cycle pattern, the start, the first cycle number and the time zone. Used by the enroll form; the dose
//! fields are also used by "Change dose" on the patient page.
//!
//! The form keeps what is typed as text ([`RegimenDraft`]); [`build_regimen`] turns that text into a checked
//! [`Regimen`] or the first problem, in words, tied to the input it is about ([`FieldError`]).

use carepath_domain::guide::GuideListing;
use carepath_domain::schedule::{default_time, CyclePattern, DoseAmount, DoseSlot, FoodInstruction, Regimen, SlotDose, MAX_FOOD_WINDOW_MINUTES};
use carepath_domain::ValidationError;
use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use leptos::prelude::*;

use carepath_ui::i18n::current;
use carepath_ui::regimen_text::{food_text, pattern_text, weekday_name};
use carepath_ui::tr;
use carepath_ui::text;

/// The cycle presets offered: days on, days off.
pub const CYCLE_PRESETS: [(u16, u16); 3] = [(14, 7), (21, 7), (5, 23)];

const WEEK: [Weekday; 7] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// The kinds of food rule offered, in order; the numbers of the last two are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoodKind {
    WithOrWithoutFood,
    WithFood,
    AfterMeal,
    NoFood,
}

pub const FOOD_KINDS: [FoodKind; 4] = [FoodKind::WithOrWithoutFood, FoodKind::WithFood, FoodKind::AfterMeal, FoodKind::NoFood];

impl FoodKind {
    pub fn of(food: FoodInstruction) -> Self {
        match food {
            FoodInstruction::WithOrWithoutFood => FoodKind::WithOrWithoutFood,
            FoodInstruction::WithFood => FoodKind::WithFood,
            FoodInstruction::AfterMeal { .. } => FoodKind::AfterMeal,
            FoodInstruction::NoFood { .. } => FoodKind::NoFood,
        }
    }

    /// The value of its `<option>`.
    pub fn key(self) -> &'static str {
        match self {
            FoodKind::WithOrWithoutFood => "with-or-without-food",
            FoodKind::WithFood => "with-food",
            FoodKind::AfterMeal => "after-meal",
            FoodKind::NoFood => "no-food",
        }
    }

    fn label(self) -> String {
        match self {
            FoodKind::WithOrWithoutFood => food_text(FoodInstruction::WithOrWithoutFood),
            FoodKind::WithFood => food_text(FoodInstruction::WithFood),
            FoodKind::AfterMeal => tr!("regimen-form-food-kind-after-meal"),
            FoodKind::NoFood => tr!("regimen-form-food-kind-no-food"),
        }
    }
}

/// Which input a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Drug,
    Strength,
    Mg(DoseSlot),
    Tablets(DoseSlot),
    /// Milligrams and tablets that contradict each other (mg ≠ tablets × the strength's mg); shown under both.
    Amount(DoseSlot),
    Time(DoseSlot),
    /// Minutes after a meal, at most.
    FoodWithin(DoseSlot),
    /// Minutes without food before the dose.
    FoodBefore(DoseSlot),
    /// Minutes without food after the dose.
    FoodAfter(DoseSlot),
    DaysOn,
    DaysOff,
    Weekdays,
    Start,
    FirstCycle,
    TimeZone,
    /// The form as a whole (shown by the submit button).
    Form,
}

pub fn slot_key(slot: DoseSlot) -> &'static str {
    match slot {
        DoseSlot::Daily => "daily",
        DoseSlot::Morning => "morning",
        DoseSlot::Evening => "evening",
    }
}

fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

impl Field {
    /// The id of the input, under the form's id prefix.
    pub fn id(self, prefix: &str) -> String {
        match self {
            Field::Drug => format!("{prefix}-drug"),
            Field::Strength => format!("{prefix}-strength"),
            Field::Mg(slot) => format!("{prefix}-{}-mg", slot_key(slot)),
            Field::Tablets(slot) => format!("{prefix}-{}-tablets", slot_key(slot)),
            // The focus goes to the milligrams; the problem's line is `{prefix}-{slot}-amount-error`.
            Field::Amount(slot) => format!("{prefix}-{}-mg", slot_key(slot)),
            Field::Time(slot) => format!("{prefix}-{}-time", slot_key(slot)),
            Field::FoodWithin(slot) => format!("{prefix}-{}-food-within", slot_key(slot)),
            Field::FoodBefore(slot) => format!("{prefix}-{}-food-before", slot_key(slot)),
            Field::FoodAfter(slot) => format!("{prefix}-{}-food-after", slot_key(slot)),
            Field::DaysOn => format!("{prefix}-days-on"),
            Field::DaysOff => format!("{prefix}-days-off"),
            Field::Weekdays => format!("{prefix}-weekday-mon"),
            Field::Start => format!("{prefix}-start"),
            Field::FirstCycle => format!("{prefix}-first-cycle"),
            Field::TimeZone => format!("{prefix}-time-zone"),
            Field::Form => format!("{prefix}-form"),
        }
    }
}

/// A problem with what was typed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

fn problem(field: Field, message: String) -> FieldError {
    FieldError { field, message }
}

/// A food rule as typed: the kind, and the minutes (only those of the kind are read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoodValues {
    pub kind: FoodKind,
    /// After a meal: within this many minutes.
    pub within: String,
    /// No food: this many minutes before the dose …
    pub before: String,
    /// … and this many after.
    pub after: String,
}

impl FoodValues {
    /// The inputs showing `food`.
    pub fn of(food: FoodInstruction) -> Self {
        let mut v = FoodValues { kind: FoodKind::of(food), within: String::new(), before: String::new(), after: String::new() };
        match food {
            FoodInstruction::AfterMeal { within_minutes } => v.within = within_minutes.to_string(),
            FoodInstruction::NoFood { before_minutes, after_minutes } => {
                v.before = before_minutes.to_string();
                v.after = after_minutes.to_string();
            }
            FoodInstruction::WithOrWithoutFood | FoodInstruction::WithFood => {}
        }
        v
    }
}

/// One dose as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseValues {
    pub mg: String,
    pub tablets: String,
    pub time: String,
    pub food: FoodValues,
}

/// The doses as typed: once a day (the `daily` dose) or twice (`morning` and `evening`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DosesValues {
    pub twice: bool,
    pub daily: DoseValues,
    pub morning: DoseValues,
    pub evening: DoseValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    Continuous,
    OnOff,
    DaysOfWeek,
    Weekly,
}

/// The whole regimen as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegimenValues {
    pub drug: String,
    pub strength: String,
    pub doses: DosesValues,
    pub pattern: PatternKind,
    pub days_on: String,
    pub days_off: String,
    pub weekdays: Vec<Weekday>,
    pub weekly_day: Weekday,
    pub start: String,
    pub first_cycle: String,
    pub time_zone: String,
}

/// A tablet count that is not a whole number of halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotInHalves;

/// "2", "2.5", "2,5", "½", "2½" → half tablets; empty → None.
pub fn parse_half_tablets(text: &str) -> Result<Option<u16>, NotInHalves> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, half) = if let Some(whole) = text.strip_suffix('½') {
        (whole, true)
    } else if let Some((whole, fraction)) = text.split_once(['.', ',']) {
        match fraction.trim_end_matches('0') {
            "" => (whole, false),
            "5" => (whole, true),
            _ => return Err(NotInHalves),
        }
    } else {
        (text, false)
    };
    let whole: u16 = if whole.is_empty() && half { 0 } else { whole.parse().map_err(|_| NotInHalves)? };
    let halves = whole.checked_mul(2).and_then(|h| h.checked_add(u16::from(half))).ok_or(NotInHalves)?;
    Ok(Some(halves))
}

/// Half tablets as the number input shows them: 5 → "2.5", 6 → "3".
pub fn half_tablets_input(half_tablets: u16) -> String {
    if half_tablets % 2 == 0 {
        (half_tablets / 2).to_string()
    } else {
        format!("{}.5", half_tablets / 2)
    }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S")).ok()
}

pub fn parse_date(text: &str) -> Option<NaiveDate> {
    text.trim().parse().ok()
}

/// One dose from what was typed.
pub fn build_dose(slot: DoseSlot, v: &DoseValues) -> Result<SlotDose, FieldError> {
    let mg = match v.mg.trim() {
        "" => None,
        text => Some(text.parse::<u32>().map_err(|_| problem(Field::Mg(slot), tr!("regimen-error-mg")))?),
    };
    let half_tablets = parse_half_tablets(&v.tablets).map_err(|NotInHalves| problem(Field::Tablets(slot), tr!("regimen-error-tablets")))?;
    if mg.unwrap_or(0) == 0 && half_tablets.unwrap_or(0) == 0 {
        return Err(problem(Field::Mg(slot), tr!("regimen-error-amount")));
    }
    let time = parse_time(&v.time).ok_or_else(|| problem(Field::Time(slot), tr!("regimen-error-time")))?;
    let food = build_food(slot, &v.food)?;
    Ok(SlotDose { slot, amount: DoseAmount { mg, half_tablets }, time, food })
}

/// Minutes typed for a food rule, from `min` to [`MAX_FOOD_WINDOW_MINUTES`].
fn parse_minutes(field: Field, text: &str, min: u16) -> Result<u16, FieldError> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|m| (min..=MAX_FOOD_WINDOW_MINUTES).contains(m))
        .ok_or_else(|| problem(field, tr!("regimen-error-food-minutes", min = u32::from(min), max = u32::from(MAX_FOOD_WINDOW_MINUTES))))
}

/// The food rule from what was typed.
pub fn build_food(slot: DoseSlot, v: &FoodValues) -> Result<FoodInstruction, FieldError> {
    Ok(match v.kind {
        FoodKind::WithOrWithoutFood => FoodInstruction::WithOrWithoutFood,
        FoodKind::WithFood => FoodInstruction::WithFood,
        FoodKind::AfterMeal => FoodInstruction::AfterMeal { within_minutes: parse_minutes(Field::FoodWithin(slot), &v.within, 1)? },
        FoodKind::NoFood => {
            let before_minutes = parse_minutes(Field::FoodBefore(slot), &v.before, 0)?;
            let after_minutes = parse_minutes(Field::FoodAfter(slot), &v.after, 0)?;
            if before_minutes == 0 && after_minutes == 0 {
                return Err(problem(Field::FoodBefore(slot), tr!("regimen-error-food-no-window")));
            }
            FoodInstruction::NoFood { before_minutes, after_minutes }
        }
    })
}

/// The milligrams in a strength as typed, in thousandths of a mg: "500 mg tablets" → 500 000, "2.5mg" → 2 500.
/// None when the strength names no mg, or more than one ("150 mg and 500 mg tablets"): nothing to check against.
pub fn strength_milli_mg(strength: &str) -> Option<u64> {
    let text = strength.to_lowercase();
    let chars: Vec<char> = text.chars().collect();
    let mut found = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '.' | ','))) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || matches!(chars[i], '.' | ',')) {
            i += 1;
        }
        let number: String = chars[start..i].iter().map(|c| if *c == ',' { '.' } else { *c }).collect();
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let is_mg = chars.get(j) == Some(&'m')
            && chars.get(j + 1) == Some(&'g')
            && !chars.get(j + 2).is_some_and(|c| c.is_alphanumeric());
        if is_mg {
            let mut k = j + 2;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if chars.get(k) == Some(&'/') {
                // "10 mg/mL": a concentration, not the mg of one tablet.
                return None;
            }
            let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
            let fraction = fraction.trim_end_matches('0');
            if fraction.len() > 3 || fraction.contains('.') {
                return None;
            }
            let whole: u64 = whole.parse().ok()?;
            let fraction: u64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse().ok()? };
            let milli = whole.checked_mul(1000)?.checked_add(fraction)?;
            if found.is_some_and(|f| f != milli) {
                return None;
            }
            found = Some(milli);
        }
    }
    found.filter(|m| *m > 0)
}

/// A milligram amount (thousandths of a mg) in words for a problem: "500", "2.5".
fn milli_mg_text(milli: u64) -> String {
    let text = format!("{}.{:03}", milli / 1000, milli % 1000);
    let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    if current() == "en" { text } else { text.replace('.', ",") }
}

/// Refuses a dose whose mg and tablets contradict the strength: 1500 mg as 2 tablets of 500 mg. Skipped when the
/// strength names no mg number, or the dose gives only one of mg and tablets.
pub fn check_amounts(strength: &str, doses: &[SlotDose]) -> Result<(), FieldError> {
    let Some(per_tablet) = strength_milli_mg(strength) else { return Ok(()) };
    for dose in doses {
        let (Some(mg), Some(half_tablets)) = (dose.amount.mg, dose.amount.half_tablets) else { continue };
        let expected = per_tablet * u64::from(half_tablets) / 2;
        if u64::from(mg) * 1000 != expected {
            let message = tr!(
                "desk-enroll-amount-mismatch",
                mg = mg.to_string(),
                tablets = carepath_ui::regimen_text::tablets_text(half_tablets),
                strength = milli_mg_text(per_tablet),
                expected = milli_mg_text(expected)
            );
            return Err(problem(Field::Amount(dose.slot), message));
        }
    }
    Ok(())
}

/// The doses from what was typed: the daily dose, or the morning and evening doses.
pub fn build_doses(v: &DosesValues) -> Result<Vec<SlotDose>, FieldError> {
    if v.twice {
        Ok(vec![build_dose(DoseSlot::Morning, &v.morning)?, build_dose(DoseSlot::Evening, &v.evening)?])
    } else {
        Ok(vec![build_dose(DoseSlot::Daily, &v.daily)?])
    }
}

/// A time zone by its IANA name ("America/New_York"; spaces for underscores are accepted).
pub fn parse_time_zone(text: &str) -> Option<Tz> {
    text.trim().replace(' ', "_").parse().ok()
}

/// The regimen from what was typed, checked by [`Regimen::validated`].
pub fn build_regimen(v: &RegimenValues) -> Result<Regimen, FieldError> {
    let max = carepath_domain::regimen::MAX_DRUG_NAME;
    match v.drug.trim() {
        "" => return Err(problem(Field::Drug, tr!("regimen-error-drug"))),
        text if text.chars().count() > max => return Err(problem(Field::Drug, tr!("regimen-error-too-long", max = max))),
        _ => {}
    }
    let max = carepath_domain::schedule::MAX_STRENGTH;
    match v.strength.trim() {
        "" => return Err(problem(Field::Strength, tr!("regimen-error-strength"))),
        text if text.chars().count() > max => return Err(problem(Field::Strength, tr!("regimen-error-too-long", max = max))),
        _ => {}
    }
    let doses = build_doses(&v.doses)?;
    check_amounts(&v.strength, &doses)?;
    let pattern = match v.pattern {
        PatternKind::Continuous => CyclePattern::Continuous,
        PatternKind::OnOff => {
            let days_on = v.days_on.trim().parse::<u16>().ok().filter(|d| *d >= 1);
            let days_on = days_on.ok_or_else(|| problem(Field::DaysOn, tr!("regimen-error-days-on")))?;
            let days_off = v.days_off.trim().parse::<u16>().map_err(|_| problem(Field::DaysOff, tr!("regimen-error-days-off")))?;
            CyclePattern::OnOff { days_on, days_off }
        }
        PatternKind::DaysOfWeek => {
            if v.weekdays.is_empty() {
                return Err(problem(Field::Weekdays, tr!("regimen-error-weekdays")));
            }
            let days = WEEK.iter().copied().filter(|d| v.weekdays.contains(d)).collect();
            CyclePattern::DaysOfWeek { days }
        }
        PatternKind::Weekly => CyclePattern::Weekly { weekday: v.weekly_day },
    };
    let start = parse_date(&v.start).ok_or_else(|| problem(Field::Start, tr!("regimen-error-date")))?;
    let first_cycle = v.first_cycle.trim().parse::<u32>().ok().filter(|c| *c >= 1);
    let first_cycle = first_cycle.ok_or_else(|| problem(Field::FirstCycle, tr!("regimen-error-cycle")))?;
    let time_zone = parse_time_zone(&v.time_zone).ok_or_else(|| problem(Field::TimeZone, tr!("regimen-error-time-zone")))?;
    let regimen = Regimen {
        version: 1,
        drug_name: v.drug.clone(),
        strength: v.strength.clone(),
        doses,
        pattern,
        start,
        first_cycle,
        time_zone,
    };
    regimen.validated().map_err(|e| problem(Field::Form, validation_text(&e)))
}

/// A domain validation error in words (the checks above catch the usual ones first).
pub fn validation_text(e: &ValidationError) -> String {
    tr!("regimen-error-other", reason = e.to_string())
}

/// The browser's time zone ("Europe/Madrid"), or UTC.
pub fn browser_time_zone() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        if let Some(tz) = js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into()).ok().and_then(|v| v.as_string()) {
            return tz;
        }
    }
    "UTC".to_string()
}

/// A food rule's inputs.
#[derive(Clone, Copy)]
pub struct FoodDraft {
    pub kind: RwSignal<FoodKind>,
    pub within: RwSignal<String>,
    pub before: RwSignal<String>,
    pub after: RwSignal<String>,
}

impl FoodDraft {
    fn new() -> Self {
        FoodDraft::from_values(FoodValues::of(FoodInstruction::WithOrWithoutFood))
    }

    fn from_values(v: FoodValues) -> Self {
        Self { kind: RwSignal::new(v.kind), within: RwSignal::new(v.within), before: RwSignal::new(v.before), after: RwSignal::new(v.after) }
    }

    /// Shows `food`.
    pub fn set(&self, food: FoodInstruction) {
        self.set_values(FoodValues::of(food));
    }

    fn set_values(&self, v: FoodValues) {
        self.kind.set(v.kind);
        self.within.set(v.within);
        self.before.set(v.before);
        self.after.set(v.after);
    }

    fn values(&self) -> FoodValues {
        FoodValues { kind: self.kind.get(), within: self.within.get(), before: self.before.get(), after: self.after.get() }
    }

    fn values_untracked(&self) -> FoodValues {
        untrack(|| self.values())
    }
}

/// One dose's inputs.
#[derive(Clone, Copy)]
pub struct DoseDraft {
    pub mg: RwSignal<String>,
    pub tablets: RwSignal<String>,
    pub time: RwSignal<String>,
    pub food: FoodDraft,
}

impl DoseDraft {
    pub fn new(slot: DoseSlot) -> Self {
        Self {
            mg: RwSignal::new(String::new()),
            tablets: RwSignal::new(String::new()),
            time: RwSignal::new(default_time(slot).format("%H:%M").to_string()),
            food: FoodDraft::new(),
        }
    }

    /// Filled in with `dose`.
    pub fn set(&self, dose: &SlotDose) {
        self.mg.set(dose.amount.mg.map(|mg| mg.to_string()).unwrap_or_default());
        self.tablets.set(dose.amount.half_tablets.map(half_tablets_input).unwrap_or_default());
        self.time.set(dose.time.format("%H:%M").to_string());
        self.food.set(dose.food);
    }

    fn values(&self) -> DoseValues {
        DoseValues { mg: self.mg.get(), tablets: self.tablets.get(), time: self.time.get(), food: self.food.values() }
    }

    fn is_empty_untracked(&self) -> bool {
        self.mg.with_untracked(|s| s.trim().is_empty()) && self.tablets.with_untracked(|s| s.trim().is_empty())
    }

    /// Copies the amount and food (not the time) from `other`.
    fn copy_amount_from(&self, other: &DoseDraft) {
        self.mg.set(other.mg.get_untracked());
        self.tablets.set(other.tablets.get_untracked());
        self.food.set_values(other.food.values_untracked());
    }
}

/// The doses' inputs: once or twice a day.
#[derive(Clone, Copy)]
pub struct DosesDraft {
    pub twice: RwSignal<bool>,
    pub daily: DoseDraft,
    pub morning: DoseDraft,
    pub evening: DoseDraft,
}

impl Default for DosesDraft {
    fn default() -> Self {
        Self::new()
    }
}

impl DosesDraft {
    pub fn new() -> Self {
        Self {
            twice: RwSignal::new(true),
            daily: DoseDraft::new(DoseSlot::Daily),
            morning: DoseDraft::new(DoseSlot::Morning),
            evening: DoseDraft::new(DoseSlot::Evening),
        }
    }

    /// Filled in with `doses` (e.g. the doses in force, for "Change dose").
    pub fn set(&self, doses: &[SlotDose]) {
        let twice = !doses.iter().any(|d| d.slot == DoseSlot::Daily) || doses.len() > 1;
        self.twice.set(twice);
        for dose in doses {
            match dose.slot {
                DoseSlot::Daily => self.daily.set(dose),
                DoseSlot::Morning => self.morning.set(dose),
                DoseSlot::Evening => self.evening.set(dose),
            }
        }
    }

    /// Switches between once and twice a day, carrying the amount over to doses not filled in yet.
    pub fn set_twice(&self, twice: bool) {
        if twice == self.twice.get_untracked() {
            return;
        }
        if twice {
            for dose in [self.morning, self.evening] {
                if dose.is_empty_untracked() {
                    dose.copy_amount_from(&self.daily);
                }
            }
        } else if self.daily.is_empty_untracked() {
            self.daily.copy_amount_from(&self.morning);
        }
        self.twice.set(twice);
    }

    /// Every dose's food rule set to `food` (the rule of the drug's guide).
    pub fn set_food(&self, food: FoodInstruction) {
        for dose in [self.daily, self.morning, self.evening] {
            dose.food.set(food);
        }
    }

    pub fn values(&self) -> DosesValues {
        DosesValues { twice: self.twice.get(), daily: self.daily.values(), morning: self.morning.values(), evening: self.evening.values() }
    }
}

/// Everything the regimen form holds, as typed.
#[derive(Clone, Copy)]
pub struct RegimenDraft {
    pub drug: RwSignal<String>,
    pub strength: RwSignal<String>,
    pub doses: DosesDraft,
    pub pattern: RwSignal<PatternKind>,
    pub days_on: RwSignal<String>,
    pub days_off: RwSignal<String>,
    pub weekdays: RwSignal<Vec<Weekday>>,
    pub weekly_day: RwSignal<Weekday>,
    pub start: RwSignal<String>,
    pub first_cycle: RwSignal<String>,
    pub time_zone: RwSignal<String>,
    /// Problems are shown once the form has been submitted.
    pub show_errors: RwSignal<bool>,
}

impl Default for RegimenDraft {
    fn default() -> Self {
        Self::new()
    }
}

impl RegimenDraft {
    pub fn new() -> Self {
        Self {
            drug: RwSignal::new(String::new()),
            strength: RwSignal::new(String::new()),
            doses: DosesDraft::new(),
            pattern: RwSignal::new(PatternKind::Continuous),
            days_on: RwSignal::new("14".into()),
            days_off: RwSignal::new("7".into()),
            weekdays: RwSignal::new(Vec::new()),
            weekly_day: RwSignal::new(Weekday::Mon),
            start: RwSignal::new(carepath_ui::format::today().to_string()),
            first_cycle: RwSignal::new("1".into()),
            time_zone: RwSignal::new(browser_time_zone()),
            show_errors: RwSignal::new(false),
        }
    }

    /// Back to an empty form (after enrolling), keeping the time zone.
    pub fn reset(&self) {
        let time_zone = self.time_zone.get_untracked();
        let fresh = RegimenDraft::new();
        self.drug.set(String::new());
        self.strength.set(String::new());
        self.doses.twice.set(true);
        for (to, from) in [(self.doses.daily, fresh.doses.daily), (self.doses.morning, fresh.doses.morning), (self.doses.evening, fresh.doses.evening)] {
            to.mg.set(String::new());
            to.tablets.set(String::new());
            to.time.set(from.time.get_untracked());
            to.food.set(FoodInstruction::WithOrWithoutFood);
        }
        self.pattern.set(PatternKind::Continuous);
        self.days_on.set("14".into());
        self.days_off.set("7".into());
        self.weekdays.set(Vec::new());
        self.start.set(carepath_ui::format::today().to_string());
        self.first_cycle.set("1".into());
        self.time_zone.set(time_zone);
        self.show_errors.set(false);
    }

    pub fn values(&self) -> RegimenValues {
        RegimenValues {
            drug: self.drug.get(),
            strength: self.strength.get(),
            doses: self.doses.values(),
            pattern: self.pattern.get(),
            days_on: self.days_on.get(),
            days_off: self.days_off.get(),
            weekdays: self.weekdays.get(),
            weekly_day: self.weekly_day.get(),
            start: self.start.get(),
            first_cycle: self.first_cycle.get(),
            time_zone: self.time_zone.get(),
        }
    }

    /// The regimen, or the first problem with it (reactive: use in a closure or a memo).
    pub fn build(&self) -> Result<Regimen, FieldError> {
        build_regimen(&self.values())
    }

    /// The regimen, or the first problem in words.
    pub fn regimen(&self) -> Result<Regimen, String> {
        self.build().map_err(|e| e.message)
    }
}

/// Moves the focus to the input a problem is about.
pub fn focus_field(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id(id).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// The problem to show next to `field`, if any.
fn error_for(shown: Signal<Option<FieldError>>, field: Field) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || shown.with(|e| e.as_ref().filter(|e| e.field == field).map(|e| e.message.clone()))
}

/// The error line under an input: its id is the input's id + `-error`, for aria-describedby.
fn error_line(id: &str, shown: Signal<Option<FieldError>>, field: Field) -> impl IntoView {
    view! { <p class="field-error" id=format!("{id}-error")>{error_for(shown, field)}</p> }
}

/// The inputs of one dose: mg, tablets, time and food, in a fieldset.
#[component]
fn DoseInputs(dose_slot: DoseSlot, dose: DoseDraft, prefix: String, shown: Signal<Option<FieldError>>) -> impl IntoView {
    let slot = dose_slot;
    let key = slot_key(slot);
    let mg_id = Field::Mg(slot).id(&prefix);
    let tablets_id = Field::Tablets(slot).id(&prefix);
    let time_id = Field::Time(slot).id(&prefix);
    let legend = move || match slot {
        DoseSlot::Daily => tr!("regimen-form-dose-daily"),
        DoseSlot::Morning => tr!("regimen-form-dose-morning"),
        DoseSlot::Evening => tr!("regimen-form-dose-evening"),
    };
    let mg_error = error_for(shown, Field::Mg(slot));
    let tablets_error = error_for(shown, Field::Tablets(slot));
    let amount_error = error_for(shown, Field::Amount(slot));
    let amount_error_id = format!("{prefix}-{key}-amount-error");
    let time_error = error_for(shown, Field::Time(slot));
    view! {
        <fieldset class="dose-fields" data-slot=key>
            <legend>{legend}</legend>
            <p class="hint" id=format!("{prefix}-{key}-amount-hint")>{text!("regimen-form-amount-hint")}</p>
            <div class="field-row">
                <div class="field">
                    <label for=mg_id.clone()>{text!("regimen-form-mg")}</label>
                    <input id=mg_id.clone() type="number" inputmode="numeric" min="0" step="1" autocomplete="off"
                        aria-describedby=format!("{prefix}-{key}-amount-hint {mg_id}-error {amount_error_id}")
                        aria-invalid=move || (mg_error().is_some() || amount_error().is_some()).then_some("true")
                        bind:value=dose.mg/>
                    {error_line(&mg_id, shown, Field::Mg(slot))}
                </div>
                <div class="field">
                    <label for=tablets_id.clone()>{text!("regimen-form-tablets")}</label>
                    <input id=tablets_id.clone() type="number" inputmode="decimal" min="0" step="0.5" autocomplete="off"
                        aria-describedby=format!("{prefix}-{key}-amount-hint {tablets_id}-error {amount_error_id}")
                        aria-invalid=move || (tablets_error().is_some() || amount_error().is_some()).then_some("true")
                        bind:value=dose.tablets/>
                    {error_line(&tablets_id, shown, Field::Tablets(slot))}
                </div>
            </div>
            <p class="field-error amount-error" id=amount_error_id.clone()>{amount_error}</p>
            <div class="field-row">
                <div class="field">
                    <label for=time_id.clone()>{text!("regimen-form-time")}</label>
                    <input id=time_id.clone() type="time" required
                        aria-describedby=format!("{time_id}-error")
                        aria-invalid=move || time_error().is_some().then_some("true")
                        bind:value=dose.time/>
                    {error_line(&time_id, shown, Field::Time(slot))}
                </div>
            </div>
            <FoodInputs dose_slot=slot food=dose.food prefix=prefix.clone() shown=shown/>
        </fieldset>
    }
}

/// A dose's food rule: the kind, and the minutes the kind needs, each with its label and its problem.
#[component]
fn FoodInputs(dose_slot: DoseSlot, food: FoodDraft, prefix: String, shown: Signal<Option<FieldError>>) -> impl IntoView {
    let slot = dose_slot;
    let key = slot_key(slot);
    let food_id = format!("{prefix}-{key}-food");
    let hint_id = format!("{prefix}-{key}-food-hint");
    let hint = hint_id.clone();
    let minutes = move |field: Field, value: RwSignal<String>, min: u16, label: fn() -> String| {
        let id = field.id(&prefix);
        let error = error_for(shown, field);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() type="number" inputmode="numeric" min=min.to_string() max=MAX_FOOD_WINDOW_MINUTES.to_string() step="1"
                    autocomplete="off" aria-describedby=format!("{hint_id} {id}-error")
                    aria-invalid=move || error().is_some().then_some("true")
                    bind:value=value/>
                {error_line(&id, shown, field)}
            </div>
        }
    };
    view! {
        <div class="field food-fields">
            <label for=food_id.clone()>{text!("regimen-form-food")}</label>
            <select id=food_id.clone() on:change=move |ev| {
                let value = event_target_value(&ev);
                if let Some(kind) = FOOD_KINDS.iter().find(|k| k.key() == value) {
                    food.kind.set(*kind);
                }
            }>
                {FOOD_KINDS.iter().map(|&kind| view! {
                    <option value=kind.key() prop:selected=move || food.kind.get() == kind>{move || kind.label()}</option>
                }).collect_view()}
            </select>
            {move || match food.kind.get() {
                FoodKind::WithOrWithoutFood | FoodKind::WithFood => ().into_any(),
                FoodKind::AfterMeal => view! {
                    <p class="hint" id=hint.clone()>{text!("regimen-form-food-minutes-hint")}</p>
                    <div class="field-row">
                        {minutes(Field::FoodWithin(slot), food.within, 1, || tr!("regimen-form-food-within"))}
                    </div>
                }.into_any(),
                FoodKind::NoFood => view! {
                    <p class="hint" id=hint.clone()>{text!("regimen-form-food-minutes-hint")}</p>
                    <div class="field-row">
                        {minutes(Field::FoodBefore(slot), food.before, 0, || tr!("regimen-form-food-before"))}
                        {minutes(Field::FoodAfter(slot), food.after, 0, || tr!("regimen-form-food-after"))}
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// Once or twice a day, and the dose for each time of day.
#[component]
pub fn DoseFields(doses: DosesDraft, #[prop(into)] prefix: String, #[prop(into)] shown: Signal<Option<FieldError>>) -> impl IntoView {
    let once_id = format!("{prefix}-times-once");
    let twice_id = format!("{prefix}-times-twice");
    let name = format!("{prefix}-times");
    let (p1, p2, p3) = (prefix.clone(), prefix.clone(), prefix);
    view! {
        <fieldset class="times-a-day">
            <legend>{text!("regimen-form-times")}</legend>
            <div class="choices">
                <label class="choice" for=once_id.clone()>
                    <input type="radio" id=once_id.clone() name=name.clone() prop:checked=move || !doses.twice.get() on:change=move |_| doses.set_twice(false)/>
                    <span>{text!("regimen-form-once")}</span>
                </label>
                <label class="choice" for=twice_id.clone()>
                    <input type="radio" id=twice_id.clone() name=name.clone() prop:checked=move || doses.twice.get() on:change=move |_| doses.set_twice(true)/>
                    <span>{text!("regimen-form-twice")}</span>
                </label>
            </div>
        </fieldset>
        {move || if doses.twice.get() {
            view! {
                <div class="dose-pair">
                    <DoseInputs dose_slot=DoseSlot::Morning dose=doses.morning prefix=p2.clone() shown=shown/>
                    <DoseInputs dose_slot=DoseSlot::Evening dose=doses.evening prefix=p3.clone() shown=shown/>
                </div>
            }.into_any()
        } else {
            view! { <DoseInputs dose_slot=DoseSlot::Daily dose=doses.daily prefix=p1.clone() shown=shown/> }.into_any()
        }}
    }
}

/// The preset select's value for the days typed: "14/7", or "custom".
fn preset_value(days_on: &str, days_off: &str) -> String {
    let typed = (days_on.trim().parse::<u16>().ok(), days_off.trim().parse::<u16>().ok());
    CYCLE_PRESETS
        .iter()
        .find(|(on, off)| typed == (Some(*on), Some(*off)))
        .map_or_else(|| "custom".to_string(), |(on, off)| format!("{on}/{off}"))
}

/// The guide of the drug named in `drug` (the form's drug name), if any.
pub fn guide_for<'a>(guides: &'a [GuideListing], drug: &str) -> Option<&'a GuideListing> {
    if drug.trim().is_empty() {
        return None;
    }
    guides.iter().find(|g| g.is_named_in(drug))
}

/// Every input of a regimen, labelled, with the problem (after a submit) under the input it is about.
#[component]
pub fn RegimenFields(draft: RegimenDraft, #[prop(into)] prefix: String) -> impl IntoView {
    let result = Memo::new(move |_| draft.build());
    // The drug's guide, when the name typed is one of a guide's names: its food rule is filled in for every dose
    // (once per drug chosen, so the pharmacist can still change it).
    let index = LocalResource::new(carepath_ui::guide_index::load_index);
    let guide = Memo::new(move |_| {
        let drug = draft.drug.get();
        index.with(|index| guide_for(index.as_ref()?.as_ref().ok()?.guides.as_slice(), &drug).cloned())
    });
    Effect::new(move |previous: Option<Option<String>>| {
        let listing = guide.get();
        let drug = listing.as_ref().map(|l| l.drug.clone());
        if let Some(listing) = listing.filter(|_| previous.as_ref() != Some(&drug)) {
            draft.doses.set_food(listing.food);
        }
        drug
    });
    let food_note_id = format!("{prefix}-food-from-guide");
    let food_note = move || {
        guide.get().map(|l| {
            let name = l.names_in(&current()).map(|n| n.generic_name.clone()).unwrap_or_else(|| l.drug.clone());
            tr!("regimen-form-food-from-guide", drug = name, food = food_text(l.food))
        })
    };
    let shown = Signal::derive(move || if draft.show_errors.get() { result.get().err() } else { None });
    let id = |field: Field| field.id(&prefix);
    let (drug_id, strength_id, start_id, cycle_id, tz_id) =
        (id(Field::Drug), id(Field::Strength), id(Field::Start), id(Field::FirstCycle), id(Field::TimeZone));
    let (days_on_id, days_off_id) = (id(Field::DaysOn), id(Field::DaysOff));
    let preset_id = format!("{prefix}-cycle-preset");
    let weekly_id = format!("{prefix}-weekly-day");
    let pattern_name = format!("{prefix}-pattern");
    let invalid = move |field: Field| move || shown.with(|e| e.as_ref().is_some_and(|e| e.field == field)).then_some("true");
    let pattern_choice = {
        let prefix = prefix.clone();
        move |kind: PatternKind, key: &'static str| {
            let choice_id = format!("{prefix}-pattern-{key}");
            let label_for = choice_id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input type="radio" id=choice_id name=pattern_name.clone() prop:checked=move || draft.pattern.get() == kind
                        on:change=move |_| draft.pattern.set(kind)/>
                    <span>{move || match kind {
                        PatternKind::Continuous => tr!("regimen-form-pattern-continuous"),
                        PatternKind::OnOff => tr!("regimen-form-pattern-on-off"),
                        PatternKind::DaysOfWeek => tr!("regimen-form-pattern-days"),
                        PatternKind::Weekly => tr!("regimen-form-pattern-weekly"),
                    }}</span>
                </label>
            }
        }
    };
    let on_off = {
        let (preset_id, days_on_id, days_off_id) = (preset_id.clone(), days_on_id.clone(), days_off_id.clone());
        move || view! {
            <div class="pattern-details">
                <label for=preset_id.clone()>{text!("regimen-form-cycle-preset")}</label>
                <select id=preset_id.clone() on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((on, off)) = value.split_once('/') {
                        draft.days_on.set(on.to_string());
                        draft.days_off.set(off.to_string());
                    }
                }>
                    {CYCLE_PRESETS.iter().map(|&(on, off)| {
                        let value = format!("{on}/{off}");
                        let selected = value.clone();
                        view! {
                            <option value=value prop:selected=move || preset_value(&draft.days_on.get(), &draft.days_off.get()) == selected>
                                {move || pattern_text(&CyclePattern::OnOff { days_on: on, days_off: off })}
                            </option>
                        }
                    }).collect_view()}
                    <option value="custom" prop:selected=move || preset_value(&draft.days_on.get(), &draft.days_off.get()) == "custom">
                        {text!("regimen-form-cycle-custom")}
                    </option>
                </select>
                <div class="field-row">
                    <div class="field">
                        <label for=days_on_id.clone()>{text!("regimen-form-days-on")}</label>
                        <input id=days_on_id.clone() type="number" inputmode="numeric" min="1" step="1"
                            aria-describedby=format!("{days_on_id}-error") aria-invalid=invalid(Field::DaysOn) bind:value=draft.days_on/>
                        {error_line(&days_on_id, shown, Field::DaysOn)}
                    </div>
                    <div class="field">
                        <label for=days_off_id.clone()>{text!("regimen-form-days-off")}</label>
                        <input id=days_off_id.clone() type="number" inputmode="numeric" min="0" step="1"
                            aria-describedby=format!("{days_off_id}-error") aria-invalid=invalid(Field::DaysOff) bind:value=draft.days_off/>
                        {error_line(&days_off_id, shown, Field::DaysOff)}
                    </div>
                </div>
            </div>
        }
    };
    let days_of_week = {
        let prefix = prefix.clone();
        move || {
            let error_id = format!("{}-error", Field::Weekdays.id(&prefix));
            let described_by = error_id.clone();
            view! {
                <fieldset class="pattern-details weekdays" aria-describedby=described_by>
                    <legend>{text!("regimen-form-weekdays")}</legend>
                    <div class="choices">
                        {WEEK.iter().map(|&day| {
                            let day_id = format!("{prefix}-weekday-{}", weekday_key(day));
                            let label_for = day_id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input type="checkbox" id=day_id prop:checked=move || draft.weekdays.with(|d| d.contains(&day))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            draft.weekdays.update(|days| {
                                                days.retain(|d| *d != day);
                                                if on {
                                                    days.push(day);
                                                }
                                            });
                                        }/>
                                    <span>{move || weekday_name(day)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <p class="field-error" id=error_id>{error_for(shown, Field::Weekdays)}</p>
                </fieldset>
            }
        }
    };
    let weekly = {
        let weekly_id = weekly_id.clone();
        move || view! {
            <div class="pattern-details">
                <label for=weekly_id.clone()>{text!("regimen-form-weekly-day")}</label>
                <select id=weekly_id.clone() on:change=move |ev| {
                    if let Some(day) = WEEK.iter().find(|d| weekday_key(**d) == event_target_value(&ev)) {
                        draft.weekly_day.set(*day);
                    }
                }>
                    {WEEK.iter().map(|&day| view! {
                        <option value=weekday_key(day) prop:selected=move || draft.weekly_day.get() == day>{move || weekday_name(day)}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <div class="regimen-fields">
            <label for=drug_id.clone()>{text!("regimen-form-drug")}</label>
            <input id=drug_id.clone() type="text" required maxlength="120" autocomplete="off"
                aria-describedby=format!("{drug_id}-error") aria-invalid=invalid(Field::Drug) bind:value=draft.drug/>
            {error_line(&drug_id, shown, Field::Drug)}
            <label for=strength_id.clone()>{text!("regimen-form-strength")}</label>
            <p class="hint" id=format!("{strength_id}-hint")>{text!("regimen-form-strength-hint")}</p>
            <input id=strength_id.clone() type="text" required maxlength="120" autocomplete="off"
                aria-describedby=format!("{strength_id}-hint {strength_id}-error") aria-invalid=invalid(Field::Strength) bind:value=draft.strength/>
            {error_line(&strength_id, shown, Field::Strength)}
            <p class="hint food-from-guide" id=food_note_id role="status">{food_note}</p>
            <DoseFields doses=draft.doses prefix=prefix.clone() shown=shown/>
            <fieldset class="pattern">
                <legend>{text!("regimen-form-pattern")}</legend>
                <div class="choices">
                    {pattern_choice(PatternKind::Continuous, "continuous")}
                    {pattern_choice(PatternKind::OnOff, "on-off")}
                    {pattern_choice(PatternKind::DaysOfWeek, "days")}
                    {pattern_choice(PatternKind::Weekly, "weekly")}
                </div>
                {move || match draft.pattern.get() {
                    PatternKind::Continuous => ().into_any(),
                    PatternKind::OnOff => on_off().into_any(),
                    PatternKind::DaysOfWeek => days_of_week().into_any(),
                    PatternKind::Weekly => weekly().into_any(),
                }}
            </fieldset>
            <div class="field-row">
                <div class="field">
                    <label for=start_id.clone()>{text!("regimen-form-start")}</label>
                    <input id=start_id.clone() type="date" required
                        aria-describedby=format!("{start_id}-error") aria-invalid=invalid(Field::Start) bind:value=draft.start/>
                    {error_line(&start_id, shown, Field::Start)}
                </div>
                <div class="field">
                    <label for=cycle_id.clone()>{text!("regimen-form-first-cycle")}</label>
                    <input id=cycle_id.clone() type="number" inputmode="numeric" min="1" step="1" required
                        aria-describedby=format!("{cycle_id}-hint {cycle_id}-error") aria-invalid=invalid(Field::FirstCycle) bind:value=draft.first_cycle/>
                    <p class="hint" id=format!("{cycle_id}-hint")>{text!("regimen-form-first-cycle-hint")}</p>
                    {error_line(&cycle_id, shown, Field::FirstCycle)}
                </div>
            </div>
            <label for=tz_id.clone()>{text!("regimen-form-time-zone")}</label>
            <p class="hint" id=format!("{tz_id}-hint")>{text!("regimen-form-time-zone-hint")}</p>
            <input id=tz_id.clone() type="text" required maxlength="64" autocomplete="off" spellcheck="false"
                aria-describedby=format!("{tz_id}-hint {tz_id}-error") aria-invalid=invalid(Field::TimeZone) bind:value=draft.time_zone/>
            {error_line(&tz_id, shown, Field::TimeZone)}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dose(mg: &str, tablets: &str, time: &str) -> DoseValues {
        DoseValues { mg: mg.into(), tablets: tablets.into(), time: time.into(), food: FoodValues::of(FoodInstruction::WithFood) }
    }

    fn values() -> RegimenValues {
        RegimenValues {
            drug: " Capecitabine ".into(),
            strength: "500 mg tablets".into(),
            doses: DosesValues {
                twice: true,
                daily: dose("", "", "09:00"),
                morning: dose("1500", "3", "08:00"),
                evening: dose("1500", "3", "20:00"),
            },
            pattern: PatternKind::OnOff,
            days_on: "14".into(),
            days_off: "7".into(),
            weekdays: vec![],
            weekly_day: Weekday::Mon,
            start: "2026-11-02".into(),
            first_cycle: "1".into(),
            time_zone: "America/New_York".into(),
        }
    }

    #[test]
    fn half_tablets_parse_in_halves_only() {
        assert_eq!(parse_half_tablets(""), Ok(None));
        assert_eq!(parse_half_tablets("3"), Ok(Some(6)));
        assert_eq!(parse_half_tablets("2.5"), Ok(Some(5)));
        assert_eq!(parse_half_tablets("2,50"), Ok(Some(5)));
        assert_eq!(parse_half_tablets("0.5"), Ok(Some(1)));
        assert_eq!(parse_half_tablets("2½"), Ok(Some(5)));
        assert_eq!(parse_half_tablets("½"), Ok(Some(1)));
        assert_eq!(parse_half_tablets("2.0"), Ok(Some(4)));
        assert!(parse_half_tablets("2.25").is_err());
        assert!(parse_half_tablets("-1").is_err());
        assert!(parse_half_tablets("two").is_err());
        assert_eq!(half_tablets_input(5), "2.5");
        assert_eq!(half_tablets_input(6), "3");
    }

    #[test]
    fn a_full_form_builds_a_checked_regimen() {
        let regimen = build_regimen(&values()).unwrap();
        assert_eq!(regimen.drug_name, "Capecitabine");
        assert_eq!(regimen.doses.len(), 2);
        assert_eq!(regimen.doses[0].slot, DoseSlot::Morning);
        assert_eq!(regimen.doses[0].amount, DoseAmount::mg_tablets(1500, 3));
        assert_eq!(regimen.doses[1].time, NaiveTime::from_hms_opt(20, 0, 0).unwrap());
        assert_eq!(regimen.pattern, CyclePattern::OnOff { days_on: 14, days_off: 7 });
        assert_eq!(regimen.time_zone, chrono_tz::America::New_York);

        let mut once = values();
        once.doses.twice = false;
        once.doses.daily = dose("", "2.5", "09:00");
        once.pattern = PatternKind::DaysOfWeek;
        once.weekdays = vec![Weekday::Fri, Weekday::Mon];
        let regimen = build_regimen(&once).unwrap();
        assert_eq!(regimen.doses[0].slot, DoseSlot::Daily);
        assert_eq!(regimen.doses[0].amount, DoseAmount { mg: None, half_tablets: Some(5) });
        assert_eq!(regimen.pattern, CyclePattern::DaysOfWeek { days: vec![Weekday::Mon, Weekday::Fri] });
    }

    #[test]
    fn the_strength_gives_the_mg_of_one_tablet() {
        assert_eq!(strength_milli_mg("500 mg tablets"), Some(500_000));
        assert_eq!(strength_milli_mg("Capecitabine 150MG"), Some(150_000));
        assert_eq!(strength_milli_mg("2.5 mg"), Some(2_500));
        assert_eq!(strength_milli_mg("0,25 mg comprimidos"), Some(250));
        assert_eq!(strength_milli_mg("125 mg capsules"), Some(125_000));
        // No mg number, another unit, or two different ones: nothing to check against.
        assert_eq!(strength_milli_mg("tablets"), None);
        assert_eq!(strength_milli_mg("500 mcg"), None);
        assert_eq!(strength_milli_mg("10 mg/mL"), None);
        assert_eq!(strength_milli_mg("150 mg and 500 mg tablets"), None);
        assert_eq!(strength_milli_mg("5 mgx"), None);
    }

    #[test]
    fn mg_that_contradict_tablets_times_strength_are_refused_next_to_the_dose() {
        let mut v = values();
        v.doses.morning = dose("1500", "2", "08:00");
        let problem = build_regimen(&v).unwrap_err();
        assert_eq!(problem.field, Field::Amount(DoseSlot::Morning));
        assert!(problem.message.contains("1500 mg"), "{}", problem.message);
        assert!(problem.message.contains("1000 mg"), "{}", problem.message);
        assert_eq!(Field::Amount(DoseSlot::Morning).id("regimen"), "regimen-morning-mg");
        // The evening dose too.
        let mut v = values();
        v.doses.evening = dose("1000", "3", "20:00");
        assert_eq!(build_regimen(&v).unwrap_err().field, Field::Amount(DoseSlot::Evening));
        // Matching amounts, halves, one of the two left out, or a strength without mg: accepted.
        let mut v = values();
        v.doses.morning = dose("1250", "2.5", "08:00");
        v.doses.evening = dose("", "2", "20:00");
        assert!(build_regimen(&v).is_ok());
        v.strength = "tablets".into();
        v.doses.morning = dose("1500", "2", "08:00");
        assert!(build_regimen(&v).is_ok());
        v.strength = "0.25 mg".into();
        v.doses.morning = dose("1", "4", "08:00");
        assert!(build_regimen(&v).is_ok());
        v.doses.morning = dose("1", "3", "08:00");
        assert_eq!(build_regimen(&v).unwrap_err().field, Field::Amount(DoseSlot::Morning));
    }

    #[test]
    fn problems_name_the_input_they_are_about() {
        let field = |f: fn(&mut RegimenValues)| {
            let mut v = values();
            f(&mut v);
            build_regimen(&v).unwrap_err().field
        };
        assert_eq!(field(|v| v.drug = "  ".into()), Field::Drug);
        assert_eq!(field(|v| v.strength = String::new()), Field::Strength);
        assert_eq!(field(|v| v.doses.evening = dose("", "", "20:00")), Field::Mg(DoseSlot::Evening));
        assert_eq!(field(|v| v.doses.morning.tablets = "1.3".into()), Field::Tablets(DoseSlot::Morning));
        assert_eq!(field(|v| v.doses.morning.time = String::new()), Field::Time(DoseSlot::Morning));
        assert_eq!(field(|v| v.days_on = "0".into()), Field::DaysOn);
        assert_eq!(field(|v| v.days_off = "x".into()), Field::DaysOff);
        assert_eq!(field(|v| v.pattern = PatternKind::DaysOfWeek), Field::Weekdays);
        assert_eq!(field(|v| v.start = String::new()), Field::Start);
        assert_eq!(field(|v| v.first_cycle = "0".into()), Field::FirstCycle);
        assert_eq!(field(|v| v.time_zone = "Mars/Olympus".into()), Field::TimeZone);
        assert_eq!(parse_time_zone("America/New York"), Some(chrono_tz::America::New_York));
        assert_eq!(preset_value("21", "7"), "21/7");
        assert_eq!(preset_value("10", "7"), "custom");
    }

    fn food(kind: FoodKind, within: &str, before: &str, after: &str) -> FoodValues {
        FoodValues { kind, within: within.into(), before: before.into(), after: after.into() }
    }

    #[test]
    fn food_rules_carry_their_minutes() {
        let slot = DoseSlot::Morning;
        assert_eq!(build_food(slot, &food(FoodKind::WithFood, "", "", "")), Ok(FoodInstruction::WithFood));
        assert_eq!(build_food(slot, &food(FoodKind::AfterMeal, " 30 ", "x", "")), Ok(FoodInstruction::AfterMeal { within_minutes: 30 }));
        assert_eq!(
            build_food(slot, &food(FoodKind::NoFood, "", "120", "60")),
            Ok(FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 })
        );
        assert_eq!(build_food(slot, &food(FoodKind::NoFood, "", "0", "60")), Ok(FoodInstruction::NoFood { before_minutes: 0, after_minutes: 60 }));
        let field = |v: FoodValues| build_food(slot, &v).unwrap_err().field;
        assert_eq!(field(food(FoodKind::AfterMeal, "", "", "")), Field::FoodWithin(slot));
        assert_eq!(field(food(FoodKind::AfterMeal, "0", "", "")), Field::FoodWithin(slot));
        assert_eq!(field(food(FoodKind::AfterMeal, "361", "", "")), Field::FoodWithin(slot));
        assert_eq!(field(food(FoodKind::NoFood, "", "1.5", "60")), Field::FoodBefore(slot));
        assert_eq!(field(food(FoodKind::NoFood, "", "120", "400")), Field::FoodAfter(slot));
        assert_eq!(field(food(FoodKind::NoFood, "", "0", "0")), Field::FoodBefore(slot));
        // What the inputs show for a rule reads back as the same rule.
        for rule in [
            FoodInstruction::WithOrWithoutFood,
            FoodInstruction::WithFood,
            FoodInstruction::AfterMeal { within_minutes: 30 },
            FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 },
        ] {
            assert_eq!(build_food(slot, &FoodValues::of(rule)), Ok(rule));
            assert_eq!(FOOD_KINDS.iter().filter(|k| **k == FoodKind::of(rule)).count(), 1);
        }
        let mut v = values();
        v.doses.evening.food = food(FoodKind::AfterMeal, "", "", "");
        assert_eq!(build_regimen(&v).unwrap_err().field, Field::FoodWithin(DoseSlot::Evening));
        assert_eq!(Field::FoodWithin(DoseSlot::Evening).id("regimen"), "regimen-evening-food-within");
    }

    #[test]
    fn the_drug_typed_finds_its_guide() {
        use carepath_domain::guide::GuideNames;
        let listing = |drug: &str, brand: &str, food: FoodInstruction| GuideListing {
            drug: drug.into(),
            names: vec![GuideNames { lang: "en".into(), generic_name: drug.into(), brand_names: vec![brand.into()] }],
            food,
        };
        let guides = [
            listing("abiraterone", "Zytiga", FoodInstruction::NoFood { before_minutes: 120, after_minutes: 60 }),
            listing("capecitabine", "Xeloda", FoodInstruction::AfterMeal { within_minutes: 30 }),
        ];
        assert_eq!(guide_for(&guides, "Capecitabine").map(|g| g.drug.as_str()), Some("capecitabine"));
        assert_eq!(guide_for(&guides, "XELODA 500 mg").map(|g| g.food), Some(FoodInstruction::AfterMeal { within_minutes: 30 }));
        assert_eq!(guide_for(&guides, "Zytiga").map(|g| g.drug.as_str()), Some("abiraterone"));
        assert!(guide_for(&guides, "Capecit").is_none());
        assert!(guide_for(&guides, "  ").is_none());
    }
}
