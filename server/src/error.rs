//! Every API error, typed once and mapped to HTTP here. Bodies carry a stable code and a human message:
//! never SQL, stack traces or another patient's identifiers.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use carepath_domain::sync::{ErrorBody, ErrorCode, ErrorDetail};
use carepath_domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("The request body is not valid JSON for this request: {0}")]
    BadJson(String),
    /// A path or query parameter of the wrong form (an id that is not a UUID, a number that is not one).
    #[error("The address of this request is not right: {0}")]
    BadRequest(String),
    #[error("Send the request body as JSON (Content-Type: application/json).")]
    NotJson,
    #[error("The request body is too large.")]
    TooLarge,
    #[error("Sign-in is required.")]
    Unauthorized,
    #[error("This phone's access has been removed. Ask your pharmacy for a new code to connect it again.")]
    DeviceRevoked,
    #[error("This phone has not been in touch for too long. Ask your pharmacy for a new code to connect it again.")]
    DeviceExpired,
    #[error("The username or password is not right.")]
    BadCredentials,
    #[error("That username is taken. Choose another one.")]
    UsernameTaken,
    #[error("Only a site admin can do this.")]
    Forbidden,
    #[error("This account is turned off. Ask your site admin.")]
    AccountDisabled,
    #[error("Enter the code from your authenticator app to finish signing in.")]
    SecondFactorRequired,
    #[error("Set up your authenticator app to finish signing in.")]
    SecondFactorSetupRequired,
    #[error("That code is not right, or was already used. Enter the newest code from your authenticator app.")]
    BadSecondFactor,
    #[error("Too many attempts. Wait a few minutes and try again.")]
    TooManyAttempts,
    #[error("That code is not known. Check it, or ask your pharmacy for a new code.")]
    EnrollmentCodeUnknown,
    #[error("That code has expired. Ask your pharmacy for a new code.")]
    EnrollmentCodeExpired,
    #[error("That code was already used. Ask your pharmacy for a new code.")]
    EnrollmentCodeUsed,
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    /// `index` counts from 0 (the position in the request); the message counts from 1, as people do.
    #[error("Event {} of the batch: {message}", .index + 1)]
    InvalidEvent { index: usize, message: String },
    /// A correction whose earlier record has not reached the server (it is still on the phone): not a refusal.
    #[error("Event {} of the batch corrects a record the server does not have yet; send that record first.", .index + 1)]
    CorrectionTargetMissing { index: usize },
    #[error("Too many events in one request (at most {max}).")]
    BatchTooLarge { max: usize },
    #[error("Not found.")]
    NotFound,
    #[error("This method is not allowed here.")]
    MethodNotAllowed,
    #[error("There is no guide for that medicine in that language.")]
    GuideNotFound,
    #[error("Another patient of this pharmacy has that medical record number. Nothing was saved.")]
    MrnTaken,
    /// The request body stalled or the request ran past the request timeout.
    /// A push subscription whose endpoint the server does not send to (not https, or not a public address).
    #[error("This push subscription cannot be used: {0}.")]
    PushEndpointRefused(crate::push_target::Refusal),
    #[error("The request took too long. Please try again.")]
    Timeout,
    #[error("Something went wrong on the server. Nothing was stored; please try again.")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use ApiError::*;
        match self {
            BadJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadJson),
            BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            NotJson => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::NotJson),
            TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            DeviceRevoked => (StatusCode::UNAUTHORIZED, ErrorCode::DeviceRevoked),
            DeviceExpired => (StatusCode::UNAUTHORIZED, ErrorCode::DeviceExpired),
            BadCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials),
            UsernameTaken => (StatusCode::CONFLICT, ErrorCode::UsernameTaken),
            Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            AccountDisabled => (StatusCode::FORBIDDEN, ErrorCode::AccountDisabled),
            SecondFactorRequired => (StatusCode::UNAUTHORIZED, ErrorCode::SecondFactorRequired),
            SecondFactorSetupRequired => (StatusCode::UNAUTHORIZED, ErrorCode::SecondFactorSetupRequired),
            BadSecondFactor => (StatusCode::UNAUTHORIZED, ErrorCode::BadSecondFactor),
            TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts),
            EnrollmentCodeUnknown => (StatusCode::NOT_FOUND, ErrorCode::EnrollmentCodeUnknown),
            EnrollmentCodeExpired => (StatusCode::GONE, ErrorCode::EnrollmentCodeExpired),
            EnrollmentCodeUsed => (StatusCode::GONE, ErrorCode::EnrollmentCodeUsed),
            Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            InvalidEvent { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidEvent),
            CorrectionTargetMissing { .. } => (StatusCode::CONFLICT, ErrorCode::CorrectionTargetMissing),
            BatchTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BatchTooLarge),
            NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            GuideNotFound => (StatusCode::NOT_FOUND, ErrorCode::GuideNotFound),
            MrnTaken => (StatusCode::CONFLICT, ErrorCode::MrnTaken),
            PushEndpointRefused(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PushEndpointRefused),
            Timeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::Timeout),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }

    fn event_index(&self) -> Option<usize> {
        match self {
            ApiError::InvalidEvent { index, .. } | ApiError::CorrectionTargetMissing { index } => Some(*index),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(err) = &self {
            tracing::error!(error = ?err, "internal error");
        }
        let body = ErrorBody { error: ErrorDetail { code, message: self.to_string(), event_index: self.event_index() } };
        let mut response = (status, axum::Json(body)).into_response();
        response.headers_mut().insert(axum::http::header::CACHE_CONTROL, "no-store".parse().expect("static header"));
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::NotJson,
            JsonRejection::BytesRejection(ref b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            other => ApiError::BadJson(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        match rejection {
            // A route without the parameters its handler reads: the server's mistake, not the client's.
            PathRejection::MissingPathParams(e) => ApiError::Internal(anyhow::anyhow!("{}", e.body_text())),
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::Internal(err.into())
    }
}

impl From<crate::group_commit::GroupFailed> for ApiError {
    fn from(err: crate::group_commit::GroupFailed) -> Self {
        ApiError::Internal(err.into())
    }
}

/// `Json<T>` whose rejections are [`ApiError`]s, so bad bodies get the same JSON error shape as everything else.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `Path<T>` whose rejections are [`ApiError`]s: an id that is not a UUID is a JSON 400 `bad_request`, not text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query<T>` whose rejections are [`ApiError`]s (400 `bad_request`).
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
