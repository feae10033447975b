//! The few pages of sign-in with Hugging Face: the one that continues to the page
//! after a good callback (a link plus a meta refresh, not a redirect: see `oauth`),
//! the one for a signed-in user no role list names, and failures. Small on purpose:
//! the page's frame lives in `web::pages`; the words are message ids in the reader's
//! language (`web::lang`).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::config::WebRole;
use crate::i18n::Lang;
use crate::t;

fn document(lang: Lang, title: &str, head: Option<Markup>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
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
pub(super) fn continue_to(lang: Lang, next: &str, name: &str, role: WebRole) -> Response {
    let refresh = html! { meta http-equiv="refresh" content={ "0; url=" (next) }; };
    let title = t!(lang, "oauth-signed-in-title");
    let role = t!(lang, &format!("header-role-{}", role.as_str()));
    let body = html! {
        h1 { (title) }
        p { (t!(lang, "oauth-signed-in-as")) " " strong translate="no" { (name) } " (" (role) ")" (t!(lang, "confirm-sentence-end")) }
        p { a.btn href=(next) { (t!(lang, "oauth-continue")) } }
    };
    Html(document(lang, &title, Some(refresh), body)).into_response()
}

/// 403: signed in at Hugging Face, but neither `WEB_ADMINS` nor `WEB_VIEWERS` names
/// the user; no session, so the page treats them as any visitor.
pub(super) fn not_listed(lang: Lang, name: &str) -> Response {
    let title = t!(lang, "oauth-not-listed-title");
    let body = html! {
        h1 { (title) }
        p { (t!(lang, "oauth-signed-in-as")) " " strong translate="no" { (name) }
            (t!(lang, "oauth-not-listed-text")) }
        p { a href="/" { (t!(lang, "oauth-go-to-page")) } }
    };
    (
        StatusCode::FORBIDDEN,
        Html(document(lang, &title, None, body)),
    )
        .into_response()
}

/// A sign-in that did not complete: `status` and one sentence (a message id).
pub(super) fn failed(lang: Lang, status: StatusCode, sentence_id: &str) -> Response {
    let title = t!(lang, "oauth-not-signed-in-title");
    let body = html! {
        h1 { (title) }
        p { (t!(lang, sentence_id)) }
        p { a href="/login" { (t!(lang, "oauth-back-to-sign-in")) } }
    };
    (status, Html(document(lang, &title, None, body))).into_response()
}
