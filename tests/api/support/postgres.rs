//! The Postgres server the replica tests use: `SPACEWARDEN_TEST_DATABASE_URL`
//! (`.ci/run` starts a throwaway cluster with `.ci/postgres` and sets it). Every test
//! gets a database of its own on it (`store::create_scratch_database`), so tests run
//! in parallel without seeing each other's rows; the cluster is thrown away whole.
//! Absent: skipped with a notice on a developer machine, a failure in CI (`CI=true`).

use spacewarden::store::{TEST_DATABASE_URL, create_scratch_database};

pub fn server_url() -> Option<String> {
    decide(
        std::env::var(TEST_DATABASE_URL).ok(),
        std::env::var("CI").is_ok_and(|v| v == "true"),
    )
}

/// `server_url` without the environment, so the rule itself is testable.
pub fn decide(url: Option<String>, in_ci: bool) -> Option<String> {
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

/// A new empty database of its own on the test server, or `None` (skipped).
pub async fn fresh_database() -> Option<String> {
    let server = server_url()?;
    Some(
        create_scratch_database(&server)
            .await
            .expect("create a scratch database"),
    )
}
