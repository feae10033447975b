//! `spaces`: the summary row each check updates, what the alert state machine and the
//! repair ladder write into it, lookups by a differently cased id, and `space_ref`.

use super::{at, id, minutes, obs, probed_check, space_check};
use crate::domain::{
    AlertMemory, Cause, CauseCode, CheckFailure, Observation, Revision, SpaceCheck, Stage,
    Unchecked, Verdict,
};

#[tokio::test]
async fn a_space_reads_back_as_observed() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let full: Observation = SpaceCheck {
            requested_hardware: Some("t4-small".into()),
            subdomain: Some("alice-app".into()),
            gc_timeout: Some(172_800),
            private: Some(true),
            revision: Some(Revision {
                sha: "abc123".into(),
                last_modified: Some(at(20, 8, 0)),
            }),
            ..probed_check("alice/app", t0, 200, 41.5)
        }
        .into();
        store.record(&[full]).await.unwrap();
        let state = store.space_state(&id("ALICE/APP")).await.unwrap().unwrap();
        assert_eq!(
            state.space.to_string(),
            "alice/app",
            "the id as first stored"
        );
        assert_eq!(state.stage, Some(Stage::Running));
        assert_eq!(state.stage_since, Some(t0));
        assert_eq!((state.verdict, state.verdict_since), (Verdict::Up, t0));
        assert_eq!(state.last_check, t0);
        assert_eq!(state.hardware.as_deref(), Some("cpu-basic"));
        assert_eq!(state.requested_hardware.as_deref(), Some("t4-small"));
        assert_eq!(state.subdomain.as_deref(), Some("alice-app"));
        assert_eq!(state.gc_timeout, Some(172_800));
        assert_eq!(state.private, Some(true));
        assert_eq!(state.revision.as_ref().unwrap().sha, "abc123");
        assert_eq!(state.revision.unwrap().last_modified, Some(at(20, 8, 0)));
        assert_eq!(state.good_sha.as_deref(), Some("abc123"), "an up check");
        assert_eq!(state.last_visit, Some(t0), "the probe answered");
        assert_eq!(state.memory, AlertMemory::default());
        assert!(!state.gave_up && !state.drift_alerted);
        assert_eq!((state.muted_until, state.incident_id), (None, None));

        // Down with a cause, public: the flag 0 reads back as Some(false), not None.
        let cause = Cause {
            code: CauseCode::OutOfMemory,
            summary: "out of memory".into(),
            evidence: "Killed".into(),
        };
        let down: Observation = SpaceCheck {
            private: Some(false),
            error: Some("exit 137".into()),
            cause: Some(cause.clone()),
            revision: Some(Revision {
                sha: "def456".into(),
                last_modified: None,
            }),
            ..space_check("alice/app", Verdict::Down, t0 + minutes(5))
        }
        .into();
        store.record(&[down]).await.unwrap();
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.private, Some(false));
        assert_eq!(
            (state.verdict, state.verdict_since),
            (Verdict::Down, t0 + minutes(5))
        );
        assert_eq!(state.cause, Some(cause.clone()));
        assert_eq!(state.error.as_deref(), Some("exit 137"));
        assert_eq!(
            state.good_sha.as_deref(),
            Some("abc123"),
            "not a good check"
        );
        assert_eq!(state.revision.unwrap().sha, "def456");

        // The Hub unreachable: stage, cause, privacy and hardware are kept.
        store
            .record(&[obs("alice/app", Verdict::Unreachable, t0 + minutes(10))])
            .await
            .unwrap();
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.stage, Some(Stage::RuntimeError));
        assert_eq!(state.stage_since, Some(t0 + minutes(5)));
        assert_eq!(state.verdict, Verdict::Unreachable);
        assert_eq!(state.private, Some(false));
        assert_eq!(state.cause, Some(cause));
        assert_eq!(state.last_check, t0 + minutes(10));
    }
}

#[tokio::test]
async fn flags_written_in_a_transaction_read_back_as_bools() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[obs("alice/app", Verdict::Down, t0)])
            .await
            .unwrap();
        // Written through another spelling of the id: every update ignores case.
        let other = id("Alice/App");
        let memory = AlertMemory {
            bad_streak: 3,
            good_streak: 0,
            bad_since: Some(t0),
            alerted: Some(Verdict::Down),
            announced: true,
            last_alert: Some(t0 + minutes(2)),
        };
        let mut tx = store.begin().await.unwrap();
        tx.save_memory(&other, &memory).await.unwrap();
        tx.set_gave_up(&other, true).await.unwrap();
        tx.set_drift(&other, Some(t0), true).await.unwrap();
        tx.set_incident(&other, Some(7)).await.unwrap();
        let inside = tx.space_state(&other).await.unwrap().unwrap();
        assert!(inside.gave_up, "read inside the transaction");
        tx.commit().await.unwrap();

        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.memory, memory);
        assert!(state.gave_up);
        assert_eq!((state.drift_since, state.drift_alerted), (Some(t0), true));
        assert_eq!(state.incident_id, Some(7));

        let mut tx = store.begin().await.unwrap();
        tx.save_memory(&other, &AlertMemory::default())
            .await
            .unwrap();
        tx.set_gave_up(&other, false).await.unwrap();
        tx.set_drift(&other, None, false).await.unwrap();
        tx.set_incident(&other, None).await.unwrap();
        tx.commit().await.unwrap();
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.memory, AlertMemory::default());
        assert!(!state.gave_up && !state.drift_alerted);
        assert_eq!((state.drift_since, state.incident_id), (None, None));
    }
}

#[tokio::test]
async fn owners_and_ids_match_whatever_their_case() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[
                obs("alice/zeta", Verdict::Up, t0),
                obs("alice/app", Verdict::Up, t0),
                obs("Alice/Board", Verdict::Up, t0),
                obs("bob/app", Verdict::Down, t0),
            ])
            .await
            .unwrap();
        // Ordered by the stored key (lowercase, issue 25), spelled as recorded.
        let alice = store.spaces_of("ALICE").await.unwrap();
        assert_eq!(
            alice,
            [id("alice/app"), id("Alice/Board"), id("alice/zeta")]
        );
        assert_eq!(alice[1].to_string(), "Alice/Board", "the display form");
        assert_eq!(store.spaces_of("bob").await.unwrap(), [id("bob/app")]);
        assert!(store.spaces_of("carol").await.unwrap().is_empty());
        let states = store.space_states().await.unwrap();
        let ids: Vec<String> = states.iter().map(|s| s.space.to_string()).collect();
        assert_eq!(ids, ["alice/app", "Alice/Board", "alice/zeta", "bob/app"]);

        let map = store.space_state_map().await.unwrap();
        assert_eq!(map["alice/board"].space.to_string(), "Alice/Board");
        assert_eq!(map["bob/app"].verdict, Verdict::Down);
        assert!(store.space_state(&id("BOB/APP")).await.unwrap().is_some());
        assert!(store.space_state(&id("bob/other")).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn an_owner_wide_failure_leaves_no_space_row() {
    for store in crate::store::test_stores().await {
        let failure = Unchecked {
            kind: CheckFailure::HubUnavailable,
            error: "HTTP 503: busy".into(),
        };
        let whole = Observation::unlisted("alice".into(), at(22, 10, 0), failure);
        store.record(&[whole]).await.unwrap();
        assert!(store.space_states().await.unwrap().is_empty());
        let checks = store.recent_checks("alice/*", 5).await.unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].verdict, "unreachable");
        assert_eq!(checks[0].stage, None);
        assert_eq!(checks[0].error.as_deref(), Some("HTTP 503: busy"));
    }
}

#[tokio::test]
async fn mute_and_visit_ignore_case() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[obs("alice/app", Verdict::Up, t0)])
            .await
            .unwrap();
        let until = t0 + chrono::Duration::hours(2);
        // The list of every Space is memoized (SQLite); a mute must show in it at once.
        assert_eq!(store.space_states().await.unwrap()[0].muted_until, None);
        assert!(
            store
                .set_muted_until(&id("ALICE/app"), Some(until))
                .await
                .unwrap()
        );
        assert_eq!(
            store.space_states().await.unwrap()[0].muted_until,
            Some(until)
        );
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.muted_until, Some(until));
        assert!(state.muted(t0));
        assert!(!state.muted(until));
        assert!(store.set_muted_until(&id("alice/APP"), None).await.unwrap());
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.muted_until, None);
        assert!(
            !store
                .set_muted_until(&id("alice/gone"), Some(until))
                .await
                .unwrap()
        );

        assert_eq!(state.last_visit, None, "no probe yet");
        store
            .set_last_visits(&[id("Alice/App")], t0 + minutes(3))
            .await
            .unwrap();
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.last_visit, Some(t0 + minutes(3)));
        assert_eq!(
            store.space_states().await.unwrap()[0].last_visit,
            Some(t0 + minutes(3))
        );
    }
}

#[tokio::test]
async fn space_refs_are_short_stable_and_round_trip() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[
                obs("alice/app", Verdict::Up, t0),
                obs("bob/x", Verdict::Up, t0),
            ])
            .await
            .unwrap();
        let app = store.space_ref(&id("alice/app")).await.unwrap().unwrap();
        let x = store.space_ref(&id("bob/x")).await.unwrap().unwrap();
        assert_ne!(app, x);
        assert_eq!(store.space_ref(&id("ALICE/APP")).await.unwrap(), Some(app));
        assert_eq!(
            store.space_by_ref(app).await.unwrap(),
            Some(id("alice/app"))
        );
        assert_eq!(store.space_by_ref(x).await.unwrap(), Some(id("bob/x")));
        // Another check upserts the row: the reference stays.
        store
            .record(&[obs("alice/app", Verdict::Down, t0 + minutes(5))])
            .await
            .unwrap();
        assert_eq!(store.space_ref(&id("alice/app")).await.unwrap(), Some(app));
        assert_eq!(store.space_ref(&id("alice/none")).await.unwrap(), None);
        assert_eq!(store.space_by_ref(app.max(x) + 1000).await.unwrap(), None);
    }
}
