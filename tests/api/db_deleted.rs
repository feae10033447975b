//! Issue 19, defect 7: a SQLite database deleted under the running daemon (`sw.db`,
//! `-wal`, `-shm`) used to go unnoticed while everything written went to the unlinked
//! file. The path's device and inode are compared with the open file's: `/readyz`
//! turns 503 and the store alert reaches the webhook.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;
use crate::support::webhook::WebhookSink;
use crate::web_process::listening_port;

#[tokio::test]
async fn a_deleted_database_is_noticed_answered_503_and_alerted() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let webhook = WebhookSink::start().await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("ALERT_WEBHOOK_URL", &webhook.url());
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let readyz = format!("http://127.0.0.1:{port}/readyz");
    let http = reqwest::Client::new();
    let status = async || {
        http.get(&readyz)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    let ready = eventually(Duration::from_secs(20), async || status().await == 200).await;
    assert!(ready, "never ready:\n{}", daemon.output());

    let db = app.dir().join("spacewarden.db");
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        std::fs::remove_file(&path).ok();
    }
    // The watchdog looks every 5 s; cycles keep writing (to the lost file) meanwhile.
    let noticed = eventually(Duration::from_secs(30), async || status().await == 503).await;
    assert!(noticed, "/readyz stayed 200:\n{}", daemon.output());
    let body = http
        .get(&readyz)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("was deleted"), "{body}");
    let told = eventually(Duration::from_secs(30), async || {
        webhook.received().iter().any(|b| {
            b["notices"][0]["kind"] == "store_failing"
                && b.to_string().contains("spacewarden.db was deleted")
        })
    })
    .await;
    assert!(told, "{:?}\n{}", webhook.received(), daemon.output());
    assert!(
        daemon.output().contains("was deleted"),
        "{}",
        daemon.output()
    );
    assert_eq!(daemon.terminate(Duration::from_secs(30)).await, Some(0));
}
