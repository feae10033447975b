//! Memos of the aggregate reads that the status page, the API and `/metrics` make on
//! every request: the 24 h / 7 d / 30 d uptime of every Space and the 90-day bars. At
//! 1,000 Spaces each is hundreds of milliseconds of SQLite, and their inputs (checks,
//! roll-ups, coverage gaps) change only when a write transaction commits. A memo is
//! reused while no transaction committed since it was taken and its `now` is less
//! than `FRESH` old (the windows slide with time; a minute's lag is within one check
//! interval). The first request after a cycle pays for the read. Billed time (the cost
//! section) is memoized the same way, by the hour its window starts at, and on SQLite
//! every Space's state (the page's rows), which every write to `spaces` invalidates.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// How long a memo may stand for a later `now`.
const FRESH: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Keys kept per memo (the page asks for a few windows: 1, 7, 30 days, the month).
const KEYS: usize = 8;

/// One memoized read, keyed by an argument (`days` for the bars, the first hour for
/// usage).
#[derive(Debug)]
pub(super) struct Memo<T> {
    slots: Mutex<Vec<Entry<T>>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            slots: Mutex::new(Vec::new()),
        }
    }
}

#[derive(Debug)]
struct Entry<T> {
    commits: u64,
    at: DateTime<Utc>,
    key: i64,
    value: T,
}

impl<T: Clone> Memo<T> {
    /// The memo for (`commits`, `now`, `key`), if it still stands.
    pub(super) fn get(&self, commits: u64, now: DateTime<Utc>, key: i64) -> Option<T> {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let entry = slots.iter().find(|e| e.key == key)?;
        let age = now.signed_duration_since(entry.at);
        (entry.commits == commits && age >= chrono::TimeDelta::zero() && age < FRESH)
            .then(|| entry.value.clone())
    }

    pub(super) fn put(&self, commits: u64, now: DateTime<Utc>, key: i64, value: &T) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.retain(|e| e.key != key && e.commits == commits);
        if slots.len() >= KEYS {
            slots.remove(0);
        }
        slots.push(Entry {
            commits,
            at: now,
            key,
            value: value.clone(),
        });
    }
}

/// The store's memos, shared by its clones.
#[derive(Debug, Default)]
pub(super) struct Memos {
    pub uptime: Memo<Vec<(String, super::Uptime)>>,
    pub bars: Memo<Vec<(String, Vec<super::DayUptime>)>>,
    pub usage: Memo<Vec<super::UsageRow>>,
    /// Every Space's state (SQLite only: on Postgres another replica's mute would not
    /// move this process's change mark).
    pub spaces: Memo<Vec<super::SpaceState>>,
}

impl super::Store {
    /// What a memo is keyed on: this process's commits, and on Postgres also the last
    /// check cycle any replica noted (a follower commits no checks of its own, so its
    /// memos would otherwise stand for a whole `FRESH` after the leader's cycle).
    pub(super) async fn change_mark(&self) -> u64 {
        let commits = self.health.commits();
        if self.backend == super::Backend::Sqlite {
            return commits;
        }
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(last_ms) FROM cycle_watch")
            .fetch_one(&self.pool)
            .await
            .unwrap_or(None);
        commits ^ (last.unwrap_or(0) as u64).rotate_left(32)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_commit_a_minute_or_another_key_retires_the_memo() {
        let memo = Memo::<u32>::default();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert_eq!(memo.get(1, t0, 90), None);
        memo.put(1, t0, 90, &7);
        assert_eq!(
            memo.get(1, t0 + chrono::TimeDelta::seconds(59), 90),
            Some(7)
        );
        assert_eq!(memo.get(2, t0, 90), None, "a commit since");
        assert_eq!(memo.get(1, t0 + FRESH, 90), None, "a minute old");
        assert_eq!(
            memo.get(1, t0 - chrono::TimeDelta::seconds(1), 90),
            None,
            "the clock went back"
        );
        assert_eq!(memo.get(1, t0, 30), None, "another key");
        memo.put(1, t0, 30, &3);
        assert_eq!(memo.get(1, t0, 90), Some(7), "keys live side by side");
        assert_eq!(memo.get(1, t0, 30), Some(3));
    }
}
