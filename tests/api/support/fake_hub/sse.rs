//! Server-Sent Events: the Hub-proxied log streams (§3.11: one
//! `data: {"data": …, "timestamp": …}` event per line, an empty `data:`
//! keep-alive, then the stream closes) and the live-metrics host standing in
//! for api.hf.space (§3.13: `event: metric` with one `data:` line and a blank
//! line every interval, a `: keep-alive` comment every 30 s, never ends by
//! itself). The Hub's `/metrics` reuses the latter. Open metric streams are
//! counted (`FakeHub::open_metric_streams`) so tests can see a client hang up.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use futures_util::stream;
use serde::Serialize;

use super::layers;
use super::limits::forced_verdict;
use super::list::{auth, first, query_pairs};
use super::reply;
use super::routes::{Need, gate};
use super::spec::{HostKind, memory_total_bytes};
use super::state::Shared;

/// A `: keep-alive` comment this often (§3.13.1: "every 30 s").
const KEEP_ALIVE: Duration = Duration::from_secs(30);

/// Counts a metric stream as open from its first byte until its body is dropped
/// (the client left, noticed when the next write fails).
struct OpenStream(Arc<Shared>);

impl OpenStream {
    fn new(shared: Arc<Shared>) -> OpenStream {
        shared.open_metric_streams.fetch_add(1, Ordering::SeqCst);
        OpenStream(shared)
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.open_metric_streams.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(crate) async fn logs(
    State(shared): State<Arc<Shared>>,
    Path((ns, name, kind)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let tail = match first(&query_pairs(raw.as_deref()), "tail").map(str::parse::<usize>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return reply::bad_request("Invalid 'tail' parameter: expected an integer"),
    };
    let lines = {
        let mut st = shared.lock();
        let caller = st.caller(auth(&headers));
        let space = match gate(&mut st, &caller, &format!("{ns}/{name}"), Need::Member) {
            Ok(s) => s,
            Err(resp) => return resp,
        };
        match kind.as_str() {
            "build" => space.build_logs.clone(),
            "run" => space.run_logs.clone(),
            _ => return reply::error(StatusCode::NOT_FOUND, "Not Found"),
        }
    };
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    let now = chrono::Utc::now();
    let count = lines.len();
    let mut chunks: Vec<Result<Bytes, Infallible>> = lines
        .into_iter()
        .enumerate()
        .skip(skip)
        .map(|(i, line)| {
            // One second apart, the last one "now".
            let at = now - chrono::Duration::seconds((count - i) as i64);
            let event = serde_json::json!({
                "data": line,
                "timestamp": at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            });
            Ok(Bytes::from(format!("data: {event}\n\n")))
        })
        .collect();
    chunks.push(Ok(Bytes::from_static(b"data:\n\n")));
    reply::event_stream(Body::from_stream(stream::iter(chunks)))
}

pub(crate) fn metrics_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/{owner}/{space}/live-metrics/sse", get(live_metrics))
        .fallback(|| async { reply::error(StatusCode::NOT_FOUND, "Not Found") })
        .layer(axum::middleware::from_fn_with_state(
            (shared.clone(), HostKind::Metrics),
            layers::log_only,
        ))
        .with_state(shared)
}

/// api.hf.space: public Spaces need no token; private ones need a token
/// that can read them, else 401 (whether a JWT is needed is unverified, §11).
async fn live_metrics(
    State(shared): State<Arc<Shared>>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let id = format!("{owner}/{name}");
    {
        let mut st = shared.lock();
        if st.metrics_429.0 > 0 {
            st.metrics_429.0 -= 1;
            let verdict = forced_verdict(&st.limits, st.metrics_429.1);
            let mut resp = reply::too_many_requests(&verdict);
            if let Ok(v) = axum::http::HeaderValue::from_str(&verdict.ratelimit_header()) {
                resp.headers_mut().insert("ratelimit", v);
            }
            return resp;
        }
        let caller = st.caller(auth(&headers));
        let Some(space) = st.space(&id) else {
            return reply::error(StatusCode::NOT_FOUND, "Space not found");
        };
        if !st.can_read(&caller, space) {
            return reply::error(StatusCode::UNAUTHORIZED, "Unauthorized");
        }
    }
    metric_stream(shared, id)
}

/// `GET /api/spaces/{id}/metrics` on the Hub: authenticated, owner-level;
/// payload assumed to be the same `metric` events (§3.12, inference).
pub(crate) async fn hub_metrics(
    State(shared): State<Arc<Shared>>,
    Path((ns, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let id = format!("{ns}/{name}");
    {
        let mut st = shared.lock();
        let caller = st.caller(auth(&headers));
        if let Err(resp) = gate(&mut st, &caller, &id, Need::Member) {
            return resp;
        }
    }
    metric_stream(shared, id)
}

/// Field order as in HF's documented Jobs metric line (§3.13.1).
#[derive(Serialize)]
struct Metric {
    cpu_usage_pct: f64,
    cpu_millicores: u64,
    memory_used_bytes: u64,
    memory_total_bytes: u64,
    rx_bps: u64,
    tx_bps: u64,
    gpus: serde_json::Map<String, serde_json::Value>,
    replica: String,
}

/// One event now, then one per `metrics_interval` (re-read each tick, as are
/// the Space's values), with a keep-alive comment before the event that comes
/// 30 s or more after the last one, until the client leaves, the Space is gone
/// or the fake shuts down.
fn metric_stream(shared: Arc<Shared>, id: String) -> Response {
    let open = OpenStream::new(shared.clone());
    let start = (shared, id, 0u64, Instant::now(), open);
    let events = stream::unfold(start, |(shared, id, n, mut kept_alive, open)| async move {
        if n > 0 {
            let interval = shared.lock().metrics_interval;
            tokio::time::sleep(interval).await;
        }
        // Held (`FakeHub::hold_metrics`): open, and silent until released.
        while shared.lock().metrics_held && !shared.closed.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if shared.closed.load(Ordering::Relaxed) {
            return None;
        }
        let event = {
            let st = shared.lock();
            let space = st.space(&id)?;
            let m = &space.metrics;
            let metric = Metric {
                cpu_usage_pct: m.cpu_usage_pct,
                cpu_millicores: m.cpu_millicores,
                memory_used_bytes: m.memory_used_bytes,
                memory_total_bytes: memory_total_bytes(space.requested_hw.as_deref()),
                rx_bps: m.rx_bps,
                tx_bps: m.tx_bps,
                gpus: serde_json::Map::new(),
                replica: m.replica.clone(),
            };
            serde_json::to_string(&metric).ok()?
        };
        let keep_alive = if kept_alive.elapsed() >= KEEP_ALIVE {
            kept_alive = Instant::now();
            ": keep-alive\n\n"
        } else {
            ""
        };
        let chunk = format!("{keep_alive}event: metric\ndata: {event}\n\n");
        Some((
            Ok::<_, Infallible>(Bytes::from(chunk)),
            (shared, id, n + 1, kept_alive, open),
        ))
    });
    reply::event_stream(Body::from_stream(events))
}
