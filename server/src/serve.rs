//! Serving: the accept loop, and the timeouts that keep slow and idle clients from holding the server.
//!
//! axum's own `serve` has no timeouts and no connection limit, so connections are served here with hyper's HTTP/1
//! builder (what axum uses underneath). Every connection is in one of four states, each bounded:
//!
//! - **waiting for a request's headers** (a new connection, or a kept-alive one after its last response): hyper's
//!   `header_read_timeout` ([`Settings::header_timeout`]) closes it; a slowloris client trickling header bytes and an
//!   idle kept-alive connection alike;
//! - **sending the body**: a body that goes [`Settings::body_timeout`] without a byte, or is still unfinished at the
//!   request timeout, fails, and the request is answered 408 `timeout` ([`with_timeouts`]);
//! - **in the handler**: answered 408 `timeout` at [`Settings::request_timeout`] (tower's timeout). Handlers run in a
//!   task of their own (`cancel_safe`), so this stops the wait, never a write half-way;
//! - **receiving the response**: a connection on which no byte moves for [`Settings::idle_timeout`] while no handler
//!   is working on it (a client that stops reading) is closed (a watchdog per connection).
//!
//! At most [`Settings::max_connections`] connections are open. At the limit, the connection that has gone longest
//! without a request in progress (idle, or still dribbling headers) is closed to make room for the new one, so idle
//! sockets cannot lock out health checks and syncs; only when every connection has a request in progress does the
//! new one wait (in the listen queue, costing the process no file descriptor) for one to end.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;
use tower_http::timeout::{TimeoutBody, TimeoutError};

use crate::error::ApiError;
use crate::Settings;

/// The request and body timeouts, as layers around `router`: both answer the JSON `timeout` error (408).
pub fn with_timeouts<S: Clone + Send + Sync + 'static>(router: Router<S>, settings: &Settings) -> Router<S> {
    let (body_timeout, request_timeout) = (settings.body_timeout(), settings.request_timeout());
    router
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            body_deadline(body_timeout, request_timeout, request, next)
        }))
        .layer(
            tower::ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: BoxError| async { ApiError::Timeout }))
                .layer(tower::timeout::TimeoutLayer::new(request_timeout)),
        )
}

/// Fails the request body when `idle` passes without a byte (tower-http's `TimeoutBody`) or when it is still
/// unfinished at the request timeout; then answers `timeout`, whatever the handler made of the failed read. The
/// total bound matters: the handler's task outlives a request timeout, and would otherwise go on reading a body
/// trickled byte by byte.
async fn body_deadline(idle: Duration, total: Duration, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let stalled = Arc::new(AtomicBool::new(false));
    let flag = stalled.clone();
    let deadline = Instant::now() + total;
    let request = request.map(|body| {
        let body = Deadline { body: Box::pin(TimeoutBody::new(idle, body)), sleep: Box::pin(tokio::time::sleep_until(deadline)) };
        Body::new(body.map_err(move |error: BoxError| {
            if error.is::<TimeoutError>() || error.is::<DeadlinePassed>() {
                flag.store(true, Ordering::Relaxed);
            }
            error
        }))
    });
    let response = next.run(request).await;
    if stalled.load(Ordering::Relaxed) { ApiError::Timeout.into_response() } else { response }
}

/// A body that fails with [`DeadlinePassed`] once its deadline has passed.
struct Deadline<B> {
    body: B,
    sleep: Pin<Box<Sleep>>,
}

impl<B> HttpBody for Deadline<B>
where
    B: HttpBody<Error = BoxError> + Unpin,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, BoxError>>> {
        let this = self.get_mut();
        if this.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(DeadlinePassed))));
        }
        Pin::new(&mut this.body).poll_frame(cx)
    }
}

/// The error of a [`Deadline`] body.
#[derive(Debug)]
struct DeadlinePassed;

impl std::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body was not complete within the request timeout")
    }
}

impl std::error::Error for DeadlinePassed {}

/// The connection limits and timeouts the accept loop applies.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    pub fn from_settings(settings: &Settings) -> Self {
        Limits {
            header_timeout: settings.header_timeout(),
            idle_timeout: settings.idle_timeout(),
            max_connections: usize::try_from(settings.max_connections).unwrap_or(usize::MAX).max(1),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets each connection finish its
/// request in progress, and returns once all are closed.
pub async fn run(listener: TcpListener, app: Router, limits: Limits, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let http = Arc::new(http);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let open = Arc::new(Registry::default());
    let (stop, stopped) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut warned_full: Option<Instant> = None;
    loop {
        let (stream, remote) = tokio::select! {
            accepted = accept(&listener) => accepted,
            () = &mut shutdown => break,
        };
        let permit = tokio::select! {
            permit = make_room(&permits, &open, limits.max_connections, &mut warned_full) => permit,
            () = &mut shutdown => break,
        };
        let conn = open.add(permit);
        tokio::spawn(serve_connection(stream, remote, app.clone(), http.clone(), conn, stopped.clone(), limits.idle_timeout));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it closes.
    let _ = permits.acquire_many(u32::try_from(limits.max_connections).unwrap_or(u32::MAX)).await;
    Ok(())
}

async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            // The client gave up before we accepted: nothing to do.
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => {}
            // Out of file descriptors (or similar): wait rather than spin; connections closing frees them.
            Err(e) => {
                tracing::error!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// A permit for one more connection. At the limit, closes the connection that has gone longest without a request
/// in progress; when every one has a request in progress, waits for one to end.
async fn make_room(permits: &Arc<Semaphore>, open: &Registry, max: usize, warned: &mut Option<Instant>) -> OwnedSemaphorePermit {
    loop {
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return permit;
        }
        if warned.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
            tracing::warn!(max, "connection limit reached: closing idle connections to make room");
            *warned = Some(Instant::now());
        }
        let evicted = open.evict_longest_waiting();
        // The one told to close may have just received a request (then it stays): look again soon.
        let wait = if evicted { Duration::from_millis(100) } else { Duration::from_secs(1) };
        if let Ok(permit) = tokio::time::timeout(wait, permits.clone().acquire_owned()).await {
            return permit.expect("the semaphore is never closed");
        }
    }
}

/// The open connections, so the accept loop can pick one to close.
struct Registry {
    /// What every connection's times count from, so they compare.
    epoch: Instant,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry { epoch: Instant::now(), next_id: AtomicU64::new(0), conns: Mutex::default() }
    }
}

impl Registry {
    fn add(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn::new(self.epoch));
        self.lock().insert(id, conn.clone());
        Registered { conn, id, registry: self.clone(), _permit: permit }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.conns.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells the connection that has gone longest without a request in progress to close. False if none is idle.
    fn evict_longest_waiting(&self) -> bool {
        let conns = self.lock();
        let idlest = conns
            .values()
            .filter(|c| c.busy.load(Ordering::SeqCst) == 0 && !c.evicting.load(Ordering::SeqCst))
            .min_by_key(|c| c.waiting_since.load(Ordering::SeqCst));
        match idlest {
            Some(conn) => {
                conn.evicting.store(true, Ordering::SeqCst);
                conn.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A connection's place in the registry and under the limit; both are given back when its task ends.
struct Registered {
    conn: Arc<Conn>,
    id: u64,
    registry: Arc<Registry>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

/// What the accept loop and the watchdog know about one connection.
struct Conn {
    /// The registry's epoch: the times below are milliseconds since then.
    start: Instant,
    /// Requests from the handler's call until their response body has been handed to hyper (or dropped).
    busy: AtomicUsize,
    /// Requests whose handler has not answered yet.
    handling: AtomicUsize,
    /// Since when the connection has had no request in progress (since it was accepted, or its last response).
    waiting_since: AtomicU64,
    /// When a byte was last read or written (or a handler answered).
    last_activity: AtomicU64,
    evicting: AtomicBool,
    evict: Notify,
}

impl Conn {
    fn new(start: Instant) -> Self {
        let conn = Conn {
            start,
            busy: AtomicUsize::new(0),
            handling: AtomicUsize::new(0),
            waiting_since: AtomicU64::new(0),
            last_activity: AtomicU64::new(0),
            evicting: AtomicBool::new(false),
            evict: Notify::new(),
        };
        let now = conn.now();
        conn.waiting_since.store(now, Ordering::SeqCst);
        conn.last_activity.store(now, Ordering::SeqCst);
        conn
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_activity.store(self.now(), Ordering::Relaxed);
    }

    /// When the watchdog should look again: `idle` after the last activity, or `idle` from now while a handler works.
    fn idle_deadline(&self, idle: Duration) -> Instant {
        if self.handling.load(Ordering::SeqCst) > 0 {
            return Instant::now() + idle;
        }
        self.start + Duration::from_millis(self.last_activity.load(Ordering::Relaxed)) + idle
    }

    fn is_idle(&self, idle: Duration) -> bool {
        self.handling.load(Ordering::SeqCst) == 0
            && Duration::from_millis(self.now().saturating_sub(self.last_activity.load(Ordering::Relaxed))) >= idle
    }
}

/// Held from a request's handler call until its response body is done.
struct Busy(Arc<Conn>);

impl Busy {
    fn new(conn: &Arc<Conn>) -> Self {
        conn.busy.fetch_add(1, Ordering::SeqCst);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.busy.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.waiting_since.store(self.0.now(), Ordering::SeqCst);
        }
    }
}

/// Held while a request's handler works (also if its future is dropped).
struct Handling(Arc<Conn>);

impl Handling {
    fn new(conn: &Arc<Conn>) -> Self {
        conn.handling.fetch_add(1, Ordering::SeqCst);
        Handling(conn.clone())
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    app: Router,
    http: Arc<hyper::server::conn::http1::Builder>,
    registered: Registered,
    mut stopped: watch::Receiver<bool>,
    idle: Duration,
) {
    let conn = registered.conn.clone();
    let service = {
        let conn = conn.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            // What `into_make_service_with_connect_info::<SocketAddr>()` gives handlers.
            request.extensions_mut().insert(ConnectInfo(remote));
            let (app, conn) = (app.clone(), conn.clone());
            async move {
                let busy = Busy::new(&conn);
                let handling = Handling::new(&conn);
                let response = app.oneshot(request).await;
                drop(handling);
                response.map(|response| response.map(|body| Tracked { body, _busy: busy }))
            }
        })
    };
    let io = TokioIo::new(Watched { io: stream, conn: conn.clone() });
    let mut connection = pin!(http.serve_connection(io, service));
    let mut stopping = false;
    loop {
        let look_again = conn.idle_deadline(idle);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%remote, %error, "connection ended");
                }
                break;
            }
            _ = stopped.changed(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            () = conn.evict.notified() => {
                if conn.busy.load(Ordering::SeqCst) == 0 {
                    tracing::debug!(%remote, "connection closed to make room under the connection limit");
                    break;
                }
                conn.evicting.store(false, Ordering::SeqCst);
            }
            () = tokio::time::sleep_until(look_again) => {
                if conn.is_idle(idle) {
                    tracing::debug!(%remote, "idle connection closed");
                    break;
                }
            }
        }
    }
    drop(registered);
}

/// The response body, holding the request's [`Busy`] until hyper has taken all of it.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting each time a byte moves.
struct Watched {
    io: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.conn.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.conn.touch();
        }
        result
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.conn.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
