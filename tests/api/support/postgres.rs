//! The Postgres server the replica tests use: `SPACEWARDEN_TEST_DATABASE_URL`
//! (`.ci/run` starts a throwaway cluster and sets it). Absent: skipped with a notice on
//! a developer machine, a failure in CI (`CI=true`).

use spacewarden::store::{TEST_DATABASE_URL, create_scratch_database};

pub fn server_url() -> Option<String> {
    match std::env::var(TEST_DATABASE_URL) {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{TEST_DATABASE_URL} is not set: .ci/run starts a Postgres cluster and sets it")
        }
        Err(_) => {
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
