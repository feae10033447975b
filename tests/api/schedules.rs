//! Issue 14, the owner's schedule and hardware: a Space awake for the first 30 s of
//! every minute is paused outside and brought back inside its window, with no down
//! alert and no repair; the daily savings line goes out once; requested hardware that
//! does not run is alerted once past its grace.

use chrono::{TimeZone, Utc};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS};
use crate::support::fake_hub::{FakeHub, SpaceSpec};

async fn daemon(hub: &FakeHub, settings: &str) -> Daemon {
    hub.add_user("alice", "hf_alice");
    let app = App::new(hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .settings(&format!("{FAST_REPAIRS}{settings}"));
    Daemon::new(&app).await.owning(app)
}

/// One cycle at `at` (hh:mm:ss on the harness's day), its work run to the end.
async fn cycle_at(d: &Daemon, hour: u32, minute: u32, second: u32) {
    d.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 22, hour, minute, second)
            .unwrap(),
    );
    let targets = d.monitor.config().watch.clone();
    d.monitor.tick(&targets).await.expect("cycle");
    d.monitor.settle().await;
    d.deliver().await;
}

const NIGHT_OWL: &str = "
[spaces.\"alice/night-owl\"]
awake = [{ start = \"0 * * * * *\", duration = \"30s\" }]
";

#[tokio::test]
async fn outside_its_window_a_space_is_paused_and_inside_brought_back_quietly() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/night-owl").hardware(Some("t4-small")));
    let d = daemon(&hub, NIGHT_OWL).await;

    cycle_at(&d, 12, 0, 40).await; // outside: paused
    assert_eq!(hub.count("POST", "/pause"), 1);
    assert_eq!(hub.stage("alice/night-owl"), "PAUSED");
    cycle_at(&d, 12, 0, 50).await; // still outside: left paused, not woken
    assert_eq!(hub.count("POST", "/pause"), 1);
    assert!(hub.restarts("alice/night-owl").is_empty());

    cycle_at(&d, 12, 1, 5).await; // inside: restarted and verified
    assert_eq!(hub.restarts("alice/night-owl"), [false]);
    assert_eq!(hub.stage("alice/night-owl"), "RUNNING");
    cycle_at(&d, 12, 1, 20).await; // inside, running: nothing to do
    assert_eq!(hub.restarts("alice/night-owl"), [false]);

    cycle_at(&d, 12, 1, 45).await; // outside again
    assert_eq!(hub.count("POST", "/pause"), 2);

    let events = d.collector.events();
    assert!(
        events.iter().all(|e| !e.starts_with("down ")
            && !e.starts_with("repairing ")
            && !e.starts_with("woken ")),
        "{events:?}"
    );
    let actions = d
        .monitor
        .store()
        .actions(
            &spacewarden::domain::SpaceId::parse("alice/night-owl").unwrap(),
            10,
        )
        .await
        .unwrap();
    assert!(
        actions
            .iter()
            .all(|a| a.trigger == "schedule" && a.actor == "schedule"),
        "{actions:?}"
    );
    let kinds: Vec<&str> = actions.iter().rev().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["pause", "wake", "pause"]);

    // The daily line: once, however often the chore runs.
    d.monitor.daily_savings().await;
    d.monitor.daily_savings().await;
    d.deliver().await;
    let saved: Vec<String> = d
        .collector
        .alerts()
        .iter()
        .flat_map(|a| a.events.iter())
        .filter(|e| e.kind == spacewarden::alerts::EventKind::Saved)
        .map(|e| e.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    // Outside half of every minute: 12 h of the last 24 at $0.40 an hour.
    assert_eq!(saved[0], "paused for 12 h, saved ≈ $4.80");
}

#[tokio::test]
async fn requested_hardware_that_does_not_run_is_alerted_once() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/gpu")
            .requested_hardware(Some("t4-small"))
            .current_hardware(Some("cpu-basic")),
    );
    let d = daemon(&hub, "").await;
    // A check every five minutes: past the 30-minute grace, one alert; then quiet.
    for _ in 0..12 {
        d.cycle().await;
    }
    let drift: Vec<String> = d
        .collector
        .events()
        .into_iter()
        .filter(|e| e.starts_with("hardware_drift"))
        .collect();
    assert_eq!(drift, ["hardware_drift alice/gpu"]);
    let alert = d
        .collector
        .alerts()
        .into_iter()
        .find(|a| {
            a.events
                .iter()
                .any(|e| e.kind == spacewarden::alerts::EventKind::HardwareDrift)
        })
        .unwrap();
    let text = spacewarden::alerts::render::text(&alert);
    assert!(
        text.contains("alice/gpu is not running the hardware it asked for (asked for t4-small, runs on cpu-basic for 30m)"),
        "{text}"
    );
}

#[tokio::test]
async fn an_admins_wake_outside_the_window_holds_until_the_next_edge() {
    use spacewarden::commands::{Access, Actor, Command, CommandCore};
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/night-owl").hardware(Some("t4-small")));
    let d = daemon(&hub, NIGHT_OWL).await;
    let core = CommandCore::new(
        d.monitor.clone(),
        Access {
            telegram_admins: vec![42],
            ..Access::default()
        },
        None,
    );

    cycle_at(&d, 12, 0, 35).await; // outside: the schedule pauses
    assert_eq!(hub.count("POST", "/pause"), 1);
    core.execute(
        &Actor::telegram(42, 42),
        Command::Wake("alice/night-owl".into()),
    )
    .await;
    d.monitor.settle().await;
    // Paused since the last check: the wake restarts it, a visit would not.
    assert_eq!(hub.restarts("alice/night-owl"), [false]);
    assert_eq!(hub.stage("alice/night-owl"), "RUNNING");

    cycle_at(&d, 12, 0, 50).await; // still outside, same phase: the admin's wake holds
    assert_eq!(hub.count("POST", "/pause"), 1);
    assert_eq!(hub.stage("alice/night-owl"), "RUNNING");
    cycle_at(&d, 12, 1, 10).await; // the window opens: running, nothing to do
    assert_eq!(hub.count("POST", "/pause"), 1);
    cycle_at(&d, 12, 1, 35).await; // the next edge: the schedule takes over again
    assert_eq!(hub.count("POST", "/pause"), 2);
    assert_eq!(hub.stage("alice/night-owl"), "PAUSED");
}
