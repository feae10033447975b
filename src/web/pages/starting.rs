//! The page shown while the daemon first reads its stored history (`web::starting`):
//! how many Spaces it reads, in the reader's language, reloading itself every
//! `Retry-After` seconds (a plain meta refresh of the same address, no script).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::layout::{self, Frame, Viewer};
use super::site::Site;
use super::ui::Ui;
use crate::clock::{Clock, SystemClock};
use crate::t;

/// 503: "starting: reading the history of `spaces` Spaces" (without the number until
/// it is known).
pub(crate) fn starting_page(ui: &Ui, spaces: Option<usize>) -> Response {
    let title = ui.t("starting-title");
    let text = match spaces {
        Some(spaces) => t!(ui.lang, "starting-text", spaces = spaces),
        None => ui.t("starting-text-unknown"),
    };
    let viewer = Viewer::Visitor { sign_in: false };
    let body = html! {
        h1 { (title) }
        p role="status" { (text) }
    };
    let frame = Frame {
        refresh: Some(crate::web::starting::RETRY_SECS),
        ..Frame::new(ui, Site::Live, &title, SystemClock.now(), &viewer)
    };
    let page = layout::page(frame, body);
    (StatusCode::SERVICE_UNAVAILABLE, Html(page.into_string())).into_response()
}
