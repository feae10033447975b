//! `audit` (every command, accepted or refused), `confirmations` (one-use tokens for
//! actions that ask first) and `destinations` (chats that moved or died).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_ms, ms};

/// One audited command.
#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at_ms: i64,
    pub platform: String,
    pub user_id: String,
    pub chat_id: Option<String>,
    pub command: String,
    #[sqlx(try_from = "super::Flag")]
    pub allowed: bool,
    pub outcome: Option<String>,
}

/// A confirmation as stored.
#[derive(Debug, Clone, FromRow)]
pub struct ConfirmationRow {
    pub token: String,
    pub kind: String,
    pub space_id: String,
    pub platform: String,
    pub user_id: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub used_ms: Option<i64>,
}

impl ConfirmationRow {
    pub fn expires(&self) -> DateTime<Utc> {
        from_ms(self.expires_ms)
    }
}

/// What is known about a destination that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestinationState {
    Dead { reason: String },
    Moved { to: String },
}

/// An audit entry to write.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub at: DateTime<Utc>,
    pub platform: &'a str,
    pub user_id: &'a str,
    pub chat_id: Option<&'a str>,
    pub command: &'a str,
    pub allowed: bool,
    pub outcome: &'a str,
}

impl Store {
    pub async fn audit(&self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit (at_ms, platform, user_id, chat_id, command, allowed, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(ms(entry.at))
        .bind(entry.platform)
        .bind(entry.user_id)
        .bind(entry.chat_id)
        .bind(entry.command)
        .bind(i64::from(entry.allowed))
        .bind(entry.outcome)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest audit entries first (tests only: the `testkit` feature).
    #[cfg(any(test, feature = "testkit"))]
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at_ms, platform, user_id, chat_id, command, allowed, outcome
             FROM audit ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn create_confirmation(&self, row: &ConfirmationRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO confirmations (token, kind, space_id, platform, user_id, created_ms, expires_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&row.token)
        .bind(&row.kind)
        .bind(&row.space_id)
        .bind(&row.platform)
        .bind(&row.user_id)
        .bind(row.created_ms)
        .bind(row.expires_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn confirmation(&self, token: &str) -> Result<Option<ConfirmationRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT token, kind, space_id, platform, user_id, created_ms, expires_ms, used_ms
             FROM confirmations WHERE token = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Marks a confirmation used; `false` when it was already used (a second press).
    pub async fn use_confirmation(
        &self,
        token: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE confirmations SET used_ms = $1 WHERE token = $2 AND used_ms IS NULL",
        )
        .bind(ms(at))
        .bind(token)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn destination_states(&self) -> Result<Vec<(String, DestinationState)>, StoreError> {
        let rows: Vec<(String, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT destination, state, moved_to, reason FROM destinations")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(destination, state, moved_to, reason)| {
                let state = match (state.as_str(), moved_to) {
                    ("moved", Some(to)) => DestinationState::Moved { to },
                    ("dead", _) => DestinationState::Dead {
                        reason: reason.unwrap_or_default(),
                    },
                    _ => return None,
                };
                Some((destination, state))
            })
            .collect())
    }

    pub async fn set_destination_state(
        &self,
        destination: &str,
        state: &DestinationState,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (name, moved_to, reason) = match state {
            DestinationState::Dead { reason } => ("dead", None, Some(reason.as_str())),
            DestinationState::Moved { to } => ("moved", Some(to.as_str()), None),
        };
        sqlx::query(
            "INSERT INTO destinations (destination, state, moved_to, reason, updated_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (destination) DO UPDATE SET state = excluded.state,
                 moved_to = excluded.moved_to, reason = excluded.reason,
                 updated_ms = excluded.updated_ms",
        )
        .bind(destination)
        .bind(name)
        .bind(moved_to)
        .bind(reason)
        .bind(ms(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks every pending row of a destination dead (the chat is gone).
    pub async fn kill_destination_rows(
        &self,
        destination: &str,
        reason: &str,
    ) -> Result<u64, StoreError> {
        self.fenced_execute(
            sqlx::query("UPDATE outbox SET state = 'dead', last_error = $1 WHERE destination = $2 AND state = 'pending'")
                .bind(reason)
                .bind(destination),
        )
        .await
    }

    /// A short, stable reference to a Space (its row id), for buttons whose payload
    /// must stay under 64 bytes.
    pub async fn space_ref(
        &self,
        space: &crate::domain::SpaceId,
    ) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(space_ref_sql(self.backend)))
                .bind(space.key())
                .fetch_optional(&self.pool)
                .await?
                .map(|(id,)| id),
        )
    }

    pub async fn space_by_ref(
        &self,
        reference: i64,
    ) -> Result<Option<crate::domain::SpaceId>, StoreError> {
        Ok(sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(display_id, space_id) FROM spaces WHERE {} = $1",
            self.backend.row_ref()
        )))
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?
        .and_then(|(id,)| crate::domain::SpaceId::parse(&id).ok()))
    }
}

/// A Space's short reference (one text for the code and `tests/plans.rs`).
pub(super) fn space_ref_sql(backend: super::Backend) -> String {
    format!(
        "SELECT {} FROM spaces WHERE space_id = $1",
        backend.row_ref()
    )
}
