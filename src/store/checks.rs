//! `checks` (raw, kept for a short window) read back, and pruning. A cycle's checks,
//! roll-ups and summaries are written by `cycle.rs`.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_ms, ms};
use crate::domain::{Observation, Verdict};

/// A stored check, as read back.
#[derive(Debug, Clone, FromRow)]
pub struct CheckRow {
    pub space_id: String,
    pub at_ms: i64,
    pub stage: Option<String>,
    pub verdict: String,
    pub hardware: Option<String>,
    pub probe_status: Option<i64>,
    pub probe_latency_ms: Option<f64>,
    #[sqlx(try_from = "super::MaybeFlag")]
    pub probe_ok: Option<bool>,
    pub error: Option<String>,
}

impl CheckRow {
    pub fn at(&self) -> DateTime<Utc> {
        from_ms(self.at_ms)
    }
}

/// Checks that count for uptime: everything but sleeping, paused (intended) and
/// unreachable (unknown).
pub fn counts_for_uptime(verdict: Verdict) -> bool {
    !matches!(
        verdict,
        Verdict::Sleeping | Verdict::Paused | Verdict::Unreachable
    )
}

/// A `CheckRow` from `CHECK_FROM`: the Space as spelled (`spaces.display_id`) in
/// `space_id`, where the table keeps the key.
const CHECK_SELECT: &str = "COALESCE(spaces.display_id, checks.space_id) AS space_id,
    checks.at_ms, checks.stage, checks.verdict, checks.hardware, checks.probe_status,
    checks.probe_latency_ms, checks.probe_ok, checks.error";
const CHECK_FROM: &str = "checks LEFT JOIN spaces ON spaces.space_id = checks.space_id";

impl Store {
    /// Stores observations atomically: all of them or none, in batches (`cycle.rs`).
    pub async fn record(&self, observations: &[Observation]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.record_observations(observations).await?;
        tx.commit().await
    }

    /// The most recent checks of one Space (`owner/name` or `owner/*`, any spelling),
    /// newest first.
    pub async fn recent_checks(
        &self,
        label: &str,
        limit: u32,
    ) -> Result<Vec<CheckRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CHECK_SELECT} FROM {CHECK_FROM} WHERE checks.space_id = $1
             ORDER BY checks.at_ms DESC LIMIT $2",
        )))
        .bind(label.to_ascii_lowercase())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Checks of one Space since `since`, oldest first, at most `limit`.
    pub async fn checks_since(
        &self,
        label: &str,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<CheckRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CHECK_SELECT} FROM {CHECK_FROM}
             WHERE checks.space_id = $1 AND checks.at_ms >= $2 ORDER BY checks.at_ms LIMIT $3",
        )))
        .bind(label.to_ascii_lowercase())
        .bind(ms(since))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Per Space (by `SpaceId::key`), the checks since `since` and how many of
    /// them found it up: the static report's summary.
    pub async fn check_tallies(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        // Cast: the sums must read back as BIGINT on both backends.
        Ok(sqlx::query_as(
            "SELECT space_id, CAST(COUNT(*) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN verdict = 'up' THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM checks WHERE at_ms >= $1 GROUP BY space_id ORDER BY space_id",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many check rows are stored in all.
    pub async fn check_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM checks")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Drops raw checks older than `raw_before`, hourly roll-ups older than
    /// `hourly_before`, and everything else older than `retain_before`. Returns how
    /// many raw rows went.
    pub async fn prune(
        &self,
        raw_before: DateTime<Utc>,
        hourly_before: DateTime<Utc>,
        retain_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let raw = sqlx::query("DELETE FROM checks WHERE at_ms < $1")
            .bind(ms(raw_before))
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        for (sql, before) in [
            (
                "DELETE FROM rollup_hourly WHERE bucket_ms < $1",
                hourly_before,
            ),
            (
                "DELETE FROM rollup_daily WHERE bucket_ms < $1",
                retain_before,
            ),
            (
                "DELETE FROM usage_hourly WHERE bucket_ms < $1",
                hourly_before,
            ),
            ("DELETE FROM incidents WHERE closed_ms < $1", retain_before),
            ("DELETE FROM coverage_gaps WHERE end_ms < $1", retain_before),
            (
                "DELETE FROM requests WHERE state NOT IN ('pending', 'running') AND created_ms < $1",
                retain_before,
            ),
            (
                "DELETE FROM actions WHERE state = 'done' AND started_ms < $1",
                retain_before,
            ),
            (
                "DELETE FROM outbox WHERE state <> 'pending' AND created_ms < $1",
                raw_before,
            ),
        ] {
            sqlx::query(sql)
                .bind(ms(before))
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit().await?;
        // The hourly chore is where the log is folded, whatever readers were doing.
        if let Err(e) = self.fold_wal().await {
            tracing::warn!(error = %e, "cannot fold the write-ahead log into the database");
        }
        Ok(raw)
    }

    /// Reclaims the space of deleted rows (after a large prune).
    /// Postgres' autovacuum does this by itself.
    pub async fn vacuum(&self) -> Result<(), StoreError> {
        if self.backend == super::Backend::Postgres {
            return Ok(());
        }
        sqlx::query("PRAGMA incremental_vacuum")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::{SpaceCheck, SpaceId, Stage, Verdict};

    fn obs(stage: Option<&str>, verdict: Verdict, minute: u32) -> Observation {
        SpaceCheck {
            space: SpaceId::parse("alice/app").unwrap(),
            at: Utc.with_ymd_and_hms(2026, 11, 22, 10, minute, 0).unwrap(),
            stage: stage.map(Stage::parse),
            hardware: Some("cpu-basic".into()),
            requested_hardware: None,
            error: None,
            failure: None,
            probe: None,
            verdict,
            subdomain: Some("alice-app".into()),
            gc_timeout: Some(172_800),
            private: Some(false),
            cause: None,
            revision: None,
        }
        .into()
    }

    #[tokio::test]
    async fn keeps_stage_since_across_checks_and_outages() {
        for store in crate::store::test_stores().await {
            store
                .record(&[obs(Some("BUILDING"), Verdict::Starting, 0)])
                .await
                .unwrap();
            store
                .record(&[obs(Some("BUILDING"), Verdict::Starting, 5)])
                .await
                .unwrap();
            store
                .record(&[obs(None, Verdict::Unreachable, 10)])
                .await
                .unwrap();
            let state = &store.space_states().await.unwrap()[0];
            assert_eq!(state.stage, Some(Stage::Building));
            assert_eq!(state.stage_since.unwrap().format("%M").to_string(), "00");
            assert_eq!(state.verdict, Verdict::Unreachable);
            assert_eq!(state.verdict_since.format("%M").to_string(), "10");

            store
                .record(&[obs(Some("RUNNING"), Verdict::Up, 15)])
                .await
                .unwrap();
            let state = &store.space_states().await.unwrap()[0];
            assert_eq!(state.stage_since.unwrap().format("%M").to_string(), "15");
            assert_eq!(store.check_count().await.unwrap(), 4);
            let recent = store.recent_checks("alice/app", 2).await.unwrap();
            assert_eq!(recent[0].verdict, "up");
            assert_eq!(recent[1].stage, None);
            assert_eq!(store.spaces_of("ALICE").await.unwrap().len(), 1);
        }
    }

    #[tokio::test]
    async fn prune_keeps_the_rollups() {
        for store in crate::store::test_stores().await {
            store
                .record(&[obs(Some("RUNNING"), Verdict::Up, 0)])
                .await
                .unwrap();
            store
                .record(&[obs(Some("RUNTIME_ERROR"), Verdict::Down, 30)])
                .await
                .unwrap();
            let later = Utc.with_ymd_and_hms(2026, 12, 20, 0, 0, 0).unwrap();
            let gone = store
                .prune(
                    later,
                    later - chrono::Duration::days(60),
                    later - chrono::Duration::days(400),
                )
                .await
                .unwrap();
            assert_eq!(gone, 2);
            assert_eq!(store.check_count().await.unwrap(), 0);
            let id = SpaceId::parse("alice/app").unwrap();
            let uptime = store.uptime(&id, later).await.unwrap();
            assert_eq!(uptime.d30, Some(0.5));
            assert_eq!(uptime.h24, None);
        }
    }
}
