//! Talking to the server. Every failure becomes an [`ApiError`] the screens can explain.

use carepath_domain::sync::{ErrorBody, ErrorCode};
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is down. Nothing is lost; we try again later.
    Offline,
    /// The server answered with an error: screens match on `code` (shared with the server), never on `message`.
    Server { status: u16, code: ErrorCode, message: String, event_index: Option<usize> },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Offline => None,
            ApiError::Server { status, .. } => Some(*status),
        }
    }
    /// The server's error code; `None` when there was no answer (offline).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Offline => None,
            ApiError::Server { code, .. } => Some(*code),
        }
    }

    /// An answer that was not the JSON expected.
    pub fn bad_response(status: u16, message: String) -> Self {
        ApiError::Server { status, code: ErrorCode::Unknown, message, event_index: None }
    }

    /// The error of a response without our JSON body (`status` only).
    pub fn from_status(status: u16) -> Self {
        ApiError::Server { status, code: ErrorCode::Unknown, message: format!("HTTP {status}"), event_index: None }
    }
}

/// The typed error of a failed response, from its JSON body.
pub async fn error_of(response: Response) -> ApiError {
    let status = response.status();
    // A proxy or a stopped upstream answers 502–504 without our JSON body: treat as offline.
    if matches!(status, 502..=504) {
        return ApiError::Offline;
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiError::Server { status, code: body.error.code, message: body.error.message, event_index: body.error.event_index },
        Err(_) => ApiError::from_status(status),
    }
}

async fn finish<T: DeserializeOwned>(response: Result<Response, gloo::net::Error>) -> Result<T, ApiError> {
    let response = response.map_err(|_| ApiError::Offline)?;
    if response.ok() {
        let status = response.status();
        return response.json::<T>().await.map_err(|e| ApiError::bad_response(status, e.to_string()));
    }
    Err(error_of(response).await)
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
    if response.ok() { Ok(()) } else { Err(error_of(response).await) }
}
