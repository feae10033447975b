//! Response builders with the Hub's exact error conventions (§2): JSON with
//! `charset=utf-8`, `{"error": …}` bodies mirrored in `X-Error-Message`,
//! `X-Error-Code: RepoNotFound` on 404s, the two different 401s (anonymous
//! vs. bad token), HTML pages and event streams.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::limits::Verdict;

pub(crate) const JSON_TYPE: &str = "application/json; charset=utf-8";
pub(crate) const INVALID_CREDENTIALS: &str = "Invalid credentials in Authorization header";

pub(crate) fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, JSON_TYPE)], bytes).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("fake hub: {e}")),
    }
}

/// `{"error": msg}` plus `X-Error-Message: msg`, as the Hub pairs them.
pub(crate) fn error(status: StatusCode, msg: &str) -> Response {
    let mut resp = json(status, &serde_json::json!({ "error": msg }));
    // Header values must be visible ASCII; every message here is.
    if let Ok(v) = HeaderValue::from_str(msg) {
        resp.headers_mut().insert("x-error-message", v);
    }
    resp
}

/// 404 for a missing repo or one this token may not see (§2.2).
pub(crate) fn repo_not_found() -> Response {
    let mut resp = error(StatusCode::NOT_FOUND, "Repository not found");
    resp.headers_mut()
        .insert("x-error-code", HeaderValue::from_static("RepoNotFound"));
    resp
}

/// 404 for an unknown revision on `/revision/{rev}`.
pub(crate) fn revision_not_found(rev: &str) -> Response {
    let mut resp = error(StatusCode::NOT_FOUND, &format!("Invalid rev id: {rev}"));
    resp.headers_mut()
        .insert("x-error-code", HeaderValue::from_static("RevisionNotFound"));
    resp
}

/// 401 the Hub gives anonymous callers on private or missing repos (and on
/// anything that needs a token). Clients map it to "repo not found".
pub(crate) fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "Invalid username or password.")
}

/// 401 for a token the Hub does not know: the one 401 clients must NOT
/// read as "repo not found" (§2.2).
pub(crate) fn invalid_credentials() -> Response {
    error(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS)
}

pub(crate) fn bad_request(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, msg)
}

pub(crate) fn forbidden(msg: &str) -> Response {
    error(StatusCode::FORBIDDEN, msg)
}

pub(crate) fn too_many_requests(v: &Verdict) -> Response {
    let mut resp = error(StatusCode::TOO_MANY_REQUESTS, &v.error_text());
    if let Ok(t) = HeaderValue::from_str(&v.reset_secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, t);
    }
    resp
}

pub(crate) fn html(status: u16, body: String) -> Response {
    (
        status_of(status),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A Server-Sent Events response over `body`.
pub(crate) fn event_stream(body: Body) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}
