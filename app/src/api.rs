//! Talking to the server. Every failure becomes an [`ApiError`] the screens can explain.

use carepath_domain::sync::ErrorBody;
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is down. Nothing is lost; we try again later.
    Offline,
    /// The server answered with an error.
    Server { status: u16, code: String, message: String },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Offline => None,
            ApiError::Server { status, .. } => Some(*status),
        }
    }
    pub fn code(&self) -> &str {
        match self {
            ApiError::Offline => "offline",
            ApiError::Server { code, .. } => code,
        }
    }
}

async fn finish<T: DeserializeOwned>(response: Result<Response, gloo::net::Error>) -> Result<T, ApiError> {
    let response = response.map_err(|_| ApiError::Offline)?;
    if response.ok() {
        return response.json::<T>().await.map_err(|e| ApiError::Server {
            status: response.status(),
            code: "bad_response".into(),
            message: e.to_string(),
        });
    }
    let status = response.status();
    // A proxy or a stopped upstream answers 502–504 without our JSON body: treat as offline.
    if matches!(status, 502..=504) {
        return Err(ApiError::Offline);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Server { status, code: body.error.code, message: body.error.message }),
        Err(_) => Err(ApiError::Server { status, code: "unknown".into(), message: format!("HTTP {status}") }),
    }
}

fn with_token(builder: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
        None => builder,
    }
}

pub async fn get<T: DeserializeOwned>(path: &str, token: Option<&str>) -> Result<T, ApiError> {
    finish(with_token(Request::get(path), token).send().await).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B, token: Option<&str>) -> Result<T, ApiError> {
    let request = with_token(Request::post(path), token).json(body).map_err(|_| ApiError::Offline)?;
    finish(request.send().await).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let request = Request::put(path).json(body).map_err(|_| ApiError::Offline)?;
    finish(request.send().await).await
}

/// POST without a JSON answer (e.g. logout: 204).
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    let response = Request::post(path).header("Content-Type", "application/json").body("{}").map_err(|_| ApiError::Offline)?.send().await;
    let response = response.map_err(|_| ApiError::Offline)?;
    if response.ok() { Ok(()) } else { Err(ApiError::Server { status: response.status(), code: "error".into(), message: String::new() }) }
}
