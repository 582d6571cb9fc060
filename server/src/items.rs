//! The symptom item library: loaded once at startup from a content pack, checked, and turned into each
//! patient's check-in form.

use std::path::Path;

use anyhow::Context as _;
use carepath_domain::checkin::{term_names, CheckInForm, ItemLibrary, TermNames};

use crate::guides::GuideLibrary;

#[derive(Debug, Clone)]
pub struct Items {
    library: ItemLibrary,
    term_names: TermNames,
}

impl Items {
    /// Reads and checks the library; any problem stops the server with the file and the reason.
    pub fn load(path: &Path) -> anyhow::Result<Items> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let library: ItemLibrary = toml::from_str(&text).with_context(|| format!("{} is not a valid item library", path.display()))?;
        library.validate().with_context(|| path.display().to_string())?;
        let term_names = term_names(&library.items);
        Ok(Items { library, term_names })
    }

    pub fn name(&self) -> &str {
        &self.library.name
    }

    /// Every item's name in every language.
    pub fn term_names(&self) -> &TermNames {
        &self.term_names
    }

    /// The form for a patient whose regimen lines have these drug names.
    pub fn form_for<'a>(&self, guides: &GuideLibrary, drug_names: impl IntoIterator<Item = &'a str>, every_days: u16) -> CheckInForm {
        let drugs: Vec<&str> = drug_names.into_iter().flat_map(|name| guides.drugs_named_in(name)).collect();
        self.library.form_for(&drugs, every_days)
    }
}
