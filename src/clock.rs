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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every reading of the wall clock outside this file and outside tests: the
    /// design reads time only through `Clock` (`SystemClock` at the marked edges).
    #[test]
    fn the_wall_clock_is_read_only_through_clock() {
        let mut found = Vec::new();
        scan(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "read the clock through `Clock`: {found:#?}"
        );
    }

    fn scan(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src/") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if name != "tests" {
                    scan(&path, found);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" || path.ends_with("src/clock.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            // A file's unit tests come last, in `mod tests`; fixtures there may use
            // any time they like.
            let shipped = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
            for (n, line) in shipped.lines().enumerate() {
                if ["Utc::now", "Local::now", "SystemTime::now"]
                    .iter()
                    .any(|call| line.contains(call))
                {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
}
