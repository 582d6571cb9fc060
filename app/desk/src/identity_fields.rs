//! The enroll form's identifiers (issue #12 item 1): date of birth and medical record number (both required), a
//! phone number to call back and the patient's language. Checked with the domain's rules before sending; each
//! problem shows under its input, as in the regimen form.

use carepath_domain::identity::{check_date_of_birth, check_mrn, check_phone, Language};
use carepath_domain::ValidationError;
use chrono::NaiveDate;
use leptos::prelude::*;

use carepath_ui::tr;
use carepath_ui::text;

/// The inputs, by the id of their element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityField {
    DateOfBirth,
    Mrn,
    Phone,
}

impl IdentityField {
    pub fn id(self) -> &'static str {
        match self {
            IdentityField::DateOfBirth => "patient-dob",
            IdentityField::Mrn => "patient-mrn",
            IdentityField::Phone => "patient-phone",
        }
    }
}

/// A problem with what was typed, in words, tied to its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityError {
    pub field: IdentityField,
    pub message: String,
}

/// The identifiers as checked, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub date_of_birth: NaiveDate,
    pub mrn: String,
    pub phone: Option<String>,
    pub language: Language,
}

/// The identifiers as typed, with the problem on show (if any).
#[derive(Clone, Copy)]
pub struct IdentityDraft {
    pub date_of_birth: RwSignal<String>,
    pub mrn: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub language: RwSignal<Language>,
    pub shown: RwSignal<Option<IdentityError>>,
}

impl IdentityDraft {
    pub fn new() -> Self {
        Self {
            date_of_birth: RwSignal::new(String::new()),
            mrn: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            language: RwSignal::new(Language::En),
            shown: RwSignal::new(None),
        }
    }

    pub fn reset(&self) {
        self.date_of_birth.set(String::new());
        self.mrn.set(String::new());
        self.phone.set(String::new());
        self.language.set(Language::En);
        self.shown.set(None);
    }

    /// The identifiers, or the first problem (also put on show).
    pub fn build(&self, today: NaiveDate) -> Result<Identity, IdentityError> {
        let built = build(&self.date_of_birth.get_untracked(), &self.mrn.get_untracked(), &self.phone.get_untracked(), today)
            .map(|(date_of_birth, mrn, phone)| Identity { date_of_birth, mrn, phone, language: self.language.get_untracked() });
        self.shown.set(built.as_ref().err().cloned());
        built
    }

    /// The server says another patient of the site has this MRN.
    pub fn mrn_taken(&self) -> IdentityError {
        let problem = IdentityError { field: IdentityField::Mrn, message: tr!("identity-error-mrn-taken") };
        self.shown.set(Some(problem.clone()));
        problem
    }
}

impl Default for IdentityDraft {
    fn default() -> Self {
        Self::new()
    }
}

/// Checks the typed values with the domain's rules: (date of birth, MRN, phone).
pub fn build(date_of_birth: &str, mrn: &str, phone: &str, today: NaiveDate) -> Result<(NaiveDate, String, Option<String>), IdentityError> {
    let problem = |field, message| IdentityError { field, message };
    let dob_text = date_of_birth.trim();
    if dob_text.is_empty() {
        return Err(problem(IdentityField::DateOfBirth, tr!("identity-error-dob-required")));
    }
    let dob = carepath_domain::identity::parse_date(dob_text)
        .ok_or_else(|| problem(IdentityField::DateOfBirth, tr!("identity-error-dob-unreadable")))?;
    check_date_of_birth(dob, today).map_err(|e| {
        problem(IdentityField::DateOfBirth, match e {
            ValidationError::InFuture(_) => tr!("identity-error-dob-future"),
            _ => tr!("identity-error-dob-too-early"),
        })
    })?;
    let mrn = check_mrn(mrn).map_err(|e| {
        problem(IdentityField::Mrn, match e {
            ValidationError::Required(_) => tr!("identity-error-mrn-required"),
            ValidationError::TooLong { .. } => tr!("identity-error-mrn-too-long"),
            _ => tr!("identity-error-characters"),
        })
    })?;
    let phone = check_phone(phone).map_err(|e| {
        problem(IdentityField::Phone, match e {
            ValidationError::TooLong { .. } => tr!("identity-error-phone-too-long"),
            _ => tr!("identity-error-phone"),
        })
    })?;
    Ok((dob, mrn, phone))
}

/// The language's name in itself, as the desk chooses it for the handout.
pub fn language_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Es => "Español",
    }
}

/// The error line under an input (`{id}-error`, for aria-describedby).
fn error_line(draft: IdentityDraft, field: IdentityField) -> impl IntoView {
    view! {
        <p class="field-error" id=format!("{}-error", field.id())>
            {move || draft.shown.with(|e| e.as_ref().filter(|e| e.field == field).map(|e| e.message.clone()))}
        </p>
    }
}

#[component]
pub fn IdentityFields(draft: IdentityDraft) -> impl IntoView {
    let invalid = move |field: IdentityField| move || draft.shown.with(|e| e.as_ref().is_some_and(|e| e.field == field)).then_some("true");
    view! {
        <fieldset class="identity-fields">
            <legend>{text!("identity-legend")}</legend>
            <div class="identity-grid">
                <div class="field">
                    <label for="patient-dob">{text!("identity-dob")}</label>
                    <input id="patient-dob" type="date" required autocomplete="off"
                        aria-describedby="patient-dob-error" aria-invalid=invalid(IdentityField::DateOfBirth)
                        bind:value=draft.date_of_birth/>
                    {error_line(draft, IdentityField::DateOfBirth)}
                </div>
                <div class="field">
                    <label for="patient-mrn">{text!("identity-mrn")}</label>
                    <input id="patient-mrn" type="text" required maxlength="32" autocomplete="off" spellcheck="false"
                        aria-describedby="patient-mrn-error" aria-invalid=invalid(IdentityField::Mrn)
                        bind:value=draft.mrn/>
                    {error_line(draft, IdentityField::Mrn)}
                </div>
                <div class="field">
                    <label for="patient-phone">{text!("identity-phone")}</label>
                    <input id="patient-phone" type="tel" maxlength="32" autocomplete="off"
                        aria-describedby="patient-phone-hint patient-phone-error" aria-invalid=invalid(IdentityField::Phone)
                        bind:value=draft.phone/>
                    <p class="hint" id="patient-phone-hint">{text!("identity-phone-hint")}</p>
                    {error_line(draft, IdentityField::Phone)}
                </div>
                <div class="field">
                    <label for="patient-language">{text!("identity-language")}</label>
                    <select id="patient-language" aria-describedby="patient-language-hint" on:change=move |ev| {
                        if let Some(language) = Language::from_code(&event_target_value(&ev)) {
                            draft.language.set(language);
                        }
                    }>
                        {Language::ALL.into_iter().map(|language| view! {
                            <option value=language.code() prop:selected=move || draft.language.get() == language>{language_name(language)}</option>
                        }).collect_view()}
                    </select>
                    <p class="hint" id="patient-language-hint">{text!("identity-language-hint")}</p>
                </div>
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(dob: &str, mrn: &str, phone: &str) -> Option<IdentityField> {
        build(dob, mrn, phone, "2026-12-01".parse().unwrap()).err().map(|e| e.field)
    }

    #[test]
    fn each_problem_is_tied_to_its_input() {
        assert_eq!(field_of("", "A1", ""), Some(IdentityField::DateOfBirth), "required");
        assert_eq!(field_of("2026-12-02", "A1", ""), Some(IdentityField::DateOfBirth), "in the future");
        assert_eq!(field_of("1900-01-01", "A1", ""), Some(IdentityField::DateOfBirth), "over 120 years");
        assert_eq!(field_of("1961-04-09", "  ", ""), Some(IdentityField::Mrn), "required");
        assert_eq!(field_of("1961-04-09", &"9".repeat(33), ""), Some(IdentityField::Mrn), "too long");
        assert_eq!(field_of("1961-04-09", "A1", "call me"), Some(IdentityField::Phone));
        assert_eq!(
            build("1961-04-09", " A1 ", "", "2026-12-01".parse().unwrap()),
            Ok(("1961-04-09".parse().unwrap(), "A1".to_string(), None))
        );
    }
}
