//! `outbox`: alerts kept in order per destination (one head each), retried, sent or
//! dead; rows moved to a migrated chat or killed with a dead one; and `destinations`,
//! what is known about such chats (an upsert).

use super::{at, minutes};
use crate::store::{DestinationState, OutboxRow, Store};

fn ids(rows: &[OutboxRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

async fn heads(store: &Store) -> Vec<(String, i64)> {
    let rows = store.outbox_heads().await.unwrap();
    rows.into_iter().map(|r| (r.destination, r.id)).collect()
}

#[tokio::test]
async fn each_destination_delivers_in_order() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        assert!(store.outbox_heads().await.unwrap().is_empty());
        let a1 = store.enqueue("telegram:1", r#"{"n":1}"#, t0).await.unwrap();
        let b1 = store.enqueue("discord:2", r#"{"n":2}"#, t0).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let a2 = tx
            .enqueue("telegram:1", r#"{"n":3}"#, t0 + minutes(1))
            .await
            .unwrap();
        let a3 = tx
            .enqueue("telegram:1", r#"{"n":4}"#, t0 + minutes(2))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(a1 < b1 && b1 < a2 && a2 < a3, "ids ascend");
        let row = &store.outbox("telegram:1").await.unwrap()[0];
        assert_eq!(
            (row.payload.as_str(), row.state.as_str()),
            (r#"{"n":1}"#, "pending")
        );
        assert_eq!(
            (row.created(), row.next_attempt_ms),
            (t0, t0.timestamp_millis())
        );
        assert_eq!(
            (row.attempts, row.last_error.clone(), row.sent_ms),
            (0, None, None)
        );
        assert_eq!(
            heads(&store).await,
            [("telegram:1".into(), a1), ("discord:2".into(), b1)]
        );

        // A retried head stays the head: a later alert never overtakes it.
        store.mark_retry(a1, t0 + minutes(5), "429").await.unwrap();
        let head = &store.outbox_heads().await.unwrap()[0];
        assert_eq!((head.id, head.attempts), (a1, 1));
        assert_eq!(head.next_attempt_ms, (t0 + minutes(5)).timestamp_millis());
        assert_eq!(head.last_error.as_deref(), Some("429"));

        store.mark_sent(a1, t0 + minutes(5)).await.unwrap();
        store.mark_dead(b1, "bot was blocked").await.unwrap();
        assert_eq!(heads(&store).await, [("telegram:1".into(), a2)]);
        let telegram = store.outbox("telegram:1").await.unwrap();
        assert_eq!(ids(&telegram), [a1, a2, a3]);
        assert_eq!(
            (telegram[0].state.as_str(), telegram[0].attempts),
            ("sent", 2)
        );
        assert_eq!(
            telegram[0].sent_ms,
            Some((t0 + minutes(5)).timestamp_millis())
        );
        let discord = &store.outbox("discord:2").await.unwrap()[0];
        assert_eq!((discord.state.as_str(), discord.attempts), ("dead", 1));
        assert_eq!(discord.last_error.as_deref(), Some("bot was blocked"));
        assert_eq!(
            store.outbox_counts().await.unwrap(),
            [
                ("discord:2".into(), "dead".into(), 1),
                ("telegram:1".into(), "pending".into(), 2),
                ("telegram:1".into(), "sent".into(), 1),
            ]
        );
    }
}

#[tokio::test]
async fn a_migrated_chat_takes_the_pending_rows_along() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let sent = store.enqueue("telegram:-1", "a", t0).await.unwrap();
        store.mark_sent(sent, t0).await.unwrap();
        let old1 = store.enqueue("telegram:-1", "b", t0).await.unwrap();
        let new1 = store.enqueue("telegram:-100", "c", t0).await.unwrap();
        let old2 = store.enqueue("telegram:-1", "d", t0).await.unwrap();
        assert_eq!(
            store
                .redirect_destination("telegram:-1", "telegram:-100")
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            ids(&store.outbox("telegram:-1").await.unwrap()),
            [sent],
            "sent rows stay"
        );
        assert_eq!(
            ids(&store.outbox("telegram:-100").await.unwrap()),
            [old1, new1, old2]
        );
        assert_eq!(
            heads(&store).await,
            [("telegram:-100".into(), old1)],
            "the older row first"
        );
        assert_eq!(
            store
                .redirect_destination("telegram:-1", "telegram:-100")
                .await
                .unwrap(),
            0
        );

        let moved = DestinationState::Moved {
            to: "telegram:-100".into(),
        };
        store
            .set_destination_state("telegram:-1", &moved, t0)
            .await
            .unwrap();
        assert_eq!(
            store.destination_states().await.unwrap(),
            [("telegram:-1".into(), moved)]
        );
    }
}

#[tokio::test]
async fn a_dead_chat_kills_its_pending_rows_only() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let sent = store.enqueue("discord:9", "a", t0).await.unwrap();
        store.mark_sent(sent, t0).await.unwrap();
        store.enqueue("discord:9", "b", t0).await.unwrap();
        store.enqueue("discord:9", "c", t0).await.unwrap();
        let other = store.enqueue("telegram:1", "d", t0).await.unwrap();
        assert_eq!(
            store
                .kill_destination_rows("discord:9", "channel deleted")
                .await
                .unwrap(),
            2
        );
        let rows = store.outbox("discord:9").await.unwrap();
        let states: Vec<&str> = rows.iter().map(|r| r.state.as_str()).collect();
        assert_eq!(states, ["sent", "dead", "dead"]);
        assert_eq!(rows[1].last_error.as_deref(), Some("channel deleted"));
        assert_eq!(rows[0].last_error, None);
        assert_eq!(heads(&store).await, [("telegram:1".into(), other)]);

        // The destination's state is one row, overwritten.
        let moved = DestinationState::Moved {
            to: "discord:10".into(),
        };
        let dead = DestinationState::Dead {
            reason: "channel deleted".into(),
        };
        store
            .set_destination_state("discord:9", &moved, t0)
            .await
            .unwrap();
        store
            .set_destination_state("discord:9", &dead, t0 + minutes(1))
            .await
            .unwrap();
        assert_eq!(
            store.destination_states().await.unwrap(),
            [("discord:9".into(), dead)]
        );
        store
            .set_destination_state("discord:9", &moved, t0 + minutes(2))
            .await
            .unwrap();
        assert_eq!(
            store.destination_states().await.unwrap(),
            [("discord:9".into(), moved)]
        );
    }
}
