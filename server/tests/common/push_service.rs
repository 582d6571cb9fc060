//! `web-push-testing` (npm, pinned in tools/) on a free loopback port: a real push service stand-in that checks each
//! request's VAPID JWT and decrypts the aes128gcm payload. For test files that include it with
//! `#[path = "common/push_service.rs"] mod push_service;` (server/tests/push.rs, messages.rs).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct PushService {
    base: String,
    child: Child,
    http: reqwest::Client,
}

/// A subscription made at the push service, as a browser would hand it to the app.
#[derive(Debug, Clone)]
pub struct BrowserSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub client_hash: String,
}

fn module_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/node_modules/web-push-testing")
}

impl PushService {
    pub fn start() -> PushService {
        let dir = module_dir();
        assert!(dir.join("src/server.js").exists(), "{} is missing: run `npm ci` in tools/", dir.display());
        const SCRIPT: &str = r#"
            const dir = process.env.WPT_DIR;
            const Server = require(dir + '/src/server.js');
            const { PushApiModel } = require(dir + '/src/PushApiModel.js');
            const model = new PushApiModel();
            const server = new Server(model, 0);
            server.setRequestHandlers();
            const listener = server._app.listen(0, '127.0.0.1', () => {
                const port = listener.address().port;
                model.notifyUrl = 'http://127.0.0.1:' + port + '/notify/';
                console.log('PORT ' + port);
            });
        "#;
        let mut child = Command::new("node")
            .arg("-e")
            .arg(SCRIPT)
            .env("WPT_DIR", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node (web-push-testing)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the port");
        let port: u16 = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("no port: {line:?}"));
        PushService { base: format!("http://127.0.0.1:{port}"), child, http: reqwest::Client::new() }
    }

    pub async fn subscribe(&self, application_server_key: &str) -> BrowserSubscription {
        let response = self
            .http
            .post(format!("{}/subscribe", self.base))
            .json(&json!({ "userVisibleOnly": "true", "applicationServerKey": application_server_key }))
            .send()
            .await
            .expect("subscribe");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("subscription JSON");
        let data = &body["data"];
        BrowserSubscription {
            endpoint: data["endpoint"].as_str().expect("endpoint").into(),
            p256dh: data["keys"]["p256dh"].as_str().expect("p256dh").into(),
            auth: data["keys"]["auth"].as_str().expect("auth").into(),
            client_hash: data["clientHash"].as_str().expect("clientHash").into(),
        }
    }

    /// Every message received for the subscription, decrypted, as text.
    pub async fn messages(&self, subscription: &BrowserSubscription) -> Vec<String> {
        let response = self
            .http
            .post(format!("{}/get-notifications", self.base))
            .json(&json!({ "clientHash": subscription.client_hash }))
            .send()
            .await
            .expect("get-notifications");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("notifications JSON");
        body["data"]["messages"].as_array().expect("messages").iter().map(|m| m.as_str().expect("text").to_string()).collect()
    }

    /// Every message received for the subscription, decrypted, as JSON.
    pub async fn messages_json(&self, subscription: &BrowserSubscription) -> Vec<Value> {
        self.messages(subscription).await.iter().map(|m| serde_json::from_str(m).expect("a JSON payload")).collect()
    }

    /// The push service forgets the subscription: it answers 410 from now on.
    pub async fn expire(&self, subscription: &BrowserSubscription) {
        let response =
            self.http.post(format!("{}/expire-subscription/{}", self.base, subscription.client_hash)).send().await.expect("expire");
        assert_eq!(response.status(), StatusCode::OK);
    }
}

impl Drop for PushService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
