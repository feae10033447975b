//! `spacewarden check --repair` as a process against the fake Hub and a webhook: one
//! run repairs with the daemon's ladder, waits for the outcome, delivers its alerts
//! before it exits, and leaves what it could not deliver for the next run.

use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::{App, Run};
use crate::support::daemon::FAST_REPAIRS;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::webhook::WebhookSink;

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

/// alice's Spaces, alerts to `sink`, the ladder fast enough for a test.
fn app(hub: &FakeHub, sink: &WebhookSink) -> App {
    hub.add_user("alice", "hf_alice");
    App::new(hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("ALERT_WEBHOOK_URL", &sink.url())
        .settings(FAST_REPAIRS)
}

/// Runs the binary; a run that does not end by itself fails the test instead of
/// hanging it (the limit is far above any `--timeout` used here).
async fn run_bin(app: &App, args: &[&str]) -> Run {
    tokio::time::timeout(Duration::from_secs(120), app.run(args))
        .await
        .unwrap_or_else(|_| panic!("spacewarden {args:?} did not end"))
}

#[tokio::test]
async fn a_crashed_space_is_restarted_once_and_reported_up() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .error_message("Space failed to start. Exit code: 1"),
    )
    .add_space(SpaceSpec::new("alice/fine"));
    let sink = WebhookSink::start().await;
    let app = app(&hub, &sink);

    let run = run_bin(&app, &["check", "--repair", "--json", "--timeout", "60s"]).await;
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    // The final state, in check's JSON shape (stdout holds nothing else).
    assert_eq!(run.row("alice/app")["verdict"], "up");
    assert_eq!(run.row("alice/fine")["verdict"], "up");
    assert_eq!(run.json().len(), 2);
    assert_eq!(hub.restarts("alice/app"), [false], "exactly one restart");
    assert!(hub.restarts("alice/fine").is_empty());

    // Delivered before the process ended: no waiting here.
    assert_eq!(
        sink.events(),
        [
            "down alice/app",
            "repairing alice/app",
            "recovered alice/app"
        ]
    );
    // The log destination goes to stderr, timestamped.
    assert!(
        run.stderr.contains("Z ALERT "),
        "no ALERT line on stderr:\n{}",
        run.stderr
    );

    // Recorded as the daemon records it, with the actor `cli`.
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
        ("restart", "auto", "cli", Some("recovered"))
    );
    let incidents = store.incidents(&id("alice/app"), 10).await.unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].resolution.as_deref(), Some("fixed by restart"));
}

#[tokio::test]
async fn a_space_that_stays_broken_gets_the_whole_ladder_and_one_gave_up_alert() {
    let hub = FakeHub::start().await;
    // Every restart and rebuild ends where it started.
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .error_message("Space failed to start. Exit code: 1")
            .after_restart(vec!["BUILDING", "RUNTIME_ERROR"]),
    );
    let sink = WebhookSink::start().await;
    let app = app(&hub, &sink);

    let run = run_bin(&app, &["check", "--repair", "--json", "--timeout", "60s"]).await;
    assert_eq!(run.code, 1, "a Space still down; stderr:\n{}", run.stderr);
    assert_eq!(run.row("alice/app")["verdict"], "down");
    assert!(
        !run.stderr.contains("timed out"),
        "the ladder ended before the timeout:\n{}",
        run.stderr
    );
    assert_eq!(
        hub.restarts("alice/app"),
        [false, true],
        "restart, then factory rebuild, then nothing more"
    );
    assert_eq!(
        sink.events(),
        [
            "down alice/app",
            "repairing alice/app",
            "repair_failed alice/app",
            "repairing alice/app",
            "repair_failed alice/app",
            "gave_up alice/app"
        ]
    );
}

#[tokio::test]
async fn with_the_webhook_down_the_run_ends_and_the_next_run_delivers_once() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"));
    let sink = WebhookSink::start().await;
    sink.set_down(true);
    let app = app(&hub, &sink);

    let first = run_bin(&app, &["check", "--repair", "--json", "--timeout", "3s"]).await;
    assert_eq!(first.code, 0, "repaired; stderr:\n{}", first.stderr);
    assert!(sink.refused() > 0, "the webhook was tried");
    assert!(sink.received().is_empty());
    assert!(
        first
            .stderr
            .contains("not delivered within the timeout; they go out on the next run"),
        "the run did not stop at its timeout:\n{}",
        first.stderr
    );
    assert_eq!(hub.restarts("alice/app"), [false]);

    sink.set_down(false);
    let second = run_bin(&app, &["check", "--repair", "--json", "--timeout", "60s"]).await;
    assert_eq!(second.code, 0, "stderr:\n{}", second.stderr);
    let expected = [
        "down alice/app",
        "repairing alice/app",
        "recovered alice/app",
    ];
    assert_eq!(sink.events(), expected);

    // Nothing goes out twice, and nothing was repaired again.
    let third = run_bin(&app, &["check", "--repair", "--json", "--timeout", "60s"]).await;
    assert_eq!(third.code, 0, "stderr:\n{}", third.stderr);
    assert_eq!(sink.events(), expected);
    assert_eq!(hub.restarts("alice/app"), [false]);
}
