//! The last live-metrics samples of each Space, kept in memory for the Space page's
//! sparklines as first drawn (the live stream then extends them in the browser). Two
//! sources fill it: its observer of the daemon's Hub client, which keeps whatever the
//! chat `/metrics` command read, and the page's live relay
//! (`web::live`), which records every sample it relays. Nothing is stored on disk;
//! after a restart the sparklines start empty.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::domain::SpaceId;
use crate::hub::{HubEvent, HubObserver, MetricSample};

/// Samples kept per Space: a minute or two of the stream.
const KEEP: usize = 120;

/// One remembered sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub cpu_pct: f64,
    pub memory_used: u64,
    pub memory_total: u64,
    /// Download, bytes per second.
    pub rx_bps: f64,
    /// Upload, bytes per second.
    pub tx_bps: f64,
}

impl Sample {
    pub fn new(at: DateTime<Utc>, s: &MetricSample) -> Sample {
        Sample {
            at,
            cpu_pct: s.cpu_usage_pct,
            memory_used: s.memory_used_bytes,
            memory_total: s.memory_total_bytes,
            rx_bps: s.rx_bps,
            tx_bps: s.tx_bps,
        }
    }
}

/// Recent samples by Space; cheap to clone, shared by the Hub observer and the pages.
#[derive(Debug, Clone, Default)]
pub struct SampleBook {
    spaces: Arc<Mutex<HashMap<String, VecDeque<Sample>>>>,
}

impl SampleBook {
    pub fn record(&self, space: &SpaceId, at: DateTime<Utc>, samples: &[MetricSample]) {
        let mut spaces = self.spaces.lock().unwrap_or_else(|p| p.into_inner());
        let kept = spaces.entry(space.key()).or_default();
        for s in samples {
            kept.push_back(Sample::new(at, s));
        }
        while kept.len() > KEEP {
            kept.pop_front();
        }
    }

    /// Adds one sample (the live relay's).
    pub fn push(&self, space: &SpaceId, sample: Sample) {
        let mut spaces = self.spaces.lock().unwrap_or_else(|p| p.into_inner());
        let kept = spaces.entry(space.key()).or_default();
        kept.push_back(sample);
        while kept.len() > KEEP {
            kept.pop_front();
        }
    }

    /// The newest sample of `space`.
    pub fn latest(&self, space: &SpaceId) -> Option<Sample> {
        let spaces = self.spaces.lock().unwrap_or_else(|p| p.into_inner());
        spaces
            .get(&space.key())
            .and_then(|kept| kept.back().cloned())
    }

    /// Oldest first.
    pub fn samples(&self, space: &SpaceId) -> Vec<Sample> {
        let spaces = self.spaces.lock().unwrap_or_else(|p| p.into_inner());
        spaces
            .get(&space.key())
            .map(|kept| kept.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// Keeps what the Hub client's one-off live-metrics reads returned (`/metrics`),
/// stamped with `clock`'s time (the monitor's, so tests can move it).
struct Recorder {
    book: SampleBook,
    clock: Arc<dyn Clock>,
}

impl HubObserver for Recorder {
    fn observe(&self, event: &HubEvent<'_>) {
        if let HubEvent::Samples { space, samples } = event {
            self.book.record(space, self.clock.now(), samples);
        }
    }
}

impl SampleBook {
    /// The hook to hand to `HubClient::with_observer`. The live stream is not seen
    /// there: the page's live relay records the samples it relays itself.
    pub fn hub_observer(&self, clock: Arc<dyn Clock>) -> Arc<dyn HubObserver> {
        Arc::new(Recorder {
            book: self.clone(),
            clock,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: f64) -> MetricSample {
        MetricSample {
            cpu_usage_pct: cpu,
            memory_used_bytes: 1,
            memory_total_bytes: 2,
            rx_bps: 0.0,
            tx_bps: 0.0,
            replica: None,
        }
    }

    #[test]
    fn keeps_the_newest_samples_per_space() {
        let book = SampleBook::default();
        let a = SpaceId::parse("alice/a").unwrap();
        let samples: Vec<MetricSample> = (0..KEEP + 5).map(|i| sample(i as f64)).collect();
        book.record(&a, Utc::now(), &samples);
        let kept = book.samples(&SpaceId::parse("ALICE/A").unwrap());
        assert_eq!(kept.len(), KEEP);
        assert_eq!(kept[0].cpu_pct, 5.0);
        assert!(book.samples(&SpaceId::parse("alice/b").unwrap()).is_empty());
    }

    #[test]
    fn keeps_the_hub_clients_one_off_reads() {
        let book = SampleBook::default();
        let clock = Arc::new(crate::clock::ManualClock::new(Utc::now()));
        let observer = book.hub_observer(clock.clone());
        let a = SpaceId::parse("alice/a").unwrap();
        observer.observe(&HubEvent::Samples {
            space: &a,
            samples: &[sample(1.0), sample(2.0)],
        });
        observer.observe(&HubEvent::Request {
            status: Some(200),
            latency: std::time::Duration::ZERO,
        });
        let kept = book.samples(&a);
        assert_eq!(kept.len(), 2);
        assert_eq!((kept[1].cpu_pct, kept[1].at), (2.0, clock.now()));
    }
}
