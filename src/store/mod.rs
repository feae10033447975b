//! The store: SQLite (the default) or Postgres (`DATABASE_URL=postgres://…`, for
//! replicas) through sqlx's `Any` driver, migrations embedded from `migrations/sqlite/`
//! and `migrations/postgres/`. The only place with SQL. One file per table family;
//! writes that must happen together go through a `StoreTx`.
//!
//! The SQL is one text for both backends: `$N` parameters (SQLite reads them too), a
//! `ON CONFLICT` upserts, integers for flags. Every column keyed by a Space holds its
//! canonical id (`SpaceId::key`, lowercase): lookups are plain equalities on the key, and
//! `spaces.display_id` keeps the spelling for JSON and pages (migrations/sqlite/0015).
//! What differs (the transaction's opening, the file-only pragmas, a JSON list) is in
//! `Backend`. A nullable float is bound as a value and a flag (`nullable_real`), never
//! as an `Option<f64>`, which the Any driver mistypes on Postgres.

mod actions;
mod aggregates;
mod audit;
mod chat_lang;
mod checks;
mod cycle;
mod gaps;
mod incidents;
mod meta;
mod outbox;
mod platform;
mod sessions;
mod space_writes;
mod spaces;
mod stats;
mod touched;
mod uptime;
mod usage;
mod words;

mod flag;
mod health;
mod leader;
mod requests;
#[cfg(any(test, feature = "testkit"))]
mod scratch;
#[cfg(test)]
mod tests;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Any, AnyPool};

use flag::{Flag, MaybeFlag};
pub use health::{WriteHealth, WriteStatus};

pub use actions::{ActionRow, NewAction};
pub use aggregates::{BarFrame, Mark, Rollup, RollupRead, UptimeWindows, UsageCell};
pub use audit::{AuditEntry, AuditRow, ConfirmationRow, DestinationState};
pub use checks::CheckRow;
pub use gaps::DayRow;
pub use gaps::{DayUptime, Gap, UNKNOWN_ABOVE};
pub use incidents::IncidentRow;
pub use leader::{Fence, LeaderRow, Leadership};
pub use outbox::OutboxRow;
pub use requests::RequestRow;
#[cfg(test)]
pub(crate) use scratch::test_stores;
#[cfg(any(test, feature = "testkit"))]
pub use scratch::{TEST_DATABASE_URL, create_scratch_database, test_server, test_server_url};
pub use sessions::{Flash, SessionRow};
pub use space_writes::Drift;
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
    /// An action or alert write by a replica that no longer leads (replicas only).
    #[error("this replica is not the leader (epoch {held}, the database says {current})")]
    NotLeader { held: i64, current: i64 },
}

impl StoreError {
    /// What `map_err` turns a failure to open `url` into (its password redacted).
    fn open(url: &str) -> impl Fn(sqlx::Error) -> StoreError + Copy + '_ {
        move |source| StoreError::Open {
            url: redact(url),
            source,
        }
    }
}

/// Which database the store talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// What a `DATABASE_URL` selects: `postgres://` or `postgresql://`, else SQLite.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The integers of a JSON array bound as parameter `param`, as a subquery's rows.
    fn json_ints(self, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each({param})"),
            Backend::Postgres => format!(
                "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST({param} AS jsonb))"
            ),
        }
    }

    /// The column that gives each Space a short stable number.
    fn row_ref(self) -> &'static str {
        match self {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "row_ref",
        }
    }
}

/// Postgres: every write transaction takes this transaction-scoped advisory lock first,
/// so writers queue as they do behind SQLite's `BEGIN IMMEDIATE` (a read-then-write
/// never interleaves with another replica's).
const WRITE_LOCK: i64 = 0x5357_5752; // "SWWR"

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where transactions (`begin`) run. On a SQLite file, a pool of its own of one
    /// connection: SQLite has one writer anyway, and a cycle's batch statements (about
    /// 0.8 MB of prepared statements, which sqlx keeps per connection) are then kept
    /// once instead of on every connection (BENCHMARKS.md, "one writer connection").
    /// Elsewhere the same pool as `pool`.
    writer: AnyPool,
    backend: Backend,
    url: Arc<str>,
    health: Arc<WriteHealth>,
    /// The Spaces written since the read model last looked (`touched.rs`).
    touched: Arc<touched::Touched>,
    /// Set on a daemon that takes part in leadership (Postgres): action and outbox
    /// writes then re-check the leader epoch in their transaction.
    fence: Option<Arc<Fence>>,
    /// A SQLite file database as opened, to notice it deleted or replaced.
    file: Option<Arc<health::OpenFile>>,
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
    tx: PoolConnection<Any>,
    health: Arc<WriteHealth>,
    fence: Option<Arc<Fence>>,
    /// Keys of the Spaces written, handed to `Store::take_touched` at the commit.
    touched: Vec<String>,
    touched_log: Arc<touched::Touched>,
    done: bool,
    /// The fence refused this transaction: it may never commit, and its rollback is
    /// no write failure (the store is fine; this replica stopped leading).
    fenced_out: bool,
}

impl Store {
    /// Opens the database at `url` and applies migrations: SQLite (created if
    /// needed; `sqlite::memory:` gives a private in-memory database for tests) or
    /// Postgres (`postgres://…`).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        match Backend::of(url) {
            Backend::Sqlite => Store::connect_sqlite(url).await,
            Backend::Postgres => Store::connect_postgres(url).await,
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Store, StoreError> {
        let open_err = StoreError::open(url);
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
        // The Any driver opens its connections from the URL alone, so the pragmas the
        // options carry are set again on each (busy_timeout first). WAL and
        // auto_vacuum live in the file; an in-memory database gets them here.
        let any = AnyConnectOptions::from_str(url).map_err(open_err)?;
        // The WAL's bounds (issue 25 item 7; per connection, so set on each): checkpoint
        // every ~4 MB of log, and cut the file back to `journal_size_limit` when the log
        // restarts, instead of keeping its largest size for good. A page cache of
        // 512 KiB for the writer and 256 KiB for each reader instead of SQLite's 2 MB:
        // the OS caches the file anyway, and three connections' caches would otherwise
        // grow to 6 MB of heap once the file outgrows them (BENCHMARKS.md, scale-rss;
        // the readers' halved with "one writer connection").
        macro_rules! on_file {
            ($cache_kib:literal) => {
                concat!(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; ",
                    "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 1000; ",
                    "PRAGMA journal_size_limit = 16777216; PRAGMA cache_size = -",
                    $cache_kib
                )
            };
        }
        const WRITER: &str = on_file!("512");
        const READER: &str = on_file!("256");
        const IN_MEMORY: &str = "PRAGMA busy_timeout = 5000; PRAGMA auto_vacuum = INCREMENTAL; \
             PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL";
        let pool_options = |n: u32, pragmas: &'static str| {
            AnyPoolOptions::new()
                .max_connections(n)
                .min_connections(n)
                .idle_timeout(None)
                .max_lifetime(None)
                .after_connect(move |connection, _| {
                    Box::pin(async move {
                        sqlx::raw_sql(pragmas).execute(&mut *connection).await?;
                        Ok(())
                    })
                })
        };
        if in_memory {
            let pool = pool_options(1, IN_MEMORY)
                .connect_with(any)
                .await
                .map_err(open_err)?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            return Ok(Store::from_pool(pool.clone(), pool, Backend::Sqlite, url));
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
            migrate(async || sqlx::migrate!("./migrations/sqlite").run(&mut setup).await).await?;
            setup.close().await.map_err(open_err)?;
        }
        // SQLite has one writer, which gets a connection to itself (`Store::writer`);
        // two readers beside it are plenty, and each connection is a thread of its own.
        // A transaction waits for the writer's connection in the pool's queue, where it
        // used to wait for the file's write lock in `BEGIN IMMEDIATE`.
        // Waiting there is the normal queue, not a slow pool: sqlx warns only past 30 s.
        let writer = pool_options(1, WRITER)
            .acquire_timeout(Duration::from_secs(30))
            .acquire_slow_threshold(Duration::from_secs(30))
            .connect_with(any.clone())
            .await
            .map_err(open_err)?;
        let pool = pool_options(2, READER)
            .connect_with(any)
            .await
            .map_err(open_err)?;
        let mut store = Store::from_pool(pool, writer, Backend::Sqlite, url);
        // Opened after the pool, so it is the file the pool's connections write to.
        match health::OpenFile::open(options.get_filename()) {
            Ok(file) => store.file = Some(Arc::new(file)),
            Err(e) => tracing::warn!(error = %e, "cannot watch the database file"),
        }
        Ok(store)
    }

    async fn connect_postgres(url: &str) -> Result<Store, StoreError> {
        // A replica's pool: a handful is plenty (one writer at a time, a few page
        // readers); leadership holds one more connection of its own.
        let pool = AnyPoolOptions::new()
            .max_connections(5)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(StoreError::open(url))?;
        migrate(async || sqlx::migrate!("./migrations/postgres").run(&pool).await).await?;
        Ok(Store::from_pool(pool.clone(), pool, Backend::Postgres, url))
    }

    fn from_pool(pool: AnyPool, writer: AnyPool, backend: Backend, url: &str) -> Store {
        Store {
            pool,
            writer,
            backend,
            url: url.into(),
            health: Arc::new(WriteHealth::default()),
            touched: Arc::default(),
            fence: None,
            file: None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Makes action and outbox writes re-check the leader epoch (a daemon on Postgres).
    pub fn fenced(mut self, fence: Arc<Fence>) -> Store {
        self.fence = Some(fence);
        self
    }

    /// Whether writes go through (`/readyz`, `/metrics`, the self-alerts).
    pub fn write_health(&self) -> &WriteHealth {
        &self.health
    }

    /// Looks whether the SQLite database file is still the one open (deleted or
    /// replaced, writes are lost): the outcome shows in `write_health`. Nothing to
    /// look at on Postgres or in memory.
    pub fn look_at_file(&self) {
        if let Some(file) = &self.file {
            file.look(&self.health);
        }
    }

    /// Answers when the database does (readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Folds the write-ahead log back into the database file (size measurements).
    /// Nothing to do on Postgres.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.fold_wal().await
    }

    /// Folds the whole write-ahead log into the database and empties it. The automatic
    /// checkpoints are passive: while readers (the page, `/metrics`) keep old snapshots
    /// open they cannot restart the log, which then only grows (5 → 14 MB in 15 cycles
    /// at 10,000 Spaces, 120 MB with history). This one waits for those readers (the
    /// busy timeout) so the next write starts the log from the beginning; housekeeping
    /// runs it after each prune. Nothing to do on Postgres.
    pub(crate) async fn fold_wal(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            return Ok(());
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        let mut connection = self.writer.acquire().await?;
        // SQLite: BEGIN IMMEDIATE takes the write lock up front so a read-then-write
        // transaction never fails halfway on a busy database. Postgres: the same
        // queue, through a transaction-scoped advisory lock.
        let opened = match self.backend {
            Backend::Sqlite => sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut *connection)
                .await
                .map(drop),
            Backend::Postgres => sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
            )))
            .execute(&mut *connection)
            .await
            .map(drop),
        };
        if let Err(e) = opened {
            connection.close_on_drop();
            self.health.failed(&e.to_string());
            return Err(e.into());
        }
        Ok(StoreTx {
            tx: connection,
            health: self.health.clone(),
            fence: self.fence.clone(),
            touched: Vec::new(),
            touched_log: self.touched.clone(),
            done: false,
            fenced_out: false,
        })
    }

    /// One action or outbox write in its own transaction, under the leader fence.
    async fn fenced_execute(
        &self,
        query: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        tx.fence().await?;
        let done = query.execute(&mut *tx.tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// Applies the embedded migrations (`run`). Two processes opening a new database at
/// once (the daemon and a `check` from cron, or two replicas) can race: the loser's
/// migration fails on what the winner just applied, and a second pass finds it applied
/// and moves on.
async fn migrate(
    mut run: impl AsyncFnMut() -> Result<(), sqlx::migrate::MigrateError>,
) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        match run().await {
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
    /// Re-checks, inside this transaction, that this replica still leads: before an
    /// action row or an outbox row is written. The leader row is read `FOR SHARE`, so
    /// a takeover's epoch bump waits for this transaction and a deposed leader's
    /// write fails. Nothing to check where no fence is set (SQLite, one-shot runs).
    pub(crate) async fn fence(&mut self) -> Result<(), StoreError> {
        let Some(fence) = self.fence.clone() else {
            return Ok(());
        };
        let held = fence.epoch();
        let current: Option<i64> =
            sqlx::query_scalar("SELECT epoch FROM leader WHERE id = 1 FOR SHARE")
                .fetch_optional(&mut *self.tx)
                .await?;
        let current = current.unwrap_or(-1);
        if held < 1 || current != held {
            self.fenced_out = true;
            return Err(StoreError::NotLeader { held, current });
        }
        Ok(())
    }

    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.fenced_out {
            // Dropped: the connection closes and the transaction rolls back.
            return Err(StoreError::NotLeader {
                held: self.fence.as_ref().map_or(0, |f| f.epoch()),
                current: -1,
            });
        }
        self.done = true;
        match sqlx::raw_sql("COMMIT").execute(&mut *self.tx).await {
            Ok(_) => {
                self.health.succeeded();
                self.touched_log.add(std::mem::take(&mut self.touched));
                Ok(())
            }
            Err(e) => {
                // SQLite may already have rolled back (SQLITE_FULL during COMMIT does);
                // try, then never hand this connection back to the pool.
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *self.tx).await;
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
    /// A transaction the fence refused is no write failure.
    fn drop(&mut self) {
        if !self.done {
            self.tx.close_on_drop();
            if !self.fenced_out {
                self.health.failed("a write transaction did not complete");
            }
        }
    }
}

/// Milliseconds since the epoch, the store's time unit.
fn ms(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

/// A nullable float as the store binds it: the value (0 when absent) and a 0/1 flag,
/// for `CASE WHEN $flag <> 0 THEN $value END`. Never bind an `Option<f64>`: sqlx
/// 0.9's Any driver hands Postgres a NULL `f64` as a 4-byte `real` (its
/// `AnyArguments::convert_into` swaps the NULL mappings of `Real` and `Double`), the
/// statement it prepares and caches on that connection keeps `real` for the
/// parameter, and the next execution with an 8-byte value fails with "incorrect binary
/// data format in bind parameter N" (issue 19: no check was ever stored). A float that
/// is always bound has one type on every execution, whatever sqlx does with NULLs.
fn nullable_real(value: Option<f64>) -> (f64, i64) {
    (value.unwrap_or(0.0), i64::from(value.is_some()))
}

fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A database URL fit for errors and logs: the password replaced.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
