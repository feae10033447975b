//! The HTTP server inside the real `spacewarden run`, over a real socket: `PORT=0`
//! logs the port it got, the pages and the API answer, a restart through the API
//! reaches the Hub once, and SIGTERM stops everything. Then the container's runtime
//! contract without Docker: the binary as uid 1000, its data in a directory only that
//! user may write, `PORT` from the environment.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use spacewarden::domain::SpaceId;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::{Running, eventually};
use crate::support::web::API_KEY;

/// The port from the startup line `HTTP server listening addr=… port=N`.
pub async fn listening_port(running: &Running) -> u16 {
    running
        .wait_for("HTTP server listening", Duration::from_secs(15))
        .await;
    // Pages answer 503 until the stored history is read (`web::starting`).
    running.wait_for_read_model(Duration::from_secs(30)).await;
    let output = running.output();
    let line = output
        .lines()
        .find(|l| l.contains("HTTP server listening"))
        .unwrap_or_default();
    line.split_whitespace()
        .find_map(|word| word.strip_prefix("port="))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in: {line}"))
}

#[tokio::test]
async fn serves_on_the_logged_port_and_stops_on_sigterm() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("API_KEY", API_KEY)
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info");
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    assert_ne!(port, 0);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    let healthz = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(healthz.status(), 200);
    let ready = eventually(Duration::from_secs(10), async || {
        let reply = http.get(format!("{base}/readyz")).send().await;
        reply.is_ok_and(|r| r.status() == 200)
    })
    .await;
    assert!(ready, "never ready:\n{}", daemon.output());
    let checked = eventually(Duration::from_secs(10), async || {
        let page = http.get(format!("{base}/")).send().await.unwrap();
        page.text().await.unwrap().contains("RUNNING")
    })
    .await;
    assert!(
        checked,
        "the page never showed a check:\n{}",
        daemon.output()
    );

    let restart = http
        .post(format!("{base}/api/v1/spaces/alice/app/restart"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(restart.status(), 202);
    let store = app.store().await;
    let done = eventually(Duration::from_secs(15), async || {
        let actions = store
            .actions(&SpaceId::parse("alice/app").unwrap(), 5)
            .await
            .unwrap();
        actions
            .iter()
            .any(|a| a.actor == "api" && a.state == "done")
    })
    .await;
    assert!(
        done,
        "the API's restart did not finish:\n{}",
        daemon.output()
    );
    assert_eq!(hub.restarts("alice/app"), [false]);
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert!(
        metrics
            .text()
            .await
            .unwrap()
            .contains("spacewarden_hub_requests_total")
    );

    // What the container's HEALTHCHECK runs.
    let healthcheck = App::new(&hub).env("PORT", &port.to_string());
    let healthy = healthcheck.run(&["healthcheck"]).await;
    assert_eq!(
        (healthy.code, healthy.stdout.trim()),
        (0, "ok"),
        "{}",
        healthy.stderr
    );

    assert_eq!(daemon.terminate(Duration::from_secs(15)).await, Some(0));
    let gone = healthcheck.run(&["healthcheck"]).await;
    assert_eq!(gone.code, 1);
    assert!(gone.stderr.contains("cannot connect"), "{}", gone.stderr);
    let output = daemon.output();
    assert!(output.contains("part=\"HTTP server\""), "{output}");
    assert!(!output.contains("hf_alice") && !output.contains(API_KEY));
}

#[tokio::test]
async fn a_taken_port_is_a_startup_error() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let app = App::new(&hub).env("SPACES", "alice/app").env("PORT", &port);
    let run = app.run(&["run"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("PORT"), "{}", run.stderr);
}

/// What the Dockerfile sets up: uid 1000, `/data` owned by it (a temporary stand-in
/// here), `DATABASE_URL` there, `PORT` from the environment, the binary elsewhere.
#[tokio::test]
async fn runs_as_uid_1000_with_its_data_dir_and_port_from_env() {
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout;
    if String::from_utf8_lossy(&uid).trim() != "0" {
        eprintln!("skipped: switching to uid 1000 needs root (CI runs as root)");
        return;
    }
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = root.path().join("spacewarden");
    std::fs::copy(env!("CARGO_BIN_EXE_spacewarden"), &bin).unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&data, Some(1000), Some(1000)).unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = tokio::process::Command::new("setpriv")
        .args(["--reuid=1000", "--regid=1000", "--clear-groups", "--"])
        .arg(&bin)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("SPACES", "alice/app")
        .env("HF_ENDPOINT", hub.hub_url())
        .env("HF_SPACES_API_URL", hub.metrics_url())
        .env("HF_APP_URL_TEMPLATE", hub.app_url_template())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/spacewarden.db", data.display()),
        )
        .env("PORT", port.to_string())
        .env("RUST_LOG", "info")
        .current_dir(&data)
        .kill_on_drop(true)
        .spawn()
        .expect("setpriv (util-linux)");
    let http = reqwest::Client::new();
    let up = eventually(Duration::from_secs(15), async || {
        let reply = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await;
        reply.is_ok_and(|r| r.status() == 200)
    })
    .await;
    assert!(up, "no answer on PORT={port} as uid 1000");
    let db = data.join("spacewarden.db");
    let meta = std::fs::metadata(&db).expect("the database in the data dir");
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), 1000);

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("stops within 15 s of SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}
