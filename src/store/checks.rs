//! `checks`: one row per observation, and the `spaces` summary kept in step with it
//! in the same transaction.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_ms, ms};
use crate::domain::Observation;

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
    pub probe_ok: Option<bool>,
    pub error: Option<String>,
}

impl CheckRow {
    pub fn at(&self) -> DateTime<Utc> {
        from_ms(self.at_ms)
    }
}

const UPSERT_SPACE: &str = "
INSERT INTO spaces (space_id, owner, first_seen_ms, last_check_ms, stage, stage_since_ms,
                    verdict, verdict_since_ms, hardware, subdomain, gc_timeout_s, private, error)
VALUES (?1, ?2, ?3, ?3, ?4, ?3, ?5, ?3, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (space_id) DO UPDATE SET
    last_check_ms = excluded.last_check_ms,
    -- An unreachable Hub tells nothing about the stage: keep the last known one and
    -- its start, so a BUILDING timer is not reset by a Hub outage.
    stage_since_ms = CASE
        WHEN excluded.stage IS NULL OR spaces.stage IS excluded.stage THEN spaces.stage_since_ms
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
    error = excluded.error";

const INSERT_CHECK: &str = "
INSERT OR REPLACE INTO checks (space_id, at_ms, stage, verdict, hardware,
                               probe_status, probe_latency_ms, probe_ok, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

impl Store {
    /// Stores a cycle's observations atomically: all of them or none.
    pub async fn record(&self, observations: &[Observation]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for obs in observations {
            let at = ms(obs.at);
            let stage = obs.stage.as_ref().map(|s| s.as_str().to_owned());
            let probe = obs.probe.as_ref();
            sqlx::query(INSERT_CHECK)
                .bind(obs.label())
                .bind(at)
                .bind(&stage)
                .bind(obs.verdict.as_str())
                .bind(&obs.hardware)
                .bind(probe.and_then(|p| p.status).map(i64::from))
                .bind(probe.and_then(|p| p.latency_ms))
                .bind(probe.map(|p| p.ok))
                .bind(&obs.error)
                .execute(&mut *tx)
                .await?;
            // A whole owner that could not be listed has no Space row to update.
            let Some(space) = &obs.space else { continue };
            sqlx::query(UPSERT_SPACE)
                .bind(space.to_string())
                .bind(space.owner())
                .bind(at)
                .bind(&stage)
                .bind(obs.verdict.as_str())
                .bind(&obs.hardware)
                .bind(&obs.subdomain)
                .bind(obs.gc_timeout.and_then(|t| i64::try_from(t).ok()))
                .bind(obs.private)
                .bind(&obs.error)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
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
             FROM checks WHERE space_id = ? ORDER BY at_ms DESC LIMIT ?",
        )
        .bind(label)
        .bind(limit)
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
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::{SpaceId, Stage, Verdict};

    fn obs(stage: Option<&str>, verdict: Verdict, minute: u32) -> Observation {
        Observation {
            space: Some(SpaceId::parse("alice/app").unwrap()),
            owner: "alice".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 22, 10, minute, 0).unwrap(),
            stage: stage.map(Stage::parse),
            hardware: Some("cpu-basic".into()),
            error: None,
            failure: None,
            probe: None,
            verdict,
            subdomain: Some("alice-app".into()),
            gc_timeout: Some(172_800),
            private: Some(false),
        }
    }

    #[tokio::test]
    async fn keeps_stage_since_across_checks_and_outages() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
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
