//! Issue 22 for the command line, the static report and the page's error pages: what
//! a person reads is in `SPACEWARDEN_LANG` (else the POSIX locale) with times in `TZ`
//! carrying their offset, `report --lang` overrides the files' language and writes
//! absolute times only, and what scripts read (`check --json`, exit codes) is the same
//! in every language.

use axum::http::StatusCode;

use crate::support::app::App;
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{Site, Visitor};

const SPACES: &str = "alice/up,alice/crashed,alice/sleepy";
/// The Hub's `errorMessage` for alice/crashed: outside text, shown as it came.
const HUB_ERROR: &str = "Space failed to start. Exit code: 1";
/// Latin words the output may show besides the always-allowed ones: Space names, stage
/// names, the hardware flavor, and the words of the Hub's error message.
const NAMES: &[&str] = &[
    "alice/up",
    "alice/crashed",
    "alice/sleepy",
    "RUNNING",
    "RUNTIME_ERROR",
    "SLEEPING",
    "cpu-basic",
    "failed",
    "to",
    "start",
    "Exit",
    "code",
];

async fn hub() -> FakeHub {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/up").hardware(Some("cpu-basic")))
        .add_space(
            SpaceSpec::new("alice/crashed")
                .stage("RUNTIME_ERROR")
                .error_message(HUB_ERROR),
        )
        .add_space(SpaceSpec::new("alice/sleepy").stage("SLEEPING"));
    hub
}

fn assert_no_english(what: &str, text: &str) {
    let stray = stray_english(text, NAMES);
    assert!(stray.is_empty(), "English in {what}: {stray:?}\n{text}");
}

#[tokio::test]
async fn check_prints_its_table_in_chinese_with_the_time_and_its_offset() {
    let hub = hub().await;
    let app = App::new(&hub)
        .env("SPACES", SPACES)
        .env("TZ", "Asia/Shanghai")
        .env("SPACEWARDEN_LANG", "zh-CN");
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 1, "exit status as in English:\n{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains("判定") && lines[0].contains("探测"),
        "{}",
        run.stdout
    );
    let crashed = lines
        .iter()
        .find(|l| l.starts_with("alice/crashed"))
        .unwrap();
    assert!(
        crashed.contains("故障") && crashed.contains(HUB_ERROR),
        "{crashed}"
    );
    let summary = lines.last().unwrap();
    assert!(summary.starts_with("共 3 个 Space："), "{summary}");
    assert!(summary.contains("1 个正常"), "{summary}");
    assert!(
        summary.contains("(UTC+8)"),
        "the check's time with its offset: {summary}"
    );
    assert_no_english("check's table in zh-CN", &run.stdout);

    // The POSIX locale when SPACEWARDEN_LANG is unset (empty); SPACEWARDEN_LANG wins.
    let posix = app.env("SPACEWARDEN_LANG", "").env("LANG", "zh_CN.UTF-8");
    let run = posix.run(&["check"]).await;
    assert!(run.stdout.contains("判定"), "{}", run.stdout);
    let english = posix.env("SPACEWARDEN_LANG", "en");
    let run = english.run(&["check"]).await;
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("SPACE"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("3 Spaces: 1 up, 1 down, 1 sleeping · checked "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(UTC+8)"), "{}", run.stdout);
}

/// `checked_at` and `latency_ms` are the clock's and the network's: two runs differ in
/// them whatever the language. Everything else must be the same byte for byte.
fn without_clock(json: &str) -> String {
    let at = regex::Regex::new(r#""checked_at": "[^"]*""#).unwrap();
    let ms = regex::Regex::new(r#""latency_ms": [0-9.]+"#).unwrap();
    let json = at.replace_all(json, r#""checked_at": "T""#);
    ms.replace_all(&json, r#""latency_ms": 0"#).into_owned()
}

#[tokio::test]
async fn check_json_is_the_same_in_every_language() {
    let hub = hub().await;
    let app = App::new(&hub)
        .env("SPACES", SPACES)
        .env("SPACEWARDEN_LANG", "zh-CN")
        .env("TZ", "Asia/Shanghai");
    let zh = app.run(&["check", "--json"]).await;
    let app = app.env("SPACEWARDEN_LANG", "en").env("TZ", "UTC");
    let en = app.run(&["check", "--json"]).await;
    assert_eq!((zh.code, en.code), (1, 1));
    assert_eq!(zh.json().len(), 3);
    assert!(zh.stdout.contains(r#""verdict": "down""#), "{}", zh.stdout);
    assert!(zh.stdout.contains("Z\""), "times stay UTC: {}", zh.stdout);
    assert_eq!(without_clock(&zh.stdout), without_clock(&en.stdout));

    // Spaces that fail: an app answering 503, a restart that leaves RUNTIME_ERROR. The
    // reasons are the stored English in both languages, also after `--repair`.
    hub.add_space(SpaceSpec::new("alice/busy").app(503, "busy"));
    hub.add_space(
        SpaceSpec::new("alice/stuck")
            .stage("RUNTIME_ERROR")
            .after_restart(vec!["BUILDING", "RUNTIME_ERROR"]),
    );
    let failing = |lang: &str| {
        App::new(&hub)
            .env("SPACES", "alice/busy,alice/stuck")
            .env("SPACEWARDEN_LANG", lang)
            .settings(
                "[repair]\npoll_interval = \"20ms\"\ntimeout = \"1s\"\n\
                 [spaces.\"alice/busy\"]\ndegraded_failures = 1\n",
            )
    };
    let (en_app, zh_app) = (failing("en"), failing("zh-CN").env("TZ", "Asia/Shanghai"));
    for args in [&["check", "--json"][..], &["check", "--repair", "--json"]] {
        let en = en_app.run(args).await;
        let zh = zh_app.run(args).await;
        assert_eq!(zh.code, en.code, "{args:?}: {}", zh.stderr);
        assert!(
            en.stdout.contains(r#""error": "app answered HTTP 503""#),
            "{args:?}: {}",
            en.stdout
        );
        assert_eq!(
            without_clock(&zh.stdout),
            without_clock(&en.stdout),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn check_says_in_chinese_why_an_app_failed() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/busy").app(503, "busy"));
    let app = App::new(&hub)
        .env("SPACES", "alice/busy")
        .env("SPACEWARDEN_LANG", "zh-CN");
    let run = app.run(&["check"]).await;
    let busy = run
        .stdout
        .lines()
        .find(|l| l.starts_with("alice/busy"))
        .unwrap_or_default();
    assert!(busy.contains("应用返回 HTTP 503"), "{}", run.stdout);
    let names: Vec<&str> = NAMES
        .iter()
        .copied()
        .chain(["alice/busy", "HTTP"])
        .collect();
    let stray = stray_english(&run.stdout, &names);
    assert!(
        stray.is_empty(),
        "English in check's table: {stray:?}\n{}",
        run.stdout
    );
    let english = app.env("SPACEWARDEN_LANG", "en").run(&["check"]).await;
    assert!(
        english.stdout.contains("app answered HTTP 503"),
        "{}",
        english.stdout
    );
}

#[tokio::test]
async fn the_report_in_chinese_writes_absolute_times_with_their_offset() {
    let hub = hub().await;
    let app = App::new(&hub).env("SPACES", SPACES);
    for _ in 0..2 {
        assert_eq!(app.run(&["check"]).await.code, 1);
    }
    // --lang wins over SPACEWARDEN_LANG; times in TZ.
    let zh = app.env("SPACEWARDEN_LANG", "en").env("TZ", "Asia/Shanghai");
    let run = zh
        .run(&[
            "report",
            "--out",
            "site",
            "--space-pages",
            "--lang",
            "zh-CN",
        ])
        .await;
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    let site = zh.dir().join("site");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let crashed = std::fs::read_to_string(site.join("space/alice/crashed.html")).unwrap();
    assert!(index.contains("<html lang=\"zh-CN\">"), "{index}");
    assert!(
        index.contains("最近 7 天共检查 6 次，成功率 33.3%"),
        "{index}"
    );
    for (what, page) in [("index.html", &index), ("crashed.html", &crashed)] {
        assert!(
            page.contains("(UTC+8)"),
            "{what}: no time with its offset:\n{page}"
        );
        for relative in ["刚刚", "分钟前", "马上", "just now", " ago"] {
            assert!(!page.contains(relative), "{what} says {relative}:\n{page}");
        }
        assert_no_english(what, page);
    }
    // A tag that is no tag is refused as clap refuses any bad flag (exit 2).
    let bad = zh.run(&["report", "--out", "x", "--lang", "中文"]).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[tokio::test]
async fn sign_in_and_live_error_pages_are_in_the_readers_language() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    // No sign-in configured: /login is not found, as is an unwatched Space's live feed.
    let site = Site::with_env(&hub, "alice/app", None, "", &[]).await;
    let mut visitor = Visitor::new(site.router());
    visitor
        .headers
        .push(("accept-language".into(), "zh-CN,zh;q=0.9".into()));
    for path in ["/login", "/space/alice/nothing/live"] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("<html lang=\"zh-CN\">"),
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("未找到"), "{path}: {}", page.body);
        assert_no_english(path, &page.body);
    }
    let refused = visitor.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert!(refused.body.contains("未找到"), "{}", refused.body);
}
