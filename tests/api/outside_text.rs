//! Hostile text from the Hub, through the real `spacewarden run`: one bad entry in an
//! owner's listing never unwatches the owner, and terminal escapes or mass mentions in
//! an `errorMessage` or a log line reach neither stdout's `ALERT` lines, the log, nor
//! the webhook's `text` as they were sent.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::API_KEY;
use crate::support::webhook::WebhookSink;
use crate::web_process::listening_port;

fn every_second(hub: &FakeHub, spaces: &str, settings: &str) -> App {
    hub.add_user("alice", "hf_alice");
    App::new(hub)
        .env("SPACES", spaces)
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", API_KEY)
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .settings(settings)
}

#[tokio::test]
async fn one_bad_listing_entry_never_unwatches_the_owner() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/ok"))
        .add_space(SpaceSpec::new("alice/weird<script>"))
        // Hub text in a log field: the skipped id is logged with its escape defused.
        .add_space(SpaceSpec::new("alice/evil\x1b]0;title\x07"))
        .add_space(
            SpaceSpec::new("alice/crashed")
                .stage("RUNTIME_ERROR")
                .error_message("Exit code: 1"),
        );
    let app = every_second(
        &hub,
        "alice/*",
        "[repair]\npoll_interval = \"100ms\"\ntimeout = \"10s\"\n",
    );
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let base = format!("http://127.0.0.1:{port}");

    daemon
        .wait_for("ALERT 🔴 alice/crashed is down", Duration::from_secs(15))
        .await;
    let repaired = eventually(Duration::from_secs(20), async || {
        !hub.restarts("alice/crashed").is_empty()
    })
    .await;
    assert!(
        repaired,
        "alice/crashed never repaired:\n{}",
        daemon.output()
    );

    let http = reqwest::Client::new();
    let list: serde_json::Value = http
        .get(format!("{base}/api/v1/spaces"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ids: Vec<&str> = list["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["space"].as_str())
        .collect();
    ids.sort();
    assert_eq!(ids, ["alice/crashed", "alice/ok"], "{list}");
    let page = http.get(format!("{base}/")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("alice/ok") && page.contains("alice/crashed"));
    assert!(!page.contains("weird"), "the bad entry is not shown");
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    for space in ["alice/ok", "alice/crashed"] {
        assert!(metrics.contains(&format!("space=\"{space}\"")), "{metrics}");
    }

    // Several cycles later the bad id was still logged only once, and the owner's list
    // never failed as a whole.
    let cycles = eventually(Duration::from_secs(20), async || {
        let lists = hub.requests();
        lists
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/api/spaces")
            .count()
            >= 4
    })
    .await;
    assert!(cycles, "{}", daemon.output());
    let output = daemon.output();
    // Each bad id once, however many cycles listed it.
    assert_eq!(output.matches("skipping one entry").count(), 2, "{output}");
    assert_eq!(
        output.matches("space=alice/weird<script>").count(),
        1,
        "{output}"
    );
    assert!(output.contains("alice/evil␛]0;title␇"), "{output}");
    assert!(
        !output.contains('\x1b') && !output.contains('\x07'),
        "{output:?}"
    );
    assert!(!output.contains("cannot list the owner"), "{output}");
    daemon.terminate(Duration::from_secs(10)).await;
}

const HOSTILE: &str =
    "\x1b[31mboom\x1b[0m \x1b]0;pwned\x07 @everyone @here <!channel> <https://evil.example|click>";

#[tokio::test]
async fn hostile_hub_text_is_neutralized_in_alerts_logs_and_the_webhook() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("RUNTIME_ERROR")
            .error_message(HOSTILE)
            .run_logs(vec![
                "\x1b[2Jstarting",
                "\x1b]0;log title\x07 @everyone <!here>",
            ]),
    );
    let sink = WebhookSink::start().await;
    let app = every_second(
        &hub,
        "alice/app",
        "[spaces.\"alice/app\"]\nauto_repair = false\n",
    )
    .env("ALERT_WEBHOOK_URL", &sink.url());
    let mut daemon = app.spawn(&["run"]);
    daemon
        .wait_for("ALERT 🔴 alice/app is down", Duration::from_secs(15))
        .await;
    let delivered = eventually(Duration::from_secs(15), async || {
        !sink.received().is_empty()
    })
    .await;
    assert!(delivered, "{}", daemon.output());

    // stdout and stderr: no escape or bell byte anywhere; their pictures instead.
    let output = daemon.output();
    assert!(
        !output.contains('\x1b') && !output.contains('\x07'),
        "{output:?}"
    );
    let alert: Vec<&str> = output.lines().filter(|l| l.starts_with("ALERT ")).collect();
    let text = alert.join("\n");
    assert!(text.contains("␛[31mboom␛[0m ␛]0;pwned␇"), "{text}");
    assert!(text.contains("| ␛[2Jstarting"), "the log lines too: {text}");

    let body = &sink.received()[0];
    let hook = body["text"].as_str().unwrap();
    assert!(!hook.contains('\x1b') && !hook.contains('\x07'), "{hook:?}");
    for defused in [
        "@\u{200B}everyone",
        "@\u{200B}here",
        "&lt;!channel&gt;",
        "&lt;https://evil.example|click&gt;",
        "&lt;!here&gt;",
    ] {
        assert!(hook.contains(defused), "{defused} not in {hook:?}");
    }
    assert!(
        !hook.contains("<!") && !hook.contains("@everyone"),
        "{hook:?}"
    );
    // The machine-readable copy is clean of control characters too.
    let event = body["events"][0].to_string();
    assert!(
        !event.contains("\\u001b") && !event.contains("\\u0007"),
        "{event}"
    );
    daemon.terminate(Duration::from_secs(10)).await;
}
