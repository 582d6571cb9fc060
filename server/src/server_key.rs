//! The server's own secret key (issue #15 item 5): 32 random bytes in a file of their own
//! (`CAREPATH_SERVER_KEY_FILE`, default `<data dir>/server.key`), made at first start with mode 0600.
//!
//! It keeps short secrets out of reach of someone holding only a copy of the database:
//! - [`ServerKey::hmac_hex`]: HMAC-SHA256, for secrets the server only needs to recognise (enrollment codes: 8
//!   characters of a 30-symbol alphabet, about 39 bits, which a plain SHA-256 would give up to brute force in
//!   minutes; without the key there is nothing to test guesses against).
//! - [`ServerKey::seal`] / [`ServerKey::open`]: AES-256-GCM, for secrets the server must read back (e.g. TOTP
//!   secrets), with a random 96-bit nonce and the purpose as associated data.
//!
//! Every use names a *purpose* (`"enrollment-code"`, …): each purpose gets its own derived key, so a value made for
//! one purpose never checks or opens as another. The key file must outlive restarts and upgrades: without it, codes
//! not yet used read as unknown and sealed secrets cannot be opened. Keep it out of database backups (or put it on
//! another volume): a copy of the database is then of no use for guessing.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes of key material in the file (written as 64 hex characters).
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;
/// Sealed values start with this (a later key or format gets another).
const SEALED_PREFIX: &str = "v1.";

type HmacSha256 = Hmac<Sha256>;

/// The server key, with the keys derived from it. `Debug` shows nothing of it.
#[derive(Clone)]
pub struct ServerKey {
    inner: Arc<Derived>,
}

struct Derived {
    /// Root of the per-purpose HMAC keys.
    mac: [u8; 32],
    /// The AES-256-GCM key of sealed values.
    seal: [u8; 32],
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

/// HMAC-SHA256 of `parts`, one after another, under `key`.
fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl ServerKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8; KEY_BYTES]) -> ServerKey {
        // One key, two uses: each gets a key of its own, derived with a fixed label (HKDF-expand, one block).
        let mac = hmac(bytes, &[b"carepath server key v1: hmac", &[1]]);
        let seal = hmac(bytes, &[b"carepath server key v1: seal", &[1]]);
        ServerKey { inner: Arc::new(Derived { mac, seal }) }
    }

    /// Reads the key file, or makes it (32 random bytes, mode 0600) when there is none. A file that is there but is
    /// not a key is an error: replacing it would make every stored code and sealed secret unreadable.
    pub fn load_or_create(path: &Path) -> anyhow::Result<ServerKey> {
        match fs::read_to_string(path) {
            Ok(text) => Self::parse_file(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create(path).with_context(|| format!("could not create the server key file {}", path.display()))?;
                tracing::info!(file = %path.display(), "made a new server key (keep this file, and keep it out of database backups)");
                let text = fs::read_to_string(path).with_context(|| format!("could not read the server key file {}", path.display()))?;
                Self::parse_file(path, &text)
            }
            Err(e) => Err(e).with_context(|| format!("could not read the server key file {}", path.display())),
        }
    }

    fn parse_file(path: &Path, text: &str) -> anyhow::Result<ServerKey> {
        let bytes = parse_hex_key(text.trim()).with_context(|| {
            format!(
                "the server key file {} is not a server key ({} hex characters). Restore it from your copy: \
                 without it, enrollment codes not yet used and sealed secrets cannot be read. Never replace it \
                 with a new one while any are in use.",
                path.display(),
                KEY_BYTES * 2
            )
        })?;
        warn_if_readable_by_others(path);
        Ok(ServerKey::from_bytes(&bytes))
    }

    /// HMAC-SHA256 of `data` with this server's key for `purpose`, in lower-case hex (64 characters). The same
    /// data and purpose give the same value; another purpose, or another server's key, a different one.
    pub fn hmac_hex(&self, purpose: &str, data: &[u8]) -> String {
        let purpose_key = hmac(&self.inner.mac, &[b"purpose:", purpose.as_bytes()]);
        crate::auth::hex(&hmac(&purpose_key, &[data]))
    }

    /// Encrypts `plaintext` for `purpose` (AES-256-GCM, a fresh random 96-bit nonce, the purpose as associated
    /// data): `v1.` + base64url(nonce ‖ ciphertext ‖ tag). Only [`open`](Self::open) with the same key and purpose
    /// reads it; any change to it is detected.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> String {
        let nonce_bytes: [u8; NONCE_BYTES] =
            crate::auth::random_bytes(NONCE_BYTES).try_into().expect("random_bytes gives the length asked for");
        let nonce = Nonce::from(nonce_bytes);
        let ciphertext = self
            .cipher()
            .encrypt(&nonce, Payload { msg: plaintext, aad: purpose.as_bytes() })
            .expect("AES-GCM encrypts any message shorter than 64 GiB");
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The plaintext of a value [`seal`](Self::seal)ed for `purpose` with this key; an error for anything else (another
    /// purpose or key, a changed or cut value, not a sealed value at all). The error says nothing of the contents.
    pub fn open(&self, purpose: &str, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let encoded = sealed.strip_prefix(SEALED_PREFIX).context("not a sealed value (no v1. prefix)")?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).context("not a sealed value (not base64url)")?;
        anyhow::ensure!(bytes.len() >= NONCE_BYTES + TAG_BYTES, "not a sealed value (too short)");
        let (nonce_bytes, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce_bytes: [u8; NONCE_BYTES] = nonce_bytes.try_into().expect("split at the nonce length");
        self.cipher()
            .decrypt(&Nonce::from(nonce_bytes), Payload { msg: ciphertext, aad: purpose.as_bytes() })
            .map_err(|_| anyhow::anyhow!("the sealed value does not open with this server key for {purpose:?}"))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(&self.inner.seal).expect("a 32-byte AES-256 key")
    }
}

/// 32 bytes from exactly 64 hex digits.
fn parse_hex_key(text: &str) -> anyhow::Result<[u8; KEY_BYTES]> {
    anyhow::ensure!(text.len() == KEY_BYTES * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()), "not {} hex digits", KEY_BYTES * 2);
    let mut key = [0u8; KEY_BYTES];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16)?;
    }
    Ok(key)
}

/// Writes a new key next to `path` (mode 0600, synced), then links it into place only if no file is there yet, so
/// two servers starting at once on one data folder end up with the same key, and a crash never leaves half a key.
fn create(path: &Path) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().context("the server key file has no file name")?.to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", crate::auth::hex(&crate::auth::random_bytes(8))));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| -> anyhow::Result<()> {
        let mut file = options.open(&temporary)?;
        file.write_all(format!("{}\n", crate::auth::hex(&crate::auth::random_bytes(KEY_BYTES))).as_bytes())?;
        file.sync_all()?;
        match fs::hard_link(&temporary, path) {
            Ok(()) => Ok(()),
            // Another process made it first: theirs is the key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e.into()),
        }
    })();
    let _ = fs::remove_file(&temporary);
    written?;
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = fs::metadata(path) {
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(file = %path.display(), mode = format!("{:o}", mode & 0o777), "the server key file can be read by other users: chmod 600 it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> ServerKey {
        ServerKey::from_bytes(&[byte; KEY_BYTES])
    }

    #[test]
    fn the_key_file_is_made_once_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/server.key");
        let first = ServerKey::load_or_create(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.trim().len(), 64, "{text:?}");
        assert!(parse_hex_key(text.trim()).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let again = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(first.hmac_hex("test", b"data"), again.hmac_hex("test", b"data"), "the same key after a restart");
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("data")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("server.key")], "no temporary file left");
        // A second data folder gets a key of its own.
        let other = ServerKey::load_or_create(&dir.path().join("other.key")).unwrap();
        assert_ne!(first.hmac_hex("test", b"data"), other.hmac_hex("test", b"data"));
    }

    #[test]
    fn a_file_that_is_not_a_key_stops_the_server_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["", "not a key", &"ab".repeat(31), &"ab".repeat(33), &"zz".repeat(32)] {
            let path = dir.path().join("server.key");
            fs::write(&path, bad).unwrap();
            let err = format!("{:#}", ServerKey::load_or_create(&path).unwrap_err());
            assert!(err.contains("server.key") && err.contains("is not a server key"), "{err}");
            assert_eq!(fs::read_to_string(&path).unwrap(), bad, "never replaced");
        }
        // Upper-case hex with a trailing newline is a key.
        let path = dir.path().join("upper.key");
        fs::write(&path, format!("{}\n", "AB".repeat(32))).unwrap();
        let upper = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(upper.hmac_hex("p", b"x"), key(0xab).hmac_hex("p", b"x"));
    }

    #[test]
    fn hmacs_are_keyed_and_separated_by_purpose() {
        let a = key(1);
        let mac = a.hmac_hex("enrollment-code", b"ABCD2345");
        assert_eq!(mac.len(), 64);
        assert!(mac.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(mac, a.hmac_hex("enrollment-code", b"ABCD2345"), "deterministic");
        assert_ne!(mac, a.hmac_hex("enrollment-code", b"ABCD2346"));
        assert_ne!(mac, a.hmac_hex("other", b"ABCD2345"), "another purpose");
        assert_ne!(mac, key(2).hmac_hex("enrollment-code", b"ABCD2345"), "another key");
        assert_ne!(mac, crate::auth::token_hash("ABCD2345"), "not a plain SHA-256");
        // Purpose and data do not run into each other.
        assert_ne!(a.hmac_hex("ab", b"c"), a.hmac_hex("a", b"bc"));
    }

    #[test]
    fn hmac_sha256_is_the_standard_one() {
        // RFC 4231 test case 2, through the same helper the derivation uses.
        let mac = hmac(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(crate::auth::hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_purpose() {
        let a = key(1);
        let secret = b"JBSWY3DPEHPK3PXP";
        let sealed = a.seal("totp-secret", secret);
        assert!(sealed.starts_with("v1."), "{sealed}");
        assert!(!sealed.contains("JBSWY3DP"));
        assert_eq!(a.open("totp-secret", &sealed).unwrap(), secret);
        assert_ne!(sealed, a.seal("totp-secret", secret), "a fresh nonce each time");
        assert!(a.open("other", &sealed).is_err(), "another purpose");
        assert!(key(2).open("totp-secret", &sealed).is_err(), "another key");
        assert_eq!(a.open("totp-secret", &a.seal("totp-secret", b"")).unwrap(), b"", "empty plaintext");
    }

    #[test]
    fn changed_or_cut_sealed_values_are_refused() {
        let a = key(7);
        let sealed = a.seal("p", b"some secret");
        let bytes = URL_SAFE_NO_PAD.decode(&sealed[3..]).unwrap();
        for i in [0, NONCE_BYTES, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[i] ^= 1;
            assert!(a.open("p", &format!("v1.{}", URL_SAFE_NO_PAD.encode(&changed))).is_err(), "byte {i} changed");
        }
        assert!(a.open("p", &format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() - 1]))).is_err());
        assert!(a.open("p", &format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes[..NONCE_BYTES + TAG_BYTES - 1]))).is_err());
        assert!(a.open("p", &sealed[3..]).is_err(), "no prefix");
        assert!(a.open("p", "v1.not base64!").is_err());
        assert!(a.open("p", "").is_err());
        let err = a.open("p", &format!("v2.{}", &sealed[3..])).unwrap_err().to_string();
        assert!(!err.contains("some secret"));
    }

    #[test]
    fn debug_shows_nothing() {
        assert_eq!(format!("{:?}", key(1)), "ServerKey(…)");
    }
}
