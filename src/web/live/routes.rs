//! `GET /space/{owner}/{name}/live` and `GET /live`: the relay as Server-Sent Events.
//!
//! A Space's stream sends `event: metric` with `cpu_usage_pct`, `memory_used_bytes`,
//! `memory_total_bytes`, `rx_bps`, `tx_bps` and `at`, and `event: status` with `state`
//! (`connecting`, `live`, `retrying`, `unavailable`, `busy`) and a `message`. `/live`
//! sends one `metric` event per sample of every running Space it could join, each
//! with `space`. Both start with the last sample seen when it is fresh, say
//! `retry:` (how long a browser waits before reconnecting), and send a comment every
//! 15 s so that proxies keep the connection and a vanished viewer is noticed.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use serde_json::json;

use super::{Busy, LiveEvent, LiveStatus};
use crate::domain::SpaceId;
use crate::view::watched_states;
use crate::web::WebState;
use crate::web::pages::{Ui, internal_error_in, not_found_in};
use crate::web::samples::Sample;

/// A comment this often.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// A browser reconnects after this; longer when the relay was busy.
const RETRY: Duration = Duration::from_secs(5);
const RETRY_BUSY: Duration = Duration::from_secs(30);
/// A remembered sample younger than this is shown at once.
const FRESH: Duration = Duration::from_secs(30);

pub(in crate::web) fn router() -> Router<WebState> {
    Router::new()
        .route("/space/{owner}/{name}/live", get(space_live))
        .route("/live", get(overview_live))
}

type Events = BoxStream<'static, Result<Event, Infallible>>;

fn metric(sample: &Sample, space: Option<&SpaceId>) -> Event {
    let mut data = json!({
        "cpu_usage_pct": sample.cpu_pct,
        "memory_used_bytes": sample.memory_used,
        "memory_total_bytes": sample.memory_total,
        "rx_bps": sample.rx_bps,
        "tx_bps": sample.tx_bps,
        "at": sample.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    if let Some(space) = space {
        data["space"] = json!(space.to_string());
    }
    Event::default().event("metric").data(data.to_string())
}

fn status(state: &str, message: &str) -> Event {
    Event::default()
        .event("status")
        .data(json!({ "state": state, "message": message }).to_string())
}

fn event(live: LiveEvent, space: Option<&SpaceId>) -> Event {
    match live {
        LiveEvent::Sample(sample) => metric(&sample, space),
        LiveEvent::Status(LiveStatus { state, message }) => status(state, &message),
    }
}

fn respond(events: Events) -> Response {
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(HEARTBEAT))
        .into_response();
    // Proxies that buffer (nginx) would hold the events back.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

fn busy() -> Events {
    let events = [
        Event::default().retry(RETRY_BUSY),
        status(
            "busy",
            "Too many live streams are open; the figures will come when one closes.",
        ),
    ];
    stream::iter(events.map(Ok)).boxed()
}

fn fresh(state: &WebState, sample: &Sample) -> bool {
    crate::domain::time::elapsed(sample.at, state.monitor.now()) < FRESH
}

async fn space_live(
    State(state): State<WebState>,
    ui: Ui,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let Ok(id) = SpaceId::parse(&format!("{owner}/{name}")) else {
        return not_found_in(&ui);
    };
    if !state.monitor.watches(&id) {
        return not_found_in(&ui);
    }
    let watch = match state.live.watch(&id) {
        Ok(watch) => watch,
        Err(Busy) => return respond(busy()),
    };
    let first = state
        .samples
        .latest(&id)
        .filter(|s| fresh(&state, s))
        .map(|s| metric(&s, None));
    let head = stream::iter(
        std::iter::once(Event::default().retry(RETRY))
            .chain(first)
            .map(Ok),
    );
    let tail = watch.into_stream().map(|live| Ok(event(live, None)));
    respond(head.chain(tail).boxed())
}

async fn overview_live(State(state): State<WebState>, ui: Ui) -> Response {
    let states = match watched_states(&state.monitor).await {
        Ok(states) => states,
        Err(e) => return internal_error_in(&ui, &e),
    };
    let running: Vec<SpaceId> = states
        .into_iter()
        .filter(|s| s.stage.as_ref().is_some_and(|stage| stage.is_serving()))
        .map(|s| s.space.clone())
        .collect();
    let mut head = vec![Event::default().retry(RETRY)];
    let mut streams = Vec::new();
    for id in &running {
        let Ok(watch) = state.live.watch(id) else {
            break;
        };
        if let Some(sample) = state.samples.latest(id).filter(|s| fresh(&state, s)) {
            head.push(metric(&sample, Some(id)));
        }
        let id = id.clone();
        // Only samples: a Space's connection states are its own page's business.
        let samples = watch.into_stream().filter_map(move |live| {
            let event = match live {
                LiveEvent::Sample(sample) => Some(Ok(metric(&sample, Some(&id)))),
                LiveEvent::Status(_) => None,
            };
            async move { event }
        });
        streams.push(samples.boxed());
    }
    let (joined, of) = (streams.len(), running.len());
    let (state_word, message) = if joined < of {
        (
            "busy",
            format!(
                "Live figures for {joined} of {of} running Spaces (the relay is at its limit)."
            ),
        )
    } else {
        ("live", format!("Live figures for {of} running Spaces."))
    };
    head.push(status(state_word, &message));
    let head = stream::iter(head.into_iter().map(Ok));
    if streams.is_empty() {
        // Nothing to relay: stay connected (heartbeats only) rather than have every
        // open overview reconnect every few seconds.
        return respond(head.chain(stream::pending()).boxed());
    }
    respond(head.chain(stream::select_all(streams)).boxed())
}
