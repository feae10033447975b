//! `ALERT_WEBHOOK_URL`: every alert POSTed as JSON. reqwest is imported here (the
//! folder's rule, see `mod.rs`), out of the alerts core. 2xx is delivered; 408, 429 and 5xx
//! are retried (honouring `Retry-After`); any other 4xx is permanent for that alert
//! (the receiver rejects it and will keep rejecting it).
//!
//! `text` is Slack-compatible (Slack, Mattermost and Rocket.Chat incoming webhooks read
//! it as their message): `&`, `<`, `>` escaped as Slack requires and mass mentions
//! defused, so a Hub error message saying `<!channel>` or `@everyone` pings nobody.
//! `events` carry the same facts as data (control characters already cleaned).
//! `text` is in `config.locale` (`SPACEWARDEN_LANG`, else the POSIX locale); every
//! other field is the same in every language.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Serialize;
use url::Url;

use super::SetupError;
use crate::alerts::{Alert, AlertEvent, DeliveryError, Notice, Notifier, PlatformEvent, render};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Locale};
use crate::domain::text::slack_safe;

pub struct WebhookNotifier {
    http: reqwest::Client,
    url: Url,
    /// The language and zone of `text` (`config.locale`); the machine fields are
    /// the same in every language.
    locale: Locale,
}

/// The webhook body. `text` is ready to show; `events` are for machines.
#[derive(Serialize)]
struct Body<'a> {
    source: &'static str,
    at: String,
    urgent: bool,
    text: String,
    events: &'a [AlertEvent],
    /// What spacewarden says about itself (its checks stalled, its store fails).
    #[serde(skip_serializing_if = "<[Notice]>::is_empty")]
    notices: &'a [Notice],
    /// Many Spaces failing alike (a platform incident) starting or ending.
    #[serde(skip_serializing_if = "<[PlatformEvent]>::is_empty")]
    platform: &'a [PlatformEvent],
}

impl WebhookNotifier {
    pub fn new(url: Url, locale: Locale) -> Result<WebhookNotifier, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("spacewarden/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(WebhookNotifier { http, url, locale })
    }
}

/// The webhook destination when `ALERT_WEBHOOK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(url) = &config.alert_webhook_url else {
        return Ok(None);
    };
    let webhook = WebhookNotifier::new(url.clone(), config.locale).map_err(|e| SetupError {
        variable: "ALERT_WEBHOOK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(webhook)))
}

#[async_trait]
impl Notifier for WebhookNotifier {
    fn destinations(&self) -> Vec<String> {
        vec!["webhook".into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let body = Body {
            source: "spacewarden",
            at: alert.at.to_rfc3339(),
            urgent: alert.is_urgent(),
            text: slack_safe(&render::text_in(alert, self.locale)),
            events: &alert.events,
            notices: &alert.notices,
            platform: &alert.platform,
        };
        let response = self
            .http
            .post(self.url.clone())
            .json(&body)
            .send()
            .await
            .map_err(|e| DeliveryError::Retry {
                after: None,
                reason: if e.is_timeout() {
                    "webhook timed out".into()
                } else {
                    "webhook unreachable".into()
                },
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            // Edge: a `Retry-After` date is the receiver's wall clock, measured from
            // the real time.
            .and_then(|v| crate::retry_after::parse(v, SystemClock.now()));
        if status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
        {
            return Err(DeliveryError::Retry {
                after: retry_after,
                reason: format!("webhook answered HTTP {}", status.as_u16()),
            });
        }
        Err(DeliveryError::Permanent(format!(
            "webhook answered HTTP {}",
            status.as_u16()
        )))
    }
}
