//! `usage_hourly`: billed time per Space, hour and hardware flavor, fed by every check
//! (the time since the Space's previous check, when that check found a billing stage)
//! and read back as costs. No prices here: those are data in `domain::prices`.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreTx, from_ms, ms};
use crate::domain::{SpaceCheck, Stage};

const HOUR_MS: i64 = 3_600_000;
/// The longest stretch one check vouches for: beyond it, nobody was checking and the
/// time is not counted (it shows as unknown on the uptime bars too).
const MAX_SPAN_MS: i64 = HOUR_MS;

/// The Space's previous check (run per Space per cycle; `tests/plans.rs` checks its plan).
pub(super) const PREVIOUS: &str =
    "SELECT stage, hardware, last_check_ms FROM spaces WHERE space_id = $1 COLLATE NOCASE";
/// Adds billed time to an hour's bucket.
pub(super) const ADD_USAGE: &str = "INSERT INTO usage_hourly (space_id, bucket_ms, hardware, billed_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (space_id, bucket_ms, hardware) DO UPDATE SET billed_ms = usage_hourly.billed_ms + excluded.billed_ms";

/// Billed time of one Space on one flavor.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    pub space: String,
    pub hardware: String,
    pub billed_ms: i64,
}

impl StoreTx {
    /// Adds the time since the Space's previous check, if that check found it on
    /// billing hardware. Call before the Space's summary row is updated.
    pub(super) async fn record_usage(&mut self, obs: &SpaceCheck) -> Result<(), StoreError> {
        let space = &obs.space;
        let previous: Option<(Option<String>, Option<String>, i64)> = sqlx::query_as(PREVIOUS)
            .bind(space.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some((Some(stage), Some(hardware), last)) = previous else {
            return Ok(());
        };
        let span = (ms(obs.at) - last).min(MAX_SPAN_MS);
        if span <= 0 || !Stage::parse(&stage).bills() {
            return Ok(());
        }
        sqlx::query(ADD_USAGE)
            .bind(space.to_string())
            .bind(last - last.rem_euclid(HOUR_MS))
            .bind(hardware)
            .bind(span)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Billed time per Space and flavor since `since`, most expensive first is up to
    /// the caller.
    /// Memoized (`memo.rs`) by the first hourly bucket counted.
    pub async fn usage_since(&self, since: DateTime<Utc>) -> Result<Vec<UsageRow>, StoreError> {
        // Buckets are whole hours: every `since` within an hour counts the same buckets.
        let since_ms = ms(since);
        let mut first = since_ms.div_euclid(HOUR_MS).saturating_mul(HOUR_MS);
        if first < since_ms {
            first = first.saturating_add(HOUR_MS);
        }
        let commits = self.change_mark().await;
        let at = from_ms(first);
        if let Some(memo) = self.memos.usage.get(commits, at, first) {
            return Ok(memo);
        }
        let read = self.read_usage_since(first).await?;
        self.memos.usage.put(commits, at, first, &read);
        Ok(read)
    }

    async fn read_usage_since(&self, first_bucket: i64) -> Result<Vec<UsageRow>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT space_id, hardware, CAST(SUM(billed_ms) AS BIGINT) FROM usage_hourly
             WHERE bucket_ms >= $1 GROUP BY space_id, hardware ORDER BY space_id, hardware",
        )
        .bind(first_bucket)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(space, hardware, billed_ms)| UsageRow {
                space,
                hardware,
                billed_ms,
            })
            .collect())
    }

    /// The first hour with any usage (how far back costs can be told).
    pub async fn usage_start(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let (first,): (Option<i64>,) = sqlx::query_as("SELECT MIN(bucket_ms) FROM usage_hourly")
            .fetch_one(&self.pool)
            .await?;
        Ok(first.map(from_ms))
    }
}
