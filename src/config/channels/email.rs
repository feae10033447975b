//! `SMTP_URL`, `ALERT_EMAIL_FROM`, `ALERT_EMAIL_TO` and `SMTP_CA_FILE`: the e-mail
//! destination's settings, read here once at startup.
//!
//! The URL is parsed by spacewarden itself, not by lettre: lettre's own URL form treats
//! `smtp://` as plain text, where a user copying `smtp://user:pass@host:587` expects the
//! mail server's usual STARTTLS. So `smtp://` means STARTTLS *required* (default port
//! 587), `smtps://` TLS from the first byte (default 465), and `?tls=none` (plain text)
//! is accepted only for a loopback host, where nothing crosses a network.
//! The password is a secret: `Debug` and every error name the host only.

use std::net::IpAddr;
use std::path::PathBuf;

use secrecy::SecretString;
use url::Url;

use super::super::{ConfigError, Sentence, err};
use super::{needed_with, unparsed_url};

const KEY: &str = "SMTP_URL";

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtp://`: plain connect, then STARTTLS, refused if the server does not offer it.
    StartTls,
    /// `smtps://`: TLS from the start (implicit TLS).
    Wrapper,
    /// `smtp://…?tls=none` on a loopback host only.
    None,
}

/// The e-mail destination.
#[derive(Clone)]
pub struct Email {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub user: Option<String>,
    pub password: Option<SecretString>,
    /// `ALERT_EMAIL_FROM`, as written (checked as a mailbox by the destination).
    pub from: String,
    /// `ALERT_EMAIL_TO`, the comma list split and trimmed.
    pub to: Vec<String>,
    /// `SMTP_CA_FILE`: a PEM certificate to trust besides the usual roots.
    pub ca_file: Option<PathBuf>,
    /// The whole `SMTP_URL`, only to tell a reload whether it changed.
    pub(super) url_text: SecretString,
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Email")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("to", &self.to.len())
            .finish_non_exhaustive()
    }
}

/// Reads the e-mail variables through `var`; `None` when `SMTP_URL` is unset.
pub fn from_vars(var: &impl Fn(&str) -> Option<String>) -> Result<Option<Email>, ConfigError> {
    let Some(text) = var(KEY) else {
        for other in ["ALERT_EMAIL_FROM", "ALERT_EMAIL_TO", "SMTP_CA_FILE"] {
            if var(other).is_some() {
                return Err(err(other, Sentence::new("config-email-without-smtp")));
            }
        }
        return Ok(None);
    };
    let (host, port, tls, user, password) = parse_url(&text)?;
    let from =
        var("ALERT_EMAIL_FROM").ok_or_else(|| err("ALERT_EMAIL_FROM", needed_with("SMTP_URL")))?;
    check_address("ALERT_EMAIL_FROM", &from)?;
    let to: Vec<String> = var("ALERT_EMAIL_TO")
        .ok_or_else(|| err("ALERT_EMAIL_TO", needed_with("SMTP_URL")))?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if to.is_empty() {
        return Err(err(
            "ALERT_EMAIL_TO",
            Sentence::new("config-email-no-address"),
        ));
    }
    for address in &to {
        check_address("ALERT_EMAIL_TO", address)?;
    }
    Ok(Some(Email {
        host,
        port,
        tls,
        user,
        password,
        from,
        to,
        ca_file: var("SMTP_CA_FILE").map(PathBuf::from),
        url_text: SecretString::from(text),
    }))
}

type Parts = (String, u16, SmtpTls, Option<String>, Option<SecretString>);

/// Host, port, TLS mode and credentials of `SMTP_URL`. No error repeats the text: it
/// holds the password.
fn parse_url(text: &str) -> Result<Parts, ConfigError> {
    let url = Url::parse(text).map_err(|e| err(KEY, unparsed_url(e)))?;
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => return Err(err(KEY, Sentence::new("config-url-no-host"))),
    };
    let (mut tls, default_port) = match url.scheme() {
        "smtp" => (SmtpTls::StartTls, 587),
        "smtps" => (SmtpTls::Wrapper, 465),
        _ => return Err(err(KEY, Sentence::new("config-smtp-scheme"))),
    };
    for (name, value) in url.query_pairs() {
        match (name.as_ref(), value.as_ref()) {
            ("tls", "none") if tls == SmtpTls::StartTls => tls = SmtpTls::None,
            ("tls", "none") => return Err(err(KEY, Sentence::new("config-smtps-tls-none"))),
            ("tls", "starttls" | "required") => {}
            _ => {
                let option = format!("{name:?}");
                return Err(err(
                    KEY,
                    Sentence::new("config-smtp-option").text("option", option),
                ));
            }
        }
    }
    if tls == SmtpTls::None && !is_loopback(&host) {
        return Err(err(
            KEY,
            Sentence::new("config-smtp-tls-none-remote").text("host", &host),
        ));
    }
    let decode =
        |s: &str| percent_decode(s).ok_or_else(|| err(KEY, Sentence::new("config-smtp-not-utf8")));
    let user = match url.username() {
        "" => None,
        name => Some(decode(name)?),
    };
    let password = url
        .password()
        .map(decode)
        .transpose()?
        .map(SecretString::from);
    if password.is_some() && user.is_none() {
        return Err(err(KEY, Sentence::new("config-smtp-password-no-user")));
    }
    Ok((
        host,
        url.port().unwrap_or(default_port),
        tls,
        user,
        password,
    ))
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A plain sanity check (one `@`, no spaces or control characters, no header
/// injection); the destination parses it as a mailbox.
fn check_address(key: &'static str, text: &str) -> Result<(), ConfigError> {
    let bad = text.chars().any(|c| c.is_control()) || !text.contains('@') || text.len() > 320;
    if bad {
        let value = format!("{text:?}");
        return Err(err(
            key,
            Sentence::new("config-not-an-address-mail").text("value", value),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<Email>, ConfigError> {
        let get = |k: &str| {
            vars.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        };
        from_vars(&get)
    }

    const ADDRESSES: [(&str, &str); 2] = [
        ("ALERT_EMAIL_FROM", "spacewarden <bot@example.com>"),
        ("ALERT_EMAIL_TO", "a@example.com, b@example.com"),
    ];

    fn with(url: &str) -> Result<Option<Email>, ConfigError> {
        let mut vars = ADDRESSES.to_vec();
        vars.push(("SMTP_URL", url));
        read(&vars)
    }

    #[test]
    fn smtp_is_starttls_on_587_and_smtps_is_tls_on_465() {
        let e = with("smtp://me%40x.org:p%3Ass@mail.example.com")
            .unwrap()
            .unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.tls),
            ("mail.example.com", 587, SmtpTls::StartTls)
        );
        assert_eq!(e.user.as_deref(), Some("me@x.org"));
        assert_eq!(e.password.unwrap().expose_secret(), "p:ss");
        assert_eq!(e.to, ["a@example.com", "b@example.com"]);
        let e = with("smtps://mail.example.com").unwrap().unwrap();
        assert_eq!((e.port, e.tls), (465, SmtpTls::Wrapper));
        assert!(e.user.is_none());
    }

    #[test]
    fn plain_text_is_for_loopback_only_and_errors_hide_the_password() {
        let e = with("smtp://127.0.0.1:2525?tls=none").unwrap().unwrap();
        assert_eq!((e.port, e.tls), (2525, SmtpTls::None));
        assert_eq!(
            with("smtp://[::1]:25?tls=none").unwrap().unwrap().tls,
            SmtpTls::None
        );
        for bad in [
            "smtp://u:s3cr3t@mail.example.com?tls=none",
            "smtps://u:s3cr3t@127.0.0.1?tls=none",
            "http://u:s3cr3t@mail.example.com",
            "smtp://u:s3cr3t@mail.example.com?auth=plain",
        ] {
            let e = with(bad).unwrap_err();
            assert_eq!(e.key, "SMTP_URL", "{bad}");
            assert!(!format!("{e} {e:?}").contains("s3cr3t"), "{bad}: {e}");
        }
        let e = with("smtp://u:s3cr3t@mail.example.com").unwrap().unwrap();
        assert!(!format!("{e:?}").contains("s3cr3t"));
    }

    #[test]
    fn addresses_are_needed_and_checked() {
        assert_eq!(
            read(&[("SMTP_URL", "smtps://m.example.com")])
                .unwrap_err()
                .key,
            "ALERT_EMAIL_FROM"
        );
        let e = read(&[
            ("SMTP_URL", "smtps://m.example.com"),
            ("ALERT_EMAIL_FROM", "bot@example.com"),
            ("ALERT_EMAIL_TO", "a@example.com\r\nBcc: x@evil.example"),
        ]);
        assert_eq!(e.unwrap_err().key, "ALERT_EMAIL_TO");
        assert_eq!(
            read(&[("ALERT_EMAIL_TO", "a@example.com")])
                .unwrap_err()
                .key,
            "ALERT_EMAIL_TO"
        );
        assert!(read(&[]).unwrap().is_none());
    }
}
