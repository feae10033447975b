//! `HubError`: what went wrong talking to the Hub, shaped so the caller can decide
//! (back off, tell the admin about credentials, tell the user the Space is unknown).

use std::time::Duration;

use crate::domain::{CheckFailure, HubTrouble};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HubError {
    /// 404, or a 401 on a repo URL without a token: unknown, or private and invisible.
    #[error("not found on the Hub: {0}")]
    NotFound(String),
    /// 401 with a token: the token is invalid or expired.
    #[error("the Hub refused the token: {0}")]
    Unauthorized(String),
    /// 403: authenticated but not allowed (not the owner, missing scope).
    #[error("the Hub refused the request: {0}")]
    Forbidden(String),
    /// 400: e.g. restarting a static Space.
    #[error("the Hub rejected the request: {0}")]
    BadRequest(String),
    /// 429, or our own pacing when the last reply said no requests are left.
    #[error("rate limited by the Hub; retry in {}s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// Timeouts, connection failures and 5xx: try again later.
    #[error("the Hub is unavailable: {0}")]
    Transient(String),
    /// A reply we could not read.
    #[error("unexpected reply from the Hub: {0}")]
    Decode(String),
}

impl HubError {
    /// A sentence for users: what kind of failure, in our words (English, as stored;
    /// `domain::reason_in` reads it in a person's language). The variants' own text
    /// carries the Hub's reply, which goes to the log only.
    pub fn summary(&self) -> String {
        self.trouble().to_string()
    }

    /// What kind of failure, as a value.
    pub fn trouble(&self) -> HubTrouble {
        match self {
            HubError::NotFound(_) => HubTrouble::Unknown,
            HubError::Unauthorized(_) => HubTrouble::TokenRefused,
            HubError::Forbidden(_) => HubTrouble::NotAllowed,
            HubError::BadRequest(_) => HubTrouble::Rejected,
            HubError::RateLimited { retry_after } => HubTrouble::RateLimited(retry_after.as_secs()),
            HubError::Transient(_) => HubTrouble::Unavailable,
            HubError::Decode(_) => HubTrouble::Unreadable,
        }
    }

    pub fn failure(&self) -> CheckFailure {
        match self {
            HubError::NotFound(_) => CheckFailure::NotFound,
            HubError::Unauthorized(_) | HubError::Forbidden(_) => CheckFailure::Credentials,
            HubError::RateLimited { .. } => CheckFailure::RateLimited,
            HubError::Transient(_) => CheckFailure::HubUnavailable,
            HubError::BadRequest(_) | HubError::Decode(_) => CheckFailure::BadReply,
        }
    }
}

impl From<&HubError> for crate::domain::Unchecked {
    /// Why a check could not be made, as stored and reported.
    fn from(error: &HubError) -> Self {
        crate::domain::Unchecked {
            kind: error.failure(),
            error: error.to_string(),
        }
    }
}
