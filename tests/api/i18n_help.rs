//! Issue 22 for `--help` and clap's usage errors: in `SPACEWARDEN_LANG` (else the POSIX
//! locale) with no English left but names (commands, flags, variables, programs,
//! units), English by default. And the one locale of a run: what a command prints
//! after loading its configuration follows `.env`, which `--help` (read before it) does
//! not.

use crate::support::app::App;
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};

/// Names the help may show in any language: subcommands and flags, the parts of
/// `owner/name` and of language tags, programs, products, files, hosts and units.
/// Upper-case words (variables, placeholders, acronyms) are allowed by `stray`.
const NAMES: &[&str] = &[
    "run",
    "check",
    "report",
    "restart",
    "rebuild",
    "healthcheck",
    "doctor",
    "hash-password",
    "test-alert",
    "help",
    "json",
    "space",
    "repair",
    "timeout",
    "out",
    "space-pages",
    "lang",
    "version",
    "owner/name",
    "owner2",
    "token",
    "en",
    "zh-Hans",
    "cli",
    "Ctrl",
    "SQLite",
    "Hub",
    "GitHub",
    "Actions",
    "Pages",
    "index.html",
    "data.json",
    "metrics",
    "healthz",
    "whoami",
    "argon",
    "curl",
    "cron",
    "slack",
    "email",
    "telegram",
    "id",
    "https",
    "huggingface.co",
    "api.hf.space",
    "subdomain.hf.space",
    "sqlite",
    "spacewarden.db",
    "env",
    "info",
    "Telegram",
    "Discord",
    "m",
    "bogus",
    "soon",
];

/// The English words of `text` that are not names.
fn stray(text: &str) -> Vec<String> {
    // `stray_english` reads HTML: the placeholders' angle brackets are text here.
    // clap quotes what was typed in ASCII quotes: not part of the word.
    let html = text
        .replace('\'', " ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    stray_english(&html, NAMES)
        .into_iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
        .collect()
}

async fn hub() -> FakeHub {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/up"));
    hub
}

/// The binary watching alice/up, with `vars` set.
fn app(hub: &FakeHub, vars: &[(&str, &str)]) -> App {
    vars.iter()
        .fold(App::new(hub).env("SPACES", "alice/up"), |app, (k, v)| {
            app.env(k, v)
        })
}

#[tokio::test]
async fn help_is_in_chinese_from_spacewarden_lang_or_the_posix_locale() {
    let hub = hub().await;
    for chinese in [
        app(&hub, &[("SPACEWARDEN_LANG", "zh-CN")]),
        app(&hub, &[("LANG", "zh_CN.UTF-8")]),
    ] {
        for args in [
            &["--help"][..],
            &["check", "--help"],
            &["restart", "-h"],
            &["help", "report"],
        ] {
            let run = chinese.run(args).await;
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            assert!(
                run.stdout.contains("用法：spacewarden"),
                "{args:?}:\n{}",
                run.stdout
            );
            assert!(run.stdout.contains("选项:"), "{args:?}:\n{}", run.stdout);
            let english = stray(&run.stdout);
            assert!(
                english.is_empty(),
                "{args:?}: English {english:?} in\n{}",
                run.stdout
            );
        }
        let top = chinese.run(&["--help"]).await.stdout;
        assert!(top.contains("命令:") && top.contains("  check\n"), "{top}");
        assert!(
            top.contains("配置来自环境变量"),
            "the environment table: {top}"
        );
        let check = chinese.run(&["check", "--help"]).await.stdout;
        assert!(check.contains("--timeout <时长>"), "{check}");
        // The version is the same in every language.
        let version = chinese.run(&["--version"]).await.stdout;
        assert_eq!(
            version,
            format!("spacewarden {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[tokio::test]
async fn help_stays_english_by_default() {
    let hub = hub().await;
    let plain = app(&hub, &[]).run(&["--help"]).await;
    assert_eq!(plain.code, 0);
    assert!(
        plain
            .stdout
            .starts_with("spacewarden keeps Hugging Face Spaces alive")
    );
    assert!(
        plain
            .stdout
            .contains("\nUsage: spacewarden [COMMAND]\n\nCommands:\n  run  ")
    );
    assert!(
        plain
            .stdout
            .contains("\nOptions:\n  -h, --help     Print help\n")
    );
    let check = app(&hub, &[]).run(&["check", "--help"]).await.stdout;
    assert!(
        check.contains("Usage: spacewarden check [OPTIONS]"),
        "{check}"
    );
    // SPACEWARDEN_LANG=en, a locale without a file and "C" are all the same English.
    for (key, value) in [
        ("SPACEWARDEN_LANG", "en"),
        ("LANG", "fr_FR.UTF-8"),
        ("LANG", "C"),
    ] {
        let run = app(&hub, &[(key, value)]).run(&["--help"]).await;
        assert_eq!(run.stdout, plain.stdout, "{key}={value}");
    }
}

#[tokio::test]
async fn usage_errors_are_in_chinese_and_keep_their_exit_status() {
    let hub = hub().await;
    let zh = app(&hub, &[("SPACEWARDEN_LANG", "zh-CN")]);
    let run = zh.run(&["--bogus"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("错误：无法识别的参数 '--bogus'"),
        "{}",
        run.stderr
    );
    let missing = zh.run(&["restart"]).await;
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("缺少以下必需的参数"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("用法：spacewarden restart"),
        "{}",
        missing.stderr
    );
    // A value the parser refuses: its reason in Chinese too, the value as typed.
    let timeout = zh.run(&["check", "--repair", "--timeout", "soon"]).await;
    assert_eq!(timeout.code, 2);
    assert!(
        timeout.stderr.starts_with(
            "错误：'--timeout <时长>' 的值 'soon' 无效：\"soon\" 不是 1s 到 24h 之间的时长"
        ),
        "{}",
        timeout.stderr
    );
    // A Space argument that is no Space id: why, in Chinese, the value as typed.
    let space = zh.run(&["restart", "42/7 7"]).await;
    assert_eq!(space.code, 2);
    assert!(
        space.stderr.contains("“42/7 7”：名称含有“ ”"),
        "{}",
        space.stderr
    );
    for stderr in [&run.stderr, &missing.stderr, &timeout.stderr, &space.stderr] {
        let english = stray(stderr);
        assert!(english.is_empty(), "English {english:?} in\n{stderr}");
    }
    let english = app(&hub, &[]).run(&["--bogus"]).await;
    assert_eq!(english.code, 2);
    assert!(
        english
            .stderr
            .starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        english.stderr
    );
}

/// `.env` is read after the command line, so `--help` follows the environment only;
/// what a command prints once it has loaded its configuration follows `.env` too (the
/// locale read for `--help` is not kept).
#[tokio::test]
async fn output_after_the_configuration_follows_dot_env() {
    let hub = hub().await;
    let app = app(&hub, &[]);
    std::fs::write(app.dir().join(".env"), "SPACEWARDEN_LANG=zh-CN\n").unwrap();
    let help = app.run(&["--help"]).await;
    assert!(
        help.stdout.contains("Usage: spacewarden"),
        "{}",
        help.stdout
    );
    let check = app.run(&["check"]).await;
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stdout.contains("判定"), "{}", check.stdout);
}
