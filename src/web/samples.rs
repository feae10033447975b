//! The last live-metrics samples of each Space, kept in memory for the Space page's
//! sparklines as first drawn (the live stream then extends them in the browser). Two
//! sources fill it: `RecordingHub`, which wraps the daemon's `Hub` and keeps whatever
//! the chat `/metrics` command read through it, and the page's live relay
//! (`web::live`), which records every sample it relays. Nothing is stored on disk;
//! after a restart the sparklines start empty.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::clock::{Clock, SystemClock};
use crate::domain::SpaceId;
use crate::hub::{
    Hub, HubError, LogKind, LogLine, MetricSample, MetricStream, SpaceInfo, SpaceRuntime,
    SpaceSummary, WhoAmI,
};

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

/// Recent samples by Space; cheap to clone, shared by the Hub wrapper and the pages.
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

/// A `Hub` that passes every call through and remembers live-metrics samples.
pub struct RecordingHub {
    inner: Arc<dyn Hub>,
    book: SampleBook,
    clock: Arc<dyn Clock>,
}

impl RecordingHub {
    pub fn new(inner: Arc<dyn Hub>, book: SampleBook) -> RecordingHub {
        RecordingHub {
            inner,
            book,
            clock: Arc::new(SystemClock),
        }
    }

    /// Stamps samples with `clock` (the monitor's, so tests can move it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> RecordingHub {
        self.clock = clock;
        self
    }
}

#[async_trait]
impl Hub for RecordingHub {
    async fn list_spaces(
        &self,
        owner: &str,
        token: Option<&SecretString>,
    ) -> Result<Vec<SpaceSummary>, HubError> {
        self.inner.list_spaces(owner, token).await
    }

    async fn runtime(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        self.inner.runtime(id, token).await
    }

    async fn space_info(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceInfo, HubError> {
        self.inner.space_info(id, token).await
    }

    async fn restart(
        &self,
        id: &SpaceId,
        factory: bool,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        self.inner.restart(id, factory, token).await
    }

    async fn pause(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        self.inner.pause(id, token).await
    }

    async fn set_sleep_time(
        &self,
        id: &SpaceId,
        seconds: i64,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError> {
        self.inner.set_sleep_time(id, seconds, token).await
    }

    async fn logs(
        &self,
        id: &SpaceId,
        kind: LogKind,
        tail: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<LogLine>, HubError> {
        self.inner.logs(id, kind, tail, token).await
    }

    async fn live_metrics(
        &self,
        id: &SpaceId,
        samples: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<MetricSample>, HubError> {
        let read = self.inner.live_metrics(id, samples, token).await?;
        self.book.record(id, self.clock.now(), &read);
        Ok(read)
    }

    /// Passed through: the page's live relay records the samples it relays itself.
    async fn live_metrics_stream(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<MetricStream, HubError> {
        self.inner.live_metrics_stream(id, token).await
    }

    async fn whoami(&self, token: &SecretString) -> Result<WhoAmI, HubError> {
        self.inner.whoami(token).await
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
}
