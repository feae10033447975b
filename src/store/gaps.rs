//! Coverage gaps: time when nobody checked, because spacewarden was not running or its
//! cycles stalled. Each cycle notes itself (`note_cycle`); the uptime figures and the
//! 90-day bars read the gaps as unknown time. Issue 9, defect 9: those hours used to
//! read as up.
//!
//! The rule, here once for `uptime.rs` and `stats.rs`:
//! - A gap is the time between two cycles when the later one came after the deadline
//!   the earlier one set (two schedule ticks in a row went unchecked: see
//!   `CheckSchedule::gap_deadline`). While no cycle has come since a deadline passed,
//!   the time from the last cycle until now is a gap too.
//! - A bucket (an hour of the 24 h figure, a day of the 7 d and 30 d figures and of the
//!   bar) is unknown when more than half of its time so far lies in gaps. An unknown
//!   bucket shows grey, and its few checks are left out of every figure. So no figure
//!   rests on a bucket that the bar shows as unknown.
//! - Every other bucket counts by its checks: up checks / counted checks. Gap time holds
//!   no checks, so it never counts as up, or as down.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreTx, from_ms, ms};

/// Above this share of unchecked time, a bucket is unknown.
pub const UNKNOWN_ABOVE: f64 = 0.5;

/// A stretch of time nobody checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One day of a Space's uptime bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayUptime {
    /// Midnight UTC.
    pub day: DateTime<Utc>,
    /// Up checks / counted checks; `None` without counted checks, or when the day is
    /// unknown.
    pub uptime: Option<f64>,
    /// The share of the day (so far) that nobody checked.
    pub unchecked: f64,
    /// How long that was.
    pub unchecked_for: std::time::Duration,
}

impl DayUptime {
    /// A day with no data and no gap.
    pub fn empty(day: DateTime<Utc>) -> DayUptime {
        DayUptime {
            day,
            uptime: None,
            unchecked: 0.0,
            unchecked_for: std::time::Duration::ZERO,
        }
    }

    /// More than half of the day nobody checked: grey, and out of every figure.
    pub fn unknown(&self) -> bool {
        self.unchecked > UNKNOWN_ABOVE
    }
}

impl StoreTx {
    /// Notes a check cycle at `now`, due again by `deadline` (`None`: never). When the
    /// previous cycle's deadline has passed, the silence since that cycle is recorded
    /// as a gap, logged, and returned.
    pub async fn note_cycle(
        &mut self,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<Option<Gap>, StoreError> {
        let now_ms = ms(now);
        let previous: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT last_ms, deadline_ms FROM cycle_watch WHERE id = 1")
                .fetch_optional(&mut *self.tx)
                .await?;
        let mut gap = None;
        if let Some((last, Some(due))) = previous
            && now_ms > due
            && now_ms > last
        {
            sqlx::query("INSERT INTO coverage_gaps (start_ms, end_ms) VALUES ($1, $2)")
                .bind(last)
                .bind(now_ms)
                .execute(&mut *self.tx)
                .await?;
            let found = Gap {
                start: from_ms(last),
                end: now,
            };
            tracing::warn!(
                since = %found.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                minutes = (now_ms - last) / 60_000,
                "no check cycle ran for a while: that time counts as unknown, not as up"
            );
            gap = Some(found);
        }
        // A cycle stamped earlier than the last one (another process with a slower
        // clock) does not move the mark back.
        sqlx::query(
            "INSERT INTO cycle_watch (id, last_ms, deadline_ms) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET last_ms = excluded.last_ms,
                                            deadline_ms = excluded.deadline_ms
             WHERE excluded.last_ms >= cycle_watch.last_ms",
        )
        .bind(now_ms)
        .bind(deadline.map(ms))
        .execute(&mut *self.tx)
        .await?;
        // Readers (and follower replicas) take the cycle in when they see this move.
        self.bump_read_marker().await?;
        Ok(gap)
    }
}

impl Store {
    /// `StoreTx::note_cycle` in a transaction of its own.
    pub async fn note_cycle(
        &self,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<Option<Gap>, StoreError> {
        let mut tx = self.begin().await?;
        let gap = tx.note_cycle(now, deadline).await?;
        tx.commit().await?;
        Ok(gap)
    }

    /// The recorded gaps that end after `since`, oldest first.
    pub async fn coverage_gaps(&self, since: DateTime<Utc>) -> Result<Vec<Gap>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT start_ms, end_ms FROM coverage_gaps WHERE end_ms > $1 ORDER BY start_ms",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(start, end)| Gap {
                start: from_ms(start),
                end: from_ms(end),
            })
            .collect())
    }

    /// The gaps overlapping `from..now`, the open one (no cycle since a deadline
    /// passed) included, up to `now`.
    pub(super) async fn gaps_between(
        &self,
        from: i64,
        now: DateTime<Utc>,
    ) -> Result<Gaps, StoreError> {
        let now_ms = ms(now);
        let mut spans: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT start_ms, end_ms FROM coverage_gaps WHERE end_ms > $1 AND start_ms < $2",
        )
        .bind(from)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        let mark: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT last_ms, deadline_ms FROM cycle_watch WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        if let Some((last, Some(due))) = mark
            && now_ms > due
            && now_ms > last
        {
            spans.push((last, now_ms));
        }
        Ok(Gaps::new(spans))
    }
}

/// A daily roll-up row of one Space: the day's start, up checks, counted checks.
pub type DayRow = (i64, i64, i64);

/// Gaps as sorted, non-overlapping millisecond spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Gaps(Vec<(i64, i64)>);

impl Gaps {
    /// Sorts and merges (gaps noted by two processes with skewed clocks may overlap).
    pub(super) fn new(mut spans: Vec<(i64, i64)>) -> Gaps {
        spans.retain(|(start, end)| end > start);
        spans.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Gaps(merged)
    }

    /// How much of `from..to` lies in gaps, in milliseconds.
    fn overlap(&self, from: i64, to: i64) -> i64 {
        self.0
            .iter()
            .map(|&(start, end)| (end.min(to) - start.max(from)).max(0))
            .sum()
    }

    /// The share of the bucket `start..start + len` that nobody checked, over the part
    /// of it that has passed by `now` (0 for a bucket still ahead).
    pub(super) fn unchecked(&self, start: i64, len: i64, now: i64) -> f64 {
        let end = start.saturating_add(len).min(now);
        if end <= start {
            return 0.0;
        }
        self.overlap(start, end) as f64 / (end - start) as f64
    }

    /// The unknown ones among the buckets of `len` starting at `starts`, as a JSON
    /// array (SQL reads it with `json_each`, so the statement stays fixed).
    pub(super) fn unknown_json(
        &self,
        starts: impl Iterator<Item = i64>,
        len: i64,
        now: i64,
    ) -> String {
        let unknown: Vec<String> = starts
            .filter(|&start| self.unchecked(start, len, now) > UNKNOWN_ABOVE)
            .map(|start| start.to_string())
            .collect();
        format!("[{}]", unknown.join(","))
    }

    /// The bar's cells: `days` days from midnight `from`, each from its daily roll-up
    /// row `(bucket, up, counted)` if any.
    pub(super) fn day_cells(
        &self,
        from: i64,
        days: u32,
        now: i64,
        rows: &[DayRow],
    ) -> Vec<DayUptime> {
        const DAY_MS: i64 = 86_400_000;
        (0..i64::from(days))
            .map(|i| {
                let start = from + i * DAY_MS;
                let passed = (start + DAY_MS).min(now);
                let unchecked_ms = u64::try_from(self.overlap(start, passed)).unwrap_or(0);
                let cell = DayUptime {
                    day: from_ms(start),
                    uptime: None,
                    unchecked: self.unchecked(start, DAY_MS, now),
                    unchecked_for: std::time::Duration::from_millis(unchecked_ms),
                };
                let uptime = rows
                    .iter()
                    .find(|(bucket, _, _)| *bucket == start)
                    .filter(|_| !cell.unknown())
                    .and_then(|&(_, up, counted)| {
                        (counted > 0).then(|| up as f64 / counted as f64)
                    });
                DayUptime { uptime, ..cell }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn merges_and_measures_overlap() {
        let gaps = Gaps::new(vec![(5 * HOUR, 8 * HOUR), (0, 2 * HOUR), (HOUR, 3 * HOUR)]);
        assert_eq!(gaps, Gaps(vec![(0, 3 * HOUR), (5 * HOUR, 8 * HOUR)]));
        // 02:00–06:00: 02–03 and 05–06 unchecked.
        assert_eq!(gaps.unchecked(2 * HOUR, 4 * HOUR, 100 * HOUR), 0.5);
        assert_eq!(gaps.unchecked(0, HOUR, 100 * HOUR), 1.0);
        assert_eq!(gaps.unchecked(3 * HOUR, 2 * HOUR, 100 * HOUR), 0.0);
    }

    #[test]
    fn a_bucket_is_measured_over_its_past_part() {
        let gaps = Gaps::new(vec![(0, 6 * HOUR)]);
        // At 08:00 the day so far is three-quarters gap; at the end of the day a quarter.
        assert_eq!(gaps.unchecked(0, 24 * HOUR, 8 * HOUR), 0.75);
        assert_eq!(gaps.unchecked(0, 24 * HOUR, 30 * HOUR), 0.25);
        assert_eq!(gaps.unchecked(24 * HOUR, 24 * HOUR, 8 * HOUR), 0.0);
        assert_eq!(
            gaps.unknown_json([0, 24 * HOUR].into_iter(), 24 * HOUR, 8 * HOUR),
            "[0]"
        );
        // Exactly half is not more than half.
        assert_eq!(
            gaps.unknown_json([0].into_iter(), 12 * HOUR, 30 * HOUR),
            "[]"
        );
    }

    #[test]
    fn unknown_days_have_no_figure() {
        let gaps = Gaps::new(vec![(2 * HOUR, 20 * HOUR)]);
        let day = 24 * HOUR;
        let rows = [(0, 10, 10), (day, 5, 10)];
        let cells = gaps.day_cells(0, 3, day + 12 * HOUR, &rows);
        assert!(cells[0].unknown());
        assert_eq!(cells[0].uptime, None, "18 h of 24 unchecked");
        assert_eq!(cells[1].uptime, Some(0.5));
        assert_eq!(cells[1].unchecked, 0.0);
        assert_eq!(cells[2], DayUptime::empty(from_ms(2 * day)));
    }

    #[tokio::test]
    async fn a_late_cycle_records_the_silence_before_it() {
        for store in crate::store::test_stores().await {
            let at = |h: i64| from_ms(1_795_000_000_000 + h * HOUR);
            let due = |h: i64| Some(at(h) + chrono::Duration::minutes(15));
            assert_eq!(store.note_cycle(at(0), due(0)).await.unwrap(), None);
            assert_eq!(
                store
                    .note_cycle(at(0) + chrono::Duration::minutes(5), due(0))
                    .await
                    .unwrap(),
                None
            );
            let gap = store.note_cycle(at(10), due(10)).await.unwrap();
            let expected = Gap {
                start: at(0) + chrono::Duration::minutes(5),
                end: at(10),
            };
            assert_eq!(gap, Some(expected));
            assert_eq!(store.coverage_gaps(at(-1)).await.unwrap(), [expected]);
            // Nothing since 10:00 and the deadline passed: 10:00 to now is open.
            let open = store.gaps_between(ms(at(0)), at(12)).await.unwrap();
            assert_eq!(
                open,
                Gaps(vec![(ms(expected.start), ms(at(12)))]),
                "the recorded gap and the open one, merged"
            );
            assert_eq!(
                store.gaps_between(ms(at(0)), at(10)).await.unwrap().0.len(),
                1
            );
        }
    }
}
