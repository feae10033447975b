use chrono::TimeZone;

use super::*;

fn settings(streams: usize, max_streams: usize, every_secs: u64) -> MemorySettings {
    MemorySettings {
        streams,
        max_streams,
        every: Duration::from_secs(every_secs),
        ..MemorySettings::default()
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap() + chrono::TimeDelta::seconds(secs)
}

#[test]
fn streams_follow_the_running_spaces_within_floor_and_budget() {
    let defaults = MemorySettings::default();
    let three = Duration::from_secs(3);
    // (running, read, every, floor, budget) → streams
    let cases = [
        (0, three, 600, 4, 64, 4),
        (100, three, 600, 4, 64, 4),
        // 1,000 × 3 s × 1.25 / 600 s = 6.25
        (1_000, three, 600, 4, 64, 7),
        // 10,000 × 3 s × 1.25 / 600 s = 62.5: within the default budget, so every
        // running Space is read once per 10 minutes.
        (10_000, three, 600, 4, 64, 63),
        (20_000, three, 600, 4, 64, 64),
        (60, three, 30, 4, 8, 8),
        (60, three, 30, 4, 64, 8),
        (60, three, 30, 4, 5, 5),
        (1, Duration::from_millis(10), 600, 1, 64, 1),
        (usize::MAX, Duration::MAX, 1, 4, 64, 64),
    ];
    for (running, read, every, floor, budget, want) in cases {
        let s = settings(floor, budget, every);
        let got = streams_for(running, read, s.every, &s);
        assert_eq!(
            got, want,
            "{running} Spaces, {read:?} reads, every {every} s"
        );
    }
    assert!(streams_for(10_000, three, defaults.every, &defaults) <= defaults.max_streams);
}

#[test]
fn reads_are_timed_and_the_first_plan_assumes_a_second_per_event() {
    let s = settings(4, 64, 600);
    let mut pace = Pace::default();
    // Unmeasured: 3 events, 3 s a read.
    assert_eq!(pace.plan(10_000, &s, at(0)), Some(63));
    // Reads of 1 s measured: the mean moves halfway there.
    pace.finished(&[Duration::from_secs(1); 10], None, None, at(10));
    assert_eq!(pace.read_time, Some(Duration::from_secs(1)));
    assert_eq!(pace.plan(10_000, &s, at(20)), Some(21));
    pace.finished(&[Duration::from_secs(3); 2], None, None, at(30));
    assert_eq!(pace.read_time, Some(Duration::from_secs(2)));
}

#[test]
fn a_429_waits_as_asked_and_halves_the_streams_which_then_grow_back() {
    let s = settings(4, 64, 600);
    let mut pace = Pace::default();
    assert_eq!(pace.plan(10_000, &s, at(0)), Some(63));
    pace.finished(&[], None, Some(Duration::from_secs(56)), at(10));
    assert_eq!(
        pace.plan(10_000, &s, at(65)),
        None,
        "the Hub's wait is not over"
    );
    assert_eq!(pace.plan(10_000, &s, at(66)), Some(31));
    pace.finished(&[], None, Some(Duration::from_secs(1)), at(70));
    assert_eq!(pace.plan(10_000, &s, at(71)), Some(15));
    pace.finished(&[], None, None, at(80));
    assert_eq!(pace.plan(10_000, &s, at(81)), Some(30));
    pace.finished(&[], None, None, at(90));
    pace.finished(&[], None, None, at(100));
    assert_eq!(pace.plan(10_000, &s, at(101)), Some(63), "back to the plan");
    assert_eq!(pace.figures().streams, 63);
}

#[test]
fn the_interval_is_the_latest_known_gap() {
    let mut pace = Pace::default();
    assert_eq!(pace.figures().interval, None);
    pace.finished(&[], Some(Duration::from_secs(601)), None, at(0));
    pace.finished(&[], None, None, at(10));
    assert_eq!(pace.figures().interval, Some(Duration::from_secs(601)));
    pace.finished(&[], Some(Duration::from_secs(620)), None, at(20));
    assert_eq!(pace.figures().interval, Some(Duration::from_secs(620)));
}
