//! `WECOM_WEBHOOK_URL`: a WeCom (企业微信) group robot ("群机器人"), sent a `markdown`
//! message. Facts and sources: docs/reference/alert-channels.md.
//!
//! The content is at most 4,096 bytes of UTF-8: a longer alert is cut on a character
//! boundary. The answer's `errcode` decides: 0 is delivered; 45009 (over the robot's
//! 20 a minute) waits a minute and retries; -1 (busy) is retried; every other code
//! (93000: the webhook URL is not valid) is permanent for this alert.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::{SetupError, robot};
use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::channels::SecretUrl;
use crate::config::{Config, Locale};

const SERVICE: &str = "wecom";
/// "markdown内容，最长不超过4096个字节，必须是utf8编码".
pub const MAX_BYTES: usize = 4096;
/// The limit is per minute: a minute later the window has passed.
const THROTTLED_FOR: Duration = Duration::from_secs(60);

pub struct WeComNotifier {
    http: reqwest::Client,
    url: SecretUrl,
    /// The language and zone its alerts are written in (`config.locale`).
    locale: Locale,
}

/// The WeCom destination when `WECOM_WEBHOOK_URL` is set.
pub(super) fn from_config(config: &Config) -> Result<Option<Arc<dyn Notifier>>, SetupError> {
    let Some(url) = config.channels.wecom.clone() else {
        return Ok(None);
    };
    let http = robot::client().map_err(|e| SetupError {
        variable: "WECOM_WEBHOOK_URL",
        reason: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(Some(Arc::new(WeComNotifier {
        http,
        url,
        locale: config.locale,
    })))
}

/// The request body: the alert's Markdown, cut to the robot's byte limit.
pub fn body(alert: &Alert, locale: Locale) -> Value {
    json!({
        "msgtype": "markdown",
        "markdown": { "content": render::cut_bytes(&render::markdown_in(alert, locale), MAX_BYTES) },
    })
}

impl WeComNotifier {
    fn judge(&self, answer: &Value) -> Result<(), DeliveryError> {
        let code = robot::code(answer, "errcode");
        let key = self
            .url
            .expose()
            .query_pairs()
            .find(|(k, _)| k == "key")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let reason = || robot::said(SERVICE, code, answer.get("errmsg"), &[&key]);
        robot::judge_code(code, (45009, THROTTLED_FOR), Some(-1), reason)
    }
}

#[async_trait]
impl Notifier for WeComNotifier {
    fn destinations(&self) -> Vec<String> {
        vec![SERVICE.into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let answer = robot::post_json(
            &self.http,
            SERVICE,
            self.url.expose().clone(),
            &body(alert, self.locale),
        )
        .await?;
        self.judge(&answer)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::alerts::{AlertEvent, EventKind};
    use crate::domain::{SpaceId, Verdict};

    #[test]
    fn a_long_alert_fits_in_4096_bytes() {
        let events = (0..200)
            .map(|i| {
                let mut event = AlertEvent::new(
                    SpaceId::parse(&format!("alice/app-{i}")).unwrap(),
                    EventKind::Down,
                    Verdict::Down,
                );
                event.error = Some("服务启动失败：退出码 1".repeat(5));
                event
            })
            .collect();
        let body = body(&Alert::of(Utc::now(), events), Locale::default());
        let content = body["markdown"]["content"].as_str().unwrap();
        assert!(content.len() <= MAX_BYTES, "{}", content.len());
        assert!(content.ends_with('…'));
    }

    #[test]
    fn codes_decide_retry_or_drop() {
        let notifier = WeComNotifier {
            locale: Locale::default(),
            http: robot::client().unwrap(),
            url: crate::config::channels::Channels::from_vars(|k| {
                (k == "WECOM_WEBHOOK_URL")
                    .then(|| "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y".into())
            })
            .unwrap()
            .wecom
            .unwrap(),
        };
        assert_eq!(
            notifier.judge(&json!({"errcode": 0, "errmsg": "ok"})),
            Ok(())
        );
        assert!(matches!(
            notifier.judge(&json!({"errcode": 45009, "errmsg": "api freq out of limit"})),
            Err(DeliveryError::Retry { after: Some(_), .. })
        ));
        assert_eq!(
            notifier.judge(&json!({"errcode": 93000, "errmsg": "invalid webhook url k3y"})),
            Err(DeliveryError::Permanent(
                "wecom said 93000: invalid webhook url [redacted]".into()
            ))
        );
    }
}
