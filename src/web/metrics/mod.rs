//! `GET /metrics`: the OpenMetrics text exposition (which Prometheus reads), encoded by
//! `prometheus-client`. Per-Space gauges, uptime, repairs and alert deliveries are read
//! from the store, so they survive restarts and need no hooks in the monitor; Hub
//! requests and probe latency come from the live `Meters`; the check cycle's figures
//! from the scheduler's status. The whole exposition is rendered once per cycle and
//! served from `cache`, gzipped when the scraper asks (Prometheus does).

mod cache;
mod figures;
mod meters;
mod supervision;

use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::WebState;
use super::error::ApiError;

pub use meters::{MeteredProbe, Meters};

/// What Prometheus asks for and `prometheus-client` writes.
const CONTENT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub(super) fn router() -> Router<WebState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<WebState>, headers: HeaderMap) -> Result<Response, ApiError> {
    state.meters.scrapes.asked();
    let exposition = exposition(&state).await?;
    let gzip = headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(cache::accepts_gzip);
    // The kept bytes themselves (`Bytes` clones share them): nothing is copied.
    Ok(if gzip {
        let body = Body::from(exposition.gzip.clone());
        let headers = [
            (CONTENT_TYPE, CONTENT),
            (CONTENT_ENCODING, "gzip"),
            (VARY, "accept-encoding"),
        ];
        (headers, body).into_response()
    } else {
        let Some(permit) = state.meters.scrapes.plain_permit() else {
            let busy = crate::t!(crate::i18n::Lang::EN, "metrics-busy");
            let busy = (
                StatusCode::SERVICE_UNAVAILABLE,
                [(VARY, "accept-encoding")],
                busy,
            );
            return Ok(crate::web::retry_later(busy.into_response(), 1));
        };
        // The permit goes with the stream: its place is free once the body is sent or
        // the scraper leaves.
        let pieces = exposition.plain().inspect(move |_| {
            let _sending = &permit;
        });
        let body = Body::from_stream(pieces);
        ([(CONTENT_TYPE, CONTENT), (VARY, "accept-encoding")], body).into_response()
    })
}

/// The exposition of the last cycle: kept, or rendered now (or the one before while
/// another caller renders).
async fn exposition(state: &WebState) -> Result<std::sync::Arc<cache::Exposition>, ApiError> {
    let mark = cache::CycleMark::of(&state.scheduler.snapshot());
    // A follower's own counters never move: the leader's stored cycles do (two small
    // reads per scrape).
    let stored = state
        .monitor
        .store()
        .read_mark()
        .await
        .ok()
        .map(|m| m.counter);
    state
        .meters
        .scrapes
        .get_or_render(mark, stored, async || render(state).await)
        .await
}

/// Renders the exposition after each cycle (the daemon's part `Part::Metrics`) while
/// scrapes come, so that the first scrape after a cycle finds it ready (or the one
/// before, while this renders) instead of rendering it: at 10,000 Spaces that took
/// most of a second. Looks once a second; a render that fails is left to the scrape.
pub async fn render_ahead(
    state: WebState,
    cancel: tokio_util::sync::CancellationToken,
) -> crate::supervise::PartResult {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
        }
        if state.meters.scrapes.asked_lately()
            && let Err(e) = exposition(&state).await
        {
            tracing::debug!(error = ?e, "could not render /metrics ahead");
        }
    }
}

/// The exposition of now, and whether it holds the store's figures (only then is it
/// kept for the cycle). Encoding and compressing run off the async threads.
async fn render(state: &WebState) -> Result<(cache::Exposition, bool), ApiError> {
    let (registry, complete) = collect(state).await?;
    let exposition =
        tokio::task::spawn_blocking(move || cache::Exposition::write(|to| encode(to, &registry)))
            .await
            .map_err(|e| ApiError::internal(format!("encoding: {e}")))?
            .map_err(|e| ApiError::internal(format!("encoding: {e}")))?;
    Ok((exposition, complete))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CountLabel {
    verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    kind: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabel {
    destination: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// A registry filled for this cycle: fresh gauges from the store, plus the live
/// counters (their clones share the process-wide values); `false` when the store could
/// not be read.
async fn collect(state: &WebState) -> Result<(Registry, bool), ApiError> {
    let mut registry = Registry::with_prefix("spacewarden");

    let info = Family::<VersionLabel, Gauge>::default();
    info.get_or_create(&VersionLabel {
        version: env!("CARGO_PKG_VERSION"),
    })
    .set(1);
    registry.register("build_info", "The running version", info);

    // The store's figures; when the store cannot be read (a full disk can keep new
    // connections from opening), the rest is still served, and says so.
    let readable = Gauge::<i64>::default();
    let complete = match figures::store_figures(&mut registry, state).await {
        Ok(()) => {
            readable.set(1);
            true
        }
        Err(e) => {
            let reference = crate::telemetry::ErrorRef::log("metrics: cannot read the store", &e);
            tracing::warn!(%reference, "metrics served without the store's figures");
            false
        }
    };
    registry.register(
        "store_readable",
        "1 when this scrape could read the store's figures",
        readable,
    );

    registry.register(
        "hub_requests",
        "Requests to the Hub by HTTP status (error: no reply)",
        state.meters.hub_requests.clone(),
    );
    registry.register_with_unit(
        "probe_latency",
        "Time to the app's full reply, by the probe's judgement",
        Unit::Seconds,
        state.meters.probe_latency.clone(),
    );

    let scheduler = state.scheduler.snapshot();
    let cycles = Counter::<u64>::default();
    cycles.inc_by(scheduler.cycles);
    registry.register("check_cycles", "Check cycles run", cycles);
    let skipped = Counter::<u64>::default();
    skipped.inc_by(scheduler.skipped_ticks);
    registry.register(
        "check_ticks_skipped",
        "Ticks skipped because the previous cycle was still running",
        skipped,
    );
    let total = Counter::<f64, AtomicU64>::default();
    total.inc_by(scheduler.cycle_seconds_total);
    registry.register_with_unit(
        "check_cycle_time",
        "Time spent in check cycles, all together",
        Unit::Seconds,
        total,
    );
    let last = FloatGauge::default();
    last.set(
        scheduler
            .last_cycle_duration
            .map_or(0.0, |d| d.as_secs_f64()),
    );
    registry.register_with_unit(
        "check_cycle_duration",
        "How long the last check cycle took",
        Unit::Seconds,
        last,
    );
    supervision::register(&mut registry, state);
    register_sampler(&mut registry, state.monitor.memory_sampler_figures());
    Ok((registry, complete))
}

/// The memory sampler's pace (issue 25): streams held at once by its latest sweep, and
/// the longest time between two reads of one running Space (absent until a Space was
/// read twice).
fn register_sampler(registry: &mut Registry, figures: crate::monitor::SamplerFigures) {
    let streams = Gauge::<i64>::default();
    streams.set(i64::try_from(figures.streams).unwrap_or(i64::MAX));
    registry.register(
        "memory_sample_streams",
        "Live-metrics streams the memory sampler held at once in its latest sweep",
        streams,
    );
    if let Some(interval) = figures.interval {
        let gauge = FloatGauge::default();
        gauge.set(interval.as_secs_f64());
        registry.register_with_unit(
            "memory_sample_interval",
            "Longest time between two memory samples of one running Space, latest sweep",
            Unit::Seconds,
            gauge,
        );
    }
}
