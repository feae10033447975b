//! How many live-metrics streams the memory sampler holds at once, and what it
//! achieved (issue 25, finding 6). Pure: the sampler tells it what a sweep saw, it
//! answers how many streams the next sweep may hold and whether it may start yet.
//!
//! Enough streams to read every running Space once per `every`: with R running
//! Spaces and reads of about `d` each, R × d / `every` streams, a quarter more for the
//! looks between sweeps, at least `streams` and at most `max_streams` (the live-metrics
//! host's budget). The Hub's rate limit wins over the target: after a 429 no sweep
//! starts before the wait it asked for, with half the streams, and each sweep without
//! one doubles them back.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::MemorySettings;
use crate::domain::time;

/// Spare throughput over the exact need: Spaces fall due between looks, and reads
/// vary in length.
const HEADROOM: f64 = 1.25;
/// The Hub sends a `metric` event about every second (reference §3.13): until reads
/// are timed, one lasts about a second per event read.
const EVENT_PERIOD: Duration = Duration::from_secs(1);

/// Streams for `running` Spaces read in `read` each, each at least every `every`.
pub(super) fn streams_for(
    running: usize,
    read: Duration,
    every: Duration,
    settings: &MemorySettings,
) -> usize {
    let every = every.as_secs_f64().max(1.0);
    let need = (running as f64 * read.as_secs_f64() * HEADROOM / every).ceil();
    // `as` saturates: a huge need is the budget anyway.
    let need = need as usize;
    let budget = settings.max_streams.max(1);
    need.max(settings.streams).min(budget)
}

/// What the sampler learned so far. In memory only: after a restart it starts over.
#[derive(Debug, Default)]
pub(super) struct Pace {
    /// How long a read took of late (a running mean); `None` until reads are timed.
    read_time: Option<Duration>,
    /// The most streams after a 429 (halved by each, doubled by each sweep without).
    ceiling: Option<usize>,
    /// No sweep starts before this (the wait the Hub asked for).
    not_before: Option<DateTime<Utc>>,
    /// Streams of the latest sweep.
    streams: usize,
    /// The longest time between two reads of one Space, in the latest sweep that read
    /// a Space a second time.
    interval: Option<Duration>,
}

/// What `/metrics` shows of the sampler.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SamplerFigures {
    /// Streams the latest sweep held at once, at most.
    pub streams: usize,
    /// How often a running Space was read, at worst, as the latest sweeps achieved.
    pub interval: Option<Duration>,
}

impl Pace {
    /// The streams for a sweep now over `running` Spaces; `None` while the Hub's wait
    /// lasts.
    pub(super) fn plan(
        &mut self,
        running: usize,
        settings: &MemorySettings,
        now: DateTime<Utc>,
    ) -> Option<usize> {
        if self.not_before.is_some_and(|at| now < at) {
            return None;
        }
        self.not_before = None;
        let read = self
            .read_time
            .unwrap_or(EVENT_PERIOD * settings.samples as u32);
        let planned = streams_for(running, read, settings.every, settings);
        self.streams = self.ceiling.map_or(planned, |c| planned.min(c)).max(1);
        Some(self.streams)
    }

    /// A sweep ended: `read_times` of its reads that answered, the longest `gap`
    /// between two reads of one Space, and the Hub's wait if it answered 429.
    pub(super) fn finished(
        &mut self,
        read_times: &[Duration],
        gap: Option<Duration>,
        limited: Option<Duration>,
        now: DateTime<Utc>,
    ) {
        if !read_times.is_empty() {
            let total: Duration = read_times.iter().sum();
            let mean = total / read_times.len() as u32;
            self.read_time = Some(self.read_time.map_or(mean, |old| (old + mean) / 2));
        }
        if gap.is_some() {
            self.interval = gap;
        }
        match limited {
            Some(wait) => {
                self.ceiling = Some((self.streams / 2).max(1));
                self.not_before = Some(time::after(now, wait));
            }
            None => {
                self.ceiling = self.ceiling.map(|c| c.saturating_mul(2));
            }
        }
    }

    pub(super) fn figures(&self) -> SamplerFigures {
        SamplerFigures {
            streams: self.streams,
            interval: self.interval,
        }
    }
}

#[cfg(test)]
mod tests;
