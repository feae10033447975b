//! `SLACK_WEBHOOK_URL`: an incoming webhook into one Slack channel
//! (`https://hooks.slack.com/services/T…/B…/…`; the path is the credential). Facts and
//! sources: docs/reference/alert-channels.md.
//!
//! The body is `text` (the notification's and the fallback's) plus `blocks` (one
//! `mrkdwn` section the channel shows). Every piece of outside text is escaped as Slack
//! requires (`&`, `<`, `>`), so a Hub message saying `<!channel>` or `<https://x|y>`
//! neither pings nor links, and `@everyone`/`@here` are defused ([`slack_safe`]).
//!
//! Success is HTTP 200 with the body `ok`. A 429 carries `Retry-After` (seconds), which
//! the retry honours; a 5xx (`rollup_error`) is retried too. The documented 4xx error
//! bodies (`invalid_payload`, `no_text`, `user_not_found`, `channel_not_found`,
//! `channel_is_archived`, `action_prohibited`, `no_service`, `no_active_hooks`, …) will
//! not change on a retry: permanent for that alert, logged with the code.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::clock::{Clock, SystemClock};
use crate::config::channels::SecretUrl;
use crate::config::{Config, Locale};
use crate::domain::text::{clean_line, slack_safe};

const SERVICE: &str = "slack";
/// A section block's text "maximum length for this field is 3000 characters".
const SECTION_CHARS: usize = 3000;
/// Slack truncates a message's `text` past 40,000 characters; the fallback stays short.
const TEXT_CHARS: usize = 4000;
/// Longest piece of Slack's error body kept in a log line.
const CODE_CHARS: usize = 60;

pub struct SlackNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The Slack destination when `SLACK_WEBHOOK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(url) = config.channels.slack.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "SLACK_WEBHOOK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(SlackNotifier {
        http,
        url,
        locale: config.locale,
    })))
}

/// The webhook body for `alert`.
pub(super) fn body(alert: &Alert, locale: Locale) -> Value {
    let text = render::text_in(alert, locale);
    json!({
        "text": escaped_within(&text, TEXT_CHARS),
        "blocks": [{
            "type": "section",
            "text": { "type": "mrkdwn", "text": escaped_within(&text, SECTION_CHARS) },
        }],
    })
}

/// `text` escaped for Slack and cut to at most `max` characters, never inside an
/// entity (`&amp;` cut to `&am` would show as typed).
fn escaped_within(text: &str, max: usize) -> String {
    let escaped = slack_safe(text);
    if escaped.chars().count() <= max {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(max.saturating_sub(1)).collect();
    if let Some(amp) = cut.rfind('&')
        && !cut[amp..].contains(';')
    {
        cut.truncate(amp);
    }
    cut.push('…');
    cut
}

/// What Slack's answer means for this alert.
fn judge(status: StatusCode, retry_after: Option<&str>, body: &str) -> Result<(), DeliveryError> {
    let said: String = clean_line(body.trim()).chars().take(CODE_CHARS).collect();
    if status == StatusCode::OK && said == "ok" {
        return Ok(());
    }
    let reason = format!("{SERVICE} answered HTTP {}: {said}", status.as_u16());
    if status.is_success() {
        // A 200 that is not `ok` (a proxy's page): Slack did not say it posted it.
        return Err(DeliveryError::Retry {
            after: None,
            reason,
        });
    }
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        let after = retry_after.and_then(|v| crate::retry_after::parse(v, SystemClock.now()));
        return Err(DeliveryError::Retry { after, reason });
    }
    Err(DeliveryError::Permanent(reason))
}

#[async_trait]
impl Notifier for SlackNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let response = self
            .http
            .post(self.url.expose().clone())
            .json(&body(alert, self.locale))
            .send()
            .await
            // reqwest's error names the URL, which is the credential: only its kind.
            .map_err(|e| DeliveryError::Retry {
                after: None,
                reason: if e.is_timeout() {
                    format!("{SERVICE} timed out")
                } else {
                    format!("{SERVICE} unreachable")
                },
            })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap_or_default();
        judge(status, retry_after.as_deref(), &text)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn ok_is_delivered_429_waits_and_the_documented_errors_are_permanent() {
        assert!(judge(StatusCode::OK, None, "ok").is_ok());
        assert!(matches!(
            judge(StatusCode::OK, None, "<html>proxy</html>"),
            Err(DeliveryError::Retry { after: None, .. })
        ));
        assert_eq!(
            judge(StatusCode::TOO_MANY_REQUESTS, Some("30"), "rate_limited"),
            Err(DeliveryError::Retry {
                after: Some(Duration::from_secs(30)),
                reason: "slack answered HTTP 429: rate_limited".into()
            })
        );
        assert!(matches!(
            judge(StatusCode::INTERNAL_SERVER_ERROR, None, "rollup_error"),
            Err(DeliveryError::Retry { .. })
        ));
        for (status, code) in [
            (400, "invalid_payload"),
            (400, "no_text"),
            (403, "action_prohibited"),
            (404, "channel_not_found"),
            (404, "no_service"),
            (410, "channel_is_archived"),
        ] {
            assert_eq!(
                judge(StatusCode::from_u16(status).unwrap(), None, code),
                Err(DeliveryError::Permanent(format!(
                    "slack answered HTTP {status}: {code}"
                ))),
            );
        }
    }

    #[test]
    fn long_text_is_cut_outside_an_entity() {
        let text = format!("{}&", "a".repeat(2997));
        let cut = escaped_within(&text, SECTION_CHARS);
        assert!(cut.ends_with("a…"), "{cut}");
        assert!(cut.chars().count() <= SECTION_CHARS);
        assert_eq!(
            escaped_within("<!here> & @channel", 100),
            "&lt;!here&gt; &amp; @\u{200B}channel"
        );
    }
}
