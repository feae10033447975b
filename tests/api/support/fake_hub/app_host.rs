//! The app host standing in for `https://{subdomain}.hf.space`. No wildcard
//! DNS locally, so it is path-routed: `/{subdomain}/…`. A serving Space
//! answers its configured status/body after its delay. Anything else answers
//! 503 with a short HTML page; a visit to a SLEEPING or STOPPED Space also
//! wakes it (§7.1, §7.2: "anyone visiting your Space will restart it"),
//! while a PAUSED one stays paused (§7.3). Private apps want a token (401).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::layers;
use super::list::auth;
use super::reply;
use super::spec::HostKind;
use super::state::{Shared, is_serving};

pub(crate) fn app_router(shared: Arc<Shared>) -> Router {
    // A fallback rather than routes: it sees every path, including `/sub`
    // with no trailing slash and `/sub/` (which a `{*rest}` route misses).
    Router::new()
        .fallback(app)
        .layer(axum::middleware::from_fn_with_state(
            (shared.clone(), HostKind::App),
            layers::log_only,
        ))
        .with_state(shared)
}

fn page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
}

async fn app(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let sub = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let (delay, status, body) = {
        let mut st = shared.lock();
        let caller = st.caller(auth(&headers));
        let Some(idx) = st.spaces.iter().position(|s| s.subdomain == sub) else {
            return reply::html(
                404,
                page("404", "Sorry, we can't find the page you are looking for."),
            );
        };
        if !st.can_read(&caller, &st.spaces[idx]) {
            // No wake for a visitor who cannot see the Space.
            return reply::html(401, page("401", "Unauthorized: this Space is private."));
        }
        let space = &mut st.spaces[idx];
        let (status, body) = if space.is_static() || is_serving(&space.stage) {
            (space.app_status, space.app_body.clone())
        } else {
            match space.stage.as_str() {
                "SLEEPING" | "STOPPED" => {
                    space.wake();
                    (
                        503,
                        page(
                            "Space is waking up",
                            "This Space is asleep. Waking it up...",
                        ),
                    )
                }
                "PAUSED" => (
                    503,
                    page("Space paused", "This Space has been paused by its owner."),
                ),
                stage => (
                    503,
                    page(
                        "Space not running",
                        &format!("This Space is not running (stage {stage})."),
                    ),
                ),
            }
        };
        (space.app_delay, status, body)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // Apps often expose JSON health endpoints; label such bodies as JSON.
    if body.trim_start().starts_with(['{', '[']) {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        return (code, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    reply::html(status, body)
}
