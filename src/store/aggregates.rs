//! What the read model's aggregates (`view/aggregates.rs`) read to stay current without
//! recomputing: the roll-up rows from a bucket on, the coverage gaps, the cycle mark,
//! and a change marker that every stored cycle bumps in its own transaction (issue 25,
//! finding 2). A follower replica stores nothing; it watches the marker and re-reads
//! only the buckets the leader's cycles touched.
//!
//! Also the pure rules that turn those rows into figures, the same as the SQL of
//! `uptime.rs` (24 h / 7 d / 30 d) and `stats.rs` (the bars), so the two agree exactly:
//! `tests/aggregates.rs` compares them after a run of cycles.

use std::collections::HashMap;

use super::gaps::{DayRow, Gaps};
use super::{DayUptime, Store, StoreError, StoreTx, Uptime};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// The `meta` row the marker lives in (its value is a decimal counter).
const MARKER_KEY: &str = "read_marker";

/// A roll-up table the aggregates mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    Hourly,
    Daily,
}

impl Rollup {
    fn table(self) -> &'static str {
        match self {
            Rollup::Hourly => "rollup_hourly",
            Rollup::Daily => "rollup_daily",
        }
    }
}

/// How much of a roll-up table a read takes, which decides how it walks the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollupRead {
    /// The whole window (the read model's first read): in key order, past the time
    /// index. Through the index SQLite looks every row up by its key: at 10,000 Spaces
    /// with 90 days that was 5–10 s for the 900,000 daily rows against about 1 s in
    /// key order, and 2.5 s against 0.14 s for the last day of the hourly table.
    Window,
    /// The hours since the previous cycle (a few hundredths of the table): through the
    /// time index.
    Recent,
}

/// Where the stored history stands: the marker and the cycle mark (`cycle_watch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mark {
    /// Bumped by every stored cycle, on any replica.
    pub counter: i64,
    /// The last cycle (ms) and the deadline it set for the next one.
    pub cycle: Option<(i64, Option<i64>)>,
}

impl StoreTx {
    /// Bumps the change marker (in the cycle's transaction: the readers that see it
    /// moved see the cycle's rows too).
    pub(super) async fn bump_read_marker(&mut self) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)",
        )
        .bind(MARKER_KEY)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The Spaces whose spelling (`display_id`) differs from their stored key: key to
    /// spelling, for figures kept by key and shown as spelled.
    pub async fn spelled_ids(&self) -> Result<HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT space_id, display_id FROM spaces
             WHERE display_id IS NOT NULL AND display_id <> space_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// The change marker alone (0 before the first cycle).
    pub async fn read_counter(&self) -> Result<i64, StoreError> {
        let counter: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(MARKER_KEY)
            .fetch_optional(&self.pool)
            .await?;
        Ok(counter.and_then(|(v,)| v.parse().ok()).unwrap_or(0))
    }

    /// The change marker and the cycle mark.
    pub async fn read_mark(&self) -> Result<Mark, StoreError> {
        let counter = self.read_counter().await?;
        let cycle: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT last_ms, deadline_ms FROM cycle_watch WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(Mark { counter, cycle })
    }

    /// Hands every row of `table` from bucket `from` on to `each` (Space as stored,
    /// then bucket, up, counted), one row at a time: at 10,000 Spaces with 90 days the
    /// daily table is 900,000 rows, which collected at once (a `String` each) set the
    /// daemon's peak memory. `read` says how much of the table that is.
    pub async fn each_rollup_row(
        &self,
        table: Rollup,
        from: i64,
        read: RollupRead,
        mut each: impl FnMut(&str, DayRow),
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        use sqlx::Row;
        // `+bucket_ms` is no column an index serves (on either backend): the table is
        // read in key order.
        let bucket = match read {
            RollupRead::Window => "+bucket_ms",
            RollupRead::Recent => "bucket_ms",
        };
        let sql = format!(
            "SELECT space_id, bucket_ms, up, counted FROM {} WHERE {bucket} >= $1",
            table.table()
        );
        let query = sqlx::AssertSqlSafe(sql);
        let mut rows = sqlx::query(query).bind(from).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let space: &str = row.try_get(0)?;
            each(space, (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
        }
        Ok(())
    }

    /// The oldest bucket left in `table` (pruning moves it).
    pub async fn rollup_floor(&self, table: Rollup) -> Result<Option<i64>, StoreError> {
        let sql = format!("SELECT MIN(bucket_ms) FROM {}", table.table());
        let (floor,): (Option<i64>,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?;
        Ok(floor)
    }

    /// The recorded gaps that end after `from`, as millisecond spans.
    pub async fn gap_spans(&self, from: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT start_ms, end_ms FROM coverage_gaps WHERE end_ms > $1")
                .bind(from)
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// Billed time of one Space on one flavor in one bucket (an hour, or a day's sum).
pub type UsageCell = (String, String, i64, i64);

impl Store {
    /// Billed time per Space, flavor and day, from the day `from` (a midnight) on.
    pub async fn usage_days(&self, from: i64) -> Result<Vec<UsageCell>, StoreError> {
        // Cast: Postgres sums BIGINTs to NUMERIC, which the Any driver cannot read.
        Ok(sqlx::query_as(
            "SELECT space_id, hardware, bucket_ms - bucket_ms % 86400000 AS day_ms,
                    CAST(SUM(billed_ms) AS BIGINT)
             FROM usage_hourly WHERE bucket_ms >= $1 GROUP BY space_id, hardware, day_ms",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The same for one Space (`space_id` as stored).
    pub async fn usage_days_of(
        &self,
        space: &str,
        from: i64,
    ) -> Result<Vec<UsageCell>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT space_id, hardware, bucket_ms - bucket_ms % 86400000 AS day_ms,
                    CAST(SUM(billed_ms) AS BIGINT)
             FROM usage_hourly WHERE space_id = $1 AND bucket_ms >= $2
             GROUP BY space_id, hardware, day_ms",
        )
        .bind(space)
        .bind(from)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every hourly usage row from bucket `from` on.
    pub async fn usage_hours(&self, from: i64) -> Result<Vec<UsageCell>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT space_id, hardware, bucket_ms, billed_ms FROM usage_hourly WHERE bucket_ms >= $1",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Billed time per Space and flavor in the hours `from..to`.
    pub async fn usage_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT space_id, hardware, CAST(SUM(billed_ms) AS BIGINT) FROM usage_hourly
             WHERE bucket_ms >= $1 AND bucket_ms < $2 GROUP BY space_id, hardware",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The oldest usage bucket left (pruning moves it).
    pub async fn usage_floor(&self) -> Result<Option<i64>, StoreError> {
        let (floor,): (Option<i64>,) = sqlx::query_as("SELECT MIN(bucket_ms) FROM usage_hourly")
            .fetch_one(&self.pool)
            .await?;
        Ok(floor)
    }
}

/// The coverage gaps seen from `now`: as `Store::gaps_between` reads them, from memory.
#[derive(Debug, Clone)]
pub struct Coverage {
    gaps: Gaps,
    now: i64,
}

impl Coverage {
    /// The recorded `spans` overlapping `from..now`, plus the open one when no cycle
    /// came since the last one's deadline passed (`gaps.rs` has the rule).
    pub fn new(
        spans: &[(i64, i64)],
        mark: Option<(i64, Option<i64>)>,
        from: i64,
        now: i64,
    ) -> Self {
        let mut kept: Vec<(i64, i64)> = spans
            .iter()
            .copied()
            .filter(|&(start, end)| end > from && start < now)
            .collect();
        if let Some((last, Some(due))) = mark
            && now > due
            && now > last
        {
            kept.push((last, now));
        }
        Coverage {
            gaps: Gaps::new(kept),
            now,
        }
    }

    fn unknown(&self, start: i64, len: i64) -> bool {
        self.gaps.unchecked(start, len, self.now) > super::UNKNOWN_ABOVE
    }
}

/// The windows of `Store::uptime_all` at `now`: the first hour of the 24 h, the first day
/// of the 7 d and of the 30 d, and which of their buckets are unknown.
#[derive(Debug, Clone)]
pub struct UptimeWindows {
    hour_from: i64,
    week_from: i64,
    day_from: i64,
    unknown_hours: Vec<i64>,
    unknown_days: Vec<i64>,
}

impl UptimeWindows {
    pub fn at(now: i64, spans: &[(i64, i64)], mark: Option<(i64, Option<i64>)>) -> Self {
        let hour_from = now - now.rem_euclid(HOUR_MS) - 23 * HOUR_MS;
        let today = now - now.rem_euclid(DAY_MS);
        let day_from = today - 29 * DAY_MS;
        let coverage = Coverage::new(spans, mark, day_from.min(hour_from), now);
        let unknown = |from: i64, n: i64, len: i64| -> Vec<i64> {
            (0..n)
                .map(|i| from + i * len)
                .filter(|&start| coverage.unknown(start, len))
                .collect()
        };
        UptimeWindows {
            hour_from,
            week_from: today - 6 * DAY_MS,
            day_from,
            unknown_hours: unknown(hour_from, 24, HOUR_MS),
            unknown_days: unknown(day_from, 30, DAY_MS),
        }
    }

    /// The first hour and day any figure reads.
    pub fn floors(&self) -> (i64, i64) {
        (self.hour_from, self.day_from)
    }

    /// One Space's uptime from its hourly and daily `(bucket, up, counted)` rows;
    /// `None` when no row counts (the SQL lists no such Space).
    pub fn uptime(&self, hourly: &[DayRow], daily: &[DayRow]) -> Option<Uptime> {
        let mut rows = 0;
        let (mut hu, mut hc, mut wu, mut wc, mut mu, mut mc) = (0, 0, 0, 0, 0, 0);
        for &(bucket, up, counted) in hourly {
            if bucket >= self.hour_from && !self.unknown_hours.contains(&bucket) {
                (rows, hu, hc) = (rows + 1, hu + up, hc + counted);
            }
        }
        for &(bucket, up, counted) in daily {
            if bucket >= self.day_from && !self.unknown_days.contains(&bucket) {
                (rows, mu, mc) = (rows + 1, mu + up, mc + counted);
                if bucket >= self.week_from {
                    (wu, wc) = (wu + up, wc + counted);
                }
            }
        }
        let ratio = |up: i64, counted: i64| (counted > 0).then(|| up as f64 / counted as f64);
        (rows > 0).then(|| Uptime {
            h24: ratio(hu, hc),
            d7: ratio(wu, wc),
            d30: ratio(mu, mc),
        })
    }
}

/// The bars' frame at `now`: `days` days to today, as `Store::daily_uptime_all` draws them.
#[derive(Debug, Clone)]
pub struct BarFrame {
    from: i64,
    /// The cells of a Space without rows in a day (the gap share is the same for all).
    blank: Vec<DayUptime>,
}

impl BarFrame {
    pub fn at(now: i64, days: u32, spans: &[(i64, i64)], mark: Option<(i64, Option<i64>)>) -> Self {
        let today = now - now.rem_euclid(DAY_MS);
        let from = today - i64::from(days.saturating_sub(1)) * DAY_MS;
        let coverage = Coverage::new(spans, mark, from, now);
        let blank = coverage.gaps.day_cells(from, days, now, &[]);
        BarFrame { from, blank }
    }

    /// The first day drawn.
    pub fn from(&self) -> i64 {
        self.from
    }

    /// One Space's bar from its daily rows (oldest first).
    pub fn bar(&self, rows: &[DayRow]) -> Vec<DayUptime> {
        let mut cells = self.blank.clone();
        for &(bucket, up, counted) in rows {
            let Ok(i) = usize::try_from((bucket - self.from).div_euclid(DAY_MS)) else {
                continue;
            };
            let Some(cell) = cells.get_mut(i) else {
                continue;
            };
            // A row not on a midnight (never written so) matches no cell, as in SQL.
            if bucket.rem_euclid(DAY_MS) != self.from.rem_euclid(DAY_MS) || cell.unknown() {
                continue;
            }
            cell.uptime = (counted > 0).then(|| up as f64 / counted as f64);
        }
        cells
    }
}
