//! A Slack incoming webhook: `POST /services/T…/B…/<secret>` with JSON `text` and
//! `blocks`. Answers as Slack documents (docs/reference/alert-channels.md): HTTP 200
//! and the body `ok`; `404 no_service` for a webhook that does not exist (a wrong
//! secret), `400 invalid_payload` for a body that is not JSON, `400 no_text` without
//! `text`, `400 invalid_blocks` for a block Slack would reject (a section over 3,000
//! characters, an unknown type); `429 rate_limited` with `Retry-After` when throttled
//! (Slack allows about one message a second per webhook, short bursts tolerated).
//! Refusals are recorded by their HTTP status.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use super::{Fake, text};

/// The `Retry-After` (seconds) the fake's 429 carries.
pub const RETRY_AFTER_SECS: u64 = 120;

pub async fn start(secret: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/services/{team}/{hook}/{secret}",
            post(
                move |Path((_, _, sent)): Path<(String, String, String)>, body: Bytes| {
                    let fake = fake.clone();
                    async move { answer(&fake, secret, &sent, &body) }
                },
            ),
        )
    })
    .await
}

/// The webhook URL a user copies from Slack.
pub fn url(fake: &Fake, secret: &str) -> String {
    format!("{}/services/T0001/B0001/{secret}", fake.base())
}

fn answer(fake: &Fake, secret: &str, sent: &str, body: &[u8]) -> Response {
    let refuse = |status: u16, code: &'static str| {
        fake.refuse(i64::from(status));
        (StatusCode::from_u16(status).unwrap(), code).into_response()
    };
    if sent != secret {
        return refuse(404, "no_service");
    }
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return refuse(400, "invalid_payload");
    };
    if text(&body, "/text").is_empty() {
        return refuse(400, "no_text");
    }
    if !blocks_valid(&body) {
        return refuse(400, "invalid_blocks");
    }
    if fake.throttled(60) {
        fake.refuse(429);
        let headers = [("retry-after", RETRY_AFTER_SECS.to_string())];
        return (StatusCode::TOO_MANY_REQUESTS, headers, "rate_limited").into_response();
    }
    fake.accept(body);
    (StatusCode::OK, "ok").into_response()
}

/// Sections with a `mrkdwn` or `plain_text` text of 1 to 3,000 characters, at most 50
/// blocks: what Block Kit accepts for what spacewarden sends.
fn blocks_valid(body: &Value) -> bool {
    let Some(blocks) = body["blocks"].as_array() else {
        return body.get("blocks").is_none();
    };
    blocks.len() <= 50
        && blocks.iter().all(|block| {
            let content = text(block, "/text/text");
            block["type"] == "section"
                && matches!(text(block, "/text/type"), "mrkdwn" | "plain_text")
                && !content.is_empty()
                && content.chars().count() <= 3000
        })
}
