//! Who the client is, for the login throttle, and whether it came over https, for the
//! cookie's `Secure` flag.
//!
//! The peer address is the client unless the peer is a trusted proxy
//! (`TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the right, skipping
//! trusted proxies, and the first other address is the client. Without the setting the
//! header is ignored, since anyone can send one and pick a fresh address per guess.
//!
//! On a Space (`SPACE_ID`) every request comes through Hugging Face's proxy, so the
//! peer is the same for all visitors and would put them all in one throttle bucket:
//! there the client is the entry `TRUSTED_PROXY_HOPS` places from the right, the one
//! the nearest proxy appended. Entries further left are whatever the client sent.
//! IPv6 clients count per /64: one host usually holds a whole /64.

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;

use crate::config::ProxyNet;

/// Whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub(super) struct Forwarding {
    /// `TRUSTED_PROXIES`.
    pub proxies: Vec<ProxyNet>,
    /// On a Space: `TRUSTED_PROXY_HOPS`, believed from any peer.
    pub space_hops: Option<usize>,
}

/// The client's address (the peer's, or the one a trusted proxy forwarded).
pub(super) fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    forwarding: &Forwarding,
) -> Option<IpAddr> {
    let hops = forwarded_for(headers);
    if let Some(n) = forwarding.space_hops
        && let Some(ip) = hops
            .len()
            .checked_sub(n)
            .and_then(|i| hops[i].parse::<IpAddr>().ok())
    {
        return Some(ip.to_canonical());
    }
    // No such entry (a request that did not come through the proxy, such as the
    // loopback health check): the peer.
    let mut client = peer?.to_canonical();
    let trusted = |ip: IpAddr| forwarding.proxies.iter().any(|net| net.contains(ip));
    if !trusted(client) {
        return Some(client);
    }
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // Garbage in the chain: the last trusted hop is all we know.
            break;
        };
        client = ip.to_canonical();
        if !trusted(client) {
            break;
        }
    }
    Some(client)
}

/// The `X-Forwarded-For` entries, every such header in order, left to right.
fn forwarded_for(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect()
}

/// What the throttle counts by: the address, IPv6 cut to its /64.
pub(super) fn throttle_key(client: Option<IpAddr>) -> IpAddr {
    match client {
        Some(IpAddr::V6(v6)) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        Some(v4) => v4,
        // No peer address (an in-process request): all such share one bucket.
        None => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

/// Whether the browser talked https to whoever is in front (Hugging Face's proxy
/// says so in `X-Forwarded-Proto`). Believed from anyone: a false "https" only makes
/// the cookie `Secure`, which a plain-http browser then does not send back.
pub(super) fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.9, 203.0.113.5, 10.0.0.2"),
        );
        let proxies = Forwarding {
            proxies: vec![ProxyNet::parse("10.0.0.0/8").unwrap()],
            space_hops: None,
        };
        assert_eq!(
            client_ip(Some(ip("192.0.2.1")), &headers, &proxies),
            Some(ip("192.0.2.1")),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &headers, &proxies),
            Some(ip("203.0.113.5")),
            "the first untrusted hop from the right"
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &headers, &Forwarding::default()),
            Some(ip("10.0.0.1")),
            "no setting, no header"
        );
        let mut junk = HeaderMap::new();
        junk.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &junk, &proxies),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn on_a_space_the_entry_the_nearest_proxies_appended_counts() {
        let space = |hops| Forwarding {
            proxies: Vec::new(),
            space_hops: Some(hops),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 198.51.100.9"),
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("203.0.113.5"));
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(
            client_ip(peer, &headers, &space(1)),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            client_ip(peer, &headers, &space(2)),
            Some(ip("198.51.100.9"))
        );
        assert_eq!(
            client_ip(peer, &headers, &space(4)),
            peer,
            "fewer entries than hops: the peer"
        );
        assert_eq!(client_ip(peer, &HeaderMap::new(), &space(1)), peer);
        let mut junk = HeaderMap::new();
        junk.insert("x-forwarded-for", HeaderValue::from_static("1.1.1.1, junk"));
        assert_eq!(client_ip(peer, &junk, &space(1)), peer);
        let mut v6 = HeaderMap::new();
        v6.insert(
            "x-forwarded-for",
            HeaderValue::from_static("::ffff:192.0.2.8"),
        );
        assert_eq!(client_ip(peer, &v6, &space(1)), Some(ip("192.0.2.8")));
    }

    #[test]
    fn ipv6_clients_count_per_64_and_https_is_read_from_the_proxy() {
        assert_eq!(
            throttle_key(Some(ip("2001:db8:1:2:aaaa::1"))),
            ip("2001:db8:1:2::")
        );
        assert_eq!(throttle_key(Some(ip("192.0.2.1"))), ip("192.0.2.1"));
        let mut headers = HeaderMap::new();
        assert!(!is_https(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("HTTPS"));
        assert!(is_https(&headers));
    }
}
