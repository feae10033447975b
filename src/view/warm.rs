//! The read model built by the daemon, not by its first request, and kept current on a
//! follower replica (issue 25, finding 2). One supervised part (`Part::ReadModel`,
//! `keep_current`) on every replica:
//!
//! - at start it reads the stored history once (at 10,000 Spaces with 90 days, 900,000
//!   roll-up rows: seconds), while the HTTP server already answers. Until that read is
//!   done a page, the JSON API and `/metrics` wait a short while and then answer 503
//!   with `Retry-After` (`web::starting`), and `/readyz` says why it is not ready; the
//!   phase is the [`Warmth`] they share;
//! - after that, on a follower, which stores no cycle of its own, it looks at the change
//!   marker the leader bumps each cycle (one row, every `POLL`) and takes the leader's
//!   stored cycles in when it moved: its figures are at most one cycle and one `POLL`
//!   stale, and no request pays for the read. On the acting process the cycle itself
//!   refreshes after its commit (`Monitor::refresh_aggregates`), so the part only
//!   sleeps there.
//!
//! A first read that fails (the store does not answer) leaves requests to read for
//! themselves, as before this part existed (they fail or succeed with the store), and
//! the part tries again at the next `POLL`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::monitor::Monitor;
use crate::replica::Replica;
use crate::supervise::PartResult;

/// How often the part looks at the change marker: one query of one row.
pub const POLL: Duration = Duration::from_secs(1);

/// Where the first read of the stored history is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not reading yet.
    Starting,
    /// Reading the history of this many watched Spaces.
    Reading { spaces: usize },
    /// Read: requests are served from the kept figures.
    Built,
    /// The first read failed: requests read for themselves until a later one succeeds.
    Failed,
}

impl Phase {
    /// Whether requests go through (the figures are kept, or requests read them).
    pub fn serves(self) -> bool {
        matches!(self, Phase::Built | Phase::Failed)
    }

    /// The number of Spaces being read, once known.
    pub fn spaces(self) -> Option<usize> {
        match self {
            Phase::Reading { spaces } => Some(spaces),
            _ => None,
        }
    }

    /// What `/readyz` calls it (`read_model.state`).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Starting | Phase::Reading { .. } => "building",
            Phase::Built => "built",
            Phase::Failed => "failed",
        }
    }
}

/// The phase, shared by the part that builds and the requests that wait; cheap to
/// clone.
#[derive(Debug, Clone)]
pub struct Warmth {
    phase: Arc<watch::Sender<Phase>>,
}

impl Default for Warmth {
    fn default() -> Warmth {
        Warmth {
            phase: Arc::new(watch::Sender::new(Phase::Starting)),
        }
    }
}

impl Warmth {
    pub fn phase(&self) -> Phase {
        *self.phase.borrow()
    }

    pub fn set(&self, phase: Phase) {
        self.phase.send_replace(phase);
    }

    /// Waits at most `bound` for requests to go through; the phase then.
    pub async fn serves_within(&self, bound: Duration) -> Phase {
        let mut phase = self.phase.subscribe();
        let _ = tokio::time::timeout(bound, phase.wait_for(|p| p.serves())).await;
        self.phase()
    }
}

/// The part: builds the read model, then keeps it current while this process follows.
/// Ends only when `cancel` stops it; a failed read is logged and tried again.
pub async fn keep_current(
    monitor: Monitor,
    replica: Replica,
    warmth: Warmth,
    cancel: CancellationToken,
) -> PartResult {
    let mut seen = None;
    loop {
        // The acting process refreshes after each of its commits; not twice.
        if warmth.phase() != Phase::Built || !replica.role().acts() {
            seen = take_in(&monitor, &warmth, seen).await;
        }
        tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Reads what was stored since the marker `seen` (everything, the first time); the
/// marker the read model now stands at.
async fn take_in(monitor: &Monitor, warmth: &Warmth, seen: Option<i64>) -> Option<i64> {
    let first = warmth.phase() != Phase::Built;
    let counter = match monitor.store().read_counter().await {
        Ok(counter) => counter,
        Err(e) => {
            failed(warmth, first, &e);
            return seen;
        }
    };
    if !first && seen == Some(counter) {
        return seen;
    }
    let started = Instant::now();
    let read = async {
        // Read first (one query), so the waiting page can say how many.
        let spaces = match first {
            true => Some(super::watched_states(monitor).await?.len()),
            false => None,
        };
        // A retry after a failed first read lets requests through meanwhile, as before.
        if let Some(spaces) = spaces
            && warmth.phase() != Phase::Failed
        {
            warmth.set(Phase::Reading { spaces });
        }
        super::refresh(monitor).await.map(|()| spaces)
    };
    match read.await {
        Ok(Some(spaces)) => {
            tracing::info!(
                spaces,
                took_ms = started.elapsed().as_millis() as u64,
                "read model built"
            );
            warmth.set(Phase::Built);
            Some(counter)
        }
        Ok(None) => {
            tracing::debug!(marker = counter, "took the stored cycles in");
            Some(counter)
        }
        Err(e) => {
            failed(warmth, first, &e);
            seen
        }
    }
}

fn failed(warmth: &Warmth, first: bool, e: &crate::store::StoreError) {
    if warmth.phase() == Phase::Failed {
        // Said once; tried again every `POLL` without repeating it.
        tracing::debug!(error = %e, "read model still not built");
    } else if first {
        tracing::warn!(
            error = %e,
            "read model could not be built; requests read the store themselves until it is"
        );
        warmth.set(Phase::Failed);
    } else {
        tracing::warn!(error = %e, "cannot take the stored cycles into the read model");
    }
}
