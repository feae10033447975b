//! `BARK_URL`: an iPhone push through Bark (`https://api.day.app/<device key>`, the URL
//! the app shows, or a self-hosted bark-server). Facts and sources:
//! docs/reference/alert-channels.md.
//!
//! The URL's last segment is the device key; it goes in the JSON body of a
//! `POST <server>/push` (bark-server's API V2), never in a request URL. The body is
//! plain text (Bark shows no Markdown), grouped under `spacewarden`, and a tap opens the
//! Space's page. bark-server answers `{code, message, timestamp}` with the HTTP status
//! equal to `code`: 200 is delivered, a 5xx retried, a 400 (unknown device key) dropped.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};
use url::Url;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::SecretUrl;
use crate::config::{Config, Locale};

const SERVICE: &str = "bark";
const TITLE_CHARS: usize = 100;
/// APNs takes 4 KB per notification in all; the body stays well inside it.
const MAX_BYTES: usize = 3_000;

pub struct BarkNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    hub: Url,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The Bark destination when `BARK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(url) = config.channels.bark.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "BARK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(BarkNotifier {
        http,
        url,
        hub: config.hf_endpoint.clone(),
        locale: config.locale,
    })))
}

impl BarkNotifier {
    fn body(&self, alert: &Alert) -> Value {
        let mut body = json!({
            "device_key": self.url.last_segment().unwrap_or_default(),
            "title": render::title_in(alert, self.locale, TITLE_CHARS),
            "body": render::cut_bytes(&render::text_in(alert, self.locale), MAX_BYTES),
            "group": "spacewarden",
            // A down alert may show through a Focus mode; a recovery need not.
            "level": if alert.is_urgent() { "timeSensitive" } else { "active" },
        });
        if let Some(page) = robot::space_page(&self.hub, alert) {
            body["url"] = json!(page);
        }
        body
    }
}

#[async_trait]
impl Notifier for BarkNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut push = self.url.parent();
        if let Ok(mut segments) = push.path_segments_mut() {
            segments.pop_if_empty().push("push");
        }
        let answer = robot::post_json(&self.http, SERVICE, push, &self.body(alert)).await?;
        let code = robot::code(&answer, "code");
        match code {
            Some(200) => Ok(()),
            _ => Err(DeliveryError::Permanent(robot::said(
                SERVICE,
                code,
                answer.get("message"),
                &[&self.url.last_segment().unwrap_or_default()],
            ))),
        }
    }
}
