//! The page's settings: sign-in (`WEB_USERNAME` with `WEB_PASSWORD_HASH` or
//! `WEB_PASSWORD`; the Node dashboard's `USER_NAME`/`USER_PASSWORD` and the Cloudflare
//! manager's `HF_USERNAME`/`HF_PASSWORD` as aliases, recorded by the `Reader`), which
//! proxies may say who the client is (`TRUSTED_PROXIES`, or on a Space `SPACE_ID` with
//! `TRUSTED_PROXY_HOPS`), and how many live-metrics streams the page may hold open on
//! the Hub (`WEB_LIVE_STREAMS`).
//!
//! A password hash is parsed here, at startup: one that does not parse, or whose
//! memory cost is over `MAX_VERIFY_MEMORY_KIB`, stops spacewarden (exit 2, naming
//! `WEB_PASSWORD_HASH`) instead of locking everyone out, or exhausting memory, later.
//! Passwords stay `SecretString`s; nothing here prints them.

use std::net::IpAddr;

use argon2::PasswordHash;
use secrecy::{ExposeSecret, SecretString};

use super::origins::Reader;
use super::{ConfigError, Sentence, err, split_list};

/// Live-metrics streams the page holds open at most, unless `WEB_LIVE_STREAMS` says.
const DEFAULT_LIVE_STREAMS: usize = 50;
const MAX_LIVE_STREAMS: usize = 1000;
/// Memory all argon2 verifications running at once may use together (KiB): the sign-in
/// bound is this divided by one verification's cost. 256 MiB: a small container's
/// share, 13 verifications at argon2's default 19 MiB.
pub const MAX_VERIFY_MEMORY_KIB: u32 = 256 * 1024;
/// `X-Forwarded-For` entries from the right at most (`TRUSTED_PROXY_HOPS`).
const MAX_PROXY_HOPS: usize = 16;

#[derive(Debug, Clone)]
pub struct WebSettings {
    /// `None`: the page is read-only and offers no sign-in.
    pub sign_in: Option<SignIn>,
    /// Peers whose `X-Forwarded-For` is believed (the login throttle's client).
    pub trusted_proxies: Vec<ProxyNet>,
    /// Upstream live-metrics streams at most, over all Spaces and viewers.
    pub live_streams: usize,
    /// On a Space (`SPACE_ID` set): the client is this many `X-Forwarded-For`
    /// entries from the right (`TRUSTED_PROXY_HOPS`, 1 by default), from any peer.
    pub space_proxy_hops: Option<usize>,
    /// On a Space (`SPACE_HOST`): the host where the page opens outside Hugging
    /// Face's frame, the only place its `SameSite=Strict` cookie is sent.
    pub space_host: Option<String>,
}

impl Default for WebSettings {
    fn default() -> WebSettings {
        WebSettings {
            sign_in: None,
            trusted_proxies: Vec::new(),
            live_streams: DEFAULT_LIVE_STREAMS,
            space_proxy_hops: None,
            space_host: None,
        }
    }
}

/// The one page user.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub username: String,
    pub password: WebPassword,
}

#[derive(Debug, Clone)]
pub enum WebPassword {
    /// An argon2 PHC string (`$argon2id$v=19$m=…`), checked to parse.
    Hash(SecretString),
    /// Plain text, compared in constant time.
    Plain(SecretString),
}

impl WebPassword {
    /// What one verification allocates (KiB): the hash's `m`. A plain password is
    /// counted like argon2's default, so both share one bound of the same size.
    pub fn memory_kib(&self) -> u32 {
        match self {
            WebPassword::Hash(phc) => hash_memory_kib(phc.expose_secret()),
            WebPassword::Plain(_) => argon2::Params::DEFAULT_M_COST,
        }
    }
}

/// The `m` of a PHC string (checked at startup; the default when unreadable).
fn hash_memory_kib(phc: &str) -> u32 {
    PasswordHash::new(phc)
        .ok()
        .and_then(|hash| argon2::Params::try_from(&hash).ok())
        .map_or(argon2::Params::DEFAULT_M_COST, |params| params.m_cost())
}

/// An address or a block of them (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

/// A `TRUSTED_PROXIES` entry that is not an address or a CIDR block; its text is the
/// operator's own setting, quoted back to them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyNetError {
    #[error("\"{0}\" is not an IP address or a CIDR block")]
    NotAnAddress(String),
    #[error("\"{0}\" has a bad prefix length")]
    BadPrefix(String),
}

impl ProxyNetError {
    /// The why, for a person in any language.
    pub fn sentence(&self) -> Sentence {
        match self {
            ProxyNetError::NotAnAddress(text) => {
                Sentence::new("config-not-an-address").text("value", text)
            }
            ProxyNetError::BadPrefix(text) => {
                Sentence::new("config-bad-prefix").text("value", text)
            }
        }
    }
}

/// `"value" is not a number from 1 to max`.
fn not_in_range(text: &str, max: usize) -> Sentence {
    Sentence::new("config-not-in-range")
        .text("value", text)
        .number("max", i64::try_from(max).unwrap_or(i64::MAX))
}

impl ProxyNet {
    pub fn parse(text: &str) -> Result<ProxyNet, ProxyNetError> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| ProxyNetError::NotAnAddress(text.to_owned()))?;
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| ProxyNetError::BadPrefix(text.to_owned()))?,
        };
        Ok(ProxyNet { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `bits` bits of `a` and `b` agree.
fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = (usize::from(bits / 8), bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[full] & mask == b[full] & mask
}

/// Reads the page's variables through `r` (trimmed, empty as unset).
pub(super) fn web_settings(r: &Reader) -> Result<WebSettings, ConfigError> {
    let var = |key: &str| r.var(key);
    let trusted_proxies = split_list(var("TRUSTED_PROXIES").as_deref())
        .map(|entry| ProxyNet::parse(entry).map_err(|e| err("TRUSTED_PROXIES", e.sentence())))
        .collect::<Result<Vec<_>, _>>()?;
    let live_streams = match var("WEB_LIVE_STREAMS") {
        None => DEFAULT_LIVE_STREAMS,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIVE_STREAMS).contains(n))
            .ok_or_else(|| err("WEB_LIVE_STREAMS", not_in_range(&text, MAX_LIVE_STREAMS)))?,
    };
    let hops = match var("TRUSTED_PROXY_HOPS") {
        None => 1,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PROXY_HOPS).contains(n))
            .ok_or_else(|| err("TRUSTED_PROXY_HOPS", not_in_range(&text, MAX_PROXY_HOPS)))?,
    };
    Ok(WebSettings {
        sign_in: sign_in(r)?,
        trusted_proxies,
        live_streams,
        space_proxy_hops: var("SPACE_ID").map(|_| hops),
        space_host: var("SPACE_HOST").filter(|host| is_host(host)),
    })
}

/// A host name with an optional port, nothing that could leave the `https://` URL
/// it is put in (no `/`, `@`, `?`, `#`, spaces).
fn is_host(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':'))
}

/// The one page user: `WEB_USERNAME`, else the Node dashboard's `USER_NAME`, else the
/// Cloudflare manager's `HF_USERNAME` (only beside its `HF_PASSWORD`: alone it is more
/// likely `HF_USERNAMES` misspelt); the password likewise. `USER_PASSWORD` alone signs
/// in as `admin`, the dashboard's default user; a password is never defaulted.
fn sign_in(r: &Reader) -> Result<Option<SignIn>, ConfigError> {
    let mut user_aliases = vec!["USER_NAME"];
    if r.var("HF_USERNAME").is_some() {
        if r.var("HF_PASSWORD").is_some() {
            user_aliases.push("HF_USERNAME");
        } else {
            r.note(Sentence::new("config-warn-lone-hf-username"));
        }
    }
    let username = r.aliased("WEB_USERNAME", &user_aliases);
    let password = password(r)?;
    let username = match (username, &password) {
        (None, Some((_, "USER_PASSWORD"))) => {
            r.note(Sentence::new("config-warn-default-user"));
            Some(("admin".to_owned(), "USER_PASSWORD"))
        }
        (username, _) => username,
    };
    match (username, password) {
        (None, None) => Ok(None),
        (Some((username, user_from)), Some((password, password_from))) => {
            r.with(|o| o.sign_in = Some((user_from, password_from)));
            Ok(Some(SignIn { username, password }))
        }
        (Some((_, from)), None) => Err(err(
            "WEB_PASSWORD_HASH",
            Sentence::new("config-user-without-password").text("from", from),
        )),
        (None, Some((_, from))) => Err(err(
            "WEB_USERNAME",
            Sentence::new("config-password-without-user").text("from", from),
        )),
    }
}

/// `WEB_PASSWORD_HASH`, else `WEB_PASSWORD` or an alias (plain text); with a hash, an
/// alias is ignored, but both native names are refused: which one was meant?
fn password(r: &Reader) -> Result<Option<(WebPassword, &'static str)>, ConfigError> {
    const ALIASES: [&str; 2] = ["USER_PASSWORD", "HF_PASSWORD"];
    let Some(hash) = r.var("WEB_PASSWORD_HASH") else {
        return Ok(r
            .aliased("WEB_PASSWORD", &ALIASES)
            .map(|(plain, from)| (WebPassword::Plain(SecretString::from(plain)), from)));
    };
    if r.var("WEB_PASSWORD").is_some() {
        return Err(err(
            "WEB_PASSWORD_HASH",
            Sentence::new("config-hash-and-password"),
        ));
    }
    for alias in ALIASES.into_iter().filter(|a| r.var(a).is_some()) {
        r.alias(alias, "WEB_PASSWORD_HASH", true);
    }
    Ok(Some((
        WebPassword::Hash(parse_hash(hash)?),
        "WEB_PASSWORD_HASH",
    )))
}

/// An argon2 PHC string whose parameters argon2 accepts. The message never quotes it.
fn parse_hash(text: String) -> Result<SecretString, ConfigError> {
    let invalid = |why: Sentence| {
        err(
            "WEB_PASSWORD_HASH",
            Sentence::new("config-not-a-phc").part("why", why),
        )
    };
    // argon2's own words, as they are.
    let outside = |e: &dyn std::fmt::Display| Sentence::new("config-outside").text("text", e);
    let parsed = PasswordHash::new(&text).map_err(|e| invalid(outside(&e)))?;
    if argon2::Algorithm::try_from(parsed.algorithm).is_err() {
        return Err(invalid(
            Sentence::new("config-phc-algorithm").text("algorithm", parsed.algorithm),
        ));
    }
    let params = argon2::Params::try_from(&parsed).map_err(|e| invalid(outside(&e)))?;
    if parsed.hash.is_none() {
        return Err(invalid(Sentence::new("config-phc-no-hash")));
    }
    if params.m_cost() > MAX_VERIFY_MEMORY_KIB {
        return Err(err(
            "WEB_PASSWORD_HASH",
            Sentence::new("config-phc-memory")
                .number("kib", params.m_cost())
                .number("mib", MAX_VERIFY_MEMORY_KIB / 1024),
        ));
    }
    Ok(SecretString::from(text))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// `hunter2`, hashed by `spacewarden hash-password`.
    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$DvNIkc6DtBPt3JzR4EjTYQ$jT49kA6fstnK512fXCPMOxB5K5FshYN5ECmYu1f/Hbw";

    fn load(vars: &[(&str, &str)]) -> Result<WebSettings, ConfigError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        let lookup = |key: &str| map.get(key).map(|v| v.to_string());
        web_settings(&Reader::new(&lookup))
    }

    #[test]
    fn no_sign_in_without_variables() {
        let settings = load(&[]).unwrap();
        assert!(settings.sign_in.is_none());
        assert_eq!(settings.live_streams, DEFAULT_LIVE_STREAMS);
    }

    #[test]
    fn hash_plain_and_the_node_dashboards_names() {
        let hashed = load(&[("WEB_USERNAME", "ops"), ("WEB_PASSWORD_HASH", HASH)]).unwrap();
        let sign_in = hashed.sign_in.unwrap();
        assert_eq!(sign_in.username, "ops");
        assert!(matches!(sign_in.password, WebPassword::Hash(_)));
        let node = load(&[("USER_NAME", "admin"), ("USER_PASSWORD", "pw")]).unwrap();
        let sign_in = node.sign_in.unwrap();
        assert_eq!(sign_in.username, "admin");
        assert!(matches!(sign_in.password, WebPassword::Plain(_)));
        let both = load(&[
            ("WEB_USERNAME", "ops"),
            ("USER_NAME", "admin"),
            ("WEB_PASSWORD", "x"),
        ]);
        assert_eq!(both.unwrap().sign_in.unwrap().username, "ops");
    }

    #[test]
    fn errors_name_the_variable_and_never_quote_the_secret() {
        let bad = load(&[
            ("WEB_USERNAME", "ops"),
            ("WEB_PASSWORD_HASH", "s3cret-not-a-hash"),
        ])
        .unwrap_err();
        assert_eq!(bad.key, "WEB_PASSWORD_HASH");
        assert!(!bad.to_string().contains("s3cret"), "{bad}");
        let bcrypt = load(&[
            ("WEB_USERNAME", "ops"),
            (
                "WEB_PASSWORD_HASH",
                "$2b$12$abcdefghijklmnopqrstuuF1Gq7mO0yJ7J3Q3l6m0Qy0Qy0Qy0Qy",
            ),
        ]);
        assert_eq!(bcrypt.unwrap_err().key, "WEB_PASSWORD_HASH");
        let no_password = load(&[("WEB_USERNAME", "ops")]).unwrap_err();
        assert_eq!(no_password.key, "WEB_PASSWORD_HASH");
        let no_user = load(&[("WEB_PASSWORD", "pw")]).unwrap_err();
        assert_eq!(no_user.key, "WEB_USERNAME");
        let two = load(&[
            ("WEB_USERNAME", "ops"),
            ("WEB_PASSWORD", "pw"),
            ("WEB_PASSWORD_HASH", HASH),
        ]);
        assert_eq!(two.unwrap_err().key, "WEB_PASSWORD_HASH");
        assert_eq!(
            load(&[("WEB_LIVE_STREAMS", "0")]).unwrap_err().key,
            "WEB_LIVE_STREAMS"
        );
        assert_eq!(
            load(&[("TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err().key,
            "TRUSTED_PROXIES"
        );
    }

    #[test]
    fn a_hash_over_256_mib_a_check_stops_startup() {
        let at_limit = HASH.replace("m=19456", "m=262144");
        let settings = load(&[("WEB_USERNAME", "ops"), ("WEB_PASSWORD_HASH", &at_limit)]);
        assert_eq!(
            settings.unwrap().sign_in.unwrap().password.memory_kib(),
            MAX_VERIFY_MEMORY_KIB
        );
        let over = HASH.replace("m=19456", "m=262145");
        let bad = load(&[("WEB_USERNAME", "ops"), ("WEB_PASSWORD_HASH", &over)]).unwrap_err();
        assert_eq!(bad.key, "WEB_PASSWORD_HASH");
        assert!(bad.to_string().contains("256 MiB"), "{bad}");
        assert!(!bad.to_string().contains("DvNIkc6D"), "never quoted: {bad}");
        let hashed = load(&[("WEB_USERNAME", "ops"), ("WEB_PASSWORD_HASH", HASH)]).unwrap();
        assert_eq!(hashed.sign_in.unwrap().password.memory_kib(), 19456);
        let plain = load(&[("WEB_USERNAME", "ops"), ("WEB_PASSWORD", "pw")]).unwrap();
        assert_eq!(plain.sign_in.unwrap().password.memory_kib(), 19456);
    }

    #[test]
    fn on_a_space_forwarded_for_counts_and_the_host_is_kept() {
        let off = load(&[("TRUSTED_PROXY_HOPS", "2")]).unwrap();
        assert_eq!(off.space_proxy_hops, None, "only on a Space");
        let space = load(&[
            ("SPACE_ID", "alice/warden"),
            ("SPACE_HOST", "alice-warden.hf.space"),
        ])
        .unwrap();
        assert_eq!(space.space_proxy_hops, Some(1));
        assert_eq!(space.space_host.as_deref(), Some("alice-warden.hf.space"));
        let two = load(&[("SPACE_ID", "a/b"), ("TRUSTED_PROXY_HOPS", "2")]).unwrap();
        assert_eq!(two.space_proxy_hops, Some(2));
        for bad in ["0", "17", "x"] {
            let e = load(&[("TRUSTED_PROXY_HOPS", bad)]).unwrap_err();
            assert_eq!(e.key, "TRUSTED_PROXY_HOPS");
        }
        let odd = load(&[("SPACE_HOST", "evil.example/x?\"><")]).unwrap();
        assert_eq!(odd.space_host, None, "not a host: no link");
    }

    #[test]
    fn proxy_blocks_match_by_prefix() {
        let settings = load(&[("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7,fd00::/8")]).unwrap();
        let trusted = |ip: &str| {
            let ip: IpAddr = ip.parse().unwrap();
            settings.trusted_proxies.iter().any(|net| net.contains(ip))
        };
        assert!(trusted("10.200.3.4"));
        assert!(
            trusted("::ffff:10.1.1.1"),
            "IPv4-mapped addresses count as IPv4"
        );
        assert!(trusted("192.168.1.7"));
        assert!(!trusted("192.168.1.8"));
        assert!(trusted("fd12::1"));
        assert!(!trusted("fe80::1"));
        assert!(!trusted("11.0.0.1"));
    }
}
