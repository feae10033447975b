//! `requests`: a mutating command that reached a follower replica (its API or page).
//! The follower writes the row and waits; the leader claims it under its epoch, runs
//! it through the command core and writes the answer. A row claimed by a leader that
//! died is never run again: it is marked `interrupted` (whatever Hub call it made is
//! in `actions`, resumed by polling). Exactly once, or said not to have finished.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, ms};

#[derive(Debug, Clone, FromRow)]
pub struct RequestRow {
    pub id: i64,
    /// The actor, as JSON.
    pub actor: String,
    /// The command, as JSON.
    pub command: String,
    /// `pending`, `running`, `done`, `expired` or `interrupted`.
    pub state: String,
    pub epoch: Option<i64>,
    /// The answer, as JSON, once `done`.
    pub response: Option<String>,
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
}

const COLUMNS: &str = "id, actor, command, state, epoch, response, created_ms, finished_ms";

impl Store {
    pub async fn submit_request(
        &self,
        actor: &str,
        command: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (actor, command, created_ms) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(actor)
        .bind(command)
        .bind(ms(at))
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn request(&self, id: i64) -> Result<Option<RequestRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM requests WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Withdraws a request nobody claimed; `false` when a leader already took it.
    pub async fn expire_request(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE requests SET state = 'expired', finished_ms = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(ms(at))
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// The leader takes the oldest pending request under its epoch.
    pub async fn claim_request(&self) -> Result<Option<RequestRow>, StoreError> {
        let epoch = self.fence.as_ref().map_or(0, |f| f.epoch());
        let mut tx = self.begin().await?;
        tx.fence().await?;
        let sql = format!(
            "UPDATE requests SET state = 'running', epoch = $1
             WHERE id = (SELECT MIN(id) FROM requests WHERE state = 'pending')
             RETURNING {COLUMNS}"
        );
        let row: Option<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(epoch)
            .fetch_optional(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn finish_request(
        &self,
        id: i64,
        response: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.fence().await?;
        sqlx::query(
            "UPDATE requests SET state = 'done', response = $1, finished_ms = $2
             WHERE id = $3 AND state = 'running'",
        )
        .bind(response)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// Requests a previous leader claimed and never answered: `interrupted`, never
    /// run again. Returns how many.
    pub async fn interrupt_stale_requests(
        &self,
        epoch: i64,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        tx.fence().await?;
        let done = sqlx::query(
            "UPDATE requests SET state = 'interrupted', finished_ms = $1
             WHERE state = 'running' AND (epoch IS NULL OR epoch <> $2)",
        )
        .bind(ms(at))
        .bind(epoch)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
