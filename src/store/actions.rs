//! `actions`: every repair, wake and (later) command against a Space. A row is
//! written before the Hub is called (`pending`), marked when the Hub accepted the call
//! (`called`) and completed with a result (`done`). On startup, rows that are not done
//! are resumed by polling, never by calling the Hub again.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use std::collections::HashMap;

use super::{Store, StoreError, StoreTx, from_ms, ms};
use crate::domain::{ActionActor, ActionKind, ActionState, ActionTrigger, RepairHistory, SpaceId};

/// What to record before acting.
#[derive(Debug, Clone)]
pub struct NewAction<'a> {
    pub space: &'a SpaceId,
    pub kind: ActionKind,
    pub trigger: ActionTrigger,
    pub actor: ActionActor,
    pub at: DateTime<Utc>,
    pub incident_id: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct ActionRow {
    pub id: i64,
    pub space_id: String,
    pub kind: ActionKind,
    pub trigger: ActionTrigger,
    pub actor: ActionActor,
    pub state: ActionState,
    pub result: Option<String>,
    pub detail: Option<String>,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub incident_id: Option<i64>,
}

impl ActionRow {
    pub fn started(&self) -> DateTime<Utc> {
        from_ms(self.started_ms)
    }

    pub fn finished(&self) -> Option<DateTime<Utc>> {
        self.finished_ms.map(from_ms)
    }
}

/// The pauses and wakes that count as a Space's last switch: those that did not fail.
const SWITCHES: &str = "kind IN ('pause', 'wake') AND (result IS NULL OR result <> 'failed')";

/// Every column of `ActionRow` from `FROM`: the Space as spelled (`spaces.display_id`)
/// in `space_id`, where the table keeps the key (`stats.rs` reads actions too).
pub(super) const SELECT: &str =
    "actions.id, COALESCE(spaces.display_id, actions.space_id) AS space_id, actions.kind,
    actions.trigger, actions.actor, actions.state, actions.result, actions.detail,
    actions.started_ms, actions.finished_ms, actions.incident_id";
pub(super) const FROM: &str = "actions LEFT JOIN spaces ON spaces.space_id = actions.space_id";

impl StoreTx {
    pub async fn start_action(&mut self, action: &NewAction<'_>) -> Result<i64, StoreError> {
        self.fence().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO actions (space_id, kind, trigger, actor, state, started_ms, incident_id)
             VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id",
        )
        .bind(action.space.key())
        .bind(&action.kind)
        .bind(&action.trigger)
        .bind(&action.actor)
        .bind(ms(action.at))
        .bind(action.incident_id)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    pub async fn finish_action(
        &mut self,
        id: i64,
        at: DateTime<Utc>,
        result: &str,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.fence().await?;
        sqlx::query(
            "UPDATE actions SET state = 'done', result = $1, detail = $2, finished_ms = $3 WHERE id = $4",
        )
        .bind(result)
        .bind(detail)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

// One Space's actions; one text each for the code and `tests/plans.rs`.
pub(super) const AUTO_REPAIRS: &str = "SELECT started_ms FROM actions WHERE space_id = $1
       AND trigger = 'auto' AND kind IN ('restart', 'rebuild') AND started_ms >= $2
     ORDER BY started_ms";

pub(super) fn last_switch_sql() -> String {
    format!(
        "SELECT kind FROM actions WHERE space_id = $1 AND {SWITCHES}
         ORDER BY id DESC LIMIT 1"
    )
}

pub(super) fn of_space_sql() -> String {
    format!(
        "SELECT {SELECT} FROM {FROM} WHERE actions.space_id = $1
         ORDER BY actions.id DESC LIMIT $2"
    )
}

impl Store {
    /// Records an action in its own transaction (before acting).
    pub async fn start_action(&self, action: &NewAction<'_>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.start_action(action).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The Hub accepted the call.
    pub async fn mark_called(&self, id: i64) -> Result<(), StoreError> {
        self.fenced_execute(
            sqlx::query("UPDATE actions SET state = 'called' WHERE id = $1 AND state = 'pending'")
                .bind(id),
        )
        .await?;
        Ok(())
    }

    pub async fn finish_action(
        &self,
        id: i64,
        at: DateTime<Utc>,
        result: &str,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.finish_action(id, at, result, detail).await?;
        tx.commit().await
    }

    /// Actions not completed, oldest first: what a restart of spacewarden resumes.
    pub async fn unfinished_actions(&self) -> Result<Vec<ActionRow>, StoreError> {
        let sql = format!("SELECT {SELECT} FROM {FROM} WHERE state <> 'done' ORDER BY actions.id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Start times of automatic repairs of a Space since `since` (for the cap).
    pub async fn auto_repairs_since(
        &self,
        id: &SpaceId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(AUTO_REPAIRS)
            .bind(id.key())
            .bind(ms(since))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(at,)| from_ms(at)).collect())
    }

    /// Every Space's automatic repairs and wakes since `since`, by `SpaceId::key`: what
    /// the caps of one cycle's decisions need, in one query.
    pub async fn repair_history(
        &self,
        since: DateTime<Utc>,
    ) -> Result<HashMap<String, RepairHistory>, StoreError> {
        let rows: Vec<(String, ActionKind, i64)> = sqlx::query_as(
            "SELECT space_id, kind, started_ms FROM actions
             WHERE started_ms >= $1 AND (kind = 'wake'
                OR (trigger = 'auto' AND kind IN ('restart', 'rebuild'))
                OR (trigger = 'schedule' AND kind = 'pause'))
             ORDER BY started_ms",
        )
        .bind(ms(since))
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<String, RepairHistory> = HashMap::new();
        for (space, kind, at) in rows {
            let entry = out.entry(space).or_default();
            // The query selects only wakes, scheduled pauses and automatic repairs.
            match kind {
                ActionKind::Wake => entry.wakes.push(from_ms(at)),
                ActionKind::Pause => entry.scheduled_pauses.push(from_ms(at)),
                _ => entry.auto_repairs.push(from_ms(at)),
            }
        }
        Ok(out)
    }

    /// The latest pause or wake of each Space through spacewarden (its awake windows,
    /// an admin, keep-alive) that did not fail, with its start, by `SpaceId::key`.
    pub async fn last_switches(
        &self,
    ) -> Result<HashMap<String, (ActionKind, DateTime<Utc>)>, StoreError> {
        let sql = format!(
            "SELECT space_id, kind, started_ms FROM actions WHERE id IN
               (SELECT MAX(id) FROM actions WHERE {SWITCHES} GROUP BY space_id)"
        );
        let rows: Vec<(String, ActionKind, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(space, kind, at)| (space, (kind, from_ms(at))))
            .collect())
    }

    /// The latest pause or wake of one Space that did not fail (see `last_switches`).
    pub async fn last_switch_of(&self, id: &SpaceId) -> Result<Option<ActionKind>, StoreError> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(last_switch_sql()))
            .bind(id.key())
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A Space's actions, newest first.
    pub async fn actions(&self, id: &SpaceId, limit: u32) -> Result<Vec<ActionRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(of_space_sql()))
            .bind(id.key())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every Space's actions since `since`, newest first.
    pub async fn recent_actions(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ActionRow>, StoreError> {
        let sql = format!(
            "SELECT {SELECT} FROM {FROM} WHERE actions.started_ms >= $1
             ORDER BY actions.id DESC LIMIT $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(ms(since))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }
}
