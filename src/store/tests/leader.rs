//! Leadership on Postgres: the session lock one connection holds at a time, the
//! epoch each win bumps, and the fence that makes a deposed leader's action, outbox
//! and request writes fail. Skipped on SQLite, where one process acts alone.

use std::sync::Arc;
use std::time::Duration;

use super::{action, at, id, minutes};
use crate::store::{Backend, Fence, LeaderRow, Leadership, Store, StoreError};

/// The `NotLeader` error's (held, current) epochs; panics on anything else.
fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>) -> (i64, i64) {
    match result {
        Err(StoreError::NotLeader { held, current }) => (held, current),
        other => panic!("expected NotLeader, got {other:?}"),
    }
}

/// Takes the lock once the server has let go of it: a closed session's locks are
/// released when its backend process ends, a moment after the client hung up.
async fn acquire_once_free(leadership: &mut Leadership, holder: &str, now_ms: i64) -> i64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(epoch) = leadership.try_acquire(holder, now_ms).await.unwrap() {
            return epoch;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the lock was never released"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A store fenced at `epoch` (0: not leading).
fn fenced(store: &Store, epoch: i64) -> (Store, Arc<Fence>) {
    let fence = Arc::new(Fence::default());
    fence.set(epoch);
    (store.clone().fenced(fence.clone()), fence)
}

#[tokio::test]
async fn the_lock_is_held_by_one_connection_at_a_time() {
    for store in crate::store::test_stores().await {
        if store.backend() == Backend::Sqlite {
            assert_eq!(
                store.leader().await.unwrap(),
                None,
                "no leader row on SQLite"
            );
            continue;
        }
        let mut first = Leadership::open(store.url()).await.unwrap();
        let mut second = Leadership::open(store.url()).await.unwrap();
        assert_eq!(first.try_acquire("a", 1_000).await.unwrap(), Some(1));
        assert_eq!(second.try_acquire("b", 2_000).await.unwrap(), None);
        assert_eq!(second.try_acquire("b", 3_000).await.unwrap(), None);
        let row = LeaderRow {
            epoch: 1,
            holder: "a".into(),
            since_ms: 1_000,
            heartbeat_ms: 1_000,
        };
        assert_eq!(
            store.leader().await.unwrap(),
            Some(row.clone()),
            "a loser changes nothing"
        );
        assert!(first.heartbeat(1, 4_000).await.unwrap());
        let beat = LeaderRow {
            heartbeat_ms: 4_000,
            ..row
        };
        assert_eq!(store.leader().await.unwrap(), Some(beat));

        first.close().await;
        assert_eq!(acquire_once_free(&mut second, "b", 5_000).await, 2);
        let row = store.leader().await.unwrap().unwrap();
        assert_eq!(
            (row.epoch, row.holder.as_str(), row.since_ms),
            (2, "b", 5_000)
        );
        assert!(
            !second.heartbeat(1, 6_000).await.unwrap(),
            "epoch 1 is over"
        );
        assert!(second.heartbeat(2, 6_000).await.unwrap());
        second.close().await;
    }
}

#[tokio::test]
async fn a_deposed_leader_can_no_longer_act_or_alert() {
    for store in crate::store::test_stores().await {
        if store.backend() == Backend::Sqlite {
            continue;
        }
        let (app, t0) = (id("alice/app"), at(22, 10, 0));
        let restart = action(&app, "restart", "auto", t0);
        let (old, fence) = fenced(&store, 0);
        assert_eq!(
            refused(old.start_action(&restart).await),
            (0, 0),
            "not leading yet"
        );
        assert_eq!(refused(old.enqueue("telegram:1", "{}", t0).await), (0, 0));
        assert!(store.unfinished_actions().await.unwrap().is_empty());
        assert!(store.outbox("telegram:1").await.unwrap().is_empty());

        let mut first = Leadership::open(store.url()).await.unwrap();
        let epoch = first.try_acquire("a", 1_000).await.unwrap().unwrap();
        fence.set(epoch);
        let acted = old.start_action(&restart).await.unwrap();
        old.mark_called(acted).await.unwrap();
        let alert = old.enqueue("telegram:1", "{}", t0).await.unwrap();
        let retried = old.enqueue("telegram:1", "{}", t0).await.unwrap();
        old.mark_retry(alert, t0 + minutes(1), "429").await.unwrap();

        // Another replica takes over once the first one's session is gone.
        let mut second = Leadership::open(store.url()).await.unwrap();
        assert_eq!(second.try_acquire("b", 2_000).await.unwrap(), None);
        first.close().await;
        let next = acquire_once_free(&mut second, "b", 3_000).await;
        assert_eq!(next, epoch + 1);
        let stale = (epoch, next);
        assert_eq!(refused(old.start_action(&restart).await), stale);
        assert_eq!(refused(old.mark_called(acted).await), stale);
        assert_eq!(
            refused(old.finish_action(acted, t0, "recovered", None).await),
            stale
        );
        assert_eq!(refused(old.enqueue("telegram:1", "{}", t0).await), stale);
        assert_eq!(refused(old.mark_sent(alert, t0).await), stale);
        assert_eq!(refused(old.mark_retry(alert, t0, "x").await), stale);
        assert_eq!(refused(old.mark_dead(alert, "x").await), stale);
        assert_eq!(
            refused(old.redirect_destination("telegram:1", "telegram:2").await),
            stale
        );
        assert_eq!(
            refused(old.kill_destination_rows("telegram:1", "x").await),
            stale
        );
        let mut tx = old.begin().await.unwrap();
        assert_eq!(refused(tx.enqueue("telegram:1", "{}", t0).await), stale);
        assert_eq!(
            refused(tx.commit().await),
            (epoch, -1),
            "a refused transaction never commits"
        );
        // A refusal is no write failure: the store is fine, this replica follows.
        assert_eq!(old.write_health().status().failing, None);

        // Nothing the old leader tried landed; the new one carries on.
        let (new, _) = fenced(&store, next);
        let open = store.unfinished_actions().await.unwrap();
        assert_eq!((open.len(), open[0].state.as_str()), (1, "called"));
        new.finish_action(acted, t0 + minutes(2), "recovered", None)
            .await
            .unwrap();
        new.mark_sent(alert, t0 + minutes(2)).await.unwrap();
        assert!(store.unfinished_actions().await.unwrap().is_empty());
        let outbox = store.outbox("telegram:1").await.unwrap();
        let states: Vec<(i64, &str)> = outbox.iter().map(|r| (r.id, r.state.as_str())).collect();
        assert_eq!(states, [(alert, "sent"), (retried, "pending")]);
        second.close().await;
    }
}

#[tokio::test]
async fn requests_are_claimed_under_the_leaders_epoch() {
    for store in crate::store::test_stores().await {
        if store.backend() == Backend::Sqlite {
            continue;
        }
        let t0 = at(22, 10, 0);
        // A follower writes the request; it needs no epoch for that.
        let (follower, _) = fenced(&store, 0);
        let request = follower.submit_request("{}", "restart", t0).await.unwrap();
        assert_eq!(refused(follower.claim_request().await), (0, 0));

        let mut first = Leadership::open(store.url()).await.unwrap();
        let epoch = first.try_acquire("a", 1_000).await.unwrap().unwrap();
        let (old, _) = fenced(&store, epoch);
        let claimed = old.claim_request().await.unwrap().unwrap();
        assert_eq!((claimed.id, claimed.epoch), (request, Some(epoch)));

        let mut second = Leadership::open(store.url()).await.unwrap();
        first.close().await;
        let next = acquire_once_free(&mut second, "b", 2_000).await;
        assert_eq!(
            refused(old.finish_request(request, "{}", t0).await),
            (epoch, next)
        );
        let (new, _) = fenced(&store, next);
        assert_eq!(
            new.interrupt_stale_requests(next, t0 + minutes(1))
                .await
                .unwrap(),
            1
        );
        let row = store.request(request).await.unwrap().unwrap();
        assert_eq!((row.state.as_str(), row.response), ("interrupted", None));
        assert!(
            new.claim_request().await.unwrap().is_none(),
            "never run again"
        );
        second.close().await;
    }
}
