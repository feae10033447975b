//! Sending one request to the Hub: pacing per credential, the token in the
//! `Authorization` header only, the observers told of the reply, and every failure
//! mapped to a `HubError` (reference §2.2-§2.3). No retries here: the monitor's next
//! cycle is the retry.

use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{HubClient, WHOAMI_BUCKET, credential_key, read_text, transport_error};
use crate::clock::{Clock, SystemClock};
use crate::hub::ratelimit::{RateLimit, wait_after_429};
use crate::hub::{HubError, HubEvent, wire};

/// One request, as `HubClient::send_request` sends it.
pub(in crate::hub) struct HubRequest<'a> {
    pub method: Method,
    pub url: Url,
    pub token: Option<&'a SecretString>,
    pub headers: HeaderMap,
    /// The URL names a repository: an anonymous 401 there reads as "not found, or
    /// private" (reference §2.2).
    pub repo_url: bool,
    /// Instead of the client's own timeout.
    pub timeout: Option<Duration>,
    /// A JSON body (the mutations that take one, e.g. `/sleeptime`).
    pub body: Option<&'a serde_json::Value>,
}

impl HubClient {
    /// Sends one request without a body and maps every failure to a `HubError`.
    pub(in crate::hub) async fn send(
        &self,
        method: Method,
        url: Url,
        token: Option<&SecretString>,
        headers: HeaderMap,
        repo_url: bool,
        timeout: Option<Duration>,
    ) -> Result<Response, HubError> {
        self.send_request(HubRequest {
            method,
            url,
            token,
            headers,
            repo_url,
            timeout,
            body: None,
        })
        .await
    }

    /// Sends `request` once its credential's pacing allows, and reads the reply's
    /// rate-limit headers and status.
    pub(in crate::hub) async fn send_request(
        &self,
        request: HubRequest<'_>,
    ) -> Result<Response, HubError> {
        let key = credential_key(request.token);
        self.check_pacing(key)?;
        // `whoami-v2` has its own, tighter window (reference §2.3): a 429 there pauses
        // only whoami, never the checks and repairs of the same token.
        let whoami = request.url.path().ends_with("/api/whoami-v2");
        let paced = if whoami { key ^ WHOAMI_BUCKET } else { key };
        self.check_pacing(paced)?;
        let (token, repo_url) = (request.token, request.repo_url);
        let builder = self.build(request)?;
        let started = Instant::now();
        let sent = builder.send().await;
        self.emit(HubEvent::Request {
            status: sent.as_ref().ok().map(|r| r.status().as_u16()),
            latency: started.elapsed(),
        });
        let response = sent.map_err(|e| transport_error(&e, self.timeout))?;
        let ratelimit = header(&response, "ratelimit");
        if let Some(limit) = ratelimit.as_deref().and_then(RateLimit::parse)
            && limit.remaining == 0
        {
            self.pause(paced, limit.reset + Duration::from_secs(1));
        }
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let error_header = header(&response, "x-error-message");
        let retry_after = header(&response, "retry-after");
        let body = read_text(response).await;
        let message = wire::error_message(error_header.as_deref(), &body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            // Edge: a `Retry-After` date is the Hub's wall clock, so it is measured
            // from the real time; the client holds no injected clock.
            let wait = wait_after_429(
                ratelimit.as_deref(),
                retry_after.as_deref(),
                SystemClock.now(),
            );
            self.pause(paced, wait);
            return Err(HubError::RateLimited { retry_after: wait });
        }
        Err(status_error(status, message, token.is_none() && repo_url))
    }

    /// The reqwest request: timeout, the bearer token (marked sensitive), the body.
    fn build(&self, request: HubRequest<'_>) -> Result<RequestBuilder, HubError> {
        let mut builder = self
            .http
            .request(request.method.clone(), request.url)
            .headers(request.headers);
        if let Some(timeout) = request.timeout.or(Some(self.timeout)) {
            builder = builder.timeout(timeout);
        }
        if let Some(token) = request.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| {
                    HubError::Unauthorized("the token contains invalid characters".into())
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        match request.body {
            Some(body) => builder = builder.json(body),
            None if request.method == Method::POST => {
                builder = builder.header(reqwest::header::CONTENT_LENGTH, 0);
            }
            None => {}
        }
        Ok(builder)
    }

    pub(super) fn check_pacing(&self, key: u64) -> Result<(), HubError> {
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        match paused.get(&key) {
            Some(until) if *until > Instant::now() => Err(HubError::RateLimited {
                retry_after: *until - Instant::now(),
            }),
            Some(_) => {
                paused.remove(&key);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn pause(&self, key: u64, wait: Duration) {
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        paused.insert(key, Instant::now() + wait);
    }
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error for a failed status other than 429. `anonymous_repo`: no token was
/// given for a repository's URL, where the Hub answers 401 for "not found" too.
fn status_error(status: StatusCode, message: String, anonymous_repo: bool) -> HubError {
    match status {
        StatusCode::UNAUTHORIZED if anonymous_repo => HubError::NotFound(format!(
            "{message} (not found, or private and no token was given)"
        )),
        StatusCode::UNAUTHORIZED => HubError::Unauthorized(message),
        StatusCode::FORBIDDEN => HubError::Forbidden(message),
        StatusCode::NOT_FOUND => HubError::NotFound(message),
        StatusCode::BAD_REQUEST => HubError::BadRequest(message),
        s if s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT => {
            HubError::Transient(format!("HTTP {}: {message}", s.as_u16()))
        }
        s => HubError::Decode(format!("unexpected HTTP {}: {message}", s.as_u16())),
    }
}
