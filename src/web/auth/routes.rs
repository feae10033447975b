//! `GET /login` (the form), `POST /login` (303 with a session cookie, 401, 429 with
//! `Retry-After`, or 503 with `Retry-After: 1`) and `POST /logout`.
//!
//! `POST /login` checks in this order: the client's throttle reservation (429 when it
//! has none left), a verification permit taken without waiting (503 when all are busy;
//! the reservation is handed back, so this is not a failed attempt), then the password.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::{client, same_site_path, session};
use crate::web::WebState;
use crate::web::lang::ui_from_headers;
use crate::web::pages::{LoginForm, forbidden_in, internal_error_in, login_page, not_found_in};

pub(in crate::web) fn router() -> Router<WebState> {
    Router::new()
        .route("/login", get(form).post(login))
        .route("/logout", post(logout))
        .merge(super::oauth::router())
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_owned())]).into_response()
}

async fn form(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<Next>,
) -> Response {
    if !state.auth.enabled() {
        return not_found_in(&ui_from_headers(&state, &headers));
    }
    let next = same_site_path(query.next.as_deref());
    match super::current_session(&state, &headers).await {
        Ok(Some(_)) => see_other(next),
        Ok(None) => form_page(&state, &headers, StatusCode::OK, next, "", None),
        Err(e) => internal_error_in(&ui_from_headers(&state, &headers), &e),
    }
}

/// The sign-in form with `status`, and with the way out of Hugging Face's frame on a
/// Space.
fn form_page(
    state: &WebState,
    headers: &HeaderMap,
    status: StatusCode,
    next: &str,
    username: &str,
    message: Option<String>,
) -> Response {
    // The reader's language from the cookie and `Accept-Language` (`web::lang`).
    let ui = crate::web::lang::ui_from_headers(state, headers);
    let form = LoginForm {
        next,
        username,
        message: message.as_deref(),
        space_host: state.auth.space_host.as_deref(),
        password: state.auth.sign_in.is_some(),
        huggingface: state.auth.oauth.is_some(),
        ui: &ui,
    };
    (status, Html(login_page(state.monitor.now(), &form))).into_response()
}

/// A refusal before any password is checked: `status` with `Retry-After: seconds`.
fn refused(
    state: &WebState,
    headers: &HeaderMap,
    status: StatusCode,
    seconds: u64,
    next: &str,
    username: &str,
    message: String,
) -> Response {
    let response = form_page(state, headers, status, next, username, Some(message));
    crate::web::retry_later(response, seconds)
}

async fn login(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let auth = &state.auth;
    let Some(sign_in) = &auth.sign_in else {
        return not_found_in(&ui_from_headers(&state, &headers));
    };
    let now = state.monitor.now();
    let next = same_site_path(form.next.as_deref());
    let client = auth.client(peer.as_ref().map(|Extension(info)| info), &headers);
    if let Err(wait) = auth.throttle.reserve(client, now) {
        let seconds = wait.as_secs().max(1);
        tracing::warn!(%client, "sign-in throttled after repeated failures");
        let lang = crate::web::lang::ui_from_headers(&state, &headers).lang;
        let message = crate::t!(lang, "login-throttled", seconds = seconds);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return refused(
            &state,
            &headers,
            status,
            seconds,
            next,
            &form.username,
            message,
        );
    }
    let Some(permit) = auth.verifier.try_permit() else {
        auth.throttle.release(client, now);
        if let Some(turned_away) = auth.verifier.note_busy(now) {
            tracing::warn!(
                turned_away,
                "sign-ins turned away: every password check is busy"
            );
        }
        let lang = crate::web::lang::ui_from_headers(&state, &headers).lang;
        let message = crate::t!(lang, "login-busy");
        let status = StatusCode::SERVICE_UNAVAILABLE;
        return refused(&state, &headers, status, 1, next, &form.username, message);
    };
    let username = form.username.clone();
    if !auth
        .verifier
        .verify(permit, sign_in, username, form.password)
        .await
    {
        tracing::warn!(%client, "sign-in failed");
        let lang = crate::web::lang::ui_from_headers(&state, &headers).lang;
        let message = Some(crate::t!(lang, "login-wrong"));
        return form_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            next,
            &form.username,
            message,
        );
    }
    auth.throttle.succeeded(client);
    signed_in(&state, &headers, next, now, client).await
}

/// The session cookie and the way on, after the right password.
async fn signed_in(
    state: &WebState,
    headers: &HeaderMap,
    next: &str,
    now: chrono::DateTime<chrono::Utc>,
    client: std::net::IpAddr,
) -> Response {
    let store = state.monitor.store();
    let credentials = match state.auth.credentials(store).await {
        Ok(credentials) => credentials,
        Err(e) => return internal_error_in(&ui_from_headers(state, headers), &e),
    };
    let Some(credential) = &credentials.password else {
        return not_found_in(&ui_from_headers(state, headers));
    };
    let new = session::NewSession {
        username: credential.username.to_owned(),
        credential: credential.fingerprint,
        hf: None,
    };
    let https = client::is_https(headers);
    match session::start(store, &credentials, new, now, https).await {
        Ok(cookie) => {
            tracing::info!(user = %credential.username, %client, "signed in on the page");
            (
                StatusCode::SEE_OTHER,
                [(LOCATION, next.to_owned()), (SET_COOKIE, cookie)],
            )
                .into_response()
        }
        Err(e) => internal_error_in(&ui_from_headers(state, headers), &e),
    }
}

async fn logout(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !state.auth.enabled() {
        return not_found_in(&ui_from_headers(&state, &headers));
    }
    let session = match super::current_session(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return see_other("/"),
        Err(e) => return internal_error_in(&ui_from_headers(&state, &headers), &e),
    };
    if !session.csrf_matches(&form.csrf) {
        return forbidden_in(&ui_from_headers(&state, &headers));
    }
    if let Err(e) = state.monitor.store().end_session(&session.id_hash).await {
        return internal_error_in(&ui_from_headers(&state, &headers), &e);
    }
    let cookie = session::cleared(client::is_https(&headers));
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, "/".to_owned()), (SET_COOKIE, cookie)],
    )
        .into_response()
}
