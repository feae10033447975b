//! Throwaway Postgres databases for tests and benchmarks: each test gets a database of
//! its own on the server `SPACEWARDEN_TEST_DATABASE_URL` names (`.ci/run` starts one).
//! The cluster is thrown away with its databases. Behind the `testkit` feature: not
//! in the shipped binary.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, PgConnection};

use super::StoreError;

/// The variable that names the test server: `postgres://user@host:port/db`.
pub const TEST_DATABASE_URL: &str = "SPACEWARDEN_TEST_DATABASE_URL";

/// Creates an empty database on the server of `server_url` and returns its URL.
pub async fn create_scratch_database(server_url: &str) -> Result<String, StoreError> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let open_err = StoreError::open(server_url);
    let mut url =
        url::Url::parse(server_url).map_err(|e| open_err(sqlx::Error::Configuration(e.into())))?;
    let mut salt = [0u8; 4];
    getrandom::fill(&mut salt)
        .map_err(|e| open_err(sqlx::Error::Configuration(e.to_string().into())))?;
    let name = format!(
        "sw_test_{}_{}_{:08x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        u32::from_le_bytes(salt)
    );
    let mut server = PgConnection::connect(server_url).await.map_err(open_err)?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut server)
        .await?;
    let _ = server.close().await;
    url.set_path(&name);
    Ok(url.to_string())
}

/// The test server from `SPACEWARDEN_TEST_DATABASE_URL`, for the tests' Postgres half.
/// Without it that half is skipped with a notice, except in CI (`CI=true`), where that
/// is a failure.
pub fn test_server_url() -> Option<String> {
    test_server(
        std::env::var(TEST_DATABASE_URL).ok(),
        std::env::var("CI").is_ok_and(|v| v == "true"),
    )
}

/// `test_server_url` without the environment, so the rule itself is testable. An
/// empty value counts as absent.
pub fn test_server(url: Option<String>, in_ci: bool) -> Option<String> {
    match url.filter(|u| !u.trim().is_empty()) {
        Some(url) => Some(url),
        None if in_ci => {
            panic!("{TEST_DATABASE_URL} is not set: .ci/run starts a Postgres cluster and sets it")
        }
        None => {
            eprintln!("skipping the Postgres half: {TEST_DATABASE_URL} is not set");
            None
        }
    }
}

/// The stores a backend-agnostic test runs on: SQLite in memory, and a fresh Postgres
/// database on the test server (`test_server_url`).
#[cfg(test)]
pub(crate) async fn test_stores() -> Vec<super::Store> {
    let mut stores = vec![
        super::Store::connect("sqlite::memory:")
            .await
            .expect("open sqlite"),
    ];
    if let Some(server) = test_server_url() {
        let url = create_scratch_database(&server)
            .await
            .expect("create a scratch database");
        stores.push(super::Store::connect(&url).await.expect("open postgres"));
    }
    stores
}
