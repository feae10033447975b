//! `FEISHU_WEBHOOK_URL`: a Feishu or Lark group's custom bot ("自定义机器人"), sent an
//! `interactive` card whose body is `lark_md`. Facts and sources:
//! docs/reference/alert-channels.md.
//!
//! With `FEISHU_SECRET` ("签名校验") the body carries `timestamp` (seconds, a string)
//! and `sign` = base64(HMAC-SHA256(key = "timestamp\nsecret", message = empty)): the
//! key and the message are the other way round from DingTalk's.
//!
//! The answer's `code` decides: 0 is delivered; 11232 (the bot's 100 a minute, 5 a
//! second) waits a minute and retries; an HTTP 429 waits what
//! `x-ogw-ratelimit-reset` says (read in `robot.rs`); 19021 (bad signature or a timestamp out of the hour),
//! 19022 (IP), 19024 (keyword), 9499 (bad request) and every other code are permanent
//! for this alert: logged, not retried.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2::Sha256;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::clock::{Clock, SystemClock};
use crate::config::channels::{Feishu, SecretUrl};
use crate::config::{Config, Locale};

const SERVICE: &str = "feishu";
/// The bot's limit is per minute: a minute later the window has passed.
const THROTTLED_FOR: Duration = Duration::from_secs(60);
/// "请求体的数据大小不能超过 20 KB": the card's text stays well under it.
const MAX_BYTES: usize = 16_000;
const TITLE_CHARS: usize = 100;

pub struct FeishuNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    secret: Option<SecretString>,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The Feishu/Lark destination when `FEISHU_WEBHOOK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(Feishu { url, secret }) = config.channels.feishu.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "FEISHU_WEBHOOK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(FeishuNotifier {
        http,
        url,
        secret,
        locale: config.locale,
    })))
}

/// The `sign` of a request at `timestamp_secs`.
pub fn sign(timestamp_secs: i64, secret: &str) -> String {
    let key = format!("{timestamp_secs}\n{secret}");
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any size");
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The card: a coloured header with the title, the alert as `lark_md`.
fn card(alert: &Alert, locale: Locale) -> Value {
    let colour = if alert.is_urgent() { "red" } else { "green" };
    json!({
        "header": {
            "title": { "tag": "plain_text", "content": render::title_in(alert, locale, TITLE_CHARS) },
            "template": colour,
        },
        "elements": [{
            "tag": "div",
            "text": { "tag": "lark_md", "content": render::cut_bytes(&render::markdown_in(alert, locale), MAX_BYTES) },
        }],
    })
}

impl FeishuNotifier {
    fn judge(&self, answer: &Value) -> Result<(), DeliveryError> {
        // Older answers carry `StatusCode` instead of `code`.
        let code = robot::code(answer, "code").or_else(|| robot::code(answer, "StatusCode"));
        let hook = self
            .url
            .expose()
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or_default()
            .to_owned();
        let secret = self.secret.as_ref().map(|s| s.expose_secret().to_owned());
        let message = answer.get("msg").or_else(|| answer.get("StatusMessage"));
        let reason = || {
            robot::said(
                SERVICE,
                code,
                message,
                &[&hook, secret.as_deref().unwrap_or("")],
            )
        };
        robot::judge_code(code, (11232, THROTTLED_FOR), None, reason)
    }
}

#[async_trait]
impl Notifier for FeishuNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut body = json!({ "msg_type": "interactive", "card": card(alert, self.locale) });
        if let Some(secret) = &self.secret {
            // Signed when sent: the bot takes a timestamp within an hour of its clock.
            let now = SystemClock.now().timestamp();
            body["timestamp"] = json!(now.to_string());
            body["sign"] = json!(sign(now, secret.expose_secret()));
        }
        let answer =
            robot::post_json(&self.http, SERVICE, self.url.expose().clone(), &body).await?;
        self.judge(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_documented_python() {
        // The Python of Feishu's "签名校验" section (hmac.new(string_to_sign.encode(),
        // digestmod=sha256) over no message) for this timestamp and secret.
        assert_eq!(
            sign(1_599_360_473, "feishu-test-secret"),
            "7Gq8ROqhtzskcbk2fAPXpWnrRaTUDD2iIHvbmt3/cuo="
        );
    }

    #[test]
    fn codes_decide_retry_or_drop() {
        let notifier = FeishuNotifier {
            locale: Locale::default(),
            http: robot::client().unwrap(),
            url: crate::config::channels::Channels::from_vars(|k| {
                (k == "FEISHU_WEBHOOK_URL")
                    .then(|| "https://open.feishu.cn/open-apis/bot/v2/hook/h00k".into())
            })
            .unwrap()
            .feishu
            .unwrap()
            .url,
            secret: None,
        };
        assert_eq!(
            notifier.judge(&json!({"code": 0, "msg": "success"})),
            Ok(())
        );
        assert_eq!(notifier.judge(&json!({"StatusCode": 0})), Ok(()));
        assert!(matches!(
            notifier.judge(&json!({"code": 11232, "msg": "frequency limited"})),
            Err(DeliveryError::Retry { after: Some(_), .. })
        ));
        assert_eq!(
            notifier.judge(&json!({"code": 19021, "msg": "sign match fail for h00k"})),
            Err(DeliveryError::Permanent(
                "feishu said 19021: sign match fail for [redacted]".into()
            ))
        );
    }
}
