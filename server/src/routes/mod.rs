pub mod admin;
pub mod alerts;
pub mod device;
pub mod identity;
pub mod patient_devices;
pub mod patient_filters;
pub mod pharmacy;
pub mod program;
pub mod push;
pub mod regimens;
pub mod second_factor;
pub mod worklists;

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

/// The peer address of the connection. Deliberately not X-Forwarded-For: a client cannot spoof it
/// to escape attempt limits.
pub fn peer_ip(info: &ConnectInfo<SocketAddr>) -> Option<String> {
    Some(info.0.ip().to_string())
}
