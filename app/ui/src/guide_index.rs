//! The list of every guide (`/guides/index.json`), which the patient's guide list and the desk's regimen form
//! both read, and the words a guide's drug name starts with.

use carepath_domain::guide::GuideIndex;

use crate::api::{self, ApiError};

/// Why a guide or the list could not be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum GuideError {
    /// No such guide (unknown drug or language).
    NotFound,
    /// Not reachable and not saved on this phone yet.
    NotSaved,
    Other,
}

impl From<ApiError> for GuideError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Offline => GuideError::NotSaved,
            ApiError::Server { status: 404, .. } => GuideError::NotFound,
            ApiError::Server { .. } => GuideError::Other,
        }
    }
}

/// The list of every guide (`/guides/index.json`): the guide list, and the regimen form's food rule per drug.
pub async fn load_index() -> Result<GuideIndex, GuideError> {
    Ok(api::get::<GuideIndex>("/guides/index.json", None).await?)
}


/// "capecitabine" → "Capecitabine".
pub fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

