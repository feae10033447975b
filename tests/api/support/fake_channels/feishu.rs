//! The Feishu/Lark custom bot: `POST /open-apis/bot/v2/hook/<hook>`, HTTP 200 with
//! `code`/`msg`. Checks: the hook, the body's size (20 KB), the signature ("签名校验":
//! `timestamp` in seconds within an hour, `sign` = base64 of HMAC-SHA256 keyed with
//! "timestamp\nsecret" over nothing), the message; 100 a minute, then 11232.

use axum::body::Bytes;
use axum::extract::{Json, Path};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, hmac_base64, text};

pub struct Setup {
    pub hook: &'static str,
    pub secret: Option<&'static str>,
}

pub async fn start(setup: Setup) -> Fake {
    let setup = std::sync::Arc::new(setup);
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/open-apis/bot/v2/hook/{hook}",
            post(move |Path(hook): Path<String>, body: Bytes| {
                let (fake, setup) = (fake.clone(), setup.clone());
                async move { Json(answer(&fake, &setup, &hook, &body)) }
            }),
        )
    })
    .await
}

pub fn url(fake: &Fake, hook: &str) -> String {
    format!("{}/open-apis/bot/v2/hook/{hook}", fake.base())
}

fn answer(fake: &Fake, setup: &Setup, hook: &str, raw: &[u8]) -> Value {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        json!({ "code": code, "msg": message, "data": {} })
    };
    if hook != setup.hook {
        return refuse(
            19001,
            "param invalid: incoming webhook access token invalid",
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(raw) else {
        return refuse(9499, "Bad Request");
    };
    if raw.len() > 20 * 1024 {
        return refuse(9499, "Bad Request");
    }
    if let Some(secret) = setup.secret {
        let timestamp = text(&body, "/timestamp");
        let fresh = timestamp
            .parse::<i64>()
            .is_ok_and(|s| (chrono::Utc::now().timestamp() - s).abs() <= 3600);
        let expected = hmac_base64(format!("{timestamp}\n{secret}").as_bytes(), b"");
        if !fresh || text(&body, "/sign") != expected {
            return refuse(
                19021,
                "sign match fail or timestamp is not within one hour from current time",
            );
        }
    }
    let card_text = text(&body, "/card/elements/0/text/content");
    if text(&body, "/msg_type") != "interactive" || card_text.is_empty() {
        return refuse(9499, "Bad Request");
    }
    if fake.throttled(100) {
        return refuse(
            11232,
            "frequency limited psm[lark.oapi.app_platform_runtime]",
        );
    }
    fake.accept(body);
    json!({ "code": 0, "msg": "success", "data": {} })
}
