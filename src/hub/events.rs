//! The one hook for watching Hub calls: `HubClient` tells each `HubObserver` what it
//! sent and what it learnt, and the watchers subscribe instead of wrapping the `Hub`
//! trait (the `/metrics` counters, the page's sparkline samples, the progress display
//! of `check --repair`). The `Hub` trait stays the seam for fakes; a fake emits nothing.

use std::time::Duration;

use super::{MetricSample, SpaceRuntime};
use crate::domain::SpaceId;

/// Which call answered with a runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeCall {
    /// `GET /runtime`.
    Read,
    Restart,
    Pause,
    /// `POST /sleeptime`: its answer echoes settings, not a change the ladder waits on.
    SleepTime,
}

/// Something one Hub call did or learnt.
#[derive(Debug, Clone, Copy)]
pub enum HubEvent<'a> {
    /// One request ended: the reply's HTTP status, or `None` when no reply came
    /// (timeout, connection failure), and how long it took to the headers.
    Request {
        status: Option<u16>,
        latency: Duration,
    },
    /// A call answered with the Space's runtime.
    Runtime {
        space: &'a SpaceId,
        call: RuntimeCall,
        runtime: &'a SpaceRuntime,
    },
    /// A one-off read of the live metrics (not the stream, whose relay keeps its own).
    Samples {
        space: &'a SpaceId,
        samples: &'a [MetricSample],
    },
}

/// Told of every `HubEvent`, on the calling task: keep it short and never block.
pub trait HubObserver: Send + Sync {
    fn observe(&self, event: &HubEvent<'_>);
}

/// A closure is an observer.
impl<F: Fn(&HubEvent<'_>) + Send + Sync> HubObserver for F {
    fn observe(&self, event: &HubEvent<'_>) {
        self(event)
    }
}
