//! `incidents` (a Space's outages, ids from `RETURNING`, closed by an `UPDATE …
//! RETURNING`) and `platform_incidents` (many Spaces failing alike).

use super::{at, id, minutes, obs};
use crate::domain::{Cause, CauseCode, PlatformReason, Verdict};

#[tokio::test]
async fn an_incident_opens_points_the_space_at_it_and_closes() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[obs("alice/app", Verdict::Down, t0)])
            .await
            .unwrap();
        let cause = Cause {
            code: CauseCode::MissingModule,
            summary: "No module named torch".into(),
            evidence: "ModuleNotFoundError: No module named 'torch'".into(),
        };
        let mut tx = store.begin().await.unwrap();
        let first = tx
            .open_incident(
                &id("Alice/App"),
                t0,
                "down",
                Some("RUNTIME_ERROR"),
                Some("exit 1"),
                Some(&cause),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(
            state.incident_id,
            Some(first),
            "set through another spelling"
        );

        let open = store.open_incidents().await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].id, first);
        assert_eq!(
            open[0].space_id, "alice/app",
            "as the Space is spelled (its row), the table holding the key"
        );
        assert_eq!(
            (open[0].verdict.as_str(), open[0].stage.as_deref()),
            ("down", Some("RUNTIME_ERROR"))
        );
        assert_eq!(open[0].cause.as_deref(), Some("exit 1"));
        assert_eq!(open[0].root_cause(), Some(cause));
        assert_eq!(
            open[0].duration(t0 + minutes(3)),
            std::time::Duration::from_secs(180)
        );

        let mut tx = store.begin().await.unwrap();
        let closed = tx
            .close_incident(&id("alice/APP"), t0 + minutes(7), "recovered")
            .await
            .unwrap();
        let again = tx
            .close_incident(&id("alice/app"), t0 + minutes(8), "recovered")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let closed = closed.unwrap();
        assert_eq!((closed.id, closed.closed()), (first, Some(t0 + minutes(7))));
        assert_eq!(closed.resolution.as_deref(), Some("recovered"));
        assert_eq!(
            closed.duration(t0 + minutes(60)),
            std::time::Duration::from_secs(420)
        );
        assert!(again.is_none(), "nothing left open");
        assert!(store.open_incidents().await.unwrap().is_empty());
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.incident_id, None);

        let mut tx = store.begin().await.unwrap();
        let second = tx
            .open_incident(
                &id("alice/app"),
                t0 + minutes(30),
                "broken_config",
                None,
                None,
                None,
            )
            .await
            .unwrap();
        let other = tx
            .open_incident(&id("bob/x"), t0 + minutes(40), "down", None, None, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(first < second && second < other, "ids ascend");
        assert_eq!(store.open_incidents().await.unwrap()[0].root_cause(), None);
    }
}

#[tokio::test]
async fn incidents_read_newest_or_oldest_first_by_space() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let mut tx = store.begin().await.unwrap();
        let a = tx
            .open_incident(&id("alice/app"), t0, "down", None, None, None)
            .await
            .unwrap();
        tx.close_incident(&id("alice/app"), t0 + minutes(5), "recovered")
            .await
            .unwrap();
        let b = tx
            .open_incident(&id("Alice/App"), t0 + minutes(60), "down", None, None, None)
            .await
            .unwrap();
        let c = tx
            .open_incident(&id("bob/x"), t0 + minutes(30), "down", None, None, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ids =
            |rows: Vec<crate::store::IncidentRow>| rows.iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(
            ids(store.incidents(&id("ALICE/APP"), 10).await.unwrap()),
            [b, a]
        );
        assert_eq!(
            ids(store.incidents(&id("alice/app"), 1).await.unwrap()),
            [b]
        );
        assert_eq!(
            ids(store.open_incidents().await.unwrap()),
            [c, b],
            "oldest first"
        );
        assert_eq!(
            ids(store.recent_incidents(t0, 10).await.unwrap()),
            [b, c, a]
        );
        assert_eq!(
            ids(store.recent_incidents(t0 + minutes(1), 10).await.unwrap()),
            [b, c]
        );
        assert_eq!(ids(store.recent_incidents(t0, 2).await.unwrap()), [b, c]);
        // Open at some point since: a closed one that ended after, and the open one.
        let app = id("alice/APP");
        let since = |m: i64| store.incidents_since(&app, t0 + minutes(m), 10);
        assert_eq!(ids(since(4).await.unwrap()), [a, b]);
        assert_eq!(ids(since(6).await.unwrap()), [b]);
        assert_eq!(
            ids(store
                .incidents_since(&id("alice/app"), t0, 1)
                .await
                .unwrap()),
            [a]
        );
    }
}

#[tokio::test]
async fn platform_incidents_keep_their_spaces_until_closed() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        assert!(store.open_platform_incidents().await.unwrap().is_empty());
        let spaces = [id("alice/app"), id("Bob/X")];
        let mut tx = store.begin().await.unwrap();
        let hub = tx
            .open_platform_incident(PlatformReason::HubUnavailable, t0, &spaces)
            .await
            .unwrap();
        let gpu = tx
            .open_platform_incident(
                PlatformReason::Cause(CauseCode::GpuQuota),
                t0 + minutes(1),
                &spaces[..1],
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(hub < gpu);
        let open = store.open_platform_incidents().await.unwrap();
        assert_eq!(open.len(), 2);
        assert_eq!(
            (open[0].id, open[0].reason, open[0].opened),
            (hub, PlatformReason::HubUnavailable, t0)
        );
        assert_eq!(open[0].spaces, spaces);
        assert_eq!(open[1].reason, PlatformReason::Cause(CauseCode::GpuQuota));

        let mut tx = store.begin().await.unwrap();
        tx.set_platform_spaces(hub, &[id("carol/y")]).await.unwrap();
        tx.close_platform_incident(gpu, t0 + minutes(9))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let open = store.open_platform_incidents().await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(
            (open[0].id, open[0].spaces.clone()),
            (hub, vec![id("carol/y")])
        );
    }
}
