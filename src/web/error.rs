//! `ApiError`: every way a JSON request can fail, as a status, a stable `error` code
//! and a sentence for people. Internal failures (the store, encoding) are logged with
//! their cause and answered as an opaque 500, so no database detail leaks to clients.

use axum::Json;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;
use crate::telemetry::ErrorRef;

/// The body of every error answer of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code to branch on: `unauthorized`, `api_disabled`, `not_found`,
    /// `invalid_space_id`, `invalid_query`, `method_not_allowed`, `repair_in_flight`,
    /// `forbidden`, `action_failed`, `no_leader`, `starting` (503 with `Retry-After`:
    /// the daemon is reading its stored history), `internal`.
    #[schema(example = "not_found")]
    pub error: &'static str,
    /// What went wrong, for people.
    #[schema(example = "spacewarden does not watch alice/app")]
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a valid API key is required (Authorization: Bearer <API_KEY>)")]
    Unauthorized,
    #[error("the JSON API is off; set API_KEY to turn it on")]
    ApiDisabled,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidSpaceId(String),
    #[error("{0}")]
    InvalidQuery(String),
    #[error("this path does not accept that method")]
    MethodNotAllowed,
    #[error("{0} is already being repaired; wait for that to finish")]
    RepairInFlight(String),
    /// Authenticated, but not allowed (`API_READ_KEY` asking for an action).
    #[error("{0}")]
    Forbidden(String),
    /// The Hub refused or failed an action; the message is ours, with a reference.
    #[error("{0}")]
    ActionFailed(String),
    /// Already logged under the reference the message carries.
    #[error("{0}")]
    Referenced(String),
    /// A follower replica found no leader to carry an action out; nothing was done.
    #[error("{0}")]
    NoLeader(String),
    /// The daemon is still reading the stored history (`web::starting`): retry.
    #[error("{0}")]
    Starting(String),
    /// Logged with its cause; the client sees only "internal error".
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(why: impl Into<String>) -> ApiError {
        ApiError::Internal(why.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::ApiDisabled | ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::InvalidSpaceId(_) | ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RepairInFlight(_) => StatusCode::CONFLICT,
            ApiError::ActionFailed(_) => StatusCode::BAD_GATEWAY,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Referenced(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::NoLeader(_) | ApiError::Starting(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::ApiDisabled => "api_disabled",
            ApiError::NotFound(_) => "not_found",
            ApiError::InvalidSpaceId(_) => "invalid_space_id",
            ApiError::InvalidQuery(_) => "invalid_query",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::RepairInFlight(_) => "repair_in_flight",
            ApiError::ActionFailed(_) => "action_failed",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Referenced(_) => "internal",
            ApiError::NoLeader(_) => "no_leader",
            ApiError::Starting(_) => "starting",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = match &self {
            // The cause goes to the log under a reference; the client gets the
            // reference only.
            ApiError::Internal(why) => {
                let reference = ErrorRef::log_message("HTTP request failed", why);
                format!("internal error (ref {reference})")
            }
            other => other.to_string(),
        };
        let mut response = (
            self.status(),
            Json(ErrorBody {
                error: self.code(),
                message,
            }),
        )
            .into_response();
        if let ApiError::Unauthorized = self {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
