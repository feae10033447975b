//! Issue 19, defect 13: SIGHUP used to kill the daemon without its shutdown path. Now
//! it reloads `SPACEWARDEN_CONFIG` and `.env` and keeps running: a changed
//! `[spaces."…"]` block applies from the next cycle, a changed variable is named as
//! taking effect after a restart, and a file that no longer parses is refused while
//! the settings in force stay.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

fn hangup(daemon: &Running) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &daemon.pid().to_string()])
        .status()
        .expect("kill -HUP");
    assert!(status.success());
}

fn probe_settings(path: &str) -> String {
    format!("[spaces.\"alice/app\"]\nhealth_path = \"{path}\"\n")
}

#[tokio::test]
async fn sighup_reloads_the_settings_keeps_running_and_refuses_a_broken_file() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .settings(&probe_settings("/before"));
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let healthz = format!("http://127.0.0.1:{port}/healthz");
    let healthy = async || {
        reqwest::get(&healthz)
            .await
            .is_ok_and(|r| r.status() == 200)
    };
    let probed = |path: &'static str| {
        let hub = &hub;
        async move || hub.count("GET", path) > 0
    };
    assert!(
        eventually(Duration::from_secs(20), probed("/before")).await,
        "{}",
        daemon.output()
    );

    // The settings file and a new `.env` change; the daemon is told.
    let settings = app.dir().join("spacewarden.toml");
    std::fs::write(&settings, probe_settings("/after")).unwrap();
    std::fs::write(app.dir().join(".env"), "SPACE_HOST=warden.hf.space\n").unwrap();
    hangup(&daemon);
    daemon
        .wait_for("SPACEWARDEN_CONFIG applied", Duration::from_secs(20))
        .await;
    // The reload logs what it applied, then what waits for a restart: two lines, and
    // the second may not be read from the pipe yet when the first is (CI saw it so).
    daemon
        .wait_for("after a restart", Duration::from_secs(20))
        .await;
    let output = daemon.output();
    assert!(output.contains(r#"[spaces."alice/app"]"#), "{output}");
    assert!(output.contains("SPACE_HOST"), "{output}");
    assert!(output.contains("after a restart"), "{output}");
    assert!(
        eventually(Duration::from_secs(20), probed("/after")).await,
        "the new health path was never probed:\n{}",
        daemon.output()
    );
    assert!(healthy().await, "{}", daemon.output());

    // A broken file is refused; the daemon runs on with what it had.
    std::fs::write(&settings, "[spaces.\"alice/app\"\nhealth_path = \n").unwrap();
    hangup(&daemon);
    daemon
        .wait_for("configuration reload refused", Duration::from_secs(20))
        .await;
    assert!(
        daemon.output().contains("SPACEWARDEN_CONFIG"),
        "{}",
        daemon.output()
    );
    let before = hub.count("GET", "/after");
    assert!(
        eventually(Duration::from_secs(20), async || hub.count("GET", "/after")
            > before)
        .await,
        "the settings in force were lost:\n{}",
        daemon.output()
    );
    assert!(healthy().await, "{}", daemon.output());
    assert_eq!(daemon.terminate(Duration::from_secs(30)).await, Some(0));
}
