//! Talking to the server. Every failure becomes an [`ApiError`] the screens can explain.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use carepath_domain::sync::{ErrorBody, ErrorCode};
use gloo::net::http::{Request, RequestBuilder, Response};
use gloo::timers::callback::Timeout;
use web_sys::{AbortController, AbortSignal};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, the server is down, or no answer in time (a stalled network). Nothing is lost; we try
    /// again later.
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

/// How long any request may take before it counts as no answer (offline): a stalled network must never leave a
/// screen or the sync engine waiting for good.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Aborts a request (and the reading of its answer) once `after` has passed; dropping it clears the timer.
struct Deadline {
    controller: Option<AbortController>,
    timed_out: Rc<Cell<bool>>,
    _timer: Option<Timeout>,
}

impl Deadline {
    fn new(after: Duration) -> Self {
        let timed_out = Rc::new(Cell::new(false));
        let controller = AbortController::new().ok();
        let timer = controller.clone().map(|controller| {
            let timed_out = timed_out.clone();
            Timeout::new(after.as_millis().min(u32::MAX as u128) as u32, move || {
                timed_out.set(true);
                controller.abort();
            })
        });
        Deadline { controller, timed_out, _timer: timer }
    }

    fn signal(&self) -> Option<AbortSignal> {
        self.controller.as_ref().map(AbortController::signal)
    }

    fn attach(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.abort_signal(self.signal().as_ref())
    }

    /// A request that ran out of time had no answer, whatever the error said (an aborted body reads as bad JSON).
    fn judge<T>(&self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        match result {
            Err(_) if self.timed_out.get() => Err(ApiError::Offline),
            other => other,
        }
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

/// Sends a prepared request (with an optional JSON body) within [`DEFAULT_TIMEOUT`] and returns its text answer:
/// for callers that build their own requests (Web Push subscription).
pub async fn send_text(builder: RequestBuilder, body: Option<String>) -> Result<String, ApiError> {
    let deadline = Deadline::new(DEFAULT_TIMEOUT);
    let builder = deadline.attach(builder);
    let request = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Offline)?;
    let result = async {
        let response = request.send().await.map_err(|_| ApiError::Offline)?;
        if response.ok() {
            return response.text().await.map_err(|_| ApiError::Offline);
        }
        Err(error_of(response).await)
    }
    .await;
    deadline.judge(result)
}

fn with_token(builder: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
        None => builder,
    }
}

pub async fn get<T: DeserializeOwned>(path: &str, token: Option<&str>) -> Result<T, ApiError> {
    get_within(path, token, DEFAULT_TIMEOUT).await
}

/// GET with its own timeout.
pub async fn get_within<T: DeserializeOwned>(path: &str, token: Option<&str>, timeout: Duration) -> Result<T, ApiError> {
    let deadline = Deadline::new(timeout);
    let result = finish(deadline.attach(with_token(Request::get(path), token)).send().await).await;
    deadline.judge(result)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B, token: Option<&str>) -> Result<T, ApiError> {
    post_within(path, body, token, DEFAULT_TIMEOUT).await
}

/// POST with its own timeout.
pub async fn post_within<B: Serialize, T: DeserializeOwned>(path: &str, body: &B, token: Option<&str>, timeout: Duration) -> Result<T, ApiError> {
    let deadline = Deadline::new(timeout);
    let request = deadline.attach(with_token(Request::post(path), token)).json(body).map_err(|_| ApiError::Offline)?;
    let result = finish(request.send().await).await;
    deadline.judge(result)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let deadline = Deadline::new(DEFAULT_TIMEOUT);
    let request = deadline.attach(Request::put(path)).json(body).map_err(|_| ApiError::Offline)?;
    let result = finish(request.send().await).await;
    deadline.judge(result)
}

/// POST without a JSON answer (e.g. logout: 204).
pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    let deadline = Deadline::new(DEFAULT_TIMEOUT);
    let request = deadline.attach(Request::post(path)).header("Content-Type", "application/json").body("{}").map_err(|_| ApiError::Offline)?;
    let result = match request.send().await {
        Err(_) => Err(ApiError::Offline),
        Ok(response) if response.ok() => Ok(()),
        Ok(response) => Err(error_of(response).await),
    };
    deadline.judge(result)
}
