//! `HubClient`: the reqwest implementation of `Hub` (reference §1-§3).
//!
//! One request per call, no hidden retries (like huggingface_hub's Space calls): the
//! monitor's next cycle is the retry. What it does add: a timeout on every request,
//! pacing when a reply said the budget is spent (`RateLimit` r=0), and never sending a
//! token anywhere but in the `Authorization` header of our configured endpoints.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

mod send;

use self::send::HubRequest;
use super::listing::{self, SkippedIds};
use super::sse::SseParser;
use super::wire::{LogEventWire, MetricWire, RuntimeWire, SpaceWire, WhoAmIWire};
use super::{
    Hub, HubError, HubEvent, HubObserver, LogKind, LogLine, MetricSample, MetricStream,
    RuntimeCall, SpaceInfo, SpaceRuntime, SpaceSummary, WhoAmI,
};
use crate::domain::SpaceId;
use crate::domain::text::clean_line;

/// Page size asked of the list endpoint (huggingface.js uses 500).
const PAGE_LIMIT: usize = 500;
/// A safety stop for a `Link` chain that never ends.
const MAX_PAGES: usize = 200;
/// The log stream is replayed then closed; stop if it goes quiet this long (as
/// huggingface_hub's non-follow mode does).
const LOG_IDLE: Duration = Duration::from_secs(5);

/// Where the Hub and the live-metrics host answer.
#[derive(Debug, Clone)]
pub struct HubEndpoints {
    /// `HF_ENDPOINT`, e.g. `https://huggingface.co`.
    pub hub: Url,
    /// `HF_SPACES_API_URL`, e.g. `https://api.hf.space`.
    pub spaces_api: Url,
}

pub struct HubClient {
    http: reqwest::Client,
    endpoints: HubEndpoints,
    timeout: Duration,
    /// Per credential (hashed token, 0 for anonymous): no requests before this instant.
    paused_until: Mutex<HashMap<u64, Instant>>,
    /// Told of every request and of what the replies said (`super::events`).
    observers: Vec<Arc<dyn HubObserver>>,
    /// Listing entries skipped for a bad id, each logged once.
    skipped: SkippedIds,
}

impl HubClient {
    pub fn new(endpoints: HubEndpoints, timeout: Duration) -> Result<HubClient, HubError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("spacewarden/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| HubError::Transient(format!("cannot build the HTTP client: {e}")))?;
        Ok(HubClient {
            http,
            endpoints,
            timeout,
            paused_until: Mutex::new(HashMap::new()),
            observers: Vec::new(),
            skipped: SkippedIds::default(),
        })
    }

    /// The client for `HF_ENDPOINT`, `HF_SPACES_API_URL` and `HF_TIMEOUT`.
    pub fn for_config(config: &crate::config::Config) -> Result<HubClient, HubError> {
        HubClient::new(
            HubEndpoints {
                hub: config.hf_endpoint.clone(),
                spaces_api: config.hf_spaces_api_url.clone(),
            },
            config.hf_timeout,
        )
    }

    /// Adds `observer` to those told of every `HubEvent` (the metrics, the page's
    /// samples, the progress display).
    pub fn with_observer(mut self, observer: Arc<dyn HubObserver>) -> HubClient {
        self.observers.push(observer);
        self
    }

    fn emit(&self, event: HubEvent<'_>) {
        for observer in &self.observers {
            observer.observe(&event);
        }
    }

    /// Tells the observers of a runtime `call` answered for `space`.
    fn runtime_seen(
        &self,
        space: &SpaceId,
        call: RuntimeCall,
        result: Result<SpaceRuntime, HubError>,
    ) -> Result<SpaceRuntime, HubError> {
        if let Ok(runtime) = &result {
            self.emit(HubEvent::Runtime {
                space,
                call,
                runtime,
            });
        }
        result
    }

    /// `HF_SPACES_API_URL`.
    pub(super) fn spaces_api(&self) -> &Url {
        &self.endpoints.spaces_api
    }

    fn space_url(&self, id: &SpaceId, tail: &[&str]) -> Url {
        let mut url = self.endpoints.hub.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["api", "spaces", id.owner(), id.name()]);
            segments.extend(tail);
        }
        url
    }

    fn hub_path(&self, path: &[&str]) -> Url {
        let mut url = self.endpoints.hub.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path);
        }
        url
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        token: Option<&SecretString>,
    ) -> Result<(T, HeaderMap), HubError> {
        let response = self
            .send(Method::GET, url, token, HeaderMap::new(), true, None)
            .await?;
        let headers = response.headers().clone();
        Ok((decode(response).await?, headers))
    }

    async fn post_runtime(
        &self,
        url: Url,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let response = self
            .send(Method::POST, url, token, HeaderMap::new(), true, None)
            .await?;
        Ok(decode::<RuntimeWire>(response).await?.into())
    }

    fn next_page(&self, headers: &HeaderMap) -> Option<Url> {
        next_page_on(&self.endpoints.hub, headers.get("link")?.to_str().ok()?)
    }

    /// Reads an SSE body until it closes, goes quiet for `idle`, `deadline` passes, or
    /// `on_event` says it has enough.
    async fn read_sse(
        &self,
        response: Response,
        idle: Duration,
        deadline: Duration,
        mut on_event: impl FnMut(super::sse::SseEvent) -> bool,
    ) -> Result<(), HubError> {
        let started = Instant::now();
        let mut parser = SseParser::default();
        // The path names the Space and the stream; it never holds a token.
        let path = response.url().path().to_owned();
        let mut body = response.bytes_stream();
        loop {
            let left = deadline.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Ok(());
            }
            let chunk = match tokio::time::timeout(idle.min(left), body.next()).await {
                Err(_) | Ok(None) => break,
                Ok(Some(Err(e))) => return Err(transport_error(&e, self.timeout)),
                Ok(Some(Ok(chunk))) => chunk,
            };
            let events = parser.push(&chunk).map_err(|overflow| {
                tracing::warn!(stream = %path, %overflow, "dropping an event stream from the Hub");
                HubError::Decode(format!("the event stream sent {overflow}"))
            })?;
            for event in events {
                if on_event(event) {
                    return Ok(());
                }
            }
        }
        if let Some(event) = parser.finish() {
            on_event(event);
        }
        Ok(())
    }
}

#[async_trait]
impl Hub for HubClient {
    async fn list_spaces(
        &self,
        owner: &str,
        token: Option<&SecretString>,
    ) -> Result<Vec<SpaceSummary>, HubError> {
        let mut url = self.hub_path(&["api", "spaces"]);
        url.query_pairs_mut()
            .append_pair("author", owner)
            // `sha` and `lastModified` tell a deploy apart from a crash (reference §3.2).
            .extend_pairs(
                [
                    "runtime",
                    "subdomain",
                    "private",
                    "sdk",
                    "sha",
                    "lastModified",
                ]
                .map(|e| ("expand", e)),
            )
            .append_pair("limit", &PAGE_LIMIT.to_string());
        let mut spaces = Vec::new();
        for _ in 0..MAX_PAGES {
            let (page, headers): (Vec<SpaceWire>, _) = self.get_json(url, token).await?;
            spaces.extend(listing::summaries(owner, page, &self.skipped));
            match self.next_page(&headers) {
                Some(next) => url = next,
                None => return Ok(spaces),
            }
        }
        Err(HubError::Decode(format!(
            "the Space list of {owner} did not end after {MAX_PAGES} pages"
        )))
    }

    async fn runtime(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let read = self
            .get_json::<RuntimeWire>(self.space_url(id, &["runtime"]), token)
            .await
            .map(|(wire, _)| wire.into());
        self.runtime_seen(id, RuntimeCall::Read, read)
    }

    async fn space_info(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceInfo, HubError> {
        let (wire, _): (SpaceWire, _) = self.get_json(self.space_url(id, &[]), token).await?;
        wire.into_info()
    }

    async fn restart(
        &self,
        id: &SpaceId,
        factory: bool,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let mut url = self.space_url(id, &["restart"]);
        if factory {
            url.query_pairs_mut().append_pair("factory", "true");
        }
        let answer = self.post_runtime(url, token).await;
        self.runtime_seen(id, RuntimeCall::Restart, answer)
    }

    async fn pause(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let answer = self
            .post_runtime(self.space_url(id, &["pause"]), token)
            .await;
        self.runtime_seen(id, RuntimeCall::Pause, answer)
    }

    async fn set_sleep_time(
        &self,
        id: &SpaceId,
        seconds: i64,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        let body = serde_json::json!({ "seconds": seconds });
        let response = self
            .send_request(HubRequest {
                method: Method::POST,
                url: self.space_url(id, &["sleeptime"]),
                token,
                headers: HeaderMap::new(),
                repo_url: true,
                timeout: None,
                body: Some(&body),
            })
            .await?;
        let answer = decode::<RuntimeWire>(response).await.map(Into::into);
        self.runtime_seen(id, RuntimeCall::SleepTime, answer)
    }

    async fn logs(
        &self,
        id: &SpaceId,
        kind: LogKind,
        tail: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<LogLine>, HubError> {
        let mut url = self.space_url(id, &["logs", kind.as_str()]);
        url.query_pairs_mut().append_pair("tail", &tail.to_string());
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        // No overall request timeout: the stream is read under its own deadline.
        let response = self
            .send(
                Method::GET,
                url,
                token,
                headers,
                true,
                Some(Duration::from_secs(3600)),
            )
            .await?;
        let mut lines = Vec::new();
        self.read_sse(response, LOG_IDLE, self.timeout, |event| {
            // Only `data: {` lines carry log lines; empty `data:` is a keep-alive.
            if let Ok(line) = serde_json::from_str::<LogEventWire>(&event.data) {
                lines.push(LogLine {
                    text: clean_line(line.data.trim_end_matches(['\n', '\r'])),
                    timestamp: line
                        .timestamp
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&chrono::Utc)),
                });
            }
            false
        })
        .await?;
        let skip = lines.len().saturating_sub(tail);
        Ok(lines.split_off(skip))
    }

    async fn live_metrics(
        &self,
        id: &SpaceId,
        samples: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<MetricSample>, HubError> {
        let url = super::live::url(&self.endpoints.spaces_api, id);
        let response = self
            .send(
                Method::GET,
                url,
                token,
                super::live::headers(),
                true,
                Some(Duration::from_secs(3600)),
            )
            .await?;
        let mut out = Vec::new();
        self.read_sse(response, self.timeout, self.timeout, |event| {
            if event.event == "metric"
                && let Ok(sample) = serde_json::from_str::<MetricWire>(&event.data)
            {
                out.push(sample.into());
            }
            out.len() >= samples
        })
        .await?;
        if out.is_empty() {
            return Err(HubError::Transient(
                "the metrics stream sent no sample".into(),
            ));
        }
        self.emit(HubEvent::Samples {
            space: id,
            samples: &out,
        });
        Ok(out)
    }

    async fn live_metrics_stream(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<MetricStream, HubError> {
        self.open_live_metrics(id, token).await
    }

    async fn whoami(&self, token: &SecretString) -> Result<WhoAmI, HubError> {
        let url = self.hub_path(&["api", "whoami-v2"]);
        let response = self
            .send(Method::GET, url, Some(token), HeaderMap::new(), false, None)
            .await?;
        Ok(decode::<WhoAmIWire>(response).await?.into())
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, HubError> {
    let bytes = response.bytes().await.map_err(|e| {
        HubError::Transient(format!("reading the reply failed: {}", e.without_url()))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| HubError::Decode(format!("invalid JSON ({e})")))
}

async fn read_text(response: Response) -> String {
    // Error bodies are short; a failure to read one only loses the details.
    response.text().await.unwrap_or_default()
}

pub(super) fn transport_error(error: &reqwest::Error, timeout: Duration) -> HubError {
    if error.is_timeout() {
        HubError::Transient(format!("no answer within {}s", timeout.as_secs()))
    } else if error.is_connect() {
        HubError::Transient("connection failed".into())
    } else {
        HubError::Transient(format!("request failed: {}", display_chain(error)))
    }
}

/// The error and its sources on one line, without the URL.
fn display_chain(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(err) = source {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&err.to_string());
        source = err.source();
    }
    text
}

/// Mixed into a credential's key for the whoami window's pacing.
const WHOAMI_BUCKET: u64 = 0x5748_4f41_4d49_0000;

/// Tells credentials apart without keeping their text: the pacing key, and how the
/// token self-test asks `whoami` once per token.
pub fn credential_key(token: Option<&SecretString>) -> u64 {
    token.map_or(0, |t| {
        let mut hasher = DefaultHasher::new();
        t.expose_secret().hash(&mut hasher);
        hasher.finish() | 1
    })
}

/// The next page named by a `Link` header: its path and query, but always on `hub`,
/// so a token never follows a link to another host.
pub fn next_page_on(hub: &Url, link: &str) -> Option<Url> {
    let target = next_link(link)?;
    let parsed = Url::parse(&target).or_else(|_| hub.join(&target)).ok()?;
    let mut url = hub.clone();
    url.set_path(parsed.path());
    url.set_query(parsed.query());
    Some(url)
}

/// The `rel="next"` target of a `Link` header (GitHub style, reference §1.5).
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim().strip_prefix("rel=").is_some_and(|rel| {
                rel.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r == "next")
            })
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link() {
        let header =
            r#"<https://huggingface.co/api/spaces?author=a&cursor=eyJ%3D&limit=1>; rel="next""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://huggingface.co/api/spaces?author=a&cursor=eyJ%3D&limit=1")
        );
        let two = r#"<https://x/prev>; rel="prev", <https://x/next>; rel="next""#;
        assert_eq!(next_link(two).as_deref(), Some("https://x/next"));
        assert_eq!(next_link(r#"<https://x/prev>; rel="prev""#), None);
    }

    #[test]
    fn next_page_stays_on_our_endpoint() {
        let client = HubClient::new(
            HubEndpoints {
                hub: Url::parse("http://127.0.0.1:9/").unwrap(),
                spaces_api: Url::parse("http://127.0.0.1:9/").unwrap(),
            },
            Duration::from_secs(1),
        )
        .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            HeaderValue::from_static(r#"<https://evil.example/api/spaces?cursor=2>; rel="next""#),
        );
        let next = client.next_page(&headers).unwrap();
        assert_eq!(next.as_str(), "http://127.0.0.1:9/api/spaces?cursor=2");
    }
}
