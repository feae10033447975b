//! `checks`: raw rows read back (the probe's flag as `Option<bool>`), the upsert of a
//! check recorded twice at one instant, atomic batches, pruning and vacuuming.

use super::{action, at, id, minutes, obs, probed, probed_check};
use crate::domain::Verdict;

#[tokio::test]
async fn checks_are_tallied_per_space_since_a_moment() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[
                probed("alice/app", t0, 200, 120.5),
                obs("bob/x", Verdict::Sleeping, t0),
            ])
            .await
            .unwrap();
        store
            .record(&[probed("alice/app", t0 + minutes(5), 502, 30.0)])
            .await
            .unwrap();
        store
            .record(&[probed("alice/app", t0 + minutes(10), 200, 80.0)])
            .await
            .unwrap();
        let all = store.check_tallies(t0).await.unwrap();
        assert_eq!(
            all,
            [("alice/app".to_owned(), 3, 2), ("bob/x".to_owned(), 1, 0)]
        );
        let later = store.check_tallies(t0 + minutes(1)).await.unwrap();
        assert_eq!(later, [("alice/app".to_owned(), 2, 1)]);
        assert!(
            store
                .check_tallies(t0 + minutes(11))
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn checks_read_back_newest_or_oldest_first() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[
                probed("alice/app", t0, 200, 120.5),
                obs("bob/x", Verdict::Sleeping, t0),
            ])
            .await
            .unwrap();
        store
            .record(&[probed("alice/app", t0 + minutes(5), 502, 30.0)])
            .await
            .unwrap();
        store
            .record(&[obs("alice/app", Verdict::Unreachable, t0 + minutes(10))])
            .await
            .unwrap();
        assert_eq!(store.check_count().await.unwrap(), 4);

        let recent = store.recent_checks("alice/app", 2).await.unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].at(), t0 + minutes(10));
        assert_eq!(
            (recent[0].stage.as_deref(), recent[0].verdict.as_str()),
            (None, "unreachable")
        );
        assert_eq!(recent[0].probe_ok, None, "no probe");
        assert_eq!(recent[1].probe_ok, Some(false), "502");
        assert_eq!(recent[1].probe_status, Some(502));
        assert_eq!(recent[1].verdict, "degraded");

        let since = store.checks_since("alice/app", t0, 10).await.unwrap();
        let times: Vec<_> = since.iter().map(|c| c.at()).collect();
        assert_eq!(
            times,
            [t0, t0 + minutes(5), t0 + minutes(10)],
            "oldest first, from `since` on"
        );
        assert_eq!(since[0].probe_ok, Some(true));
        assert_eq!(since[0].probe_latency_ms, Some(120.5));
        assert_eq!(since[0].stage.as_deref(), Some("RUNNING"));
        assert_eq!(since[0].hardware.as_deref(), Some("cpu-basic"));
        assert_eq!(
            store
                .checks_since("alice/app", t0 + minutes(1), 1)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            store.recent_checks("bob/x", 9).await.unwrap()[0].verdict,
            "sleeping"
        );
        // Ids are one Space whatever their case (issue 25: stored as `SpaceId::key`); the
        // rows carry the Space's spelling.
        let shouted = store.recent_checks("ALICE/APP", 9).await.unwrap();
        assert_eq!(shouted.len(), 3, "any spelling finds the checks");
        assert_eq!(shouted[0].space_id, "alice/app");
    }
}

#[tokio::test]
async fn a_check_recorded_twice_at_one_instant_is_one_row() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        store
            .record(&[obs("alice/app", Verdict::Up, t0)])
            .await
            .unwrap();
        let mut again = probed_check("alice/app", t0, 503, 9.0);
        again.verdict = Verdict::Down;
        again.error = Some("exit 1".into());
        store.record(&[again.into()]).await.unwrap();
        assert_eq!(store.check_count().await.unwrap(), 1);
        let row = &store.recent_checks("alice/app", 5).await.unwrap()[0];
        assert_eq!(row.verdict, "down", "the later record wins");
        assert_eq!((row.probe_status, row.probe_ok), (Some(503), Some(false)));
        assert_eq!(row.error.as_deref(), Some("exit 1"));
        let state = store.space_state(&id("alice/app")).await.unwrap().unwrap();
        assert_eq!(state.verdict, Verdict::Down);
    }
}

#[tokio::test]
async fn prune_drops_each_table_by_its_own_age() {
    for store in crate::store::test_stores().await {
        let old = at(1, 10, 0);
        let new = at(22, 10, 0);
        let app = id("alice/app");
        store
            .record(&[obs("alice/app", Verdict::Up, old)])
            .await
            .unwrap();
        store
            .record(&[obs("alice/app", Verdict::Up, old + minutes(30))])
            .await
            .unwrap();
        store
            .record(&[obs("alice/app", Verdict::Down, new)])
            .await
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.open_incident(&app, old, "down", None, None, None)
            .await
            .unwrap();
        tx.close_incident(&app, old + minutes(5), "recovered")
            .await
            .unwrap();
        let open_incident = tx
            .open_incident(&app, old + minutes(10), "down", None, None, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let done = store
            .start_action(&action(&app, "restart", "auto", old))
            .await
            .unwrap();
        store
            .finish_action(done, old, "recovered", None)
            .await
            .unwrap();
        let open = store
            .start_action(&action(&app, "rebuild", "auto", old))
            .await
            .unwrap();
        let sent = store.enqueue("telegram:1", "{}", old).await.unwrap();
        store.mark_sent(sent, old).await.unwrap();
        let waiting = store.enqueue("telegram:1", "{}", old).await.unwrap();
        store
            .note_cycle(old, Some(old + minutes(15)))
            .await
            .unwrap();
        store.note_cycle(old + minutes(60), None).await.unwrap();
        assert!(store.usage_start().await.unwrap().is_some());

        // Raw rows older than a day, hourly ones older than a week, the rest kept.
        let day = chrono::Duration::days(1);
        let gone = store
            .prune(new - day, new - day * 7, new - day * 30)
            .await
            .unwrap();
        assert_eq!(gone, 2, "the two old raw checks");
        assert_eq!(store.check_count().await.unwrap(), 1);
        assert_eq!(
            store.usage_start().await.unwrap(),
            None,
            "hourly usage went"
        );
        let outbox: Vec<i64> = store
            .outbox("telegram:1")
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            outbox,
            [waiting],
            "the sent alert went, the pending one stays"
        );
        assert_eq!(store.incidents(&app, 10).await.unwrap().len(), 2);
        assert_eq!(store.actions(&app, 10).await.unwrap().len(), 2);
        assert_eq!(store.coverage_gaps(old - day).await.unwrap().len(), 1);
        // The daily roll-ups outlive the raw rows: the 30-day figure still counts them.
        let uptime = store.uptime(&app, new).await.unwrap();
        assert_eq!((uptime.h24, uptime.d30), (Some(0.0), Some(2.0 / 3.0)));

        // Then everything older than a day.
        store.prune(new - day, new - day, new - day).await.unwrap();
        let incidents = store.incidents(&app, 10).await.unwrap();
        let ids: Vec<i64> = incidents.iter().map(|i| i.id).collect();
        assert_eq!(ids, [open_incident], "an open incident is never pruned");
        let kept: Vec<i64> = store
            .actions(&app, 10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(kept, [open], "an unfinished action is never pruned");
        assert!(store.coverage_gaps(old - day).await.unwrap().is_empty());
        assert_eq!(store.uptime(&app, new).await.unwrap().d30, Some(0.0));
        assert_eq!(store.outbox("telegram:1").await.unwrap().len(), 1);

        store.vacuum().await.unwrap();
        store.checkpoint().await.unwrap();
        assert_eq!(store.check_count().await.unwrap(), 1);
    }
}

/// Issue 19: on Postgres a check whose probe measured a latency failed ("incorrect
/// binary data format in bind parameter 7") once the connection had stored a check
/// without one. The Any driver bound the missing latency as a 4-byte float, and the
/// statement prepared on that connection then kept that type for the 8-byte value.
/// Both checks here go in one transaction, hence on one connection, the null one
/// first (the order a cycle stores them in: by Space).
#[tokio::test]
async fn a_probe_latency_is_stored_after_a_check_without_one() {
    for store in crate::store::test_stores().await {
        let t0 = at(22, 10, 0);
        let mut full = probed_check("alice/web", t0, 200, 123.456_789_012_345);
        full.error = Some("slow".into());
        full.requested_hardware = Some("t4-small".into());
        store
            .record(&[obs("alice/broken", Verdict::Down, t0), full.into()])
            .await
            .unwrap();
        store
            .record(&[
                obs("alice/broken", Verdict::Down, t0 + minutes(1)),
                probed("alice/web", t0 + minutes(1), 503, 0.25),
            ])
            .await
            .unwrap();

        let rows = store.checks_since("alice/web", t0, 10).await.unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.probe_status, r.probe_latency_ms, r.probe_ok))
            .collect();
        assert_eq!(
            got,
            [
                (Some(200), Some(123.456_789_012_345), Some(true)),
                (Some(503), Some(0.25), Some(false)),
            ],
            "every latency kept at full precision"
        );
        assert_eq!(rows[0].error.as_deref(), Some("slow"));
        let broken = store.recent_checks("alice/broken", 1).await.unwrap();
        assert_eq!(broken[0].probe_latency_ms, None);
        let web = store.space_state(&id("alice/web")).await.unwrap().unwrap();
        assert_eq!(web.verdict, Verdict::Degraded);
    }
}
