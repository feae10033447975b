//! `leader`: which replica acts when several share one Postgres database (DESIGN.md
//! "Replicas on Postgres"). A replica leads while it holds a session advisory lock on
//! a connection of its own (never a pooled one: the lock belongs to the session, and a
//! pool would hand that session to other work or close it). Winning the lock bumps the
//! epoch in the one `leader` row; every action and outbox write re-checks that epoch
//! in its transaction (`StoreTx::fence`), so a deposed leader cannot act.

use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::{Connection, PgConnection};

use super::{Store, StoreError};

/// The session advisory lock's key ("SWLD"). Any value works if every replica agrees.
const LEADER_LOCK: i64 = 0x5357_4C44;

/// The epoch this replica acts under: 0 while it does not lead.
#[derive(Debug, Default)]
pub struct Fence {
    epoch: AtomicI64,
}

impl Fence {
    pub fn epoch(&self) -> i64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn set(&self, epoch: i64) {
        self.epoch.store(epoch, Ordering::SeqCst);
    }
}

/// The leader row: who leads, since when, and its last heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeaderRow {
    pub epoch: i64,
    pub holder: String,
    pub since_ms: i64,
    pub heartbeat_ms: i64,
}

/// The dedicated connection that campaigns for, and then holds, leadership.
pub struct Leadership {
    connection: PgConnection,
}

impl Leadership {
    /// Opens the dedicated connection (Postgres only).
    pub async fn open(url: &str) -> Result<Leadership, StoreError> {
        let connection = PgConnection::connect(url)
            .await
            .map_err(StoreError::open(url))?;
        let mut leadership = Leadership { connection };
        // A leader cut off from the database without the socket closing (a network
        // partition) would keep the lock until the server's TCP keepalive noticed;
        // with this the server ends the silent session itself (Postgres 14 and later;
        // older servers ignore it). Leaders write a heartbeat every 2 s, followers try
        // the lock every second, so a live session is never idle this long.
        if let Err(e) = sqlx::raw_sql("SET idle_session_timeout = '10s'")
            .execute(&mut leadership.connection)
            .await
        {
            tracing::debug!(error = %e, "idle_session_timeout not set");
        }
        Ok(leadership)
    }

    /// Takes the lock if nobody holds it, and then the next epoch; `None` while
    /// another replica leads.
    pub async fn try_acquire(
        &mut self,
        holder: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let won: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LEADER_LOCK)
            .fetch_one(&mut self.connection)
            .await?;
        if !won {
            return Ok(None);
        }
        let epoch: i64 = sqlx::query_scalar(
            "UPDATE leader SET epoch = epoch + 1, holder = $1, since_ms = $2, heartbeat_ms = $2
             WHERE id = 1 RETURNING epoch",
        )
        .bind(holder)
        .bind(now_ms)
        .fetch_one(&mut self.connection)
        .await?;
        Ok(Some(epoch))
    }

    /// Notes that the leader is alive; `false` when the row names another epoch
    /// (leadership was taken over: this replica must stop acting).
    pub async fn heartbeat(&mut self, epoch: i64, now_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE leader SET heartbeat_ms = $1 WHERE id = 1 AND epoch = $2")
            .bind(now_ms)
            .bind(epoch)
            .execute(&mut self.connection)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends the session, which releases the lock.
    pub async fn close(self) {
        let _ = self.connection.close().await;
    }
}

impl Store {
    /// The leader row (Postgres); `None` on SQLite, where one process acts alone.
    pub async fn leader(&self) -> Result<Option<LeaderRow>, StoreError> {
        if self.backend == super::Backend::Sqlite {
            return Ok(None);
        }
        Ok(
            sqlx::query_as("SELECT epoch, holder, since_ms, heartbeat_ms FROM leader WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The URL this store was opened with (leadership opens its own connection).
    pub fn url(&self) -> &str {
        &self.url
    }
}
