//! What the chat robots and phone pushes (DingTalk, Feishu/Lark, WeCom, ServerChan,
//! PushPlus, Bark, ntfy, Gotify) share: one way to POST JSON and get the answer's body back, and the reading
//! of what is the same for all of them (a transport error, an HTTP status). What each
//! service's *body* means (its own success and error codes) stays in its own file.
//!
//! Every one of these URLs carries the credential, so nothing here prints a URL:
//! reqwest's errors name the URL they failed on, which is why only their kind is kept,
//! and a service's own error message is scrubbed of the secrets before it is logged.

use std::time::Duration;

use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::alerts::DeliveryError;
use crate::clock::{Clock, SystemClock};
use crate::domain::text::clean_line;

/// Longest a service may take to answer one alert.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Longest of a service's error message kept in a log line or an outbox row.
const MESSAGE_CHARS: usize = 200;

/// The HTTP client of one destination.
pub(super) fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(concat!("spacewarden/", env!("CARGO_PKG_VERSION")))
        .timeout(TIMEOUT)
        .build()
}

/// POSTs `body` as JSON to `url` and returns the answer's JSON body when the HTTP
/// status is 2xx. A transport error, a 408, 429 or 5xx is retried (with `Retry-After`
/// when the service sent one); another status is permanent. A 2xx whose body is not
/// JSON (a proxy's page) is retried: the service did not say it took the alert.
pub(super) async fn post_json(
    http: &reqwest::Client,
    service: &str,
    url: Url,
    body: &impl Serialize,
) -> Result<Value, DeliveryError> {
    send_json(http.post(url), service, body).await
}

/// [`post_json`] for a request that carries more (a credential header).
pub(super) async fn send_json(
    request: reqwest::RequestBuilder,
    service: &str,
    body: &impl Serialize,
) -> Result<Value, DeliveryError> {
    let response = request
        .json(body)
        .send()
        .await
        .map_err(|e| DeliveryError::Retry {
            after: None,
            reason: if e.is_timeout() {
                format!("{service} timed out")
            } else {
                format!("{service} unreachable")
            },
        })?;
    let status = response.status();
    if !status.is_success() {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let after = header("retry-after")
            // A `Retry-After` date is the service's wall clock, measured from real time.
            .and_then(|v| crate::retry_after::parse(&v, SystemClock.now()))
            // Feishu's open platform says it in seconds under its own name.
            .or_else(|| {
                header("x-ogw-ratelimit-reset")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs)
            });
        let reason = format!("{service} answered HTTP {}", status.as_u16());
        return Err(if retryable(status) {
            DeliveryError::Retry { after, reason }
        } else {
            DeliveryError::Permanent(reason)
        });
    }
    response.json().await.map_err(|_| DeliveryError::Retry {
        after: None,
        reason: format!("{service} answered HTTP {} without JSON", status.as_u16()),
    })
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// A number field of the answer (`errcode`, `code`), when present.
/// How a robot that answers in its body (DingTalk, WeCom, Feishu) reads its code: `0`
/// is delivered; `throttled`, the service's rate-limit code, is retried after `wait`
/// with the row kept queued; `busy`, a code the service documents as "try again", is
/// retried at the usual backoff; any other code is permanent: logged, not retried.
pub(super) fn judge_code(
    code: Option<i64>,
    (throttled, wait): (i64, Duration),
    busy: Option<i64>,
    reason: impl Fn() -> String,
) -> Result<(), DeliveryError> {
    match code {
        Some(0) => Ok(()),
        Some(c) if c == throttled => Err(DeliveryError::Retry {
            after: Some(wait),
            reason: reason(),
        }),
        Some(c) if Some(c) == busy => Err(DeliveryError::Retry {
            after: None,
            reason: reason(),
        }),
        _ => Err(DeliveryError::Permanent(reason())),
    }
}

pub(super) fn code(answer: &Value, field: &str) -> Option<i64> {
    answer.get(field).and_then(Value::as_i64)
}

/// `"{service} said {code}: {message}"`, the message cleaned, cut and with every
/// `secret` in it replaced: a service may echo what it was sent.
pub(super) fn said(
    service: &str,
    code: Option<i64>,
    message: Option<&Value>,
    secrets: &[&str],
) -> String {
    let mut message = message
        .and_then(Value::as_str)
        .map(clean_line)
        .unwrap_or_default();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        message = message.replace(secret, "[redacted]");
    }
    let message: String = message.chars().take(MESSAGE_CHARS).collect();
    match code {
        Some(code) => format!("{service} said {code}: {message}"),
        None => format!("{service} answered without a code: {message}"),
    }
}

/// The Hub page of the alert's first Space, for a push's tap-through link.
pub(super) fn space_page(hub: &Url, alert: &crate::alerts::Alert) -> Option<String> {
    let space = alert.spaces().into_iter().next()?;
    Some(format!(
        "{}/spaces/{space}",
        hub.as_str().trim_end_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_service_message_is_cleaned_and_scrubbed() {
        let answer = json!({"errcode": 310000, "errmsg": "sign not match, token=tok3n\x1b[2J"});
        assert_eq!(
            said(
                "dingtalk",
                code(&answer, "errcode"),
                answer.get("errmsg"),
                &["tok3n", ""]
            ),
            "dingtalk said 310000: sign not match, token=[redacted]␛[2J"
        );
        assert_eq!(
            said("wecom", None, None, &[]),
            "wecom answered without a code: "
        );
    }
}
