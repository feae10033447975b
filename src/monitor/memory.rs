//! The memory sampler: reads a few live-metrics events of every running Space within a
//! budget (`[memory]`: streams at once, each Space at least every `every`), so that a
//! Space about to be stopped for memory is warned about before it is, and so the page's
//! sparklines and `/metrics` gauges have figures without anyone asking in chat (the
//! samples land in the `SampleBook` through the Hub client's observer).
//!
//! Memory at or above `high_pct` of the limit in every sample of a read raises one
//! `memory_high` warning, with the figure and advice; it is never a reason to restart.
//! The warning is re-armed once a read finds the Space below the threshold.
//!
//! How many streams at once follows the number of running Spaces (`pace`), so each is
//! read once per `every` up to 10,000 of them; a 429 from the Hub wins over that.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use tokio_util::sync::CancellationToken;

use super::Monitor;
use crate::alerts::{Alert, AlertEvent, EventKind, Note};
use crate::domain::{SpaceId, Stage, time};
use crate::hub::{HubError, MetricSample};

mod pace;

pub use pace::SamplerFigures;

/// How often the sampler looks for Spaces due a read. The first look comes right after
/// start, and again shortly after, so the first cycle's Spaces are read within a minute.
const LOOK_EVERY: Duration = Duration::from_secs(20);

/// One Space's read, as a sweep saw it.
struct Read {
    space: SpaceId,
    /// The samples, or `None` when the stream gave none.
    samples: Option<Vec<MetricSample>>,
    /// When it ended (the injected clock), and how long it took.
    at: DateTime<Utc>,
    took: Duration,
}

/// What the sampler remembers between reads (in memory: after a restart every Space is
/// due at once, and a Space still near its limit is warned about again).
#[derive(Debug, Default)]
pub(super) struct SamplerState {
    /// When each Space (by key) was last read.
    read_at: Mutex<HashMap<String, DateTime<Utc>>>,
    /// Spaces (by key) warned about and not yet seen below the threshold.
    warned: Mutex<HashSet<String>>,
    /// How many streams at once, and what that achieved (`pace`).
    pace: Mutex<pace::Pace>,
}

/// The Spaces one sweep reads, and how many Spaces run.
struct Due {
    spaces: Vec<SpaceId>,
    running: usize,
    muted: HashSet<String>,
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

    /// One sweep: every running, watched Space not read within `every`, as many at
    /// once as `pace` allows. Returns how many were read. Tests only (`testkit`): the
    /// daemon sweeps through `run_memory_sampler`.
    #[cfg(any(test, feature = "testkit"))]
    pub async fn memory_sweep(&self) -> usize {
        self.sweep_until(&CancellationToken::new()).await
    }

    /// The sampler's streams and the read interval it achieves (for `/metrics`).
    pub fn memory_sampler_figures(&self) -> SamplerFigures {
        lock(&self.inner.sampler.pace).figures()
    }

    /// `memory_sweep`, ended early by `cancel`: no read starts after it, those in
    /// flight are dropped, nothing is judged or queued. Returns how many were read.
    async fn sweep_until(&self, cancel: &CancellationToken) -> usize {
        let settings = self.settings().memory.clone();
        let Some(due) = self.due_reads(settings.every).await else {
            return 0;
        };
        let Some(streams) = lock(&self.inner.sampler.pace).plan(due.running, &settings, self.now())
        else {
            tracing::debug!("memory sampler: waiting out the Hub's rate limit");
            return 0;
        };
        let limited = Mutex::new(None);
        let Some(reads) = self.read_all(due.spaces, streams, &limited, cancel).await else {
            tracing::info!("memory sampler: sweep stopped (shutting down)");
            return 0;
        };
        let limited = limited.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(wait) = limited {
            tracing::info!(
                streams,
                wait_s = wait.as_secs(),
                "memory sampler: rate-limited by the Hub; fewer streams after the wait"
            );
        }
        self.note_reads(&reads, limited);
        let events: Vec<AlertEvent> = reads
            .iter()
            .filter(|r| !due.muted.contains(&r.space.key()))
            .filter_map(|r| {
                let samples = r.samples.as_deref()?;
                self.judge_memory(&r.space, samples, settings.high_pct)
            })
            .collect();
        if !events.is_empty() {
            self.queue_warnings(events, self.now()).await;
        }
        reads.len()
    }

    /// The running, watched Spaces not read within `every` (`None` when the store
    /// cannot say). A muted Space is still read (its sparkline), never warned about.
    /// The states are the read model's kept ones (shared, not read again every look).
    async fn due_reads(&self, every: Duration) -> Option<Due> {
        let now = self.now();
        let states = match self.inner.aggregates.states(&self.inner.store).await {
            Ok(states) => states,
            Err(e) => {
                tracing::warn!(error = %e, "memory sampler: cannot read the Spaces");
                return None;
            }
        };
        let muted = states
            .all()
            .iter()
            .filter(|s| s.muted(now))
            .map(|s| s.space.key())
            .collect();
        let running: Vec<SpaceId> = states
            .all()
            .iter()
            .filter(|s| s.stage == Some(Stage::Running) && self.watches(&s.space))
            .map(|s| s.space.clone())
            .collect();
        let read_at = lock(&self.inner.sampler.read_at);
        let count = running.len();
        let spaces = running
            .into_iter()
            .filter(|space| {
                read_at
                    .get(&space.key())
                    .is_none_or(|at| time::elapsed(*at, now) >= every)
            })
            .collect();
        Some(Due {
            spaces,
            running: count,
            muted,
        })
    }

    /// Remembers when each Space was read and tells `pace` what the sweep achieved:
    /// the longest gap between two reads of one Space, and how long reads took.
    fn note_reads(&self, reads: &[Read], limited: Option<Duration>) {
        let mut read_at = lock(&self.inner.sampler.read_at);
        let mut gap = None;
        for read in reads {
            if let Some(before) = read_at.insert(read.space.key(), read.at) {
                gap = gap.max(Some(time::elapsed(before, read.at)));
            }
        }
        drop(read_at);
        let took: Vec<Duration> = reads
            .iter()
            .filter(|r| r.samples.is_some())
            .map(|r| r.took)
            .collect();
        lock(&self.inner.sampler.pace).finished(&took, gap, limited, self.now());
    }

    /// Reads `due`, at most `streams` at once, in this task: the reads are futures of
    /// a stream polled only while `cancel` has not fired, so none starts after it and
    /// those in flight are dropped with it. `None` when cancelled. A read that panics
    /// is logged and counted by the supervisor, and left out; the sweep goes on. Once
    /// the Hub answers 429 (its wait lands in `limited`), no read starts: the Spaces
    /// left stay due for the next sweep.
    async fn read_all(
        &self,
        due: Vec<SpaceId>,
        streams: usize,
        limited: &Mutex<Option<Duration>>,
        cancel: &CancellationToken,
    ) -> Option<Vec<Read>> {
        let supervisor = &self.inner.supervisor;
        let stop = AtomicBool::new(false);
        let stop = &stop;
        let reads = stream::iter(due)
            .map(|space| async move {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let mut read = None;
                supervisor
                    .catch("memory read", async {
                        read = Some(self.read_memory(&space).await);
                    })
                    .await;
                let (result, took) = read?;
                let samples = match result {
                    Ok(samples) => Some(samples),
                    Err(HubError::RateLimited { retry_after }) => {
                        stop.store(true, Ordering::Relaxed);
                        let mut wait = lock(limited);
                        *wait = (*wait).max(Some(retry_after));
                        return None;
                    }
                    Err(_) => None,
                };
                let at = self.now();
                Some(Read {
                    space,
                    samples,
                    at,
                    took,
                })
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

    async fn read_memory(
        &self,
        space: &SpaceId,
    ) -> (Result<Vec<MetricSample>, HubError>, Duration) {
        let token = self.inner.config.token_for(space.owner());
        let samples = self.settings().memory.samples;
        let started = Instant::now();
        let result = self.inner.hub.live_metrics(space, samples, token).await;
        if let Err(e) = &result {
            tracing::debug!(space = %space, error = %e, "memory sampler: no sample");
        }
        (result, started.elapsed())
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
