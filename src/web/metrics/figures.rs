//! The figures `/metrics` reads from the store once per cycle: per-Space gauges (verdict,
//! uptime, the newest live-metrics sample), the number of Spaces of each verdict, open
//! incidents, repairs and wakes, alert deliveries. Each family is filled by one step,
//! then registered in a fixed order; the per-Space ones are written while the
//! exposition is encoded (`SpaceFamilies`), after the others.

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeGaugeValue, EncodeLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::{CountLabel, DeliveryLabel, ResultLabel, WebState};
use crate::domain::{ActionKind, Verdict};
use crate::store::{ActionCount, SpaceState, StoreError};
use crate::view::{Snapshot, watched_states};
use crate::web::Sample;

/// Reads and registers every store figure.
pub(super) async fn store_figures(
    registry: &mut Registry,
    state: &WebState,
) -> Result<(), StoreError> {
    let monitor = &state.monitor;
    let store = monitor.store();
    let figures = crate::view::aggregates(monitor).await?;
    let spaces = SpaceFamilies::new(state, watched_states(monitor).await?, figures);
    register_counts(registry, &spaces.states);
    registry.register_collector(Box::new(spaces));

    let open = Gauge::<i64>::default();
    open.set(i64::try_from(store.open_incidents().await?.len()).unwrap_or(i64::MAX));
    registry.register("open_incidents", "Incidents not yet closed", open);

    register_actions(registry, store.action_counts().await?);
    register_deliveries(registry, store.outbox_counts().await?);
    Ok(())
}

/// Spaces by verdict: an overview without a series per Space.
fn register_counts(registry: &mut Registry, states: &[Arc<SpaceState>]) {
    let counts = Family::<CountLabel, Gauge>::default();
    for verdict in Verdict::ALL {
        let count = states.iter().filter(|s| s.verdict == verdict).count();
        counts
            .get_or_create(&CountLabel {
                verdict: verdict.as_str(),
            })
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
    registry.register(
        "spaces_by_verdict",
        "Watched Spaces with each verdict (Spaces not checked yet are in none)",
        counts,
    );
}

/// The per-Space families, written line by line while the exposition is encoded. As
/// registered families (a map of labels and gauges each) they took about 20 MB at
/// 10,000 Spaces for every render: 130,000 series, a label `String` and a gauge each.
/// Here they are read from the kept states when encoded, in the states' key order.
#[derive(Debug)]
struct SpaceFamilies {
    states: Vec<Arc<SpaceState>>,
    /// `owner/name` as shown, one per state.
    names: Vec<String>,
    /// The newest live-metrics sample of each state, if any (the memory sampler reads
    /// every running Space at least every `[memory] every`).
    newest: Vec<Option<Sample>>,
    figures: Arc<Snapshot>,
}

impl SpaceFamilies {
    fn new(state: &WebState, states: Vec<Arc<SpaceState>>, figures: Arc<Snapshot>) -> Self {
        let names = states.iter().map(|s| s.space.to_string()).collect();
        let newest = states
            .iter()
            .map(|s| state.samples.latest(&s.space))
            .collect();
        SpaceFamilies {
            states,
            names,
            newest,
            figures,
        }
    }

    fn spaces(&self) -> impl Iterator<Item = (&str, &SpaceState)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.states.iter().map(|s| &**s))
    }

    fn samples(&self) -> impl Iterator<Item = (&str, &Sample)> {
        self.names
            .iter()
            .zip(&self.newest)
            .filter_map(|(name, sample)| Some((name.as_str(), sample.as_ref()?)))
    }
}

impl Collector for SpaceFamilies {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let bytes = |b: u64| i64::try_from(b).unwrap_or(i64::MAX);
        gauges(
            &mut encoder,
            ("space_up", "1 when the Space's verdict is up", None),
            self.spaces()
                .map(|(name, s)| ([("space", name)], i64::from(s.verdict == Verdict::Up))),
        )?;
        gauges(
            &mut encoder,
            (
                "space_memory_used",
                "Memory the Space used at its newest live-metrics sample",
                Some(&Unit::Bytes),
            ),
            self.samples()
                .map(|(name, sample)| ([("space", name)], bytes(sample.memory_used))),
        )?;
        gauges(
            &mut encoder,
            (
                "space_memory_limit",
                "The Space's memory limit at its newest live-metrics sample",
                Some(&Unit::Bytes),
            ),
            self.samples()
                .map(|(name, sample)| ([("space", name)], bytes(sample.memory_total))),
        )?;
        gauges(
            &mut encoder,
            (
                "space_cpu_usage_percent",
                "CPU use of the Space at its newest live-metrics sample",
                None,
            ),
            self.samples()
                .map(|(name, sample)| ([("space", name)], sample.cpu_pct)),
        )?;
        gauges(
            &mut encoder,
            (
                "space_verdict",
                "1 for the Space's current verdict, 0 for the others",
                None,
            ),
            self.spaces().flat_map(|(name, s)| {
                Verdict::ALL.into_iter().map(move |verdict| {
                    let labels = [("space", name), ("verdict", verdict.as_str())];
                    (labels, i64::from(s.verdict == verdict))
                })
            }),
        )?;
        let uptime = &self.figures.uptime;
        gauges(
            &mut encoder,
            (
                "space_uptime_ratio",
                "Share of counted checks that were up, over the window",
                None,
            ),
            self.spaces().flat_map(|(name, s)| {
                let ratio = uptime.get(&s.space.key());
                let windows = ratio.map(|r| [("24h", r.h24), ("7d", r.d7), ("30d", r.d30)]);
                windows
                    .into_iter()
                    .flatten()
                    .filter_map(move |(window, value)| {
                        Some(([("space", name), ("window", window)], value?))
                    })
            }),
        )?;
        Ok(())
    }
}

/// One gauge family: its name, help and unit, then a line per `(labels, value)`. Left
/// out without a line, and its help ended with a full stop, as the registry does with
/// the families registered in it.
fn gauges<L: EncodeLabelSet, V: EncodeGaugeValue>(
    encoder: &mut DescriptorEncoder,
    (name, help, unit): (&str, &str, Option<&Unit>),
    lines: impl Iterator<Item = (L, V)>,
) -> Result<(), std::fmt::Error> {
    let mut lines = lines.peekable();
    if lines.peek().is_none() {
        return Ok(());
    }
    let help = format!("{help}.");
    let mut family = encoder.encode_descriptor(name, &help, unit, MetricType::Gauge)?;
    for (labels, value) in lines {
        family.encode_family(&labels)?.encode_gauge(&value)?;
    }
    Ok(())
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
