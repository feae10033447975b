//! The WeCom group robot: `POST /cgi-bin/webhook/send?key=…`, HTTP 200 with
//! `errcode`/`errmsg`. Checks: the key, the markdown message and its 4,096 bytes;
//! 20 a minute, then 45009.

use std::collections::HashMap;

use axum::extract::{Json, Query};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(key: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/cgi-bin/webhook/send",
            post(
                move |Query(query): Query<HashMap<String, String>>, Json(body): Json<Value>| {
                    let fake = fake.clone();
                    async move { Json(answer(&fake, key, &query, body)) }
                },
            ),
        )
    })
    .await
}

pub fn url(fake: &Fake, key: &str) -> String {
    format!("{}/cgi-bin/webhook/send?key={key}", fake.base())
}

fn answer(fake: &Fake, key: &str, query: &HashMap<String, String>, body: Value) -> Value {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        json!({ "errcode": code, "errmsg": message })
    };
    if query.get("key").map(String::as_str) != Some(key) {
        return refuse(93000, "invalid webhook url");
    }
    let content = text(&body, "/markdown/content");
    if text(&body, "/msgtype") != "markdown" || content.is_empty() {
        return refuse(40008, "invalid message type");
    }
    if content.len() > 4096 {
        return refuse(40058, "markdown.content exceed max length 4096");
    }
    if fake.throttled(20) {
        return refuse(45009, "api freq out of limit");
    }
    fake.accept(body);
    json!({ "errcode": 0, "errmsg": "ok" })
}
