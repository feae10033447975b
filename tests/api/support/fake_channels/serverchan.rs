//! Server酱 Turbo: `POST /<SendKey>.send` with `title` and `desp`, answering `code` 0
//! and a push id. Checks the key and the title. Its documentation names no rate-limit
//! code, so `throttle_next` makes it answer what an overloaded server does: HTTP 503.

use axum::extract::{Json, Path};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(key: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/{file}",
            post(move |Path(file): Path<String>, Json(body): Json<Value>| {
                let fake = fake.clone();
                async move { answer(&fake, key, &file, body) }
            }),
        )
    })
    .await
}

pub fn url(fake: &Fake, key: &str) -> String {
    format!("{}/{key}.send", fake.base())
}

fn answer(fake: &Fake, key: &str, file: &str, body: Value) -> (StatusCode, Json<Value>) {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        (
            StatusCode::OK,
            Json(json!({ "code": code, "message": message })),
        )
    };
    if file.strip_suffix(".send") != Some(key) {
        return refuse(40001, "bad pushtoken");
    }
    if text(&body, "/title").is_empty() {
        return refuse(40002, "title required");
    }
    if fake.throttled(usize::MAX) {
        fake.refuse(503);
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({})));
    }
    fake.accept(body);
    let data = json!({ "pushid": "1", "readkey": "r", "error": "SUCCESS", "errno": 0 });
    (
        StatusCode::OK,
        Json(json!({ "code": 0, "message": "", "data": data })),
    )
}
