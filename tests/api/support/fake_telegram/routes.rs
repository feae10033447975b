//! The HTTP front: `/bot{token}/{method}` for any HTTP method, arguments
//! from the query string and a JSON or form body, the method name matched
//! case-insensitively (teloxide sends `SendMessage`). In order: the "front
//! is down" switch (502 HTML), the path and token checks of Telegram's nginx
//! and `ClientManager`, injected per-method failures, then the method. Every
//! call is logged with its lowercase method name and final status.
//!
//! Token answers, as the real service gives them: a path that is not
//! `/bot<digits>:<secret>/…` is 404 "Not Found"; a token starting with `0`
//! (or an impossible bot id) is 401 "Unauthorized: invalid token specified";
//! a well-formed token that is not this bot's is 401 "Unauthorized".

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::Response;
use tokio::time::Instant;

use super::args::{Args, BodyKind};
use super::records::{ChatSpec, LoggedCall};
use super::reply::{self, Answer, ApiError};
use super::state::Shared;
use super::{commands, messages, render, updates};

/// Real methods the fake does not emulate: answered 404 with a description
/// that says so, rather than pretending.
const NOT_EMULATED: &[&str] = &[
    "setwebhook",
    "close",
    "logout",
    "deletemessage",
    "deletemessages",
    "forwardmessage",
    "copymessage",
    "sendphoto",
    "senddocument",
    "editmessagecaption",
    "getchat",
    "getchatmember",
    "getchatadministrators",
    "leavechat",
    "pinchatmessage",
    "getfile",
    "setmessagereaction",
];

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// `(token, method)` from `/bot{token}/{method}`.
fn split_path(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix("/bot")?.split_once('/')
}

pub(crate) fn check_token(shared: &Shared, token: &str) -> Result<(), ApiError> {
    let well_formed = token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if !well_formed {
        return Err(ApiError::not_found());
    }
    let bot_id: i64 = token
        .split_once(':')
        .and_then(|(id, _)| id.parse().ok())
        .unwrap_or(0);
    if token.starts_with('0') || token.len() > 80 || bot_id <= 0 || bot_id >= 1 << 54 {
        return Err(ApiError::api(401, "Unauthorized: invalid token specified"));
    }
    if token != shared.token {
        return Err(ApiError::api(401, "Unauthorized"));
    }
    Ok(())
}

fn body_kind(headers: &HeaderMap) -> BodyKind {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/json") {
        BodyKind::Json
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/"));
    let args = Args::parse(uri.query(), body_kind(&headers), &body);
    let (token, method) = split_path(uri.path()).unwrap_or(("", ""));
    let method = method.to_ascii_lowercase();
    let index = {
        let mut st = shared.lock();
        st.log.push(LoggedCall {
            method: method.clone(),
            body: args.to_json(),
            at: Instant::now(),
            status: None,
        });
        st.log.len() - 1
    };
    // A held long poll is visible to `wait_for_requests` while it waits.
    shared.touched();
    let outcome = if shared.lock().down {
        Err(ApiError::Gateway(502))
    } else if split_path(uri.path()).is_none() {
        Err(ApiError::not_found())
    } else if let Err(e) = check_token(&shared, token) {
        Err(e)
    } else if multipart {
        Err(ApiError::bad(
            "fake_telegram does not emulate multipart/form-data bodies",
        ))
    } else if let Some(e) = injected(&shared, &method, &args) {
        Err(e)
    } else {
        dispatch(&shared, &method, &args).await
    };
    let response = match outcome {
        Ok(answer) => reply::ok(answer),
        Err(e) => reply::error(&e),
    };
    shared.lock().log[index].status = Some(response.status().as_u16());
    shared.touched();
    response
}

/// A failure queued with `fail_next` for this method, worded for the
/// request's chat.
fn injected(shared: &Shared, method: &str, args: &Args) -> Option<ApiError> {
    let mut st = shared.lock();
    let failure = st.take_method_failure(method)?;
    let chat_id = args.str("chat_id").trim().parse::<i64>().unwrap_or(0);
    let kind = st
        .chats
        .get(&chat_id)
        .cloned()
        .unwrap_or_else(|| ChatSpec::inferred(chat_id))
        .kind;
    Some(failure.to_error(kind))
}

async fn dispatch(shared: &Arc<Shared>, method: &str, args: &Args) -> Result<Answer, ApiError> {
    match method {
        "getme" => Ok(render::me_json(&shared.lock(), shared.bot_id).into()),
        "getupdates" => updates::get_updates(shared, args).await,
        "getwebhookinfo" => updates::get_webhook_info(shared),
        "deletewebhook" => updates::delete_webhook(shared, args),
        "answercallbackquery" => updates::answer_callback_query(shared, args),
        "sendmessage" => messages::send_message(shared, args),
        "editmessagetext" => messages::edit_message_text(shared, args),
        "editmessagereplymarkup" => messages::edit_message_reply_markup(shared, args),
        "sendchataction" => messages::send_chat_action(shared, args),
        "setmycommands" => commands::set_my_commands(shared, args),
        "getmycommands" => commands::get_my_commands(shared, args),
        "deletemycommands" => commands::delete_my_commands(shared, args),
        m if NOT_EMULATED.contains(&m) => Err(ApiError::api(
            404,
            format!("Not Found: fake_telegram does not emulate {m}"),
        )),
        _ => Err(ApiError::not_found()),
    }
}
