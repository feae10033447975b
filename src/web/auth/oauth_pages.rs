//! The few pages of sign-in with Hugging Face: the one that continues to the page
//! after a good callback (a link plus a meta refresh, not a redirect: see `oauth`),
//! the one for a signed-in user no role list names, and failures. Small on purpose:
//! the page's frame and messages live in `web::pages`.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::config::WebRole;

fn document(title: &str, head: Option<Markup>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · spacewarden" }
                link rel="stylesheet" href="/assets/style.css";
                @if let Some(head) = head { (head) }
            }
            body { main { div.card.login { (body) } } }
        }
    }
    .into_string()
}

/// 200 after signing in: on to `next` (a path on this site, already checked).
pub(super) fn continue_to(next: &str, name: &str, role: WebRole) -> Response {
    let refresh = html! { meta http-equiv="refresh" content={ "0; url=" (next) }; };
    let body = html! {
        h1 { "Signed in" }
        p { "Signed in with Hugging Face as " strong { (name) } " (" (role.as_str()) ")." }
        p { a.btn href=(next) { "Continue" } }
    };
    Html(document("Signed in", Some(refresh), body)).into_response()
}

/// 403: signed in at Hugging Face, but neither `WEB_ADMINS` nor `WEB_VIEWERS` names
/// the user; no session, so the page treats them as any visitor.
pub(super) fn not_listed(name: &str) -> Response {
    let body = html! {
        h1 { "Not on the list" }
        p { "You signed in with Hugging Face as " strong { (name) } ", but this spacewarden "
            "lists you neither as an admin nor as a viewer (WEB_ADMINS, WEB_VIEWERS). "
            "You see the page as any visitor does." }
        p { a href="/" { "Go to the page" } }
    };
    (
        StatusCode::FORBIDDEN,
        Html(document("Not on the list", None, body)),
    )
        .into_response()
}

/// A sign-in that did not complete: `status` and one sentence.
pub(super) fn failed(status: StatusCode, sentence: &str) -> Response {
    let body = html! {
        h1 { "Not signed in" }
        p { (sentence) }
        p { a href="/login" { "Back to sign-in" } }
    };
    (status, Html(document("Not signed in", None, body))).into_response()
}
