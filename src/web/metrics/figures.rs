//! The figures `/metrics` reads from the store once per cycle: per-Space gauges (verdict,
//! uptime, the newest live-metrics sample), the number of Spaces of each verdict, open
//! incidents, repairs and wakes, alert deliveries. Each family is filled by one step,
//! then registered in a fixed order.

use std::collections::HashMap;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::{
    CountLabel, DeliveryLabel, FloatGauge, ResultLabel, SpaceLabel, VerdictLabel, WebState,
    WindowLabel,
};
use crate::domain::{ActionKind, Verdict};
use crate::store::{ActionCount, SpaceState, StoreError, Uptime};
use crate::view::watched_states;

/// Reads and registers every store figure.
pub(super) async fn store_figures(
    registry: &mut Registry,
    state: &WebState,
) -> Result<(), StoreError> {
    let monitor = &state.monitor;
    let store = monitor.store();
    let figures = crate::view::aggregates(monitor).await?;
    let mut spaces = SpaceFamilies::default();
    for space in watched_states(monitor).await? {
        spaces.add(state, &space, &figures.uptime);
    }
    spaces.register(registry);

    let open = Gauge::<i64>::default();
    open.set(i64::try_from(store.open_incidents().await?.len()).unwrap_or(i64::MAX));
    registry.register("open_incidents", "Incidents not yet closed", open);

    register_actions(registry, store.action_counts().await?);
    register_deliveries(registry, store.outbox_counts().await?);
    Ok(())
}

/// The per-Space families, filled one Space at a time.
#[derive(Default)]
struct SpaceFamilies {
    up: Family<SpaceLabel, Gauge>,
    verdicts: Family<VerdictLabel, Gauge>,
    /// Spaces by verdict: an overview without a series per Space.
    counts: [i64; 9],
    uptime: Family<WindowLabel, FloatGauge>,
    // The newest live-metrics sample of each Space (the memory sampler reads every
    // running Space at least every `[memory] every`).
    memory_used: Family<SpaceLabel, Gauge>,
    memory_limit: Family<SpaceLabel, Gauge>,
    cpu: Family<SpaceLabel, FloatGauge>,
}

impl SpaceFamilies {
    fn add(&mut self, state: &WebState, space: &SpaceState, ratios: &HashMap<String, Uptime>) {
        let name = space.space.to_string();
        let label = SpaceLabel {
            space: name.clone(),
        };
        if let Some(sample) = state.samples.samples(&space.space).last() {
            let bytes = |b: u64| i64::try_from(b).unwrap_or(i64::MAX);
            self.memory_used
                .get_or_create(&label)
                .set(bytes(sample.memory_used));
            self.memory_limit
                .get_or_create(&label)
                .set(bytes(sample.memory_total));
            self.cpu.get_or_create(&label).set(sample.cpu_pct);
        }
        self.up
            .get_or_create(&label)
            .set(i64::from(space.verdict == Verdict::Up));
        for (verdict, count) in Verdict::ALL.into_iter().zip(self.counts.iter_mut()) {
            *count += i64::from(space.verdict == verdict);
            self.verdicts
                .get_or_create(&VerdictLabel {
                    space: name.clone(),
                    verdict: verdict.as_str(),
                })
                .set(i64::from(space.verdict == verdict));
        }
        let Some(ratio) = ratios.get(&space.space.key()) else {
            return;
        };
        for (window, value) in [("24h", ratio.h24), ("7d", ratio.d7), ("30d", ratio.d30)] {
            if let Some(value) = value {
                self.uptime
                    .get_or_create(&WindowLabel {
                        space: name.clone(),
                        window,
                    })
                    .set(value);
            }
        }
    }

    fn register(self, registry: &mut Registry) {
        registry.register("space_up", "1 when the Space's verdict is up", self.up);
        registry.register_with_unit(
            "space_memory_used",
            "Memory the Space used at its newest live-metrics sample",
            Unit::Bytes,
            self.memory_used,
        );
        registry.register_with_unit(
            "space_memory_limit",
            "The Space's memory limit at its newest live-metrics sample",
            Unit::Bytes,
            self.memory_limit,
        );
        registry.register(
            "space_cpu_usage_percent",
            "CPU use of the Space at its newest live-metrics sample",
            self.cpu,
        );
        registry.register(
            "space_verdict",
            "1 for the Space's current verdict, 0 for the others",
            self.verdicts,
        );
        let counts = Family::<CountLabel, Gauge>::default();
        for (verdict, count) in Verdict::ALL.into_iter().zip(self.counts) {
            counts
                .get_or_create(&CountLabel {
                    verdict: verdict.as_str(),
                })
                .set(count);
        }
        registry.register(
            "spaces_by_verdict",
            "Watched Spaces with each verdict (Spaces not checked yet are in none)",
            counts,
        );
        registry.register(
            "space_uptime_ratio",
            "Share of counted checks that were up, over the window",
            self.uptime,
        );
    }
}

/// Repairs and wakes by result, over the stored history.
fn register_actions(registry: &mut Registry, counts: Vec<ActionCount>) {
    let repairs = Family::<ResultLabel, Counter>::default();
    let wakes = Family::<ResultLabel, Counter>::default();
    for count in counts {
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
}

/// Alert deliveries in the outbox by destination and state.
fn register_deliveries(registry: &mut Registry, counts: Vec<(String, String, i64)>) {
    let alerts = Family::<DeliveryLabel, Gauge>::default();
    for (destination, delivery, count) in counts {
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
}
