//! Sessions of the page user: the cookie, the row behind it, idle expiry, the CSRF
//! token every form carries.
//!
//! The cookie holds 32 random bytes from the OS (`telemetry::random_hex`); the store
//! keeps their SHA-256, so a copy of the database (a backup, a CI job's cache of it)
//! cannot be replayed as a session. SHA-256 without a salt is enough: the id has 256
//! bits of entropy, there is nothing to guess. The cookie is `HttpOnly` (no script
//! reads it), `SameSite=Strict` (no other site's form carries it) and `Secure` over
//! https. It has no `Max-Age`: it ends with the browser; the server ends it after 12 h
//! without a request, 7 days after sign-in however busy, on sign-out, or when the
//! configured credential changes (its fingerprint, see `fingerprint`, no longer
//! matches).

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
/// A session this old is over, used or not: a stolen cookie is not good for ever.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
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

/// Whether the request carries something shaped like a session cookie.
pub(crate) fn has_cookie(headers: &HeaderMap) -> bool {
    cookie_value(headers).is_some()
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

/// Who may have a session now: the configured user name and the fingerprint of the
/// configured credential.
pub(crate) struct Credential<'a> {
    pub username: &'a str,
    pub fingerprint: &'a str,
}

/// Whether `row` is still a live session of `credential` at `now`.
fn live(row: &SessionRow, credential: &Credential<'_>, now: DateTime<Utc>) -> bool {
    let same_credential = row
        .credential
        .as_deref()
        .is_some_and(|f| bool::from(f.as_bytes().ct_eq(credential.fingerprint.as_bytes())));
    row.username == credential.username
        && same_credential
        && time::elapsed(row.seen(), now) < IDLE
        && time::elapsed(row.created(), now) < MAX_AGE
}

/// The request's session, if it has a live one for `credential`. An expired session,
/// or one of a user name or credential no longer configured, is deleted on sight.
pub(crate) async fn current(
    store: &Store,
    headers: &HeaderMap,
    credential: &Credential<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let Some(value) = cookie_value(headers) else {
        return Ok(None);
    };
    let id_hash = digest(value);
    let Some(row) = store.session(&id_hash).await? else {
        return Ok(None);
    };
    if !live(&row, credential, now) {
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

/// Starts a session for `credential`; returns the `Set-Cookie` value. Sessions past
/// their time or of another credential are deleted first, so the table stays small.
pub(crate) async fn start(
    store: &Store,
    credential: &Credential<'_>,
    now: DateTime<Utc>,
    https: bool,
) -> Result<String, StoreError> {
    store
        .prune_sessions(
            time::before(now, IDLE),
            time::before(now, MAX_AGE),
            credential.fingerprint,
        )
        .await?;
    let value = crate::telemetry::random_hex(32);
    let row = SessionRow {
        id_hash: digest(&value),
        username: credential.username.to_owned(),
        csrf: crate::telemetry::random_hex(16),
        created_ms: now.timestamp_millis(),
        seen_ms: now.timestamp_millis(),
        credential: Some(credential.fingerprint.to_owned()),
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
    fn a_session_lives_while_used_for_its_credential_and_at_most_seven_days() {
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 22, 12, 0, 0).unwrap();
        let credential = Credential {
            username: "ops",
            fingerprint: "fp",
        };
        let row = |created: DateTime<Utc>, seen: DateTime<Utc>, fp: Option<&str>| SessionRow {
            id_hash: "x".into(),
            username: "ops".into(),
            csrf: "c".into(),
            created_ms: created.timestamp_millis(),
            seen_ms: seen.timestamp_millis(),
            credential: fp.map(str::to_owned),
        };
        let hours = |n| chrono::Duration::hours(n);
        assert!(live(&row(t0, t0, Some("fp")), &credential, t0 + hours(11)));
        assert!(
            !live(&row(t0, t0, Some("fp")), &credential, t0 + hours(12)),
            "idle"
        );
        let busy = row(t0, t0 + hours(167), Some("fp"));
        assert!(live(&busy, &credential, t0 + hours(167)));
        assert!(!live(&busy, &credential, t0 + hours(168)), "seven days");
        assert!(
            !live(&row(t0, t0, Some("old")), &credential, t0),
            "new password"
        );
        assert!(!live(&row(t0, t0, None), &credential, t0), "unbound");
        let other_user = Credential {
            username: "admin",
            fingerprint: "fp",
        };
        assert!(!live(&row(t0, t0, Some("fp")), &other_user, t0));
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
