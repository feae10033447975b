//! The few measurements that cannot be read back from the store and so are counted as
//! they happen: Hub requests by HTTP status (through the Hub client's observer hook)
//! and app probe latency (through `MeteredProbe`, a wrapper around the probe). Both
//! live as long as the process; everything else on `/metrics` is read from the store
//! once per cycle (`cache`).

use std::sync::Arc;

use async_trait::async_trait;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use secrecy::SecretString;

use crate::domain::ProbeOutcome;
use crate::hub::{AppProbe, HubEvent, HubObserver, ProbeRequest};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct StatusLabel {
    /// The HTTP status, or `error` when no reply came.
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(super) struct OutcomeLabel {
    /// `ok` or `failed`, as the probe judged the reply.
    pub outcome: &'static str,
}

/// Latency buckets in seconds: a healthy app answers in tens of milliseconds, a cold
/// one in seconds, a hung one at the probe timeout.
fn probe_histogram() -> Histogram {
    Histogram::new([0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
}

/// Counters shared by the Hub client, the probe and the `/metrics` handler.
#[derive(Clone, Debug)]
pub struct Meters {
    pub(super) hub_requests: Family<StatusLabel, Counter>,
    pub(super) probe_latency: Family<OutcomeLabel, Histogram, fn() -> Histogram>,
    /// The exposition `/metrics` rendered for this cycle (`cache`): kept here so
    /// every server the daemon starts on its socket shares it.
    pub(super) scrapes: super::cache::ScrapeCache,
}

impl Default for Meters {
    fn default() -> Self {
        Meters {
            hub_requests: Family::default(),
            probe_latency: Family::new_with_constructor(probe_histogram),
            scrapes: super::cache::ScrapeCache::default(),
        }
    }
}

impl Meters {
    /// The hook to hand to `HubClient::with_observer`: counts requests by status.
    pub fn hub_observer(&self) -> Arc<dyn HubObserver> {
        let requests = self.hub_requests.clone();
        Arc::new(move |event: &HubEvent<'_>| {
            if let HubEvent::Request { status, .. } = event {
                let status = status.map_or_else(|| "error".to_owned(), |s| s.to_string());
                requests.get_or_create(&StatusLabel { status }).inc();
            }
        })
    }

    fn observe_probe(&self, outcome: &ProbeOutcome) {
        if let Some(ms) = outcome.latency_ms {
            let label = OutcomeLabel {
                outcome: if outcome.ok { "ok" } else { "failed" },
            };
            self.probe_latency
                .get_or_create(&label)
                .observe(ms / 1000.0);
        }
    }
}

/// An `AppProbe` that times every probe into `Meters`.
pub struct MeteredProbe {
    inner: Arc<dyn AppProbe>,
    meters: Meters,
}

impl MeteredProbe {
    pub fn new(inner: Arc<dyn AppProbe>, meters: Meters) -> MeteredProbe {
        MeteredProbe { inner, meters }
    }
}

#[async_trait]
impl AppProbe for MeteredProbe {
    async fn probe(&self, request: &ProbeRequest, token: Option<&SecretString>) -> ProbeOutcome {
        let outcome = self.inner.probe(request, token).await;
        self.meters.observe_probe(&outcome);
        outcome
    }
}
