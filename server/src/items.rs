//! The check-in content: the symptom item library, the drug triage rules and the self-care advice, loaded once at
//! startup from a content pack (a folder: `library.toml`, `rules.toml`, `self_care.toml`), checked, and turned
//! into each patient's check-in form.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use carepath_domain::checkin::{all_names, CheckInForm, ItemLibrary, TermNames};
use carepath_domain::rules::{Rule, SelfCare, TriageRules};

use crate::guides::GuideLibrary;

#[derive(Debug, Clone)]
pub struct Items {
    library: ItemLibrary,
    rules: TriageRules,
    self_care: SelfCare,
    term_names: TermNames,
}

fn load_toml<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

impl Items {
    /// Reads and checks the library at `path` and the rules and self-care files beside it; any problem stops the
    /// server with the file and the reason. `guides` names the drugs rules may be for.
    pub fn load(path: &Path, guides: &GuideLibrary) -> anyhow::Result<Items> {
        let library: ItemLibrary = load_toml(path, "item library")?;
        library.validate().with_context(|| path.display().to_string())?;
        let rules_path = path.with_file_name("rules.toml");
        let rules: TriageRules = load_toml(&rules_path, "triage rules file")?;
        let drugs: BTreeSet<String> = guides.drug_ids().map(str::to_string).collect();
        rules.validate(&library, &drugs).with_context(|| rules_path.display().to_string())?;
        let care_path = path.with_file_name("self_care.toml");
        let self_care: SelfCare = load_toml(&care_path, "self-care file")?;
        self_care.validate(&library).with_context(|| care_path.display().to_string())?;
        let term_names = all_names(&library, &rules.rules);
        Ok(Items { library, rules, self_care, term_names })
    }

    pub fn name(&self) -> &str {
        &self.library.name
    }

    /// Every item's, question's and rule's name in every language.
    pub fn term_names(&self) -> &TermNames {
        &self.term_names
    }

    /// The guide drug ids named by these regimen lines' drug names.
    pub fn drugs_of<'a>(&self, guides: &'a GuideLibrary, drug_names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let mut drugs: Vec<&str> = Vec::new();
        for drug in drug_names.into_iter().flat_map(|name| guides.drugs_named_in(name)) {
            if !drugs.contains(&drug) {
                drugs.push(drug);
            }
        }
        drugs
    }

    /// The triage rules for a patient on `drugs`.
    pub fn rules_for(&self, drugs: &[&str]) -> Vec<Rule> {
        self.rules.for_drugs(drugs)
    }

    /// The form for a patient whose regimen lines have these drug names: items, yes/no questions, rules and
    /// self-care advice for their drugs.
    pub fn form_for<'a>(&self, guides: &'a GuideLibrary, drug_names: impl IntoIterator<Item = &'a str>, every_days: u16) -> CheckInForm {
        let drugs = self.drugs_of(guides, drug_names);
        let mut form = self.library.form_for(&drugs, every_days);
        form.rules = self.rules.for_drugs(&drugs);
        form.self_care = self.self_care.for_items(form.items.iter().map(|i| i.id.as_str()));
        form
    }

    /// The yes/no questions and items of the whole library (the server triages with the question's own action).
    pub fn library(&self) -> &ItemLibrary {
        &self.library
    }
}
