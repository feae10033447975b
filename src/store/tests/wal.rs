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
    // All of the pool's connections at once, so each is looked at.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(store.pool.acquire().await.unwrap());
    }
    for connection in &mut held {
        assert_eq!(pragma(connection, "journal_mode").await, "wal");
        assert_eq!(pragma(connection, "journal_size_limit").await, "16777216");
        assert_eq!(pragma(connection, "wal_autocheckpoint").await, "1000");
        // And a page cache of 512 KiB, not SQLite's 2 MB (the daemon's RSS, scale-rss).
        assert_eq!(pragma(connection, "cache_size").await, "-512");
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
