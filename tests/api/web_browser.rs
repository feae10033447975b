//! The pages in a real browser, driven over WebDriver: Debian's `chromedriver`
//! (package `chromium-driver`, which `.ci/run` installs with `chromium`) runs headless
//! Chromium, and fantoccini drives it against the running binary and the fake Hub.
//!
//! It signs in (after a wrong password, whose error it reads), clicks Restart on a
//! broken Space, sees the flash and then the outcome, with exactly one restart in the
//! fake Hub; sees the live CPU figure appear and change; checks that hostile text stays
//! text and the scripts run under the CSP; and saves screenshots (light, dark, phone
//! width) to `docs/screenshots/`, which the README shows. Then it switches the page to
//! Chinese with the header's link, restarts a Space from its overview row, reads the
//! outcome in Chinese, and saves the Chinese screenshots (`*-zh-CN-*.png`; the CJK
//! glyphs come from Debian's `fonts-noto-cjk`, which `.ci/run` installs). Without chromedriver or
//! Chromium the test is skipped with a notice on a developer machine, and fails in CI
//! (`CI=true`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::support::app::App;
use crate::support::daemon::FAST_REPAIRS;
use crate::support::fake_hub::{FakeHub, MetricsSample, SpaceSpec};
use crate::support::process::eventually;
use crate::web_process::listening_port;

const HOSTILE: &str = "<script>alert(\"pwned\")</script> CUDA out of memory";
const USER: &str = "ops";
const PASSWORD: &str = "correct horse battery staple";
pub(crate) const WAIT: Duration = Duration::from_secs(30);

pub(crate) fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// chromedriver on a free port, in a process group of its own with the browser it
/// starts: dropped (also when the test fails), the whole group is killed, so no
/// Chromium outlives the test.
pub(crate) struct Driver {
    child: tokio::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let group = format!("-{pid}");
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &group])
                .status();
        }
    }
}

pub(crate) async fn start_driver(driver: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = tokio::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let ready = eventually(WAIT, async || {
        let status = http.get(format!("{url}/status")).send().await;
        match status {
            Ok(reply) => reply
                .text()
                .await
                .is_ok_and(|t| t.contains("\"ready\":true")),
            Err(_) => false,
        }
    })
    .await;
    assert!(ready, "chromedriver did not get ready on port {port}");
    Driver { child, url }
}

/// A WebDriver session on headless Chromium with a fresh profile in `profile`.
pub(crate) async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--disable-breakpad",
                "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

/// The text of the first element matching `css`, or "" when there is none (yet).
pub(crate) async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub(crate) async fn wait_for_text(
    client: &Client,
    css: &str,
    what: impl Fn(&str) -> bool,
    why: &str,
) -> String {
    let mut last = String::new();
    let found = eventually(WAIT, async || {
        last = text_of(client, css).await;
        what(&last)
    })
    .await;
    assert!(found, "{why}: {css} reads {last:?}");
    last
}

async fn sign_in(client: &Client, base: &str, password: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    let form = client
        .form(Locator::Css("form[action='/login']"))
        .await
        .unwrap();
    form.set_by_name("username", USER).await.unwrap();
    form.set_by_name("password", password).await.unwrap();
    form.submit().await.unwrap();
}

pub(crate) async fn shoot(client: &Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

#[tokio::test]
async fn sign_in_restart_and_live_metrics_in_a_real_browser() {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let programs = (
        find_program("CHROMEDRIVER", &["chromedriver"]),
        find_program(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
    );
    let (Some(driver), Some(chromium)) = programs else {
        assert!(
            !in_ci,
            "chromedriver or chromium is missing; .ci/run installs Debian's chromium and chromium-driver"
        );
        eprintln!(
            "skipped: no chromedriver or chromium (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.set_metrics_interval(Duration::from_millis(300));
    hub.add_space(SpaceSpec::new("alice/chat-demo").hardware(Some("cpu-upgrade")));
    hub.add_space(
        SpaceSpec::new("alice/image-gen")
            .stage("RUNTIME_ERROR")
            .hardware(Some("t4-small"))
            .error_message(HOSTILE),
    );
    hub.add_space(SpaceSpec::new("alice/api").app(503, "upstream timed out"));
    hub.add_space(SpaceSpec::new("alice/summarizer").stage("SLEEPING"));
    hub.add_space(SpaceSpec::new("alice/old-demo").stage("PAUSED"));
    hub.add_space(SpaceSpec::new("bob/translator"));
    let app = App::new(&hub)
        .env("SPACES", "alice/*,bob/translator")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "*/2 * * * * *")
        .env("WEB_USERNAME", USER)
        .env("WEB_PASSWORD", PASSWORD)
        .env("RUST_LOG", "info")
        .settings(&format!(
            "{FAST_REPAIRS}[spaces.\"alice/image-gen\"]\nauto_repair = false\n\
             [spaces.\"alice/api\"]\nauto_repair = false\n\
             [spaces.\"alice/summarizer\"]\nkeep_alive = false\n"
        ));
    let mut daemon = app.spawn(&["run"]);
    let port = listening_port(&daemon).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let checked = eventually(WAIT, async || {
        let page = http.get(format!("{base}/")).send().await.unwrap();
        page.text().await.unwrap().contains("degraded")
    })
    .await;
    assert!(
        checked,
        "the first checks did not show:\n{}",
        daemon.output()
    );

    let driver = start_driver(&driver).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &chromium, profile.path()).await;

    // A wrong password: the form again, with the error.
    sign_in(&client, &base, "not the password").await;
    let error = wait_for_text(&client, ".flash-bad", |t| !t.is_empty(), "no error shown").await;
    assert_eq!(error, "Wrong user name or password.");
    // The right one: back on the overview, signed in.
    sign_in(&client, &base, PASSWORD).await;
    wait_for_text(
        &client,
        ".account .who",
        |t| t.contains(USER),
        "not signed in",
    )
    .await;

    // The overview, before anything is clicked.
    let dom = client.source().await.unwrap();
    assert!(
        dom.contains("data-js=\"on\""),
        "theme.js did not run under the CSP"
    );
    assert!(
        !dom.contains("<script>alert"),
        "the hostile message came alive"
    );
    assert!(
        dom.contains("&lt;script&gt;alert"),
        "the hostile message is not shown as text"
    );
    for space in ["chat-demo", "image-gen", "api", "summarizer", "old-demo"] {
        assert!(
            dom.contains(&format!("data-space=\"alice/{space}\"")),
            "{space}"
        );
    }
    // The overview's live column fills in for running Spaces.
    wait_for_text(
        &client,
        "tr[data-space='alice/chat-demo'] td.live",
        |t| t.contains('%'),
        "no live figure on the overview",
    )
    .await;
    // The filter narrows as you type.
    let filter = client.find(Locator::Css("#filter")).await.unwrap();
    filter.send_keys("trans").await.unwrap();
    let hidden = client
        .execute(
            "return document.querySelector(\"tr[data-space='alice/chat-demo']\").hidden",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!(true), "the filter did not hide a row");

    // Restart the broken Space from its page.
    client
        .goto(&format!("{base}/space/alice/image-gen"))
        .await
        .unwrap();
    client
        .find(Locator::Css("button[data-action='restart']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let flash = wait_for_text(&client, ".flash", |t| !t.is_empty(), "no flash").await;
    assert_eq!(flash, "🔄 Restarting alice/image-gen…");
    // The page reloads itself while the restart runs; then the outcome shows.
    let outcome = eventually(WAIT, async || {
        if text_of(&client, "td.result").await == "recovered" {
            return true;
        }
        let _ = client.refresh().await;
        false
    })
    .await;
    assert!(
        outcome,
        "the restart's outcome never showed:\n{}",
        daemon.output()
    );
    assert_eq!(
        hub.restarts("alice/image-gen"),
        vec![false],
        "exactly one restart"
    );

    // Live metrics on a running Space: the CPU figure appears, then changes.
    client
        .goto(&format!("{base}/space/alice/chat-demo"))
        .await
        .unwrap();
    let first = wait_for_text(&client, "#live-cpu", |t| t.ends_with('%'), "no live CPU").await;
    hub.set_metrics(
        "alice/chat-demo",
        MetricsSample {
            cpu_usage_pct: 71.0,
            memory_used_bytes: 9 << 30,
            ..MetricsSample::default()
        },
    );
    let changed = wait_for_text(
        &client,
        "#live-cpu",
        |t| t == "71 %",
        "the CPU figure did not move",
    )
    .await;
    assert_ne!(first, changed);
    // A few more samples, each waited for on the page, so the sparklines have a line.
    for i in 0..8u64 {
        let cpu = 40.0 + 30.0 * ((i as f64) / 2.0).sin();
        hub.set_metrics(
            "alice/chat-demo",
            MetricsSample {
                cpu_usage_pct: cpu,
                memory_used_bytes: (6 << 30) + (i << 27),
                rx_bps: 20_000 + i * 3_000,
                tx_bps: 8_000 + i * 1_000,
                ..MetricsSample::default()
            },
        );
        let shown = format!("{cpu:.0} %");
        wait_for_text(
            &client,
            "#live-cpu",
            |t| t == shown,
            "a sample did not show",
        )
        .await;
    }

    // Screenshots: light, dark (the theme toggle, twice), phone width.
    // Committed with the code (the README shows them): they change when the pages do.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    client.set_window_size(1280, 1500).await.unwrap();
    shoot(&client, &shots, "space-light.png").await;
    client.goto(&format!("{base}/")).await.unwrap();
    wait_for_text(
        &client,
        "tr[data-space='alice/chat-demo'] td.live",
        |t| t.contains('%'),
        "no live figure",
    )
    .await;
    shoot(&client, &shots, "status-light.png").await;
    let toggle = client.find(Locator::Css("#theme-toggle")).await.unwrap();
    toggle.click().await.unwrap();
    client
        .find(Locator::Css("#theme-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let theme = client
        .execute(
            "return document.documentElement.getAttribute('data-theme')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(theme, json!("dark"));
    shoot(&client, &shots, "status-dark.png").await;
    client
        .goto(&format!("{base}/space/alice/chat-demo"))
        .await
        .unwrap();
    wait_for_text(&client, "#live-cpu", |t| t.ends_with('%'), "no live CPU").await;
    shoot(&client, &shots, "space-dark.png").await;
    client.set_window_size(390, 1400).await.unwrap();
    shoot(&client, &shots, "space-phone-dark.png").await;
    client.goto(&format!("{base}/")).await.unwrap();
    shoot(&client, &shots, "status-phone-dark.png").await;
    let light = std::fs::read(shots.join("status-light.png")).unwrap();
    let dark = std::fs::read(shots.join("status-dark.png")).unwrap();
    assert_ne!(light, dark, "dark mode looks the same as light");

    crate::web_browser_zh::in_chinese(&client, &base, &hub, &shots).await;
    eprintln!("screenshots in {}", shots.display());

    client.close().await.unwrap();
    assert_eq!(daemon.terminate(Duration::from_secs(15)).await, Some(0));
}
