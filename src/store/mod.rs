//! The store: SQLite through sqlx, migrations embedded from `migrations/`.
//! The only place with SQL. One file per table family; writes that must happen
//! together go through a `StoreTx`.

mod actions;
mod audit;
mod checks;
mod gaps;
mod incidents;
mod memo;
mod meta;
mod outbox;
mod platform;
mod sessions;
mod spaces;
mod stats;
mod uptime;
mod usage;

mod health;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};

pub use health::{WriteHealth, WriteStatus};

pub use actions::{ActionRow, NewAction};
pub use audit::{AuditEntry, AuditRow, ConfirmationRow, DestinationState};
pub use checks::CheckRow;
pub use gaps::{DayUptime, Gap, UNKNOWN_ABOVE};
pub use incidents::IncidentRow;
pub use outbox::OutboxRow;
pub use sessions::{Flash, SessionRow};
pub use spaces::SpaceState;
pub use stats::ActionCount;
pub use uptime::Uptime;
pub use usage::UsageRow;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    health: Arc<WriteHealth>,
    memos: Arc<memo::Memos>,
}

/// Writes that land together or not at all.
///
/// The transaction is driven by hand (`BEGIN IMMEDIATE` … `COMMIT`) on a pooled
/// connection, not with sqlx's `Transaction`: when SQLite rolls a transaction back by
/// itself (a full disk during `COMMIT`), sqlx's rollback on drop fails and leaves the
/// connection counting a transaction that no longer exists, and every later `begin`
/// on it failed with "attempted to call begin_with at non-zero transaction depth",
/// even after space was freed. Here a transaction that did not commit cleanly closes
/// its connection instead of returning it to the pool; the pool opens a fresh one.
pub struct StoreTx {
    tx: PoolConnection<Sqlite>,
    health: Arc<WriteHealth>,
    done: bool,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and applies migrations.
    /// `sqlite::memory:` gives a private in-memory database (tests).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            url: url.to_owned(),
            source,
        };
        let in_memory = url.contains(":memory:");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Lets pruning hand pages back to the file system (`PRAGMA incremental_vacuum`).
            .auto_vacuum(sqlx::sqlite::SqliteAutoVacuum::Incremental);
        if in_memory {
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
                .map_err(open_err)?;
            sqlx::migrate!("./migrations").run(&pool).await?;
            return Ok(Store::from_pool(pool));
        }
        // One connection first: it creates the file, switches it to WAL (which needs
        // the file to itself) and migrates. Only then the pool, whose connections are
        // all opened up front and kept, because a connection opened while another
        // holds the write lock runs its setup pragmas into SQLITE_BUSY.
        {
            use sqlx::Connection;
            let mut setup = sqlx::SqliteConnection::connect_with(&options)
                .await
                .map_err(open_err)?;
            migrate(&mut setup).await?;
            setup.close().await.map_err(open_err)?;
        }
        // SQLite has one writer; a few readers are plenty, and each connection is a
        // thread of its own.
        let pool = SqlitePoolOptions::new()
            .max_connections(3)
            .min_connections(3)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        Ok(Store::from_pool(pool))
    }

    fn from_pool(pool: SqlitePool) -> Store {
        Store {
            pool,
            health: Arc::new(WriteHealth::default()),
            memos: Arc::default(),
        }
    }

    /// Whether writes go through (`/readyz`, `/metrics`, the self-alerts).
    pub fn write_health(&self) -> &WriteHealth {
        &self.health
    }

    /// Answers when the database does (readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Folds the write-ahead log back into the database file (size measurements).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        let mut connection = self.pool.acquire().await?;
        // BEGIN IMMEDIATE: take the write lock up front so a read-then-write
        // transaction never fails halfway on a busy database.
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *connection)
            .await
        {
            connection.close_on_drop();
            self.health.failed(&e.to_string());
            return Err(e.into());
        }
        Ok(StoreTx {
            tx: connection,
            health: self.health.clone(),
            done: false,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Applies the embedded migrations. Two processes opening a new database at once
/// (the daemon and a `check` from cron) can race: the loser's migration fails on what
/// the winner just applied, and a second pass finds it applied and moves on.
async fn migrate(connection: &mut sqlx::SqliteConnection) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        match sqlx::migrate!("./migrations").run(&mut *connection).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "migration raced another process; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl StoreTx {
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.done = true;
        match sqlx::query("COMMIT").execute(&mut *self.tx).await {
            Ok(_) => {
                self.health.succeeded();
                Ok(())
            }
            Err(e) => {
                // SQLite may already have rolled back (SQLITE_FULL during COMMIT does);
                // try, then never hand this connection back to the pool.
                let _ = sqlx::query("ROLLBACK").execute(&mut *self.tx).await;
                self.tx.close_on_drop();
                self.health.failed(&e.to_string());
                Err(e.into())
            }
        }
    }
}

impl Drop for StoreTx {
    /// Dropped without a commit: a statement failed (or the task was cancelled).
    /// Closing the connection rolls the transaction back in SQLite; returning it to
    /// the pool could hand the open transaction to the next writer.
    fn drop(&mut self) {
        if !self.done {
            self.tx.close_on_drop();
            self.health.failed("a write transaction did not complete");
        }
    }
}

/// Milliseconds since the epoch, the store's time unit.
fn ms(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
