//! `spacewarden run` as a process: crash safety of repairs (SIGKILL), alert delivery
//! that survives a dead receiver and a restart, ticks that never overlap, and a clean
//! stop on SIGTERM.

use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};
use crate::support::process::{all_sent, eventually, outbox_until};
use crate::support::webhook::WebhookSink;

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

fn every_second(hub: &FakeHub, spaces: &str, settings: &str) -> App {
    hub.add_user("alice", "hf_alice");
    App::new(hub)
        .env("SPACES", spaces)
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .settings(settings)
}

fn plain_restarts(hub: &FakeHub, space: &str) -> usize {
    hub.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/api/spaces/{space}/restart"))
        .filter(|r| !r.query.contains("factory=true"))
        .count()
}

#[tokio::test]
async fn sigkill_during_a_repair_never_restarts_twice() {
    let hub = FakeHub::start().await;
    let mut slow_start = vec!["BUILDING"; 30];
    slow_start.push("RUNNING");
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .after_restart(slow_start),
    );
    let app = every_second(
        &hub,
        "alice/app",
        "[repair]\npoll_interval = \"100ms\"\ntimeout = \"60s\"\n",
    );
    let mut first = app.spawn(&["run"]);
    let store = app.store().await;
    let called = eventually(Duration::from_secs(15), async || {
        let actions = store.actions(&id("alice/app"), 5).await.unwrap();
        actions.first().is_some_and(|a| a.state == "called")
    })
    .await;
    assert!(called, "no restart recorded:\n{}", first.output());
    first.kill().await;
    assert_eq!(plain_restarts(&hub, "alice/app"), 1);

    let mut second = app.spawn(&["run"]);
    let recovered = eventually(Duration::from_secs(20), async || {
        let actions = store.actions(&id("alice/app"), 5).await.unwrap();
        actions
            .first()
            .is_some_and(|a| a.result.as_deref() == Some("recovered"))
    })
    .await;
    assert!(
        recovered,
        "not recovered after the restart:\n{}",
        second.output()
    );
    assert!(
        second
            .output()
            .contains("resuming an unfinished repair by polling")
    );
    assert_eq!(hub.count("POST", "/restart"), 1, "no second restart call");
    assert_eq!(store.actions(&id("alice/app"), 5).await.unwrap().len(), 1);
    assert_eq!(second.terminate(Duration::from_secs(10)).await, Some(0));
}

#[tokio::test]
async fn sigkill_while_the_restart_call_hangs_never_repeats_it() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app").stage("RUNTIME_ERROR"));
    hub.inject(
        Fault::new(FaultKind::Hang(Duration::from_secs(5)))
            .path("/restart")
            .method("POST")
            .times(1),
    );
    let app = every_second(
        &hub,
        "alice/app",
        "[repair]\npoll_interval = \"100ms\"\ntimeout = \"5s\"\n",
    );
    let mut first = app.spawn(&["run"]);
    let sent = eventually(Duration::from_secs(15), async || {
        hub.count("POST", "/restart") == 1
    })
    .await;
    assert!(sent, "{}", first.output());
    first.kill().await;

    let mut second = app.spawn(&["run"]);
    let store = app.store().await;
    let settled = eventually(Duration::from_secs(30), async || {
        store.unfinished_actions().await.unwrap().is_empty()
            && !store.actions(&id("alice/app"), 5).await.unwrap().is_empty()
            && hub.stage("alice/app") == "RUNNING"
    })
    .await;
    assert!(settled, "{}", second.output());
    // The hung call may or may not have reached the Hub: the resumed attempt only
    // polls, and the ladder's next rung is the factory rebuild, never a second restart.
    assert_eq!(plain_restarts(&hub, "alice/app"), 1);
    second.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn alerts_survive_a_dead_receiver_and_a_restart() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/a")
            .stage("CONFIG_ERROR")
            .error_message("bad YAML"),
    )
    .add_space(SpaceSpec::new("alice/b"));
    let sink = WebhookSink::start().await;
    sink.set_down(true);
    let app = every_second(&hub, "alice/a,alice/b", "").env("ALERT_WEBHOOK_URL", &sink.url());
    let mut first = app.spawn(&["run"]);
    first
        .wait_for(
            "ALERT 🔴 alice/a is broken (configuration) (CONFIG_ERROR): bad YAML",
            Duration::from_secs(10),
        )
        .await;
    assert!(eventually(Duration::from_secs(10), async || sink.refused() >= 1).await);
    hub.set_stage("alice/b", "CONFIG_ERROR");
    let store = app.store().await;
    let queued = eventually(Duration::from_secs(10), async || {
        store.outbox("webhook").await.unwrap().len() == 2
    })
    .await;
    assert!(queued, "{}", first.output());
    first.kill().await;

    let refused_before = sink.refused();
    let mut second = app.spawn(&["run"]);
    // The restarted process tries the queued alerts against the receiver, still down.
    let retried = eventually(Duration::from_secs(30), async || {
        sink.refused() > refused_before
    })
    .await;
    assert!(retried, "{}", second.output());
    sink.set_down(false);
    let delivered = outbox_until(&store, "webhook", Duration::from_secs(30), all_sent(2)).await;
    assert!(delivered, "{}", second.output());
    assert_eq!(
        sink.events(),
        ["down alice/a", "down alice/b"],
        "once each, in order"
    );
    let rows = store.outbox("webhook").await.unwrap();
    assert!(rows.iter().all(|r| r.state == "sent"), "{rows:?}");
    let body = &sink.received()[0];
    assert_eq!(body["source"], "spacewarden");
    assert_eq!(body["urgent"], true);
    assert!(body["text"].as_str().unwrap().contains("alice/a"));
    second.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn ticks_never_overlap_with_a_slow_hub() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.set_latency(Duration::from_millis(1600));
    let app = every_second(&hub, "alice/app", "");
    let mut daemon = app.spawn(&["run"]);
    daemon
        .wait_for("tick skipped", Duration::from_secs(10))
        .await;
    let several = eventually(Duration::from_secs(20), async || {
        hub.requests()
            .iter()
            .filter(|r| r.path == "/api/spaces" && r.answered.is_some())
            .count()
            >= 3
    })
    .await;
    assert!(several, "{}", daemon.output());
    daemon.terminate(Duration::from_secs(10)).await;
    let lists: Vec<_> = hub
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/spaces")
        .collect();
    assert!(lists.len() >= 2, "{lists:?}");
    for pair in lists.windows(2) {
        let answered = pair[0].answered.expect("answered");
        assert!(
            pair[1].arrived >= answered,
            "a cycle started while another was running"
        );
    }
}

#[tokio::test]
async fn sigterm_stops_cleanly() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = every_second(&hub, "alice/app", "");
    let mut daemon = app.spawn(&[]);
    daemon
        .wait_for("check cycle done", Duration::from_secs(10))
        .await;
    let code = daemon.terminate(Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "{}", daemon.output());
    let output = daemon.output();
    assert!(output.contains("SIGTERM received"), "{output}");
    assert!(output.contains("part=\"scheduler\""), "{output}");
    assert!(output.contains("spacewarden stopped"), "{output}");
}
