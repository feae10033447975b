//! Issue 22 for startup errors and `doctor`: the real binary, with `SPACEWARDEN_LANG`
//! (else the POSIX locale), prints its one `error:` line and doctor's findings in that
//! language. The variable a line names (`TZ`, `PORT`, `SPACES`) stays as it is in
//! every language, since the README and scripts look for it; the exit status is the
//! same; what the user typed is quoted back as typed.

use crate::support::app::{App, Run};
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// Latin words an error line may show in any language: the `error:` prefix scripts
/// look for, the variables, the values given, and the syntax the line asks for.
const NAMES: &[&str] = &[
    "error",
    "TZ",
    "PORT",
    "SPACES",
    "CHECK_SCHEDULE",
    "Mars/Olympus",
    "Asia/Shanghai",
    "IANA",
    "eighty",
    "owner/name",
    "--space",
];

/// The `error:` line of a run (a warning logged before it is the log's business).
fn error_line(run: &Run) -> &str {
    run.stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line:\n{}", run.stderr))
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `(variable, value, English sentence)`: a bad value for each, run as `check`.
const CASES: &[(&str, &str, &str)] = &[
    (
        "TZ",
        "Mars/Olympus",
        "error: TZ: \"Mars/Olympus\" is not a time zone (an IANA name such as Asia/Shanghai, or UTC)",
    ),
    (
        "PORT",
        "eighty",
        "error: PORT: \"eighty\" is not a port number (0-65535)",
    ),
    (
        "CHECK_SCHEDULE",
        "1 2 3",
        "error: CHECK_SCHEDULE: \"1 2 3\" has 3 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)",
    ),
    // No SPACES at all: nothing to watch, and check's own way out.
    (
        "SPACES",
        "",
        "error: SPACES: nothing to watch; set SPACES (owner/name or owner/*) or pass --space",
    ),
];

#[tokio::test]
async fn startup_errors_are_in_the_process_language_naming_the_variable() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    for &(key, value, english) in CASES {
        let app = |lang: (&str, &str)| {
            App::new(&hub)
                .env("SPACES", "alice/app")
                .env(key, value)
                .env(lang.0, lang.1)
        };
        let zh = app(("SPACEWARDEN_LANG", "zh-CN")).run(&["check"]).await;
        assert_eq!(zh.code, 2, "{key} in zh-CN:\n{}", zh.stderr);
        let line = error_line(&zh);
        assert!(line.starts_with(&format!("error: {key}: ")), "{line}");
        assert!(has_chinese(line), "{line}");
        assert!(line.contains(value), "the value as given: {line}");
        let stray = stray_english(line, NAMES);
        assert!(stray.is_empty(), "English in {line:?}: {stray:?}");

        // The POSIX locale when SPACEWARDEN_LANG is unset.
        let posix = app(("LANG", "zh_CN.UTF-8")).run(&["check"]).await;
        assert_eq!(error_line(&posix), line);

        let en = app(("SPACEWARDEN_LANG", "en")).run(&["check"]).await;
        assert_eq!(en.code, 2, "{key} in en:\n{}", en.stderr);
        assert_eq!(error_line(&en), english);
    }
}

#[tokio::test]
async fn an_echoed_value_loses_its_control_characters() {
    let hub = FakeHub::start().await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("SPACEWARDEN_LANG", "zh-CN")
        .env("PORT", "80\u{1b}[2J80");
    let run = app.run(&["check"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = error_line(&run);
    assert!(!line.contains('\u{1b}'), "{line:?}");
    assert!(line.contains("80 [2J80"), "{line:?}");
}

#[tokio::test]
async fn doctor_speaks_the_process_language_and_never_a_token() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice_write_secret");
    hub.add_space(SpaceSpec::new("alice/app"));
    let app = App::new(&hub)
        .settings("[spaces.\"alice/app\"]\nauto_repair = false\n")
        .env("HF_USER", "alice:hf_alice_write_secret")
        .env("REPO_ID", "alice/keep")
        .env("USER_PASSWORD", "node-dashboard-password")
        .env("HF_USERS", "typo")
        .env("API_KEY", "short")
        .env("SPACEWARDEN_LANG", "zh-CN");
    let run = app.run(&["doctor"]).await;
    let out = &run.stdout;
    for secret in ["hf_alice_write_secret", "node-dashboard-password", "short"] {
        assert!(
            !out.contains(secret) && !run.stderr.contains(secret),
            "{secret}:\n{out}"
        );
    }
    assert_eq!(run.code, 0, "nothing fails, warnings only:\n{out}");
    for line in [
        "将 HF_USER 读作 SPACES",
        "alice/*  （该所有者的所有 Space，来自 HF_USER）",
        "alice/keep  （一个 Space，来自 REPO_ID）",
        "HF_USERS 不是 spacewarden 读取的变量；您是想写 HF_USER 吗？",
        "API_KEY 短于 16 个字符",
        "已开启：用户“admin”来自 USER_PASSWORD，密码来自 USER_PASSWORD",
        "alice：令牌来自 HF_USER；whoami：alice（用户），权限 write：",
    ] {
        assert!(out.contains(line), "no \"{line}\" in:\n{out}");
    }
    // Everything a person reads, less names: variables, the Space, the store's path,
    // the Hub's role code, the commands quoted, and `ok`/`warn`/`FAIL` marks (fixed
    // columns scripts read).
    let dir = app.dir().to_string_lossy().into_owned();
    let mut names: Vec<&str> = vec![
        "ok",
        "warn",
        "FAIL",
        "alice/app",
        "alice/keep",
        "alice/*",
        "HF_USER",
        "HF_USERS",
        "REPO_ID",
        "SPACES",
        "USER_PASSWORD",
        "WEB_PASSWORD",
        "WEB_USERNAME",
        "API_KEY",
        "WEB_PASSWORD_HASH",
        "SPACEWARDEN_CONFIG",
        "spacewarden.toml",
        "OAUTH_CLIENT_ID",
        "TELEGRAM_BOT_TOKEN",
        "DISCORD_BOT_TOKEN",
        "Telegram",
        "Discord",
        "admin",
        "whoami",
        "write",
        "openssl",
        "rand",
        "hex",
        "API",
        "spaces",
        "db",
        "Node",
        "USER_NAME",
        "DATABASE_URL",
        "sqlite",
        "HF_ENDPOINT",
        "HF_SPACES_API_URL",
        "doctor",
    ];
    // The temporary folder's name is random letters and digits.
    let letters = regex::Regex::new("[A-Za-z]+").unwrap();
    names.extend(letters.find_iter(&dir).map(|m| m.as_str()));
    let stray = stray_english(out, &names);
    assert!(
        stray.is_empty(),
        "English in doctor's zh-CN output: {stray:?}\n{out}"
    );

    let en = app.env("SPACEWARDEN_LANG", "en").run(&["doctor"]).await;
    assert!(
        en.stdout
            .contains("alice: token from HF_USER; whoami: alice (user), role write: can restart"),
        "{}",
        en.stdout
    );
    assert!(!has_chinese(&en.stdout), "{}", en.stdout);
}

#[tokio::test]
async fn doctor_in_chinese_reports_a_refused_configuration() {
    let hub = FakeHub::start().await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("TZ", "Mars/Olympus")
        .env("SPACEWARDEN_LANG", "zh-CN");
    let run = app.run(&["doctor"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let fail = run
        .stdout
        .lines()
        .find(|l| l.contains("FAIL"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(fail.contains("TZ: “Mars/Olympus”不是时区"), "{fail}");
    assert!(fail.contains("退出码 2"), "{fail}");
    let mut names = NAMES.to_vec();
    names.extend(["FAIL", "doctor", "run"]);
    let stray = stray_english(&run.stdout, &names);
    assert!(stray.is_empty(), "{stray:?}\n{}", run.stdout);
}
