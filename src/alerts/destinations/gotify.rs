//! `GOTIFY_URL` and `GOTIFY_TOKEN`: a push through a self-hosted Gotify server,
//! `POST <server>/message` with the application token in `X-Gotify-Key` (never in the
//! URL, where Gotify would also take it). Facts and sources:
//! docs/reference/alert-channels.md.
//!
//! `title`, `message` (Markdown, declared through the `client::display` extra), and
//! `priority` 8 for an urgent alert (clients treat 8–10 as high), 5 otherwise. Success
//! is the HTTP status: a 5xx is retried, a 401 (bad token) or 400 dropped.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use url::Url;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::Gotify;
use crate::config::{Config, Locale};

const SERVICE: &str = "gotify";
const TITLE_CHARS: usize = 100;
const MAX_BYTES: usize = 16_000;

pub struct GotifyNotifier {
    http: reqwest::Client,
    url: Url,
    token: SecretString,
    hub: Url,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The Gotify destination when `GOTIFY_URL` and `GOTIFY_TOKEN` are set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(Gotify { url, token }) = config.channels.gotify.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "GOTIFY_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(GotifyNotifier {
        http,
        url,
        token,
        hub: config.hf_endpoint.clone(),
        locale: config.locale,
    })))
}

impl GotifyNotifier {
    fn body(&self, alert: &Alert) -> Value {
        let mut extras = json!({ "client::display": { "contentType": "text/markdown" } });
        if let Some(page) = robot::space_page(&self.hub, alert) {
            extras["client::notification"] = json!({ "click": { "url": page } });
        }
        json!({
            "title": render::title_in(alert, self.locale, TITLE_CHARS),
            "message": render::cut_bytes(&render::markdown_in(alert, self.locale), MAX_BYTES),
            "priority": if alert.is_urgent() { 8 } else { 5 },
            "extras": extras,
        })
    }
}

#[async_trait]
impl Notifier for GotifyNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut url = self.url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push("message");
        }
        let request = self
            .http
            .post(url)
            .header("X-Gotify-Key", self.token.expose_secret());
        robot::send_json(request, SERVICE, &self.body(alert))
            .await
            .map(|_| ())
    }
}
