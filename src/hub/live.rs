//! The live-metrics stream held open (reference §3.13): `GET
//! {HF_SPACES_API_URL}/v1/{owner}/{space}/live-metrics/sse`, read event by event for as
//! long as the caller keeps the stream. The page's relay shares one such stream per
//! Space among all its viewers; `Hub::live_metrics` reads a few events and hangs up.
//!
//! The Hub sends a `metric` event about every second and a `: keep-alive` comment
//! every 30 s, and never ends the stream itself. So silence longer than `IDLE` means a
//! dead connection, and the request's overall timeout (`LONGEST`) only makes the relay
//! reconnect now and then.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use secrecy::SecretString;
use url::Url;

use super::client::{HubClient, transport_error};
use super::sse::SseParser;
use super::wire::MetricWire;
use super::{HubError, MetricSample};
use crate::domain::SpaceId;

/// Samples as they come; an `Err` item ends the stream. Dropping it hangs up.
pub type MetricStream = BoxStream<'static, Result<MetricSample, HubError>>;

/// Two keep-alive periods and a half without a byte: the connection is gone.
const IDLE: Duration = Duration::from_secs(75);
/// The whole request at most; the caller reconnects.
const LONGEST: Duration = Duration::from_secs(3600);

/// The stream's URL on the live-metrics host.
pub(super) fn url(spaces_api: &Url, id: &SpaceId) -> Url {
    let mut url = spaces_api.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .extend(["v1", id.owner(), id.name(), "live-metrics", "sse"]);
    }
    url
}

/// The headers the community managers send (reference §3.13).
pub(super) fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    headers.insert("cache-control", HeaderValue::from_static("no-cache"));
    headers
}

impl HubClient {
    pub(super) async fn open_live_metrics(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<MetricStream, HubError> {
        let url = url(self.spaces_api(), id);
        let response = self
            .send(Method::GET, url, token, headers(), true, Some(LONGEST))
            .await?;
        Ok(samples(response.bytes_stream().boxed(), IDLE, LONGEST))
    }
}

struct Reading<B> {
    body: B,
    parser: SseParser,
    ready: VecDeque<MetricSample>,
    ended: bool,
}

/// Parses `metric` events out of the body; other events and comments are skipped.
fn samples<B, C>(body: B, idle: Duration, longest: Duration) -> MetricStream
where
    B: futures_util::Stream<Item = reqwest::Result<C>> + Unpin + Send + 'static,
    C: AsRef<[u8]>,
{
    let start = Reading {
        body,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        ended: false,
    };
    stream::unfold(start, move |mut reading| async move {
        loop {
            if let Some(sample) = reading.ready.pop_front() {
                return Some((Ok(sample), reading));
            }
            if reading.ended {
                return None;
            }
            let failed = |why: HubError, mut reading: Reading<B>| {
                reading.ended = true;
                Some((Err(why), reading))
            };
            match tokio::time::timeout(idle, reading.body.next()).await {
                Err(_) => {
                    let why = HubError::Transient(format!(
                        "the live-metrics stream sent nothing for {} s",
                        idle.as_secs()
                    ));
                    return failed(why, reading);
                }
                Ok(None) => {
                    reading.ended = true;
                    if let Some(event) = reading.parser.finish() {
                        reading.ready.extend(metric(&event));
                    }
                }
                Ok(Some(Err(e))) => return failed(transport_error(&e, longest), reading),
                Ok(Some(Ok(chunk))) => match reading.parser.push(chunk.as_ref()) {
                    Ok(events) => {
                        for event in events {
                            reading.ready.extend(metric(&event));
                        }
                    }
                    Err(overflow) => {
                        tracing::warn!(%overflow, "dropping a live-metrics stream from the Hub");
                        let why = HubError::Decode(format!("the event stream sent {overflow}"));
                        return failed(why, reading);
                    }
                },
            }
        }
    })
    .boxed()
}

fn metric(event: &super::sse::SseEvent) -> Option<MetricSample> {
    (event.event == "metric")
        .then(|| serde_json::from_str::<MetricWire>(&event.data).ok())
        .flatten()
        .map(MetricSample::from)
}
