//! Sign in with Hugging Face: `GET /login/huggingface` starts the flow, `GET
//! /login/callback` (Hugging Face's default `hf_oauth_redirect_path`) finishes it.
//!
//! Between the two, the flow's `state`, `nonce` and PKCE verifier stay on the server,
//! in a small map with a bound and an expiry, under a random id. The browser holds only
//! that id, in a cookie that is `SameSite=Lax` (a `Strict` one is not sent on the
//! navigation back from huggingface.co) and scoped to `/login`. The callback takes the
//! entry out (one use), so a replayed callback finds nothing. After a good callback the
//! page answers 200 with a link and a meta refresh instead of a 303: a `Strict` cookie
//! set during a cross-site navigation is withheld on its immediate redirect.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::oauth_pages as pages;
use super::oidc::{Failure, Identity, Provider};
use super::{client, same_site_path, session};
use crate::domain::time;
use crate::i18n::Lang;
use crate::web::WebState;
use crate::web::lang::ui_from_headers;
use crate::web::pages::{internal_error_in, not_found_in};

const FLOW_COOKIE: &str = "spacewarden_oauth";
/// Sign-ins under way at most: each entry is a few hundred bytes, and a stranger
/// opening `/login/huggingface` in a loop fills only this, never memory.
const MAX_PENDING: usize = 1024;
/// How long a sign-in may take at the provider.
const PENDING_FOR: Duration = Duration::from_secs(600);

struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    started: DateTime<Utc>,
}

/// The provider and the sign-ins under way.
pub(super) struct Flows {
    provider: Provider,
    pending: Mutex<HashMap<String, Pending>>,
}

impl Flows {
    pub(super) fn new(provider: Provider) -> Flows {
        Flows {
            provider,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps `flow` under a fresh id; `None` when the map is full of live flows.
    fn keep(&self, flow: Pending, now: DateTime<Utc>) -> Option<String> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() >= MAX_PENDING {
            pending.retain(|_, p| time::elapsed(p.started, now) < PENDING_FOR);
        }
        if pending.len() >= MAX_PENDING {
            return None;
        }
        let id = crate::telemetry::random_hex(32);
        pending.insert(id.clone(), flow);
        Some(id)
    }

    /// Takes the flow of `id` out, if it is there and not too old.
    fn take(&self, id: &str, now: DateTime<Utc>) -> Option<Pending> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .remove(id)
            .filter(|p| time::elapsed(p.started, now) < PENDING_FOR)
    }
}

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/login/huggingface", get(start))
        .route("/login/callback", get(callback))
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Where the provider sends the browser back: `PUBLIC_URL`, else the Space's host,
/// else this machine on the port actually bound.
fn redirect_uri(state: &WebState) -> String {
    let auth = &state.auth;
    let base = match (&auth.access.public_url, &auth.space_host) {
        (Some(url), _) => url.as_str().trim_end_matches('/').to_owned(),
        (None, Some(host)) => format!("https://{host}"),
        (None, None) => format!(
            "http://localhost:{}",
            auth.bound_port
                .get()
                .copied()
                .unwrap_or(state.monitor.config().port)
        ),
    };
    format!("{base}/login/callback")
}

fn flow_cookie(value: &str, https: bool, max_age: u64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{FLOW_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn flow_id(headers: &HeaderMap) -> Option<&str> {
    session::token_cookie(headers, FLOW_COOKIE)
}

fn busy(lang: Lang) -> Response {
    let response = pages::failed(lang, StatusCode::SERVICE_UNAVAILABLE, "login-busy");
    crate::web::retry_later(response, 1)
}

/// A failure as the visitor sees it; the reason goes to the log only.
fn failed(lang: Lang, failure: Failure) -> Response {
    match failure {
        Failure::Busy => busy(lang),
        Failure::Provider(why) => {
            tracing::warn!(reason = %why, "sign-in with Hugging Face: the provider failed");
            pages::failed(lang, StatusCode::BAD_GATEWAY, "oauth-provider-failed")
        }
        Failure::Rejected(why) => {
            tracing::warn!(reason = %why, "sign-in with Hugging Face refused");
            pages::failed(lang, StatusCode::BAD_REQUEST, "oauth-rejected")
        }
    }
}

async fn start(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let ui = ui_from_headers(&state, &headers);
    let Some(flows) = &state.auth.oauth else {
        return not_found_in(&ui);
    };
    let redirect = redirect_uri(&state);
    let started = match flows.provider.start(&redirect).await {
        Ok(started) => started,
        Err(failure) => return failed(ui.lang, failure),
    };
    let now = state.monitor.now();
    let flow = Pending {
        state: started.state,
        nonce: started.nonce,
        verifier: started.verifier,
        next: same_site_path(query.next.as_deref()).to_owned(),
        started: now,
    };
    let Some(id) = flows.keep(flow, now) else {
        return busy(ui.lang);
    };
    let cookie = flow_cookie(&id, client::is_https(&headers), PENDING_FOR.as_secs());
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, started.url.to_string()), (SET_COOKIE, cookie)],
    )
        .into_response()
}

async fn callback(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let ui = ui_from_headers(&state, &headers);
    let Some(flows) = &state.auth.oauth else {
        return not_found_in(&ui);
    };
    let now = state.monitor.now();
    let refused = |why: &str| failed(ui.lang, Failure::Rejected(why.to_owned()));
    let Some(flow) = flow_id(&headers).and_then(|id| flows.take(id, now)) else {
        return refused("no sign-in under way for this browser (or it took too long)");
    };
    let echoed = query.state.as_deref().unwrap_or("");
    if !bool::from(echoed.as_bytes().ct_eq(flow.state.as_bytes())) {
        return refused("the state is not the one sent");
    }
    if query.error.is_some() {
        return refused("the provider answered with an error");
    }
    let Some(code) = query.code else {
        return refused("the callback has no code");
    };
    let redirect = redirect_uri(&state);
    match flows
        .provider
        .finish(&redirect, code, flow.verifier, &flow.nonce)
        .await
    {
        Ok(identity) => signed_in(&state, &headers, identity, &flow.next, now).await,
        Err(failure) => failed(ui.lang, failure),
    }
}

/// A name as Hugging Face makes them; anything else is not trusted into the audit.
fn plausible_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 96
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

async fn signed_in(
    state: &WebState,
    headers: &HeaderMap,
    identity: Identity,
    next: &str,
    now: DateTime<Utc>,
) -> Response {
    let ui = ui_from_headers(state, headers);
    if !plausible_name(&identity.username) {
        return failed(
            ui.lang,
            Failure::Rejected("the user name is not a Hugging Face name".into()),
        );
    }
    let auth = &state.auth;
    let Some(role) = auth.access.role_of(&identity.username, &identity.orgs) else {
        tracing::info!(user = %identity.username, "signed in with Hugging Face, but in neither WEB_ADMINS nor WEB_VIEWERS");
        return pages::not_listed(ui.lang, &identity.username);
    };
    let store = state.monitor.store();
    let credentials = match auth.credentials(store).await {
        Ok(credentials) => credentials,
        Err(e) => return internal_error_in(&ui, &e),
    };
    let Some(lists) = credentials.hf_lists else {
        return not_found_in(&ui);
    };
    // The provider's token lifetime when it says (hf_oauth_expiration_minutes), never
    // past the absolute lifetime of every session.
    let lifetime = identity
        .expires_in
        .map_or(session::MAX_AGE, |d| d.min(session::MAX_AGE));
    let end = time::after(now, lifetime);
    let new = session::NewSession {
        username: format!("{}{}", session::HF_PREFIX, identity.username),
        credential: lists,
        hf: Some((identity.sub, role, end)),
    };
    let https = client::is_https(headers);
    match session::start(store, &credentials, new, now, https).await {
        Ok(cookie) => {
            tracing::info!(user = %identity.username, role = role.as_str(), "signed in with Hugging Face");
            let mut response = pages::continue_to(ui.lang, next, &identity.username, role);
            let cleared = flow_cookie("", https, 0);
            for value in [cookie, cleared] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(SET_COOKIE, value);
                }
            }
            response
        }
        Err(e) => internal_error_in(&ui, &e),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use secrecy::SecretString;

    use super::*;
    use crate::config::OAuthSettings;

    fn flows() -> Flows {
        let settings = OAuthSettings {
            client_id: "id".into(),
            client_secret: SecretString::from("s".to_owned()),
            scopes: "openid profile".into(),
            // Nothing listens here: these tests make no request.
            provider_url: url::Url::parse("http://127.0.0.1:9").unwrap(),
        };
        Flows::new(Provider::new(settings))
    }

    fn flow(at: DateTime<Utc>) -> Pending {
        Pending {
            state: "s".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            next: "/".into(),
            started: at,
        }
    }

    #[test]
    fn a_flow_is_taken_once_and_not_after_ten_minutes() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        let flows = flows();
        let id = flows.keep(flow(t0), t0).unwrap();
        assert_eq!(id.len(), 64);
        assert!(flows.take(&id, t0).is_some());
        assert!(flows.take(&id, t0).is_none(), "once");
        let id = flows.keep(flow(t0), t0).unwrap();
        assert!(
            flows
                .take(&id, t0 + chrono::Duration::minutes(10))
                .is_none()
        );
    }

    #[test]
    fn flows_under_way_are_bounded_and_stale_ones_make_room() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        let flows = flows();
        for _ in 0..MAX_PENDING {
            assert!(flows.keep(flow(t0), t0).is_some());
        }
        assert!(flows.keep(flow(t0), t0).is_none(), "full");
        let later = t0 + chrono::Duration::minutes(11);
        assert!(
            flows.keep(flow(later), later).is_some(),
            "stale ones pruned"
        );
    }

    #[tokio::test]
    async fn outside_calls_beyond_the_bound_are_turned_away_at_once() {
        let flows = flows();
        let held: Vec<_> = (0..4).map(|_| flows.provider.hold_slot()).collect();
        assert!(held.iter().all(Option::is_some));
        let started = flows
            .provider
            .start("http://localhost/login/callback")
            .await;
        assert!(matches!(started, Err(Failure::Busy)));
    }

    #[test]
    fn the_flow_cookie_is_lax_and_scoped_to_login() {
        assert_eq!(
            flow_cookie("ab", true, 600),
            "spacewarden_oauth=ab; Path=/login; HttpOnly; SameSite=Lax; Max-Age=600; Secure"
        );
    }
}
