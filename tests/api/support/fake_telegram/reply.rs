//! What goes back on the wire: `{"ok":true,"result":…}` (with the optional
//! `description` the server adds to some successes), Bot API errors with the
//! real status, description and `parameters`, the `Retry-After` header the
//! server sets on 429, and the nginx HTML page Telegram's front answers with
//! when the Bot API behind it is down. Also `Failure`, the errors tests
//! inject, mapped to those exact answers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::records::ChatKind;

/// A successful result.
pub(crate) struct Answer {
    pub(crate) result: Value,
    /// e.g. "Webhook is already deleted" beside `result: true`.
    pub(crate) description: Option<&'static str>,
}

impl From<Value> for Answer {
    fn from(result: Value) -> Answer {
        Answer {
            result,
            description: None,
        }
    }
}

/// A failed call, as the real front or Bot API server would answer it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ApiError {
    /// A JSON error from the Bot API server.
    Api {
        status: u16,
        description: String,
        parameters: Option<Value>,
    },
    /// An HTML error page from the nginx in front of it (502/503/504).
    Gateway(u16),
}

impl ApiError {
    /// 400 with the server's "Bad Request: " prefix.
    pub(crate) fn bad(msg: impl std::fmt::Display) -> ApiError {
        ApiError::api(400, format!("Bad Request: {msg}"))
    }

    pub(crate) fn api(status: u16, description: impl Into<String>) -> ApiError {
        ApiError::Api {
            status,
            description: description.into(),
            parameters: None,
        }
    }

    pub(crate) fn flood(retry_after: u32) -> ApiError {
        ApiError::Api {
            status: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            parameters: Some(json!({ "retry_after": retry_after })),
        }
    }

    pub(crate) fn not_found() -> ApiError {
        ApiError::api(404, "Not Found")
    }
}

/// An error a test makes the fake answer (see `FakeTelegram::fail_next` and
/// `fail_chat`). Each maps to the exact status, description and
/// `parameters` the real API uses.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// 500 is the Bot API server's own JSON error; 502, 503 and 504 come from
    /// the nginx in front of it as an HTML page.
    ServerError(u16),
    /// 429 "Too Many Requests: retry after N", `parameters.retry_after`, and
    /// a `Retry-After` header.
    TooManyRequests { retry_after: u32 },
    /// 400 "group chat was upgraded to a supergroup chat" with
    /// `parameters.migrate_to_chat_id`. On `fail_chat` it stays: the old id
    /// keeps failing and the new id works.
    Migrated { to_chat_id: i64 },
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// 403 "Forbidden: bot was kicked from the group chat" (or the
    /// supergroup/channel wording, by the chat's type).
    Kicked,
    /// 400 "Bad Request: chat not found".
    ChatNotFound,
    /// 403 "Forbidden: user is deactivated".
    Deactivated,
    /// 403 "Forbidden: bot can't initiate conversation with a user".
    CantInitiateConversation,
    /// 401 "Unauthorized" (the token was revoked).
    Unauthorized,
    /// Any other 400: the text after "Bad Request: ".
    BadRequest(String),
}

impl Failure {
    /// The answer for a call about a chat of `kind` (only `Kicked` cares).
    pub(crate) fn to_error(&self, kind: ChatKind) -> ApiError {
        match self {
            Failure::ServerError(500) => ApiError::api(500, "Internal Server Error"),
            Failure::ServerError(code) => ApiError::Gateway(*code),
            Failure::TooManyRequests { retry_after } => ApiError::flood(*retry_after),
            Failure::Migrated { to_chat_id } => ApiError::Api {
                status: 400,
                description: "Bad Request: group chat was upgraded to a supergroup chat".into(),
                parameters: Some(json!({ "migrate_to_chat_id": to_chat_id })),
            },
            Failure::Blocked => ApiError::api(403, "Forbidden: bot was blocked by the user"),
            Failure::Kicked => {
                let what = match kind {
                    ChatKind::Supergroup => "supergroup",
                    ChatKind::Channel => "channel",
                    // A private chat cannot kick; the group wording is the
                    // closest real answer.
                    ChatKind::Group | ChatKind::Private => "group",
                };
                ApiError::api(
                    403,
                    format!("Forbidden: bot was kicked from the {what} chat"),
                )
            }
            Failure::ChatNotFound => ApiError::bad("chat not found"),
            Failure::Deactivated => ApiError::api(403, "Forbidden: user is deactivated"),
            Failure::CantInitiateConversation => ApiError::api(
                403,
                "Forbidden: bot can't initiate conversation with a user",
            ),
            Failure::Unauthorized => ApiError::api(401, "Unauthorized"),
            Failure::BadRequest(msg) => ApiError::bad(msg),
        }
    }
}

fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn json_response(status: u16, body: &Value) -> Response {
    (
        status_of(status),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub(crate) fn ok(answer: Answer) -> Response {
    let mut body = json!({ "ok": true, "result": answer.result });
    if let Some(d) = answer.description {
        body["description"] = json!(d);
    }
    json_response(200, &body)
}

pub(crate) fn error(err: &ApiError) -> Response {
    match err {
        ApiError::Gateway(code) => gateway_page(*code),
        ApiError::Api {
            status,
            description,
            parameters,
        } => {
            let mut body = json!({ "ok": false, "error_code": status, "description": description });
            if let Some(p) = parameters {
                body["parameters"] = p.clone();
            }
            let mut resp = json_response(*status, &body);
            // The server sets Retry-After on every 429 it answers.
            if let Some(secs) = parameters.as_ref().and_then(|p| p.get("retry_after"))
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}

/// The page nginx serves when its upstream is down: HTML, not the Bot API's
/// JSON, which clients must survive.
fn gateway_page(code: u16) -> Response {
    let reason = match code {
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => status_of(code).canonical_reason().unwrap_or("Error"),
    };
    let body = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
         <center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    (status_of(code), [(header::CONTENT_TYPE, "text/html")], body).into_response()
}
