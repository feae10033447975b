//! The kept aggregates equal the full SQL recompute (`Store::uptime_all`,
//! `Store::daily_uptime_all`) after every cycle of a run with gaps, midnights, a Space
//! added and one dropped, days skipped and a prune, on both backends; and a second
//! holder that stores nothing (a follower replica) catches up from the marker alone.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};

use super::Aggregates;
use crate::domain::{Observation, SpaceCheck, SpaceId, Stage, Verdict};
use crate::store::{DayUptime, Store, Uptime};

fn check(space: &str, verdict: Verdict, at: DateTime<Utc>) -> Observation {
    let stage = match verdict {
        Verdict::Up => "RUNNING",
        Verdict::Down => "RUNTIME_ERROR",
        _ => "SLEEPING",
    };
    let id = SpaceId::parse(space).expect("a valid test Space id");
    SpaceCheck {
        hardware: Some("cpu-basic".into()),
        ..SpaceCheck::new(id, at, Stage::parse(stage), verdict)
    }
    .into()
}

/// One cycle as the daemon stores it: noted, then every observation, one transaction.
async fn cycle(store: &Store, now: DateTime<Utc>, checks: &[(&str, Verdict)]) {
    let mut tx = store.begin().await.expect("begin");
    tx.note_cycle(now, Some(now + Duration::minutes(15)))
        .await
        .expect("note");
    for (i, (space, verdict)) in checks.iter().enumerate() {
        let at = now - Duration::seconds(30) + Duration::seconds(i as i64);
        tx.record_observation(&check(space, *verdict, at))
            .await
            .expect("record");
    }
    tx.commit().await.expect("commit");
}

/// The SQL figures, keyed as the snapshot keys them.
async fn recomputed(
    store: &Store,
    now: DateTime<Utc>,
) -> (HashMap<String, Uptime>, HashMap<String, Vec<DayUptime>>) {
    let lower = |s: String| s.to_ascii_lowercase();
    let uptime = store.uptime_all(now).await.expect("uptime");
    let bars = store
        .daily_uptime_all(now, super::super::BAR_DAYS)
        .await
        .expect("bars");
    (
        uptime.into_iter().map(|(s, u)| (lower(s), u)).collect(),
        bars.into_iter().map(|(s, b)| (lower(s), b)).collect(),
    )
}

async fn same_as_sql(store: &Store, holder: &Aggregates, now: DateTime<Utc>, step: &str) {
    let kept = holder.snapshot(store, now).await.expect("snapshot");
    let (uptime, bars) = recomputed(store, now).await;
    assert_eq!(kept.uptime, uptime, "uptime after {step}");
    assert_eq!(kept.bars.drawn(), bars, "bars after {step}");
    // The cost windows: a day, a week, 30 days, and the month (from a midnight).
    let month = now
        .date_naive()
        .with_day(1)
        .expect("the 1st")
        .and_time(NaiveTime::MIN);
    let firsts = [1, 7, 30]
        .map(|days| now - Duration::days(days))
        .into_iter()
        .chain([month.and_utc()]);
    for since in firsts {
        let first = since.timestamp_millis().div_euclid(HOUR_MS) * HOUR_MS;
        let first = if first < since.timestamp_millis() {
            first + HOUR_MS
        } else {
            first
        };
        let kept = holder.usage_since(store, now, first).await.expect("usage");
        let read = store.usage_since(since).await.expect("usage");
        assert_eq!(*kept, read, "billed time since {since} after {step}");
    }
}

const HOUR_MS: i64 = 3_600_000;

/// A cycle's time and its checks.
type Cycle = (DateTime<Utc>, Vec<(&'static str, Verdict)>);

/// The cycles: every 10 minutes over two midnights, a 5-hour silence, a Space that
/// joins and one that leaves, then 3 days skipped, and a prune.
fn schedule() -> Vec<Cycle> {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 20, 22, 0, 0)
        .single()
        .expect("a valid instant");
    let mut cycles = Vec::new();
    let mut at = start;
    for i in 0..40 {
        // The silence: 01:00 to 06:00 on the 21st is a gap.
        if i == 18 {
            at += Duration::hours(5);
        }
        if i == 30 {
            at += Duration::days(3);
        }
        let mut checks = vec![
            (
                "alice/Web",
                if i % 3 == 0 {
                    Verdict::Down
                } else {
                    Verdict::Up
                },
            ),
            (
                "alice/sleepy",
                if i % 2 == 0 {
                    Verdict::Sleeping
                } else {
                    Verdict::Up
                },
            ),
        ];
        if i < 12 {
            checks.push(("bob/old", Verdict::Up));
        }
        // Away for hours: billed, on return, in the hour of its last check.
        if !(5..22).contains(&i) {
            checks.push(("dave/flaky", Verdict::Up));
        }
        if i >= 8 {
            checks.push((
                "carol/new",
                if i % 5 == 0 {
                    Verdict::Down
                } else {
                    Verdict::Up
                },
            ));
        }
        cycles.push((at, checks));
        at += Duration::minutes(if i % 4 == 0 { 50 } else { 10 });
    }
    cycles
}

/// The kept states equal `spaces` read whole.
async fn same_states(store: &Store, holder: &Aggregates, step: &str) {
    let kept = holder.states(store).await.expect("states");
    let read = store.space_states().await.expect("states");
    let kept: Vec<_> = kept.all().iter().map(|s| (**s).clone()).collect();
    assert_eq!(kept, read, "{:?}: states after {step}", store.backend());
}

/// Every Space's state, kept: after each cycle, after writes outside a cycle (a mute,
/// a repair's memory), and on a follower replica (a second store on the database,
/// Postgres) that only watches the marker.
#[tokio::test]
async fn kept_states_equal_the_table_after_every_write() {
    for store in crate::store::test_stores().await {
        let follower = match store.backend() {
            crate::store::Backend::Postgres => {
                Some(Store::connect(store.url()).await.expect("a second store"))
            }
            crate::store::Backend::Sqlite => None,
        };
        let (leader, remote) = (Aggregates::default(), Aggregates::default());
        for (n, (at, checks)) in schedule().into_iter().take(14).enumerate() {
            cycle(&store, at, &checks).await;
            same_states(&store, &leader, &format!("cycle {n}")).await;
            // Nothing written since: the same states, shared, not read again.
            let (a, b) = (leader.states(&store).await, leader.states(&store).await);
            let same = std::sync::Arc::ptr_eq(&a.expect("states"), &b.expect("states"));
            assert!(
                same,
                "{:?}: states read again after cycle {n}",
                store.backend()
            );
            let web = SpaceId::parse("alice/web").expect("an id");
            if n % 4 == 1 {
                // Outside a cycle: no marker moves, only the rows written are read.
                let until = (n % 8 == 1).then(|| at + Duration::hours(1));
                store.set_muted_until(&web, until).await.expect("mute");
                same_states(&store, &leader, &format!("a mute after cycle {n}")).await;
                let mut tx = store.begin().await.expect("begin");
                tx.save_memory(&web, &crate::domain::AlertMemory::default())
                    .await
                    .expect("memory");
                tx.set_gave_up(&web, n % 8 == 1).await.expect("gave up");
                tx.commit().await.expect("commit");
                same_states(&store, &leader, &format!("a recovery after cycle {n}")).await;
            }
            if let Some(follower) = follower.as_ref().filter(|_| n % 3 == 2) {
                let kept = remote.states(follower).await.expect("states");
                let read = store.space_states().await.expect("states");
                let kept: Vec<_> = kept.all().iter().map(|s| (**s).clone()).collect();
                assert_eq!(kept, read, "follower, cycle {n}");
            }
        }
    }
}

#[tokio::test]
async fn kept_figures_equal_the_full_recompute_after_every_cycle() {
    for store in crate::store::test_stores().await {
        let leader = Aggregates::default();
        let follower = Aggregates::default();
        for (n, (at, checks)) in schedule().into_iter().enumerate() {
            cycle(&store, at, &checks).await;
            let now = at + Duration::minutes(2);
            same_as_sql(&store, &leader, now, &format!("cycle {n} at {at}")).await;
            // The follower looks only every third cycle: it catches up from the marker.
            if n % 3 == 2 {
                same_as_sql(&store, &follower, now, &format!("follower, cycle {n}")).await;
            }
            if n == 35 {
                // Housekeeping drops hourly roll-ups older than a day and daily ones
                // before the 21st: the kept figures follow.
                let day = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).single();
                let day = day.expect("a valid instant");
                store
                    .prune(at - Duration::days(2), at - Duration::days(1), day)
                    .await
                    .expect("prune");
                cycle(&store, at + Duration::minutes(5), &checks).await;
                let now = at + Duration::minutes(7);
                same_as_sql(&store, &leader, now, "a prune").await;
            }
        }
        // Hours later with no cycle since: the open gap, the sliding windows.
        let (last, _) = schedule().pop().expect("cycles");
        for hours in [3, 30] {
            let now = last + Duration::hours(hours);
            same_as_sql(&store, &leader, now, &format!("{hours} h of silence")).await;
        }
    }
}
