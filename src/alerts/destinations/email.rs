//! `SMTP_URL` (+ `ALERT_EMAIL_FROM`, `ALERT_EMAIL_TO`, optional `SMTP_CA_FILE`): alerts
//! by e-mail through lettre over tokio and rustls. The settings are parsed in
//! `config::channels::email` (spacewarden reads the URL itself, see there).
//!
//! One message per alert to every `ALERT_EMAIL_TO` address, subject
//! `[spacewarden] alice/api is down`, with a plain-text part and an HTML part (the same
//! text, HTML-escaped in a `<pre>`: Hub text can build no tag or link). A connection is
//! opened per alert (no pool): alerts are rare, and a kept connection only goes stale.
//!
//! The server's answer decides: a 4xx reply (greylisting, a full queue) is retried, a
//! 5xx (a refused recipient or sender, failed authentication) is permanent for that
//! alert; a connection, TLS or timeout failure is retried. lettre's errors name no
//! credential, and the password is scrubbed from them all the same.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::SetupError;
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::{Email, SmtpTls};
use crate::config::{Config, Locale};
use crate::domain::text::clean_line;

const SERVICE: &str = "email";
/// Longest a mail server may take over one alert (connect, TLS, auth, data).
const TIMEOUT: Duration = Duration::from_secs(30);
const SUBJECT_CHARS: usize = 120;
const REASON_CHARS: usize = 200;

pub struct EmailNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    /// For scrubbing the server's messages (a server may echo what it was sent).
    password: Option<SecretString>,
    host: String,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The e-mail destination when `SMTP_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(email) = config.channels.email.clone() else {
        return Ok(None);
    };
    let setup = |variable: &'static str, reason: String| SetupError { variable, reason };
    let from: Mailbox = email
        .from
        .parse()
        .map_err(|e| setup("ALERT_EMAIL_FROM", format!("is not a mailbox ({e})")))?;
    let to = email
        .to
        .iter()
        .map(|a| a.parse::<Mailbox>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            setup(
                "ALERT_EMAIL_TO",
                format!("has an address that is not one ({e})"),
            )
        })?;
    let transport = transport(&email)?;
    Ok(Some(Arc::new(EmailNotifier {
        transport,
        from,
        to,
        password: email.password.clone(),
        host: email.host.clone(),
        locale: config.locale,
    })))
}

/// The SMTP transport for `email`: STARTTLS required, implicit TLS, or plain text on
/// loopback; `SMTP_CA_FILE` added to the trusted roots.
fn transport(email: &Email) -> Result<AsyncSmtpTransport<Tokio1Executor>, SetupError> {
    let mut params = TlsParameters::builder(email.host.clone());
    if let Some(path) = &email.ca_file {
        let pem = std::fs::read(path).map_err(|e| SetupError {
            variable: "SMTP_CA_FILE",
            reason: format!("cannot be read ({})", e.kind()),
        })?;
        let cert = Certificate::from_pem(&pem).map_err(|_| SetupError {
            variable: "SMTP_CA_FILE",
            reason: "is not a PEM certificate".into(),
        })?;
        params = params.add_root_certificate(cert);
    }
    let params = params.build_rustls().map_err(|e| SetupError {
        variable: "SMTP_URL",
        reason: format!("cannot set up TLS for {} ({e})", email.host),
    })?;
    let tls = match email.tls {
        SmtpTls::StartTls => Tls::Required(params),
        SmtpTls::Wrapper => Tls::Wrapper(params),
        SmtpTls::None => Tls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(email.host.clone())
        .port(email.port)
        .tls(tls)
        .timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&email.user, &email.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    Ok(builder.build())
}

/// `[spacewarden] alice/api is down`: the alert's title without its leading emoji.
pub(super) fn subject(alert: &Alert, locale: Locale) -> String {
    let title = render::title_in(alert, locale, SUBJECT_CHARS);
    let title = title.trim_start_matches(|c: char| !c.is_alphanumeric());
    format!("[spacewarden] {title}")
}

/// The HTML part: the plain text, escaped, kept as typed in a `<pre>`.
fn html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            c => escaped.push(c),
        }
    }
    format!(
        "<!DOCTYPE html><html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">{escaped}</pre></body></html>"
    )
}

impl EmailNotifier {
    fn message(&self, alert: &Alert) -> Result<Message, DeliveryError> {
        let text = render::text_in(alert, self.locale);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject(alert, self.locale));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        builder
            .multipart(MultiPart::alternative_plain_html(text.clone(), html(&text)))
            .map_err(|e| {
                DeliveryError::Permanent(format!("{SERVICE}: cannot build the message ({e})"))
            })
    }

    /// The lettre error as a decision, its text cleaned, cut and scrubbed.
    fn judge(&self, error: &lettre::transport::smtp::Error) -> DeliveryError {
        let mut said = clean_line(&error.to_string());
        if let Some(password) = &self.password
            && !password.expose_secret().is_empty()
        {
            said = said.replace(password.expose_secret(), "[redacted]");
        }
        let said: String = said.chars().take(REASON_CHARS).collect();
        let reason = format!("{SERVICE} via {}: {said}", self.host);
        if error.is_permanent() {
            DeliveryError::Permanent(reason)
        } else {
            DeliveryError::Retry {
                after: None,
                reason,
            }
        }
    }
}

#[async_trait]
impl Notifier for EmailNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let message = self.message(alert)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| self.judge(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_builds_no_tag() {
        let part = html("<script>alert(1)</script> & \"x\"");
        assert!(part.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!part.contains("<script>"));
    }
}
