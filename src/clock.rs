//! Wall-clock time behind a trait, so tests can move it (repair windows, reminder
//! intervals, uptime) without waiting. Sleeping still goes through tokio's timer.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock. Besides being the daemon's injected clock, it is read directly
/// (`SystemClock.now()`) only at the edges that have no injected clock because they
/// need real time: dates written by another server (`Retry-After`), lease heartbeats
/// shared between replicas, the store's write health and read memo, error pages, CLI
/// progress lines. Everything else reads the `Clock` it is given.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to (tests, benchmarks; the `testkit` feature).
#[cfg(any(test, feature = "testkit"))]
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

#[cfg(any(test, feature = "testkit"))]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }

    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now = crate::domain::time::after(*now, by);
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

#[cfg(any(test, feature = "testkit"))]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
