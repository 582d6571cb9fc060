//! Medication guides: loaded once at startup from `content/guides/<lang>/<drug>.toml` and served as public,
//! cacheable JSON outside `/api` (general education, not health data). A guide file that does not load stops
//! the server at startup: never half the content.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use carepath_domain::guide::{is_valid_drug_id, is_valid_label_revision, Guide, GuideIndex, GuideListing, GuideNames, LANGUAGES};
use sha2::{Digest, Sha256};

use crate::auth::hex;
use crate::error::ApiError;
use crate::AppState;

/// Browsers and proxies may keep a guide this long before asking again; the app's service worker keeps its
/// own copy for offline use and refreshes it in the background.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Debug, thiserror::Error)]
pub enum GuideLoadError {
    #[error("cannot read the guides folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("cannot read the guide {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the guide {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("the guide {path} says drug = {drug:?}; it must match its file name")]
    WrongDrug { path: PathBuf, drug: String },
    #[error("the guide {path} has nothing in {field}")]
    Empty { path: PathBuf, field: &'static str },
    #[error("the guide for {drug} exists in {has} but not in {missing}")]
    MissingTranslation { drug: String, has: &'static str, missing: &'static str },
    #[error("no guides found in {0}")]
    NoGuides(PathBuf),
    #[error("the guide for {drug} gives a different {field} in {lang} than in en (label, revision, review date and food rule are the drug's, the same in every language)")]
    LanguagesDisagree { drug: String, lang: &'static str, field: &'static str },
    #[error("the guide {path}: {message}")]
    BadFact { path: PathBuf, message: String },
}

/// One served file: its JSON and a strong validator.
#[derive(Debug, Clone)]
struct Published {
    json: Bytes,
    etag: HeaderValue,
}

impl Published {
    fn new<T: serde::Serialize>(value: &T) -> Self {
        let json = serde_json::to_vec(value).expect("guides serialize to JSON");
        let etag = format!("\"{}\"", &hex(&Sha256::digest(&json))[..32]);
        Published { json: json.into(), etag: HeaderValue::from_str(&etag).expect("hex is a valid header") }
    }

    fn respond(&self, request_headers: &HeaderMap) -> Response {
        let fresh = request_headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == self.etag);
        let mut response =
            if fresh { StatusCode::NOT_MODIFIED.into_response() } else { self.json.clone().into_response() };
        let headers = response.headers_mut();
        if !fresh {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
        headers.insert(header::ETAG, self.etag.clone());
        response
    }
}

/// Every guide, in every language, ready to serve.
#[derive(Debug, Clone)]
pub struct GuideLibrary {
    index: Published,
    listings: Vec<GuideListing>,
    /// Keyed by (language, drug id).
    guides: HashMap<(String, String), Published>,
}

impl GuideLibrary {
    /// Loads `<dir>/<lang>/<drug>.toml` for every language. Every drug must exist in every language.
    pub fn load(dir: &Path) -> Result<Self, GuideLoadError> {
        let mut by_lang: BTreeMap<&'static str, BTreeMap<String, Guide>> = BTreeMap::new();
        for lang in LANGUAGES {
            by_lang.insert(lang, load_language(&dir.join(lang))?);
        }
        let all_drugs: BTreeSet<&String> = by_lang.values().flat_map(|guides| guides.keys()).collect();
        if all_drugs.is_empty() {
            return Err(GuideLoadError::NoGuides(dir.to_path_buf()));
        }
        for drug in &all_drugs {
            for missing in LANGUAGES {
                if !by_lang[missing].contains_key(*drug) {
                    let has = LANGUAGES.into_iter().find(|l| by_lang[l].contains_key(*drug)).expect("found in one");
                    return Err(GuideLoadError::MissingTranslation { drug: drug.to_string(), has, missing });
                }
            }
        }
        for drug in &all_drugs {
            let en = &by_lang["en"][*drug];
            for lang in LANGUAGES {
                let other = &by_lang[lang][*drug];
                let field = if other.label != en.label {
                    "label"
                } else if other.label_revised != en.label_revised {
                    "label_revised"
                } else if other.reviewed != en.reviewed {
                    "reviewed"
                } else if other.food != en.food {
                    "food"
                } else {
                    continue;
                };
                return Err(GuideLoadError::LanguagesDisagree { drug: drug.to_string(), lang, field });
            }
        }
        let index = GuideIndex {
            guides: all_drugs
                .iter()
                .map(|drug| GuideListing {
                    drug: drug.to_string(),
                    names: LANGUAGES.into_iter().map(|lang| GuideNames::of(lang, &by_lang[lang][*drug])).collect(),
                    food: by_lang["en"][*drug].food,
                })
                .collect(),
        };
        let guides = by_lang
            .iter()
            .flat_map(|(lang, guides)| guides.iter().map(|(drug, guide)| ((lang.to_string(), drug.clone()), Published::new(guide))))
            .collect();
        Ok(GuideLibrary { index: Published::new(&index), listings: index.guides, guides })
    }

    /// The guide drug ids a regimen line's drug name names ("Xeloda 500 mg" → `capecitabine`).
    pub fn drugs_named_in(&self, regimen_drug_name: &str) -> Vec<&str> {
        self.listings.iter().filter(|l| l.is_named_in(regimen_drug_name)).map(|l| l.drug.as_str()).collect()
    }

    /// A regimen line's drug name in each language, when it is a guide's generic name (see
    /// [`GuideListing::generic_names_for`]).
    pub fn generic_names_for(&self, regimen_drug_name: &str) -> Option<std::collections::BTreeMap<String, String>> {
        self.listings.iter().find_map(|l| l.generic_names_for(regimen_drug_name))
    }

    /// Every drug id that has a guide.
    pub fn drug_ids(&self) -> impl Iterator<Item = &str> {
        self.listings.iter().map(|l| l.drug.as_str())
    }

    pub fn drug_count(&self) -> usize {
        self.guides.len() / LANGUAGES.len()
    }
}

fn load_language(dir: &Path) -> Result<BTreeMap<String, Guide>, GuideLoadError> {
    let folder_error = |source| GuideLoadError::Folder { path: dir.to_path_buf(), source };
    let mut guides = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(folder_error)? {
        let path = entry.map_err(folder_error)?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| GuideLoadError::Read { path: path.clone(), source })?;
        let guide: Guide =
            toml::from_str(&text).map_err(|e| GuideLoadError::Invalid { path: path.clone(), message: e.to_string() })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if guide.drug != stem || !is_valid_drug_id(&guide.drug) {
            return Err(GuideLoadError::WrongDrug { path, drug: guide.drug });
        }
        if let Some(field) = first_empty_field(&guide) {
            return Err(GuideLoadError::Empty { path, field });
        }
        if !is_valid_label_revision(&guide.label_revised) {
            return Err(GuideLoadError::BadFact {
                path,
                message: format!("label_revised = {:?} must be YYYY-MM", guide.label_revised),
            });
        }
        if !guide.food.is_valid() {
            return Err(GuideLoadError::BadFact { path, message: "food: minutes must be 1 to 360".into() });
        }
        guides.insert(guide.drug.clone(), guide);
    }
    Ok(guides)
}

/// A guide a patient would see with a hole in it is refused (the content tests check much more).
fn first_empty_field(guide: &Guide) -> Option<&'static str> {
    if guide.generic_name.trim().is_empty() {
        return Some("generic_name");
    }
    if guide.label.trim().is_empty() {
        return Some("label");
    }
    for (tier, entries) in guide.call.tiers() {
        if entries.is_empty() || entries.iter().any(|e| e.trim().is_empty()) {
            return Some(tier);
        }
    }
    if let Some((id, _)) = guide.sections.iter().find(|(_, text)| text.trim().is_empty()) {
        return Some(id);
    }
    let teach_back_gap = guide.teach_back.is_empty()
        || guide.teach_back.iter().any(|pair| pair.question.trim().is_empty() || pair.answer.trim().is_empty());
    teach_back_gap.then_some("teach_back")
}

/// `GET /guides/index.json`: every drug with its generic and brand names in every language.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.guides.index.respond(&headers)
}

/// `GET /guides/{lang}/{drug}.json`: one guide in one language.
pub async fn guide(
    State(state): State<AppState>,
    crate::error::ApiPath((lang, file)): crate::error::ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let drug = file.strip_suffix(".json").ok_or(ApiError::GuideNotFound)?;
    let published = state.guides.guides.get(&(lang, drug.to_string())).ok_or(ApiError::GuideNotFound)?;
    Ok(published.respond(&headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO_GUIDES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/guides");

    /// A guides folder with the repository's capecitabine guide in both languages, `edit` applied to the Spanish one.
    fn folder_with(edit: impl Fn(String) -> String) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for lang in LANGUAGES {
            std::fs::create_dir(dir.path().join(lang)).unwrap();
            let text = std::fs::read_to_string(Path::new(REPO_GUIDES).join(lang).join("capecitabine.toml")).unwrap();
            let text = if lang == "es" { edit(text) } else { text };
            std::fs::write(dir.path().join(lang).join("capecitabine.toml"), text).unwrap();
        }
        dir
    }

    #[test]
    fn the_repository_guides_all_load() {
        let library = GuideLibrary::load(Path::new(REPO_GUIDES)).unwrap();
        assert!(library.drug_count() >= 15);
    }

    #[test]
    fn an_empty_section_is_refused() {
        let dir = folder_with(|text| {
            let start = text.find("storage = \"\"\"").unwrap();
            let end = start + text[start..].find("safe_handling").unwrap();
            format!("{}storage = \"  \"\n{}", &text[..start], &text[end..])
        });
        let err = GuideLibrary::load(dir.path()).unwrap_err();
        assert!(matches!(err, GuideLoadError::Empty { field: "storage", .. }), "{err}");
    }

    #[test]
    fn a_drug_id_that_is_not_the_file_name_is_refused() {
        let dir = folder_with(|text| text.replacen("drug = \"capecitabine\"", "drug = \"xeloda\"", 1));
        let err = GuideLibrary::load(dir.path()).unwrap_err();
        assert!(matches!(err, GuideLoadError::WrongDrug { ref drug, .. } if drug == "xeloda"), "{err}");
    }

    #[test]
    fn a_guide_missing_in_one_language_is_refused() {
        let dir = folder_with(|text| text);
        std::fs::copy(Path::new(REPO_GUIDES).join("en/imatinib.toml"), dir.path().join("en/imatinib.toml")).unwrap();
        let err = GuideLibrary::load(dir.path()).unwrap_err();
        assert!(matches!(err, GuideLoadError::MissingTranslation { missing: "es", .. }), "{err}");
    }
}
