//! `usage_hourly`: billed time added by an upsert per check, summed per Space and
//! flavor (Postgres sums `BIGINT`s to `NUMERIC`, which the store casts back).

use super::{at, obs, space_check};
use crate::domain::{Observation, SpaceCheck, Stage, Verdict};
use crate::store::UsageRow;

fn on(hardware: &str, mut check: SpaceCheck) -> Observation {
    check.hardware = Some(hardware.into());
    check.into()
}

fn row(space: &str, hardware: &str, minutes: i64) -> UsageRow {
    UsageRow {
        space: space.into(),
        hardware: hardware.into(),
        billed_ms: minutes * 60_000,
    }
}

#[tokio::test]
async fn billed_time_adds_up_per_space_hour_and_flavor() {
    for store in crate::store::test_stores().await {
        assert_eq!(store.usage_start().await.unwrap(), None);
        assert!(store.usage_since(at(1, 0, 0)).await.unwrap().is_empty());
        let mut sleeping = space_check("alice/app", Verdict::Sleeping, at(22, 14, 45));
        sleeping.hardware = None;
        let checks = [
            // Each check bills the time since the previous one on that one's flavor,
            // into the previous one's hour.
            obs("alice/app", Verdict::Up, at(22, 10, 0)),
            obs("bob/x", Verdict::Up, at(22, 10, 0)),
            obs("alice/app", Verdict::Up, at(22, 10, 10)),
            obs("bob/x", Verdict::Up, at(22, 10, 30)),
            obs("alice/app", Verdict::Up, at(22, 10, 40)),
            obs("alice/app", Verdict::Up, at(22, 11, 5)),
            // Three hours later: one check vouches for one hour at most.
            on(
                "t4-small",
                space_check("alice/app", Verdict::Up, at(22, 14, 5)),
            ),
            on(
                "t4-small",
                space_check("alice/app", Verdict::Up, at(22, 14, 35)),
            ),
            sleeping.into(),
            // Asleep does not bill; the same instant twice adds nothing.
            obs("alice/app", Verdict::Up, at(22, 15, 0)),
            obs("alice/app", Verdict::Up, at(22, 15, 0)),
        ];
        for check in checks {
            store.record(&[check]).await.unwrap();
        }
        assert_eq!(store.usage_start().await.unwrap(), Some(at(22, 10, 0)));
        assert_eq!(
            store.usage_since(at(22, 0, 0)).await.unwrap(),
            [
                row("alice/app", "cpu-basic", 10 + 30 + 25 + 60),
                row("alice/app", "t4-small", 30 + 10),
                row("bob/x", "cpu-basic", 30),
            ]
        );
        // Whole hours: a window from 10:30 starts at 11:00, like one from 11:00.
        let from_eleven = [
            row("alice/app", "cpu-basic", 60),
            row("alice/app", "t4-small", 40),
        ];
        assert_eq!(
            store.usage_since(at(22, 10, 30)).await.unwrap(),
            from_eleven
        );
        assert_eq!(store.usage_since(at(22, 11, 0)).await.unwrap(), from_eleven);
        assert!(store.usage_since(at(22, 15, 0)).await.unwrap().is_empty());

        // A later check is seen at once (the memo is keyed by commits).
        store
            .record(&[obs("alice/app", Verdict::Up, at(22, 15, 20))])
            .await
            .unwrap();
        assert_eq!(
            store.usage_since(at(22, 15, 0)).await.unwrap(),
            [row("alice/app", "cpu-basic", 20)]
        );
        // A Space rebuilding on its running hardware bills too.
        let mut running = space_check("alice/app", Verdict::Up, at(22, 15, 30));
        running.stage = Some(Stage::RunningBuilding);
        store.record(&[running.into()]).await.unwrap();
        store
            .record(&[obs("alice/app", Verdict::Up, at(22, 15, 50))])
            .await
            .unwrap();
        assert_eq!(
            store.usage_since(at(22, 15, 0)).await.unwrap(),
            [row("alice/app", "cpu-basic", 20 + 10 + 20)]
        );
    }
}
