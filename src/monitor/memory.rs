//! The memory sampler: reads a few live-metrics events of every running Space within a
//! budget (`[memory]`: streams at once, each Space at least every `every`), so that a
//! Space about to be stopped for memory is warned about before it is, and so the page's
//! sparklines and `/metrics` gauges have figures without anyone asking in chat (the
//! samples land in the `SampleBook` through the Hub client's observer).
//!
//! Memory at or above `high_pct` of the limit in every sample of a read raises one
//! `memory_high` warning, with the figure and advice; it is never a reason to restart.
//! The warning is re-armed once a read finds the Space below the threshold.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use tokio_util::sync::CancellationToken;

use super::Monitor;
use crate::alerts::{Alert, AlertEvent, EventKind, Note};
use crate::domain::{SpaceId, Stage, time};
use crate::hub::MetricSample;

/// How often the sampler looks for Spaces due a read. The first look comes right after
/// start, and again shortly after, so the first cycle's Spaces are read within a minute.
const LOOK_EVERY: Duration = Duration::from_secs(20);

/// One Space's read: its samples, or `None` when the stream gave none.
type Read = (SpaceId, Option<Vec<MetricSample>>);

/// What the sampler remembers between reads (in memory: after a restart every Space is
/// due at once, and a Space still near its limit is warned about again).
#[derive(Debug, Default)]
pub(super) struct SamplerState {
    /// When each Space (by key) was last read.
    read_at: Mutex<HashMap<String, DateTime<Utc>>>,
    /// Spaces (by key) warned about and not yet seen below the threshold.
    warned: Mutex<HashSet<String>>,
}

impl Monitor {
    /// Reads Spaces due a sample on a timer until `cancel`. A sweep sees `cancel` too:
    /// over thousands of running Spaces it takes minutes, and shutdown must not wait.
    pub async fn run_memory_sampler(
        &self,
        cancel: CancellationToken,
    ) -> crate::supervise::PartResult {
        let mut ticks = tokio::time::interval(LOOK_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return Ok(()),
                _ = ticks.tick() => {}
            }
            self.sweep_until(&cancel).await;
        }
    }

    /// One sweep: every running, watched Space not read within `every`, at most
    /// `streams` at once. Returns how many were read. Tests only (`testkit`): the
    /// daemon sweeps through `run_memory_sampler`.
    #[cfg(any(test, feature = "testkit"))]
    pub async fn memory_sweep(&self) -> usize {
        self.sweep_until(&CancellationToken::new()).await
    }

    /// `memory_sweep`, ended early by `cancel`: no read starts after it, those in
    /// flight are dropped, nothing is judged or queued. Returns how many were read.
    async fn sweep_until(&self, cancel: &CancellationToken) -> usize {
        let settings = self.settings().memory.clone();
        let now = self.now();
        let states = match self.inner.store.space_states().await {
            Ok(states) => states,
            Err(e) => {
                tracing::warn!(error = %e, "memory sampler: cannot read the Spaces");
                return 0;
            }
        };
        // A muted Space is still read (its sparkline), never warned about.
        let muted: HashSet<String> = states
            .iter()
            .filter(|s| s.muted(now))
            .map(|s| s.space.key())
            .collect();
        let due: Vec<SpaceId> = {
            let read_at = lock(&self.inner.sampler.read_at);
            states
                .into_iter()
                .filter(|s| s.stage == Some(Stage::Running) && self.watches(&s.space))
                .filter(|s| {
                    read_at
                        .get(&s.space.key())
                        .is_none_or(|at| time::elapsed(*at, now) >= settings.every)
                })
                .map(|s| s.space)
                .collect()
        };
        let Some(reads) = self.read_all(due, settings.streams, cancel).await else {
            tracing::info!("memory sampler: sweep stopped (shutting down)");
            return 0;
        };
        let now = self.now();
        let mut events = Vec::new();
        for (space, samples) in &reads {
            lock(&self.inner.sampler.read_at).insert(space.key(), now);
            let Some(samples) = samples else { continue };
            if muted.contains(&space.key()) {
                continue;
            }
            if let Some(event) = self.judge_memory(space, samples, settings.high_pct) {
                events.push(event);
            }
        }
        if !events.is_empty() {
            self.queue_warnings(events, now).await;
        }
        reads.len()
    }

    /// Reads `due`, at most `streams` at once, in this task: the reads are futures of
    /// a stream polled only while `cancel` has not fired, so none starts after it and
    /// those in flight are dropped with it. `None` when cancelled. A read that panics
    /// is logged and counted by the supervisor, and left out; the sweep goes on.
    async fn read_all(
        &self,
        due: Vec<SpaceId>,
        streams: usize,
        cancel: &CancellationToken,
    ) -> Option<Vec<Read>> {
        let supervisor = &self.inner.supervisor;
        let reads = stream::iter(due)
            .map(|space| async move {
                let mut read = None;
                supervisor
                    .catch("memory read", async {
                        read = Some(self.read_memory(&space).await);
                    })
                    .await;
                read.map(|samples| (space, samples))
            })
            .buffer_unordered(streams.max(1))
            .filter_map(std::future::ready)
            .collect::<Vec<Read>>();
        tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            reads = reads => Some(reads),
        }
    }

    async fn read_memory(&self, space: &SpaceId) -> Option<Vec<MetricSample>> {
        let token = self.inner.config.token_for(space.owner());
        let samples = self.settings().memory.samples;
        match self.inner.hub.live_metrics(space, samples, token).await {
            Ok(samples) => Some(samples),
            Err(e) => {
                tracing::debug!(space = %space, error = %e, "memory sampler: no sample");
                None
            }
        }
    }

    /// One warning when every sample of the read is at or above the threshold; the
    /// warning re-arms once a read is below it.
    fn judge_memory(
        &self,
        space: &SpaceId,
        samples: &[MetricSample],
        high_pct: f64,
    ) -> Option<AlertEvent> {
        let pct = |s: &MetricSample| {
            (s.memory_total_bytes > 0)
                .then(|| s.memory_used_bytes as f64 * 100.0 / s.memory_total_bytes as f64)
        };
        let high = !samples.is_empty()
            && samples
                .iter()
                .all(|s| pct(s).is_some_and(|p| p >= high_pct));
        let mut warned = lock(&self.inner.sampler.warned);
        if !high {
            warned.remove(&space.key());
            return None;
        }
        if !warned.insert(space.key()) {
            return None;
        }
        let last = samples.last()?;
        Some(
            AlertEvent::new(
                space.clone(),
                EventKind::MemoryHigh,
                crate::domain::Verdict::Up,
            )
            .with_stage(Some(Stage::Running))
            .with_note(Note::MemoryHigh {
                percent: pct(last).unwrap_or_default(),
                used_bytes: last.memory_used_bytes,
                total_bytes: last.memory_total_bytes,
                samples: u32::try_from(samples.len()).unwrap_or(u32::MAX),
            }),
        )
    }

    async fn queue_warnings(&self, events: Vec<AlertEvent>, now: DateTime<Utc>) {
        if let Err(e) = self.queue_alert(&Alert::of(now, events)).await {
            tracing::warn!(error = %e, "memory sampler: cannot queue the warning");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
