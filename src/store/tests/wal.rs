//! SQLite's write-ahead log stays bounded (issue 25 item 7): every pooled connection
//! caps the log file it leaves behind (`journal_size_limit`) and keeps automatic
//! checkpoints on, and the hourly prune folds the whole log into the database even
//! after readers held snapshots that kept the automatic checkpoints from restarting it.
//! On a file: an in-memory database has no log.

use super::{at, minutes, obs};
use crate::domain::Verdict;
use crate::store::Store;

async fn file_store(dir: &tempfile::TempDir) -> (Store, std::path::PathBuf) {
    let path = dir.path().join("wal.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open a file store");
    (store, dir.path().join("wal.db-wal"))
}

async fn pragma(connection: &mut sqlx::AnyConnection, name: &str) -> String {
    use sqlx::Row;
    let sql = format!("PRAGMA {name}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(connection)
        .await
        .expect("read a pragma");
    row.try_get::<i64, _>(0)
        .map(|n| n.to_string())
        .or_else(|_| row.try_get::<String, _>(0))
        .expect("a pragma's value")
}

#[tokio::test]
async fn every_connection_bounds_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = file_store(&dir).await;
    // All of the connections at once (two readers, the writer), so each is looked at.
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(store.pool.acquire().await.unwrap());
    }
    held.push(store.writer.acquire().await.unwrap());
    for (n, connection) in held.iter_mut().enumerate() {
        assert_eq!(pragma(connection, "journal_mode").await, "wal");
        assert_eq!(pragma(connection, "journal_size_limit").await, "16777216");
        assert_eq!(pragma(connection, "wal_autocheckpoint").await, "1000");
        // And a page cache of 256 KiB per reader and 512 KiB for the writer, not
        // SQLite's 2 MB (the daemon's RSS, scale-rss and "one writer connection").
        let cache = if n < 2 { "-256" } else { "-512" };
        assert_eq!(pragma(connection, "cache_size").await, cache);
    }
}

/// Every transaction runs on the one writer connection, so a cycle's batch statements
/// are prepared and kept once (`Store::writer`). A TEMP table lives on the connection
/// that made it: every later transaction sees it.
#[tokio::test]
async fn every_transaction_runs_on_the_writer_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = file_store(&dir).await;
    let mut tx = store.begin().await.unwrap();
    sqlx::raw_sql("CREATE TEMP TABLE writer_mark (n INTEGER)")
        .execute(&mut *tx.tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for round in 0..6 {
        // Readers in between, as the page and the read model would be.
        store.ping().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let seen = sqlx::raw_sql("SELECT COUNT(*) FROM temp.writer_mark")
            .execute(&mut *tx.tx)
            .await;
        assert!(
            seen.is_ok(),
            "transaction {round} ran on another connection"
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn the_prune_empties_a_log_that_readers_let_grow() {
    let dir = tempfile::tempdir().unwrap();
    let (store, wal) = file_store(&dir).await;
    // A reader holds a snapshot while a few thousand checks are written: the automatic
    // checkpoints cannot restart the log behind it.
    let mut reader = store.pool.acquire().await.unwrap();
    sqlx::raw_sql("BEGIN; SELECT COUNT(*) FROM checks")
        .execute(&mut *reader)
        .await
        .unwrap();
    for batch in 0..20 {
        let observations: Vec<_> = (0..200)
            .map(|i| {
                let space = format!("owner{}/space-{i}", batch % 4);
                obs(&space, Verdict::Up, at(20, 0, 0) + minutes(batch))
            })
            .collect();
        store.record(&observations).await.unwrap();
    }
    sqlx::raw_sql("COMMIT").execute(&mut *reader).await.unwrap();
    drop(reader);
    let grown = std::fs::metadata(&wal).unwrap().len();
    assert!(grown > 1_000_000, "the log grew to {grown} bytes only");
    store
        .prune(at(1, 0, 0), at(1, 0, 0), at(1, 0, 0))
        .await
        .unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
}
