//! Uptime from the roll-ups (summed by an upsert per check), with and without coverage
//! gaps: the unknown hours and days go to the database as a JSON list, read by
//! `json_each` on SQLite and `jsonb_array_elements_text` on Postgres.

use super::{at, id, minutes, obs};
use crate::domain::Verdict;
use crate::store::{Gap, Uptime};

/// Now, in every test here: 22 November 12:00.
fn now() -> chrono::DateTime<chrono::Utc> {
    at(22, 12, 0)
}

/// Checks of alice/app: today 2 up and 1 down, 5 days ago 2 down, 20 days ago 1 up
/// (and one Sleeping and one Unreachable check today, which do not count).
async fn history(store: &crate::store::Store) {
    let checks = [
        obs("alice/app", Verdict::Up, at(22, 11, 0)),
        obs("alice/app", Verdict::Up, at(22, 11, 10)),
        obs("alice/app", Verdict::Down, at(22, 11, 20)),
        obs("alice/app", Verdict::Sleeping, at(22, 11, 30)),
        obs("alice/app", Verdict::Unreachable, at(22, 11, 40)),
        obs("alice/app", Verdict::Down, at(17, 9, 0)),
        obs("alice/app", Verdict::Down, at(17, 9, 5)),
        obs("alice/app", Verdict::Up, at(2, 9, 0)),
        obs("bob/x", Verdict::Up, at(22, 11, 0)),
    ];
    for check in checks {
        store.record(&[check]).await.unwrap();
    }
}

#[tokio::test]
async fn uptime_sums_the_rollups_of_each_window() {
    for store in crate::store::test_stores().await {
        history(&store).await;
        let all = store.uptime_all(now()).await.unwrap();
        let mut spaces: Vec<&str> = all.iter().map(|(s, _)| s.as_str()).collect();
        spaces.sort_unstable();
        assert_eq!(spaces, ["alice/app", "bob/x"]);
        let expected = Uptime {
            h24: Some(2.0 / 3.0),
            d7: Some(2.0 / 5.0),
            d30: Some(3.0 / 6.0),
        };
        assert_eq!(
            store.uptime(&id("alice/app"), now()).await.unwrap(),
            expected
        );
        assert_eq!(
            store.uptime(&id("ALICE/App"), now()).await.unwrap(),
            expected
        );
        assert_eq!(
            store.uptime(&id("carol/none"), now()).await.unwrap(),
            Uptime::default()
        );
        // A day later the 24 h window is empty.
        let tomorrow = now() + chrono::Duration::days(1);
        let later = store.uptime(&id("alice/app"), tomorrow).await.unwrap();
        assert_eq!(later.h24, None);
    }
}

#[tokio::test]
async fn unchecked_time_is_left_out_of_every_figure() {
    for store in crate::store::test_stores().await {
        history(&store).await;
        assert!(store.coverage_gaps(at(1, 0, 0)).await.unwrap().is_empty());
        // Nobody checked from the 16th 23:00 to the 18th 01:00: the 17th is unknown.
        let due = |t: chrono::DateTime<chrono::Utc>| Some(t + minutes(15));
        assert_eq!(
            store
                .note_cycle(at(16, 23, 0), due(at(16, 23, 0)))
                .await
                .unwrap(),
            None
        );
        // That cycle's schedule is next due on the 22nd at 06:15.
        let gap = store
            .note_cycle(at(18, 1, 0), due(at(22, 6, 0)))
            .await
            .unwrap();
        let expected = Gap {
            start: at(16, 23, 0),
            end: at(18, 1, 0),
        };
        assert_eq!(gap, Some(expected));
        // A cycle stamped earlier (a slower clock elsewhere) moves neither the last
        // cycle nor its deadline back: the cycle at 06:00 is on time.
        assert_eq!(
            store
                .note_cycle(at(18, 0, 0), due(at(18, 0, 0)))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .note_cycle(at(22, 6, 0), due(at(22, 6, 0)))
                .await
                .unwrap(),
            None
        );
        assert_eq!(store.coverage_gaps(at(17, 0, 0)).await.unwrap(), [expected]);
        assert!(store.coverage_gaps(at(18, 1, 0)).await.unwrap().is_empty());

        // No cycle since 06:00, overdue since 06:15: 06:00 to now is an open gap.
        let uptime = store.uptime(&id("alice/app"), now()).await.unwrap();
        assert_eq!(
            uptime.h24, None,
            "today's checks fell in the open gap's hours"
        );
        // Days: the 17th (2 down) is unknown; today is half gap (06:00 to 12:00 of 12
        // hours so far), and exactly half is not more than half: it counts.
        assert_eq!(uptime.d7, Some(2.0 / 3.0));
        assert_eq!(uptime.d30, Some(3.0 / 4.0));

        let bar = store
            .daily_uptime(&id("ALICE/APP"), now(), 7)
            .await
            .unwrap();
        assert_eq!(bar.len(), 7);
        assert_eq!(bar[0].day, at(16, 0, 0));
        assert_eq!(bar[6].day, at(22, 0, 0));
        let seventeenth = &bar[1];
        assert!(seventeenth.unknown());
        assert_eq!(seventeenth.uptime, None);
        assert_eq!(seventeenth.unchecked, 1.0);
        assert_eq!(
            seventeenth.unchecked_for,
            std::time::Duration::from_secs(86_400)
        );
        assert_eq!(bar[0].unchecked_for, std::time::Duration::from_secs(3_600));
        assert!(!bar[0].unknown());
        assert_eq!((bar[6].unchecked, bar[6].uptime), (0.5, Some(2.0 / 3.0)));
        assert_eq!(
            bar[6].unchecked_for,
            std::time::Duration::from_secs(6 * 3_600)
        );
    }
}

#[tokio::test]
async fn the_bars_of_every_space_in_one_read() {
    for store in crate::store::test_stores().await {
        history(&store).await;
        let bars = store.daily_uptime_all(now(), 30).await.unwrap();
        let spaces: Vec<&str> = bars.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spaces, ["alice/app", "bob/x"]);
        let (_, alice) = &bars[0];
        assert_eq!(alice.len(), 30);
        assert_eq!(alice[0].day, at(23, 0, 0) - chrono::Duration::days(30));
        let figures: Vec<(u32, f64)> = alice
            .iter()
            .filter_map(|d| Some((chrono::Datelike::day(&d.day), d.uptime?)))
            .collect();
        assert_eq!(figures, [(2, 1.0), (17, 0.0), (22, 2.0 / 3.0)]);
        assert_eq!(bars[1].1[29].uptime, Some(1.0));
        assert_eq!(
            store
                .daily_uptime(&id("alice/app"), now(), 30)
                .await
                .unwrap(),
            *alice,
            "one Space's bar is its row of the whole"
        );

        // A gap recorded since is seen at once (the memo is keyed by commits).
        store
            .note_cycle(at(16, 23, 0), Some(at(16, 23, 15)))
            .await
            .unwrap();
        store.note_cycle(at(18, 1, 0), None).await.unwrap();
        let bars = store.daily_uptime_all(now(), 30).await.unwrap();
        let seventeenth = bars[0].1.iter().find(|d| d.day == at(17, 0, 0)).unwrap();
        assert!(seventeenth.unknown());
        assert_eq!(seventeenth.uptime, None);
    }
}
