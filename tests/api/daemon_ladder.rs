//! The daemon's decisions end to end against the fake Hub (in process, manual clock):
//! the repair ladder, its caps, alerts in order, incidents, and what is never repaired.

use std::time::Duration;

use spacewarden::domain::{RepairStep, SpaceId, Stage, Verdict};

use crate::support::app::App;
use crate::support::daemon::{Daemon, FAST_REPAIRS};
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};

async fn daemon(hub: &FakeHub, spaces: &str, extra_settings: &str) -> Daemon {
    hub.add_user("alice", "hf_alice");
    let app = App::new(hub)
        .env("SPACES", spaces)
        .env("HF_TOKEN", "hf_alice")
        .settings(&format!("{FAST_REPAIRS}{extra_settings}"));
    Daemon::new(&app).await.owning(app)
}

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

#[tokio::test]
async fn runtime_error_recovers_on_one_restart() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .error_message("Space failed to start. Exit code: 1")
            .run_logs(vec![
                "Traceback (most recent call last):",
                "ValueError: invalid literal for int() with base 10: 'x'",
            ]),
    );
    let d = daemon(&hub, "alice/app", "").await;
    d.cycle().await;
    assert_eq!(hub.restarts("alice/app"), [false], "exactly one restart");
    assert_eq!(
        d.collector.events(),
        [
            "down alice/app",
            "repairing alice/app",
            "recovered alice/app"
        ]
    );

    // The down alert carries the root cause: stage, errorMessage, the last log lines.
    // (A crash with only an exit code climbs today's ladder: restart first.)
    let down = &d.collector.alerts()[0].events[0];
    assert_eq!(down.stage, Some(Stage::RuntimeError));
    assert_eq!(
        down.error.as_deref(),
        Some("Space failed to start. Exit code: 1")
    );
    assert_eq!(
        down.logs.last().map(String::as_str),
        Some("ValueError: invalid literal for int() with base 10: 'x'")
    );
    let recovered = d.collector.alerts().last().unwrap().events[0].clone();
    assert_eq!(recovered.step, Some(RepairStep::Restart));

    // One incident, opened and closed; the action recorded with its result.
    let incidents = d
        .monitor
        .store()
        .incidents(&id("alice/app"), 10)
        .await
        .unwrap();
    assert_eq!(incidents.len(), 1);
    assert!(incidents[0].closed_ms.is_some());
    assert_eq!(incidents[0].resolution.as_deref(), Some("fixed by restart"));
    let actions = d
        .monitor
        .store()
        .actions(&id("alice/app"), 10)
        .await
        .unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(
        (actions[0].kind.as_str(), actions[0].result.as_deref()),
        ("restart", Some("recovered"))
    );
    assert_eq!(actions[0].actor, "spacewarden");

    // Next cycles: up, quiet, no more restarts.
    d.cycle().await;
    d.cycle().await;
    assert_eq!(hub.restarts("alice/app"), [false]);
    assert_eq!(d.collector.events().len(), 3);
}

#[tokio::test]
async fn build_error_needs_the_factory_rebuild() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("BUILD_ERROR")
            .after_restart(vec!["BUILDING", "BUILD_ERROR"])
            .after_factory(vec!["BUILDING", "APP_STARTING", "RUNNING"]),
    );
    let d = daemon(&hub, "alice/app", "").await;
    d.cycle().await;
    assert_eq!(
        hub.restarts("alice/app"),
        [false, true],
        "restart, then ?factory=true"
    );
    assert_eq!(
        d.collector.events(),
        [
            "down alice/app",
            "repairing alice/app",
            "repair_failed alice/app",
            "repairing alice/app",
            "recovered alice/app"
        ]
    );
    let last = d.collector.alerts().last().unwrap().events[0].clone();
    assert_eq!(last.step, Some(RepairStep::FactoryRebuild));
}

#[tokio::test]
async fn a_space_that_never_recovers_gets_one_gave_up_then_silence() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .after_restart(vec!["BUILDING", "RUNTIME_ERROR"])
            .after_factory(vec!["BUILDING", "RUNTIME_ERROR"]),
    );
    let d = daemon(&hub, "alice/app", "").await;
    for _ in 0..6 {
        d.cycle().await;
    }
    assert_eq!(hub.restarts("alice/app"), [false, true]);
    let events = d.collector.events();
    assert_eq!(
        events.iter().filter(|e| e.starts_with("gave_up")).count(),
        1,
        "{events:?}"
    );
    assert_eq!(events.last().unwrap(), "gave_up alice/app");
    // Hours later, still broken: still silent, still no repair (waits for a human).
    d.clock.advance(Duration::from_secs(8 * 3600));
    d.cycle().await;
    assert_eq!(hub.restarts("alice/app"), [false, true]);
    assert_eq!(d.collector.events(), events);

    // It changes (someone fixed it): recovered, and the ladder is armed again.
    hub.set_stage("alice/app", "RUNNING");
    d.cycle().await;
    assert_eq!(d.collector.events().last().unwrap(), "recovered alice/app");
    hub.set_stage("alice/app", "RUNTIME_ERROR");
    d.cycle().await;
    assert_eq!(hub.restarts("alice/app").len(), 4);
}

#[tokio::test]
async fn a_flapping_space_is_capped_per_window() {
    let hub = FakeHub::start().await;
    // Every restart works, but the app crashes again right after.
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"));
    let d = daemon(&hub, "alice/app", "").await;
    for _ in 0..5 {
        d.cycle().await;
        hub.set_stage("alice/app", "RUNTIME_ERROR");
    }
    assert_eq!(
        hub.restarts("alice/app").len(),
        3,
        "3 repairs per 6 h by default"
    );
    let events = d.collector.events();
    assert_eq!(
        events.iter().filter(|e| e.starts_with("gave_up")).count(),
        1,
        "{events:?}"
    );
    // Seven hours on, the window has moved: repairs are allowed again once it changes.
    d.clock.advance(Duration::from_secs(7 * 3600));
    hub.set_stage("alice/app", "RUNNING");
    d.cycle().await;
    hub.set_stage("alice/app", "RUNTIME_ERROR");
    d.cycle().await;
    assert_eq!(hub.restarts("alice/app").len(), 4);
}

#[tokio::test]
async fn broken_config_is_never_repaired_and_alerted_once() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("CONFIG_ERROR")
            .error_message("Invalid sdk_version in README.md front matter"),
    );
    let d = daemon(&hub, "alice/app", "").await;
    for _ in 0..3 {
        d.cycle().await;
    }
    assert_eq!(hub.count("POST", "/restart"), 0, "no repair call at all");
    assert_eq!(d.collector.events(), ["down alice/app"]);
    let event = &d.collector.alerts()[0].events[0];
    assert_eq!(event.verdict, Verdict::BrokenConfig);
    assert_eq!(
        event.error.as_deref(),
        Some("Invalid sdk_version in README.md front matter")
    );
}

#[tokio::test]
async fn other_states_are_never_repaired() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/paused").stage("PAUSED"))
        .add_space(SpaceSpec::new("alice/empty").stage("NO_APP_FILE"))
        .add_space(SpaceSpec::new("alice/future").stage("HYPERDRIVE"))
        .add_space(SpaceSpec::new("alice/manual").stage("RUNTIME_ERROR"));
    let d = daemon(
        &hub,
        "alice/paused,alice/empty,alice/future,alice/manual",
        "[spaces.\"alice/manual\"]\nauto_repair = false\n",
    )
    .await;
    for _ in 0..3 {
        d.cycle().await;
    }
    assert_eq!(hub.count("POST", "/restart"), 0);
    let events = d.collector.events();
    assert_eq!(
        events,
        ["down alice/empty", "down alice/future", "down alice/manual"],
        "alerted once each"
    );
    assert_eq!(
        d.collector.alerts().len(),
        1,
        "one grouped message for the cycle"
    );
}

#[tokio::test]
async fn hub_faults_cause_no_down_alerts_and_no_repairs() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let d = daemon(&hub, "alice/app", "").await;
    d.cycle().await;
    hub.inject(Fault::new(FaultKind::Status(503)).path("/api/spaces"));
    for _ in 0..3 {
        d.cycle().await;
    }
    hub.clear_faults();
    hub.inject(Fault::new(FaultKind::Garbage).path("/api/spaces").times(2));
    d.cycle().await;
    d.cycle().await;
    d.cycle().await;
    assert!(
        d.collector.events().is_empty(),
        "{:?}",
        d.collector.events()
    );
    assert_eq!(hub.count("POST", "/restart"), 0);
    let checks = d
        .monitor
        .store()
        .recent_checks("alice/app", 1)
        .await
        .unwrap();
    assert_eq!(checks[0].verdict, "up", "normal operation after the faults");
}

#[tokio::test]
async fn degraded_restarts_after_consecutive_failures() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").app(503, "upstream connect error"));
    let d = daemon(&hub, "alice/app", "").await;
    d.cycle().await;
    d.cycle().await;
    assert_eq!(
        hub.count("POST", "/restart"),
        0,
        "two failing probes are not enough"
    );
    assert!(d.collector.events().is_empty());
    d.cycle().await;
    assert!(
        !hub.restarts("alice/app").is_empty(),
        "the third failing probe restarts"
    );
    assert_eq!(d.collector.events()[0], "down alice/app");
    assert_eq!(d.collector.alerts()[0].events[0].verdict, Verdict::Degraded);
}

#[tokio::test]
async fn several_spaces_changing_in_one_cycle_make_one_message() {
    let hub = FakeHub::start().await;
    for name in ["a", "b", "c", "d"] {
        hub.add_space(SpaceSpec::new(&format!("alice/{name}")).stage("CONFIG_ERROR"));
    }
    let d = daemon(&hub, "alice/*", "").await;
    d.cycle().await;
    let alerts = d.collector.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].events.len(), 4);
    // And they recover together: one message again.
    for name in ["a", "b", "c", "d"] {
        hub.set_stage(&format!("alice/{name}"), "RUNNING");
    }
    d.cycle().await;
    assert_eq!(d.collector.alerts().len(), 2);
    assert_eq!(d.collector.alerts()[1].events.len(), 4);
}

#[tokio::test]
async fn mute_silences_alerts_and_maintenance_holds_repairs() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/muted").stage("RUNTIME_ERROR"))
        .add_space(SpaceSpec::new("alice/maint").stage("RUNTIME_ERROR"));
    // 2026-11-22 12:00 UTC is a Sunday; the window covers it.
    let d = daemon(
        &hub,
        "alice/muted,alice/maint",
        "[spaces.\"alice/maint\"]\nmaintenance = [{ start = \"0 11 * * 0\", duration = \"2h\" }]\n",
    )
    .await;
    d.cycle().await; // first sight: creates the rows
    let store = d.monitor.store();
    let events_before = d.collector.events().len();
    assert!(
        store
            .set_muted_until(
                &id("alice/muted"),
                Some(d.monitor.now() + chrono::Duration::hours(1))
            )
            .await
            .unwrap()
    );
    hub.set_stage("alice/muted", "RUNTIME_ERROR");
    d.cycle().await;
    assert_eq!(
        hub.count("POST", "/api/spaces/alice/maint/restart"),
        0,
        "maintenance holds repairs"
    );
    let events = d.collector.events();
    assert!(
        events.iter().all(|e| !e.ends_with("alice/maint")),
        "{events:?}"
    );
    // The muted Space is still repaired, silently.
    assert!(hub.count("POST", "/api/spaces/alice/muted/restart") >= 1);
    assert!(
        events[events_before..]
            .iter()
            .all(|e| !e.ends_with("alice/muted")),
        "{events:?}"
    );
}

#[tokio::test]
async fn sleeping_spaces_are_woken_and_the_wake_verified() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/sleepy").stage("SLEEPING"))
        .add_space(SpaceSpec::new("alice/nap").stage("SLEEPING"));
    let d = daemon(
        &hub,
        "alice/sleepy,alice/nap",
        "[spaces.\"alice/nap\"]\nkeep_alive = false\n",
    )
    .await;
    d.cycle().await;
    assert_eq!(hub.stage("alice/sleepy"), "RUNNING");
    assert_eq!(
        hub.stage("alice/nap"),
        "SLEEPING",
        "keep-alive off: left asleep"
    );
    assert_eq!(
        hub.count("POST", "/restart"),
        0,
        "a visit wakes it, not a restart"
    );
    assert_eq!(d.collector.events(), ["woken alice/sleepy"]);
    let actions = d
        .monitor
        .store()
        .actions(&id("alice/sleepy"), 5)
        .await
        .unwrap();
    assert_eq!(
        (actions[0].kind.as_str(), actions[0].result.as_deref()),
        ("wake", Some("woken"))
    );
}

#[tokio::test]
async fn uptime_and_incident_duration() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").stage("CONFIG_ERROR"));
    let d = daemon(&hub, "alice/app", "").await;
    d.cycle().await;
    d.cycle().await;
    hub.set_stage("alice/app", "RUNNING");
    d.cycle().await;
    d.cycle().await;
    let store = d.monitor.store();
    let uptime = store
        .uptime(&id("alice/app"), d.monitor.now())
        .await
        .unwrap();
    assert_eq!(uptime.h24, Some(0.5));
    assert_eq!(uptime.d30, Some(0.5));
    let incident = &store.incidents(&id("alice/app"), 1).await.unwrap()[0];
    assert_eq!(incident.duration(d.monitor.now()), Duration::from_secs(600));
    let recovered = d.collector.alerts().last().unwrap().events[0].clone();
    assert_eq!(recovered.down_for_secs, Some(600));
}

#[tokio::test]
async fn keep_alive_visits_free_spaces_inside_their_sleep_timer() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/free")
            .hardware(Some("cpu-basic"))
            .gc_timeout(Some(172_800)),
    )
    .add_space(
        SpaceSpec::new("alice/gpu")
            .hardware(Some("t4-small"))
            .gc_timeout(None),
    );
    let d = daemon(&hub, "alice/free,alice/gpu", "").await;
    d.cycle().await; // the probes are visits
    let app_requests = |space: &str| {
        hub.requests_to(crate::support::fake_hub::HostKind::App)
            .iter()
            .filter(|r| r.path.starts_with(&format!("/alice-{space}")))
            .count()
    };
    let (free_before, gpu_before) = (app_requests("free"), app_requests("gpu"));
    d.clock.advance(Duration::from_secs(3600));
    d.monitor.keep_alive_visits().await;
    assert_eq!(
        app_requests("free"),
        free_before,
        "visited an hour ago: not yet"
    );
    d.clock.advance(Duration::from_secs(12 * 3600));
    d.monitor.keep_alive_visits().await;
    assert_eq!(
        app_requests("free"),
        free_before + 1,
        "13 h without a visit: visited"
    );
    assert_eq!(
        app_requests("gpu"),
        gpu_before,
        "no sleep timer: never visited"
    );
    d.monitor.keep_alive_visits().await;
    assert_eq!(
        app_requests("free"),
        free_before + 1,
        "the visit was recorded"
    );
}
