//! Who the client is, for the login throttle, and whether it came over https, for the
//! cookie's `Secure` flag.
//!
//! The peer address is the client unless the peer is a trusted proxy
//! (`TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the right, skipping
//! trusted proxies, and the first other address is the client. Without the setting the
//! header is ignored, since anyone can send one and pick a fresh address per guess.
//! IPv6 clients count per /64: one host usually holds a whole /64.

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;

use crate::config::ProxyNet;

/// The client's address (the peer's, or the one a trusted proxy forwarded).
pub(super) fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    proxies: &[ProxyNet],
) -> Option<IpAddr> {
    let mut client = peer?.to_canonical();
    let trusted = |ip: IpAddr| proxies.iter().any(|net| net.contains(ip));
    if !trusted(client) {
        return Some(client);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
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
        let proxies = [ProxyNet::parse("10.0.0.0/8").unwrap()];
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
            client_ip(Some(ip("10.0.0.1")), &headers, &[]),
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
