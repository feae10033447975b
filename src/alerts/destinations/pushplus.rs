//! `PUSHPLUS_TOKEN`: a phone push through PushPlus (推送加), `template: markdown`, to
//! `PUSHPLUS_URL` (default `https://www.pushplus.plus/send`). The token travels in the
//! body, never in the URL. Facts and sources: docs/reference/alert-channels.md.
//!
//! The answer is HTTP 200 either way; its `code` decides: 200 is accepted; 500 (系统异常,
//! "try again later") is retried; every other code (401 unauthorized, 403 IP not
//! allowed, 600 bad data, 888 out of credit, 900 account restricted, 999 …) is
//! permanent for this alert.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use url::Url;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::PushPlus;
use crate::config::{Config, Locale};

const SERVICE: &str = "pushplus";
/// "消息标题，最大长度100".
const TITLE_CHARS: usize = 100;
const MAX_BYTES: usize = 16_000;

pub struct PushPlusNotifier {
    http: reqwest::Client,
    url: Url,
    token: SecretString,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The PushPlus destination when `PUSHPLUS_TOKEN` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(PushPlus { token, url }) = config.channels.pushplus.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "PUSHPLUS_TOKEN",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(PushPlusNotifier {
        http,
        url,
        token,
        locale: config.locale,
    })))
}

impl PushPlusNotifier {
    fn judge(&self, answer: &Value) -> Result<(), DeliveryError> {
        let code = robot::code(answer, "code");
        let reason = || {
            robot::said(
                SERVICE,
                code,
                answer.get("msg"),
                &[self.token.expose_secret()],
            )
        };
        match code {
            Some(200) => Ok(()),
            Some(500) => Err(DeliveryError::Retry {
                after: None,
                reason: reason(),
            }),
            _ => Err(DeliveryError::Permanent(reason())),
        }
    }
}

#[async_trait]
impl Notifier for PushPlusNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let body = json!({
            "token": self.token.expose_secret(),
            "title": render::title_in(alert, self.locale, TITLE_CHARS),
            "content": render::cut_bytes(&render::markdown_in(alert, self.locale), MAX_BYTES),
            "template": "markdown",
        });
        let answer = robot::post_json(&self.http, SERVICE, self.url.clone(), &body).await?;
        self.judge(&answer)
    }
}
