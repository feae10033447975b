//! `GET /metrics`: the OpenMetrics text exposition (which Prometheus reads), encoded by
//! `prometheus-client`. Per-Space gauges, uptime, repairs and alert deliveries are read
//! from the store at scrape time, so they survive restarts and need no hooks in the
//! monitor; Hub requests and probe latency come from the live `Meters`; the check
//! cycle's figures from the scheduler's status.

mod meters;
mod supervision;

use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::WebState;
use super::error::ApiError;
use crate::domain::Verdict;
use crate::view::watched_states;

pub use meters::{MeteredProbe, Meters};

/// What Prometheus asks for and `prometheus-client` writes.
const CONTENT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub(super) fn router() -> Router<WebState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<WebState>) -> Result<Response, ApiError> {
    let registry = collect(&state).await?;
    let mut text = String::new();
    encode(&mut text, &registry).map_err(|e| ApiError::internal(format!("encoding: {e}")))?;
    Ok(([(CONTENT_TYPE, CONTENT)], text).into_response())
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SpaceLabel {
    space: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabel {
    space: String,
    verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WindowLabel {
    space: String,
    window: &'static str,
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

/// A registry filled for this scrape: fresh gauges from the store, plus the live
/// counters (their clones share the process-wide values).
async fn collect(state: &WebState) -> Result<Registry, ApiError> {
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
    match store_figures(&mut registry, state).await {
        Ok(()) => {
            readable.set(1);
        }
        Err(e) => {
            let reference = crate::telemetry::ErrorRef::log("metrics: cannot read the store", &e);
            tracing::warn!(%reference, "metrics served without the store's figures");
        }
    }
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
    Ok(registry)
}

/// The figures read from the store at scrape time: per-Space gauges, uptime, open
/// incidents, repairs and wakes, alert deliveries.
async fn store_figures(
    registry: &mut Registry,
    state: &WebState,
) -> Result<(), crate::store::StoreError> {
    let monitor = &state.monitor;
    let store = monitor.store();
    let now = monitor.now();
    let up = Family::<SpaceLabel, Gauge>::default();
    let verdicts = Family::<VerdictLabel, Gauge>::default();
    let uptime = Family::<WindowLabel, FloatGauge>::default();
    // The newest live-metrics sample of each Space (the memory sampler reads every
    // running Space at least every `[memory] every`).
    let memory_used = Family::<SpaceLabel, Gauge>::default();
    let memory_limit = Family::<SpaceLabel, Gauge>::default();
    let cpu = Family::<SpaceLabel, FloatGauge>::default();
    let ratios = store.uptime_all(now).await?;
    for space in watched_states(monitor).await? {
        let name = space.space.to_string();
        let label = SpaceLabel {
            space: name.clone(),
        };
        if let Some(sample) = state.samples.samples(&space.space).last() {
            let bytes = |b: u64| i64::try_from(b).unwrap_or(i64::MAX);
            memory_used
                .get_or_create(&label)
                .set(bytes(sample.memory_used));
            memory_limit
                .get_or_create(&label)
                .set(bytes(sample.memory_total));
            cpu.get_or_create(&label).set(sample.cpu_pct);
        }
        up.get_or_create(&label)
            .set(i64::from(space.verdict == Verdict::Up));
        for verdict in Verdict::ALL {
            verdicts
                .get_or_create(&VerdictLabel {
                    space: name.clone(),
                    verdict: verdict.as_str(),
                })
                .set(i64::from(space.verdict == verdict));
        }
        let Some((_, ratio)) = ratios.iter().find(|(id, _)| id.eq_ignore_ascii_case(&name)) else {
            continue;
        };
        for (window, value) in [("24h", ratio.h24), ("7d", ratio.d7), ("30d", ratio.d30)] {
            if let Some(value) = value {
                uptime
                    .get_or_create(&WindowLabel {
                        space: name.clone(),
                        window,
                    })
                    .set(value);
            }
        }
    }
    registry.register("space_up", "1 when the Space's verdict is up", up);
    registry.register_with_unit(
        "space_memory_used",
        "Memory the Space used at its newest live-metrics sample",
        Unit::Bytes,
        memory_used,
    );
    registry.register_with_unit(
        "space_memory_limit",
        "The Space's memory limit at its newest live-metrics sample",
        Unit::Bytes,
        memory_limit,
    );
    registry.register(
        "space_cpu_usage_percent",
        "CPU use of the Space at its newest live-metrics sample",
        cpu,
    );
    registry.register(
        "space_verdict",
        "1 for the Space's current verdict, 0 for the others",
        verdicts,
    );
    registry.register(
        "space_uptime_ratio",
        "Share of counted checks that were up, over the window",
        uptime,
    );

    let open = Gauge::<i64>::default();
    open.set(i64::try_from(store.open_incidents().await?.len()).unwrap_or(i64::MAX));
    registry.register("open_incidents", "Incidents not yet closed", open);

    let repairs = Family::<ResultLabel, Counter>::default();
    let wakes = Family::<ResultLabel, Counter>::default();
    for count in store.action_counts().await? {
        use crate::domain::ActionKind;
        let family = match count.kind {
            ActionKind::Restart | ActionKind::Rebuild => &repairs,
            ActionKind::Wake => &wakes,
            ActionKind::Pause | ActionKind::SleepTime | ActionKind::Other(_) => continue,
        };
        family
            .get_or_create(&ResultLabel {
                kind: count.kind.to_string(),
                result: count.result,
            })
            .inc_by(u64::try_from(count.count).unwrap_or(0));
    }
    registry.register(
        "repairs",
        "Restarts and factory rebuilds by result (in_progress: not finished), over the stored history",
        repairs,
    );
    registry.register(
        "wakes",
        "Keep-alive wakes by result, over the stored history",
        wakes,
    );

    let alerts = Family::<DeliveryLabel, Gauge>::default();
    for (destination, delivery, count) in store.outbox_counts().await? {
        alerts
            .get_or_create(&DeliveryLabel {
                destination,
                state: delivery,
            })
            .set(count);
    }
    registry.register(
        "alerts",
        "Alert deliveries in the outbox by destination and state (pending, sent, dead)",
        alerts,
    );

    Ok(())
}
