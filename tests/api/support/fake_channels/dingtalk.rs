//! The DingTalk custom robot: `POST /robot/send?access_token=…[&timestamp=…&sign=…]`,
//! always HTTP 200 with `errcode`/`errmsg`. Checks, in the robot's order: the token,
//! the signature ("加签": timestamp in ms within an hour, sign = base64 of
//! HMAC-SHA256(secret, "timestamp\nsecret")), the keyword, then the message; 20 a
//! minute, then 130101.

use std::collections::HashMap;

use axum::extract::{Json, Query};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, hmac_base64, text};

pub struct Setup {
    pub token: &'static str,
    pub secret: Option<&'static str>,
    pub keyword: Option<&'static str>,
}

pub async fn start(setup: Setup) -> Fake {
    let setup = std::sync::Arc::new(setup);
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/robot/send",
            post(
                move |Query(query): Query<HashMap<String, String>>, Json(body): Json<Value>| {
                    let (fake, setup) = (fake.clone(), setup.clone());
                    async move { Json(answer(&fake, &setup, &query, body)) }
                },
            ),
        )
    })
    .await
}

/// The webhook URL a user would copy.
pub fn url(fake: &Fake, token: &str) -> String {
    format!("{}/robot/send?access_token={token}", fake.base())
}

fn answer(fake: &Fake, setup: &Setup, query: &HashMap<String, String>, body: Value) -> Value {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        json!({ "errcode": code, "errmsg": message })
    };
    if query.get("access_token").map(String::as_str) != Some(setup.token) {
        return refuse(300001, "token is not exist");
    }
    if let Some(secret) = setup.secret {
        let (Some(timestamp), Some(sign)) = (query.get("timestamp"), query.get("sign")) else {
            return refuse(310000, "sign not match");
        };
        let fresh = timestamp
            .parse::<i64>()
            .is_ok_and(|ms| (chrono::Utc::now().timestamp_millis() - ms).abs() <= 3_600_000);
        let expected = hmac_base64(
            secret.as_bytes(),
            format!("{timestamp}\n{secret}").as_bytes(),
        );
        if !fresh || *sign != expected {
            return refuse(310000, "sign not match");
        }
    }
    let (title, content) = (
        text(&body, "/markdown/title"),
        text(&body, "/markdown/text"),
    );
    if let Some(keyword) = setup.keyword
        && !content.contains(keyword)
        && !title.contains(keyword)
    {
        return refuse(310000, "keywords not in content");
    }
    if text(&body, "/msgtype") != "markdown" || title.is_empty() || content.is_empty() {
        return refuse(40035, "缺少参数 json");
    }
    if fake.throttled(20) {
        return refuse(130101, "send too fast, exceed 20 times per minute");
    }
    fake.accept(body);
    json!({ "errcode": 0, "errmsg": "ok" })
}
