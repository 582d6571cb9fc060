// Shared by the bundles' build scripts (`include!`d by app/patient/build.rs and app/desk/build.rs): writes, into
// OUT_DIR/locales/<lang>/carepath_app.ftl, only the messages a bundle can show, so each wasm embeds its own texts and
// not the other bundle's (issue #13). Every id is still checked against the full files at compile time by `fl!`.
//
// A message is kept when its id is written as a string literal ("enroll-title") in the bundle's sources, in the
// shared crate's or in the domain's, or when it starts with a prefix that code completes at run time
// (`format!("grade-{…}")` keeps every `grade-…`). The files hold messages and `#` comments only (no terms, no
// references between messages); the parity test in domain/tests/locales.rs keeps both languages alike.

fn write_locale_subset(source_dirs: &[&str]) {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("locales");
    let locales = manifest.join("../../locales");
    println!("cargo:rerun-if-changed={}", locales.display());

    // Every .rs file under the source folders, modules in subfolders (src/diary/today.rs) included.
    let mut sources = String::new();
    let mut dirs: Vec<PathBuf> = source_dirs.iter().map(|d| manifest.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        println!("cargo:rerun-if-changed={}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            }
        }
    }
    let is_id_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    // Quoted words ("enroll-title") and run-time prefixes (`format!("grade-{`).
    let mut literals = BTreeSet::new();
    let mut prefixes = BTreeSet::new();
    for (i, _) in sources.match_indices('"') {
        let rest = &sources[i + 1..];
        let word: String = rest.chars().take_while(|c| is_id_char(*c)).collect();
        if word.is_empty() {
            continue;
        }
        match rest[word.len()..].chars().next() {
            Some('"') => {
                literals.insert(word);
            }
            Some('{') if word.ends_with('-') => {
                prefixes.insert(word);
            }
            _ => {}
        }
    }
    let kept = |id: &str| literals.contains(id) || prefixes.iter().any(|p| id.starts_with(p.as_str()));

    for lang in std::fs::read_dir(&locales).expect("locales/") {
        let lang = lang.expect("a locale folder").path();
        let file = lang.join("carepath_app.ftl");
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut subset = String::new();
        let mut keep = false;
        for line in text.lines() {
            let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if starts_message {
                let id = line.split('=').next().unwrap_or_default().trim();
                keep = kept(id);
            } else if line.starts_with('#') {
                keep = false;
                continue;
            }
            if keep {
                subset.push_str(line);
                subset.push('\n');
            }
        }
        let dir = out.join(lang.file_name().expect("a folder name"));
        std::fs::create_dir_all(&dir).expect("OUT_DIR/locales/<lang>");
        std::fs::write(dir.join("carepath_app.ftl"), subset).expect("the subset");
    }
}
