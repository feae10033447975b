//! Whether the store accepts writes. A full disk, a read-only mount or a lock that
//! never clears makes every cycle fail to store its results; that must show in
//! `/readyz` and `/metrics` and raise an alert, and clear by itself once writes go
//! through again. Fed by every write transaction's outcome.
//!
//! A SQLite file deleted or replaced under the daemon accepts writes still (they go to
//! the unlinked file and are lost at the next restart), so no write fails: the file's
//! identity is compared instead (`OpenFile::look`, from the watchdog), and a file that
//! is gone counts as failing writes until the path is the open file again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::{Clock, SystemClock};
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
    /// Since when the database file is not the one open, and why. A successful write
    /// does not clear it: it went to the lost file.
    gone: Mutex<Option<(DateTime<Utc>, String)>>,
    failures: AtomicU64,
}

impl WriteHealth {
    pub fn status(&self) -> WriteStatus {
        let gone = self.gone.lock().unwrap_or_else(|p| p.into_inner()).clone();
        WriteStatus {
            failing: gone.or_else(|| {
                self.failing
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
            }),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }

    pub(super) fn succeeded(&self) {
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
                *failing = Some((real_now(), reason.to_owned()));
            }
        }
    }
}

/// Edge: when writing started failing, in real time; the store holds no injected
/// clock.
fn real_now() -> DateTime<Utc> {
    SystemClock.now()
}

/// The SQLite database file as opened, to compare with what its path names now.
#[derive(Debug)]
pub(super) struct OpenFile {
    path: std::path::PathBuf,
    /// Held open: its identity is the file the pool's connections write to.
    file: std::fs::File,
}

impl OpenFile {
    pub(super) fn open(path: &std::path::Path) -> std::io::Result<OpenFile> {
        Ok(OpenFile {
            path: path.to_owned(),
            file: std::fs::File::open(path)?,
        })
    }

    /// Compares the path's device and inode with the open file's and records the
    /// outcome in `health`: a path that is missing or names another file is gone.
    pub(super) fn look(&self, health: &WriteHealth) {
        let problem = self.problem();
        let mut gone = health.gone.lock().unwrap_or_else(|p| p.into_inner());
        match (problem, gone.is_some()) {
            (Some(why), false) => {
                tracing::error!("the store cannot write: {why}");
                *gone = Some((real_now(), why));
            }
            (None, true) => {
                tracing::info!(path = %self.path.display(), "the database file is back");
                *gone = None;
            }
            _ => {}
        }
    }

    fn problem(&self) -> Option<String> {
        let path = self.path.display();
        let lost = "what is written now is lost at the next restart; restore the file or \
                    restart spacewarden";
        match std::fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!(
                "the database file {path} was deleted under the running process; {lost}"
            )),
            // Cannot look (permissions, I/O): a write failure will tell, if any.
            Err(_) => None,
            Ok(now) => {
                let open = self.file.metadata().ok()?;
                (!same_file(&open, &now)).then(|| {
                    format!("the database file {path} was replaced by another file; {lost}")
                })
            }
        }
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_or_replaced_file_fails_writes_until_it_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sw.db");
        std::fs::write(&path, "x").unwrap();
        let open = OpenFile::open(&path).unwrap();
        let health = WriteHealth::default();
        open.look(&health);
        assert_eq!(health.status().failing, None);

        let aside = dir.path().join("aside.db");
        std::fs::rename(&path, &aside).unwrap();
        open.look(&health);
        let (_, why) = health.status().failing.expect("gone");
        assert!(why.contains("was deleted"), "{why}");
        // A write that goes through does not clear it: it went to the lost file.
        health.succeeded();
        assert!(health.status().failing.is_some());

        std::fs::write(&path, "y").unwrap();
        open.look(&health);
        let (_, why) = health.status().failing.expect("replaced");
        assert!(why.contains("was deleted"), "the first reason stays: {why}");

        std::fs::remove_file(&path).unwrap();
        std::fs::rename(&aside, &path).unwrap();
        open.look(&health);
        assert_eq!(health.status().failing, None);
    }
}
