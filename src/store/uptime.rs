//! Uptime from the roll-ups: 24 h from the hourly rows, 7 and 30 days from the daily
//! ones, so the query cost does not grow with the number of checks. Buckets that
//! nobody checked for more than half of are left out (the rule is in `gaps.rs`).

use chrono::{DateTime, Utc};

use super::gaps::DayRow;
use super::{DayUptime, Store, StoreError, ms};
use crate::domain::SpaceId;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Share of counted checks that were up, over the buckets that were checked (see
/// `gaps.rs`); `None` when nothing was counted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Uptime {
    pub h24: Option<f64>,
    pub d7: Option<f64>,
    pub d30: Option<f64>,
}

fn ratio(up: i64, counted: i64) -> Option<f64> {
    (counted > 0).then(|| up as f64 / counted as f64)
}

/// One Space's daily roll-ups (its uptime bar); `tests/plans.rs` checks its plan.
pub(super) const DAILY_OF_SPACE: &str = "SELECT bucket_ms, up, counted FROM rollup_daily
     WHERE space_id = $1 AND bucket_ms >= $2 ORDER BY bucket_ms";

impl Store {
    pub async fn uptime(&self, id: &SpaceId, now: DateTime<Utc>) -> Result<Uptime, StoreError> {
        let all = self.uptime_all(now).await?;
        Ok(all
            .into_iter()
            .find(|(space, _)| *space == id.key())
            .map(|(_, uptime)| uptime)
            .unwrap_or_default())
    }

    /// Uptime of every Space with history, by `SpaceId::key`, recomputed from the
    /// roll-ups: what the read model's kept figures (`view::aggregates`) must equal.
    pub async fn uptime_all(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Uptime)>, StoreError> {
        let now_ms = ms(now);
        let hour_from = now_ms - now_ms.rem_euclid(HOUR_MS) - 23 * HOUR_MS;
        let today = now_ms - now_ms.rem_euclid(DAY_MS);
        let day_from = today - 29 * DAY_MS;
        let gaps = self.gaps_between(day_from.min(hour_from), now).await?;
        let unknown_hours =
            gaps.unknown_json((0..24).map(|i| hour_from + i * HOUR_MS), HOUR_MS, now_ms);
        let unknown_days =
            gaps.unknown_json((0..30).map(|i| day_from + i * DAY_MS), DAY_MS, now_ms);
        // Postgres sums BIGINTs to NUMERIC, which the Any driver cannot read: cast.
        let sql = format!(
            "SELECT space_id,
                    CAST(COALESCE(SUM(CASE WHEN src = 'h' THEN up END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN src = 'h' THEN counted END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN src = 'd' AND bucket_ms >= $2 THEN up END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN src = 'd' AND bucket_ms >= $2 THEN counted END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN src = 'd' THEN up END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN src = 'd' THEN counted END), 0) AS BIGINT)
             FROM (
                 SELECT 'h' AS src, space_id, bucket_ms, up, counted FROM rollup_hourly
                   WHERE bucket_ms >= $1 AND bucket_ms NOT IN ({hours})
                 UNION ALL
                 SELECT 'd', space_id, bucket_ms, up, counted FROM rollup_daily
                   WHERE bucket_ms >= $3 AND bucket_ms NOT IN ({days})
             ) AS buckets
             GROUP BY space_id",
            hours = self.backend.json_ints("$4"),
            days = self.backend.json_ints("$5"),
        );
        let rows: Vec<(String, i64, i64, i64, i64, i64, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(hour_from)
                .bind(today - 6 * DAY_MS)
                .bind(day_from)
                .bind(unknown_hours)
                .bind(unknown_days)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(space, hu, hc, wu, wc, mu, mc)| {
                (
                    space,
                    Uptime {
                        h24: ratio(hu, hc),
                        d7: ratio(wu, wc),
                        d30: ratio(mu, mc),
                    },
                )
            })
            .collect())
    }

    /// Daily uptime of one Space for the last `days` days, oldest first: the status
    /// page's uptime bar.
    pub async fn daily_uptime(
        &self,
        id: &SpaceId,
        now: DateTime<Utc>,
        days: u32,
    ) -> Result<Vec<DayUptime>, StoreError> {
        let now_ms = ms(now);
        let today = now_ms - now_ms.rem_euclid(DAY_MS);
        let from = today - i64::from(days.saturating_sub(1)) * DAY_MS;
        let rows: Vec<DayRow> = sqlx::query_as(DAILY_OF_SPACE)
            .bind(id.key())
            .bind(from)
            .fetch_all(&self.pool)
            .await?;
        let gaps = self.gaps_between(from, now).await?;
        Ok(gaps.day_cells(from, days, now_ms, &rows))
    }
}
