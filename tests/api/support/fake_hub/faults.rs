//! Fault injection on Hub routes: the rules a test installs, how a request
//! is matched against them (first match wins, `times` uses counted down),
//! and what each injected failure looks like on the wire.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::reply::{self, JSON_TYPE};

/// How a matching Hub request fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status. 500 gets the Hub's JSON error; 502/503/504 get the
    /// HTML page a CDN/proxy in front of the Hub sends.
    Status(u16),
    /// Never answer (the connection stays open until the client gives up).
    Timeout,
    /// 200 with a JSON content type and a truncated, invalid JSON body.
    Garbage,
    /// 429 with `RateLimit: "api";r=0;t=<reset_secs>` and `Retry-After`.
    RateLimited { reset_secs: u64 },
    /// Wait this long, then answer normally.
    Hang(Duration),
    /// Close the connection without answering, as a load balancer in front of
    /// the Hub does when it drops a request (the client reads "connection
    /// closed before message completed"). Logged with no status, like
    /// `Timeout`.
    Close,
}

/// A fault rule. The first rule that matches a Hub request (and still has
/// uses left) applies to it.
#[derive(Clone, Debug)]
pub struct Fault {
    /// Substring of `path?query` (or of the path alone when no query).
    pub path_contains: Option<String>,
    /// HTTP method name, e.g. "POST". None matches any.
    pub method: Option<String>,
    /// How many requests it applies to; None = forever.
    pub times: Option<usize>,
    pub kind: FaultKind,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            path_contains: None,
            method: None,
            times: None,
            kind,
        }
    }
    pub fn path(mut self, path_contains: &str) -> Self {
        self.path_contains = Some(path_contains.to_string());
        self
    }
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }
}

/// The first rule matching this request, with one use consumed.
pub(crate) fn take(
    faults: &mut Vec<Fault>,
    method: &str,
    path_and_query: &str,
) -> Option<FaultKind> {
    let pos = faults.iter().position(|f| {
        f.times != Some(0)
            && f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && f.path_contains
                .as_deref()
                .is_none_or(|p| path_and_query.contains(p))
    })?;
    let fault = &mut faults[pos];
    let kind = fault.kind.clone();
    if let Some(n) = fault.times.as_mut() {
        *n -= 1;
        if *n == 0 {
            faults.remove(pos);
        }
    }
    Some(kind)
}

/// What an injected status looks like. 5xx from the Hub app itself are JSON;
/// 502/503/504 come from the CDN/load balancer in front, as HTML pages.
pub(crate) fn status_reply(code: u16) -> Response {
    let status = reply::status_of(code);
    let reason = status.canonical_reason().unwrap_or("Error");
    match code {
        500 => reply::error(
            status,
            "Internal Error - We're working hard to fix this as soon as possible!",
        ),
        // The one 401 a token can get (revoked, expired, or the Hub's auth
        // backend failing it): clients must not read it as "repo not found".
        401 => reply::invalid_credentials(),
        502..=504 => reply::html(
            code,
            format!(
                "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
            ),
        ),
        _ => reply::error(status, reason),
    }
}

/// A reply hyper never sends: the body fails before the head is flushed, so
/// the connection is dropped with nothing written (hyper 1.x buffers the head
/// and gives up on the first body error).
pub(crate) fn close_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fake hub: connection closed by the load balancer",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// 200, JSON content type, a body cut off mid-object.
pub(crate) fn garbage() -> Response {
    let body = Body::from(r#"{"stage":"RUNN"#);
    (StatusCode::OK, [(header::CONTENT_TYPE, JSON_TYPE)], body).into_response()
}
