//! `HttpProbe`: GETs a Space's app (`{app url}{health path}`) and judges the reply by
//! status and, optionally, a keyword in the body. Latency is measured to the end of
//! the body, which is what a visitor waits for.

use std::time::Instant;

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::{AppProbe, ProbeRequest};
use crate::domain::{ProbeOutcome, Reason};

/// Bodies larger than this are not searched further for the keyword.
const MAX_BODY: usize = 1 << 20;

pub struct HttpProbe {
    http: reqwest::Client,
}

impl HttpProbe {
    pub fn new() -> Result<HttpProbe, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "spacewarden/",
                env!("CARGO_PKG_VERSION"),
                " (health probe)"
            ))
            .build()?;
        Ok(HttpProbe { http })
    }
}

#[async_trait]
impl AppProbe for HttpProbe {
    async fn probe(&self, request: &ProbeRequest, token: Option<&SecretString>) -> ProbeOutcome {
        let started = Instant::now();
        let elapsed = || started.elapsed().as_secs_f64() * 1000.0;
        let mut builder = self.http.get(&request.url).timeout(request.timeout);
        if let Some(token) = token
            && let Ok(mut value) =
                HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
        {
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        // Stored as English words (`Reason`'s), read back for people in their language.
        let failed = |status: Option<u16>, latency: f64, why: Reason| ProbeOutcome {
            status,
            latency_ms: Some(latency),
            ok: false,
            failure: Some(why.to_string()),
        };
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return failed(
                    None,
                    elapsed(),
                    Reason::NoAnswerWithin(format!("{:.1}", request.timeout.as_secs_f64())),
                );
            }
            Err(e) if e.is_connect() => return failed(None, elapsed(), Reason::ConnectionFailed),
            Err(_) => return failed(None, elapsed(), Reason::RequestFailed),
        };
        let status = response.status().as_u16();
        let body = match read_body(response).await {
            Ok(body) => body,
            Err(timeout) => {
                let why = if timeout {
                    Reason::BodyLate
                } else {
                    Reason::BodyReadFailed
                };
                return failed(Some(status), elapsed(), why);
            }
        };
        let latency = elapsed();
        let status_ok = if request.expected_status.is_empty() {
            (200..300).contains(&status)
        } else {
            request.expected_status.contains(&status)
        };
        if !status_ok {
            return failed(Some(status), latency, Reason::Status(status));
        }
        if let Some(keyword) = &request.keyword
            && !String::from_utf8_lossy(&body).contains(keyword.as_str())
        {
            return failed(
                Some(status),
                latency,
                Reason::KeywordMissing(keyword.clone()),
            );
        }
        ProbeOutcome {
            status: Some(status),
            latency_ms: Some(latency),
            ok: true,
            failure: None,
        }
    }
}

/// Reads at most `MAX_BODY` bytes; `Err(true)` on timeout.
async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, bool> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() >= MAX_BODY {
                    return Ok(body);
                }
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(e.is_timeout()),
        }
    }
}
