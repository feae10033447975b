//! `GET /login` (the form), `POST /login` (303 with a session cookie, 401, or 429 with
//! `Retry-After`) and `POST /logout`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::{client, password, same_site_path, session};
use crate::web::WebState;
use crate::web::pages::{internal_error, login_page, not_found_page};

pub(in crate::web) fn router() -> Router<WebState> {
    Router::new()
        .route("/login", get(form).post(login))
        .route("/logout", post(logout))
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
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
        return not_found_page();
    }
    let next = same_site_path(query.next.as_deref());
    match super::current_session(&state, &headers).await {
        Ok(Some(_)) => see_other(next),
        Ok(None) => Html(login_page(state.monitor.now(), next, "", None)).into_response(),
        Err(e) => internal_error(&e),
    }
}

async fn login(
    State(state): State<WebState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let Some(sign_in) = &state.auth.sign_in else {
        return not_found_page();
    };
    let now = state.monitor.now();
    let next = same_site_path(form.next.as_deref());
    let client = state
        .auth
        .client(peer.as_ref().map(|Extension(info)| info), &headers);
    if let Err(wait) = state.auth.throttle.check(client, now) {
        let seconds = wait.as_secs().max(1);
        tracing::warn!(%client, "sign-in throttled after repeated failures");
        let message = format!("Too many failed sign-ins. Try again in {seconds} s.");
        let page = login_page(now, next, &form.username, Some(&message));
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(RETRY_AFTER, seconds.to_string())],
            Html(page),
        )
            .into_response();
    }
    if !password::verify(sign_in, form.username.clone(), form.password).await {
        state.auth.throttle.failed(client, now);
        tracing::warn!(%client, "sign-in failed");
        let page = login_page(
            now,
            next,
            &form.username,
            Some("Wrong user name or password."),
        );
        return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
    }
    state.auth.throttle.succeeded(client);
    let https = client::is_https(&headers);
    match session::start(state.monitor.store(), &sign_in.username, now, https).await {
        Ok(cookie) => {
            tracing::info!(user = %sign_in.username, %client, "signed in on the page");
            (
                StatusCode::SEE_OTHER,
                [(LOCATION, next.to_owned()), (SET_COOKIE, cookie)],
            )
                .into_response()
        }
        Err(e) => internal_error(&e),
    }
}

async fn logout(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !state.auth.enabled() {
        return not_found_page();
    }
    let session = match super::current_session(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return see_other("/"),
        Err(e) => return internal_error(&e),
    };
    if !session.csrf_matches(&form.csrf) {
        return crate::web::pages::forbidden_page();
    }
    if let Err(e) = state.monitor.store().end_session(&session.id_hash).await {
        return internal_error(&e);
    }
    let cookie = session::cleared(client::is_https(&headers));
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, "/".to_owned()), (SET_COOKIE, cookie)],
    )
        .into_response()
}
