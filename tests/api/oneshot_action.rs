//! Issue 21, "One-shot commands for workflows": `spacewarden restart OWNER/NAME` and
//! `spacewarden rebuild OWNER/NAME` as processes against the fake Hub and a webhook.
//! One Hub call as the actor `cli`, no automatic cap in the way, the outcome printed
//! and turned into the exit status, bounded by `--timeout` or `GLOBAL_TIMEOUT_SECONDS`,
//! and refused beside a daemon that holds the database.

use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::{App, Run};
use crate::support::daemon::FAST_REPAIRS;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::webhook::WebhookSink;

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

/// alice/app, crashed, watched; alerts to `sink`; the ladder fast, and no automatic
/// repair allowed at all (`max_per_window = 0`): a person's request is not automatic.
fn app(hub: &FakeHub, sink: &WebhookSink, spec: SpaceSpec) -> App {
    hub.add_user("alice", "hf_alice");
    hub.add_space(spec);
    App::new(hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("ALERT_WEBHOOK_URL", &sink.url())
        .settings(&format!("{FAST_REPAIRS}max_per_window = 0\n"))
}

fn crashed() -> SpaceSpec {
    SpaceSpec::new("alice/app")
        .stage("RUNTIME_ERROR")
        .error_message("Space failed to start. Exit code: 1")
}

/// Runs the binary; a run that does not end by itself fails the test instead of
/// hanging it (far above any timeout used here).
async fn ends(app: &App, args: &[&str]) -> Run {
    tokio::time::timeout(Duration::from_secs(120), app.run(args))
        .await
        .unwrap_or_else(|_| panic!("spacewarden {args:?} did not end"))
}

#[tokio::test]
async fn restart_of_a_crashed_space_calls_the_hub_once_as_cli_and_exits_0() {
    let hub = FakeHub::start().await;
    let sink = WebhookSink::start().await;
    let app = app(&hub, &sink, crashed());

    let run = ends(&app, &["restart", "alice/app", "--timeout", "60s"]).await;
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains("alice/app is back after the restart"),
        "{}",
        run.stdout
    );
    assert_eq!(hub.restarts("alice/app"), [false], "exactly one restart");
    // Both delivered before the process ended, on a fresh database: a person's repair
    // that ends recovered is announced even when no check ever stored the Space's state
    // (a workflow's first step is often this restart).
    assert_eq!(
        sink.events(),
        ["repairing alice/app", "recovered alice/app"],
        "{}",
        run.stderr
    );

    let store = app.store().await;
    let actions = store.actions(&id("alice/app"), 10).await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(
        (
            actions[0].kind.as_str(),
            actions[0].trigger.as_str(),
            actions[0].actor.as_str(),
            actions[0].result.as_deref()
        ),
        ("restart", "manual", "cli", Some("recovered"))
    );
    let audit = store.audit_log(10).await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(
        (audit[0].platform.as_str(), audit[0].user_id.as_str()),
        ("cli", "cli")
    );
    assert_eq!(audit[0].outcome.as_deref(), Some("ok"));
    drop(store);

    // A rebuild is a factory rebuild, asked once: typing it is the confirmation.
    let run = ends(&app, &["rebuild", "alice/app", "--timeout", "60s"]).await;
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(hub.restarts("alice/app"), [false, true]);
}

#[tokio::test]
async fn a_space_that_stays_broken_exits_1_after_one_restart_within_the_timeout() {
    let hub = FakeHub::start().await;
    let sink = WebhookSink::start().await;
    let app = app(
        &hub,
        &sink,
        crashed().after_restart(vec!["BUILDING", "RUNTIME_ERROR"]),
    );

    let run = ends(&app, &["restart", "alice/app", "--timeout", "60s"]).await;
    assert_eq!(
        run.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout
            .contains("alice/app is still broken after the restart"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("timed out"), "{}", run.stderr);
    // A person's restart is one step: no ladder climbs after it.
    assert_eq!(hub.restarts("alice/app"), [false]);
}

#[tokio::test]
async fn global_timeout_seconds_bounds_the_wait() {
    let hub = FakeHub::start().await;
    let sink = WebhookSink::start().await;
    // The Space builds for ever, and the ladder would wait ten minutes for it.
    let app = app(&hub, &sink, crashed().after_restart(vec!["BUILDING"]))
        .settings("[repair]\npoll_interval = \"20ms\"\ntimeout = \"10m\"\n")
        .env("GLOBAL_TIMEOUT_SECONDS", "3");

    let run = ends(&app, &["restart", "alice/app"]).await;
    assert_eq!(
        run.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.contains("timed out after 3s"), "{}", run.stderr);
    assert_eq!(hub.restarts("alice/app"), [false]);
    // Left for the next run to resume by polling.
    let actions = app
        .store()
        .await
        .actions(&id("alice/app"), 10)
        .await
        .unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].result, None, "{actions:?}");
}

#[tokio::test]
async fn refused_with_exit_2_while_a_daemon_holds_the_database() {
    let hub = FakeHub::start().await;
    let sink = WebhookSink::start().await;
    // A daemon that never checks by itself (a yearly schedule).
    let app = app(&hub, &sink, crashed())
        .env("CHECK_SCHEDULE", "0 0 1 1 *")
        .env("RUST_LOG", "info");
    let mut daemon = app.spawn(&["run"]);
    daemon
        .wait_for("HTTP server listening", Duration::from_secs(30))
        .await;
    let holder = format!("pid {}", daemon.pid());

    for command in ["restart", "rebuild"] {
        let run = ends(&app, &[command, "alice/app"]).await;
        assert_eq!(run.code, 2, "stderr:\n{}", run.stderr);
        assert!(run.stderr.contains("DATABASE_URL"), "{}", run.stderr);
        assert!(run.stderr.contains(&holder), "{}", run.stderr);
        assert!(
            run.stderr.contains("POST /api/v1/spaces/"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(hub.count("POST", "/restart"), 0);
    assert_eq!(daemon.terminate(Duration::from_secs(30)).await, Some(0));
}
