//! The store itself: which backend a URL selects, redaction, reaching the database,
//! the no-ops of one backend on the other (checkpoint, vacuum), write health, and
//! opening a migrated database again.

use crate::store::{Backend, Store, WriteStatus, redact};

#[test]
fn a_url_selects_its_backend_and_hides_its_password() {
    assert_eq!(Backend::of("postgres://u@h/db"), Backend::Postgres);
    assert_eq!(Backend::of("postgresql://u@h/db"), Backend::Postgres);
    assert_eq!(Backend::of("sqlite://data/spacewarden.db"), Backend::Sqlite);
    assert_eq!(Backend::of("sqlite::memory:"), Backend::Sqlite);
    assert_eq!(
        redact("postgres://u:hunter2@h:5432/db"),
        "postgres://u:***@h:5432/db"
    );
    assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
}

#[tokio::test]
async fn every_store_answers_and_says_what_it_is() {
    for store in crate::store::test_stores().await {
        assert_eq!(Backend::of(store.url()), store.backend());
        store.ping().await.unwrap();
        store.checkpoint().await.unwrap();
        store.vacuum().await.unwrap();
        assert_eq!(store.write_health().status(), WriteStatus::default());
        let tx = store.begin().await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.write_health().status(), WriteStatus::default());

        if store.backend() == Backend::Postgres {
            // A second replica opens the migrated database and sees the same rows.
            store.set_meta_once("k", "v").await.unwrap();
            let again = Store::connect(store.url()).await.unwrap();
            assert_eq!(again.meta("k").await.unwrap().as_deref(), Some("v"));
            again.close().await;
        }
        store.close().await;
        assert!(store.ping().await.is_err(), "closed");
    }
}
