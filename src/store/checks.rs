//! `checks` (raw, kept for a short window), the hourly and daily roll-ups written in
//! the same transaction, and pruning.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, StoreTx, from_ms, ms, nullable_real};
use crate::domain::{Health, Observation, SpaceCheck, Verdict};

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

pub(super) const UPSERT_SPACE: &str = "
INSERT INTO spaces (space_id, owner, first_seen_ms, last_check_ms, stage, stage_since_ms,
                    verdict, verdict_since_ms, hardware, subdomain, gc_timeout_s, private, error,
                    cause_code, cause_summary, cause_evidence, sha, sha_at_ms, good_sha,
                    requested_hardware, last_visit_ms)
VALUES ($1, $2, $3, $3, $4, $3, $5, $3, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
        CASE WHEN $16 <> 0 THEN $14 END, $17, CASE WHEN $18 <> 0 THEN $3 END)
ON CONFLICT (space_id) DO UPDATE SET
    last_check_ms = excluded.last_check_ms,
    -- An unreachable Hub tells nothing about the stage: keep the last known one and
    -- its start, so a BUILDING timer is not reset by a Hub outage.
    stage_since_ms = CASE
        WHEN excluded.stage IS NULL OR spaces.stage IS NOT DISTINCT FROM excluded.stage THEN spaces.stage_since_ms
        ELSE excluded.stage_since_ms END,
    stage = COALESCE(excluded.stage, spaces.stage),
    verdict_since_ms = CASE
        WHEN spaces.verdict = excluded.verdict THEN spaces.verdict_since_ms
        ELSE excluded.verdict_since_ms END,
    verdict = excluded.verdict,
    hardware = CASE WHEN excluded.stage IS NULL THEN spaces.hardware ELSE excluded.hardware END,
    subdomain = COALESCE(excluded.subdomain, spaces.subdomain),
    gc_timeout_s = CASE WHEN excluded.stage IS NULL THEN spaces.gc_timeout_s ELSE excluded.gc_timeout_s END,
    private = COALESCE(excluded.private, spaces.private),
    error = excluded.error,
    -- An unreachable Hub says nothing about why the Space is down: keep the cause.
    cause_code = CASE WHEN excluded.stage IS NULL THEN spaces.cause_code ELSE excluded.cause_code END,
    cause_summary = CASE WHEN excluded.stage IS NULL THEN spaces.cause_summary ELSE excluded.cause_summary END,
    cause_evidence = CASE WHEN excluded.stage IS NULL THEN spaces.cause_evidence ELSE excluded.cause_evidence END,
    sha_at_ms = CASE WHEN excluded.sha IS NULL THEN spaces.sha_at_ms ELSE excluded.sha_at_ms END,
    sha = COALESCE(excluded.sha, spaces.sha),
    good_sha = COALESCE(excluded.good_sha, spaces.good_sha),
    -- Written here rather than by two more statements per Space (issue 25): the
    -- hardware asked for when the Hub said, the visit when the app answered.
    requested_hardware = COALESCE(excluded.requested_hardware, spaces.requested_hardware),
    last_visit_ms = COALESCE(excluded.last_visit_ms, spaces.last_visit_ms)";

pub(super) const INSERT_CHECK: &str = "
INSERT INTO checks (space_id, at_ms, stage, verdict, hardware,
                    probe_status, probe_latency_ms, probe_ok, error)
VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $10 <> 0 THEN $7 END, $8, $9)
ON CONFLICT (space_id, at_ms) DO UPDATE SET
    stage = excluded.stage, verdict = excluded.verdict, hardware = excluded.hardware,
    probe_status = excluded.probe_status, probe_latency_ms = excluded.probe_latency_ms,
    probe_ok = excluded.probe_ok, error = excluded.error";

/// Adds a check to its hourly or daily roll-up (`table`).
pub(super) fn rollup_sql(table: &str) -> String {
    format!(
        "INSERT INTO {table} (space_id, bucket_ms, up, counted, total, latency_sum, latency_n)
         VALUES ($1, $2, $3, $4, 1, $5, $6)
         ON CONFLICT (space_id, bucket_ms) DO UPDATE SET
             up = {table}.up + excluded.up, counted = {table}.counted + excluded.counted,
             total = {table}.total + 1,
             latency_sum = {table}.latency_sum + excluded.latency_sum,
             latency_n = {table}.latency_n + excluded.latency_n"
    )
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

impl StoreTx {
    /// One observation: the raw row, both roll-ups, and the Space's summary.
    pub async fn record_observation(&mut self, obs: &Observation) -> Result<(), StoreError> {
        let at = ms(obs.at());
        let check = obs.checked();
        let stage = obs.stage().map(|s| s.as_str().to_owned());
        let probe = check.and_then(|c| c.probe.as_ref());
        let verdict = obs.verdict();
        let label = obs.label();
        // Never an `Option<f64>` (see `nullable_real`): $7 and its presence, $10.
        let (latency_ms, has_latency) = nullable_real(probe.and_then(|p| p.latency_ms));
        sqlx::query(INSERT_CHECK)
            .bind(&label)
            .bind(at)
            .bind(&stage)
            .bind(verdict.as_str())
            .bind(check.and_then(|c| c.hardware.as_deref()))
            .bind(probe.and_then(|p| p.status).map(i64::from))
            .bind(latency_ms)
            .bind(probe.map(|p| i64::from(p.ok)))
            .bind(obs.error())
            .bind(has_latency)
            .execute(&mut *self.tx)
            .await?;
        let up = i64::from(verdict == Verdict::Up);
        let counted = i64::from(counts_for_uptime(verdict));
        let latency = probe.filter(|p| p.ok).and_then(|p| p.latency_ms);
        for (table, size) in [("rollup_hourly", HOUR_MS), ("rollup_daily", DAY_MS)] {
            sqlx::query(sqlx::AssertSqlSafe(rollup_sql(table)))
                .bind(&label)
                .bind(at - at.rem_euclid(size))
                .bind(up)
                .bind(counted)
                .bind(latency.unwrap_or(0.0))
                .bind(i64::from(latency.is_some()))
                .execute(&mut *self.tx)
                .await?;
        }
        // A whole owner that could not be listed has no Space row to update.
        match check {
            Some(check) => self.record_space(check, at, stage).await,
            None => Ok(()),
        }
    }

    /// The Space's summary row (after its billed time, which reads the previous one).
    async fn record_space(
        &mut self,
        obs: &SpaceCheck,
        at: i64,
        stage: Option<String>,
    ) -> Result<(), StoreError> {
        let space = &obs.space;
        let probe = obs.probe.as_ref();
        self.record_usage(obs).await?;
        sqlx::query(UPSERT_SPACE)
            .bind(space.to_string())
            .bind(space.owner())
            .bind(at)
            .bind(&stage)
            .bind(obs.verdict.as_str())
            .bind(&obs.hardware)
            .bind(&obs.subdomain)
            .bind(obs.gc_timeout.and_then(|t| i64::try_from(t).ok()))
            .bind(obs.private.map(i64::from))
            .bind(&obs.error)
            .bind(obs.cause.as_ref().map(|c| c.code.as_str()))
            .bind(obs.cause.as_ref().map(|c| c.summary.as_str()))
            .bind(obs.cause.as_ref().map(|c| c.evidence.as_str()))
            .bind(obs.revision.as_ref().map(|r| r.sha.as_str()))
            .bind(obs.revision.as_ref().and_then(|r| r.last_modified).map(ms))
            .bind(i64::from(Health::of(obs.verdict) == Health::Good))
            .bind(&obs.requested_hardware)
            .bind(i64::from(probe.is_some_and(|p| p.ok)))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Stores observations atomically: all of them or none.
    pub async fn record(&self, observations: &[Observation]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for obs in observations {
            tx.record_observation(obs).await?;
        }
        tx.commit().await
    }

    /// The most recent checks of one Space (`owner/name` or `owner/*`), newest first.
    pub async fn recent_checks(
        &self,
        label: &str,
        limit: u32,
    ) -> Result<Vec<CheckRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT space_id, at_ms, stage, verdict, hardware, probe_status, probe_latency_ms,
                    probe_ok, error
             FROM checks WHERE space_id = $1 ORDER BY at_ms DESC LIMIT $2",
        )
        .bind(label)
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
        Ok(sqlx::query_as(
            "SELECT space_id, at_ms, stage, verdict, hardware, probe_status, probe_latency_ms,
                    probe_ok, error
             FROM checks WHERE space_id = $1 AND at_ms >= $2 ORDER BY at_ms LIMIT $3",
        )
        .bind(label)
        .bind(ms(since))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Per Space (`owner/name` as stored), the checks since `since` and how many of
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
    use crate::domain::{SpaceId, Stage, Verdict};

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
