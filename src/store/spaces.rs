//! `spaces`: what we last knew of each Space, updated with every observation.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_ms};
use crate::domain::{SpaceId, Stage, Verdict};

/// The last known state of one Space.
#[derive(Debug, Clone)]
pub struct SpaceState {
    pub space: SpaceId,
    pub stage: Option<Stage>,
    pub stage_since: Option<DateTime<Utc>>,
    pub verdict: Verdict,
    pub verdict_since: DateTime<Utc>,
    pub last_check: DateTime<Utc>,
    pub subdomain: Option<String>,
}

#[derive(FromRow)]
struct Row {
    space_id: String,
    stage: Option<String>,
    stage_since_ms: Option<i64>,
    verdict: String,
    verdict_since_ms: i64,
    last_check_ms: i64,
    subdomain: Option<String>,
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
            subdomain: self.subdomain,
        })
    }
}

const COLUMNS: &str =
    "space_id, stage, stage_since_ms, verdict, verdict_since_ms, last_check_ms, subdomain";

impl Store {
    /// Every Space ever observed, by id.
    pub async fn space_states(&self) -> Result<Vec<SpaceState>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM spaces ORDER BY space_id");
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().filter_map(Row::into_state).collect())
    }

    /// The Spaces last seen for `owner` (owner names compare case-insensitively).
    pub async fn spaces_of(&self, owner: &str) -> Result<Vec<SpaceId>, StoreError> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT space_id FROM spaces WHERE owner = ? COLLATE NOCASE ORDER BY space_id",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids
            .into_iter()
            .filter_map(|(id,)| SpaceId::parse(&id).ok())
            .collect())
    }
}
