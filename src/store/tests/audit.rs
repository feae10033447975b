//! `audit` (the `allowed` flag as a bool), `confirmations` (used once) and `meta`
//! (set once per value, an upsert with a condition).

use super::{at, minutes};
use crate::store::{AuditEntry, ConfirmationRow};

#[tokio::test]
async fn the_audit_log_reads_newest_first_with_its_flag() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        assert!(store.audit_log(10).await.unwrap().is_empty());
        let entry = |command, allowed, chat_id| AuditEntry {
            at: t0,
            platform: "telegram",
            user_id: "7",
            chat_id,
            command,
            allowed,
            outcome: if allowed { "ok" } else { "refused" },
        };
        store
            .audit(&entry("/restart alice/app", true, Some("-100")))
            .await
            .unwrap();
        store
            .audit(&entry("/rebuild alice/app", false, None))
            .await
            .unwrap();
        let mut api = entry("/pause bob/x", true, None);
        api.platform = "api";
        api.at = t0 + minutes(1);
        store.audit(&api).await.unwrap();

        let log = store.audit_log(10).await.unwrap();
        let commands: Vec<(&str, bool)> = log
            .iter()
            .map(|r| (r.command.as_str(), r.allowed))
            .collect();
        assert_eq!(
            commands,
            [
                ("/pause bob/x", true),
                ("/rebuild alice/app", false),
                ("/restart alice/app", true)
            ]
        );
        assert!(log[0].id > log[1].id && log[1].id > log[2].id);
        assert_eq!(
            (log[0].platform.as_str(), log[0].at_ms),
            ("api", (t0 + minutes(1)).timestamp_millis())
        );
        assert_eq!(
            (log[1].outcome.as_deref(), log[1].chat_id.clone()),
            (Some("refused"), None)
        );
        assert_eq!(
            (log[2].user_id.as_str(), log[2].chat_id.as_deref()),
            ("7", Some("-100"))
        );
        assert_eq!(store.audit_log(1).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_confirmation_is_used_once() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let row = ConfirmationRow {
            token: "tok-1".into(),
            kind: "rebuild".into(),
            space_id: "alice/app".into(),
            platform: "telegram".into(),
            user_id: "7".into(),
            created_ms: t0.timestamp_millis(),
            expires_ms: (t0 + minutes(5)).timestamp_millis(),
            used_ms: None,
        };
        store.create_confirmation(&row).await.unwrap();
        assert!(
            store.create_confirmation(&row).await.is_err(),
            "tokens are unique"
        );
        let stored = store.confirmation("tok-1").await.unwrap().unwrap();
        assert_eq!(
            (stored.kind.as_str(), stored.space_id.as_str()),
            ("rebuild", "alice/app")
        );
        assert_eq!((stored.expires(), stored.used_ms), (t0 + minutes(5), None));
        assert!(store.confirmation("tok-2").await.unwrap().is_none());

        assert!(
            store
                .use_confirmation("tok-1", t0 + minutes(1))
                .await
                .unwrap()
        );
        assert!(
            !store
                .use_confirmation("tok-1", t0 + minutes(2))
                .await
                .unwrap(),
            "a second press"
        );
        assert!(!store.use_confirmation("tok-2", t0).await.unwrap());
        let used = store.confirmation("tok-1").await.unwrap().unwrap();
        assert_eq!(used.used_ms, Some((t0 + minutes(1)).timestamp_millis()));
    }
}

#[tokio::test]
async fn meta_changes_only_to_a_new_value() {
    for store in crate::store::test_stores().await {
        assert_eq!(store.meta("savings_day").await.unwrap(), None);
        assert!(
            store
                .set_meta_once("savings_day", "2026-11-22")
                .await
                .unwrap()
        );
        assert!(
            !store
                .set_meta_once("savings_day", "2026-11-22")
                .await
                .unwrap(),
            "the same value"
        );
        assert_eq!(
            store.meta("savings_day").await.unwrap().as_deref(),
            Some("2026-11-22")
        );
        assert!(
            store
                .set_meta_once("savings_day", "2026-11-23")
                .await
                .unwrap()
        );
        assert_eq!(
            store.meta("savings_day").await.unwrap().as_deref(),
            Some("2026-11-23")
        );
        assert!(store.set_meta_once("other", "2026-11-22").await.unwrap());
        assert_eq!(
            store.meta("savings_day").await.unwrap().as_deref(),
            Some("2026-11-23")
        );
    }
}

#[tokio::test]
async fn of_two_racing_writers_one_wins() {
    for store in crate::store::test_stores().await {
        // Postgres runs these side by side on two pooled connections; SQLite one at a time.
        let (a, b) = tokio::join!(
            store.set_meta_once("savings_day", "2026-11-22"),
            store.set_meta_once("savings_day", "2026-11-22"),
        );
        assert_eq!(
            [a.unwrap(), b.unwrap()].iter().filter(|won| **won).count(),
            1
        );

        let t0 = at(22, 10, 0);
        let row = ConfirmationRow {
            token: "tok".into(),
            kind: "rebuild".into(),
            space_id: "alice/app".into(),
            platform: "discord".into(),
            user_id: "9".into(),
            created_ms: t0.timestamp_millis(),
            expires_ms: (t0 + minutes(5)).timestamp_millis(),
            used_ms: None,
        };
        store.create_confirmation(&row).await.unwrap();
        let (a, b) = tokio::join!(
            store.use_confirmation("tok", t0),
            store.use_confirmation("tok", t0),
        );
        assert_eq!(
            [a.unwrap(), b.unwrap()]
                .iter()
                .filter(|used| **used)
                .count(),
            1,
            "a double press acts once"
        );
    }
}
