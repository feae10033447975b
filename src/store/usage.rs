//! `usage_hourly`: billed time per Space, hour and hardware flavor, fed by every check
//! (the time since the Space's previous check, when that check found a billing stage;
//! written by `cycle.rs`) and read back as costs. No prices here: those are data in `domain::prices`.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, from_ms, ms};

pub(super) const HOUR_MS: i64 = 3_600_000;
/// The longest stretch one check vouches for: beyond it, nobody was checking and the
/// time is not counted (it shows as unknown on the uptime bars too).
pub(super) const MAX_SPAN_MS: i64 = HOUR_MS;

/// Billed time of one Space on one flavor.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    pub space: String,
    pub hardware: String,
    pub billed_ms: i64,
}

impl Store {
    /// Billed time per Space and flavor since `since`, most expensive first is up to
    /// the caller.
    /// Read whole: the read model keeps the sums (`view::aggregates`).
    pub async fn usage_since(&self, since: DateTime<Utc>) -> Result<Vec<UsageRow>, StoreError> {
        // Buckets are whole hours: every `since` within an hour counts the same buckets.
        let since_ms = ms(since);
        let mut first = since_ms.div_euclid(HOUR_MS).saturating_mul(HOUR_MS);
        if first < since_ms {
            first = first.saturating_add(HOUR_MS);
        }
        self.read_usage_since(first).await
    }

    async fn read_usage_since(&self, first_bucket: i64) -> Result<Vec<UsageRow>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT COALESCE(MAX(spaces.display_id), usage_hourly.space_id),
                    usage_hourly.hardware, CAST(SUM(usage_hourly.billed_ms) AS BIGINT)
             FROM usage_hourly LEFT JOIN spaces ON spaces.space_id = usage_hourly.space_id
             WHERE usage_hourly.bucket_ms >= $1
             GROUP BY usage_hourly.space_id, usage_hourly.hardware
             ORDER BY usage_hourly.space_id, usage_hourly.hardware",
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
