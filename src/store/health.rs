//! Whether the store accepts writes. A full disk, a read-only mount or a lock that
//! never clears makes every cycle fail to store its results; that must show in
//! `/readyz` and `/metrics` and raise an alert, and clear by itself once writes go
//! through again. Fed by every write transaction's outcome.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

/// The current state, for readers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteStatus {
    /// Since when writes fail (the first failure after the last success), and the
    /// latest reason. `None` while writes go through.
    pub failing: Option<(DateTime<Utc>, String)>,
    /// Write transactions that failed, since start.
    pub failures: u64,
}

#[derive(Debug, Default)]
pub struct WriteHealth {
    failing: Mutex<Option<(DateTime<Utc>, String)>>,
    failures: AtomicU64,
    /// Write transactions committed since start: what the read memos are keyed on.
    commits: AtomicU64,
}

impl WriteHealth {
    pub fn status(&self) -> WriteStatus {
        WriteStatus {
            failing: self
                .failing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }

    pub(super) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    pub(super) fn succeeded(&self) {
        self.commits.fetch_add(1, Ordering::AcqRel);
        let mut failing = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((since, _)) = failing.take() {
            tracing::info!(%since, "the store accepts writes again");
        }
    }

    pub(super) fn failed(&self, reason: &str) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        let mut failing = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        match failing.as_mut() {
            Some((_, last)) => *last = reason.to_owned(),
            None => {
                tracing::error!("the store cannot write: {reason}");
                *failing = Some((Utc::now(), reason.to_owned()));
            }
        }
    }
}
