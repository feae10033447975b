//! `spacewarden run` on Postgres with app probes answering (issue 19): a crashed Space
//! beside a serving one gets its restart and its alerts, and every check is stored
//! with its probe latency. Before the fix no check was ever stored there: a cycle
//! stores its checks by Space, the crashed one (not probed, no latency) first, and the
//! serving one's latency then failed with "incorrect binary data format in bind
//! parameter 7"; nothing was repaired, nothing alerted, and the store-health alert
//! flapped. Skipped without a Postgres server, except in CI.

use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::postgres::fresh_database;
use crate::support::process::eventually;
use crate::support::webhook::WebhookSink;
use crate::web_process::listening_port;

#[tokio::test]
async fn a_crashed_space_is_repaired_and_alerted_while_probes_answer() {
    let Some(database) = fresh_database().await else {
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    // Sorted by Space, the crashed one's check (no probe) is stored first each cycle.
    hub.add_space(SpaceSpec::new("alice/broken").stage("RUNTIME_ERROR"));
    hub.add_space(SpaceSpec::new("alice/web"));
    let sink = WebhookSink::start().await;
    let app = App::new(&hub)
        .env("DATABASE_URL", &database)
        .env("SPACES", "alice/broken,alice/web")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("ALERT_WEBHOOK_URL", &sink.url())
        .env("RUST_LOG", "info")
        .settings("[repair]\npoll_interval = \"100ms\"\n");
    let process = app.spawn(&["run"]);
    listening_port(&process).await;

    let repaired = eventually(Duration::from_secs(60), async || {
        let events = sink.events();
        events.contains(&"down alice/broken".to_owned())
            && events.contains(&"recovered alice/broken".to_owned())
    })
    .await;
    let output = process.output();
    assert!(
        repaired,
        "no down and recovered alerts: {:?}\n{output}",
        sink.events()
    );
    assert_eq!(hub.restarts("alice/broken"), [false], "one restart");
    assert!(hub.restarts("alice/web").is_empty());
    assert!(
        !sink.events().iter().any(|e| e.ends_with("alice/web")),
        "{:?}",
        sink.events()
    );
    assert!(!output.contains("bind parameter"), "{output}");
    assert!(!output.contains("the store cannot write"), "{output}");

    // What the history shows: every check of the serving Space with its latency.
    let store = app.store().await;
    let web = SpaceId::parse("alice/web").unwrap();
    let checks = store.recent_checks(&web.to_string(), 50).await.unwrap();
    assert!(!checks.is_empty());
    assert!(
        checks
            .iter()
            .all(|c| c.probe_ok == Some(true) && c.probe_latency_ms.is_some()),
        "{checks:?}"
    );
    let broken = store.recent_checks("alice/broken", 50).await.unwrap();
    assert!(
        broken.iter().any(|c| c.verdict == "down"),
        "the crash is on record: {broken:?}"
    );
}
