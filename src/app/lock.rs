//! One acting process per SQLite file. Two daemons on one database both repaired and
//! alerted (two factory rebuilds per broken Space), so the daemon and `check --repair`
//! take an exclusive advisory lock on `<database file>.lock` and hold it for their
//! life; the kernel releases it when the process ends however it ends (a `kill -9`
//! included), so a crashed holder never blocks the next start. The holder writes its
//! pid and host into the file so a refusal can name it.
//!
//! Postgres has leadership instead (`replica`), and an in-memory database is private to
//! its process: neither has a lock file. Must not import the store's internals: the
//! path comes from `DATABASE_URL` as SQLite itself reads it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

use crate::store::Backend;

/// The holder's note is read from a file anyone may write: kept short and printable.
const NOTE_MAX: usize = 200;

/// The lock, held while this value lives (the open file holds it).
#[derive(Debug)]
pub struct DbLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it; `holder` is what it wrote ("pid 12 on host h").
    #[error("{url} is in use by another spacewarden ({holder}; lock file {path})")]
    Held {
        url: String,
        holder: String,
        path: String,
    },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Why the lock was not taken, for a person in any language (`Display` is English).
pub(super) fn sentence(error: &LockError) -> crate::config::Sentence {
    use crate::config::Sentence;
    match error {
        LockError::Held { url, holder, path } => Sentence::new("build-lock-held")
            .text("url", url)
            .text("holder", holder)
            .text("path", path),
        LockError::Io { path, source } => Sentence::new("build-lock-io")
            .text("path", path)
            .text("why", source),
    }
}

/// The lock file of a SQLite file database, beside it; `None` for Postgres and for an
/// in-memory database.
pub fn lock_path(url: &str) -> Option<PathBuf> {
    if Backend::of(url) != Backend::Sqlite || url.contains(":memory:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let mut name = options.get_filename().as_os_str().to_owned();
    name.push(".lock");
    Some(PathBuf::from(name))
}

/// Takes the lock for `url` and writes this process's pid and host into it.
/// `Ok(None)` when the database has no lock file (Postgres, in memory).
pub fn acquire(url: &str) -> Result<Option<DbLock>, LockError> {
    let Some(path) = lock_path(url) else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let io = |source| LockError::Io {
        path: shown.clone(),
        source,
    };
    // Never truncated on open: the holder's note must survive another's attempt.
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(LockError::Held {
                url: url.to_owned(),
                holder: read_note(&mut file),
                path: shown,
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    writeln!(file, "pid {} on host {}", std::process::id(), hostname()).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(Some(DbLock { _file: file }))
}

/// Who holds the lock of `url`, when a process does (for `check`, which runs beside a
/// daemon without storing). The probe's own lock, when it gets one, is released at once.
pub fn holder(url: &str) -> Option<String> {
    match acquire_probe(url) {
        Err(LockError::Held { holder, .. }) => Some(holder),
        _ => None,
    }
}

/// Like `acquire`, but writes nothing: a probe must not replace a note.
fn acquire_probe(url: &str) -> Result<(), LockError> {
    let Some(path) = lock_path(url) else {
        return Ok(());
    };
    let shown = path.display().to_string();
    let mut file = match OpenOptions::new().read(true).open(&path) {
        Ok(file) => file,
        // No lock file: nobody has ever held it.
        Err(_) => return Ok(()),
    };
    match file.try_lock_shared() {
        Err(TryLockError::WouldBlock) => Err(LockError::Held {
            url: url.to_owned(),
            holder: read_note(&mut file),
            path: shown,
        }),
        _ => Ok(()),
    }
}

/// The holder's note, cleaned of anything unprintable.
fn read_note(file: &mut File) -> String {
    let mut text = String::new();
    let read = file
        .rewind()
        .and_then(|()| file.take(NOTE_MAX as u64).read_to_string(&mut text));
    let note: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(NOTE_MAX)
        .collect();
    match read {
        Ok(_) if !note.is_empty() => note,
        // It has just taken the lock and not written yet, or wrote something else.
        _ => "pid and host unknown".to_owned(),
    }
}

/// This machine's name, for the note (no libc call: the kernel publishes it).
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_files_have_a_lock_file() {
        assert_eq!(
            lock_path("sqlite://data/sw.db"),
            Some(PathBuf::from("data/sw.db.lock"))
        );
        assert_eq!(
            lock_path("sqlite:///tmp/sw.db?mode=rwc"),
            Some(PathBuf::from("/tmp/sw.db.lock"))
        );
        assert_eq!(lock_path("sqlite::memory:"), None);
        assert_eq!(lock_path("postgres://u@h/db"), None);
    }

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_freed_with_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sw.db", dir.path().display());
        let first = acquire(&url).unwrap().expect("a lock file");
        let pid = format!("pid {}", std::process::id());
        match acquire(&url) {
            Err(LockError::Held { holder, .. }) => assert!(holder.starts_with(&pid), "{holder}"),
            other => panic!("not refused: {other:?}"),
        }
        assert!(holder(&url).is_some_and(|h| h.starts_with(&pid)));
        drop(first);
        assert_eq!(holder(&url), None);
        assert!(acquire(&url).unwrap().is_some());
    }
}
