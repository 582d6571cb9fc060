//! Requests run to completion even when the client goes away.
//!
//! hyper drops a request's future when its connection closes. A handler dropped between `BEGIN IMMEDIATE` and
//! `COMMIT` can leave its pooled SQLite connection inside the transaction (sqlx 0.8.6, issue #3932): from then on
//! every write waits for a lock that is never released, and each sync and sign-in fails after the busy timeout
//! until the process restarts. So every API request is handled in a task of its own, which the dropped future
//! merely stops waiting for: the transaction commits (or rolls back) and the connection goes back to the pool
//! clean, the attempt reservation is settled, the audit row is written. The response then goes nowhere.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Middleware: runs the rest of the stack (extractors and handler) in its own task.
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        // A panic in a handler: the task is gone, nothing half-done is left (the transaction's drop rolled back).
        Err(join_error) => ApiError::Internal(anyhow::anyhow!("request task failed: {join_error}")).into_response(),
    }
}
