//! `DINGTALK_WEBHOOK_URL`: a DingTalk group's custom robot ("自定义机器人"), sent a
//! `markdown` message. Facts and sources: docs/reference/alert-channels.md.
//!
//! With `DINGTALK_SECRET` ("加签") each request carries `timestamp` (ms) and `sign` =
//! URL-encoded base64(HMAC-SHA256(key = secret, message = "timestamp\nsecret")) in its
//! query. With `DINGTALK_KEYWORD` the keyword is put in the message when it is not in
//! it already (a keyword-secured robot drops messages without one).
//!
//! The answer is HTTP 200 either way; its `errcode` decides: 0 is delivered; 130101
//! (more than 20 a minute) throttles the robot for 10 minutes, so the alert waits
//! queued at least that long; -1 (busy) is retried; 310000 (keyword, IP or signature
//! refused) and every other code are permanent for this alert: logged, not retried.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sha2::Sha256;

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::clock::{Clock, SystemClock};
use crate::config::channels::{DingTalk, SecretUrl};
use crate::config::{Config, Locale};

const SERVICE: &str = "dingtalk";
/// "每个机器人每分钟最多发送20条，如果超过20条，会限流10分钟。"
const THROTTLED_FOR: Duration = Duration::from_secs(10 * 60);
/// No limit is documented for a markdown message; 16 KB keeps well under the 20 KB
/// its sister services take.
const MAX_BYTES: usize = 16_000;
/// The title shows in the notification and the chat list.
const TITLE_CHARS: usize = 64;

pub struct DingTalkNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    secret: Option<SecretString>,
    keyword: Option<String>,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The DingTalk destination when `DINGTALK_WEBHOOK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(DingTalk {
        url,
        secret,
        keyword,
    }) = config.channels.dingtalk.clone()
    else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "DINGTALK_WEBHOOK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(DingTalkNotifier {
        http,
        url,
        secret,
        keyword,
        locale: config.locale,
    })))
}

/// The `sign` of a request at `timestamp_ms` (before URL encoding; the query
/// serializer encodes it).
pub fn sign(timestamp_ms: i64, secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl DingTalkNotifier {
    fn body(&self, alert: &Alert) -> serde_json::Value {
        let mut text = render::markdown_in(alert, self.locale);
        let mut title = render::title_in(alert, self.locale, TITLE_CHARS);
        if let Some(keyword) = self.keyword.as_deref().filter(|k| !text.contains(k)) {
            text = format!("{keyword}\n\n{text}");
            title = format!("{keyword} {title}");
        }
        json!({
            "msgtype": "markdown",
            "markdown": { "title": title, "text": render::cut_bytes(&text, MAX_BYTES) },
            // Nobody is @-mentioned: the at list is explicit, never read from the text.
            "at": { "isAtAll": false },
        })
    }

    /// Reads the answer's `errcode`.
    fn judge(&self, answer: &serde_json::Value) -> Result<(), DeliveryError> {
        let code = robot::code(answer, "errcode");
        let token = self
            .url
            .expose()
            .query_pairs()
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let secret = self.secret.as_ref().map(|s| s.expose_secret().to_owned());
        let reason = || {
            robot::said(
                SERVICE,
                code,
                answer.get("errmsg"),
                &[&token, secret.as_deref().unwrap_or("")],
            )
        };
        robot::judge_code(code, (130101, THROTTLED_FOR), Some(-1), reason)
    }
}

#[async_trait]
impl Notifier for DingTalkNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let mut url = self.url.expose().clone();
        if let Some(secret) = &self.secret {
            // Signed at the moment of sending: the robot takes a timestamp within an hour
            // of its own clock, and a retried alert must not reuse an old one.
            let now = SystemClock.now().timestamp_millis();
            url.query_pairs_mut()
                .append_pair("timestamp", &now.to_string())
                .append_pair("sign", &sign(now, secret.expose_secret()));
        }
        let answer = robot::post_json(&self.http, SERVICE, url, &self.body(alert)).await?;
        self.judge(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_documented_python() {
        // Computed with the Python 3.8 snippet of DingTalk's "加签" documentation
        // (docs/reference/alert-channels.md) for this timestamp and secret.
        assert_eq!(
            sign(1_577_262_236_757, "SECthis-is-a-test-secret"),
            "NkacC61mETTYp7O9Zp6aCDO7zbXe/+aoMo91VLOeqog="
        );
        let mut url =
            url::Url::parse("https://oapi.dingtalk.com/robot/send?access_token=t").unwrap();
        url.query_pairs_mut()
            .append_pair("sign", "NkacC61mETTYp7O9Zp6aCDO7zbXe/+aoMo91VLOeqog=");
        // urllib.parse.quote_plus of the same, as the snippet sends it.
        assert!(
            url.as_str()
                .ends_with("sign=NkacC61mETTYp7O9Zp6aCDO7zbXe%2F%2BaoMo91VLOeqog%3D"),
            "{url}"
        );
    }

    #[test]
    fn codes_decide_retry_or_drop() {
        let notifier = DingTalkNotifier {
            locale: Locale::default(),
            http: robot::client().unwrap(),
            url: crate::config::channels::Channels::from_vars(|k| {
                (k == "DINGTALK_WEBHOOK_URL")
                    .then(|| "https://oapi.dingtalk.com/robot/send?access_token=tok".into())
            })
            .unwrap()
            .dingtalk
            .unwrap()
            .url,
            secret: None,
            keyword: None,
        };
        let judge = |answer| notifier.judge(&answer);
        assert_eq!(judge(json!({"errcode": 0, "errmsg": "ok"})), Ok(()));
        assert!(matches!(
            judge(json!({"errcode": 130101, "errmsg": "send too fast"})),
            Err(DeliveryError::Retry { after: Some(d), .. }) if d >= Duration::from_secs(600)
        ));
        assert_eq!(
            judge(json!({"errcode": 310000, "errmsg": "sign not match"})),
            Err(DeliveryError::Permanent(
                "dingtalk said 310000: sign not match".into()
            ))
        );
        assert!(matches!(
            judge(json!({"errmsg": "?"})),
            Err(DeliveryError::Permanent(_))
        ));
    }
}
