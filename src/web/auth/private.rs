//! `WEB_PRIVATE=true`: anonymous visitors reach only the sign-in pages, their assets,
//! `/healthz` and `/readyz`. Everything else of the page (the status page, Space pages,
//! `/live` streams, `/costs`) needs a session; `/metrics` needs the API key as a bearer
//! token (what Prometheus sends). The JSON API and the compatibility routes under
//! `/api/v1` keep their own key checks, and a session never authorizes them.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::web::WebState;

/// Paths anyone may reach on a private page.
fn open_path(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/login/huggingface" | "/login/callback" | "/logout" | "/healthz" | "/readyz"
    ) || path.starts_with("/assets/")
        || path == "/api/v1"
        || path.starts_with("/api/v1/")
}

fn has_api_key(state: &WebState, headers: &HeaderMap) -> bool {
    let Some(key) = &state.api_key else {
        return false;
    };
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(key.expose_secret().as_bytes())))
}

pub(in crate::web) async fn private_gate(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if !state.auth.access.private || open_path(path) {
        return next.run(request).await;
    }
    if path == "/metrics" {
        return if has_api_key(&state, request.headers()) {
            next.run(request).await
        } else {
            StatusCode::UNAUTHORIZED.into_response()
        };
    }
    match super::current_session(&state, request.headers()).await {
        Ok(Some(_)) => next.run(request).await,
        Ok(None) if request.method() == Method::GET => {
            let back = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let target = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
            );
            (StatusCode::SEE_OTHER, [(LOCATION, target)]).into_response()
        }
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => {
            let ui = crate::web::lang::ui_from_headers(&state, request.headers());
            crate::web::pages::internal_error_in(&ui, &e)
        }
    }
}
