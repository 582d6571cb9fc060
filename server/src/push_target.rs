//! Where Web Push messages may go (issue #15 item 6). A device chooses its subscription's endpoint and the server
//! then POSTs to it, so an endpoint is a request the server makes on a stranger's behalf (server-side request
//! forgery): only https to public addresses is allowed.
//!
//! - When a subscription is handed over ([`PushTargets::check`]): an https URL without user name or password whose
//!   host is a public IP address, or a name that resolves only to public addresses (all of them, so a name with
//!   one private address among public ones is refused too).
//! - When a message is sent: the same check again (a name's addresses change), and the connection itself goes
//!   through [`PublicOnly`], a resolver that refuses a name if any address it resolves to is not public, and hands
//!   the connector only the addresses it checked, so DNS rebinding between the check and the connection cannot
//!   point it elsewhere. No proxy from the environment is used and redirects are not followed (`crate::push`).
//!
//! Not public ([`is_public`]): loopback, private (RFC 1918), shared (CGNAT 100.64/10), link-local (169.254/16, cloud
//! metadata at 169.254.169.254), "this network" 0/8, documentation, benchmarking, multicast and reserved IPv4; for
//! IPv6 everything outside global unicast 2000::/3 (::1, ::, fc00::/7, fe80::/10, ff00::/8, ::/96 …), the
//! documentation, 6to4 and IETF protocol blocks inside it, and IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96)
//! addresses of a non-public IPv4 one.
//!
//! `CAREPATH_PUSH_ALLOWED_HOSTS` names hosts that are exempt (plain http and any address): for tests and
//! development with a local push service (`web-push-testing` on 127.0.0.1) only.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, LazyLock};

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::Url;

/// An exempt host: `host` (any port) or `host:port`; IPv6 in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    host: AllowedName,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowedName {
    Name(String),
    Ip(IpAddr),
}

/// Parses one `CAREPATH_PUSH_ALLOWED_HOSTS` entry: `push.test`, `127.0.0.1:8090`, `[::1]:8090`.
pub fn parse_allowed_host(entry: &str) -> Result<AllowedHost, String> {
    let entry = entry.trim();
    let bad = || format!("{entry:?} is not a host or host:port (IPv6 in brackets, e.g. [::1]:8090)");
    let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(bad)?;
        let ip: Ipv6Addr = inside.parse().map_err(|_| bad())?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(bad)?),
        };
        (AllowedName::Ip(IpAddr::V6(ip)), port)
    } else {
        let (host, port) = match entry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (entry, None),
        };
        let host = host.to_ascii_lowercase();
        let name_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !name_ok {
            return Err(bad());
        }
        match host.parse::<Ipv4Addr>() {
            Ok(ip) => (AllowedName::Ip(IpAddr::V4(ip)), port),
            Err(_) => (AllowedName::Name(host), port),
        }
    };
    let port = port
        .map(|p| p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad))
        .transpose()?;
    Ok(AllowedHost { host, port })
}

impl std::str::FromStr for AllowedHost {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_allowed_host(s)
    }
}

impl AllowedHost {
    fn matches(&self, url: &Url) -> bool {
        let host = match (&self.host, url.host()) {
            (AllowedName::Name(name), Some(url::Host::Domain(domain))) => name.eq_ignore_ascii_case(domain),
            (AllowedName::Ip(ip), Some(url::Host::Ipv4(v4))) => *ip == IpAddr::V4(v4),
            (AllowedName::Ip(ip), Some(url::Host::Ipv6(v6))) => *ip == IpAddr::V6(v6),
            _ => false,
        };
        host && self.port.is_none_or(|port| url.port_or_known_default() == Some(port))
    }
}

/// Why an endpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the push endpoint is not a URL")]
    NotUrl,
    #[error("the push endpoint must be an https URL")]
    NotHttps,
    #[error("the push endpoint must not carry a user name or password")]
    Credentials,
    #[error("the push endpoint's host is not a public address")]
    NotPublic,
    #[error("the push endpoint's host name does not resolve")]
    Unresolved,
}

/// Looks host names up: the system's resolver, or a stand-in in tests.
pub trait Lookup: Send + Sync + 'static {
    fn lookup(&self, host: String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;
}

/// The system's resolver (getaddrinfo, as reqwest's own).
#[derive(Debug, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
        Box::pin(async move {
            if let Ok(ip) = host.parse::<IpAddr>() {
                return Ok(vec![ip]);
            }
            Ok(tokio::net::lookup_host((host.as_str(), 0)).await?.map(|a| a.ip()).collect())
        })
    }
}

/// The policy: which endpoints may be sent to.
#[derive(Clone)]
pub struct PushTargets {
    allowed: Arc<[AllowedHost]>,
    lookup: Arc<dyn Lookup>,
}

impl std::fmt::Debug for PushTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushTargets").field("allowed", &self.allowed).finish_non_exhaustive()
    }
}

/// An endpoint that passed [`PushTargets::check`].
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    /// On `CAREPATH_PUSH_ALLOWED_HOSTS`: sent without the public-address resolver.
    pub allow_listed: bool,
}

impl PushTargets {
    pub fn new(allowed: Vec<AllowedHost>) -> PushTargets {
        PushTargets::with_lookup(allowed, Arc::new(SystemLookup))
    }

    pub fn with_lookup(allowed: Vec<AllowedHost>, lookup: Arc<dyn Lookup>) -> PushTargets {
        PushTargets { allowed: allowed.into(), lookup }
    }

    /// Whether the server may send to `endpoint`, resolving its host name (every address must be public).
    pub async fn check(&self, endpoint: &str) -> Result<Target, Refusal> {
        let url = Url::parse(endpoint).map_err(|_| Refusal::NotUrl)?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(Refusal::NotUrl);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials);
        }
        if self.allowed.iter().any(|a| a.matches(&url)) {
            return Ok(Target { url, allow_listed: true });
        }
        if url.scheme() != "https" {
            return Err(Refusal::NotHttps);
        }
        let addresses = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            Some(url::Host::Domain(name)) => self.lookup.lookup(name.to_string()).await.map_err(|_| Refusal::Unresolved)?,
            None => return Err(Refusal::NotUrl),
        };
        all_public(&addresses)?;
        Ok(Target { url, allow_listed: false })
    }

    /// The resolver for the client that sends to endpoints not on the allow-list.
    pub fn resolver(&self) -> Arc<PublicOnly> {
        Arc::new(PublicOnly { lookup: self.lookup.clone() })
    }
}

/// `Ok` if there is at least one address and every one is public.
fn all_public(addresses: &[IpAddr]) -> Result<(), Refusal> {
    if addresses.is_empty() {
        return Err(Refusal::Unresolved);
    }
    if addresses.iter().any(|ip| !is_public(*ip)) {
        return Err(Refusal::NotPublic);
    }
    Ok(())
}

/// A reqwest resolver that resolves a name, refuses it if any address is not public, and connects only to the
/// addresses it checked.
pub struct PublicOnly {
    lookup: Arc<dyn Lookup>,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let lookup = self.lookup.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addresses = lookup.lookup(host).await?;
            all_public(&addresses)?;
            // Port 0: reqwest puts the URL's port (or the scheme's) in.
            let addrs: reqwest::dns::Addrs = Box::new(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

fn v4_nets(list: &[&str]) -> Vec<Ipv4Net> {
    list.iter().map(|n| n.parse().expect("a network")).collect()
}

fn v6_nets(list: &[&str]) -> Vec<Ipv6Net> {
    list.iter().map(|n| n.parse().expect("a network")).collect()
}

/// IPv4 networks that are not public (IANA special-purpose registry, those not globally reachable).
static NOT_PUBLIC_V4: LazyLock<Vec<Ipv4Net>> = LazyLock::new(|| {
    v4_nets(&[
        "0.0.0.0/8",       // "this network"
        "10.0.0.0/8",      // private
        "100.64.0.0/10",   // shared address space (carrier-grade NAT)
        "127.0.0.0/8",     // loopback
        "169.254.0.0/16",  // link-local (cloud metadata 169.254.169.254)
        "172.16.0.0/12",   // private
        "192.0.0.0/24",    // IETF protocol assignments
        "192.0.2.0/24",    // documentation
        "192.88.99.0/24",  // 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  // private
        "198.18.0.0/15",   // benchmarking
        "198.51.100.0/24", // documentation
        "203.0.113.0/24",  // documentation
        "224.0.0.0/4",     // multicast
        "240.0.0.0/4",     // reserved, and 255.255.255.255
    ])
});

/// Blocks inside global unicast 2000::/3 that are not public.
static NOT_PUBLIC_V6: LazyLock<Vec<Ipv6Net>> = LazyLock::new(|| {
    v6_nets(&[
        "2001::/23",     // IETF protocol assignments (Teredo, benchmarking, ORCHID…)
        "2001:db8::/32", // documentation
        "2002::/16",     // 6to4 (an IPv4 address inside)
        "3fff::/20",     // documentation
    ])
});

static GLOBAL_UNICAST_V6: LazyLock<Ipv6Net> = LazyLock::new(|| "2000::/3".parse().expect("a network"));
static NAT64_V6: LazyLock<Ipv6Net> = LazyLock::new(|| "64:ff9b::/96".parse().expect("a network"));

/// Whether the server may connect to `ip` for a push service not on the allow-list.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !NOT_PUBLIC_V4.iter().any(|net| net.contains(&v4)),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if NAT64_V6.contains(&v6) {
                let [.., a, b, c, d] = v6.octets();
                return is_public(IpAddr::V4(Ipv4Addr::new(a, b, c, d)));
            }
            GLOBAL_UNICAST_V6.contains(&v6) && !NOT_PUBLIC_V6.iter().any(|net| net.contains(&v6))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A resolver stand-in: fixed answers per name.
    struct Fixed(HashMap<&'static str, Vec<IpAddr>>);

    impl Lookup for Fixed {
        fn lookup(&self, host: String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
            let answer = self.0.get(host.as_str()).cloned();
            Box::pin(async move { answer.ok_or_else(|| std::io::Error::other("no such name")) })
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn targets(allowed: &[&str]) -> PushTargets {
        let names = HashMap::from([
            ("push.example.com", vec![ip("142.250.74.10"), ip("2a00:1450:4007:80e::200a")]),
            ("rebind.example.com", vec![ip("142.250.74.10"), ip("10.0.0.7")]),
            ("internal.example.com", vec![ip("192.168.1.20")]),
            ("metadata.example.com", vec![ip("169.254.169.254")]),
            ("v6-private.example.com", vec![ip("fd12:3456::1")]),
            ("mapped.example.com", vec![ip("::ffff:127.0.0.1")]),
            ("loopback.example.com", vec![ip("127.0.0.1")]),
            ("empty.example.com", vec![]),
        ]);
        let allowed = allowed.iter().map(|a| parse_allowed_host(a).unwrap()).collect();
        PushTargets::with_lookup(allowed, Arc::new(Fixed(names)))
    }

    #[test]
    fn public_addresses_are_told_from_the_rest() {
        for public in ["8.8.8.8", "142.250.74.10", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
            "169.253.255.255", "11.0.0.1", "2a00:1450:4007:80e::200a", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
        {
            assert!(is_public(ip(public)), "{public} is public");
        }
        for not in [
            "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.0.1", "127.0.0.1", "127.8.9.10",
            "169.254.169.254", "169.254.0.1", "0.0.0.0", "0.1.2.3", "100.64.0.1", "100.127.255.254", "192.0.0.8",
            "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1",
            "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
            "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::127.0.0.1",
            "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "100::1", "2001::1", "2001:db8::1", "2002:a00:1::1",
            "3fff::1",
        ] {
            assert!(!is_public(ip(not)), "{not} is not public");
        }
    }

    #[tokio::test]
    async fn only_https_to_public_addresses_is_allowed() {
        let t = targets(&[]);
        for ok in ["https://push.example.com/fcm/send/abc", "https://8.8.8.8/x", "https://[2606:4700::1111]:8443/x"] {
            let target = t.check(ok).await.unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(!target.allow_listed);
        }
        let refused = [
            ("http://push.example.com/x", Refusal::NotHttps),
            ("http://127.0.0.1:8090/notify/x", Refusal::NotHttps),
            ("http://localhost/x", Refusal::NotHttps),
            ("https://10.1.2.3/x", Refusal::NotPublic),
            ("https://172.16.5.4/x", Refusal::NotPublic),
            ("https://172.31.0.1/x", Refusal::NotPublic),
            ("https://192.168.1.1/x", Refusal::NotPublic),
            ("https://127.0.0.1/x", Refusal::NotPublic),
            ("https://127.1.2.3:8443/x", Refusal::NotPublic),
            ("https://169.254.169.254/latest/meta-data/", Refusal::NotPublic),
            ("https://0.0.0.0/x", Refusal::NotPublic),
            ("https://100.64.1.1/x", Refusal::NotPublic),
            ("https://[::1]/x", Refusal::NotPublic),
            ("https://[fc00::1]/x", Refusal::NotPublic),
            ("https://[fd00:ec2::254]/x", Refusal::NotPublic),
            ("https://[fe80::1]/x", Refusal::NotPublic),
            ("https://[::ffff:127.0.0.1]/x", Refusal::NotPublic),
            ("https://[::ffff:a9fe:a9fe]/x", Refusal::NotPublic),
            ("https://[::ffff:10.0.0.1]/x", Refusal::NotPublic),
            // Other spellings of an address are read as the address (the URL standard's IPv4 parser).
            ("https://2130706433/x", Refusal::NotPublic),
            ("https://0x7f.1/x", Refusal::NotPublic),
            ("https://0177.0.0.1/x", Refusal::NotPublic),
            // Public names that resolve to private addresses, or to one among public ones.
            ("https://internal.example.com/x", Refusal::NotPublic),
            ("https://metadata.example.com/x", Refusal::NotPublic),
            ("https://rebind.example.com/x", Refusal::NotPublic),
            ("https://v6-private.example.com/x", Refusal::NotPublic),
            ("https://mapped.example.com/x", Refusal::NotPublic),
            ("https://empty.example.com/x", Refusal::Unresolved),
            ("https://nowhere.example.com/x", Refusal::Unresolved),
            ("https://user:pw@push.example.com/x", Refusal::Credentials),
            ("https://user@push.example.com/x", Refusal::Credentials),
            ("ftp://push.example.com/x", Refusal::NotUrl),
            ("not a url", Refusal::NotUrl),
        ];
        for (endpoint, why) in refused {
            assert_eq!(t.check(endpoint).await.map(|_| ()), Err(why), "{endpoint}");
        }
    }

    #[tokio::test]
    async fn the_allow_list_names_exact_hosts_and_ports() {
        let t = targets(&["127.0.0.1", "push.test:8090", "[::1]:9000"]);
        for ok in ["http://127.0.0.1:8090/notify/x", "http://127.0.0.1/x", "https://127.0.0.1:1/x", "http://push.test:8090/x",
            "http://PUSH.test:8090/x", "http://[::1]:9000/x"]
        {
            assert!(t.check(ok).await.unwrap_or_else(|e| panic!("{ok}: {e}")).allow_listed, "{ok}");
        }
        for (endpoint, why) in [
            ("http://push.test:8091/x", Refusal::NotHttps),
            ("http://push.test/x", Refusal::NotHttps),
            ("http://127.0.0.2/x", Refusal::NotHttps),
            ("http://[::1]:9001/x", Refusal::NotHttps),
            ("https://127.0.0.2/x", Refusal::NotPublic),
            ("http://sub.push.test:8090/x", Refusal::NotHttps),
            ("http://127.0.0.1.nip.io/x", Refusal::NotHttps),
            ("http://user@127.0.0.1/x", Refusal::Credentials),
        ] {
            assert_eq!(t.check(endpoint).await.map(|_| ()), Err(why), "{endpoint}");
        }
        // https to the default port matches an entry with that port.
        let t = targets(&["push.test:443"]);
        assert!(t.check("https://push.test/x").await.unwrap().allow_listed);
    }

    #[test]
    fn allow_list_entries_parse() {
        assert_eq!(parse_allowed_host("127.0.0.1").unwrap(), AllowedHost { host: AllowedName::Ip(ip("127.0.0.1")), port: None });
        assert_eq!(parse_allowed_host(" Push.Test:8090 ").unwrap(), AllowedHost { host: AllowedName::Name("push.test".into()), port: Some(8090) });
        assert_eq!(parse_allowed_host("[::1]:8090").unwrap(), AllowedHost { host: AllowedName::Ip(ip("::1")), port: Some(8090) });
        assert_eq!(parse_allowed_host("[::1]").unwrap().port, None);
        for bad in ["", "::1", "[::1", "[::1]8090", "host:", "host:0", "host:99999", "host:80x", "http://host", "host/x", "a b", "[fe80::1]:x"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_with_any_address_not_public() {
        use reqwest::dns::Resolve as _;
        let resolver = targets(&[]).resolver();
        let resolve = |name: &str| resolver.resolve(name.parse().unwrap());
        let addrs: Vec<SocketAddr> = resolve("push.example.com").await.unwrap().collect();
        assert_eq!(addrs, vec![SocketAddr::new(ip("142.250.74.10"), 0), SocketAddr::new(ip("2a00:1450:4007:80e::200a"), 0)]);
        for name in ["rebind.example.com", "internal.example.com", "metadata.example.com", "mapped.example.com", "empty.example.com", "nowhere.example.com"] {
            assert!(resolve(name).await.is_err(), "{name}");
        }
    }

    #[tokio::test]
    async fn a_client_with_the_resolver_never_connects_where_a_name_points_at_loopback() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(socket);
            }
        });
        // As after DNS rebinding: whatever a check saw before, the connection resolves again, through the filter.
        let url = format!("http://loopback.example.com:{port}/");
        let checked = reqwest::Client::builder().dns_resolver(targets(&[]).resolver()).no_proxy().build().unwrap();
        let err = checked.get(&url).send().await.unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        assert_eq!(connections.load(Ordering::SeqCst), 0);
        // The control: without the filter, the same name reaches the listener.
        let unchecked = reqwest::Client::builder()
            .resolve("loopback.example.com", SocketAddr::new(ip("127.0.0.1"), port))
            .no_proxy()
            .build()
            .unwrap();
        let _ = unchecked.get(&url).send().await;
        assert!(connections.load(Ordering::SeqCst) >= 1);
    }
}
