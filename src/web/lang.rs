//! Which language a page is shown in, per request: `?lang=` first, then the language
//! cookie (set by the header's switch, `GET /lang?set=zh-CN&next=/…`, a plain link),
//! then `Accept-Language`, then the configured default (`SPACEWARDEN_LANG`). A value
//! that names no language spacewarden has a file for is skipped, not an error.
//!
//! The JSON API never reads this: what programs read is the same in every language.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::{ACCEPT_LANGUAGE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::WebState;
use super::auth::same_site_path;
use super::pages::Ui;
use crate::i18n::Lang;

/// The cookie the switch sets. Not a secret, and read by no script.
pub(crate) const LANG_COOKIE: &str = "spacewarden_lang";

/// The language from the four sources, in order.
pub(crate) fn negotiate(
    query: Option<&str>,
    cookie: Option<&str>,
    accept: Option<&str>,
    default: Lang,
) -> Lang {
    query
        .and_then(Lang::match_tag)
        .or_else(|| cookie.and_then(Lang::match_tag))
        .or_else(|| accept.and_then(Lang::from_accept_language))
        .unwrap_or(default)
}

fn query_lang(parts: &Parts) -> Option<String> {
    url::form_urlencoded::parse(parts.uri.query()?.as_bytes())
        .find(|(key, _)| key == "lang")
        .map(|(_, value)| value.into_owned())
}

fn cookie_lang(headers: &HeaderMap) -> Option<&str> {
    crate::web::auth::request_cookie(headers, LANG_COOKIE)
}

/// The page's path and query without `lang`, for the switch to come back to.
fn here(parts: &Parts) -> String {
    let path = parts.uri.path();
    let rest: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let kept: Vec<&(String, String)> = rest.iter().filter(|(k, _)| k != "lang").collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish();
    format!("{path}?{query}")
}

/// The page's `Ui` from the headers alone (the cookie, `Accept-Language`, the
/// default), for a handler that has no query to read (the sign-in form after a POST).
pub(crate) fn ui_from_headers(state: &WebState, headers: &HeaderMap) -> Ui {
    let locale = state.monitor.config().locale;
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Ui {
        lang: negotiate(None, cookie_lang(headers), accept, locale.lang),
        zone: locale.zone,
        here: None,
        fixed: false,
    }
}

impl FromRequestParts<WebState> for Ui {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Ui, Infallible> {
        let locale = state.monitor.config().locale;
        let accept = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let query = query_lang(parts);
        let lang = negotiate(
            query.as_deref(),
            cookie_lang(&parts.headers),
            accept,
            locale.lang,
        );
        Ok(Ui {
            lang,
            zone: locale.zone,
            here: Some(here(parts)),
            fixed: false,
        })
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SwitchQuery {
    set: Option<String>,
    next: Option<String>,
}

/// `GET /lang?set=zh-CN&next=/space/a/b`: remembers the language for a year and goes
/// back. An unknown language clears the choice (the browser's own applies again).
pub(super) async fn switch(Query(query): Query<SwitchQuery>) -> Response {
    let next = same_site_path(query.next.as_deref()).to_owned();
    let cookie = match query.set.as_deref().and_then(Lang::match_tag) {
        Some(lang) => format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.tag()
        ),
        None => format!("{LANG_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly"),
    };
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, next), (SET_COOKIE, cookie)],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_then_cookie_then_browser_then_default() {
        let zh = Lang::exact("zh-CN").unwrap();
        let en = Lang::EN;
        assert_eq!(negotiate(Some("zh"), Some("en"), Some("en"), en), zh);
        assert_eq!(negotiate(Some("en"), Some("zh-CN"), Some("zh"), zh), en);
        assert_eq!(negotiate(None, Some("zh-CN"), Some("en"), en), zh);
        assert_eq!(negotiate(Some("fr"), Some("zh-CN"), Some("en"), en), zh);
        assert_eq!(negotiate(None, None, Some("zh-TW,en;q=0.5"), en), zh);
        assert_eq!(negotiate(None, Some("xx"), Some("fr"), zh), zh);
        assert_eq!(negotiate(None, None, None, zh), zh);
    }
}
