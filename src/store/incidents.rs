//! `incidents`: an outage from the moment a Space goes bad enough to alert until it
//! is back, with its cause and what ended it.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, StoreTx, from_ms, ms};
use crate::domain::{Cause, SpaceId};

#[derive(Debug, Clone, FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub space_id: String,
    pub opened_ms: i64,
    pub closed_ms: Option<i64>,
    pub verdict: String,
    pub stage: Option<String>,
    /// The Hub's `errorMessage` when it opened.
    pub cause: Option<String>,
    pub resolution: Option<String>,
    pub cause_code: Option<String>,
    pub cause_summary: Option<String>,
    pub cause_evidence: Option<String>,
}

impl IncidentRow {
    pub fn opened(&self) -> DateTime<Utc> {
        from_ms(self.opened_ms)
    }

    pub fn closed(&self) -> Option<DateTime<Utc>> {
        self.closed_ms.map(from_ms)
    }

    /// Why it happened, as classified when it opened (`None` before causes existed).
    pub fn root_cause(&self) -> Option<Cause> {
        super::spaces::cause_of(
            self.cause_code.clone(),
            self.cause_summary.clone(),
            self.cause_evidence.clone(),
        )
    }

    /// How long it lasted, or has lasted so far.
    pub fn duration(&self, now: DateTime<Utc>) -> std::time::Duration {
        (self.closed().unwrap_or(now) - self.opened())
            .to_std()
            .unwrap_or_default()
    }
}

/// Every column of `IncidentRow`, as the table has them (`RETURNING`).
const COLUMNS: &str = "id, space_id, opened_ms, closed_ms, verdict, stage, cause, resolution,
    cause_code, cause_summary, cause_evidence";

/// Every column of `IncidentRow` from `FROM` (`stats.rs` reads incidents too): the
/// Space as spelled (`spaces.display_id`) in `space_id`, where the table keeps the key.
pub(super) const SELECT: &str =
    "incidents.id, COALESCE(spaces.display_id, incidents.space_id) AS space_id,
    incidents.opened_ms, incidents.closed_ms, incidents.verdict, incidents.stage,
    incidents.cause, incidents.resolution, incidents.cause_code, incidents.cause_summary,
    incidents.cause_evidence";
pub(super) const FROM: &str = "incidents LEFT JOIN spaces ON spaces.space_id = incidents.space_id";

pub(super) const OPEN: &str = "INSERT INTO incidents (space_id, opened_ms, verdict, stage, cause,
                                cause_code, cause_summary, cause_evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/// Closes a Space's open incident (the cycle, per Space that recovers).
pub(super) fn close_sql() -> String {
    format!(
        "UPDATE incidents SET closed_ms = $1, resolution = $2
         WHERE space_id = $3 AND closed_ms IS NULL RETURNING {COLUMNS}"
    )
}

/// A Space's incidents, newest first.
pub(super) fn of_space_sql() -> String {
    format!(
        "SELECT {SELECT} FROM {FROM} WHERE incidents.space_id = $1
         ORDER BY incidents.opened_ms DESC, incidents.id DESC LIMIT $2"
    )
}

impl StoreTx {
    pub async fn open_incident(
        &mut self,
        id: &SpaceId,
        opened: DateTime<Utc>,
        verdict: &str,
        stage: Option<&str>,
        error: Option<&str>,
        cause: Option<&Cause>,
    ) -> Result<i64, StoreError> {
        let (incident,): (i64,) = sqlx::query_as(OPEN)
            .bind(id.key())
            .bind(ms(opened))
            .bind(verdict)
            .bind(stage)
            .bind(error)
            .bind(cause.map(|c| c.code.as_str()))
            .bind(cause.map(|c| c.summary.as_str()))
            .bind(cause.map(|c| c.evidence.as_str()))
            .fetch_one(&mut *self.tx)
            .await?;
        self.set_incident(id, Some(incident)).await?;
        Ok(incident)
    }

    /// Closes the Space's open incident, if any; returns it as closed.
    pub async fn close_incident(
        &mut self,
        id: &SpaceId,
        closed: DateTime<Utc>,
        resolution: &str,
    ) -> Result<Option<IncidentRow>, StoreError> {
        let row: Option<IncidentRow> = sqlx::query_as(sqlx::AssertSqlSafe(close_sql()))
            .bind(ms(closed))
            .bind(resolution)
            .bind(id.key())
            .fetch_optional(&mut *self.tx)
            .await?;
        self.set_incident(id, None).await?;
        // The table holds the key; the caller's spelling is the Space's.
        Ok(row.map(|row| IncidentRow {
            space_id: id.to_string(),
            ..row
        }))
    }
}

impl Store {
    /// A Space's incidents, newest first.
    pub async fn incidents(
        &self,
        id: &SpaceId,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(of_space_sql()))
            .bind(id.key())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every open incident, oldest first.
    pub async fn open_incidents(&self) -> Result<Vec<IncidentRow>, StoreError> {
        let sql = format!("SELECT {SELECT} FROM {FROM} WHERE closed_ms IS NULL ORDER BY opened_ms");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Incidents of every Space opened since `since`, newest first.
    pub async fn recent_incidents(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        let sql = format!(
            "SELECT {SELECT} FROM {FROM} WHERE opened_ms >= $1 ORDER BY opened_ms DESC LIMIT $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(ms(since))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }
}
