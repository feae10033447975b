//! The status page in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) loads it from the running binary, the rendered DOM is checked
//! (`--dump-dom`), and screenshots in light and dark mode land in
//! `target/screenshots/` for people to look at. Without Chromium the test is skipped
//! with a notice on a developer machine, and fails in CI (`CI=true`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use spacewarden::domain::{Observation, SpaceId, Stage, Verdict};
use spacewarden::store::Store;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, MetricsSample, SpaceSpec};
use crate::support::process::eventually;
use crate::support::web::Site;
use crate::web_process::listening_port;

const HOSTILE: &str = "<script>alert(\"pwned\")</script> CUDA out of memory";

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium once with a fresh profile; returns its stdout.
async fn browse(browser: &Path, extra: &[String], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .expect("chromium finished within 90 s")
        .expect("chromium started");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn screenshot(browser: &Path, url: &str, file: &Path, size: &str, dark: bool) {
    let scheme = if dark { 0 } else { 1 };
    browse(
        browser,
        &[
            format!("--window-size={size}"),
            format!("--blink-settings=preferredColorScheme={scheme}"),
            format!("--screenshot={}", file.display()),
        ],
        url,
    )
    .await;
    let png = std::fs::read(file).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        file.display()
    );
}

fn observation(space: &str, at: DateTime<Utc>, up: bool) -> Observation {
    let (stage, verdict) = if up {
        ("RUNNING", Verdict::Up)
    } else {
        ("RUNTIME_ERROR", Verdict::Down)
    };
    Observation {
        space: Some(SpaceId::parse(space).unwrap()),
        owner: "alice".into(),
        at,
        stage: Some(Stage::parse(stage)),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: None,
        failure: None,
        probe: None,
        verdict,
        subdomain: None,
        gc_timeout: None,
        private: None,
        cause: None,
        revision: None,
    }
}

/// 89 days of history, 100 checks a day, with bad days sprinkled in so the bars show
/// every colour.
async fn seed_history(store: &Store) {
    let now = Utc::now();
    let mut all = Vec::new();
    for (space, bad_every, bad_share) in [
        ("alice/chat-demo", 23, 1),
        ("alice/image-gen", 7, 40),
        ("alice/api", 11, 8),
    ] {
        for back in (1..90i64).rev() {
            let day = now - chrono::Duration::days(back);
            let down = match back % bad_every {
                0 => bad_share,
                3 => 3,
                _ => 0,
            };
            for i in 0..100i64 {
                let at = day - chrono::Duration::minutes(i * 10);
                all.push(observation(space, at, i >= down));
            }
        }
    }
    all.sort_by_key(|o| o.at);
    store.record(&all).await.expect("seed history");
}

#[tokio::test]
async fn the_status_page_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is missing; .ci/run installs Debian's chromium package");
        }
        eprintln!("skipped: no chromium in PATH (apt-get install chromium, or set CHROMIUM)");
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/chat-demo"));
    hub.add_space(
        SpaceSpec::new("alice/image-gen")
            .stage("RUNTIME_ERROR")
            .hardware(Some("t4-small"))
            .error_message(HOSTILE),
    );
    hub.add_space(SpaceSpec::new("alice/api").app(503, "upstream timed out"));
    hub.add_space(SpaceSpec::new("alice/summarizer").stage("SLEEPING"));
    hub.add_space(SpaceSpec::new("alice/old-demo").stage("PAUSED"));
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .settings(
            "[spaces.\"alice/image-gen\"]\nauto_repair = false\n\
             [spaces.\"alice/api\"]\nauto_repair = false\n\
             [spaces.\"alice/summarizer\"]\nkeep_alive = false\n",
        );
    seed_history(&app.store().await).await;
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let settled = eventually(Duration::from_secs(20), async || {
        let page = http.get(format!("{base}/")).send().await.unwrap();
        let html = page.text().await.unwrap();
        html.contains("Open incidents") && html.contains("degraded")
    })
    .await;
    assert!(settled, "no incident on the page:\n{}", daemon.output());

    let dom = browse(&browser, &["--dump-dom".into()], &format!("{base}/")).await;
    for space in ["chat-demo", "image-gen", "api", "summarizer", "old-demo"] {
        assert!(
            dom.contains(&format!("data-space=\"alice/{space}\"")),
            "{space}"
        );
    }
    assert!(
        dom.contains("data-js=\"on\""),
        "theme.js did not run under the CSP"
    );
    assert!(dom.contains("id=\"theme-toggle\""));
    assert!(
        !dom.contains("<script>alert"),
        "the hostile message came alive"
    );
    assert!(
        dom.contains("&lt;script&gt;alert"),
        "the hostile message is not shown as text"
    );
    assert!(dom.contains("class=\"u1"), "bad days are red");
    assert!(dom.contains("Open incidents") && dom.contains("Recent actions"));

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let page = format!("{base}/");
    let space = format!("{base}/space/alice/image-gen");
    screenshot(
        &browser,
        &page,
        &shots.join("status-light.png"),
        "1280,1900",
        false,
    )
    .await;
    screenshot(
        &browser,
        &page,
        &shots.join("status-dark.png"),
        "1280,1900",
        true,
    )
    .await;
    screenshot(
        &browser,
        &page,
        &shots.join("status-phone-dark.png"),
        "390,1600",
        true,
    )
    .await;
    screenshot(
        &browser,
        &space,
        &shots.join("space-light.png"),
        "1280,1500",
        false,
    )
    .await;
    metrics_page(&browser, &shots.join("space-metrics-dark.png")).await;
    let light = std::fs::read(shots.join("status-light.png")).unwrap();
    let dark = std::fs::read(shots.join("status-dark.png")).unwrap();
    assert_ne!(light, dark, "dark mode looks the same as light");
    eprintln!("screenshots in {}", shots.display());
    assert_eq!(daemon.terminate(Duration::from_secs(15)).await, Some(0));
}

/// A Space page with its sparklines: an in-process site on a real socket whose Hub
/// read live metrics the way the chat `/metrics` command does.
async fn metrics_page(browser: &Path, file: &Path) {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/chat-demo").hardware(Some("cpu-upgrade")));
    hub.set_metrics_interval(Duration::from_millis(5));
    let site = Site::new(&hub, "alice/chat-demo", None, "").await;
    site.check().await;
    let id = SpaceId::parse("alice/chat-demo").unwrap();
    let token = secrecy::SecretString::from("hf_alice".to_owned());
    for i in 0..30u64 {
        let wave = (i as f64 / 4.0).sin();
        hub.set_metrics(
            "alice/chat-demo",
            MetricsSample {
                cpu_usage_pct: 45.0 + 35.0 * wave,
                memory_used_bytes: (6 << 30) + (i << 26),
                ..MetricsSample::default()
            },
        );
        site.monitor
            .hub()
            .live_metrics(&id, 1, Some(&token))
            .await
            .expect("metrics");
    }
    let listener = spacewarden::web::bind(0).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let cancel = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(spacewarden::web::serve(
        listener,
        site.state(),
        cancel.clone(),
    ));
    let url = format!("http://127.0.0.1:{port}/space/alice/chat-demo");
    let dom = browse(browser, &["--dump-dom".into()], &url).await;
    assert_eq!(
        dom.matches("<polyline").count(),
        2,
        "CPU and memory sparklines"
    );
    screenshot(browser, &url, file, "1280,1000", true).await;
    cancel.cancel();
    server.await.unwrap().unwrap();
}
