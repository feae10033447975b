//! The Postgres test support itself (`support/postgres.rs`): when a server is given,
//! two fresh databases are distinct, empty and accept a connection, and the cluster
//! can create the case-insensitive ICU collation the Postgres migrations rely on; the
//! skip-or-fail rule for a missing `SPACEWARDEN_TEST_DATABASE_URL` holds.

use sqlx::{Connection, PgConnection};

use crate::support::postgres::{decide, fresh_database};

#[tokio::test]
async fn fresh_databases_are_distinct_and_accept_connections() {
    let Some(first) = fresh_database().await else {
        return;
    };
    let second = fresh_database().await.expect("the server is still there");
    assert_ne!(first, second);
    for url in [&first, &second] {
        let expected = url.rsplit('/').next().unwrap_or_default();
        assert!(expected.starts_with("sw_test_"), "{url}");
        let mut connection = PgConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {expected}: {e}"));
        let (name, tables): (String, i64) = sqlx::query_as(
            "SELECT current_database()::text, \
             (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')",
        )
        .fetch_one(&mut connection)
        .await
        .expect("ask the database its name");
        assert_eq!(name, expected);
        assert_eq!(tables, 0, "{name} is not empty");
        sqlx::raw_sql(
            "CREATE COLLATION nocase \
             (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
        )
        .execute(&mut connection)
        .await
        .expect("the cluster must support ICU collations (.ci/postgres)");
        connection.close().await.ok();
    }
}

#[test]
fn a_given_url_is_used() {
    let url = "postgres://postgres@127.0.0.1:5999/postgres".to_owned();
    assert_eq!(decide(Some(url.clone()), true), Some(url.clone()));
    assert_eq!(decide(Some(url.clone()), false), Some(url));
}

#[test]
fn without_a_url_a_developer_skips() {
    assert_eq!(decide(None, false), None);
    assert_eq!(decide(Some(" ".into()), false), None);
}

#[test]
#[should_panic(
    expected = "SPACEWARDEN_TEST_DATABASE_URL is not set: .ci/run starts a Postgres cluster"
)]
fn without_a_url_ci_fails() {
    decide(None, true);
}
