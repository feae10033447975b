//! The API key check: `Authorization: Bearer <API_KEY>`, compared in constant time so
//! the answer's timing says nothing about how much of a guess was right. Without
//! `API_KEY` the API is off and every protected route says so.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::super::WebState;
use super::super::error::ApiError;

pub(super) async fn require_key(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(key) = &state.api_key else {
        return Err(ApiError::ApiDisabled);
    };
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer);
    match given {
        Some(given) if keys_match(key.expose_secret().as_bytes(), given.as_bytes()) => {
            Ok(next.run(request).await)
        }
        _ => Err(ApiError::Unauthorized),
    }
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
pub(super) fn keys_match(expected: &[u8], given: &[u8]) -> bool {
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
