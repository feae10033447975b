//! bark-server's API V2: `POST /push` with `device_key`, `title`, `body` in JSON, the
//! answer `{code, message, timestamp}` under the same HTTP status: 200 pushed, 400 for
//! an unknown device key or an empty push, 500 when APNs refuses (what
//! `throttle_next` answers).

use axum::extract::Json;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(key: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/push",
            post(move |Json(body): Json<Value>| {
                let fake = fake.clone();
                async move { answer(&fake, key, body) }
            }),
        )
    })
    .await
}

/// The URL the app shows: the server and the device key.
pub fn url(fake: &Fake, key: &str) -> String {
    format!("{}/{key}", fake.base())
}

fn answer(fake: &Fake, key: &str, body: Value) -> (StatusCode, Json<Value>) {
    let reply = |code: u16, message: &str| {
        let status = StatusCode::from_u16(code).unwrap();
        let body = json!({ "code": code, "message": message, "timestamp": 1_765_000_000 });
        (status, Json(body))
    };
    if text(&body, "/device_key") != key {
        fake.refuse(400);
        return reply(400, "failed to get device token: device key not found");
    }
    if text(&body, "/body").is_empty() && text(&body, "/title").is_empty() {
        fake.refuse(400);
        return reply(400, "push failed: body is empty");
    }
    if fake.throttled(usize::MAX) {
        fake.refuse(500);
        return reply(500, "push failed: apns is busy");
    }
    fake.accept(body);
    reply(200, "success")
}
