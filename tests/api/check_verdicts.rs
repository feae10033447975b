//! `spacewarden check` reaches every verdict of the DESIGN table through the fake Hub,
//! prints the public JSON shape and a readable table, stores what it saw, and exits
//! with the documented status.

use std::time::Duration;

use spacewarden::domain::Verdict;
use spacewarden::monitor::Tuning;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, HostKind, SpaceSpec};

/// One public Space per stage of interest, all owned by alice.
async fn zoo() -> FakeHub {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/up").hardware(Some("cpu-basic")))
        .add_space(SpaceSpec::new("alice/degraded").app(503, "upstream unavailable"))
        .add_space(SpaceSpec::new("alice/serving-build").stage("RUNNING_BUILDING"))
        .add_space(SpaceSpec::new("alice/building").stage("BUILDING"))
        .add_space(
            SpaceSpec::new("alice/crashed")
                .stage("RUNTIME_ERROR")
                .error_message("Space failed to start. Exit code: 1"),
        )
        .add_space(SpaceSpec::new("alice/build-failed").stage("BUILD_ERROR"))
        .add_space(
            SpaceSpec::new("alice/bad-yaml")
                .stage("CONFIG_ERROR")
                .error_message("Invalid sdk_version in README.md"),
        )
        .add_space(SpaceSpec::new("alice/empty").stage("NO_APP_FILE"))
        .add_space(SpaceSpec::new("alice/sleepy").stage("SLEEPING"))
        .add_space(
            SpaceSpec::new("alice/idle-gpu")
                .stage("STOPPED")
                .hardware(Some("t4-small")),
        )
        .add_space(SpaceSpec::new("alice/on-hold").stage("PAUSED"))
        .add_space(SpaceSpec::new("alice/future").stage("QUANTUM_TUNNELING"));
    hub
}

const EXPECTED: [(&str, &str, &str); 12] = [
    ("alice/up", "RUNNING", "up"),
    ("alice/degraded", "RUNNING", "degraded"),
    ("alice/serving-build", "RUNNING_BUILDING", "up"),
    ("alice/building", "BUILDING", "starting"),
    ("alice/crashed", "RUNTIME_ERROR", "down"),
    ("alice/build-failed", "BUILD_ERROR", "down"),
    ("alice/bad-yaml", "CONFIG_ERROR", "broken_config"),
    ("alice/empty", "NO_APP_FILE", "broken_config"),
    ("alice/sleepy", "SLEEPING", "sleeping"),
    ("alice/idle-gpu", "STOPPED", "sleeping"),
    ("alice/on-hold", "PAUSED", "paused"),
    ("alice/future", "QUANTUM_TUNNELING", "unknown_stage"),
];

#[tokio::test]
async fn every_verdict_through_the_fake_hub() {
    let hub = zoo().await;
    hub.inject(Fault::new(FaultKind::Status(500)).path("author=bob"));
    let app = App::new(&hub).env("SPACES", "alice/*,bob/api");
    let run = app.check_json().await;
    assert_eq!(
        run.code, 1,
        "a down Space means exit 1; stderr:\n{}",
        run.stderr
    );

    for (space, stage, verdict) in EXPECTED {
        let row = run.row(space);
        assert_eq!(row["stage"], stage, "{space}");
        assert_eq!(row["verdict"], verdict, "{space}");
    }
    let unreachable = run.row("bob/api");
    assert_eq!(unreachable["verdict"], "unreachable");
    assert!(unreachable["stage"].is_null());
    assert!(unreachable["error"].as_str().unwrap().contains("HTTP 500"));

    // The public JSON shape, field by field.
    let up = run.row("alice/up");
    assert_eq!(up["hardware"], "cpu-basic");
    assert_eq!(up["probe"]["status"], 200);
    assert_eq!(up["probe"]["ok"], true);
    assert!(up["probe"]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert!(up["error"].is_null());
    let degraded = run.row("alice/degraded");
    assert_eq!(degraded["probe"]["status"], 503);
    assert_eq!(degraded["probe"]["ok"], false);
    assert_eq!(
        run.row("alice/crashed")["error"],
        "Space failed to start. Exit code: 1"
    );
    assert_eq!(
        run.row("alice/bad-yaml")["error"],
        "Invalid sdk_version in README.md"
    );
    assert!(run.row("alice/sleepy")["probe"].is_null());

    // Sleeping, paused and broken Spaces are never probed: a GET would wake them.
    let probed: Vec<String> = hub
        .requests_to(HostKind::App)
        .into_iter()
        .map(|r| r.path)
        .collect();
    for quiet in [
        "sleepy", "idle-gpu", "on-hold", "crashed", "building", "bad-yaml",
    ] {
        assert!(
            !probed.iter().any(|p| p.contains(&format!("alice-{quiet}"))),
            "{quiet} was probed: {probed:?}"
        );
    }
    assert_eq!(hub.stage("alice/sleepy"), "SLEEPING");

    // One list call for alice, no per-Space runtime calls.
    let alice_lists = hub
        .requests_to(HostKind::Hub)
        .iter()
        .filter(|r| r.path == "/api/spaces" && r.query.contains("author=alice"))
        .count();
    assert_eq!(alice_lists, 1);
    assert_eq!(hub.count("GET", "/runtime"), 0);

    // Everything was stored.
    let store = app.store().await;
    for (space, stage, verdict) in EXPECTED {
        let rows = store.recent_checks(space, 5).await.unwrap();
        assert_eq!(rows.len(), 1, "{space}");
        assert_eq!(rows[0].verdict, verdict);
        assert_eq!(rows[0].stage.as_deref(), Some(stage));
    }
    assert_eq!(
        store.recent_checks("bob/api", 5).await.unwrap()[0].verdict,
        "unreachable"
    );
}

#[tokio::test]
async fn table_output_is_readable() {
    let hub = zoo().await;
    let app = App::new(&hub).env("SPACES", "alice/up,alice/crashed,alice/degraded");
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SPACE") && lines[0].contains("VERDICT") && lines[0].contains("PROBE")
    );
    let crashed = lines
        .iter()
        .find(|l| l.starts_with("alice/crashed"))
        .unwrap();
    assert!(
        crashed.contains("RUNTIME_ERROR")
            && crashed.contains("down")
            && crashed.contains("Exit code: 1")
    );
    let up = lines.iter().find(|l| l.starts_with("alice/up")).unwrap();
    assert!(up.contains("200 ") && up.contains("ms"), "{up}");
    let degraded = lines
        .iter()
        .find(|l| l.starts_with("alice/degraded"))
        .unwrap();
    assert!(
        degraded.contains("503") && degraded.contains("app answered HTTP 503"),
        "{degraded}"
    );
    // The summary, then when the check ran, with the zone's offset (issue 22).
    let summary = lines.last().unwrap();
    assert!(
        summary.starts_with("3 Spaces: 1 up, 1 degraded, 1 down · checked ")
            && summary.ends_with(" (UTC)"),
        "{summary}"
    );
}

#[tokio::test]
async fn exit_zero_when_all_is_well() {
    let hub = zoo().await;
    let app = App::new(&hub).env(
        "SPACES",
        "alice/up,alice/sleepy,alice/on-hold,alice/building",
    );
    let run = app.check_json().await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().len(), 4);
}

#[tokio::test]
async fn space_flag_overrides_the_watch_list() {
    let hub = zoo().await;
    let app = App::new(&hub).env("SPACES", "alice/crashed");
    let run = app.run(&["check", "--json", "--space", "alice/up"]).await;
    assert_eq!(run.code, 0);
    let rows = run.json();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["space"], "alice/up");
    let bad = app.run(&["check", "--space", "not a space"]).await;
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a space"), "{}", bad.stderr);
}

#[tokio::test]
async fn probe_settings_from_the_config_file() {
    let hub = zoo().await;
    hub.set_app("alice/up", 200, "<html>Maintenance mode</html>");
    let app = App::new(&hub);
    let file = app.dir().join("spacewarden.toml");
    std::fs::write(
        &file,
        "[spaces.\"alice/up\"]\nhealth_path = \"/healthz\"\nkeyword = \"All systems go\"\nprobe_timeout = \"1s\"\n",
    )
    .unwrap();
    let app = app
        .env("SPACES", "alice/up")
        .env("SPACEWARDEN_CONFIG", file.to_str().unwrap());
    let run = app.check_json().await;
    let row = run.row("alice/up");
    assert_eq!(row["verdict"], "degraded");
    assert!(row["error"].as_str().unwrap().contains("All systems go"));
    let probe = hub.requests_to(HostKind::App);
    assert!(
        probe.iter().any(|r| r.path.ends_with("/alice-up/healthz")),
        "{probe:?}"
    );
    assert_eq!(run.code, 1);

    hub.set_app_delay("alice/up", Duration::from_secs(3));
    let run = app.check_json().await;
    assert!(
        run.row("alice/up")["error"]
            .as_str()
            .unwrap()
            .contains("no answer within 1.0s")
    );
}

#[tokio::test]
async fn missing_subdomain_is_derived_and_private_apps_get_the_token() {
    let hub = FakeHub::start().await;
    hub.add_user("carol", "hf_carol_secret");
    hub.add_space(
        SpaceSpec::new("carol/My_App.v2")
            .private(true)
            .omit_subdomain(),
    );
    let app = App::new(&hub)
        .env("SPACES", "carol/My_App.v2")
        .env("HF_TOKEN", "hf_carol_secret");
    let run = app.check_json().await;
    assert_eq!(
        run.row("carol/My_App.v2")["verdict"],
        "up",
        "{}",
        run.stderr
    );
    let probe = &hub.requests_to(HostKind::App)[0];
    assert!(probe.path.starts_with("/carol-my-app-v2"), "{}", probe.path);
    assert_eq!(
        probe.authorization.as_deref(),
        Some("Bearer hf_carol_secret")
    );
}

#[tokio::test]
async fn starting_past_the_grace_period_is_down() {
    let hub = zoo().await;
    let app = App::new(&hub);
    let file = app.dir().join("spacewarden.toml");
    std::fs::write(&file, "[repair]\nstart_grace = \"50ms\"\n").unwrap();
    let app = app
        .env("SPACES", "alice/building")
        .env("SPACEWARDEN_CONFIG", file.to_str().unwrap());
    let monitor = app.monitor(Tuning::default()).await;
    let targets = monitor.config().watch.clone();
    let first = monitor.run_cycle(&targets).await.unwrap();
    assert_eq!(first[0].verdict(), Verdict::Starting);
    // Past the 50 ms grace a later cycle says down.
    let down = crate::support::process::eventually(Duration::from_secs(5), async || {
        monitor.run_cycle(&targets).await.unwrap()[0].verdict() == Verdict::Down
    })
    .await;
    assert!(down, "still starting after the grace");
}
