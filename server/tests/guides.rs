//! Medication guides over HTTP: the real server binary on a random port, with the repository's guides.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use carepath_domain::guide::{Guide, GuideIndex, SECTION_IDS};
use carepath_domain::sync::ErrorBody;

fn repo_guides() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/guides")
}

/// A running server; killed when dropped.
struct Running {
    child: Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_command(guides_dir: &Path, data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carepath-server"));
    command
        .arg("serve")
        .env("CAREPATH_BIND", "127.0.0.1:0")
        .env("CAREPATH_DATA_DIR", data)
        .env("CAREPATH_STATIC_DIR", data.join("no-app-needed"))
        .env("CAREPATH_GUIDES_DIR", guides_dir)
        .env("CAREPATH_CHECKIN_LIBRARY", Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/checkin/library.toml"))
        .env("RUST_LOG", "warn");
    command
}

/// Starts the server and waits for it to print the address it listens on.
fn start(guides_dir: &Path) -> Running {
    let data = tempfile::tempdir().unwrap();
    let mut child = server_command(guides_dir, data.path()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("the server stopped before listening").unwrap();
        if let Some(url) = line.strip_prefix("Carepath is listening on ") {
            break url.trim().to_string();
        }
    };
    Running { child, url, _data: data }
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

#[tokio::test]
async fn the_index_lists_every_drug_with_its_names_in_both_languages() {
    let server = start(&repo_guides());
    let response = get(&format!("{}/guides/index.json", server.url)).await;
    assert_eq!(response.status(), 200);
    let cache = response.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(cache.contains("public") && cache.contains("max-age"), "{cache}");
    assert!(response.headers().contains_key("etag"));
    let index: GuideIndex = response.json().await.unwrap();
    assert!(index.guides.len() >= 15, "only {} guides", index.guides.len());
    let capecitabine = index.guides.iter().find(|g| g.drug == "capecitabine").expect("capecitabine is listed");
    let es = capecitabine.names.iter().find(|n| n.lang == "es").unwrap();
    assert_eq!(es.generic_name, "capecitabina");
    assert_eq!(es.brand_names, ["Xeloda"]);
    assert!(capecitabine.names.iter().any(|n| n.lang == "en" && n.generic_name == "capecitabine"));
}

/// The raw answer with `Accept-Encoding` set (reqwest here neither asks for nor decodes compression).
async fn get_encoded(url: &str, accept: &str) -> (Option<String>, Vec<u8>) {
    let response = reqwest::Client::new().get(url).header("accept-encoding", accept).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let encoding = response.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
    (encoding, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn guides_are_sent_compressed_to_a_browser_that_asks() {
    use std::io::Read;
    let server = start(&repo_guides());
    for path in ["/guides/index.json", "/guides/en/capecitabine.json", "/guides/es/capecitabine.json"] {
        let url = format!("{}{path}", server.url);
        let (none, plain) = get_encoded(&url, "identity").await;
        assert_eq!(none, None, "{path}");
        serde_json::from_slice::<serde_json::Value>(&plain).expect("plain JSON");
        let (br, body) = get_encoded(&url, "gzip, deflate, br").await;
        assert_eq!(br.as_deref(), Some("br"), "{path}");
        assert!(body.len() * 2 < plain.len(), "{path}: brotli {} of {} bytes", body.len(), plain.len());
        let mut decoded = Vec::new();
        brotli_decompressor::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, plain, "{path}");
        let (gzip, body) = get_encoded(&url, "gzip").await;
        assert_eq!(gzip.as_deref(), Some("gzip"), "{path}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, plain, "{path}");
    }
}

#[tokio::test]
async fn a_guide_has_every_section_and_can_be_revalidated() {
    let server = start(&repo_guides());
    for lang in ["en", "es"] {
        let url = format!("{}/guides/{lang}/capecitabine.json", server.url);
        let response = get(&url).await;
        assert_eq!(response.status(), 200);
        let etag = response.headers()["etag"].clone();
        let raw: serde_json::Value = response.json().await.unwrap();
        for id in SECTION_IDS {
            assert!(raw["sections"][id].as_str().is_some_and(|t| !t.trim().is_empty()), "{lang}: section {id} missing");
        }
        let guide: Guide = serde_json::from_value(raw).unwrap();
        assert_eq!(guide.drug, "capecitabine");
        assert!(guide.sections.who_to_call.contains("{pharmacy_phone}"));
        assert!(guide.call.call_now.iter().any(|sign| sign.contains("{fever_threshold}")), "{lang}: fever sign from the site");
        assert_eq!(guide.food, carepath_domain::schedule::FoodInstruction::AfterMeal { within_minutes: 30 });
        assert!(guide.teach_back.len() >= 3);

        let again = reqwest::Client::new().get(&url).header("if-none-match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304);
    }
}

#[tokio::test]
async fn unknown_drugs_and_languages_are_json_404s() {
    let server = start(&repo_guides());
    for path in ["/guides/en/aspirin.json", "/guides/fr/capecitabine.json", "/guides/en/capecitabine", "/guides/en/..%2Fen%2Fcapecitabine.json"] {
        let response = get(&format!("{}{path}", server.url)).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.code, carepath_domain::sync::ErrorCode::GuideNotFound, "{path}");
    }
}

#[test]
fn an_invalid_guide_stops_the_server_at_startup_with_a_clear_error() {
    let guides = tempfile::tempdir().unwrap();
    for lang in ["en", "es"] {
        std::fs::create_dir(guides.path().join(lang)).unwrap();
        let good = std::fs::read_to_string(repo_guides().join(lang).join("capecitabine.toml")).unwrap();
        std::fs::write(guides.path().join(lang).join("capecitabine.toml"), good).unwrap();
    }
    // A section left out of the Spanish imatinib guide, and no English one at all.
    std::fs::write(guides.path().join("es/imatinib.toml"), "drug = \"imatinib\"\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = server_command(guides.path(), data.path()).output().unwrap();
    assert!(!output.status.success(), "the server started with a broken guide");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("medication guides") && stderr.contains("imatinib.toml"), "unclear error: {stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).is_empty(), "the server said it was listening");
}
