//! `SERVERCHAN_SENDKEY` (or `SERVERCHAN_URL`): a phone push through Server酱 (Turbo's
//! `SCT…` keys or Server酱³'s `sctp<uid>t…` keys; `config::channels` derives the URL).
//! Facts and sources: docs/reference/alert-channels.md.
//!
//! The body is JSON `title` and `desp` (Markdown). The answer's `code` decides: 0 is
//! delivered; any other code is permanent for this alert (the documentation names no
//! retryable code); an HTTP 5xx, 429 or a transport error is retried.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::SecretUrl;
use crate::config::{Config, Locale};

const SERVICE: &str = "serverchan";
/// The push's title is short on a phone; longer text goes in `desp`.
const TITLE_CHARS: usize = 32;
const MAX_BYTES: usize = 16_000;

pub struct ServerChanNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The ServerChan destination when `SERVERCHAN_SENDKEY` or `SERVERCHAN_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(url) = config.channels.serverchan.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "SERVERCHAN_SENDKEY",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(ServerChanNotifier {
        http,
        url,
        locale: config.locale,
    })))
}

impl ServerChanNotifier {
    fn judge(&self, answer: &Value) -> Result<(), DeliveryError> {
        let code = robot::code(answer, "code");
        // The SendKey is the URL's last segment (`<key>.send`).
        let key = self
            .url
            .expose()
            .path_segments()
            .and_then(|mut s| s.next_back())
            .map(|s| s.trim_end_matches(".send").to_owned())
            .unwrap_or_default();
        match code {
            Some(0) => Ok(()),
            _ => Err(DeliveryError::Permanent(robot::said(
                SERVICE,
                code,
                answer.get("message"),
                &[&key],
            ))),
        }
    }
}

#[async_trait]
impl Notifier for ServerChanNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let body = json!({
            "title": render::title_in(alert, self.locale, TITLE_CHARS),
            "desp": render::cut_bytes(&render::markdown_in(alert, self.locale), MAX_BYTES),
        });
        let answer =
            robot::post_json(&self.http, SERVICE, self.url.expose().clone(), &body).await?;
        self.judge(&answer)
    }
}
