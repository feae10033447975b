//! `NTFY_URL`: a push through ntfy (`https://ntfy.sh/<topic>` or a self-hosted server),
//! with `NTFY_TOKEN` as `Authorization: Bearer` when the topic is protected. Facts and
//! sources: docs/reference/alert-channels.md.
//!
//! Published as JSON to the server's root (the topic in the body), because headers must
//! be ASCII and a title may be Chinese. Priority 4 (high) for an urgent alert, 3 (the
//! default) otherwise; a tap opens the Space's page. Success is the HTTP status: a 429
//! (`42901`, the visitor's request bucket) and a 5xx are retried, a 401/403 dropped.
//! The topic is the password of a public topic: it is a secret like a token.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use url::Url;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::{Ntfy, SecretUrl};
use crate::config::{Config, Locale};

const SERVICE: &str = "ntfy";
const TITLE_CHARS: usize = 100;
/// "Each message can be up to 4,096 bytes long. Longer messages are treated as
/// attachments."
const MAX_BYTES: usize = 4096;

pub struct NtfyNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    token: Option<SecretString>,
    hub: Url,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The ntfy destination when `NTFY_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(Ntfy { url, token }) = config.channels.ntfy.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "NTFY_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(NtfyNotifier {
        http,
        url,
        token,
        hub: config.hf_endpoint.clone(),
        locale: config.locale,
    })))
}

impl NtfyNotifier {
    fn body(&self, alert: &Alert) -> Value {
        let urgent = alert.is_urgent();
        let mut body = json!({
            "topic": self.url.last_segment().unwrap_or_default(),
            "title": render::title_in(alert, self.locale, TITLE_CHARS),
            "message": render::cut_bytes(&render::text_in(alert, self.locale), MAX_BYTES),
            "priority": if urgent { 4 } else { 3 },
            "tags": [if urgent { "rotating_light" } else { "white_check_mark" }],
        });
        if let Some(page) = robot::space_page(&self.hub, alert) {
            body["click"] = json!(page);
        }
        body
    }
}

#[async_trait]
impl Notifier for NtfyNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut request = self.http.post(self.url.parent());
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose_secret());
        }
        // Any 2xx with the published message is a delivery; errors were read from the
        // status already.
        robot::send_json(request, SERVICE, &self.body(alert))
            .await
            .map(|_| ())
    }
}
