//! Sessions of the page user: the cookie, the row behind it, idle expiry, the CSRF
//! token every form carries.
//!
//! The cookie holds 32 random bytes from the OS (`telemetry::random_hex`); the store
//! keeps their SHA-256, so a copy of the database (a backup, a CI job's cache of it)
//! cannot be replayed as a session. SHA-256 without a salt is enough: the id has 256
//! bits of entropy, there is nothing to guess. The cookie is `HttpOnly` (no script
//! reads it), `SameSite=Strict` (no other site's form carries it) and `Secure` over
//! https. It has no `Max-Age`: it ends with the browser; the server ends it after 12 h
//! without a request, or on sign-out.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::time;
use crate::store::{SessionRow, Store, StoreError};

pub(crate) const COOKIE_NAME: &str = "spacewarden_session";
/// A session unused this long is over.
pub(crate) const IDLE: Duration = Duration::from_secs(12 * 3600);
/// Requests closer together than this do not rewrite `seen_ms`: a page with its
/// stylesheet, script and live stream is one visit, not four writes.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub id_hash: String,
    pub username: String,
    pub csrf: String,
}

impl Session {
    /// Whether a form's `csrf` field is this session's (constant time).
    pub(crate) fn csrf_matches(&self, field: &str) -> bool {
        bool::from(self.csrf.as_bytes().ct_eq(field.as_bytes()))
    }
}

fn digest(cookie: &str) -> String {
    Sha256::digest(cookie.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The session cookie's value in the request, when it has the shape of one.
fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The request's session, if it has a live one for `username`. An expired session, or
/// one of a user name no longer configured, is deleted on sight.
pub(crate) async fn current(
    store: &Store,
    headers: &HeaderMap,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let Some(value) = cookie_value(headers) else {
        return Ok(None);
    };
    let id_hash = digest(value);
    let Some(row) = store.session(&id_hash).await? else {
        return Ok(None);
    };
    if row.username != username || time::elapsed(row.seen(), now) >= IDLE {
        store.end_session(&id_hash).await?;
        return Ok(None);
    }
    if time::elapsed(row.seen(), now) >= TOUCH_EVERY {
        store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(Session {
        id_hash,
        username: row.username,
        csrf: row.csrf,
    }))
}

/// Starts a session for `username`; returns the `Set-Cookie` value. Sessions idle
/// past their time are deleted first, so the table stays small.
pub(crate) async fn start(
    store: &Store,
    username: &str,
    now: DateTime<Utc>,
    https: bool,
) -> Result<String, StoreError> {
    store.prune_sessions(time::before(now, IDLE)).await?;
    let value = crate::telemetry::random_hex(32);
    let row = SessionRow {
        id_hash: digest(&value),
        username: username.to_owned(),
        csrf: crate::telemetry::random_hex(16),
        created_ms: now.timestamp_millis(),
        seen_ms: now.timestamp_millis(),
    };
    store.create_session(&row).await?;
    Ok(cookie(&value, https, false))
}

/// The `Set-Cookie` value that removes the cookie.
pub(crate) fn cleared(https: bool) -> String {
    cookie("", https, true)
}

fn cookie(value: &str, https: bool, expire: bool) -> String {
    let mut cookie = format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Strict");
    if https {
        cookie.push_str("; Secure");
    }
    if expire {
        cookie.push_str("; Max-Age=0");
    }
    cookie
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn finds_the_cookie_among_others_and_only_in_its_shape() {
        let id = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {COOKIE_NAME}={id}")).unwrap(),
        );
        assert_eq!(cookie_value(&headers), Some(id.as_str()));
        headers.insert(
            COOKIE,
            HeaderValue::from_static("spacewarden_session=short"),
        );
        assert_eq!(cookie_value(&headers), None);
        assert_eq!(digest("abc").len(), 64);
        assert_ne!(digest("abc"), "abc");
    }

    #[test]
    fn cookie_flags() {
        assert_eq!(
            cookie("x", false, false),
            "spacewarden_session=x; Path=/; HttpOnly; SameSite=Strict"
        );
        assert_eq!(
            cookie("x", true, false),
            "spacewarden_session=x; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(cleared(false).ends_with("Max-Age=0"));
    }
}
