//! The case merge of migrations sqlite 0015 / postgres 0007 (issue 25), on both
//! backends: a database migrated up to the version before, rows under two spellings of
//! one Space written into it, then the store opened (which applies the merge).

use sqlx::{Connection, Row};

use super::{at, id, obs};
use crate::domain::Verdict;
use crate::store::Store;

/// Rows that differ only by case: `Alice/App` was checked last (2000), `alice/app`
/// before (1000), so `Alice/App` wins. `Bob/X` has no twin; `Owner/*` is an unlisted
/// owner's label.
const FIXTURE: &str = "
INSERT INTO spaces (space_id, owner, first_seen_ms, last_check_ms, verdict, verdict_since_ms,
                    muted_until_ms, incident_id)
VALUES ('Alice/App', 'Alice', 100, 2000, 'down', 1500, NULL, 8),
       ('alice/app', 'alice', 50, 1000, 'down', 900, 9000, 7),
       ('Bob/X', 'Bob', 10, 10, 'up', 10, NULL, NULL);
INSERT INTO checks (space_id, at_ms, verdict) VALUES
       ('Alice/App', 2000, 'down'), ('alice/app', 2000, 'up'), ('alice/app', 1000, 'down'),
       ('Owner/*', 500, 'unreachable');
INSERT INTO rollup_hourly (space_id, bucket_ms, up, counted, total, latency_sum, latency_n) VALUES
       ('Alice/App', 0, 1, 1, 1, 10.0, 1), ('alice/app', 0, 0, 1, 2, 0.0, 0),
       ('alice/app', 3600000, 1, 1, 1, 5.0, 1);
INSERT INTO rollup_daily (space_id, bucket_ms, up, counted, total, latency_sum, latency_n) VALUES
       ('Alice/App', 0, 1, 1, 1, 10.0, 1), ('alice/app', 0, 2, 2, 2, 4.0, 2);
INSERT INTO usage_hourly (space_id, bucket_ms, hardware, billed_ms) VALUES
       ('Alice/App', 0, 'cpu-basic', 3000000), ('alice/app', 0, 'cpu-basic', 1000000),
       ('alice/app', 0, 't4-small', 5);
INSERT INTO incidents (id, space_id, opened_ms, closed_ms, verdict) VALUES
       (7, 'alice/app', 900, NULL, 'down'), (8, 'Alice/App', 1500, NULL, 'down'),
       (6, 'ALICE/APP', 10, 20, 'down');
INSERT INTO actions (space_id, kind, trigger, actor, state, started_ms) VALUES
       ('alice/app', 'restart', 'auto', 'spacewarden', 'done', 950);
";

/// A database at the version before the merge with `FIXTURE` in it, on each backend.
async fn premerge_urls(dir: &std::path::Path) -> Vec<String> {
    let sqlite = format!("sqlite://{}?mode=rwc", dir.join("merge.db").display());
    let mut connection = sqlx::SqliteConnection::connect(&sqlite)
        .await
        .expect("sqlite");
    sqlx::migrate!("./migrations/sqlite")
        .run_to(14, &mut connection)
        .await
        .expect("migrate to 0014");
    sqlx::raw_sql(FIXTURE)
        .execute(&mut connection)
        .await
        .expect("fixture");
    connection.close().await.expect("close");
    let mut urls = vec![sqlite];
    if let Some(server) = crate::store::test_server_url() {
        let url = crate::store::create_scratch_database(&server)
            .await
            .expect("scratch");
        let mut connection = sqlx::PgConnection::connect(&url).await.expect("postgres");
        sqlx::migrate!("./migrations/postgres")
            .run_to(6, &mut connection)
            .await
            .expect("migrate to 0006");
        sqlx::raw_sql(FIXTURE)
            .execute(&mut connection)
            .await
            .expect("fixture");
        connection.close().await.expect("close");
        urls.push(url);
    }
    urls
}

async fn rows(store: &Store, sql: &'static str) -> Vec<String> {
    sqlx::query(sql)
        .fetch_all(&store.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| match row.try_get::<Option<String>, _>(i) {
                    Ok(text) => text.unwrap_or_else(|| "-".into()),
                    Err(_) => match row.try_get::<Option<i64>, _>(i) {
                        Ok(n) => n.map_or_else(|| "-".into(), |n| n.to_string()),
                        Err(_) => format!("{}", row.get::<f64, _>(i)),
                    },
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test]
async fn rows_that_differ_by_case_merge_into_the_newest() {
    let dir = tempfile::tempdir().expect("temp dir");
    for url in premerge_urls(dir.path()).await {
        let store = Store::connect(&url).await.expect("open and merge");
        let backend = store.backend();
        // The winner's row stays (its mute, streaks, incident), the loser's is gone.
        assert_eq!(
            rows(&store, "SELECT space_id, display_id, owner, muted_until_ms, incident_id FROM spaces ORDER BY space_id").await,
            ["alice/app Alice/App alice - 8", "bob/x Bob/X bob - -"],
            "{backend:?}"
        );
        let state = store.space_state(&id("ALICE/APP")).await.unwrap().unwrap();
        assert_eq!(state.space.to_string(), "Alice/App", "{backend:?}");
        // Raw checks: the loser's check at the winner's instant is dropped.
        assert_eq!(
            rows(
                &store,
                "SELECT space_id, at_ms, verdict FROM checks ORDER BY space_id, at_ms"
            )
            .await,
            [
                "alice/app 1000 down",
                "alice/app 2000 down",
                "owner/* 500 unreachable"
            ],
            "{backend:?}"
        );
        // Roll-ups of one bucket are summed.
        assert_eq!(
            rows(&store, "SELECT space_id, bucket_ms, up, counted, total, latency_n FROM rollup_hourly ORDER BY bucket_ms").await,
            ["alice/app 0 1 2 3 1", "alice/app 3600000 1 1 1 1"],
            "{backend:?}"
        );
        assert_eq!(
            rows(
                &store,
                "SELECT space_id, up, counted, total, latency_n FROM rollup_daily"
            )
            .await,
            ["alice/app 3 3 3 3"],
            "{backend:?}"
        );
        // Billed time of one hour and flavor is summed, at most the hour.
        assert_eq!(
            rows(
                &store,
                "SELECT space_id, hardware, billed_ms FROM usage_hourly ORDER BY hardware"
            )
            .await,
            ["alice/app cpu-basic 3600000", "alice/app t4-small 5"],
            "{backend:?}"
        );
        // Every incident kept; the loser's open one closed as merged at the winner's
        // last check, so one stays open.
        assert_eq!(
            rows(
                &store,
                "SELECT id, space_id, closed_ms, resolution FROM incidents ORDER BY id"
            )
            .await,
            [
                "6 alice/app 20 -",
                "7 alice/app 2000 merged",
                "8 alice/app - -"
            ],
            "{backend:?}"
        );
        assert_eq!(
            rows(&store, "SELECT space_id, kind FROM actions").await,
            ["alice/app restart"],
            "{backend:?}"
        );
        let history = store.incidents(&id("alice/APP"), 10).await.unwrap();
        assert_eq!(history.len(), 3, "{backend:?}");
        assert!(
            history.iter().all(|i| i.space_id == "Alice/App"),
            "{backend:?}"
        );
    }
}

/// `display_id` is written by every upsert (the newest spelling) and read as the key
/// when NULL, on both backends.
#[tokio::test]
async fn the_display_form_follows_the_newest_spelling() {
    for store in crate::store::test_stores().await {
        let backend = store.backend();
        let t0 = at(22, 10, 0);
        store
            .record(&[obs("Alice/App", Verdict::Up, t0)])
            .await
            .unwrap();
        store
            .record(&[obs(
                "alice/APP",
                Verdict::Up,
                t0 + chrono::Duration::minutes(5),
            )])
            .await
            .unwrap();
        let states = store.space_states().await.unwrap();
        let ids: Vec<String> = states.iter().map(|s| s.space.to_string()).collect();
        assert_eq!(
            ids,
            ["alice/APP"],
            "{backend:?}: one Space, spelled as last seen"
        );
        assert_eq!(
            rows(&store, "SELECT space_id, display_id FROM spaces").await,
            ["alice/app alice/APP"],
            "{backend:?}"
        );
        assert_eq!(store.recent_checks("ALICE/app", 9).await.unwrap().len(), 2);

        sqlx::query("UPDATE spaces SET display_id = NULL")
            .execute(&store.pool)
            .await
            .unwrap();
        let state = store.space_state(&id("Alice/App")).await.unwrap().unwrap();
        assert_eq!(
            state.space.to_string(),
            "alice/app",
            "{backend:?}: NULL reads as the key"
        );
    }
}

/// A cycle that holds one Space twice (two spellings) is cut into batches that hold it
/// once each, in order: both checks stored, the later one the Space's state.
#[tokio::test]
async fn one_space_twice_in_a_cycle_is_stored_in_order() {
    for store in crate::store::test_stores().await {
        let backend = store.backend();
        let t0 = at(22, 10, 0);
        store
            .record(&[
                obs("alice/app", Verdict::Up, t0),
                obs("bob/x", Verdict::Up, t0),
                obs(
                    "Alice/App",
                    Verdict::Down,
                    t0 + chrono::Duration::minutes(5),
                ),
            ])
            .await
            .unwrap();
        let checks = store.recent_checks("alice/app", 9).await.unwrap();
        let verdicts: Vec<&str> = checks.iter().map(|c| c.verdict.as_str()).collect();
        assert_eq!(verdicts, ["down", "up"], "{backend:?}");
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.verdict, Verdict::Down, "{backend:?}");
        assert_eq!(state.space.to_string(), "Alice/App", "{backend:?}");
        assert_eq!(
            rows(
                &store,
                "SELECT space_id, total FROM rollup_hourly ORDER BY space_id"
            )
            .await,
            ["alice/app 2", "bob/x 1"],
            "{backend:?}"
        );
        // The second check bills the five minutes since the first, stored in this call.
        assert_eq!(
            rows(&store, "SELECT space_id, billed_ms FROM usage_hourly").await,
            ["alice/app 300000"],
            "{backend:?}"
        );
    }
}
