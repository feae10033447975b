//! `requests`: a mutating command written by a follower, claimed by the leader
//! (oldest first, ids from `RETURNING`), answered, withdrawn only while nobody holds
//! it, or marked interrupted when the leader that claimed it is gone; pruned once
//! finished. Unfenced here (claimed under epoch 0); the fenced claim is in `leader.rs`.

use super::{at, minutes};

#[tokio::test]
async fn a_request_is_claimed_once_and_answered() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        assert!(
            store.claim_request().await.unwrap().is_none(),
            "nothing pending"
        );
        let first = store
            .submit_request(r#"{"api":1}"#, r#"{"restart":"alice/app"}"#, t0)
            .await
            .unwrap();
        let second = store
            .submit_request(r#"{"api":2}"#, r#"{"pause":"bob/x"}"#, t0)
            .await
            .unwrap();
        assert!(first < second);
        let row = store.request(first).await.unwrap().unwrap();
        assert_eq!(
            (row.actor.as_str(), row.command.as_str()),
            (r#"{"api":1}"#, r#"{"restart":"alice/app"}"#)
        );
        assert_eq!(
            (row.state.as_str(), row.epoch, row.response.clone()),
            ("pending", None, None)
        );
        assert_eq!(
            (row.created_ms, row.finished_ms),
            (t0.timestamp_millis(), None)
        );
        assert!(store.request(second + 1).await.unwrap().is_none());

        let claimed = store.claim_request().await.unwrap().unwrap();
        assert_eq!(
            (claimed.id, claimed.state.as_str(), claimed.epoch),
            (first, "running", Some(0))
        );
        assert!(
            !store.expire_request(first, t0 + minutes(1)).await.unwrap(),
            "already taken"
        );
        assert_eq!(
            store.request(first).await.unwrap().unwrap().state,
            "running"
        );

        store
            .finish_request(first, r#"{"ok":true}"#, t0 + minutes(2))
            .await
            .unwrap();
        let done = store.request(first).await.unwrap().unwrap();
        assert_eq!(
            (done.state.as_str(), done.response.as_deref()),
            ("done", Some(r#"{"ok":true}"#))
        );
        assert_eq!(done.finished_ms, Some((t0 + minutes(2)).timestamp_millis()));
        // Finishing twice changes nothing (only a running request finishes).
        store
            .finish_request(first, "late", t0 + minutes(3))
            .await
            .unwrap();
        assert_eq!(
            store
                .request(first)
                .await
                .unwrap()
                .unwrap()
                .response
                .as_deref(),
            Some(r#"{"ok":true}"#)
        );

        assert_eq!(store.claim_request().await.unwrap().unwrap().id, second);
        assert!(
            store.claim_request().await.unwrap().is_none(),
            "each is claimed once"
        );
    }
}

#[tokio::test]
async fn only_a_pending_request_expires() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let waiting = store.submit_request("{}", "{}", t0).await.unwrap();
        let later = store.submit_request("{}", "{}", t0).await.unwrap();
        assert!(
            store
                .expire_request(waiting, t0 + minutes(1))
                .await
                .unwrap()
        );
        assert!(
            !store
                .expire_request(waiting, t0 + minutes(2))
                .await
                .unwrap(),
            "once"
        );
        let expired = store.request(waiting).await.unwrap().unwrap();
        assert_eq!(expired.state, "expired");
        assert_eq!(
            expired.finished_ms,
            Some((t0 + minutes(1)).timestamp_millis())
        );
        // The claim skips it.
        assert_eq!(store.claim_request().await.unwrap().unwrap().id, later);
        store.finish_request(waiting, "{}", t0).await.unwrap();
        assert_eq!(
            store.request(waiting).await.unwrap().unwrap().state,
            "expired"
        );
    }
}

#[tokio::test]
async fn requests_a_gone_leader_held_are_interrupted_never_rerun() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let held = store.submit_request("{}", "held", t0).await.unwrap();
        let pending = store.submit_request("{}", "pending", t0).await.unwrap();
        assert_eq!(store.claim_request().await.unwrap().unwrap().id, held);
        // Claimed under epoch 0: the leader of epoch 0 may still answer it.
        assert_eq!(store.interrupt_stale_requests(0, t0).await.unwrap(), 0);
        assert_eq!(
            store
                .interrupt_stale_requests(1, t0 + minutes(5))
                .await
                .unwrap(),
            1
        );
        let row = store.request(held).await.unwrap().unwrap();
        assert_eq!(row.state, "interrupted");
        assert_eq!(row.finished_ms, Some((t0 + minutes(5)).timestamp_millis()));
        assert_eq!(
            store.request(pending).await.unwrap().unwrap().state,
            "pending",
            "not touched"
        );
        store.finish_request(held, "{}", t0).await.unwrap();
        assert_eq!(
            store.request(held).await.unwrap().unwrap().state,
            "interrupted"
        );

        // Pruning with the history drops finished rows created before its cut,
        // never open ones.
        let done = store
            .submit_request("{}", "done", t0 + minutes(1))
            .await
            .unwrap();
        assert_eq!(store.claim_request().await.unwrap().unwrap().id, pending);
        assert_eq!(store.claim_request().await.unwrap().unwrap().id, done);
        store
            .finish_request(done, "{}", t0 + minutes(2))
            .await
            .unwrap();
        let prune = |cut| store.prune(cut, cut, cut);
        prune(t0 + minutes(1)).await.unwrap();
        assert!(store.request(held).await.unwrap().is_none(), "interrupted");
        assert_eq!(store.request(done).await.unwrap().unwrap().state, "done");
        prune(t0 + minutes(9)).await.unwrap();
        assert!(store.request(done).await.unwrap().is_none());
        assert_eq!(
            store.request(pending).await.unwrap().unwrap().state,
            "running"
        );
    }
}

#[tokio::test]
async fn two_racing_claims_take_a_request_once() {
    for store in crate::store::test_stores().await {
        let only = store
            .submit_request("{}", "{}", at(22, 10, 0))
            .await
            .unwrap();
        let (a, b) = tokio::join!(store.claim_request(), store.claim_request());
        let claimed: Vec<i64> = [a.unwrap(), b.unwrap()]
            .into_iter()
            .flatten()
            .map(|r| r.id)
            .collect();
        assert_eq!(claimed, [only]);
    }
}
