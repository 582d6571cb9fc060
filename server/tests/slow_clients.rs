//! Slow and idle clients cannot hold the server: header, body, request and idle timeouts, and the connection limit.
//! Each test sets small timeouts and talks raw TCP to the real server on loopback; every wait is bounded.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;

/// Slack on top of a timeout before a test calls the server late (a loaded 2-core CI machine).
const MARGIN: Duration = Duration::from_secs(2);

fn socket_address(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().expect("socket address")
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(socket_address(app)).await.expect("connect")
}

/// Reads until the server closes the connection (end of stream or a reset): what it sent, or `None` if the
/// connection is still open after `within`.
async fn read_until_closed(stream: &mut (impl AsyncRead + Unpin), within: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(seen),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one response with a Content-Length body: status, lower-cased header block, body.
async fn read_response(stream: &mut (impl AsyncRead + Unpin), within: Duration) -> (u16, String, String) {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().expect("content length"))
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
                let body = String::from_utf8_lossy(&seen[end + 4..end + 4 + length]).to_string();
                return (status, head, body);
            }
        }
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no full response within {within:?}; got {:?}", String::from_utf8_lossy(&seen)))
            .expect("read");
        assert!(n > 0, "closed before a full response: {:?}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
}

/// Asserts a raw response is the JSON `timeout` error, not to be cached.
fn assert_timeout_error(status: u16, head: &str, body: &str) {
    assert_eq!(status, 408, "{head}\n{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    assert_eq!(json["error"]["code"], "timeout", "{body}");
    assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

/// The start of a POST to the enrollment endpoint (no sign-in needed; it reads its JSON body) announcing `length`
/// bytes of body.
fn enroll_head(length: usize) -> String {
    format!(
        "POST /api/enroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_slowloris_connection_is_closed_after_the_header_timeout() {
    let app = spawn_app_with(|s| s.header_timeout_ms = 500).await;
    let stream = connect(&app).await;
    let (mut reader, mut writer) = stream.into_split();
    let started = Instant::now();
    // Headers that never end: a new header line every 100 ms, for at most 10 s.
    let trickle = tokio::spawn(async move {
        if writer.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n").await.is_err() {
            return;
        }
        for i in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if writer.write_all(format!("X-Slow-{i}: a\r\n").as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let seen = read_until_closed(&mut reader, Duration::from_millis(500) + MARGIN).await;
    trickle.abort();
    let seen = seen.expect("the server still holds a connection whose headers never end");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "closed after {elapsed:?}, before the header timeout");
    assert!(!String::from_utf8_lossy(&seen).contains("200 OK"), "{}", String::from_utf8_lossy(&seen));
    // The server still answers everyone else.
    let health = app.client.get(app.url("/api/health")).send().await.expect("health");
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed_after_the_header_timeout() {
    let app = spawn_app_with(|s| s.header_timeout_ms = 500).await;
    let mut stream = connect(&app).await;
    for _ in 0..2 {
        // Used, and kept alive between requests...
        stream.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("write");
        let (status, _, body) = read_response(&mut stream, MARGIN).await;
        assert_eq!((status, body.as_str()), (200, "ok"));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // ...but not forever.
    let started = Instant::now();
    let seen = read_until_closed(&mut stream, Duration::from_millis(500) + MARGIN).await;
    assert!(seen.is_some(), "an idle kept-alive connection is never closed");
    assert!(started.elapsed() >= Duration::from_millis(200), "closed after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_timeout_after_the_body_timeout_and_cut_off() {
    let app = spawn_app_with(|s| s.body_timeout_ms = 500).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream.write_all(format!("{}{{\"code\":\"A", enroll_head(1000)).as_bytes()).await.expect("write");
    let (status, head, body) = read_response(&mut stream, Duration::from_millis(500) + MARGIN).await;
    let elapsed = started.elapsed();
    assert_timeout_error(status, &head, &body);
    assert!(elapsed >= Duration::from_millis(400), "answered after {elapsed:?}, before the body timeout");
    assert!(read_until_closed(&mut stream, MARGIN).await.is_some(), "the connection stays open for the rest of the body");
}

#[tokio::test]
async fn a_body_trickled_past_the_request_timeout_is_answered_timeout_and_cut_off() {
    // Bytes keep coming (the body timeout never passes) but the request as a whole takes too long.
    let app = spawn_app_with(|s| {
        s.request_timeout_ms = 1000;
        s.body_timeout_ms = 10_000;
    })
    .await;
    let (mut reader, mut writer) = connect(&app).await.into_split();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        if writer.write_all(format!("{}{{\"code\"", enroll_head(1000)).as_bytes()).await.is_err() {
            return;
        }
        // JSON whitespace, one byte every 50 ms, for at most 10 s.
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if writer.write_all(b" ").await.is_err() {
                return;
            }
        }
    });
    let (status, head, body) = read_response(&mut reader, Duration::from_secs(1) + MARGIN).await;
    let elapsed = started.elapsed();
    assert_timeout_error(status, &head, &body);
    assert!(elapsed >= Duration::from_millis(900), "answered after {elapsed:?}, before the request timeout");
    let closed = read_until_closed(&mut reader, MARGIN).await;
    trickle.abort();
    assert!(closed.is_some(), "the server goes on reading a body past the request timeout");
}

#[tokio::test]
async fn a_handler_waiting_past_the_request_timeout_is_answered_timeout() {
    let app = spawn_app_with(|s| s.request_timeout_ms = 1000).await;
    // Another writer holds the database (as a long write would): enrollment's first write waits for it.
    let mut holder = app.db.acquire().await.expect("connection");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *holder).await.expect("begin");
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(1) + MARGIN, app.enroll_device_response("ABCD-EFGH-JKLM"))
        .await
        .expect("an answer within the request timeout");
    let elapsed = started.elapsed();
    sqlx::query("ROLLBACK").execute(&mut *holder).await.expect("rollback");
    drop(holder);
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert!(elapsed >= Duration::from_millis(900), "answered after {elapsed:?}, before the request timeout");
    assert_error(response, 408, "timeout").await;
    let health = app.client.get(app.url("/api/health")).send().await.expect("health");
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_stops_reading_its_response_is_cut_off_by_the_idle_timeout() {
    const SIZE: usize = 8 * 1024 * 1024;
    let app = spawn_app_with(|s| s.idle_timeout_ms = 500).await;
    std::fs::write(app.settings.static_dir.join("big.bin"), vec![7u8; SIZE]).expect("big file");
    // A small receive window, so the response backs up at once.
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("receive buffer");
    let mut stream = socket.connect(socket_address(&app)).await.expect("connect");
    stream.write_all(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("write");
    // Reads nothing for well past the idle timeout.
    tokio::time::sleep(Duration::from_millis(500) + MARGIN).await;
    let seen = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("closed after the idle timeout");
    assert!(seen.starts_with(b"HTTP/1.1 200"), "{:?}", String::from_utf8_lossy(&seen[..seen.len().min(200)]));
    assert!(seen.len() < SIZE, "the whole response was sent to a client that stopped reading ({} bytes)", seen.len());
}

#[tokio::test]
async fn idle_sockets_beyond_the_connection_limit_are_closed_and_health_still_answers() {
    const LIMIT: usize = 20;
    // Long header and idle timeouts: only the limit can make room here.
    let app = spawn_app_with(|s| {
        s.max_connections = LIMIT as u64;
        s.header_timeout_ms = 60_000;
        s.idle_timeout_ms = 60_000;
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..LIMIT + 50 {
        idle.push(connect(&app).await);
    }
    // The kernel accepts connections in order: health's comes after all of the idle ones.
    let started = Instant::now();
    let health = tokio::time::timeout(Duration::from_secs(5), app.client.get(app.url("/api/health")).send())
        .await
        .expect("health answers within 5 s despite the idle sockets")
        .expect("health");
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.expect("body"), "ok");
    let_closes_arrive().await;
    let open = idle
        .iter()
        .filter(|s| matches!(s.try_read(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock))
        .count();
    // Health's own connection is one of the LIMIT.
    assert!(open < LIMIT, "{open} idle sockets still open, limit {LIMIT} (health took {:?})", started.elapsed());
    drop(idle);
    let started = Instant::now();
    let fresh = reqwest::Client::new();
    let health = tokio::time::timeout(Duration::from_secs(1), fresh.get(app.url("/api/health")).send())
        .await
        .expect("health within 1 s once the idle sockets are gone")
        .expect("health");
    assert_eq!(health.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// Time for closed connections' FINs to reach us.
async fn let_closes_arrive() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn shutdown_closes_idle_connections_and_returns() {
    let app = spawn_app().await;
    // A second server on the same data, which this test can stop.
    let state = carepath_server::state(app.settings.clone()).await.expect("state");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(carepath_server::serve_on(listener, state, async {
        let _ = stopped.await;
    }));
    let mut used = TcpStream::connect(address).await.expect("connect");
    used.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("write");
    let (status, _, body) = read_response(&mut used, MARGIN).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let mut silent = TcpStream::connect(address).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).expect("server running");
    let ended = tokio::time::timeout(MARGIN, server).await.expect("serve_on returns after shutdown");
    ended.expect("server task").expect("served without error");
    assert!(read_until_closed(&mut used, Duration::from_millis(500)).await.is_some(), "kept-alive connection left open");
    assert!(read_until_closed(&mut silent, Duration::from_millis(500)).await.is_some(), "silent connection left open");
    assert!(TcpStream::connect(address).await.is_err(), "still accepting after shutdown");
}
