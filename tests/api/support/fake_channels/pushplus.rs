//! PushPlus: `POST /send` with `token`, `title`, `content`, `template`, always HTTP
//! 200 with `code`/`msg`: 200 accepted, 401 unauthorized, 600 bad data, 500 "系统异常,
//! 请稍后再试" (what `throttle_next` answers: its documented try-again code).

use axum::extract::Json;
use axum::routing::post;
use serde_json::{Value, json};

use super::{Fake, text};

pub async fn start(token: &'static str) -> Fake {
    Fake::serve(|fake| {
        axum::Router::new().route(
            "/send",
            post(move |Json(body): Json<Value>| {
                let fake = fake.clone();
                async move { Json(answer(&fake, token, body)) }
            }),
        )
    })
    .await
}

pub fn url(fake: &Fake) -> String {
    format!("{}/send", fake.base())
}

fn answer(fake: &Fake, token: &str, body: Value) -> Value {
    let refuse = |code: i64, message: &str| {
        fake.refuse(code);
        json!({ "code": code, "msg": message, "data": null })
    };
    if text(&body, "/token") != token {
        return refuse(401, "请求未授权");
    }
    let title_chars = text(&body, "/title").chars().count();
    if text(&body, "/content").is_empty()
        || text(&body, "/template") != "markdown"
        || title_chars > 100
    {
        return refuse(600, "数据异常,操作失败");
    }
    if fake.throttled(usize::MAX) {
        return refuse(500, "系统异常,请稍后再试");
    }
    fake.accept(body);
    json!({ "code": 200, "msg": "请求成功", "data": "d9a1c3e0" })
}
