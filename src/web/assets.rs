//! The pages' stylesheet and scripts, compiled into the binary: the status page loads
//! nothing from anywhere else (no CDN), so it works offline and behind strict proxies.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use super::WebState;

pub(super) const STYLE: &str = include_str!("assets/style.css");
const THEME: &str = include_str!("assets/theme.js");
const LIVE: &str = include_str!("assets/live.js");

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/assets/style.css", get(style))
        .route("/assets/theme.js", get(theme))
        .route("/assets/live.js", get(live))
}

/// An hour of caching: short enough that an upgrade shows up the same day.
const CACHE: &str = "public, max-age=3600";

async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        STYLE,
    )
}

fn script(text: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        text,
    )
}

async fn theme() -> impl IntoResponse {
    script(THEME)
}

async fn live() -> impl IntoResponse {
    script(LIVE)
}
