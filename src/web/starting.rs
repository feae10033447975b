//! What a request gets while the daemon first reads its stored history (issue 25,
//! finding 2; `view::keep_current` reads it, at 10,000 Spaces with 90 days for seconds).
//! The server listens from the start, so `/healthz` answers and Docker or Hugging Face
//! do not take the process for dead; `/readyz` says not ready and why. A request that
//! needs the figures (a page, the JSON API and its compatibility routes, `/metrics`)
//! waits at most `WAIT` for the read to finish; after that it answers 503 with
//! `Retry-After`:
//!
//! - a page: "starting: reading the history of N Spaces", in the reader's language,
//!   reloading itself;
//! - the JSON API: its usual error body, code `starting`;
//! - `/metrics`: the same sentence as plain text (Prometheus records a failed scrape).
//!
//! As Uptime Kuma does while it migrates its history at start (a stand-in server on its
//! port shows the progress, so the health check does not fail), rather than as Gatus
//! (nothing listens until its store is loaded). Sign-in, assets, the language switch,
//! the live streams and the OpenAPI document never wait. Forms (POST) are not held
//! either: an action goes through the command core, which reads what it needs.

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::pages::{Ui, starting_page};
use super::{ApiError, WebState};
use crate::i18n::Lang;

/// How long a request waits for the first read before it is answered 503: a small
/// store is read well within it, so nobody sees the 503 but at a large one.
pub(super) const WAIT: Duration = Duration::from_millis(250);
/// What `Retry-After` and the page's reload ask for, in seconds.
pub(super) const RETRY_SECS: u32 = 2;

/// Whether `path` needs the read model (and so waits for it).
fn needs_figures(method: &Method, path: &str) -> bool {
    if method != Method::GET && method != Method::HEAD {
        return false;
    }
    path == "/"
        || path == "/metrics"
        || path.starts_with("/owner/")
        || (path.starts_with("/space/") && !path.ends_with("/live"))
        || (path.starts_with("/api/") && path != "/api/v1/openapi.json")
}

pub(super) async fn starting_gate(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(warmth) = &state.warmth else {
        return next.run(request).await;
    };
    if warmth.phase().serves() || !needs_figures(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let phase = warmth.serves_within(WAIT).await;
    if phase.serves() {
        return next.run(request).await;
    }
    let path = request.uri().path();
    // Programs read English, as every API message (`i18n-errors`).
    let sentence = crate::t!(Lang::EN, "starting-api");
    let response = if path.starts_with("/api/") {
        ApiError::Starting(sentence).into_response()
    } else if path == "/metrics" {
        (StatusCode::SERVICE_UNAVAILABLE, sentence).into_response()
    } else {
        let (mut parts, _) = request.into_parts();
        let Ok(ui) = Ui::from_request_parts(&mut parts, &state).await;
        starting_page(&ui, phase.spaces())
    };
    crate::web::retry_later(response, u64::from(RETRY_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_the_api_and_metrics_wait_and_nothing_else() {
        let get = Method::GET;
        for path in [
            "/",
            "/metrics",
            "/owner/alice",
            "/space/alice/app",
            "/api/v1/spaces",
            "/api/v1/info/token",
        ] {
            assert!(needs_figures(&get, path), "{path}");
        }
        for path in [
            "/healthz",
            "/readyz",
            "/login",
            "/assets/style.css",
            "/lang",
            "/live",
            "/space/alice/app/live",
            "/api/v1/openapi.json",
        ] {
            assert!(!needs_figures(&get, path), "{path}");
        }
        assert!(!needs_figures(&Method::POST, "/space/alice/app/restart"));
    }
}
