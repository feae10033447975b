//! `spacewarden report --out DIR`: a static site from the store. Every watched Space
//! is on it, outside text is escaped as on the live page, nothing is loaded from
//! elsewhere, and `data.json` parses.

use std::path::Path;

use crate::support::app::App;
use crate::support::daemon::FAST_REPAIRS;
use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// An `errorMessage` that would run script if it reached the page unescaped.
const HOSTILE: &str = r#"</p><script>alert("pwned")</script><img src=x onerror=alert(1)> & more"#;

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path))
        .unwrap_or_else(|e| panic!("{path} was not written: {e}"))
}

#[tokio::test]
async fn the_report_shows_every_space_escaped_and_its_data_parses() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/fine")).add_space(
        SpaceSpec::new("alice/Hostile")
            .stage("CONFIG_ERROR")
            .error_message(HOSTILE),
    );
    let app = App::new(&hub)
        .env("SPACES", "alice/*")
        .env("HF_TOKEN", "hf_alice")
        .env("WEB_USERNAME", "ops")
        .env("WEB_PASSWORD", "not shown")
        .settings(FAST_REPAIRS);
    // A run that alerts and opens an incident (a broken configuration is never repaired).
    let checked = app.run(&["check", "--repair", "--timeout", "60s"]).await;
    assert_eq!(checked.code, 1, "stderr:\n{}", checked.stderr);

    let run = app.run(&["report", "--out", "site", "--space-pages"]).await;
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    let site = app.dir().join("site");
    let index = read(&site, "index.html");
    let hostile_page = read(&site, "space/alice/hostile.html");
    read(&site, "space/alice/fine.html");

    assert!(index.contains("alice/fine"));
    for page in [&index, &hostile_page] {
        assert!(page.contains("alice/Hostile"));
        // Escaped, as maud does on the live page: the text shows, no tag is made.
        assert!(!page.contains("<script>alert"), "unescaped script:\n{page}");
        assert!(!page.contains("<img src=x"), "unescaped tag:\n{page}");
        assert!(page.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"));
        // Self-contained: our stylesheet inline, nothing fetched from anywhere.
        assert!(page.contains("<style>"), "no inline stylesheet");
        assert!(!page.contains("<script"), "a static page runs no script");
        assert!(!page.contains("/assets/"), "an asset link:\n{page}");
        assert!(!page.contains(r#"rel="stylesheet""#));
        assert!(!page.contains(r#"src="http"#));
        // Nobody signs in to a file: no sign-in link, no action forms.
        assert!(!page.contains("/login") && !page.contains("csrf"), "{page}");
    }
    // Links work below any path (GitHub Pages serves /<repo>/) and from disk.
    assert!(
        index.contains(r#"href="space/alice/hostile.html""#),
        "{index}"
    );
    assert!(hostile_page.contains(r#"href="../../index.html""#));
    // The incident that the broken configuration opened, with its cause.
    assert!(index.contains("Needs attention"));
    assert!(index.contains("Incident since"));

    let data: serde_json::Value =
        serde_json::from_str(&read(&site, "data.json")).expect("data.json parses");
    let spaces = data["spaces"].as_array().expect("a spaces array");
    let names: Vec<&str> = spaces.iter().filter_map(|s| s["space"].as_str()).collect();
    assert_eq!(
        names,
        ["alice/Hostile", "alice/fine"],
        "open incidents first"
    );
    let hostile = &spaces[0];
    assert_eq!(hostile["verdict"], "broken_config");
    assert_eq!(hostile["error"], HOSTILE, "data keeps the text as it is");
    for window in ["h24", "d7", "d30"] {
        assert!(hostile["uptime"].get(window).is_some(), "uptime {window}");
    }
    assert_eq!(hostile["incidents"][0]["error"], HOSTILE);
    assert_eq!(hostile["incidents"][0]["cause"]["evidence"], HOSTILE);
    assert!(hostile["incidents"][0]["closed_at"].is_null());
    assert_eq!(hostile["recent_checks"][0]["verdict"], "broken_config");
    assert_eq!(spaces[1]["verdict"], "up");
    assert_eq!(spaces[1]["uptime"]["h24"], 1.0);

    // Without --space-pages the index names the Spaces without linking nowhere.
    let run = app.run(&["report", "--out", "plain"]).await;
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    let plain = app.dir().join("plain");
    let index = read(&plain, "index.html");
    assert!(index.contains("alice/fine"));
    assert!(
        !index.contains("space/alice/"),
        "a link to a page not written"
    );
    assert!(!plain.join("space").exists());
}

/// Issue 21: the summary the Python monitor's report opened with, the number of checks
/// over the period and the share that found the Space up, on the page and in
/// `data.json`, counting watched Spaces only.
#[tokio::test]
async fn the_report_sums_up_the_checks_and_their_success_rate() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/fine"))
        .add_space(SpaceSpec::new("alice/broken").stage("RUNTIME_ERROR"))
        .add_space(SpaceSpec::new("alice/gone"));
    let app = App::new(&hub).env("HF_TOKEN", "hf_alice");
    // Three checks of each, the third Space no longer watched when the report runs.
    let before = app.env("SPACES", "alice/fine,alice/broken,alice/gone");
    for _ in 0..3 {
        let run = before.run(&["check"]).await;
        assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    }
    let app = before.env("SPACES", "alice/fine,alice/broken");
    let run = app.run(&["report", "--out", "site"]).await;
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    let site = app.dir().join("site");

    let data: serde_json::Value = serde_json::from_str(&read(&site, "data.json")).unwrap();
    let summary = &data["summary"];
    assert_eq!(
        (
            &summary["checks"],
            &summary["successful"],
            &summary["success_rate"]
        ),
        (&6.into(), &3.into(), &0.5.into()),
        "{summary}"
    );
    let since = chrono::DateTime::parse_from_rfc3339(summary["since"].as_str().unwrap()).unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(summary["until"].as_str().unwrap()).unwrap();
    assert_eq!(
        until - since,
        chrono::Duration::days(7),
        "the raw checks' period"
    );
    let index = read(&site, "index.html");
    assert!(
        index.contains(r#"<p class="summary report-summary">6 checks over the last 7 days, 50.0% successful</p>"#),
        "{index}"
    );
}
