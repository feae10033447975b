//! Issue 22 for why a check or a repair failed: a Space whose app answers 503 (and
//! whose restarts do not bring it back) and one whose restart leaves it in
//! RUNTIME_ERROR. Their reasons are stored in English, as ever, and `/api/v1` says them
//! byte for byte the same whatever `SPACEWARDEN_LANG` is; the page, Telegram's
//! `/status` and the alerts say them in Chinese with no stray English, the Hub's own
//! words kept as they came.

use std::time::Duration;

use axum::http::StatusCode;
use regex::Regex;

use crate::support::chat::telegram::ADMIN;
use crate::support::chat::{Chat, Platform, WAIT};
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::TgUser;
use crate::support::web::{API_KEY, Site, Visitor};

const SPACES: &str = "alice/busy,alice/stuck";
/// The Hub's `errorMessage` for alice/stuck: outside text.
const HUB_SAYS: &str = "OUTSIDE";
/// Latin words a person may read here: the Space names, the stages, the Hub's words,
/// and HTTP (an abbreviation, like CPU).
const NAMES: &[&str] = &[
    "alice/busy",
    "alice/stuck",
    "RUNNING",
    "RUNTIME_ERROR",
    "BUILDING",
    "APP_STARTING",
    "cpu-basic",
    "HTTP",
    HUB_SAYS,
    // A command a gave-up alert points to.
    "logs",
];
/// The busy Space is repaired on its first failed probe.
const SETTINGS: &str = "[spaces.\"alice/busy\"]\ndegraded_failures = 1\n";

fn hub_with_failures(hub: &FakeHub) {
    hub.add_space(SpaceSpec::new("alice/busy").app(503, "busy"));
    hub.add_space(
        SpaceSpec::new("alice/stuck")
            .stage("RUNTIME_ERROR")
            .error_message(HUB_SAYS)
            .after_restart(vec!["BUILDING", "RUNTIME_ERROR"]),
    );
}

fn assert_no_english(what: &str, text: &str) {
    let stray = stray_english(text, NAMES);
    assert!(stray.is_empty(), "English in {what}: {stray:?}\n{text}");
}

/// A site in `lang` after its repairs: the ladder climbed and gave up on both Spaces.
async fn repaired_site(lang: &str) -> Site {
    let hub = FakeHub::start().await;
    hub_with_failures(&hub);
    let env = [("SPACEWARDEN_LANG", lang)];
    let site = Site::with_env(&hub, SPACES, Some(API_KEY), SETTINGS, &env).await;
    for _ in 0..3 {
        site.cycle().await;
    }
    site
}

#[tokio::test]
async fn the_page_says_why_in_chinese_and_the_api_in_the_stored_english() {
    let (en, zh) = tokio::join!(repaired_site("en"), repaired_site("zh-CN"));
    let mut visitor = Visitor::new(zh.router());
    visitor
        .headers
        .push(("accept-language".into(), "zh-CN".into()));
    let busy = visitor.get("/space/alice/busy").await;
    assert_eq!(busy.status, StatusCode::OK);
    assert!(busy.body.contains("应用返回 HTTP 503"), "{}", busy.body);
    assert!(
        busy.body
            .contains("3 秒内未恢复：RUNNING，但应用返回 HTTP 503"),
        "{}",
        busy.body
    );
    let stuck = visitor.get("/space/alice/stuck").await;
    assert!(
        stuck
            .body
            .contains("现处于 RUNTIME_ERROR：<span translate=\"no\">OUTSIDE</span>"),
        "the Hub's words kept and marked: {}",
        stuck.body
    );
    for (path, page) in [
        ("/", visitor.get("/").await.body),
        ("/space/alice/busy", busy.body),
        ("/space/alice/stuck", stuck.body),
    ] {
        assert_no_english(path, &page);
    }

    // What programs read: the stored English, the same bytes in either language (but
    // for the probe's latency and each site's own fake Hub's port).
    let latency = Regex::new(r#""latency_ms":\s*[0-9.]+"#).unwrap();
    let port = Regex::new(r"127\.0\.0\.1:[0-9]+").unwrap();
    for path in [
        "/api/v1/spaces",
        "/api/v1/spaces/alice/busy",
        "/api/v1/spaces/alice/busy/history",
        "/api/v1/spaces/alice/stuck/history",
    ] {
        let [en_body, zh_body] = [&en, &zh].map(|site| site.api_get(path));
        let (en_body, zh_body) = tokio::join!(en_body, zh_body);
        let [en_body, zh_body] = [en_body.body, zh_body.body].map(|body| {
            let body = latency.replace_all(&body, "\"latency_ms\":0");
            port.replace_all(&body, "HUB").into_owned()
        });
        assert_eq!(en_body, zh_body, "{path} differs by language");
        if path.ends_with("busy/history") {
            assert!(
                en_body.contains("not back within 3s: RUNNING but app answered HTTP 503"),
                "{en_body}"
            );
        }
        if path.ends_with("stuck/history") {
            assert!(en_body.contains("now RUNTIME_ERROR: OUTSIDE"), "{en_body}");
        }
    }
}

/// Text as a Telegram user reads it, less `<code>` (Space ids, outside text).
fn shown(html: &str) -> String {
    let code = Regex::new(r"(?s)<code>.*?</code>").unwrap();
    code.replace_all(html, " ").into_owned()
}

#[tokio::test]
async fn status_and_alerts_say_why_in_chinese() {
    let hub = FakeHub::start().await;
    hub_with_failures(&hub);
    let rig = Chat::new(Platform::Telegram, hub).await;
    let app = rig
        .app_with(SPACES)
        .env("SPACEWARDEN_LANG", "zh-CN")
        .settings(&format!(
            "[repair]\npoll_interval = \"50ms\"\ntimeout = \"2s\"\n{SETTINGS}"
        ));
    let mut daemon = app.spawn(&["run"]);
    rig.ready(&daemon).await;
    let said = |needle: &str| rig.alerts().iter().any(|a| a.text.contains(needle));
    let failed = "2 秒内未恢复：RUNNING，但应用返回 HTTP 503";
    let stuck = "现处于 RUNTIME_ERROR：OUTSIDE";
    let both = crate::support::process::eventually(Duration::from_secs(60), async || {
        said(failed) && said(stuck)
    })
    .await;
    let texts: Vec<String> = rig.alerts().into_iter().map(|a| a.text).collect();
    assert!(both, "alerts: {texts:#?}\n{}", daemon.output());
    for text in &texts {
        assert_no_english("an alert", text);
    }
    assert!(
        texts.iter().any(|t| t.contains("应用返回 HTTP 503")),
        "the down alert says why: {texts:#?}"
    );

    // The admin writes privately, in a Telegram set to Chinese.
    let admin = TgUser {
        language_code: Some("zh-hans".into()),
        ..TgUser::named(ADMIN, "ops_lead")
    };
    let ask = async |text: &str| {
        let tg = rig.telegram();
        let before = tg.sent(ADMIN).len();
        tg.push_message(ADMIN, &admin, text);
        tg.wait_for_sent(ADMIN, before + 1, WAIT).await[before]
            .raw_text
            .clone()
    };
    let status = ask("/status").await;
    assert!(status.contains("RUNNING: 应用返回 HTTP 503"), "{status}");
    assert_no_english("/status", &shown(&status));
    let detail = ask("/status alice/busy").await;
    assert!(detail.contains("应用返回 HTTP 503"), "{detail}");
    assert_no_english("/status alice/busy", &shown(&detail));
    daemon.terminate(WAIT).await;
}
