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

use crate::commands::Actor;
use crate::config::WebRole;
use crate::domain::time;
use crate::store::{SessionRow, Store, StoreError};

/// How a Hugging Face user's name starts in a session and in the audit (`web:hf:…`):
/// a password user can never collide with one, their names have no `:`.
pub(crate) const HF_PREFIX: &str = "hf:";

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
    /// The password user's name, or `hf:<name>` for a Hugging Face user.
    pub username: String,
    pub csrf: String,
    /// Signed in with Hugging Face: the role given at sign-in. `None`: the password
    /// user, an admin.
    pub hf_role: Option<WebRole>,
}

impl Session {
    /// Who acts through the command core: `web:<user>` or `web:hf:<name>`, a viewer
    /// marked so that `Access` lets it read and nothing more.
    pub(crate) fn actor(&self) -> Actor {
        match self.hf_role {
            Some(WebRole::Viewer) => Actor::web_viewer(&self.username),
            Some(WebRole::Admin) | None => Actor::web(&self.username),
        }
    }

    /// Whether the page offers this session its action buttons: not a viewer's, whom
    /// the core would refuse anyway.
    pub(crate) fn may_act(&self) -> bool {
        self.hf_role != Some(WebRole::Viewer)
    }

    /// The name shown in the header, and the role after it.
    pub(crate) fn display(&self) -> (&str, &'static str) {
        let name = self
            .username
            .strip_prefix(HF_PREFIX)
            .unwrap_or(&self.username);
        (name, self.hf_role.map_or("admin", WebRole::as_str))
    }

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
    token_cookie(headers, COOKIE_NAME)
}

/// The value of the request's cookie `name`, if it sent one.
pub(crate) fn request_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.trim())
}

/// The cookie `name` when it has the shape of a random token of ours (64 hex
/// digits): the session's, a sign-in flow's.
pub(crate) fn token_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    request_cookie(headers, name)
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Who may have a session now: the configured password user and the fingerprint of
/// its credential, and the fingerprint of the role lists Hugging Face sessions were
/// given their role under; each when configured.
pub(crate) struct Credentials<'a> {
    pub password: Option<Credential<'a>>,
    pub hf_lists: Option<&'a str>,
}

pub(crate) struct Credential<'a> {
    pub username: &'a str,
    pub fingerprint: &'a str,
}

fn same(stored: Option<&str>, current: &str) -> bool {
    stored.is_some_and(|f| bool::from(f.as_bytes().ct_eq(current.as_bytes())))
}

/// Whether `row` is still a live session under `credentials` at `now`.
fn live(row: &SessionRow, credentials: &Credentials<'_>, now: DateTime<Utc>) -> bool {
    let bound = if row.hf_user_id.is_some() {
        credentials
            .hf_lists
            .is_some_and(|lists| same(row.credential.as_deref(), lists))
            && row.role.as_deref().and_then(WebRole::parse).is_some()
            && row
                .expires_ms
                .is_some_and(|end| now.timestamp_millis() < end)
    } else {
        credentials.password.as_ref().is_some_and(|credential| {
            row.username == credential.username
                && same(row.credential.as_deref(), credential.fingerprint)
        })
    };
    bound && time::elapsed(row.seen(), now) < IDLE && time::elapsed(row.created(), now) < MAX_AGE
}

/// The request's session, if it has a live one. An expired session, or one of a
/// credential or role lists no longer configured, is deleted on sight.
pub(crate) async fn current(
    store: &Store,
    headers: &HeaderMap,
    credentials: &Credentials<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let Some(value) = cookie_value(headers) else {
        return Ok(None);
    };
    let id_hash = digest(value);
    let Some(row) = store.session(&id_hash).await? else {
        return Ok(None);
    };
    if !live(&row, credentials, now) {
        store.end_session(&id_hash).await?;
        return Ok(None);
    }
    if time::elapsed(row.seen(), now) >= TOUCH_EVERY {
        store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(Session {
        id_hash,
        hf_role: row.role.as_deref().and_then(WebRole::parse),
        username: row.username,
        csrf: row.csrf,
    }))
}

/// Who a new session is for.
pub(crate) struct NewSession<'a> {
    pub username: String,
    /// The fingerprint it is bound to (the password's, or the role lists').
    pub credential: &'a str,
    /// Hugging Face: the user's id, the role, and the latest end.
    pub hf: Option<(String, WebRole, DateTime<Utc>)>,
}

/// Starts a session (always a fresh id); returns the `Set-Cookie` value. Sessions
/// past their time or of another credential are deleted first, so the table stays
/// small.
pub(crate) async fn start(
    store: &Store,
    credentials: &Credentials<'_>,
    new: NewSession<'_>,
    now: DateTime<Utc>,
    https: bool,
) -> Result<String, StoreError> {
    let password = credentials.password.as_ref().map(|c| c.fingerprint);
    store
        .prune_sessions(
            time::before(now, IDLE),
            time::before(now, MAX_AGE),
            now,
            [password, credentials.hf_lists],
        )
        .await?;
    let value = crate::telemetry::random_hex(32);
    let (hf_user_id, role, expires_ms) = match new.hf {
        Some((id, role, end)) => (
            Some(id),
            Some(role.as_str().to_owned()),
            Some(end.timestamp_millis()),
        ),
        None => (None, None, None),
    };
    let row = SessionRow {
        id_hash: digest(&value),
        username: new.username,
        csrf: crate::telemetry::random_hex(16),
        created_ms: now.timestamp_millis(),
        seen_ms: now.timestamp_millis(),
        credential: Some(new.credential.to_owned()),
        hf_user_id,
        role,
        expires_ms,
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
        let credentials = |username, lists| Credentials {
            password: Some(Credential {
                username,
                fingerprint: "fp",
            }),
            hf_lists: lists,
        };
        let ops = credentials("ops", None);
        let row = |created: DateTime<Utc>, seen: DateTime<Utc>, fp: Option<&str>| SessionRow {
            id_hash: "x".into(),
            username: "ops".into(),
            csrf: "c".into(),
            created_ms: created.timestamp_millis(),
            seen_ms: seen.timestamp_millis(),
            credential: fp.map(str::to_owned),
            hf_user_id: None,
            role: None,
            expires_ms: None,
        };
        let hours = |n| chrono::Duration::hours(n);
        assert!(live(&row(t0, t0, Some("fp")), &ops, t0 + hours(11)));
        assert!(
            !live(&row(t0, t0, Some("fp")), &ops, t0 + hours(12)),
            "idle"
        );
        let busy = row(t0, t0 + hours(167), Some("fp"));
        assert!(live(&busy, &ops, t0 + hours(167)));
        assert!(!live(&busy, &ops, t0 + hours(168)), "seven days");
        assert!(!live(&row(t0, t0, Some("old")), &ops, t0), "new password");
        assert!(!live(&row(t0, t0, None), &ops, t0), "unbound");
        assert!(!live(
            &row(t0, t0, Some("fp")),
            &credentials("admin", None),
            t0
        ));
        // A Hugging Face session: bound to the role lists, over at its own end.
        let hf = SessionRow {
            username: "hf:alice".into(),
            credential: Some("lists".into()),
            hf_user_id: Some("66a".into()),
            role: Some("viewer".into()),
            expires_ms: Some((t0 + hours(8)).timestamp_millis()),
            ..row(t0, t0 + hours(7), None)
        };
        let with_lists = credentials("ops", Some("lists"));
        assert!(live(&hf, &with_lists, t0 + hours(7)));
        assert!(!live(&hf, &with_lists, t0 + hours(8)), "past its end");
        assert!(
            !live(&hf, &credentials("ops", Some("other")), t0),
            "lists changed"
        );
        assert!(!live(&hf, &ops, t0), "Hugging Face sign-in off");
        let forged = SessionRow {
            role: Some("owner".into()),
            ..hf.clone()
        };
        assert!(!live(&forged, &with_lists, t0), "unknown role");
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
