//! `outbox`: alerts waiting for delivery, one row per destination. Rows are written in
//! the same transaction as the state change that caused them, delivered in id order
//! per destination, and marked sent only after the destination accepted them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, StoreTx, from_ms, ms};

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub destination: String,
    pub payload: String,
    pub created_ms: i64,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub sent_ms: Option<i64>,
}

impl OutboxRow {
    pub fn created(&self) -> DateTime<Utc> {
        from_ms(self.created_ms)
    }
}

const COLUMNS: &str =
    "id, destination, payload, created_ms, state, attempts, next_attempt_ms, last_error, sent_ms";

impl StoreTx {
    pub async fn enqueue(
        &mut self,
        destination: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.fence().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (destination, payload, created_ms, next_attempt_ms)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(destination)
        .bind(payload)
        .bind(ms(at))
        .bind(ms(at))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }
}

impl Store {
    pub async fn enqueue(
        &self,
        destination: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue(destination, payload, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// For each destination, its oldest pending row: order is kept per destination, so
    /// a later alert never overtakes an earlier one that is still being retried.
    pub async fn outbox_heads(&self) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE id IN
                (SELECT MIN(id) FROM outbox WHERE state = 'pending' GROUP BY destination)
             ORDER BY id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn mark_sent(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.fenced_execute(
            sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_ms = $1, attempts = attempts + 1 WHERE id = $2",
            )
            .bind(ms(at))
            .bind(id),
        )
        .await?;
        Ok(())
    }

    pub async fn mark_retry(
        &self,
        id: i64,
        next: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.fenced_execute(
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = $1, last_error = $2 WHERE id = $3",
            )
            .bind(ms(next))
            .bind(error)
            .bind(id),
        )
        .await?;
        Ok(())
    }

    /// A destination that will never accept this row (e.g. the chat blocked the bot).
    pub async fn mark_dead(&self, id: i64, error: &str) -> Result<(), StoreError> {
        self.fenced_execute(
            sqlx::query("UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = $1 WHERE id = $2")
                .bind(error)
                .bind(id),
        )
        .await?;
        Ok(())
    }

    /// Moves every pending row of one destination to another (a migrated chat).
    pub async fn redirect_destination(&self, from: &str, to: &str) -> Result<u64, StoreError> {
        self.fenced_execute(
            sqlx::query(
                "UPDATE outbox SET destination = $1 WHERE destination = $2 AND state = 'pending'",
            )
            .bind(to)
            .bind(from),
        )
        .await
    }

    /// All rows of a destination, oldest first (tests, the status page).
    pub async fn outbox(&self, destination: &str) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE destination = $1 ORDER BY id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(destination)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Rows by state over all destinations: (destination, state, count).
    pub async fn outbox_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT destination, state, COUNT(*) FROM outbox GROUP BY destination, state ORDER BY 1, 2",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
