//! ntfy's JSON publishing: `POST /` (the root, never the topic URL) with `topic`,
//! `title`, `message`, `priority`, `tags`, `click`; `Authorization: Bearer <token>` for
//! a protected topic. Errors are `{"code","http","error"}` under the HTTP status:
//! 40101 unauthorized, 40009 topic invalid, 40007 priority invalid, 42901 too many
//! requests (what `throttle_next` answers). A message over 4,096 bytes would become an
//! attachment: the fake refuses it (413) so a test sees it.

use axum::extract::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(topic: &'static str, token: Option<&'static str>) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let fake = fake.clone();
                async move { answer(&fake, topic, token, &headers, body) }
            }),
        )
    })
    .await
}

/// The topic URL a user copies.
pub fn url(fake: &Fake, topic: &str) -> String {
    format!("{}/{topic}", fake.base())
}

fn answer(
    fake: &Fake,
    topic: &str,
    token: Option<&str>,
    headers: &HeaderMap,
    body: Value,
) -> (StatusCode, Json<Value>) {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        let http = u16::try_from(code / 100).unwrap();
        let body = json!({ "code": code, "http": http, "error": message });
        (StatusCode::from_u16(http).unwrap(), Json(body))
    };
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if token.is_some() && bearer != token {
        return refuse(40101, "unauthorized");
    }
    let sent_topic = text(&body, "/topic");
    let valid = !sent_topic.is_empty()
        && sent_topic.len() <= 64
        && sent_topic
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return refuse(40009, "invalid request: topic invalid");
    }
    if !(1..=5).contains(&body["priority"].as_i64().unwrap_or(3)) {
        return refuse(40007, "invalid request: priority invalid");
    }
    if text(&body, "/message").len() > 4096 {
        return refuse(
            41301,
            "message too large for the fake (would be an attachment)",
        );
    }
    if fake.throttled(usize::MAX) {
        return refuse(42901, "limit reached: too many requests");
    }
    if sent_topic != topic {
        // Published, but to a topic nobody here subscribed to.
        fake.refuse(0);
    } else {
        fake.accept(body.clone());
    }
    let event = json!({ "id": "sPs71M8A2T", "event": "message", "topic": sent_topic });
    (StatusCode::OK, Json(event))
}
