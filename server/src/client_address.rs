//! The client's address behind a reverse proxy (issue #15 item 4). Behind nginx or a load balancer every request
//! comes from the proxy, so the per-address limits (sign-in, enrollment codes) counted one address for everyone:
//! 20 failed sign-ins locked out the whole pharmacy.
//!
//! With `CAREPATH_TRUSTED_PROXIES` (exact addresses or CIDRs, comma-separated) a request whose peer is one of them
//! is counted, limited and audited by the address its proxies give: the right-most address in `X-Forwarded-For`
//! (or `Forwarded: for=`) that is not itself a trusted proxy. Anyone else's headers are ignored, so a client cannot
//! choose its own address. The middleware replaces the request's `ConnectInfo`, so every handler reads it as before.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::AppState;

/// An address or a network, as `CAREPATH_TRUSTED_PROXIES` lists them: `10.0.0.5`, `10.0.0.0/8`, `::1`.
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or network (like 10.0.0.5 or 10.0.0.0/8)"))
}

/// The client's address when `peer` is a trusted proxy and its headers name one; `None`: the peer is the client.
pub fn forwarded_client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return None;
    }
    let chain = forwarded_for(headers)?;
    let mut client = None;
    // From the nearest hop outwards: the first address that is not one of our proxies is the client. A hop that
    // is not an address (a proxy's obfuscated name, garbage) ends the walk at the last address known.
    for hop in chain.iter().rev() {
        let Some(ip) = hop else { break };
        client = Some(*ip);
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// The hops of `Forwarded: for=` (RFC 7239), else of `X-Forwarded-For`, in order; `None` per hop that is not an
/// address, and `None` in all when neither header is there.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let values = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).map(str::to_string).collect::<Vec<_>>();
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        let hops = forwarded
            .iter()
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| address(value))
                })
                .flatten()
            })
            .collect();
        return Some(hops);
    }
    let x_forwarded_for = values("x-forwarded-for");
    (!x_forwarded_for.is_empty()).then(|| x_forwarded_for.iter().map(|hop| address(hop)).collect())
}

/// `203.0.113.7`, `"[2001:db8::1]:4711"`, `198.51.100.2:443` → the address; anything else → `None`.
fn address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[').and_then(|rest| rest.split(']').next()).and_then(|ip| ip.parse().ok())
}

/// Middleware: puts the forwarded client's address in the request's `ConnectInfo` when the peer is trusted.
pub async fn from_trusted_proxies(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if !state.settings.trusted_proxies.is_empty() {
        if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
            if let Some(client) = forwarded_client(peer.ip(), request.headers(), &state.settings.trusted_proxies) {
                request.extensions_mut().insert(ConnectInfo(SocketAddr::new(client, 0)));
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peers_headers_count_and_the_nearest_untrusted_hop_is_the_client() {
        let trusted = vec![parse_trusted_proxy("10.0.0.0/8").unwrap(), parse_trusted_proxy("192.0.2.1").unwrap()];
        let xff = headers(&[("x-forwarded-for", "198.51.100.9, 203.0.113.7, 10.1.2.3")]);
        // The client put 198.51.100.9 there itself; 10.1.2.3 is our inner proxy; 203.0.113.7 reached our edge.
        assert_eq!(forwarded_client(ip("192.0.2.1"), &xff, &trusted), Some(ip("203.0.113.7")));
        assert_eq!(forwarded_client(ip("203.0.113.50"), &xff, &trusted), None, "not a proxy: its headers are ignored");
        assert_eq!(forwarded_client(ip("192.0.2.1"), &HeaderMap::new(), &trusted), None, "no header: the proxy itself");
        assert_eq!(forwarded_client(ip("192.0.2.1"), &xff, &[]), None, "nothing trusted");
        let garbage = headers(&[("x-forwarded-for", "not-an-address, 10.1.2.3")]);
        assert_eq!(forwarded_client(ip("192.0.2.1"), &garbage, &trusted), Some(ip("10.1.2.3")), "the walk stops at what is not an address");
        let two_headers = headers(&[("x-forwarded-for", "203.0.113.7"), ("x-forwarded-for", "10.1.2.3")]);
        assert_eq!(forwarded_client(ip("192.0.2.1"), &two_headers, &trusted), Some(ip("203.0.113.7")));
    }

    #[test]
    fn forwarded_for_is_read_with_ports_quotes_and_ipv6() {
        let trusted = vec![parse_trusted_proxy("127.0.0.1").unwrap()];
        let forwarded = headers(&[("forwarded", r#"for="[2001:db8::7]:4711";proto=https, for=127.0.0.1"#)]);
        assert_eq!(forwarded_client(ip("127.0.0.1"), &forwarded, &trusted), Some(ip("2001:db8::7")));
        let with_port = headers(&[("forwarded", "proto=https;for=198.51.100.2:443")]);
        assert_eq!(forwarded_client(ip("127.0.0.1"), &with_port, &trusted), Some(ip("198.51.100.2")));
        let obfuscated = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(forwarded_client(ip("127.0.0.1"), &obfuscated, &trusted), None, "an obfuscated name: the proxy's own address");
        assert!(parse_trusted_proxy("10.0.0.0/33").is_err() && parse_trusted_proxy("proxy.local").is_err());
        assert_eq!(parse_trusted_proxy(" ::1 ").unwrap(), "::1/128".parse::<IpNet>().unwrap());
    }
}
