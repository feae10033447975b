//! `spaces`: what we last knew of each Space, plus what the alert state machine and
//! the repair ladder remember about it.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, StoreTx, from_ms, ms};
use crate::domain::{AlertMemory, Cause, CauseCode, Revision, SpaceId, Stage, Verdict};

/// The last known state of one Space.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceState {
    pub space: SpaceId,
    pub stage: Option<Stage>,
    pub stage_since: Option<DateTime<Utc>>,
    pub verdict: Verdict,
    pub verdict_since: DateTime<Utc>,
    pub last_check: DateTime<Utc>,
    pub hardware: Option<String>,
    pub subdomain: Option<String>,
    pub gc_timeout: Option<u64>,
    pub private: Option<bool>,
    pub error: Option<String>,
    pub memory: AlertMemory,
    pub gave_up: bool,
    pub muted_until: Option<DateTime<Utc>>,
    pub last_visit: Option<DateTime<Utc>>,
    pub incident_id: Option<i64>,
    /// Why it is down, as classified when it went down (kept while it stays down).
    pub cause: Option<Cause>,
    /// The commit it runs, when the Hub's list said.
    pub revision: Option<Revision>,
    /// The commit it ran at its last good check.
    pub good_sha: Option<String>,
    /// `hardware.requested`, last known.
    pub requested_hardware: Option<String>,
    /// Since when the requested hardware differs from what runs, and whether that
    /// was alerted.
    pub drift_since: Option<DateTime<Utc>>,
    pub drift_alerted: bool,
}

impl SpaceState {
    pub fn muted(&self, now: DateTime<Utc>) -> bool {
        self.muted_until.is_some_and(|until| until > now)
    }
}

#[derive(FromRow)]
struct Row {
    space_id: String,
    stage: Option<String>,
    stage_since_ms: Option<i64>,
    verdict: String,
    verdict_since_ms: i64,
    last_check_ms: i64,
    hardware: Option<String>,
    subdomain: Option<String>,
    gc_timeout_s: Option<i64>,
    #[sqlx(try_from = "super::MaybeFlag")]
    private: Option<bool>,
    error: Option<String>,
    bad_streak: i64,
    good_streak: i64,
    bad_since_ms: Option<i64>,
    alerted: Option<String>,
    #[sqlx(try_from = "super::Flag")]
    announced: bool,
    last_alert_ms: Option<i64>,
    #[sqlx(try_from = "super::Flag")]
    gave_up: bool,
    muted_until_ms: Option<i64>,
    last_visit_ms: Option<i64>,
    incident_id: Option<i64>,
    cause_code: Option<String>,
    cause_summary: Option<String>,
    cause_evidence: Option<String>,
    sha: Option<String>,
    sha_at_ms: Option<i64>,
    good_sha: Option<String>,
    requested_hardware: Option<String>,
    drift_since_ms: Option<i64>,
    #[sqlx(try_from = "super::Flag")]
    drift_alerted: bool,
}

/// A stored cause; `None` when the code is not one this version knows.
pub(super) fn cause_of(
    code: Option<String>,
    summary: Option<String>,
    evidence: Option<String>,
) -> Option<Cause> {
    Some(Cause {
        code: CauseCode::parse(&code?)?,
        summary: summary.unwrap_or_default(),
        evidence: evidence.unwrap_or_default(),
    })
}

impl Row {
    fn into_state(self) -> Option<SpaceState> {
        Some(SpaceState {
            space: SpaceId::parse(&self.space_id).ok()?,
            stage: self.stage.as_deref().map(Stage::parse),
            stage_since: self.stage_since_ms.map(from_ms),
            verdict: Verdict::parse(&self.verdict)?,
            verdict_since: from_ms(self.verdict_since_ms),
            last_check: from_ms(self.last_check_ms),
            hardware: self.hardware,
            subdomain: self.subdomain,
            gc_timeout: self.gc_timeout_s.and_then(|t| u64::try_from(t).ok()),
            private: self.private,
            error: self.error,
            memory: AlertMemory {
                bad_streak: u32::try_from(self.bad_streak).unwrap_or(0),
                good_streak: u32::try_from(self.good_streak).unwrap_or(0),
                bad_since: self.bad_since_ms.map(from_ms),
                alerted: self.alerted.as_deref().and_then(Verdict::parse),
                announced: self.announced,
                last_alert: self.last_alert_ms.map(from_ms),
            },
            gave_up: self.gave_up,
            muted_until: self.muted_until_ms.map(from_ms),
            last_visit: self.last_visit_ms.map(from_ms),
            incident_id: self.incident_id,
            cause: cause_of(self.cause_code, self.cause_summary, self.cause_evidence),
            revision: self.sha.map(|sha| Revision {
                sha,
                last_modified: self.sha_at_ms.map(from_ms),
            }),
            good_sha: self.good_sha,
            requested_hardware: self.requested_hardware,
            drift_since: self.drift_since_ms.map(from_ms),
            drift_alerted: self.drift_alerted,
        })
    }
}

/// The id as spelled (`display_id`, see migrations/sqlite/0015) read as `space_id`.
const COLUMNS: &str = "COALESCE(display_id, space_id) AS space_id, stage, stage_since_ms, verdict, verdict_since_ms, last_check_ms,
    hardware, subdomain, gc_timeout_s, private, error, bad_streak, good_streak, bad_since_ms,
    alerted, announced, last_alert_ms, gave_up, muted_until_ms, last_visit_ms, incident_id,
    cause_code, cause_summary, cause_evidence, sha, sha_at_ms, good_sha, requested_hardware,
    drift_since_ms, drift_alerted";

/// One Space's row, by `SpaceId::key` (every Space-keyed column holds that form).
pub(super) fn select_one() -> String {
    format!("SELECT {COLUMNS} FROM spaces WHERE space_id = $1")
}

/// The rows of `rows` Spaces, by key.
pub(super) fn select_some(rows: usize) -> String {
    super::cycle::multi_row(
        &format!("SELECT {COLUMNS} FROM spaces WHERE space_id IN ("),
        "$1",
        1,
        rows,
        ")",
    )
}

pub(super) const SET_INCIDENT: &str = "UPDATE spaces SET incident_id = $1 WHERE space_id = $2";

impl Store {
    /// Every Space ever observed, by id, read whole. Readers that show Spaces take
    /// the read model's kept copy (`view::states`); the monitor reads here before it
    /// decides.
    pub async fn space_states(&self) -> Result<Vec<SpaceState>, StoreError> {
        // By key: `space_id` alone would name the display form selected under that name.
        let sql = format!("SELECT {COLUMNS} FROM spaces ORDER BY spaces.space_id");
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().filter_map(Row::into_state).collect())
    }

    /// The rows of the Spaces `keys` (`SpaceId::key`) that exist, in batches of
    /// `cycle::BATCH`: what the read model re-reads after writes.
    pub async fn space_states_of(&self, keys: &[String]) -> Result<Vec<SpaceState>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for batch in keys.chunks(super::cycle::BATCH) {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(select_some(batch.len())));
            for key in batch {
                query = query.bind(key.as_str());
            }
            let rows: Vec<Row> = query.fetch_all(&self.pool).await?;
            out.extend(rows.into_iter().filter_map(Row::into_state));
        }
        Ok(out)
    }

    /// Every Space ever observed, by `SpaceId::key`.
    pub async fn space_state_map(
        &self,
    ) -> Result<std::collections::HashMap<String, SpaceState>, StoreError> {
        Ok(self
            .space_states()
            .await?
            .into_iter()
            .map(|s| (s.space.key(), s))
            .collect())
    }

    /// One Space (any spelling of its id), if it was ever observed.
    pub async fn space_state(&self, id: &SpaceId) -> Result<Option<SpaceState>, StoreError> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(select_one()))
            .bind(id.key())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(Row::into_state))
    }

    /// The Spaces last seen for `owner` (owner names compare case-insensitively).
    pub async fn spaces_of(&self, owner: &str) -> Result<Vec<SpaceId>, StoreError> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT COALESCE(display_id, space_id) FROM spaces WHERE owner = $1
             ORDER BY spaces.space_id",
        )
        .bind(owner.to_ascii_lowercase())
        .fetch_all(&self.pool)
        .await?;
        Ok(ids
            .into_iter()
            .filter_map(|(id,)| SpaceId::parse(&id).ok())
            .collect())
    }

    /// Silences alerts for a Space until `until` (`None` lifts the mute).
    pub async fn set_muted_until(
        &self,
        id: &SpaceId,
        until: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE spaces SET muted_until_ms = $1 WHERE space_id = $2")
            .bind(until.map(ms))
            .bind(id.key())
            .execute(&self.pool)
            .await?;
        self.health.succeeded();
        self.touched.add([id.key()]);
        Ok(done.rows_affected() > 0)
    }
}

impl StoreTx {
    /// One Space's alert memory (a batch of one, `space_writes.rs`).
    pub async fn save_memory(
        &mut self,
        id: &SpaceId,
        memory: &AlertMemory,
    ) -> Result<(), StoreError> {
        self.save_memories(&[(id, memory.clone())]).await
    }

    /// One Space's drift (`set_drifts`).
    pub async fn set_drift(
        &mut self,
        id: &SpaceId,
        since: Option<DateTime<Utc>>,
        alerted: bool,
    ) -> Result<(), StoreError> {
        self.set_drifts(&[(id, (since, alerted))]).await
    }

    pub async fn set_gave_up(&mut self, id: &SpaceId, gave_up: bool) -> Result<(), StoreError> {
        self.set_gave_ups(&[(id, gave_up)]).await
    }

    /// Points the Space at its open incident (`None`: no incident open).
    pub async fn set_incident(
        &mut self,
        id: &SpaceId,
        incident: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(SET_INCIDENT)
            .bind(incident)
            .bind(id.key())
            .execute(&mut *self.tx)
            .await?;
        self.touch([id.key()]);
        Ok(())
    }

    /// The Space as it is now, read inside the transaction.
    pub async fn space_state(&mut self, id: &SpaceId) -> Result<Option<SpaceState>, StoreError> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(select_one()))
            .bind(id.key())
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.and_then(Row::into_state))
    }
}
