//! Time nobody checked counts as unknown, never as up (issue 9, defect 9): cycles note
//! themselves, a silence of more than two schedule intervals is a gap, and the uptime
//! figures, the 90-day bars, the page and the API read it as such (the rule is in
//! `src/store/gaps.rs`).

use chrono::{DateTime, Duration, TimeZone, Utc};
use spacewarden::config::CheckSchedule;
use spacewarden::domain::{Observation, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::store::{Gap, Store};

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::Site;

fn app() -> SpaceId {
    SpaceId::parse("alice/app").unwrap()
}

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

fn observation(at: DateTime<Utc>, verdict: Verdict) -> Observation {
    let stage = if verdict == Verdict::Up {
        "RUNNING"
    } else {
        "RUNTIME_ERROR"
    };
    SpaceCheck {
        space: app(),
        at,
        stage: Some(Stage::parse(stage)),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: None,
        failure: None,
        probe: None,
        verdict,
        subdomain: None,
        gc_timeout: None,
        private: None,
        cause: None,
        revision: None,
    }
    .into()
}

/// What the daemon's cycle does with the store: the check and the cycle note, in one
/// transaction.
async fn cycle(store: &Store, schedule: &CheckSchedule, now: DateTime<Utc>, verdict: Verdict) {
    let mut tx = store.begin().await.unwrap();
    tx.record_observation(&observation(now, verdict))
        .await
        .unwrap();
    tx.note_cycle(now, schedule.gap_deadline(now))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Cycles every five minutes from `from` to `to`, both included.
async fn cycles(
    store: &Store,
    schedule: &CheckSchedule,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    verdict: impl Fn(DateTime<Utc>) -> Verdict,
) {
    let mut now = from;
    while now <= to {
        cycle(store, schedule, now, verdict(now)).await;
        now += Duration::minutes(5);
    }
}

#[tokio::test]
async fn a_ten_hour_silence_is_unknown_in_the_figures_and_the_bar() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let schedule = CheckSchedule::parse("*/5 * * * *").unwrap();
    // Nov 22: checked until 08:00 (down 04:00–04:55), then spacewarden stopped; back
    // at 18:00.
    let down_at_four = |t: DateTime<Utc>| {
        if t >= at(22, 4, 0) && t < at(22, 5, 0) {
            Verdict::Down
        } else {
            Verdict::Up
        }
    };
    cycles(&store, &schedule, at(22, 0, 0), at(22, 8, 0), down_at_four).await;
    cycles(&store, &schedule, at(22, 18, 0), at(22, 23, 55), |_| {
        Verdict::Up
    })
    .await;
    assert_eq!(
        store.coverage_gaps(at(21, 0, 0)).await.unwrap(),
        [Gap {
            start: at(22, 8, 0),
            end: at(22, 18, 0)
        }]
    );

    let now = at(22, 23, 59);
    let uptime = store.uptime(&app(), now).await.unwrap();
    // 24 h: hours 09–17 hold nothing and hour 08 is all silence after its one check,
    // so it is left out with that check: 96 + 72 checks, 12 of them down.
    assert_eq!(uptime.h24, Some(156.0 / 168.0));
    // The day itself is checked for more than half: all 169 checks count.
    assert_eq!(uptime.d7, Some(157.0 / 169.0));
    assert_eq!(uptime.d30, uptime.d7);

    let bar = store.daily_uptime(&app(), now, 3).await.unwrap();
    let today = bar[2];
    assert_eq!(today.day, at(22, 0, 0));
    assert_eq!(today.unchecked, 600.0 / 1439.0, "10 h of the day so far");
    assert_eq!(
        today.unchecked_for,
        std::time::Duration::from_secs(10 * 3600)
    );
    assert!(!today.unknown());
    assert_eq!(today.uptime, Some(157.0 / 169.0));
    assert_eq!(bar[1].unchecked, 0.0);
    let all = store.daily_uptime_all(now, 3).await.unwrap();
    assert_eq!(all, [("alice/app".to_owned(), bar)]);
}

#[tokio::test]
async fn a_day_mostly_unchecked_is_grey_and_out_of_the_figures() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let schedule = CheckSchedule::parse("*/5 * * * *").unwrap();
    let up = |_| Verdict::Up;
    // Nov 22 checked all day, down for its last hour.
    cycles(&store, &schedule, at(22, 0, 0), at(22, 23, 55), |t| {
        if t >= at(22, 23, 0) {
            Verdict::Down
        } else {
            Verdict::Up
        }
    })
    .await;
    // Nov 23: an hour of checks, 20 h of silence, three hours of checks, all up.
    cycles(&store, &schedule, at(23, 0, 0), at(23, 1, 0), up).await;
    cycles(&store, &schedule, at(23, 21, 0), at(23, 23, 55), up).await;

    let now = at(23, 23, 59);
    let bar = store.daily_uptime(&app(), now, 2).await.unwrap();
    assert!(bar[1].unknown(), "{:?}", bar[1]);
    assert_eq!(bar[1].uptime, None, "no figure for a day shown grey");
    // Its 49 up checks do not lift the week: only Nov 22's 288 (12 down) count.
    let uptime = store.uptime(&app(), now).await.unwrap();
    assert_eq!(uptime.d7, Some(276.0 / 288.0));

    // Then nothing at all: by Nov 24 09:00 the deadline of the last cycle is long
    // past, and the day so far is unknown without any cycle to record it.
    let later = at(24, 9, 0);
    let bar = store.daily_uptime(&app(), later, 3).await.unwrap();
    assert!(bar[2].unknown(), "{:?}", bar[2]);
    assert_eq!(bar[2].unchecked, 1.0);
}

#[tokio::test]
async fn the_page_shows_the_silence_grey_and_the_api_agrees() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = Site::new(&hub, "alice/app", Some(crate::support::web::API_KEY), "").await;
    // Nov 22 12:00, 12:05, 12:10, then spacewarden is gone for 20 hours.
    for _ in 0..3 {
        site.cycle().await;
    }
    site.clock
        .advance(std::time::Duration::from_secs(20 * 3600));
    site.cycle().await;

    // The Space's page has the full 90-day bar (the overview draws a compact one).
    let page = site.get("/space/alice/app").await;
    // Nov 23: one check at 08:15 after a night nobody checked.
    assert!(
        page.body.contains(
            r#"<i class="gap r" tabindex="-1" data-tip="Nov 23: not checked for 8 h 15 min">"#
        ),
        "{}",
        page.body
    );
    // Nov 22: checked from noon, unchecked from 12:10: a grey band on a green day.
    assert!(
        page.body
            .contains(r#"data-tip="Nov 22: 100 %; not checked for 11 h 50 min""#),
        "{}",
        page.body
    );

    // The API reads the same figures: every hour with checks in the last 24 h was
    // mostly silence, so there is no 24 h figure; Nov 22 counts for the week.
    let detail = site.api_get("/api/v1/spaces/alice/app").await.json();
    assert_eq!(detail["uptime"]["h24"], serde_json::Value::Null, "{detail}");
    assert_eq!(detail["uptime"]["d7"], 1.0, "{detail}");
    let list = site.api_get("/api/v1/spaces").await.json();
    assert_eq!(list["spaces"][0]["uptime"], detail["uptime"], "{list}");
}
