//! The API key check: `Authorization: Bearer <API_KEY>` (or `API_READ_KEY`, a key
//! that may read but not act, as Healthchecks offers), compared in constant time so
//! the answer's timing says nothing about how much of a guess was right. Without a key
//! configured the API is off and every protected route says so. The key decides the
//! request's `Actor`; what that actor may do is the command core's one authorization.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::super::WebState;
use super::super::error::ApiError;
use crate::commands::Actor;

/// What the `Authorization` header of a request amounts to. The native API and the
/// older tools' routes (`web::compat`) answer each case in their own words; the check
/// itself is this one.
pub(in crate::web) enum KeyCheck {
    /// Neither `API_KEY` nor `API_READ_KEY` is set; `bearer` says whether a key came.
    Off { bearer: bool },
    /// No `Authorization: Bearer …` at all.
    NoBearer,
    /// A bearer key that is neither key.
    Wrong,
    /// The key's actor: `api`, or the read-only `api_reader`.
    Accepted(Actor),
}

/// Compares the request's bearer key with both keys, in constant time.
pub(in crate::web) fn check_key(state: &WebState, headers: &HeaderMap) -> KeyCheck {
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer)
        .map(str::as_bytes);
    if state.api_key.is_none() && state.api_read_key.is_none() {
        return KeyCheck::Off {
            bearer: given.is_some(),
        };
    }
    let Some(given) = given else {
        return KeyCheck::NoBearer;
    };
    let matches = |key: &Option<std::sync::Arc<secrecy::SecretString>>| {
        key.as_ref()
            .is_some_and(|key| keys_match(key.expose_secret().as_bytes(), given))
    };
    // Both compared, whatever the first said, so timing does not tell which matched.
    let (admin, reader) = (matches(&state.api_key), matches(&state.api_read_key));
    match (admin, reader) {
        (true, _) => KeyCheck::Accepted(Actor::api()),
        (false, true) => KeyCheck::Accepted(Actor::api_reader()),
        (false, false) => KeyCheck::Wrong,
    }
}

pub(super) async fn require_key(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let actor = match check_key(&state, request.headers()) {
        KeyCheck::Off { .. } => return Err(ApiError::ApiDisabled),
        KeyCheck::NoBearer | KeyCheck::Wrong => return Err(ApiError::Unauthorized),
        KeyCheck::Accepted(actor) => actor,
    };
    let mut request = request;
    request.extensions_mut().insert(actor);
    Ok(next.run(request).await)
}

/// The credentials of a `Bearer` authorization (the scheme is case-insensitive).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
        .filter(|c| !c.is_empty())
}

/// Equal keys, in time that depends only on the expected key's length: the guess is
/// padded or cut to that length and compared whole, then its length is compared too.
pub(in crate::web) fn keys_match(expected: &[u8], given: &[u8]) -> bool {
    let mut candidate = vec![0u8; expected.len()];
    let n = given.len().min(expected.len());
    candidate[..n].copy_from_slice(&given[..n]);
    let same_bytes = candidate.as_slice().ct_eq(expected);
    let same_len = (given.len() as u64).ct_eq(&(expected.len() as u64));
    (same_bytes & same_len).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_whole_keys() {
        assert!(keys_match(b"s3cret-key", b"s3cret-key"));
        assert!(!keys_match(b"s3cret-key", b"s3cret-kez"));
        assert!(!keys_match(b"s3cret-key", b"s3cret"));
        assert!(!keys_match(b"s3cret-key", b"s3cret-key-and-more"));
        assert!(!keys_match(b"s3cret-key", b""));
        // A guess that is a prefix padded with zero bytes is still wrong.
        assert!(!keys_match(b"ab\0", b"ab"));
    }

    #[test]
    fn reads_the_bearer_scheme_only() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
