//! The Postgres server the replica tests use: `SPACEWARDEN_TEST_DATABASE_URL`
//! (`.ci/run` starts a throwaway cluster with `.ci/postgres` and sets it). Every test
//! gets a database of its own on it (`store::create_scratch_database`), so tests run
//! in parallel without seeing each other's rows; the cluster is thrown away whole.
//! Absent: skipped with a notice on a developer machine, a failure in CI (`CI=true`);
//! the rule is the store's own (`store::test_server_url`).

use spacewarden::store::{create_scratch_database, test_server_url};

pub use spacewarden::store::test_server as decide;

/// A new empty database of its own on the test server, or `None` (skipped).
pub async fn fresh_database() -> Option<String> {
    let server = test_server_url()?;
    Some(
        create_scratch_database(&server)
            .await
            .expect("create a scratch database"),
    )
}
