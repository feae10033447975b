//! Gotify: `POST /message` with the application token in `X-Gotify-Key`, JSON `title`,
//! `message` (required), `priority`, `extras`; 200 with the stored message. Errors are
//! `{"error","errorCode","errorDescription"}`: 401 without a valid token, 400 without
//! a message. Gotify has no rate limit: `throttle_next` answers a proxy's 503.

use axum::extract::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(token: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/message",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let fake = fake.clone();
                async move { answer(&fake, token, &headers, body) }
            }),
        )
    })
    .await
}

/// The server's URL (the token is a separate variable).
pub fn url(fake: &Fake) -> String {
    fake.base().to_owned()
}

fn answer(fake: &Fake, token: &str, headers: &HeaderMap, body: Value) -> (StatusCode, Json<Value>) {
    let refuse = |code: u16, error: &str, description: &str| {
        fake.refuse(i64::from(code));
        let body = json!({ "error": error, "errorCode": code, "errorDescription": description });
        (StatusCode::from_u16(code).unwrap(), Json(body))
    };
    let key = headers.get("x-gotify-key").and_then(|v| v.to_str().ok());
    if key != Some(token) {
        return refuse(
            401,
            "Unauthorized",
            "you need to provide a valid access token or user credentials to access this api",
        );
    }
    if text(&body, "/message").is_empty() {
        return refuse(400, "Bad Request", "Field 'message' is required");
    }
    if fake.throttled(usize::MAX) {
        fake.refuse(503);
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({})));
    }
    let stored = json!({
        "id": 1, "appid": 1, "message": body["message"], "title": body["title"],
        "priority": body["priority"], "date": "2026-12-07T09:00:00Z",
    });
    fake.accept(body);
    (StatusCode::OK, Json(stored))
}
